"""MkDocs glue: count the builds in progress (course.nesting), first when one starts, last when it ends."""

from __future__ import annotations

from mkdocs.plugins import event_priority

from course.nesting import BUILDS


@event_priority(1000)  # before any hook reads it
def on_pre_build(**_):
    BUILDS.enter()


@event_priority(-2000)  # after the PDFs (-500) and the audit (-1000) have read it
def on_post_build(**_):
    BUILDS.leave()


def on_build_error(**_):
    BUILDS.reset()
