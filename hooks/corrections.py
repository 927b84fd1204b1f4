"""MkDocs glue: number corrections, keep only the released ones (see course.corrections)."""

from __future__ import annotations

import datetime as dt
import logging
import os

from mkdocs.exceptions import PluginError

from course.chapters import ChapterError, base_source_path
from course.corrections import (
    CorrectionError,
    RenderedCorrection,
    apply_corrections,
    decide,
    number_corrections,
    parse_mode,
    parse_release_rules,
    scan_corrections,
)
from course.site import (
    DEFAULT_LANGUAGE,
    chapters_from_nav,
    docs_dir_label,
    localized_source,
    read_source,
)

log = logging.getLogger("mkdocs.plugins.corrections")

# Reset for every build: `mkdocs serve` and mkdocs-static-i18n build several times per process.
STATE: dict = {}


def on_config(config, **_):
    STATE.clear()
    settings = config.extra.get("corrections") or {}
    try:
        STATE["mode"] = parse_mode(os.environ.get("CORRECTIONS") or settings.get("mode"))
    except CorrectionError as error:
        raise PluginError(str(error)) from None
    STATE["release"] = settings.get("release")
    config.extra["corrections_mode"] = STATE["mode"]  # read by overrides/main.html (mode banner)


def on_nav(nav, *, config, **_):
    language = config.theme.get("language", DEFAULT_LANGUAGE)
    docs_label = docs_dir_label(config)
    try:
        chapters = chapters_from_nav(config.nav)
        sources = {
            page: scan_corrections(
                read_source(config.docs_dir, source), page=page, file=f"{docs_label}/{source}"
            )
            for chapter in chapters
            for page in chapter.pages
            for source in [localized_source(config.docs_dir, page, language)]
        }
        numbered = number_corrections(chapters, sources)
        rules = parse_release_rules(STATE["release"], numbered=numbered, chapters=chapters)
    except (CorrectionError, ChapterError) as error:
        raise PluginError(str(error)) from None
    today = dt.date.today()
    STATE.update(
        # Pages are rendered before on_env runs, so the theme's environment is taken here.
        template=config.theme.get_env().get_template("partials/correction.html"),
        language=language,
        chapters=chapters,
        numbered=numbered,
        decisions={
            page: [decide(c, mode=STATE["mode"], rules=rules, today=today) for c in corrections]
            for page, corrections in numbered.items()
        },
    )
    return nav


def on_page_content(html, *, page, **_):
    base_page = base_source_path(page.file.src_uri)
    corrections = STATE["numbered"].get(base_page, [])
    try:
        html = apply_corrections(
            html,
            page=page.file.src_uri,
            corrections=corrections,
            decisions=STATE["decisions"].get(base_page, []),
            render=_render,
        )
    except CorrectionError as error:
        raise PluginError(str(error)) from None
    if corrections:
        _prune_toc(page.toc, html)
    return html


def _render(correction: RenderedCorrection) -> str:
    return STATE["template"].render(correction=correction, lang=STATE["language"])


def _prune_toc(toc, html: str) -> None:
    """Drop table-of-contents entries whose heading was inside a withheld correction."""
    toc.items = _kept_anchors(toc.items, html)


def _kept_anchors(items: list, html: str) -> list:
    kept = [item for item in items if f'id="{item.id}"' in html]
    for item in kept:
        item.children = _kept_anchors(item.children, html)
    return kept
