"""A trainee downloads a TP archive in Chromium (the browser fixtures of test_browser.py)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from test_browser import browser, page, serve  # noqa: F401 (pytest fixtures used by name)

pytestmark = pytest.mark.browser


def test_a_trainee_downloads_the_chapter_3_archive_from_the_tp_page(real_site, serve, page):  # noqa: F811
    """In Chromium at the Guacamole size: the link downloads the archive; the box's commands have a copy button."""
    base = serve(real_site.site)
    page.goto(base + "03-objets-fondamentaux/tp-monsterstack/")
    box = page.locator(".tp-files[data-tp-folder='monsterstack']")
    box.locator("button.md-code__button[data-md-type='copy']").first.wait_for(state="attached")
    with page.expect_download() as started:
        box.locator("a.tp-files-download").click()
    download = started.value
    assert download.suggested_filename == "monsterstack.zip"
    data = Path(download.path()).read_bytes()
    assert data == (real_site.site / "tp" / "monsterstack.zip").read_bytes()
    archive = zipfile.ZipFile(io.BytesIO(data))
    expected = {"app/monstericon.py", "boot.sh", "Dockerfile", "compose.yaml", "requirements.txt", "k8s/"}
    assert {f"monsterstack/{name}" for name in expected} <= set(archive.namelist())
    assert page.foreign_requests == [] and page.failed_responses == []
