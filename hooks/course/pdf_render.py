"""Render a printable HTML document to PDF with WeasyPrint, through a content-addressed cache.

The cache key covers everything the PDF depends on (document HTML, stylesheets,
embedded files, WeasyPrint's version), so an unchanged chapter is copied, not
rendered again. Files are written to a temporary name and renamed: a failed
render never leaves half a PDF behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import weasyprint
from weasyprint.urls import URLFetcher

from course.files import write_atomically

PDF_VARIANT = "pdf/ua-1"  # tagged PDF for accessibility


@dataclass(frozen=True)
class RenderResult:
    path: Path
    pages: int
    seconds: float
    cached: bool


class LocalOnlyFetcher(URLFetcher):
    """Only `data:` URLs and files under the allowed folders (no network: CVE-2025-68616)."""

    def __init__(self, allowed_roots: list[Path]):
        super().__init__(allowed_protocols={"file", "data"}, fail_on_errors=True)
        self._roots = [root.resolve() for root in allowed_roots]

    def fetch(self, url, headers=None):
        if url.startswith("file:"):
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            if not any(path.is_relative_to(root) for root in self._roots):
                raise ValueError(f"PDF may not read {path}: outside the site")
        return super().fetch(url, headers)


def cache_key(document_html: str, embedded_files: set[Path], variant: str, base_dir: Path) -> str:
    """What the PDF depends on, wherever the site is built (paths are taken relative to it)."""
    digest = hashlib.sha256()
    digest.update(weasyprint.__version__.encode())
    digest.update(variant.encode())
    digest.update(document_html.replace(base_dir.as_uri(), "").encode("utf-8"))
    for path in sorted(embedded_files):
        digest.update(str(path.relative_to(base_dir) if path.is_relative_to(base_dir) else path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def render_pdf(
    document_html: str,
    *,
    target: Path,
    base_dir: Path,
    embedded_files: set[Path],
    attachments: list[tuple[str, str]],
    cache_dir: Path,
    allowed_roots: list[Path],
    timestamp: dt.datetime,
) -> RenderResult:
    """Write the PDF of `document_html` at `target`, from the cache when possible.

    `timestamp` dates the attached files, so two builds of the same input give the same bytes.
    """
    start = time.perf_counter()
    attachment_blob = json.dumps(attachments, ensure_ascii=False)
    key = cache_key(
        document_html + attachment_blob + timestamp.isoformat(), embedded_files, PDF_VARIANT, base_dir.resolve()
    )
    cached_pdf, cached_meta = cache_dir / f"{key}.pdf", cache_dir / f"{key}.json"
    if cached_pdf.is_file() and cached_meta.is_file():
        pages = json.loads(cached_meta.read_text())["pages"]
        write_atomically(target, cached_pdf.read_bytes())
        return RenderResult(target, pages, time.perf_counter() - start, cached=True)

    document = weasyprint.HTML(
        string=document_html,
        base_url=base_dir.as_uri() + "/",
        url_fetcher=LocalOnlyFetcher(allowed_roots),
    ).render()
    pdf = document.write_pdf(
        pdf_variant=PDF_VARIANT,
        pdf_identifier=True,  # derived from the content: same input, same bytes
        attachments=[
            weasyprint.Attachment(
                string=text, name=name, base_url=None, created=timestamp, modified=timestamp
            )
            for name, text in attachments
        ]
        or None,
    )
    write_atomically(target, pdf)
    write_atomically(cached_pdf, pdf)
    write_atomically(cached_meta, json.dumps({"pages": len(document.pages)}).encode())
    return RenderResult(target, len(document.pages), time.perf_counter() - start, cached=False)
