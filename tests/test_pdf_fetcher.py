"""The PDF fetcher reads data: URLs and files of the built site, nothing else, and says why."""

from __future__ import annotations

import datetime as dt
import http.server
import threading
from pathlib import Path

import pytest

from course.pdf_document import PrintPage
from course.pdf_jobs import PdfFetchError, RenderJob, fetch_error_page
from course.pdf_render import SiteOnlyFetcher, render_job

DAY = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)


@pytest.fixture
def site(tmp_path) -> Path:
    site = tmp_path / "site"
    (site / "images").mkdir(parents=True)
    (site / "images" / "ok.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>')
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "tp.md").write_text("??? correction\n    SECRET\n")
    (site / "link-to-docs").symlink_to(docs / "tp.md")
    (tmp_path / "outside.txt").write_text("outside")
    return site


@pytest.fixture
def server():
    """A local HTTP server that records every request it receives."""
    requests = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"leak")

        def log_message(self, *_):
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", requests
    httpd.shutdown()


def test_files_of_the_site_and_data_urls_are_read(site):
    fetcher = SiteOnlyFetcher(site)
    assert fetcher.fetch((site / "images" / "ok.svg").as_uri()).read().startswith(b"<svg")
    assert fetcher.fetch("data:text/plain,bonjour").read() == b"bonjour"


@pytest.mark.parametrize(
    "url",
    [
        "FILE:///etc/hostname",
        "File:///proc/self/environ",
        "file://localhost/etc/passwd",
        "file://otherhost/etc/passwd",
        "{site}/../outside.txt",
        "{site}/images/%2e%2e/%2E%2E/outside.txt",
        "{site}/link-to-docs",
        "{docs}/tp.md",
        "ftp://127.0.0.1/x",
        "{site}/images/absent.svg",
        "{site}/images",
    ],
)
def test_everything_else_is_refused(site, url):
    fetcher = SiteOnlyFetcher(site, refused=[site.parent / "docs"])
    url = url.format(site=site.as_uri(), docs=(site.parent / "docs").as_uri())
    with pytest.raises(PdfFetchError):
        fetcher.fetch(url)


def test_the_docs_folder_is_refused_even_inside_the_site(tmp_path):
    site = tmp_path / "site"
    (site / "docs").mkdir(parents=True)
    (site / "docs" / "tp.md").write_text("SECRET")
    with pytest.raises(PdfFetchError, match="may only embed files of the site"):
        SiteOnlyFetcher(site, refused=[site / "docs"]).fetch((site / "docs" / "tp.md").as_uri())


def render(html: str, site: Path, tmp_path: Path, stylesheet: str = ""):
    """As a worker does: the PDF's bytes, written by the caller (here, only if the render succeeds)."""
    job = RenderJob(
        name="out.pdf", html=f'<html lang="fr"><body>{html}</body></html>', base_dir=site,
        embedded_files=frozenset(), attachments=(), refused_roots=(site.parent / "docs",), timestamp=DAY,
        label_prefix="", stylesheet=stylesheet,
    )
    rendered = render_job(job)
    (tmp_path / "out.pdf").write_bytes(rendered.pdf)
    return rendered


@pytest.mark.parametrize(
    "html",
    [
        '<img src="{server}/image.png">',
        '<link rel="stylesheet" href="{server}/style.css">',
        '<div style="background: url({server}/bg.png)">x</div>',
        '<a rel="attachment" href="{server}/env">x</a>',
        '<object data="{server}/o.svg"></object>',
    ],
)
def test_no_request_leaves_the_machine(site, tmp_path, server, html):
    address, requests = server
    with pytest.raises(PdfFetchError, match="no network"):
        render(html.format(server=address), site, tmp_path)
    assert requests == []
    assert not (tmp_path / "out.pdf").exists()


def test_the_print_stylesheet_imports_nothing_from_the_network(site, tmp_path, server):
    """Parsed once per worker, apart from the documents: it is read as they are, from the site only."""
    address, requests = server
    with pytest.raises(PdfFetchError, match="no network"):
        render("<p>x</p>", site, tmp_path, stylesheet=f'@import url("{address}/print.css");\np {{ color: red }}')
    assert requests == []
    assert not (tmp_path / "out.pdf").exists()


@pytest.mark.parametrize(
    "html",
    ['<a rel="attachment" href="FILE:///etc/hostname">x</a>', '<a rel="attachment" href="../docs/tp.md">x</a>'],
)
def test_a_page_cannot_attach_files_outside_the_site(site, tmp_path, html):
    with pytest.raises(PdfFetchError, match="may only embed files of the site"):
        render(html, site, tmp_path)


def test_an_image_weasyprint_cannot_read_fails_instead_of_vanishing(site, tmp_path):
    (site / "images" / "broken.png").write_bytes(b"not a png")
    with pytest.raises(PdfFetchError, match="WeasyPrint: Failed to load image"):
        render('<img src="images/broken.png">', site, tmp_path)


def test_the_error_names_the_page_asking_for_the_file():
    error = PdfFetchError("file:///etc/hostname", "refused")
    pages = [
        PrintPage(src="01-x/a.md", url="01-x/a/", title="A", html="<p>rien</p>"),
        PrintPage(src="01-x/b.md", url="01-x/b/", title="B", html='<a href="FILE:///etc/hostname">x</a>'),
    ]
    assert fetch_error_page(error, pages) == "01-x/b.md"


def test_an_object_whose_file_is_missing_is_a_sentence(site, tmp_path):
    with pytest.raises(PdfFetchError, match=r"^file not found: file://.*/images/absent\.svg"):
        render('<object data="images/absent.svg" type="image/svg+xml"></object>', site, tmp_path)
    assert not (tmp_path / "out.pdf").exists()
