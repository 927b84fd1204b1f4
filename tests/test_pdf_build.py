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


def test_a_course_pdf_goes_to_a_worker_as_soon_as_its_chapters_are_laid_out(tmp_path, monkeypatch):
    """Not at the end of the run: the French course is made while the English site builds."""
    import datetime as dt
    import threading

    import course.pdf_build as pdf_build
    from course.pdf_build import LanguageRun
    from course.pdf_jobs import Render, RenderJob

    submitted, futures, course_started = [], [], threading.Event()

    def submit(function, job):
        submitted.append(function.__name__)
        futures.append(Future())
        if function.__name__ == "make_course_pdf":
            course_started.set()
        return futures[-1]

    monkeypatch.setattr(pdf_build.POOL, "submit", submit)
    day = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    page = SimpleNamespace(anchor="c3-p0", title="Cours", figures=[], code_files=[])
    job = RenderJob(name="fr/03-objets.pdf", html="<p>Objets</p>", base_dir=tmp_path, embedded_files=frozenset(),
                    attachments=(), refused_roots=(), timestamp=day, label_prefix="3-")
    chapter = ChapterDocument(
        stem="03-objets", number=3, title="Objets", language="fr", anchor="c3-cover", label_prefix="3-",
        pages=[page], sources=[], target=tmp_path / "pdf" / "fr" / "03-objets.pdf",
        slot=tmp_path / "cache" / "trainee" / "fr" / "03-objets", job=job,
    )
    french = LanguageRun(
        language="fr", chapters={"03-objets": chapter}, addresses={}, titles={"03-objets": "Objets"},
        course_target=tmp_path / "pdf" / "fr" / "formation.pdf", course_slot=tmp_path / "cache" / "fr-course",
        render_front=lambda entries: f"<p>{entries[0]['pages'][0]['label']}</p>", base_dir=tmp_path,
        refused_roots=(), timestamp=day, fill_home_list=None,
    )
    run = PdfRun(cache=PdfCache(tmp_path / "cache"), default_language="fr")
    run.add_language(french)
    assert submitted == ["render_pdf"]  # the chapter; its course waits for it
    futures[0].set_result(Render(b"%PDF-1.7 objets", 12, {"c3-cover": 0, "c3-p0": 1}, 1.0))
    assert course_started.wait(timeout=10), submitted
    assert submitted == ["render_pdf", "make_course_pdf"] and list(run.courses) == ["fr"]
    assert chapter.target.read_bytes() == b"%PDF-1.7 objets"  # the chapter PDF is written meanwhile
    run.cancel()
