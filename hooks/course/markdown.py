"""Markdown structure the hooks and checkers share: fenced code blocks, found the way
pymdownx.superfences finds them (also when indented in admonitions and content tabs)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from urllib.parse import unquote, urlsplit


@dataclass(frozen=True)
class CodeBlock:
    """A fenced code block of a Markdown page, its fence indentation removed."""

    first_line: int  # 1-based line of the opening fence in the page
    last_line: int  # 1-based line of the closing fence (the page's last line if unclosed)
    lang: str
    title: str
    text: str

    @property
    def body_line(self) -> int:
        """Page line of the block's first content line."""
        return self.first_line + 1


_OPENING_FENCE = re.compile(r"^(?P<indent>[ ]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`]*?)\s*$")
_LANG = re.compile(r"^\{?\s*\.?(?P<lang>[\w+#-]+)")
_TITLE = re.compile(r"""\btitle=(?:"(?P<double>[^"]*)"|'(?P<single>[^']*)')""")


def fenced_blocks(markdown: str) -> Iterator[CodeBlock]:
    """Every fenced code block of a page, in order, whatever its language.

    Fences indented inside admonitions and content tabs are found too, and
    their indentation is removed from the content, as pymdownx.superfences does.
    """
    lines = markdown.splitlines()
    for index, end, opening in _fences(lines):
        indent, info = opening.group("indent", "info")
        body = [_dedent(line, len(indent)) for line in lines[index + 1 : end]]
        lang = _LANG.match(info)
        title = _TITLE.search(info)
        yield CodeBlock(
            first_line=index + 1,
            last_line=min(end, len(lines) - 1) + 1,
            lang=lang.group("lang").lower() if lang else "",
            title=(title.group("double") or title.group("single") or "") if title else "",
            text="\n".join(body) + "\n",
        )


@dataclass(frozen=True)
class FenceSpan:
    first_line: int  # as CodeBlock's
    last_line: int


def fence_spans(markdown: str) -> list[FenceSpan]:
    """Where the fenced blocks are, as fenced_blocks() finds them, without their text (cheaper)."""
    lines = markdown.splitlines()
    return [FenceSpan(index + 1, min(end, len(lines) - 1) + 1) for index, end, _ in _fences(lines)]


def _fences(lines: list[str]) -> Iterator[tuple[int, int, re.Match]]:
    """(opening index, closing index, opening match) of each fenced block."""
    index = 0
    while index < len(lines):
        opening = _OPENING_FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        end = _closing_index(lines, index + 1, opening.group("fence"))
        yield index, end, opening
        index = end + 1


def _closing_index(lines: list[str], start: int, fence: str) -> int:
    """Index of the line closing a fence: same character, at least as long, nothing else."""
    for index in range(start, len(lines)):
        stripped = lines[index].strip()
        if len(stripped) >= len(fence) and set(stripped) == {fence[0]}:
            return index
    return len(lines)


def _dedent(line: str, width: int) -> str:
    spaces = len(line) - len(line.lstrip(" "))
    return line[min(spaces, width) :]


def lines_in_code(markdown: str) -> set[int]:
    """1-based numbers of the lines that belong to a fenced block, fences included."""
    return code_lines(fenced_blocks(markdown))


def code_lines(blocks) -> set[int]:
    """lines_in_code() of blocks already found."""
    return {number for block in blocks for number in range(block.first_line, block.last_line + 1)}


# Words of a fence title that mark a block as not a whole manifest (see the README).
SKELETON_WORDS = ("squelette", "skeleton")
FRAGMENT_WORDS = ("extrait", "excerpt")


def block_marker(title: str) -> str | None:
    """The category a fence title marks, skeletons or fragments, in French or English."""
    lowered = title.lower()
    if any(word in lowered for word in SKELETON_WORDS):
        return "skeletons"
    if any(word in lowered for word in FRAGMENT_WORDS):
        return "fragments"
    return None


_INLINE_LINK = re.compile(r"\]\(\s*<?(?P<target>[^)\s>]+)")
_REFERENCE = re.compile(r"^[ ]{0,3}\[[^\]]+\]:[ ]*<?(?P<target>[^\s>]+)", re.MULTILINE)
# HTML `src`/`href`/`data`/`poster` attributes: found from their "=" (a literal the search jumps to; a
# pattern starting with the names is tried at every word, 40 times slower), the name checked before it.
_ATTRIBUTE_NAMES = ("src", "href", "data", "poster")
_ATTRIBUTE_VALUE = re.compile(r"=\s*[\"'](?P<target>[^\"']+)[\"']")
_ATTRIBUTE_NAME = re.compile(rf"(?:^|\W)(?:{'|'.join(_ATTRIBUTE_NAMES)})\Z", re.IGNORECASE)
_NAME_REACH = max(map(len, _ATTRIBUTE_NAMES)) + 1  # the longest name and the character before it


def referenced_files(markdown: str, *, page: str) -> set[str]:
    """Local files a page's Markdown links to or embeds, as paths relative to docs/.

    Links, images, reference definitions and HTML `src`/`href`/`data` attributes;
    URLs with a scheme or pointing outside docs/ are not files of the site.
    """
    return set(_referenced_files(markdown, page))


def _html_attributes(markdown: str) -> Iterator[re.Match]:
    """The matches of r"\\b(?:src|href|data|poster)\\s*=\\s*["'](?P<target>[^"']+)["']" (ignoring case)."""
    position = 0
    while (match := _ATTRIBUTE_VALUE.search(markdown, position)) is not None:
        name_end = match.start()
        while name_end > 0 and markdown[name_end - 1].isspace():
            name_end -= 1
        if _ATTRIBUTE_NAME.search(markdown[max(0, name_end - _NAME_REACH) : name_end]):
            yield match
            position = match.end()
        else:
            position = match.start() + 1  # its value may hold an attribute of ours (malformed HTML)


@lru_cache(maxsize=512)  # each language's build asks for every page of the course
def _referenced_files(markdown: str, page: str) -> frozenset[str]:
    found = set()
    directory = posixpath.dirname(page)
    for match in chain(_INLINE_LINK.finditer(markdown), _REFERENCE.finditer(markdown), _html_attributes(markdown)):
        target = match.group("target").strip()
        parts = urlsplit(target)
        if parts.scheme or parts.netloc or not parts.path:
            continue
        path = unquote(parts.path)
        joined = path.lstrip("/") if path.startswith("/") else posixpath.join(directory, path)
        normal = posixpath.normpath(joined)
        if not normal.startswith("../") and normal != "..":
            found.add(normal)
    return frozenset(found)
