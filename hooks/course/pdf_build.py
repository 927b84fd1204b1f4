"""One `mkdocs build` of the PDFs, across its languages: each page of a chapter laid out once, chapters side
by side, the chapter PDFs assembled from their pages and the course PDF from the chapters.

Each language's build hands its chapters over once its pages are converted, each
as soon as its documents are made (`PdfRun.start_chapter`): unchanged chapters come
from the cache; for the others a thread of the run hands their pages to the worker
processes one after the other (a page's numbers go on from the page before it),
takes unchanged pages from the cache, then has the chapter's cover and contents laid
out (their page labels known) and the chapter PDF assembled, while MkDocs writes the
pages and builds the next language. An edit lays out its page again, and the pages
after it only if its number of pages changed. A language's course PDF goes to a
worker as soon as its chapters are made (the French one while the English site builds).
`PdfRun.finish`, once every language is built, waits for the workers, writes the
PDFs, fills the home pages' lists and prunes the cache. A chapter with no
translated page has no English PDF: the English site links the French one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import wait as wait_for
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path

from course.audit import Assembled
from course.files import write_atomically
from course.pdf_cache import CacheEntry, PdfCache
from course.pdf_document import PrintedPage, unique_file_names
from course.pdf_jobs import (
    RENDER_FORMAT,
    BookError,
    BookJob,
    BookPart,
    PdfFetchError,
    RenderJob,
    fetch_error_page,
    layout_engine,
    library_version,
    pdf_date,
)
from course.pdf_pool import POOL
from course.pdf_site import COURSE_PDF_STEM
from course.site import DEFAULT_LANGUAGE

log = logging.getLogger("mkdocs.plugins.chapter_pdf")
RENDER_TIMEOUT = 900  # seconds for one job (a page): a hung worker stops the build instead of holding it forever


class PdfBuildError(RuntimeError):
    """A PDF could not be made; the message names the PDF and the page."""


@dataclass
class ChapterDocument:
    """A chapter's PDF in one language: what it prints, where it goes, and how it is laid out."""

    stem: str  # the chapter's folder, e.g. "03-objets-fondamentaux"
    number: int
    title: str
    language: str
    anchor: str  # id of its cover: where the course PDF's contents lead for the chapter
    label_prefix: str  # "3-"
    pages: list[PrintedPage]
    sources: list  # the PrintPages, in the same order
    target: Path
    slot: Path
    page_jobs: list[RenderJob]  # one per page, numbered from 1: the run gives each the number it goes on from
    render_front: Callable[[dict[str, str]], RenderJob]  # page labels (anchor -> "3-12") -> its cover and contents
    attachments: tuple[tuple[str, str], ...]  # (file name, text): the code files of its pages
    timestamp: dt.datetime
    key: str = ""  # the chapter PDF's cache key, computed once (it reads the embedded images)
    entry: CacheEntry | None = None  # set once made or found in the cache
    future: Future | None = None  # the chapter's CacheEntry, once its thread has made it
    seconds: float = 0.0
    pages_laid_out: int = 0
    front_laid_out: bool = False
    written: bool = False  # its PDF is in the output folder

    @property
    def name(self) -> str:
        return f"{self.language}/{self.target.name}"

    def page_slot(self, index: int) -> Path:
        return part_slot(self.slot, f"page-{index + 1}")

    def slots(self) -> set[Path]:
        """Every cache slot of the chapter: its PDF, its front matter, its pages."""
        return {self.slot, part_slot(self.slot, "front"), *(self.page_slot(i) for i in range(len(self.page_jobs)))}

    def page_label(self, anchor: str) -> str:
        """The label of the page an anchor is on: "3-ii" in the front matter, "3-12" after it."""
        index, front = self.entry.anchors[anchor], self.entry.front_pages
        return f"{self.label_prefix}{_roman(index + 1) if index < front else index - front + 1}"


