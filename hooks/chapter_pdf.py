"""MkDocs glue: collect each rendered page, print one PDF per chapter and one for the course.

PDF=1 / PDF=0 forces PDFs on or off (default: on for `mkdocs build`, off for
`mkdocs serve`). PDF_OUTPUT_DIR moves them out of the site (the trainer
edition), PDF_EDITION=trainer labels that edition (and its file names),
PDF_PAGE_SIZE=letter prints on US Letter instead of A4, PDF_CACHE_DIR moves the cache.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from course.chapters import ChapterError, base_source_path
from course.corrections import CorrectionError
from course.pdf_document import PdfSourceError, PrintPage, prepare_pages, unique_file_names
from course.pdf_render import PdfFetchError, fetch_error_page, render_pdf
from course.pdf_site import (
    COURSE_PDF_STEM,
    document_title,
    edition_label,
    edition_name,
    fill_pdf_list,
    is_local_url,
    midnight_utc,
    page_size,
    pdf_href,
    pdf_list_items,
    pdf_relative_path,
    pdf_stem,
    print_stylesheet,
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


@event_priority(-200)  # after mkdocs-static-i18n, so chapter titles are translated
def on_nav(nav, *, config, **_):
    language = config.theme.get("language", DEFAULT_LANGUAGE)
    try:
        chapters = chapters_from_nav(config.nav)
    except ChapterError as error:
        raise PluginError(str(error)) from None
    # mkdocs-static-i18n keeps one site_dir and puts "en/" in the URL of every English page.
    site_dir = Path(config.site_dir)
    settings = STATE["settings"]
    output_dir = settings.output_dir or site_dir / "pdf"
    repository = Path(config.config_file_path or ".").resolve().parent
    STATE.update(
        language=language,
        chapters=chapters,
        titles={chapter.number: item.title for chapter, item in zip(chapters, nav.items, strict=False)},
        site_dir=site_dir,
        output_dir=output_dir,
        cache_dir=settings.cache_dir or repository / ".cache" / "pdf",
        language_prefix="" if language == DEFAULT_LANGUAGE else f"{language}/",
        home_page=None,
        env=config.theme.get_env(),
    )
    return nav


@event_priority(-100)  # after the corrections are numbered (hooks/corrections.py) and the typography
def on_page_content(html, *, page, config, **_):
    source = base_source_path(page.file.src_uri)
    chapter = next((c for c in STATE["chapters"] if source in c.pages), None)
    if chapter is not None:
        page.meta["chapter_pdf"] = {
            "url": pdf_href(page.url, pdf_relative_path(STATE["language"], chapter.slug)),
            "number": chapter.number,
            "title": STATE["titles"][chapter.number],
        }
    if PDF_LIST_MARKER in html:
        STATE["home_page"] = (Path(page.file.abs_dest_path), page.url)
        site_list = _pdf_list(location=page.url)
        # The printed home page links every PDF: it is only published with them.
        STATE["printed_pdf_list"] = (site_list, _pdf_list(location=page.url, counts={}))
        html = html.replace(PDF_LIST_MARKER, site_list)
    STATE["pages"][source] = page  # its final HTML is read in on_env, after the figures are numbered
    return html


@event_priority(-100)  # after hooks/figures.py
def on_env(env, **_):
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


def on_post_build(config, **_):
    if not STATE["enabled"]:
        return
    if is_local_url(config.site_url) and not COMMAND.get("local_url_said"):
        COMMAND["local_url_said"] = True  # once per `mkdocs build`, not once per language
        log.info(
            f"PDF links to other chapters point to {config.site_url} (SITE_URL is not set): "
            "for PDFs to hand out, build with SITE_URL=https://<published site>/ make build"
        )
    language = STATE["language"]
    counts = {}
    documents = [(chapter.slug, [chapter]) for chapter in STATE["chapters"]]
    documents.append((COURSE_PDF_STEM, STATE["chapters"]))
    for stem, chapters in documents:
        target = STATE["output_dir"] / language / f"{pdf_stem(stem, STATE['edition'], language)}.pdf"
        try:
            result = _render(chapters, target=target, config=config)
        except PdfSourceError as error:
            raise PluginError(f"PDF {target.name}: {error}") from None
        except PdfFetchError as error:
            pages = [STATE["pages"][page] for page in _sources_of(chapters) if page in STATE["pages"]]
            raise PluginError(f"PDF {target.name}: {fetch_error_page(error, pages)}: {error}") from None
        counts[stem] = result.pages
        log.info(
            f"pdf {language}/{target.name}: {result.pages} pages, {result.seconds:.1f} s, "
            f"{'cached' if result.cached else 'rendered'}"
        )
    if STATE["home_page"]:
        path, url = STATE["home_page"]
        fill_pdf_list(path, _pdf_list(location=url, counts=counts))


def _render(chapters, *, target, config):
    # One document, one set of page anchors: links between its pages stay inside the PDF.
    sources = [[STATE["pages"][page] for page in c.pages if page in STATE["pages"]] for c in chapters]
    printed = iter(prepare_pages(
        [page for pages in sources for page in pages],
        site_dir=STATE["site_dir"],
        site_url=config.site_url or "",
    ))
    titles = STATE["titles"]
    printed_chapters = [
        {"number": c.number, "title": titles[c.number], "pages": [next(printed) for _ in pages]}
        for c, pages in zip(chapters, sources, strict=True)
    ]
    all_pages = [page for chapter in printed_chapters for page in chapter["pages"]]
    html = STATE["env"].get_template("pdf/chapter.html").render(
        lang=STATE["language"],
        course_title=config.site_name,
        document_title=document_title(config.site_name, [(c.number, titles[c.number]) for c in chapters]),
        edition=edition_label(STATE["edition"], STATE["language"]),
        edition_short=edition_name(STATE["edition"], STATE["language"]),
        created=midnight_utc(STATE["settings"].day).isoformat(),
        page_size=STATE["page_size"],
        edition_key=STATE["edition"],
        date=STATE["settings"].day.isoformat(),
        kubernetes_version=config.extra.get("kubernetes_version", ""),
        site_url="" if is_local_url(config.site_url) else (config.site_url or "") + STATE["language_prefix"],
        stylesheet=print_stylesheet(Path(config.docs_dir)),
        chapters=printed_chapters,
    )
    return render_pdf(
        html,
        target=target,
        base_dir=STATE["site_dir"],
        embedded_files=set().union(*(page.files for page in all_pages)),
        attachments=unique_file_names([f for page in all_pages for f in page.code_files]),
        cache_dir=STATE["cache_dir"],
        refused_roots=[Path(config.docs_dir)],
        timestamp=midnight_utc(STATE["settings"].day),
    )


def _sources_of(chapters) -> list[str]:
    return [page for chapter in chapters for page in chapter.pages]


def _pdf_list(*, location: str, counts: dict | None = None) -> str:
    items = pdf_list_items(STATE["chapters"], STATE["titles"], STATE["language"], location, counts or {})
    if STATE["enabled"] and counts is None:
        # Not rendered yet: no link until every PDF exists (on_post_build fills them in).
        items = [{**item, "href": None} for item in items]
    return STATE["env"].get_template("partials/pdf-list.html").render(
        items=items, lang=STATE["language"], built=STATE["enabled"]
    )
