"""Long code lines pre-wrapped for print: a fixed column, a hanging indent and a continuation mark.

A browser scrolls a long line; paper cannot. WeasyPrint would wrap it back to
column 0, where a YAML continuation reads as a new key and a command as two.
Each line longer than the column is cut before a space when there is one near
the end (the space then follows the mark: "↪ --set"), else at the column (the
word goes on right after it: "↪node"); the continuation starts under the
line's own indentation, two spaces further in. `unwrap` undoes it exactly, so a
test can compare the printed text with the source. (No invisible character
tells the two cuts apart: pdftotext turns any of them into a plain space.)
"""

from __future__ import annotations

import re

CONTINUATION = "↪"
HANG = 2  # extra indentation of a continuation line
MIN_CONTINUATION = 24  # never leave a continuation narrower than this
_SOFT_WINDOW = 0.35  # look this far back (fraction of the width) for a space to cut before

_MARK = re.compile(rf"\n[ ]*{CONTINUATION}")


def cut_points(line: str, column: int) -> list[int]:
    """Where `line` is cut: the offsets of the first character of each continuation."""
    if len(line) <= column:
        return []
    indent = len(line) - len(line.lstrip(" "))
    hang = min(indent + HANG, max(column - MIN_CONTINUATION, 0))
    cuts = []
    start, width = 0, column
    while len(line) - start > width:
        limit = start + width
        space = line.rfind(" ", start + max(int(width * (1 - _SOFT_WINDOW)), 1), limit + 1)
        start = space if space > start + indent else limit
        cuts.append(start)
        width = column - hang - 1
    return cuts


def hang_of(line: str, column: int) -> str:
    indent = len(line) - len(line.lstrip(" "))
    return " " * min(indent + HANG, max(column - MIN_CONTINUATION, 0))


def wrap_code(code, column: int) -> int:
    """Cut the long lines of a <code> element in place (any spans inside kept); return the cuts."""
    text = code.text_content()
    cuts = []  # (offset in the whole text, hang)
    offset = 0
    for line in text.split("\n"):
        hang = hang_of(line, column)
        cuts += [(offset + at, hang) for at in cut_points(line, column)]
        offset += len(line) + 1
    if not cuts:
        return 0
    slots = list(_text_slots(code))
    for at, hang in reversed(cuts):  # from the end: earlier offsets stay valid
        _insert_mark(code, slots, at, hang)
    return len(cuts)


def unwrap(text: str) -> str:
    """The inverse of `wrap_code` on the printed text: marks removed, lines joined."""
    return _MARK.sub("", text)


def _text_slots(element):
    """(element, "text" | "tail", start offset) for every text node, in document order."""
    offset = 0

    def walk(node):
        nonlocal offset
        yield node, "text", offset
        offset += len(node.text or "")
        for child in node:
            yield from walk(child)
            yield child, "tail", offset
            offset += len(child.tail or "")

    yield from walk(element)


def _insert_mark(code, slots, at: int, hang: str) -> None:
    node, kind, start = next(
        (node, kind, start)
        for node, kind, start in reversed(slots)
        if start <= at and at < start + len(getattr(node, kind) or "")
    )
    value = getattr(node, kind)
    mark = code.makeelement("span", {"class": "code-wrap"})
    mark.text = "\n" + hang
    sign = code.makeelement("span", {"class": "code-wrap-mark", "aria-hidden": "true"})
    sign.text = CONTINUATION
    mark.append(sign)
    mark.tail = value[at - start :]
    setattr(node, kind, value[: at - start])
    if kind == "text":
        node.insert(0, mark)
    else:
        parent = node.getparent()
        parent.insert(parent.index(node) + 1, mark)