@dataclass
class LanguageRun:
    """What one language's build leaves for the end of the run."""

    language: str
    chapters: dict[str, ChapterDocument]  # stem -> this language's PDF of the chapter
    addresses: dict[str, dict[str, str]]  # stem -> {page address on the site: page anchor}
    titles: dict[str, str]  # stem -> the chapter's title in this language (its nav section)
    course_target: Path
    course_slot: Path
    render_front: Callable[[list[dict]], str]  # contents entries -> the front matter's HTML
    stylesheet: str  # the print CSS its front matter is laid out with
    base_dir: Path
    refused_roots: tuple[Path, ...]
    timestamp: dt.datetime  # the PDFs' day, midnight UTC: the date of the front matter and attached files
    fill_home_list: Callable[[dict[str, int]], None] | None  # pages of each PDF its home page links


@dataclass
class PdfRun:
    jobs: int = 1
    cache: PdfCache | None = None
    edition: str = "trainee"
    default_language: str = DEFAULT_LANGUAGE  # built first; the other sites link its PDFs of untranslated chapters
    languages: dict[str, LanguageRun] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)
    courses: dict[str, CoursePdf] = field(default_factory=dict)  # language -> its course PDF, once started
    assembled: dict[Path, Assembled] = field(default_factory=dict)  # the course PDFs made, for the audit
    _starters: list[threading.Thread] = field(default_factory=list)
    # The chapters and courses the starters share; held again when a starter submits the course.
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _ended: bool = False

    def start_chapter(self, document: ChapterDocument) -> None:
        """Take a chapter as soon as its documents are made: from the cache, or to a thread that has its pages
        laid out (or taken from the cache) and its PDF assembled."""
        document.key = _chapter_key(document)
        document.entry = self.cache.get(document.slot, document.key)
        if document.entry is None:
            document.future = Future()
            document.future.add_done_callback(_say_rendered(document))
            threading.Thread(target=self._make_chapter, args=(document,), daemon=True).start()

    def _make_chapter(self, document: ChapterDocument) -> None:
        """In a thread of its own: the chapter PDF, made; or the error that stops the build, naming the page."""
        start = time.perf_counter()
        try:
            entry = self._chapter_pdf(document)
        except PdfBuildError as error:
            document.future.set_exception(error)
        except Exception as error:  # a cache that cannot be written, a pool shut by a failed build…
            log.debug("the chapter's traceback", exc_info=error)  # `mkdocs build --verbose` shows it
            document.future.set_exception(
                PdfBuildError(f"PDF {document.target.name}: not made ({type(error).__name__}: {error})")
            )
        else:
            document.seconds = time.perf_counter() - start
            document.future.set_result(entry)

    def _chapter_pdf(self, document: ChapterDocument) -> CacheEntry:
        """Each page laid out from the number the page before it ends on, then the cover and contents with the
        pages' labels, then the chapter PDF assembled from them: each from the cache if it has not changed."""
        pages, labels, first = [], {}, 1
        for index, (job, source) in enumerate(zip(document.page_jobs, document.sources, strict=True)):
            job = replace(job, first_page=first)
            key = job.key()
            entry = self.cache.get(document.page_slot(index), key)
            if entry is None:
                render = self._wait(self._submit(render_pdf, job), document, source)
                entry = self.cache.put(
                    document.page_slot(index), key, render.pdf, pages=render.pages, anchors=render.anchors
                )
                document.pages_laid_out += 1
                log.debug(f"pdf {job.name}: {render.pages} pages from {first}, laid out in {render.seconds:.2f} s")
            labels |= {anchor: f"{document.label_prefix}{first + page}" for anchor, page in entry.anchors.items()}
            pages.append((first, entry))
            first += entry.pages
        front_job = document.render_front(labels)
        front_key, front_slot = front_job.key(), part_slot(document.slot, "front")
        front = self.cache.get(front_slot, front_key)
        job = BookJob(
            front=front_job, front_pdf=front.pdf if front else None,
            parts=tuple(BookPart(entry.pdf) for _, entry in pages), links={},
            attachments=document.attachments, attachment_date=pdf_date(document.timestamp), keep_anchors=True,
        )
        made = self._wait(self._submit(make_book_pdf, job), document, None)
        if made.front is not None:
            front = self.cache.put(front_slot, front_key, made.front.pdf, pages=made.front.pages,
                                   anchors=made.front.anchors)
            document.front_laid_out = True
        log.debug(f"pdf {document.name}: assembled in {made.seconds:.2f} s"
                  + (f", its cover and contents laid out in {made.front.seconds:.2f} s" if made.front else ""))
        anchors = dict(front.anchors)
        for first_page, entry in pages:
            anchors |= {anchor: front.pages + first_page - 1 + page for anchor, page in entry.anchors.items()}
        return self.cache.put(
            document.slot, document.key, made.pdf, pages=front.pages + first - 1, anchors=anchors,
            front_pages=front.pages,
        )

    def _submit(self, function: Callable, job) -> Future:
        with self._lock:
            if self._ended:  # a failed build: nothing starts the workers again
                raise PdfBuildError("the PDF run has ended")
            return POOL.submit(function, job)

    def _wait(self, future: Future, document: ChapterDocument, source):
        """What a worker made for the chapter (`source`: the page it lays out; None: the chapter's assembly),
        or the error that names the PDF and the page."""
        name = document.target.name
        what = source.src if source is not None else "its cover and contents, or its assembly"
        try:
            return future.result(timeout=RENDER_TIMEOUT)
        except TimeoutError:
            raise PdfBuildError(
                f"PDF {name}: {what} not made after {RENDER_TIMEOUT} s (a worker process hangs?)"
            ) from None
        except PdfFetchError as error:
            page = fetch_error_page(error, [source] if source is not None else document.sources)
            raise PdfBuildError(f"PDF {name}: {page}: {error}") from None
        except BookError as error:
            raise PdfBuildError(f"PDF {name}: {error}") from None
        except BrokenProcessPool:
            raise PdfBuildError(f"PDF {name}: the worker process laying out {what} stopped (out of memory?)") from None
        except Exception as error:  # WeasyPrint failing on what a page holds: say which page, not where
            log.debug("WeasyPrint's traceback", exc_info=error)  # `mkdocs build --verbose` shows it
            raise PdfBuildError(
                f"PDF {name}: WeasyPrint failed ({type(error).__name__}: {error}) on {what}; "
                "`mkdocs build --verbose` shows where"
            ) from None

    def add_language(self, run: LanguageRun) -> None:
        """Take a language's chapters, each started already (`start_chapter`); its course PDF is started
        as soon as they are laid out."""
        self.languages[run.language] = run
        for document in run.chapters.values():
            if not document.key:
                self.start_chapter(document)
        # A language with nothing translated has no course PDF: its site links the default language's.
        if run.chapters and self.default_language in self.languages:
            starter = threading.Thread(target=self._start_course_when_laid_out, args=(run,), daemon=True)
            self._starters.append(starter)
            starter.start()

    def _start_course_when_laid_out(self, run: LanguageRun) -> None:
        """In a thread of its own: once the course's chapters are laid out, hand the course to a worker.
        Whatever fails is left to `finish`, which does the same in the build's thread and says why."""
        parts = self._parts(run)
        if wait_for([part.future for part in parts if part.future], timeout=RENDER_TIMEOUT).not_done:
            return
        try:
            with self._lock:
                if self._ended:
                    return
                for part in parts:
                    self._complete(part)
                self.courses[run.language] = self._start_course(run, parts)
        except Exception as error:  # finish() meets it again and stops the build with its message
            log.debug(f"the {run.language} course PDF waits for the end of the run: {error}")

    def cancel(self, *, wait: bool = True) -> None:
        """No course is handed over any more, the workers end (`wait`: before this returns)."""
        with self._lock:
            self._ended = True
        POOL.shutdown(wait=wait)

    def finish(self) -> list[str]:
        """Write every PDF, assemble the course PDFs, fill the home pages; returns the lines to log."""
        counts: dict[tuple[str, str], int] = {}
        lines = []
        made = False  # every PDF is made
        try:  # the workers end with the run, whatever happens: those of the next run (mkdocs serve) start clean
            for starter in self._starters:
                starter.join()
            for run in self.languages.values():
                for document in run.chapters.values():
                    self._complete(document)
                    counts[(run.language, document.stem)] = document.entry.pages
                    if document.future is None:
                        lines.append(
                            f"pdf {document.name}: {document.entry.pages} pages, {document.seconds:.1f} s, cached"
                        )
            pages_printed = sum(counts.values())
            courses = [self.courses.get(run.language) or self._start_course(run, self._parts(run))
                       for run in self.languages.values() if run.chapters]
            for course in courses:
                cached = self._end_course(course)
                if not cached:
                    self.assembled[course.run.course_target] = _assembled(course)
                counts[(course.run.language, "course")] = course.entry.pages
                pages_printed += course.entry.pages
                lines.append(
                    f"pdf {course.run.language}/{course.run.course_target.name}: {course.entry.pages} pages, "
                    f"{course.seconds:.1f} s, "
                    + ("cached" if cached else f"assembled from {len(course.parts)} chapters")
                    + (", its contents reused" if not cached and course.front_reused else "")
                )
            made = True
        finally:
            self.cancel(wait=not made)  # once every PDF is made, the idle workers wind down during the audit
        for language, run in self.languages.items():
            if run.fill_home_list:
                linked = {stem: self._pdf_of(stem, language) for stem in self._stems()}
                course = language if run.chapters else self.default_language
                run.fill_home_list(
                    {stem: counts[(document.language, stem)] for stem, document in linked.items()}
                    | {COURSE_PDF_STEM: counts[(course, "course")]}
                )
        used = {slot for run in self.languages.values() for document in run.chapters.values()
                for slot in document.slots()}
        used |= {slot for run in self.languages.values() if run.chapters
                 for slot in (run.course_slot, _front_slot(run))}
        removed = self.cache.prune(used, {(self.edition, language) for language in self.languages})
        documents = [document for run in self.languages.values() for document in run.chapters.values()]
        rendered = sum(document.future is not None for document in documents)
        total = sum(len(run.chapters) + bool(run.chapters) for run in self.languages.values())
        lines.append(
            f"pdf: {total} PDFs, {pages_printed} pages, {rendered} chapters laid out by {self.jobs} "
            f"worker{'s' if self.jobs > 1 else ''}, {time.perf_counter() - self.started:.1f} s"
            + (f", {len(removed)} stale cache entries removed" if removed else "")
        )
        return lines

    def _complete(self, document: ChapterDocument) -> None:
        """Write the chapter's PDF once it is made (once: a course's starter may have)."""
        if document.written:
            return
        if document.future is not None:
            document.entry = document.future.result()  # its thread ends, made or with the error that names the page
        start = time.perf_counter()
        write_atomically(document.target, document.entry.pdf.read_bytes())
        document.seconds += time.perf_counter() - start
        document.written = True

    def _pdf_of(self, stem: str, language: str) -> ChapterDocument:
        """The chapter's PDF in `language`, or in the default language when none of its pages is translated."""
        return self.languages[language].chapters.get(stem) or self.languages[self.default_language].chapters[stem]

    def _stems(self) -> list[str]:
        return list(self.languages[self.default_language].chapters)

    def _parts(self, run: LanguageRun) -> list[ChapterDocument]:
        return [self._pdf_of(stem, run.language) for stem in self._stems()]

    def _start_course(self, run: LanguageRun, parts: list[ChapterDocument]) -> CoursePdf:
        """The course PDF from the cache, or handed to a worker (the languages' courses are made side by side)."""
        entries = [_contents_entry(part, run.titles.get(part.stem, part.title)) for part in parts]
        front_html = run.render_front(entries)
        attachments = unique_file_names([file for part in parts for page in part.pages for file in page.code_files])
        # The pages its chapters link to: in its own language and the default one (its untranslated chapters),
        # whether it starts before the other languages are built or at the end.
        languages = dict.fromkeys([self.default_language, run.language])
        links = _address_map([self.languages[language] for language in languages], parts)
        digest = hashlib.sha256()
        for text in (layout_engine(), library_version("pikepdf"), front_html, run.timestamp.isoformat(),
                     json.dumps(attachments, ensure_ascii=False), json.dumps(links, sort_keys=True),
                     *(part.entry.key + run.titles.get(part.stem, part.title) for part in parts)):
            digest.update(text.encode("utf-8"))
        course = CoursePdf(run=run, parts=parts, key=digest.hexdigest(), attachments=attachments)
        course.entry = self.cache.get(run.course_slot, course.key)
        if course.entry is None:
            front = RenderJob(
                name=run.course_target.name, html=front_html, base_dir=run.base_dir, embedded_files=frozenset(),
                attachments=(), refused_roots=run.refused_roots, timestamp=run.timestamp,
                label_prefix="", label_style="r", stylesheet=run.stylesheet,
            )
            # An edit seldom changes the front matter (titles, page labels): laid out again only if it does.
            course.front_key = front.key()
            course.front = self.cache.get(_front_slot(run), course.front_key)
            course.front_reused = course.front is not None
            job = BookJob(
                front=front,
                front_pdf=course.front.pdf if course.front else None,
                parts=tuple(BookPart(part.entry.pdf, _bookmark(part, run)) for part in parts),
                links=links, attachments=tuple(attachments), attachment_date=pdf_date(run.timestamp),
            )
            course.future = self._submit(make_book_pdf, job)
        return course

    def _end_course(self, course: CoursePdf) -> bool:
        """Wait for the course PDF, keep it, write it; True if it came from the cache."""
        run = course.run
        cached = course.future is None
        if not cached:
            try:
                made = course.future.result(timeout=RENDER_TIMEOUT)
            except TimeoutError:
                raise PdfBuildError(f"PDF {run.course_target.name}: not made after {RENDER_TIMEOUT} s") from None
            except (BookError, PdfFetchError) as error:
                raise PdfBuildError(f"PDF {run.course_target.name}: {error}") from None
            except Exception as error:  # a chapter PDF pikepdf cannot read, a dead worker…
                log.debug("the course PDF's traceback", exc_info=error)  # `mkdocs build --verbose` shows it
                raise PdfBuildError(
                    f"PDF {run.course_target.name}: not assembled ({type(error).__name__}: {error})"
                ) from None
            if made.front is not None:
                course.front = self.cache.put(
                    _front_slot(run), course.front_key, made.front.pdf, pages=made.front.pages, anchors={}
                )
            pages = course.front.pages + sum(part.entry.pages for part in course.parts)
            course.entry = self.cache.put(run.course_slot, course.key, made.pdf, pages=pages, anchors={})
            course.seconds = made.seconds
        write_atomically(run.course_target, course.entry.pdf.read_bytes())
        return cached


