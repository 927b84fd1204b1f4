"""French typography: non-breaking spaces and typographic apostrophes.

Authors type ordinary spaces and the straight apostrophe ('); both are fixed
here, on the rendered HTML, so code, commands, attributes and URLs are never
touched.
"""

from __future__ import annotations

import re
from functools import lru_cache

from course.html import parse_fragment, serialize_fragment

NARROW_NBSP = "\u202f"
NBSP = "\u00a0"
APOSTROPHE = "\u2019"

# Elements whose text is code or machine input: never rewritten.
VERBATIM_TAGS = frozenset({"code", "pre", "kbd", "samp", "script", "style", "textarea"})

_BEFORE_HIGH_PUNCTUATION = re.compile(r"[ \u00a0\u202f]+([;!?])")
_BEFORE_COLON = re.compile(r"[ \u00a0\u202f]+(:)(?=\s|$|[\u00a0\u202f])")
_AFTER_OPENING_GUILLEMET = re.compile(r"«[ \u00a0\u202f]*")
_BEFORE_CLOSING_GUILLEMET = re.compile(r"[ \u00a0\u202f]*»")
# An elision or a possessive: the straight apostrophe right after a letter (l'API, aujourd'hui).
_ELISION = re.compile(r"(?<=[^\W\d_])'")
# Every rule above needs one of these characters: a text without any is left as it is.
_TOUCHED = re.compile(r"[;!?:«»']")
_URL = re.compile(r"\b(?:https?|ftp)://[^\s<>\"]+|\bwww\.[^\s<>\"]+")


def french_spacing_text(text: str) -> str:
    """Apply French spacing rules to a run of prose."""
    text = _BEFORE_HIGH_PUNCTUATION.sub(NARROW_NBSP + r"\1", text)
    text = _BEFORE_COLON.sub(NBSP + r"\1", text)
    text = _AFTER_OPENING_GUILLEMET.sub("«" + NBSP, text)
    return _BEFORE_CLOSING_GUILLEMET.sub(NBSP + "»", text)


def french_apostrophes_text(text: str) -> str:
    """Turn the straight apostrophes of a run of prose into ’, leaving URLs as they are."""
    pieces = []
    position = 0
    for url in _URL.finditer(text):
        pieces.append(_ELISION.sub(APOSTROPHE, text[position : url.start()]))
        pieces.append(url.group())
        position = url.end()
    pieces.append(_ELISION.sub(APOSTROPHE, text[position:]))
    return "".join(pieces)


def french_typography_text(text: str) -> str:
    """Every French rule on a run of prose: spacing, then apostrophes."""
    if not _TOUCHED.search(text):
        return text
    return french_apostrophes_text(french_spacing_text(text))


@lru_cache(maxsize=256)  # the English build renders the same untranslated pages again
def french_typography(fragment: str) -> str:
    """Apply French spacing and apostrophes to every text node of an HTML fragment outside code.

    Only text nodes change: attributes (href, title, alt…) keep what the author wrote.
    """
    root = parse_fragment(fragment)
    # Walked from the top without entering code (most elements of a page are code's highlighted spans).
    # A child's tail is the parent's text: it is prose when the parent is.
    elements = [root]
    while elements:
        element = elements.pop()
        if element.text and (fixed := french_typography_text(element.text)) is not element.text:
            element.text = fixed
        for child in element:
            if child.tail and (fixed := french_typography_text(child.tail)) is not child.tail:
                child.tail = fixed
            if isinstance(child.tag, str) and child.tag not in VERBATIM_TAGS:  # not a comment, not code
                elements.append(child)
    return serialize_fragment(root)
