"""MkDocs glue: number the figures of each chapter once every page is rendered (see course.figures).

Numbers run through a chapter in nav order, and MkDocs renders pages in file
order: so the numbering waits for on_env, when every page's HTML is ready.
"""

from __future__ import annotations

import logging

from mkdocs.exceptions import PluginError

from course.chapters import ChapterError, base_source_path
from course.figures import number_figures
from course.page_cache import PAGES, cache_folder
from course.site import DEFAULT_LANGUAGE, chapters_from_nav
from course.typography import french_typography_text

log = logging.getLogger("mkdocs.plugins.figures")


def on_config(config, **_):
    PAGES.open(cache_folder(config))


def on_env(env, *, config, files, **_):
    try:
        chapters = chapters_from_nav(config.nav)
    except ChapterError as error:
        raise PluginError(str(error)) from None
    pages = {base_source_path(file.src_uri): file.page for file in files.documentation_pages() if file.page}
    for chapter in chapters:
        count = 0
        for source in chapter.pages:
            page = pages.get(source)
            if page is None or page.content is None:
                continue
            french = _page_language(page, config) == "fr"
            page.content, numbered = _numbered(page.content, chapter=chapter.number, first=count + 1, french=french)
            count += numbered
    return env


def _numbered(html: str, *, chapter: int, first: int, french: bool) -> tuple[str, int]:
    """number_figures(), remembered across builds (.cache/pages): the HTML and the number of figures."""

    def number(fragment: str) -> str:
        prose = french_typography_text if french else str
        numbered, figures = number_figures(fragment, chapter=chapter, first=first, prose=prose)
        return f"{len(figures)}\n{numbered}"

    count, _, numbered = PAGES.transform(
        "figures", html, number, settings=f"chapter={chapter} first={first} french={french}"
    ).partition("\n")
    return numbered, int(count)


def _page_language(page, config) -> str:
    # As hooks/typography.py: mkdocs-static-i18n sets file.locale; an English build may fall back to French.
    return getattr(page.file, "locale", None) or config.theme.get("language", DEFAULT_LANGUAGE)