@dataclass
class CoursePdf:
    """A language's course PDF in the making."""

    run: LanguageRun
    parts: list[ChapterDocument]
    key: str
    attachments: list[tuple[str, str]]  # (name, text) of each file attached
    entry: CacheEntry | None = None
    front_key: str = ""
    front: CacheEntry | None = None  # its cover and contents, laid out
    front_reused: bool = False
    future: Future | None = None
    seconds: float = 0.0


def _assembled(course: CoursePdf) -> Assembled:
    """What the course PDF is made of: its chapters' PDFs as written, its own front pages and attachments."""
    def digest(path: Path) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()

    return Assembled(
        digest=digest(course.entry.pdf),
        parts=tuple((part.target, digest(part.entry.pdf)) for part in course.parts),
        added=(("front.pdf", course.front.pdf.read_bytes()),
               *((name, text.encode("utf-8")) for name, text in course.attachments)),
    )


def render_pdf(job: RenderJob):
    """Lay a page out (in a worker: WeasyPrint is imported there, never in the build's process)."""
    from course.pdf_render import render_job

    return render_job(job)


def make_book_pdf(job: BookJob):
    """Make a chapter PDF of its pages, or a course PDF of its chapters (in a worker, like render_pdf)."""
    from course.pdf_book import make_book

    return make_book(job)


