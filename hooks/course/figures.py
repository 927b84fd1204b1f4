"""Number a chapter's figures ("Figure 3.2 — …"), the same on the site and in the PDFs.

A figure is an image alone in its paragraph (`![description](images/x.svg "Caption")`
on its own line). Its caption is the image's title, or else the start of its
description, up to " : " (and its first comma if still long). Numbers run
through a chapter in nav order.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from course.html import parse_fragment, serialize_fragment


@dataclass(frozen=True)
class Figure:
    anchor: str  # "figure-3-2"
    number: str  # "3.2"
    caption: str


def number_figures(
    html: str, *, chapter: int, first: int = 1, prose: Callable[[str], str] = str
) -> tuple[str, list[Figure]]:
    """Wrap each stand-alone image in a numbered <figure>; numbering starts at `first`.

    `prose` is applied to captions, which come from attributes the page's typography left alone.
    """
    if "<img" not in html:
        return html, []
    root = parse_fragment(html)
    figures = []
    for paragraph in root.xpath(".//p[count(*) = 1 and img]"):
        if (paragraph.text or "").strip() or (paragraph[0].tail or "").strip():
            continue
        image = paragraph[0]
        rank = first + len(figures)
        figure = Figure(anchor=f"figure-{chapter}-{rank}", number=f"{chapter}.{rank}", caption=prose(caption_of(image)))
        paragraph.tag = "figure"
        paragraph.attrib.clear()
        paragraph.set("class", "course-figure")
        paragraph.set("id", figure.anchor)
        image.tail = None
        caption = paragraph.makeelement("figcaption", {})
        label = caption.makeelement("span", {"class": "figure-number"})
        label.text = f"Figure {figure.number}"
        label.tail = f" — {figure.caption}" if figure.caption else None
        caption.append(label)
        paragraph.append(caption)
        figures.append(figure)
    return (serialize_fragment(root), figures) if figures else (html, [])


def caption_of(image) -> str:
    title = (image.get("title") or "").strip()
    if title:
        return title
    description = re.split(r"[\s\u00a0\u202f]:\s", (image.get("alt") or "").strip(), maxsplit=1)[0]
    if len(description) > LONG_CAPTION:
        description = description.split(", ", 1)[0]
    return description.rstrip(" .")


LONG_CAPTION = 90  # a description longer than this is cut at its first comma
