"""MkDocs glue: French typography on French pages (see course.typography)."""

from __future__ import annotations

from course.page_cache import PAGES, cache_folder
from course.typography import french_typography, french_typography_text


def on_config(config, **_):
    PAGES.open(cache_folder(config))


def on_page_content(html, *, page, config, **_):
    if _page_language(page, config) != "fr":
        return html
    # The table of contents and the page title are built from the Markdown, not from this
    # HTML: give them the same apostrophes so the sidebar, the <title> and the PDFs agree.
    _retitle_toc(page.toc)
    if page.title:
        page.title = french_typography_text(page.title)  # an instance value, as a nav title is
    return PAGES.transform("typography", html, french_typography)


def _retitle_toc(items) -> None:
    for item in items:
        item.title = french_typography_text(item.title)
        _retitle_toc(item.children)


def _page_language(page, config) -> str:
    # mkdocs-static-i18n sets file.locale; an English build may fall back to a French page.
    return getattr(page.file, "locale", None) or config.theme.get("language", "fr")
