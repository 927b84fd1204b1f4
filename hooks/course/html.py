"""Parse and serialise the HTML fragment MkDocs renders for a page body."""

from __future__ import annotations

from lxml import html as lxml_html

_WRAPPER = "course-fragment"


def parse_fragment(fragment: str) -> lxml_html.HtmlElement:
    """Return a <div> wrapping the fragment, so top-level text and elements are kept."""
    return lxml_html.fragment_fromstring(fragment or "", create_parent=_WRAPPER)


def serialize_fragment(root: lxml_html.HtmlElement) -> str:
    """Serialise the children of a wrapper made by parse_fragment, without the wrapper."""
    text = lxml_html.tostring(root, encoding="unicode", method="html")
    opening, closing = f"<{_WRAPPER}>", f"</{_WRAPPER}>"
    return text[len(opening) : -len(closing)] if text.startswith(opening) else text


def remove_keeping_tail(element) -> None:
    """Remove an element but keep the text that follows it (lxml stores it on the element)."""
    parent = element.getparent()
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)