def part_slot(slot: Path, part: str) -> Path:
    """The cache slot of a part of a PDF (a page, its front matter), beside the PDF's own."""
    return slot.with_name(f"{slot.name}.{part}")


def _front_slot(run: LanguageRun) -> Path:
    return part_slot(run.course_slot, "front")


def _chapter_key(document: ChapterDocument) -> str:
    """The chapter PDF's key: what its pages are (numbered from 1: their numbers follow from what they are),
    its cover and contents (their labels follow too), its attachments, pikepdf's version."""
    anchors = [page.anchor for page in document.pages]
    anchors += [anchor for page in document.pages for anchor, _ in [*page.sections, *page.figures]]
    digest = hashlib.sha256()
    for text in (RENDER_FORMAT, library_version("pikepdf"), document.render_front({a: a for a in anchors}).key(),
                 json.dumps(document.attachments, ensure_ascii=False), document.timestamp.isoformat(),
                 *(job.key() for job in document.page_jobs)):
        digest.update(text.encode("utf-8"))
    return digest.hexdigest()


def _say_rendered(document: ChapterDocument):
    def say(future: Future) -> None:
        if future.cancelled() or future.exception() is not None:
            return  # the build stops with the error, naming the page
        entry = future.result()
        log.info(
            f"pdf {document.name}: {entry.pages} pages, {document.seconds:.1f} s, rendered "
            f"({document.pages_laid_out} of {len(document.page_jobs)} pages laid out"
            + (", its contents too)" if document.front_laid_out else ")")
        )

    return say


