"""Every exercise of a TP is answered: each question is followed by a correction.

A question is a paragraph that opens with "Question :" or "Questions" (in bold
or not; "Question:" in English pages). Its correction is the next
`??? correction` of the page, which must come before the next question and
before the next `##` step; otherwise the question is reported at its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from course.corrections import scan_corrections
from course.markdown import lines_in_code

_QUESTION = re.compile(r"^\s*(?:\*\*)?Questions?\b")
_STEP = re.compile(r"^##\s")


@dataclass(frozen=True)
class ExerciseReport:
    questions: int
    corrections: int
    unanswered: list[int]  # 1-based lines of the questions without a correction


def check_exercises(markdown: str, *, page: str) -> ExerciseReport:
    code = lines_in_code(markdown)
    correction_lines = {c.line for c in scan_corrections(markdown, page=page)}
    questions, unanswered = 0, []
    pending: int | None = None
    for number, line in enumerate(markdown.splitlines(), start=1):
        if number in code:
            continue
        if number in correction_lines:
            pending = None
        elif _QUESTION.match(line) or _STEP.match(line):
            if pending is not None:
                unanswered.append(pending)
            pending = None
            if _QUESTION.match(line):
                questions += 1
                pending = number
    if pending is not None:
        unanswered.append(pending)
    return ExerciseReport(questions, len(correction_lines), unanswered)
