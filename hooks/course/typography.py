"""French typography: non-breaking spaces before double punctuation and inside guillemets.

Authors type ordinary spaces; the spaces are fixed here, on the rendered HTML,
so code, commands and URLs are never touched.
"""

from __future__ import annotations

import re

from course.html import parse_fragment, serialize_fragment

NARROW_NBSP = "\u202f"
NBSP = "\u00a0"

# Elements whose text is code or machine input: never rewritten.
VERBATIM_TAGS = frozenset({"code", "pre", "kbd", "samp", "script", "style", "textarea"})

_BEFORE_HIGH_PUNCTUATION = re.compile(r"[ \u00a0\u202f]+([;!?])")
_BEFORE_COLON = re.compile(r"[ \u00a0\u202f]+(:)(?=\s|$|[\u00a0\u202f])")
_AFTER_OPENING_GUILLEMET = re.compile(r"«[ \u00a0\u202f]*")
_BEFORE_CLOSING_GUILLEMET = re.compile(r"[ \u00a0\u202f]*»")


def french_spacing_text(text: str) -> str:
    """Apply French spacing rules to a run of prose."""
    text = _BEFORE_HIGH_PUNCTUATION.sub(NARROW_NBSP + r"\1", text)
    text = _BEFORE_COLON.sub(NBSP + r"\1", text)
    text = _AFTER_OPENING_GUILLEMET.sub("«" + NBSP, text)
    return _BEFORE_CLOSING_GUILLEMET.sub(NBSP + "»", text)


def french_spacing(fragment: str) -> str:
    """Apply French spacing to every text node of an HTML fragment outside code."""
    root = parse_fragment(fragment)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        if _is_verbatim(element):
            continue
        if element.text:
            element.text = french_spacing_text(element.text)
        for child in element:
            if child.tail and not _is_verbatim(element):
                child.tail = french_spacing_text(child.tail)
    return serialize_fragment(root)


def _is_verbatim(element) -> bool:
    return any(
        isinstance(node.tag, str) and node.tag in VERBATIM_TAGS
        for node in (element, *element.iterancestors())
    )
