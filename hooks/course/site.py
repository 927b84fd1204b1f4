"""Read the course layout from the MkDocs configuration: chapters and page sources per language."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from functools import lru_cache

import yaml

from course.chapters import Chapter, ChapterError, chapters_from_sections
from course.corrections import (
    Decision,
    NumberedCorrection,
    decide,
    number_corrections,
    parse_release_rules,
    scan_corrections,
)

DEFAULT_LANGUAGE = "fr"


def sections_from_nav(nav: list) -> list[tuple[str, list[str]]]:
    """Top-level nav sections as (title, [page paths]); nested sections are flattened in order."""
    sections = []
    for item in nav or []:
        if not isinstance(item, dict) or len(item) != 1:
            raise ChapterError(f"nav: every top-level entry must be a chapter section, got {item!r}")
        ((title, children),) = item.items()
        if not isinstance(children, list):
            raise ChapterError(f"nav: chapter '{title}' must list its pages")
        sections.append((title, list(_page_paths(children))))
    return sections


def _page_paths(children: list):
    for child in children:
        if isinstance(child, str):
            yield child
        elif isinstance(child, dict):
            for value in child.values():
                yield from _page_paths(value if isinstance(value, list) else [value])


def chapters_from_nav(nav: list) -> list[Chapter]:
    return chapters_from_sections(sections_from_nav(nav))


def docs_dir_label(config) -> str:
    """docs_dir as the maintainer knows it (`docs`), for messages naming a file."""
    root = os.path.dirname(config.config_file_path or ".")
    return os.path.relpath(config.docs_dir, root)


def localized_source(
    docs_dir: str, page: str, language: str, default_language: str = DEFAULT_LANGUAGE
) -> str:
    """The file a language build renders for a page: `x.<lang>.md` if it exists, else `x.md`."""
    if language != default_language:
        translated = page.removesuffix(".md") + f".{language}.md"
        if os.path.isfile(os.path.join(docs_dir, translated)):
            return translated
    return page


@lru_cache(maxsize=512)
def _read(path: str, mtime_ns: int) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def read_source(docs_dir: str, page: str) -> str:
    """Read a page's Markdown; cached on the file's mtime so `mkdocs serve` stays fast.

    A page missing from docs/ reads as empty: MkDocs' nav validation reports it.
    """
    path = os.path.join(docs_dir, page)
    if not os.path.isfile(path):
        return ""
    return _read(path, os.stat(path).st_mtime_ns)


class MkDocsYamlLoader(yaml.SafeLoader):
    """Reads mkdocs.yml outside MkDocs: its `!ENV` and `!!python/name:` tags read as None.

    For tools that only need plain keys (nav, hooks, extra); a build uses MkDocs' own loader.
    """


MkDocsYamlLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def read_mkdocs_yaml(text: str) -> object:
    return yaml.load(text, Loader=MkDocsYamlLoader)


@dataclass(frozen=True)
class CorrectionCatalogue:
    """Every correction of the course in one language, numbered, with the build's decision."""

    chapters: list[Chapter]
    numbered: dict[str, list[NumberedCorrection]]  # page -> its corrections, in order
    decisions: dict[str, list[Decision]]  # page -> one decision per correction


def correction_catalogue(
    *, nav: list, docs_dir: str, docs_label: str, language: str, release: object, mode: str, today: dt.date
) -> CorrectionCatalogue:
    """Read every page of the nav (its translation when there is one) and decide each correction.

    Raises CorrectionError or ChapterError naming the file and line, or the mkdocs.yml key.
    """
    chapters = chapters_from_nav(nav)
    sources = {
        page: scan_corrections(read_source(docs_dir, source), page=page, file=f"{docs_label}/{source}")
        for chapter in chapters
        for page in chapter.pages
        for source in [localized_source(docs_dir, page, language)]
    }
    numbered = number_corrections(chapters, sources)
    rules = parse_release_rules(release, numbered=numbered, chapters=chapters)
    decisions = {
        page: [decide(c, mode=mode, rules=rules, today=today) for c in corrections]
        for page, corrections in numbered.items()
    }
    return CorrectionCatalogue(chapters, numbered, decisions)
