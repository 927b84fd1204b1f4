"""MkDocs glue: French typography on French pages (see course.typography)."""

from __future__ import annotations

from course.typography import french_spacing


def on_page_content(html, *, page, config, **_):
    if _page_language(page, config) != "fr":
        return html
    return french_spacing(html)


def _page_language(page, config) -> str:
    # mkdocs-static-i18n sets file.locale; an English build may fall back to a French page.
    return getattr(page.file, "locale", None) or config.theme.get("language", "fr")
