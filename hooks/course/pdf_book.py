"""PDFs made of PDFs laid out already: a chapter of its pages, the whole course of its chapters.

The front matter (cover, contents) is a small PDF of its own; the parts follow as
they were laid out, each keeping its page labels ("3-12"); a course's chapters go
under a bookmark each, a chapter's pages keep their own bookmarks. Links are made
explicit destinations: those of each part, the links to another part's anchors
(URIs `course-dest:<anchor>`: contents entries, links between a chapter's pages)
and the links from one chapter to another (addresses on the site, printed in the
chapter PDFs). A chapter keeps its anchors as named destinations, for the course
PDF's links. The tagged structure of every part is kept: the result stays a tagged PDF.
"""

from __future__ import annotations

import io
import time
import warnings
from collections.abc import Callable
from contextlib import ExitStack

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem, String

from course.pdf_jobs import ANCHOR_LINK, BookError, BookJob, BookPart, BookRender, resolve_address
from course.pdf_render import render_job


def assemble_book(
    front: bytes,
    parts: list[BookPart],
    *,
    resolve: Callable[[str], str | None],
    attachments: list[tuple[str, str]],
    attachment_date: str,
    keep_anchors: bool = False,
) -> bytes:
    """`front`, then every part.

    `resolve` gives the anchor that an address printed in a part (a page of another
    chapter, with or without its #fragment) leads to in this PDF, or None.
    `attachment_date` is a PDF date ("D:20251125000000Z"): same input, same bytes.
    `keep_anchors`: every anchor stays a named destination (a chapter, for the course PDF).
    """
    with ExitStack() as stack:
        book = stack.enter_context(pikepdf.open(io.BytesIO(front)))
        destinations = _named_destinations(book, 0)
        labels = _page_labels(book, 0)
        starts, outlines, structures = [], [], []
        for part in parts:
            source = stack.enter_context(pikepdf.open(part.pdf))  # open until saved: streams are copied then
            start = len(book.pages)
            with warnings.catch_warnings():  # named destinations: _resolve_links makes every link explicit
                warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
                book.pages.extend(source.pages)
            starts.append(start)
            destinations.update(_named_destinations(source, start))
            labels += _page_labels(source, start)
            outlines.append(_outline(source, start))
            structures.append((source, start))
        _resolve_links(book, destinations, resolve)
        _merge_structure(book, structures)
        _write_outline(book, parts, starts, outlines)
        book.Root.PageLabels = Dictionary(Nums=Array([item for label in labels for item in label]))
        if Name.Names in book.Root and Name.Dests in book.Root.Names:
            del book.Root.Names[Name.Dests]  # every link is explicit now
        if keep_anchors:
            _write_destinations(book, destinations)
        for name, text in attachments:
            book.attachments[name] = pikepdf.AttachedFileSpec(
                book, text.encode("utf-8"), filename=name, creation_date=attachment_date, mod_date=attachment_date
            )
        output = io.BytesIO()
        book.save(output, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return output.getvalue()


def _page_labels(pdf: pikepdf.Pdf, start: int) -> list[tuple[int, Dictionary]]:
    """The PDF's page label ranges ("3-ii", "3-12"), their first pages shifted to where it starts in the book."""
    labels = pdf.Root.get(Name.PageLabels)
    numbers = list(labels.get(Name.Nums, Array())) if labels is not None else [0, Dictionary(S=Name.D)]
    return [
        (start + int(index), Dictionary({key: label[key] for key in label.keys()}))
        for index, label in zip(numbers[::2], numbers[1::2], strict=True)
    ]


def _write_destinations(book: pikepdf.Pdf, destinations: dict[str, tuple[int, list]]) -> None:
    tree = pikepdf.NameTree.new(book)
    for name in sorted(destinations):
        tree[name] = _destination(book, destinations[name])
    if Name.Names not in book.Root:
        book.Root.Names = Dictionary()
    book.Root.Names.Dests = tree.obj


def _page_indexes(pdf: pikepdf.Pdf) -> dict[tuple[int, int], int]:
    return {page.obj.objgen: index for index, page in enumerate(pdf.pages)}


def _named_destinations(pdf: pikepdf.Pdf, start: int) -> dict[str, tuple[int, list]]:
    """name -> (page index in the book, the rest of the destination: /XYZ left top zoom)."""
    names = pdf.Root.get(Name.Names)
    if names is None or Name.Dests not in names:
        return {}
    pages = _page_indexes(pdf)
    found = {}
    for name, destination in pikepdf.NameTree(names.Dests).items():
        if isinstance(destination, Dictionary):
            destination = destination.D
        index = pages.get(destination[0].objgen)
        if index is not None:
            found[str(name)] = (start + index, list(destination)[1:])
    return found


def _destination(book: pikepdf.Pdf, target: tuple[int, list]) -> Array:
    index, rest = target
    return Array([book.pages[index].obj, *rest])


def _resolve_links(book: pikepdf.Pdf, destinations: dict, resolve: Callable[[str], str | None]) -> None:
    for page in book.pages:
        for annotation in page.obj.get(Name.Annots, Array()):
            if annotation.get(Name.Subtype) != Name.Link:
                continue
            target = None
            if isinstance(annotation.get(Name.Dest), String | Name):
                target = destinations.get(str(annotation.Dest).lstrip("/"))
            action = annotation.get(Name.A)
            if action is not None and action.get(Name.S) == Name.URI:
                uri = str(action.URI)
                anchor = uri.removeprefix(ANCHOR_LINK) if uri.startswith(ANCHOR_LINK) else resolve(uri)
                target = destinations.get(anchor) if anchor else None
                if uri.startswith(ANCHOR_LINK) and target is None:
                    raise BookError(f"a link leads to '{anchor}', which no part of the PDF has")
            if target is not None:
                annotation.Dest = _destination(book, target)
                if Name.A in annotation:
                    del annotation[Name.A]


def _outline(source: pikepdf.Pdf, start: int) -> list[tuple[str, int, list, list]]:
    """The part's bookmarks as (title, page index in the book, location, children)."""
    pages = _page_indexes(source)
    destinations = _named_destinations(source, start)

    def read(item):
        target = item.destination
        if isinstance(target, String | Name):
            place = destinations.get(str(target).lstrip("/"))
        elif isinstance(target, Array) and len(target) and target[0].objgen in pages:
            place = (start + pages[target[0].objgen], list(target)[1:])
        else:
            place = None
        return item.title, place, [read(child) for child in item.children]

    with source.open_outline() as outline:
        return [read(item) for item in outline.root]


def _write_outline(book, parts, starts, outlines) -> None:
    def item(title, place, children):
        new = OutlineItem(title, _destination(book, place) if place else None)
        new.children.extend(item(*child) for child in children)
        return new

    with book.open_outline() as outline:
        for part, start, items in zip(parts, starts, outlines, strict=True):
            if not part.title:  # a page of a chapter: its headings are the chapter's bookmarks
                outline.root.extend(item(*entry) for entry in items)
                continue
            chapter = OutlineItem(part.title, _destination(book, (start, [Name.Fit])))
            chapter.children.extend(item(*entry) for entry in items)
            outline.root.append(chapter)


def _merge_structure(book: pikepdf.Pdf, parts: list[tuple[pikepdf.Pdf, int]]) -> None:
    """One structure tree: the front's Document element, then each part's, its keys shifted."""
    tree = book.Root.get(Name.StructTreeRoot)
    if tree is None:
        return
    kids = list(tree.K) if isinstance(tree.K, Array) else [tree.K]
    numbers = list(tree.ParentTree.get(Name.Nums, Array()))
    next_key = max((int(key) for key in numbers[::2]), default=-1) + 1
    for source, start in parts:
        if Name.StructTreeRoot not in source.Root:
            continue
        # One copy of the whole tree (qpdf, in C++): the pages it refers to are the ones already copied.
        copied = book.copy_foreign(source.Root.StructTreeRoot)
        source_numbers = list(copied.ParentTree.get(Name.Nums, Array()))
        shift = next_key
        for key, value in zip(source_numbers[::2], source_numbers[1::2], strict=True):
            numbers += [int(key) + shift, value]
        for index in range(start, start + len(source.pages)):
            page = book.pages[index].obj
            if Name.StructParents in page:
                page.StructParents = int(page.StructParents) + shift
            for annotation in page.get(Name.Annots, Array()):
                if Name.StructParent in annotation:
                    annotation.StructParent = int(annotation.StructParent) + shift
        for kid in copied.K if isinstance(copied.K, Array) else [copied.K]:
            kid.P = tree
            kids.append(kid)
        next_key = shift + max((int(key) for key in source_numbers[::2]), default=-1) + 1
    tree.K = Array(kids)
    tree.ParentTree = book.make_indirect(Dictionary(Nums=Array(numbers)))
    tree.ParentTreeNextKey = next_key


def make_book(job: BookJob) -> BookRender:
    """Lay the front matter out (unless laid out already) and assemble the PDF (in a worker process: nothing
    is written here)."""
    start = time.perf_counter()
    front = render_job(job.front) if job.front_pdf is None else None
    pdf = assemble_book(
        front.pdf if front else job.front_pdf.read_bytes(), list(job.parts),
        resolve=lambda uri: resolve_address(job.links, uri),
        attachments=list(job.attachments),
        attachment_date=job.attachment_date,
        keep_anchors=job.keep_anchors,
    )
    return BookRender(pdf, front, time.perf_counter() - start)
