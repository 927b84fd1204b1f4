"""The PDF run in progress, apart from the PDF code: a build without PDFs never imports WeasyPrint.

One run per `mkdocs build` (every language), one per rebuild of `mkdocs serve`.
"""

from __future__ import annotations

ACTIVE: dict = {"run": None}  # a course.pdf_build.PdfRun while a build with PDFs is in progress
# The course PDFs the run just assembled (path -> course.audit.Assembled): the audit that follows reads what
# they add to their chapters, not the chapters' pages again. Emptied when a build starts or fails.
ASSEMBLED: dict = {}
