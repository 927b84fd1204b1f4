"""Worker processes that lay chapters out side by side (PDF_JOBS of them, one per core by default).

Started on the first chapter to render and kept for the next builds of the same
process (`mkdocs serve`, the other language); `shutdown` ends them. Each worker
lays out one chapter at a time, so memory follows the largest chapter, not the
course. The output does not depend on the number of workers: each chapter is
laid out on its own, from the same input.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor

from course.pdf_render import RenderJob, render_job


class RenderPool:
    def __init__(self):
        self._executor: ProcessPoolExecutor | None = None
        self._workers = 0

    def submit(self, job: RenderJob, *, workers: int) -> Future:
        if self._executor is None or self._workers != workers:
            self.shutdown()
            # spawn: a worker starts clean, whatever threads `mkdocs serve` runs.
            self._executor = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
            self._workers = workers
        return self._executor.submit(render_job, job)

    def shutdown(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None


POOL = RenderPool()
