"""MkDocs glue: collect each rendered page; once a language's pages are converted (its first template),
hand its chapter PDFs to the run (course.pdf_build), which lays them out in worker processes while MkDocs
writes the pages and builds the next language.
hooks/course_pdf.py finishes the run (course PDFs, home page lists) once every language is built.

PDF=1 / PDF=0 forces PDFs on or off (default: on for `mkdocs build`, off for `mkdocs serve`).
PDF_OUTPUT_DIR moves them out of the site (the trainer edition), PDF_EDITION=trainer labels
that edition (and its file names), PDF_PAGE_SIZE=letter prints on US Letter instead of A4,
PDF_CACHE_DIR moves the cache, PDF_JOBS sets the number of worker processes (default: one per core).
With PDFs off, nothing is collected or parsed, and WeasyPrint is not even imported.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from course.chapters import ChapterError, base_source_path
from course.corrections import CorrectionError
from course.files import cache_root
from course.page_cache import PAGES, cache_folder
from course.pdf_runs import ACTIVE
from course.pdf_site import (
    COURSE_PDF_STEM,
    fill_pdf_list,
    is_local_url,
    midnight_utc,
    page_size,
    pdf_href,
    pdf_list_items,
    pdf_relative_path,
)
from course.settings import pdf_settings
from course.site import DEFAULT_LANGUAGE, chapters_from_nav

log = logging.getLogger("mkdocs.plugins.chapter_pdf")

PDF_LIST_MARKER = "<!-- pdf-list -->"
COMMAND = {"name": "build"}  # set once per process by on_startup
STATE: dict = {}  # reset for every build (mkdocs serve, one build per language)


def on_startup(*, command, **_):
    COMMAND["name"] = command


def on_config(config, **_):
    STATE.clear()
    try:
        settings = pdf_settings(COMMAND["name"])
        size = page_size(settings.page_size)
    except (CorrectionError, ValueError) as error:
        raise PluginError(str(error)) from None
    STATE.update(settings=settings, enabled=settings.enabled, edition=settings.edition, page_size=size, pages={})
    PAGES.open(cache_folder(config))  # each chapter's pages, prepared for print, are remembered there


@event_priority(-200)  # after mkdocs-static-i18n, so chapter titles are translated
def on_nav(nav, *, config, **_):
    language = config.theme.get("language", DEFAULT_LANGUAGE)
    try:
        chapters = chapters_from_nav(config.nav)
    except ChapterError as error:
        raise PluginError(str(error)) from None
    # A chapter has a PDF in this language if one of its pages is translated; else its French PDF is linked.
    translated = {
        base_source_path(page.file.src_uri) for page in nav.pages if page.file.src_uri.endswith(f".{language}.md")
    }
    # mkdocs-static-i18n keeps one site_dir and puts "en/" in the URL of every English page.
    settings = STATE["settings"]
    STATE.update(
        language=language,
        chapters=chapters,
        titles={chapter.number: item.title for chapter, item in zip(chapters, nav.items, strict=False)},
        pdf_languages=_pdf_languages(chapters, language, translated),
        site_dir=Path(config.site_dir),
        output_dir=settings.output_dir or Path(config.site_dir) / "pdf",
        cache_dir=settings.cache_dir or cache_root(config) / "pdf",
        home_page=None,
        env=config.theme.get_env(),
    )
    return nav


def _pdf_languages(chapters, language: str, translated: set[str]) -> dict[str, str]:
    """The language of each chapter's PDF, and of the course PDF, as this language's site links them."""
    own = {
        chapter.slug: language if language == DEFAULT_LANGUAGE or translated & set(chapter.pages) else DEFAULT_LANGUAGE
        for chapter in chapters
    }
    own[COURSE_PDF_STEM] = language if language in own.values() else DEFAULT_LANGUAGE
    return own


@event_priority(-100)  # after the corrections are numbered (hooks/corrections.py) and the typography
def on_page_content(html, *, page, config, **_):
    source = base_source_path(page.file.src_uri)
    chapter = next((c for c in STATE["chapters"] if source in c.pages), None)
    if chapter is not None:
        pdf_language = STATE["pdf_languages"][chapter.slug]
        page.meta["chapter_pdf"] = {
            "url": pdf_href(page.url, pdf_relative_path(pdf_language, chapter.slug)),
            "number": chapter.number,
            "title": STATE["titles"][chapter.number],
            "lang": pdf_language,
        }
    if PDF_LIST_MARKER in html:
        STATE["home_page"] = (Path(page.file.abs_dest_path), page.url)
        site_list = _pdf_list(location=page.url)
        if STATE["enabled"]:  # the printed home page links every PDF: it is only published with them
            STATE["printed_pdf_list"] = (site_list, _pdf_list(location=page.url, counts={}))
        html = html.replace(PDF_LIST_MARKER, site_list)
    if STATE["enabled"]:
        STATE["pages"][source] = page  # its final HTML is read in on_env, after the figures are numbered
    return html


@event_priority(-100)  # after hooks/figures.py
def on_env(env, **_):
    if not STATE["enabled"]:
        return env
    from course.pdf_document import PrintPage

    site_list, printed_list = STATE.get("printed_pdf_list", ("", ""))
    STATE["pages"] = {
        source: PrintPage(
            src=page.file.src_uri,
            url=page.url,
            title=page.title,
            html=page.content.replace(site_list, printed_list) if site_list else page.content,
        )
        for source, page in STATE["pages"].items()
    }
    return env


def on_pre_build(**_):
    if STATE["enabled"]:
        from course.pdf_pool import POOL

        # The workers import WeasyPrint while MkDocs reads the pages.
        day = int(midnight_utc(STATE["settings"].day).timestamp())
        POOL.start(workers=STATE["settings"].jobs, source_date_epoch=day)


def on_pre_template(template, *, config, **_):
    # The first template is rendered once the pages are converted and the images copied: the chapters
    # can be laid out while MkDocs writes the pages.
    if STATE["enabled"] and not STATE.get("handed_over"):
        _hand_over(config)
    return template


def on_post_build(config, **_):
    if not STATE["enabled"]:
        return
    if is_local_url(config.site_url) and not COMMAND.get("local_url_said"):
        COMMAND["local_url_said"] = True  # once per `mkdocs build`, not once per language
        log.info(
            f"PDF links to other chapters point to {config.site_url} (SITE_URL is not set): "
            "for PDFs to hand out, build with SITE_URL=https://<published site>/ make build"
        )
    if not STATE.get("handed_over"):
        _hand_over(config)  # a theme without templates of its own


def _hand_over(config) -> None:
    """Give this language's chapters to the run: from the cache, or to the workers."""
    STATE["handed_over"] = True
    # WeasyPrint takes a second to import: only when PDFs are made.
    from course.pdf_build import PdfRun
    from course.pdf_cache import PdfCache
    from course.pdf_collect import LanguageBuild, language_run
    from course.pdf_document import PdfSourceError

    settings = STATE["settings"]
    if ACTIVE["run"] is None:
        ACTIVE["run"] = PdfRun(jobs=settings.jobs, cache=PdfCache(STATE["cache_dir"]), edition=settings.edition)
    build = LanguageBuild(
        language=STATE["language"], edition=STATE["edition"], day=settings.day, page_size=STATE["page_size"],
        chapters=STATE["chapters"], titles=STATE["titles"], pdf_languages=STATE["pdf_languages"],
        pages=STATE["pages"], site_dir=STATE["site_dir"], output_dir=STATE["output_dir"],
        docs_dir=Path(config.docs_dir), env=STATE["env"], site_name=config.site_name, site_url=config.site_url or "",
        kubernetes_version=config.extra.get("kubernetes_version", ""),
    )
    home = STATE["home_page"]
    try:
        run = language_run(build, ACTIVE["run"].cache, _home_list_filler(home) if home else None,
                           start=ACTIVE["run"].start_chapter)
    except PdfSourceError as error:
        raise PluginError(f"PDF: {error}") from None
    ACTIVE["run"].add_language(run)


def _home_list_filler(home):
    path, url = home
    render = _list_renderer(location=url)

    def fill(counts: dict[str, int]) -> None:
        fill_pdf_list(path, render(counts))

    return fill


def _pdf_list(*, location: str, counts: dict | None = None) -> str:
    return _list_renderer(location=location, linked=counts is not None or not STATE["enabled"])(counts or {})


def _list_renderer(*, location: str, linked: bool = True):
    """The home page's list of PDFs; links only once every PDF exists (the run fills them in)."""
    chapters, titles, language = STATE["chapters"], STATE["titles"], STATE["language"]
    pdf_languages, enabled = dict(STATE["pdf_languages"]), STATE["enabled"]
    template = STATE["env"].get_template("partials/pdf-list.html")

    def render(counts: dict[str, int]) -> str:
        items = pdf_list_items(chapters, titles, language, location, counts, pdf_languages)
        if not linked:
            items = [{**item, "href": None} for item in items]
        return template.render(items=items, lang=language, built=enabled)

    return render