def _roman(number: int) -> str:
    """1 -> "i", 4 -> "iv": the front matter's page numbers, as its footers print them."""
    numerals = [(10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    text = ""
    for value, numeral in numerals:
        count, number = divmod(number, value)
        text += numeral * count
    return text


def _bookmark(document: ChapterDocument, run: LanguageRun) -> str:
    chapter = "Chapter" if run.language == "en" else "Chapitre"
    return f"{chapter} {document.number} — {run.titles.get(document.stem, document.title)}"


def _contents_entry(document: ChapterDocument, title: str) -> dict:
    """A chapter in the course PDF's contents (its title in the course's language), each entry with
    the page label it leads to."""
    return {
        "number": document.number,
        "title": title,
        "lang": document.language,
        "anchor": document.anchor,
        "label": document.page_label(document.anchor),
        "pages": [
            {
                "anchor": page.anchor,
                "title": page.title,
                "label": document.page_label(page.anchor),
            }
            for page in document.pages
        ],
        "figures": [
            (anchor, caption, document.page_label(anchor))
            for page in document.pages
            for anchor, caption in page.figures
        ],
    }


def _address_map(languages: list[LanguageRun], parts: list[ChapterDocument]) -> dict[str, str]:
    """Every address a chapter PDF prints for a page of the course (in these languages) -> its anchor."""
    links = {}
    for part in parts:
        for run in languages:
            links.update(run.addresses.get(part.stem, {}))
    return links
