"""Lay a printable HTML document out with WeasyPrint, reading nothing but the built site.

`render_job` runs in a worker process (course.pdf_pool) and returns the PDF's bytes
with the page of every anchor; the build writes them (course.pdf_cache). The job and
its cache key are in course.pdf_jobs, which the build's own process imports instead
of this module.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import mimetypes
import time
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pydyf
import weasyprint
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from course.pdf_jobs import PDF_VARIANT, PdfFetchError, Render, RenderJob


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


def render_job(job: RenderJob) -> Render:
    """Lay the document out and write its PDF (in a worker process: nothing is written to disk here).

    Only files inside the site are read, never under `refused_roots`; a resource refused or
    unreadable raises PdfFetchError.
    """
    start = time.perf_counter()
    fetcher = SiteOnlyFetcher(job.base_dir, refused=list(job.refused_roots))
    with _weasyprint_errors():
        # A page of a chapter goes on from the pages before it: its footer counts from its first page number,
        # which is not part of its HTML (the same page laid out again for another number is the same HTML).
        stylesheets = [_parsed(job.stylesheet, job.base_dir, job.refused_roots)]
        if job.first_page != 1:
            stylesheets.append(weasyprint.CSS(string=f"@page :first {{ counter-reset: page {job.first_page} }}"))
        document = weasyprint.HTML(
            string=job.html, base_url=job.base_dir.as_uri() + "/", url_fetcher=fetcher
        ).render(stylesheets=stylesheets)
        pdf = document.write_pdf(
            pdf_variant=PDF_VARIANT,
            pdf_identifier=True,  # derived from the content: same input, same bytes
            finisher=_page_labels(job.label_prefix, job.label_style, job.first_page),
            attachments=[
                weasyprint.Attachment(
                    string=text, name=name, base_url=None, created=job.timestamp, modified=job.timestamp
                )
                for name, text in job.attachments
            ]
            or None,
        )
    anchors = {}
    for index, page in enumerate(document.pages):
        for name in page.anchors:
            anchors.setdefault(name, index)  # an element that runs over pages is anchored on its first
    return Render(pdf, len(document.pages), anchors, time.perf_counter() - start)


@functools.lru_cache(maxsize=4)
def _parsed(stylesheet: str, site_dir: Path, refused_roots: tuple[Path, ...]) -> weasyprint.CSS:
    """The print stylesheet, parsed once per worker for all its documents (a page of a chapter is one);
    what it imports is read like the documents' resources: from the site only."""
    fetcher = SiteOnlyFetcher(site_dir, refused=list(refused_roots))
    return weasyprint.CSS(string=stylesheet, base_url=site_dir.as_uri() + "/", url_fetcher=fetcher)


def _page_labels(prefix: str, style: str, first: int):
    """A PDF viewer shows the page number the footer prints ("3-12", "3-ii"), not the position in the file.
    The PDFs made of parts (course.pdf_book) keep each part's labels."""

    def finish(_document, pdf):
        label = pydyf.Dictionary({
            "S": f"/{style}", **({"P": pydyf.String(prefix)} if prefix else {}), **({"St": first} if first != 1 else {})
        })
        pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": pydyf.Array([0, label])})

    return finish


