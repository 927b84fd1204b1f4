"""The PDF run in progress, apart from the PDF code: a build without PDFs never imports WeasyPrint.

One run per `mkdocs build` (every language), one per rebuild of `mkdocs serve`.
"""

from __future__ import annotations

ACTIVE: dict = {"run": None}  # a course.pdf_build.PdfRun while a build with PDFs is in progress
