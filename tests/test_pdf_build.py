"""The PDF run without WeasyPrint: a fake pool lays pages out, so what is laid out, in which order, from which
page number, and what the build says when a worker fails (no traceback, the page named)."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from types import SimpleNamespace

import pytest

import course.pdf_build as pdf_build
from course.pdf_build import ChapterDocument, LanguageRun, PdfBuildError, PdfRun
from course.pdf_cache import PdfCache
from course.pdf_jobs import BookRender, Render, RenderJob

DAY = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


class FakePool:
    """Lays a page out as `lengths[its HTML]` pages (its anchors named after its first word); assembles a
    book as the list of its parts' bytes.
    `hold`: jobs of these functions wait for `release` (a test completes them when it chooses)."""

    def __init__(self, lengths: dict[str, int], *, fail: BaseException | None = None, hold=()):
        self.lengths, self.fail, self.hold = lengths, fail, set(hold)
        self.jobs: list[tuple[str, object]] = []
        self.held: list[tuple[Future, object]] = []

    def submit(self, function, job) -> Future:
        self.jobs.append((function.__name__, job))
        future = Future()
        if function.__name__ in self.hold:
            self.held.append((future, job))
        elif self.fail is not None:
            future.set_exception(self.fail)
        else:
            future.set_result(self.result(function.__name__, job))
        return future

    def result(self, name: str, job):
        if name == "render_pdf":
            pages = self.lengths[job.html]
            page = job.html.split()[0]  # "tp (edited)": the page "tp", its anchors the same
            anchors = {page: 0, f"{page}-end": pages - 1}
            return Render(f"%PDF {job.html} from {job.first_page}".encode(), pages, anchors, 0.1)
        front = None if job.front_pdf else Render(f"%PDF {job.front.html}".encode(), 1, {"c3-cover": 0}, 0.1)
        parts = b" + ".join(part.pdf.read_bytes() for part in job.parts)
        return BookRender(b"%PDF book of " + parts, front, 0.1)

    def laid_out(self) -> list[tuple[str, int]]:
        """(HTML, first page number) of each page laid out."""
        return [(job.html, job.first_page) for name, job in self.jobs if name == "render_pdf"]

    def shutdown(self, *, wait=True) -> None:
        pass


def chapter(tmp_path: Path, htmls: list[str]) -> ChapterDocument:
    def job(html: str, **extra) -> RenderJob:
        return RenderJob(name="fr/03-objets.pdf", html=html, base_dir=tmp_path, embedded_files=frozenset(),
                         attachments=(), refused_roots=(), timestamp=DAY, label_prefix="3-", **extra)

    pages = [SimpleNamespace(anchor=html.split()[0], title=html, sections=[], figures=[], code_files=[])
             for html in htmls]
    return ChapterDocument(
        stem="03-objets", number=3, title="Objets", language="fr", anchor="c3-cover", label_prefix="3-",
        pages=pages, sources=[SimpleNamespace(src=f"03-objets/{html}.md", html=html) for html in htmls],
        target=tmp_path / "pdf" / "fr" / "03-objets.pdf", slot=tmp_path / "cache" / "trainee" / "fr" / "03-objets",
        page_jobs=[job(html) for html in htmls],
        render_front=lambda labels: job("front " + " ".join(f"{a}={label}" for a, label in labels.items()),
                                        label_style="r"),
        attachments=(), timestamp=DAY,
    )


def make(tmp_path: Path, monkeypatch, pool: FakePool, htmls: list[str]) -> ChapterDocument:
    monkeypatch.setattr(pdf_build, "POOL", pool)
    run = PdfRun(cache=PdfCache(tmp_path / "cache"))
    document = chapter(tmp_path, htmls)
    run.start_chapter(document)
    run._complete(document)
    return document


def test_each_page_goes_on_from_the_page_before_it_and_the_contents_print_their_labels(tmp_path, monkeypatch):
    pool = FakePool({"cours": 3, "tp": 2})
    document = make(tmp_path, monkeypatch, pool, ["cours", "tp"])
    assert pool.laid_out() == [("cours", 1), ("tp", 4)]
    front = next(job.front for name, job in pool.jobs if name == "make_book_pdf")
    assert front.html == "front cours=3-1 cours-end=3-3 tp=3-4 tp-end=3-5" and front.label_style == "r"
    assert document.target.read_bytes() == b"%PDF book of %PDF cours from 1 + %PDF tp from 4"
    assert document.entry.pages == 6 and document.entry.front_pages == 1
    assert [document.page_label(anchor) for anchor in ("c3-cover", "cours", "tp-end")] == ["3-i", "3-1", "3-5"]


def test_an_edit_lays_its_page_out_again_and_the_next_ones_only_if_its_length_changed(tmp_path, monkeypatch):
    make(tmp_path, monkeypatch, FakePool({"cours": 3, "tp": 2, "quiz": 1}), ["cours", "tp", "quiz"])

    same_length = FakePool({"cours": 3, "tp (edited)": 2, "quiz": 1})
    document = make(tmp_path, monkeypatch, same_length, ["cours", "tp (edited)", "quiz"])
    assert same_length.laid_out() == [("tp (edited)", 4)]
    assert document.pages_laid_out == 1 and not document.front_laid_out  # its labels did not change

    longer = FakePool({"cours (longer)": 4, "tp (edited)": 2, "quiz": 1})
    document = make(tmp_path, monkeypatch, longer, ["cours (longer)", "tp (edited)", "quiz"])
    assert longer.laid_out() == [("cours (longer)", 1), ("tp (edited)", 5), ("quiz", 7)]
    assert document.front_laid_out

    unchanged = FakePool({})
    make(tmp_path, monkeypatch, unchanged, ["cours (longer)", "tp (edited)", "quiz"])
    assert unchanged.jobs == []  # the chapter PDF itself is in the cache


def test_a_weasyprint_error_names_the_page_it_failed_on(tmp_path, monkeypatch):
    with pytest.raises(PdfBuildError) as raised:
        make(tmp_path, monkeypatch, FakePool({}, fail=AssertionError("a box without a parent")), ["cours", "tp"])
    message = str(raised.value)
    assert message.startswith("PDF 03-objets.pdf: WeasyPrint failed (AssertionError: a box without a parent) on "
                              "03-objets/cours.md;")
    assert "--verbose" in message
    assert not (tmp_path / "pdf").exists()  # nothing written


def test_a_worker_that_dies_is_named(tmp_path, monkeypatch):
    with pytest.raises(PdfBuildError, match=r"^PDF 03-objets\.pdf: the worker process laying out 03-objets/cours"):
        make(tmp_path, monkeypatch, FakePool({}, fail=BrokenProcessPool("killed")), ["cours"])


def test_a_course_pdf_goes_to_a_worker_as_soon_as_its_chapters_are_made(tmp_path, monkeypatch):
    """Not at the end of the run: the French course is made while the English site builds."""
    pool = FakePool({"cours": 12}, hold={"render_pdf"})
    monkeypatch.setattr(pdf_build, "POOL", pool)
    course_started = threading.Event()
    real_submit = pool.submit

    def submit(function, job):
        future = real_submit(function, job)
        if function.__name__ == "make_book_pdf" and job.parts and job.parts[0].title:
            course_started.set()
        return future

    pool.submit = submit
    document = chapter(tmp_path, ["cours"])
    french = LanguageRun(
        language="fr", chapters={"03-objets": document}, addresses={}, titles={"03-objets": "Objets"},
        course_target=tmp_path / "pdf" / "fr" / "formation.pdf", course_slot=tmp_path / "cache" / "fr-course",
        render_front=lambda entries: f"<p>{entries[0]['pages'][0]['label']}</p>", base_dir=tmp_path,
        refused_roots=(), timestamp=DAY, fill_home_list=None, stylesheet="",
    )
    run = PdfRun(cache=PdfCache(tmp_path / "cache"), default_language="fr")
    run.add_language(french)
    for _ in range(100):  # the chapter's thread hands its page over
        if pool.held:
            break
        threading.Event().wait(0.05)
    assert [name for name, _ in pool.jobs] == ["render_pdf"]  # the course waits for its chapter
    future, job = pool.held.pop()
    future.set_result(pool.result("render_pdf", job))
    assert course_started.wait(timeout=10), pool.jobs
    assert [name for name, _ in pool.jobs] == ["render_pdf", "make_book_pdf", "make_book_pdf"]
    assert list(run.courses) == ["fr"]
    assert document.target.read_bytes() == b"%PDF book of %PDF cours from 1"  # written meanwhile
    run.cancel()
