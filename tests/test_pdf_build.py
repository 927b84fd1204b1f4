"""What the build says when a worker fails in a way nobody planned for (no traceback, the pages named)."""

from __future__ import annotations

from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from types import SimpleNamespace

import pytest

from course.pdf_build import ChapterDocument, PdfBuildError, PdfRun
from course.pdf_cache import PdfCache


def failed_chapter(tmp_path: Path, error: BaseException) -> ChapterDocument:
    future = Future()
    future.set_exception(error)
    return ChapterDocument(
        stem="03-objets", number=3, title="Objets", language="fr", anchor="c3-cover", label_prefix="3-",
        pages=[], sources=[SimpleNamespace(src="03-objets/cours.md"), SimpleNamespace(src="03-objets/tp.md")],
        target=tmp_path / "pdf" / "03-objets.pdf", slot=tmp_path / "cache" / "03-objets", job=None, future=future,
    )


def test_an_unexpected_weasyprint_error_names_the_chapter_and_its_pages(tmp_path):
    run = PdfRun(cache=PdfCache(tmp_path / "cache"))
    with pytest.raises(PdfBuildError) as raised:
        run._complete(failed_chapter(tmp_path, AssertionError("a box without a parent")))
    message = str(raised.value)
    assert message.startswith("PDF 03-objets.pdf: WeasyPrint failed (AssertionError: a box without a parent)")
    assert "03-objets/cours.md, 03-objets/tp.md" in message and "--verbose" in message
    assert not (tmp_path / "pdf").exists()  # nothing written


def test_a_worker_that_dies_is_named(tmp_path):
    run = PdfRun(cache=PdfCache(tmp_path / "cache"))
    with pytest.raises(PdfBuildError, match=r"^PDF 03-objets\.pdf: the worker process laying it out stopped"):
        run._complete(failed_chapter(tmp_path, BrokenProcessPool("killed")))
