"""MkDocs glue: once every language is built, finish the PDFs (course.pdf_build): wait for the
chapters the workers lay out, assemble each language's course PDF, fill the home pages' lists.

mkdocs-static-i18n builds the other languages from within the default language's
post-build event: the run ends when the outermost build's post-build reaches us.
"""

from __future__ import annotations

import logging

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from course.nesting import BUILDS, MISSING_HOOK
from course.pdf_runs import ACTIVE, ASSEMBLED

log = logging.getLogger("mkdocs.plugins.chapter_pdf")


def on_pre_build(**_):
    if not BUILDS.counted:
        raise PluginError(MISSING_HOOK)
    if BUILDS.outermost:
        ACTIVE["run"] = None  # a new run: `mkdocs serve` rebuilds in the same process
        ASSEMBLED.clear()


def on_build_error(**_):
    from course.pdf_pool import POOL

    if ACTIVE["run"] is not None:
        ACTIVE["run"].cancel()  # no course PDF is started any more, the chapters still laid out are dropped
    else:
        POOL.shutdown()  # started with the build, even if no chapter reached it
    ACTIVE["run"] = None
    ASSEMBLED.clear()


@event_priority(-500)  # after mkdocs-static-i18n's other languages (-100), before the audit (-1000)
def on_post_build(**_):
    run = ACTIVE["run"]
    if BUILDS.nested or run is None:
        return
    from course.pdf_build import PdfBuildError

    try:
        for line in run.finish():
            log.info(line)
        ASSEMBLED.update(run.assembled)
    except PdfBuildError as error:
        raise PluginError(str(error)) from None
    finally:
        ACTIVE["run"] = None
