"""MkDocs glue: questions numbered like their corrections, optional parts badged, TP steps marked
for the progress checkboxes (see course.tp_page). Runs after hooks/corrections.py."""

from __future__ import annotations

import posixpath

from course.chapters import base_source_path
from course.tp_page import badge_optional_title, decorate_tp_page


def on_page_content(html, *, page, **_):
    is_tp = posixpath.basename(page.file.src_uri).startswith("tp-")
    # The key of the page's progress in the browser, shared by its French and English versions.
    page.meta["course_source"] = base_source_path(page.file.src_uri)
    _badge_toc(page.toc.items)
    return decorate_tp_page(html, steps=is_tp)


def _badge_toc(items) -> None:
    for item in items:
        badged = badge_optional_title(item.title)
        if badged:
            item.title = badged
        _badge_toc(item.children)
