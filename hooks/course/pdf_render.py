"""Render a printable HTML document to PDF with WeasyPrint, through a content-addressed cache.

The cache key covers everything the PDF depends on (document HTML, stylesheets,
embedded files, WeasyPrint's version), so an unchanged chapter is copied, not
rendered again. Files are written to a temporary name and renamed: a failed
render never leaves half a PDF behind.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import mimetypes
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import weasyprint
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from course.files import write_atomically

PDF_VARIANT = "pdf/ua-1"  # tagged PDF for accessibility


@dataclass(frozen=True)
class RenderResult:
    path: Path
    pages: int
    seconds: float
    cached: bool


class PdfFetchError(ValueError):
    """WeasyPrint could not, or may not, read a resource of the document."""

    def __init__(self, url: str, reason: str):
        super().__init__(f"{reason}: {url[:120]}")
        self.url = url
        self.reason = reason


class SiteOnlyFetcher(URLFetcher):
    """Reads `data:` URLs and regular files inside the built site, nothing else.

    The scheme is compared without case (WeasyPrint accepts `FILE:`), the path is
    decoded (`%2e`) and resolved (`..`, symlinks) before it is checked, and the
    Markdown sources are refused even if the site folder were inside them: they
    hold every correction. No network (CVE-2025-68616), no other file.
    """

    def __init__(self, site_dir: Path, *, refused: list[Path] = ()):
        super().__init__(allowed_protocols={"data"}, fail_on_errors=True)
        self._site = site_dir.resolve()
        self._refused = [root.resolve() for root in refused]

    def fetch(self, url, headers=None):
        scheme = url.split(":", 1)[0].strip().lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            raise PdfFetchError(url, "a PDF may only embed files of the site (no network)")
        path = self.site_path(url)
        return URLFetcherResponse(
            path.as_uri(),
            body=path.read_bytes(),
            headers={"Content-Type": mimetypes.guess_type(path.name)[0] or "application/octet-stream"},
        )

    def site_path(self, url: str) -> Path:
        """The file a `file:` URL names, if it is a regular file inside the site; else PdfFetchError."""
        parts = urlsplit(url)
        if parts.netloc not in {"", "localhost"}:
            raise PdfFetchError(url, "a PDF may only embed files of the site")
        path = Path(url2pathname(parts.path))  # decodes %2e and friends
        try:
            resolved = path.resolve(strict=True)
        except (OSError, RuntimeError):
            raise PdfFetchError(url, "file not found") from None
        inside = resolved.is_relative_to(self._site)
        if not inside or any(resolved.is_relative_to(root) for root in self._refused):
            raise PdfFetchError(url, f"a PDF may only embed files of the site, not {resolved}")
        if not resolved.is_file():
            raise PdfFetchError(url, "not a file")
        return resolved


class _WeasyPrintErrors(logging.Handler):
    """Collects what WeasyPrint reports as errors (an image it cannot read) instead of dropping the figure."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@contextlib.contextmanager
def _weasyprint_errors():
    """Turn a refused or failed fetch, and any error WeasyPrint only logs, into PdfFetchError."""
    handler = _WeasyPrintErrors()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield
    except FatalURLFetchingError as error:
        cause = error.__cause__
        if isinstance(cause, PdfFetchError):
            raise cause from None
        url = str(error).partition('"')[2].rstrip('"')
        raise PdfFetchError(url, f"cannot read it ({cause or error})") from None
    finally:
        logger.removeHandler(handler)
    if handler.records:
        record = handler.records[0]
        url = str(record.args[0]) if isinstance(record.args, tuple) and record.args else ""  # the image's URL
        raise PdfFetchError(url, f"WeasyPrint: {record.getMessage()}")


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
    refused_roots: list[Path],
    timestamp: dt.datetime,
) -> RenderResult:
    """Write the PDF of `document_html` at `target`, from the cache when possible.

    `timestamp` dates the attached files, so two builds of the same input give the same bytes.
    Only files inside `base_dir` (the site) are read, never under `refused_roots` (docs/);
    a resource refused or unreadable raises PdfFetchError.
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

    fetcher = SiteOnlyFetcher(base_dir, refused=refused_roots)
    with _weasyprint_errors():
        document = weasyprint.HTML(
            string=document_html, base_url=base_dir.as_uri() + "/", url_fetcher=fetcher
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


def fetch_error_page(error: PdfFetchError, pages) -> str:
    """The source of the page that asks for the resource (by its file name), else the document's pages."""
    name = PurePosixPath(unquote(urlsplit(error.url).path)).name if not error.url.startswith("data:") else ""
    for page in pages:
        if name and name in unquote(page.html):
            return page.src
    return ", ".join(page.src for page in pages) or "the document"
