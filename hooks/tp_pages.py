"""MkDocs glue: questions numbered like their corrections, optional parts badged, TP steps marked
for the progress checkboxes (see course.tp_page). Runs after hooks/corrections.py."""

from __future__ import annotations

import posixpath

from course.chapters import base_source_path
from course.page_cache import PAGES, cache_folder
from course.tp_page import badge_optional_title, decorate_tp_page


def on_config(config, **_):
    PAGES.open(cache_folder(config))


def on_page_content(html, *, page, **_):
    is_tp = posixpath.basename(page.file.src_uri).startswith("tp-")
    # The key of the page's progress in the browser, shared by its French and English versions.
    page.meta["course_source"] = base_source_path(page.file.src_uri)
    _badge_toc(page.toc.items)
    return PAGES.transform(
        "tp_page", html, lambda fragment: decorate_tp_page(fragment, steps=is_tp), settings=f"steps={is_tp}"
    )


def _badge_toc(items) -> None:
    for item in items:
        badged = badge_optional_title(item.title)
        if badged:
            item.title = badged
        _badge_toc(item.children)
