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
    resolve_mode,
)
from course.site import DEFAULT_LANGUAGE, correction_catalogue, docs_dir_label

log = logging.getLogger("mkdocs.plugins.corrections")

# Reset for every build: `mkdocs serve` and mkdocs-static-i18n build several times per process.
STATE: dict = {}


def on_config(config, **_):
    STATE.clear()
    settings = config.extra.get("corrections") or {}
    try:
        STATE["mode"] = resolve_mode(os.environ.get("CORRECTIONS"), settings.get("mode"))
    except CorrectionError as error:
        raise PluginError(str(error)) from None
    STATE["release"] = settings.get("release")
    config.extra["corrections_mode"] = STATE["mode"]  # read by overrides/main.html (mode banner)


def on_nav(nav, *, config, **_):
    language = config.theme.get("language", DEFAULT_LANGUAGE)
    try:
        catalogue = correction_catalogue(
            nav=config.nav,
            docs_dir=config.docs_dir,
            docs_label=docs_dir_label(config),
            language=language,
            release=STATE["release"],
            mode=STATE["mode"],
            today=dt.date.today(),
        )
    except (CorrectionError, ChapterError) as error:
        raise PluginError(str(error)) from None
    STATE.update(
        # Pages are rendered before on_env runs, so the theme's environment is taken here.
        template=config.theme.get_env().get_template("partials/correction.html"),
        language=language,
        numbered=catalogue.numbered,
        decisions=catalogue.decisions,
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
