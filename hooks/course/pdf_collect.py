"""One language's build, as the PDF run needs it: each chapter's printable documents (one per page, its cover
and contents) and their render jobs.

`LanguageBuild` holds what the hook gathered during the build (pages, chapters,
settings); `language_run` turns it into the run's LanguageRun. Nothing here reads
MkDocs' state: a test can call it with a hand-made build.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jinja2

from course.page_cache import PAGES
from course.pdf_build import ChapterDocument, LanguageRun
from course.pdf_cache import PdfCache
from course.pdf_document import PrintPage, chapter_prefix, page_anchor, prepare_pages, unique_file_names
from course.pdf_jobs import ANCHOR_LINK, RenderJob, page_address
from course.pdf_site import (
    COURSE_PDF_STEM,
    document_title,
    edition_label,
    edition_name,
    is_local_url,
    midnight_utc,
    pdf_stem,
    print_stylesheet,
)
from course.site import DEFAULT_LANGUAGE


@dataclass(frozen=True)
class LanguageBuild:
    language: str
    edition: str
    day: dt.date  # the date the PDFs print
    page_size: str
    chapters: list  # course.site chapters, in nav order
    titles: dict[int, str]  # chapter number -> its title in this language
    pdf_languages: dict[str, str]  # chapter stem -> language of the PDF this site links
    pages: dict[str, PrintPage]  # source path -> page
    site_dir: Path
    output_dir: Path
    docs_dir: Path
    env: jinja2.Environment
    site_name: str
    site_url: str
    kubernetes_version: str


def language_run(
    build: LanguageBuild, cache: PdfCache, fill_home_list: Callable | None,
    start: Callable[[ChapterDocument], None] = lambda document: None,
) -> LanguageRun:
    """The language's documents, each given to `start` as soon as it is made: the workers begin with the
    first while the others are prepared. The longest first (by their pages' HTML), so that the workers end
    together instead of one finishing a long chapter alone."""
    language, edition = build.language, build.edition
    site_url = build.site_url.rstrip("/") + "/"
    own = [chapter for chapter in build.chapters if build.pdf_languages[chapter.slug] == language]
    stylesheet = print_stylesheet(build.docs_dir, build.page_size)  # read once for the language's documents
    made = {}
    for chapter in sorted(own, key=lambda chapter: -_html_length(build, chapter)):
        made[chapter.slug] = chapter_document(build, chapter, cache, stylesheet)
        start(made[chapter.slug])
    chapters = {chapter.slug: made[chapter.slug] for chapter in own}  # in the order of the course
    return LanguageRun(
        language=language,
        chapters=chapters,
        addresses={
            chapter.slug: {
                page_address(site_url + build.pages[source].url): anchor
                for source, anchor in _page_anchors(build, chapter)
            }
            for chapter in build.chapters
        },
        titles={chapter.slug: build.titles[chapter.number] for chapter in build.chapters},
        course_target=build.output_dir / language / f"{pdf_stem(COURSE_PDF_STEM, edition, language)}.pdf",
        course_slot=cache.slot(edition, language, COURSE_PDF_STEM),
        render_front=_front_renderer(build),
        stylesheet=stylesheet,
        base_dir=build.site_dir,
        refused_roots=(build.docs_dir,),
        timestamp=midnight_utc(build.day),
        fill_home_list=fill_home_list,
    )


def chapter_document(build: LanguageBuild, chapter, cache: PdfCache, stylesheet: str) -> ChapterDocument:
    language, edition = build.language, build.edition
    sources = [build.pages[source] for source in _present(build, chapter)]
    target = build.output_dir / language / f"{pdf_stem(chapter.slug, edition, language)}.pdf"
    prefix = chapter_prefix(chapter.number)
    pages = prepare_pages(sources, site_dir=build.site_dir, site_url=build.site_url, anchor_prefix=prefix,
                          cache=PAGES)
    title = build.titles[chapter.number]
    label_prefix = f"{chapter.number}-"
    anchor = f"{prefix}cover"
    context = _document_context(build, document_title(build.site_name, [(chapter.number, title)]))
    chapter_context = {"number": chapter.number, "title": title, "pages": pages, "anchor": anchor,
                       "label_prefix": label_prefix}
    name = f"{language}/{target.name}"
    common = {"base_dir": build.site_dir, "attachments": (), "refused_roots": (build.docs_dir,),
              "timestamp": midnight_utc(build.day), "label_prefix": label_prefix,
              "stylesheet": stylesheet}
    page_template = build.env.get_template("pdf/chapter-page.html")
    page_jobs = [
        RenderJob(
            name=f"{name}, {source.src}", html=page_template.render(**context, chapter=chapter_context, page=page),
            embedded_files=frozenset(page.files), **common,
        )
        for page, source in zip(pages, sources, strict=True)
    ]
    front_template = build.env.get_template("pdf/chapter.html")

    def render_front(labels: dict[str, str]) -> RenderJob:
        html = front_template.render(**context, chapter=chapter_context, labels=labels, link_prefix=ANCHOR_LINK)
        return RenderJob(name=f"{name}, its cover and contents", html=html, embedded_files=frozenset(),
                         label_style="r", **common)

    return ChapterDocument(
        stem=chapter.slug, number=chapter.number, title=title, language=language, anchor=anchor,
        label_prefix=label_prefix, pages=pages, sources=sources, target=target,
        slot=cache.slot(edition, language, chapter.slug), page_jobs=page_jobs, render_front=render_front,
        attachments=tuple(unique_file_names([f for page in pages for f in page.code_files])),
        timestamp=midnight_utc(build.day),
    )


def _present(build: LanguageBuild, chapter) -> list[str]:
    """The chapter's pages this build rendered, in their order."""
    return [source for source in chapter.pages if source in build.pages]


def _html_length(build: LanguageBuild, chapter) -> int:
    return sum(len(build.pages[source].html) for source in _present(build, chapter))


def _page_anchors(build: LanguageBuild, chapter) -> list[tuple[str, str]]:
    prefix = chapter_prefix(chapter.number)
    return [(source, page_anchor(index, prefix)) for index, source in enumerate(_present(build, chapter))]


def _document_context(build: LanguageBuild, title: str) -> dict:
    language = build.language
    prefix = "" if language == DEFAULT_LANGUAGE else f"{language}/"
    return {
        "lang": language,
        "course_title": build.site_name,
        "document_title": title,
        "edition": edition_label(build.edition, language),
        "edition_short": edition_name(build.edition, language),
        "created": midnight_utc(build.day).isoformat(),
        "edition_key": build.edition,
        "date": build.day.isoformat(),
        "kubernetes_version": build.kubernetes_version,
        "site_url": "" if is_local_url(build.site_url) else build.site_url + prefix,
    }


def _front_renderer(build: LanguageBuild) -> Callable[[list[dict]], str]:
    """The course PDF's cover and contents, rendered at the end of the run (its page numbers come from the
    chapters' renders)."""
    template = build.env.get_template("pdf/course.html")
    context = _document_context(build, build.site_name)

    def render(chapters: list[dict]) -> str:
        return template.render(**context, chapters=chapters, link_prefix=ANCHOR_LINK)

    return render
