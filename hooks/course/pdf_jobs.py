"""What the build hands to a worker process and gets back, and what its cache keys are made of.

Light to import (neither WeasyPrint nor pikepdf): the build's own process never
loads them, only the workers do (course.pdf_render lays a chapter out,
course.pdf_book assembles a course PDF).
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

PDF_VARIANT = "pdf/ua-1"  # tagged PDF for accessibility
RENDER_FORMAT = "part-3"  # what a render holds beside its PDF (anchors on their first page): in the cache key
# href of a link to an anchor of another part of the PDF (a contents entry, a link to another page of the
# chapter), followed by the anchor: made an explicit destination when the parts are assembled.
ANCHOR_LINK = "course-dest:"


@cache
def library_version(name: str) -> str:
    """A PDF's bytes depend on WeasyPrint's (and a course PDF's on pikepdf's) version: read without importing
    them, which takes a second."""
    return f"{name} {version(name)}"


@cache
def layout_engine() -> str:
    """WeasyPrint's version and the library it subsets fonts with: HarfBuzz-Subset when it has it (4.1 or
    later), else fontTools: slower, and other bytes. Read without importing WeasyPrint."""
    harfbuzz = _library("harfbuzz")
    if harfbuzz and _library("harfbuzz-subset"):
        version_string = harfbuzz.hb_version_string
        version_string.restype = ctypes.c_char_p
        harfbuzz_version = version_string().decode("ascii")
        if tuple(int(part) for part in harfbuzz_version.split(".")[:2]) >= (4, 1):
            return f"{library_version('weasyprint')}, fonts subset by HarfBuzz {harfbuzz_version}"
    return f"{library_version('weasyprint')}, fonts subset by {library_version('fonttools')}"


def _library(name: str) -> ctypes.CDLL | None:
    """The shared library WeasyPrint would load (its Linux, macOS and Windows names), or None."""
    for file_name in (f"lib{name}.so.0", f"lib{name}.0.dylib", f"lib{name}-0.dll"):
        with contextlib.suppress(OSError):
            return ctypes.CDLL(file_name)
    return None


def pdf_date(moment: dt.datetime) -> str:
    """A date as PDF dictionaries write it: "D:20251125000000Z" (UTC)."""
    return moment.astimezone(dt.UTC).strftime("D:%Y%m%d%H%M%SZ")


class PdfFetchError(ValueError):
    """WeasyPrint could not, or may not, read a resource of the document."""

    def __init__(self, url: str, reason: str):
        super().__init__(f"{reason}: {url[:120]}")
        self.url = url
        self.reason = reason

    def __reduce__(self):  # raised in a worker process, re-raised in the build's
        return type(self), (self.url, self.reason)


class BookError(ValueError):
    """The parts do not make a course PDF (a contents entry leads nowhere)."""


def cache_key(document_html: str, embedded_files: set[Path], variant: str, base_dir: Path) -> str:
    """What the PDF depends on, wherever the site is built (paths are taken relative to it)."""
    digest = hashlib.sha256()
    digest.update(layout_engine().encode())
    digest.update(variant.encode())
    digest.update(document_html.replace(base_dir.as_uri(), "").encode("utf-8"))
    for path in sorted(embedded_files):
        digest.update(str(path.relative_to(base_dir) if path.is_relative_to(base_dir) else path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class RenderJob:
    """One document to lay out (a page of a chapter, a front matter): all a worker process needs, and the
    only files it may read."""

    name: str  # "fr/03-objets-fondamentaux.pdf, 03-objets-fondamentaux/tp-monsterstack.md", for messages
    html: str
    base_dir: Path  # the built site
    embedded_files: frozenset[Path]
    attachments: tuple[tuple[str, str], ...]  # (file name, text)
    refused_roots: tuple[Path, ...]  # docs/: never read, even if the site were inside it
    timestamp: dt.datetime  # dates the attached files: same input, same bytes
    label_prefix: str  # "3-": the PDF's page labels read "3-12", as its footers
    stylesheet: str = ""  # the print CSS (its page size too): each worker parses it once
    first_page: int = 1  # the number of its first page, in the footer and the labels ("3-12" for 12)
    label_style: str = "D"  # "D" decimal, "r" lower-case roman (a front matter: "3-ii")

    def key(self) -> str:
        extra = json.dumps([self.attachments, self.timestamp.isoformat(), self.label_prefix, self.first_page,
                            self.label_style], ensure_ascii=False)
        variant = f"{PDF_VARIANT} {RENDER_FORMAT}"
        return cache_key(self.stylesheet + self.html + extra, set(self.embedded_files), variant,
                         self.base_dir.resolve())


@dataclass(frozen=True)
class Render:
    pdf: bytes
    pages: int
    anchors: dict[str, int]  # every id of the document -> index of the page it is on
    seconds: float


@dataclass(frozen=True)
class BookPart:
    pdf: Path
    title: str = ""  # its bookmark, e.g. "Chapitre 3 — Objets fondamentaux"; "": its own bookmarks at the top


@dataclass(frozen=True)
class BookJob:
    """What a worker needs to make a PDF of parts already laid out (a chapter of its pages, the course of its
    chapters): its front matter to lay out, the parts to add after it."""

    front: RenderJob
    front_pdf: Path | None  # the front matter laid out already (an earlier build), if its HTML has not changed
    parts: tuple[BookPart, ...]
    links: dict[str, str]  # address printed in a part -> anchor in this PDF (a course: the other chapters)
    attachments: tuple[tuple[str, str], ...]
    attachment_date: str
    keep_anchors: bool = False  # a chapter keeps its named destinations: the course PDF's links lead to them


@dataclass(frozen=True)
class BookRender:
    pdf: bytes
    front: Render | None  # the front matter, if it was laid out
    seconds: float


def fetch_error_page(error: PdfFetchError, pages) -> str:
    """The source of the page that asks for the resource (by its file name), else the document's pages."""
    name = PurePosixPath(unquote(urlsplit(error.url).path)).name if not error.url.startswith("data:") else ""
    for page in pages:
        if name and name in unquote(page.html):
            return page.src
    return ", ".join(page.src for page in pages) or "the document"


def resolve_address(links: dict[str, str], uri: str) -> str | None:
    """The anchor a link of a chapter PDF leads to in the course PDF: `…/page/#section` -> `c3-p2-section`."""
    fragment = uri.partition("#")[2]
    anchor = links.get(page_address(uri))
    if anchor is None:
        return None
    return f"{anchor}-{fragment}" if fragment else anchor


def page_address(url: str) -> str:
    """An absolute address as chapter PDFs print it, without #fragment, index.html or final slash."""
    return url.partition("#")[0].removesuffix("index.html").rstrip("/")

