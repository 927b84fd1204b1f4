"""Worker processes that lay chapters out side by side (PDF_JOBS of them, one per core by default).

Started when a build with PDFs begins (`start`: they import WeasyPrint while MkDocs
reads the pages) and kept for the run's other languages; `shutdown` ends them at
the end of the run. Each worker lays out one chapter (or assembles one course PDF)
at a time, so memory follows the largest chapter, not the course. The output does
not depend on the number of workers: each chapter is laid out on its own, from the
same input.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor


class RenderPool:
    def __init__(self):
        self._executor: ProcessPoolExecutor | None = None
        self._settings: tuple[int, int] | None = None

    def start(self, *, workers: int, source_date_epoch: int) -> None:
        """Have `workers` processes ready, their imports done (a second each), before the first job.

        `source_date_epoch` (the PDFs' day) dates what fontTools writes in each embedded font: without
        it, a font subset carries the second it was made, and the same chapter is not the same bytes.
        """
        if self._executor is not None and self._settings == (workers, source_date_epoch):
            return
        self.shutdown()
        # spawn: a worker starts clean, whatever threads `mkdocs serve` runs.
        self._executor = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
            initializer=_prepare_worker, initargs=(source_date_epoch,),
        )
        self._settings = (workers, source_date_epoch)
        for _ in range(workers):  # the pool spawns a process per job waiting, up to `workers`
            self._executor.submit(int)

    def submit(self, function: Callable, job) -> Future:
        """Run function(job) in a worker of the pool `start` made (started again if a run shut it)."""
        if self._settings is None:
            raise RuntimeError("RenderPool.submit before start")
        workers, source_date_epoch = self._settings
        self.start(workers=workers, source_date_epoch=source_date_epoch)
        return self._executor.submit(function, job)

    def shutdown(self, *, wait: bool = True) -> None:
        """End the workers; jobs not started yet are dropped (a failed build waits for no chapter).
        `wait`: until they have exited (else they exit on their own, the process waits for them at its end)."""
        if self._executor is not None:
            self._executor.shutdown(wait=wait, cancel_futures=True)
            self._executor = None


def _prepare_worker(source_date_epoch: int) -> None:
    os.environ["SOURCE_DATE_EPOCH"] = str(source_date_epoch)  # read by fontTools when it writes a font
    import course.pdf_book  # noqa: F401  (pikepdf, and WeasyPrint with course.pdf_render)


POOL = RenderPool()
