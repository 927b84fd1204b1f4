"""A TP page as a trainee works through it: questions numbered like their corrections, optional
parts badged, numbered steps marked for the "fait" checkboxes (docs/javascripts/course.js).

Everything here works on the rendered HTML of a page, after the corrections are numbered:
a question takes the number of the correction that answers it ("Question 3.4" is answered by
"Correction 3.4"), which is the first correction after it in the page.
"""

from __future__ import annotations

import re
from functools import lru_cache

from course.html import parse_fragment, serialize_fragment

# A question paragraph opens with "Question" or "Questions" (see course.exercises for the
# Markdown rule `make check` applies), possibly in bold.
_QUESTION_WORD = re.compile(r"^(\s*)(Questions?)\b")
_CORRECTION_ANCHOR = re.compile(r"^correction-(\d+)-(\d+)$")
# "Facultatif :" / "Optional:" after an optional step number ("8. Facultatif : sondes").
_OPTIONAL = re.compile(r"^(\s*(?:\d+\.\s+)?)(Facultatif|Optional)\s*:\s*", re.IGNORECASE)
_OPTIONAL_WORD = re.compile(r"Facultatif|Optional", re.IGNORECASE)  # what _OPTIONAL needs, anywhere
_STEP_NUMBER = re.compile(r"^\s*(\d+)\.\s")
_HEADINGS = ("h2", "h3", "h4")


@lru_cache(maxsize=256)  # the English build renders the same untranslated pages again
def decorate_tp_page(fragment: str, *, steps: bool) -> str:
    """Number and style the questions, badge the optional parts, mark the numbered steps (`steps`)."""
    if not fragment or not (steps or "Question" in fragment or _OPTIONAL_WORD.search(fragment)):
        return fragment  # nothing to decorate: not parsed
    root = parse_fragment(fragment)
    _number_questions(root)
    _badge_optional_parts(root)
    if steps:
        _mark_steps(root)
    return serialize_fragment(root)


def _number_questions(root) -> None:
    pending = []  # questions waiting for the correction that follows them
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        match = _CORRECTION_ANCHOR.match(element.get("id") or "")
        if match and "correction" in (element.get("class") or "").split():
            for question in pending:
                _label_question(question, f"{match.group(1)}.{match.group(2)}")
            pending = []
        elif element.tag == "p" and _opening_text_node(element) is not None and not _in_correction(element):
            pending.append(element)
    for question in pending:
        _label_question(question, None)


def _opening_text_node(paragraph):
    """The element whose leading text holds the word "Question(s)": the paragraph or its <strong>."""
    if paragraph.text and paragraph.text.strip():
        return paragraph if _QUESTION_WORD.match(paragraph.text) else None
    first = next(iter(paragraph), None)
    if first is not None and first.tag in {"strong", "b"} and _QUESTION_WORD.match(first.text or ""):
        return first
    return None


def _in_correction(element) -> bool:
    return any("correction" in (ancestor.get("class") or "").split() for ancestor in element.iterancestors())


def _label_question(paragraph, number: str | None) -> None:
    holder = _opening_text_node(paragraph)
    match = _QUESTION_WORD.match(holder.text)
    label = match.group(2) + (f" {number}" if number else "")
    holder.text = holder.text[match.end() :]
    _prepend_span(holder, "course-question-label", label, leading=match.group(1))
    _add_class(paragraph, "course-question")
    if number:
        paragraph.set("id", paragraph.get("id") or f"question-{number.replace('.', '-')}")


def _badge_optional_parts(root) -> None:
    titles = [e for e in root.iter(*_HEADINGS)]
    titles += [e for e in root.iter("summary")]
    titles += [e for e in root.iter("p") if "admonition-title" in (e.get("class") or "").split()]
    for title in titles:
        match = _OPTIONAL.match(title.text or "")
        if not match:
            continue
        title.text = title.text[match.end() :]
        _prepend_span(title, "course-optional-badge", match.group(2).capitalize(), leading=match.group(1))
        owner = title.getparent() if title.tag in {"summary", "p"} else title
        _add_class(owner, "course-optional")


def _mark_steps(root) -> None:
    for heading in root.iter("h2"):
        match = _STEP_NUMBER.match(heading.text or "")
        if match and heading.get("id"):
            heading.set("data-course-step", match.group(1))


def _prepend_span(element, css_class: str, text: str, *, leading: str) -> None:
    span = element.makeelement("span", {"class": css_class})
    span.text = text
    separator = " " if element.text and not element.text.startswith((" ", ":", "\u00a0")) else ""
    span.tail = separator + (element.text or "")
    element.text = leading
    element.insert(0, span)


def _add_class(element, css_class: str) -> None:
    classes = (element.get("class") or "").split()
    if css_class not in classes:
        element.set("class", " ".join([*classes, css_class]))


def badge_optional_title(title: str) -> str | None:
    """A table-of-contents title (HTML-escaped text) with its "Facultatif :" as a badge, or None."""
    match = _OPTIONAL.match(title)
    if not match:
        return None
    badge = f'<span class="course-optional-badge">{match.group(2).capitalize()}</span>'
    return f"{match.group(1)}{badge} {title[match.end():]}"
