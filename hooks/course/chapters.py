"""The course's chapters, read from the navigation: number, slug, title, pages in order."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_CHAPTER_FOLDER = re.compile(r"^(\d{2})-[a-z0-9-]+$")


@dataclass(frozen=True)
class Chapter:
    number: int
    slug: str  # the chapter's folder under docs/, e.g. "03-objets-fondamentaux"
    title: str
    pages: tuple[str, ...] = field(default=())  # source paths relative to docs/, nav order


class ChapterError(ValueError):
    """The navigation does not follow the one-section-per-chapter layout."""


def chapters_from_sections(sections: list[tuple[str, list[str]]]) -> list[Chapter]:
    """Build chapters from top-level nav sections given as (title, [page paths]).

    A section's chapter number is that of the one folder (`NN-slug`) its pages
    live in, the home page `index.md` at the root belonging to chapter 0. The
    first section is chapter 0 and numbers grow down the nav; a gap is allowed,
    so a chapter can be published before the ones that precede it.
    """
    chapters: list[Chapter] = []
    for title, pages in sections:
        folders = {page.split("/", 1)[0] for page in pages if "/" in page}
        if len(folders) != 1:
            raise ChapterError(
                f"nav section '{title}' must hold the pages of exactly one chapter folder, "
                f"found {sorted(folders) or 'none'}"
            )
        (slug,) = folders
        match = _CHAPTER_FOLDER.match(slug)
        if not match:
            raise ChapterError(f"nav section '{title}': its folder must be named 'NN-<slug>', not '{slug}'")
        number = int(match.group(1))
        if not chapters and number != 0:
            raise ChapterError(f"nav section '{title}' comes first: it must be chapter 00, not '{slug}'")
        if chapters and number <= chapters[-1].number:
            raise ChapterError(
                f"nav section '{title}' ('{slug}') must come after chapter "
                f"{chapters[-1].number:02d} ('{chapters[-1].slug}'): chapters follow their numbers"
            )
        chapters.append(Chapter(number=number, slug=slug, title=title, pages=tuple(pages)))
    return chapters


def chapter_of_page(chapters: list[Chapter], src_path: str) -> Chapter | None:
    for chapter in chapters:
        if src_path in chapter.pages:
            return chapter
    return None


def base_source_path(src_path: str, languages: tuple[str, ...] = ("en",)) -> str:
    """Map a translated page (`outils.en.md`) to the French page it translates."""
    for language in languages:
        suffix = f".{language}.md"
        if src_path.endswith(suffix):
            return src_path[: -len(suffix)] + ".md"
    return src_path
