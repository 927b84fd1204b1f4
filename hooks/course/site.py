"""Read the course layout from the MkDocs configuration: chapters and page sources per language."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import yaml

from course.chapters import Chapter, ChapterError, chapters_from_sections
from course.corrections import (
    CorrectionError,
    CorrectionSource,
    Decision,
    NumberedCorrection,
    decide,
    normalize_source,
    number_corrections,
    parse_release_rules,
    scan_corrections,
)
from course.markdown import referenced_files
from course.settings import CorrectionSettings, correction_settings

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


def read_source(docs_dir: str, page: str, *, label: str = "docs/") -> str:
    """Read a page's Markdown; cached on the file's mtime so `mkdocs serve` stays fast.

    A page missing from docs/ reads as empty: MkDocs' nav validation reports it.
    A page that is not UTF-8 raises CorrectionError naming it.
    """
    path = os.path.join(docs_dir, page)
    if not os.path.isfile(path):
        return ""
    try:
        return _read(path, os.stat(path).st_mtime_ns)
    except UnicodeDecodeError as error:
        line = error.object[: error.start].count(b"\n") + 1
        raise CorrectionError(
            f"{label}{page}:{line}: not UTF-8 text ({error.reason} at byte {error.start}); "
            "save the file as UTF-8"
        ) from None


class MkDocsYamlLoader(yaml.SafeLoader):
    """Reads mkdocs.yml outside MkDocs: its `!ENV` and `!!python/name:` tags read as None.

    For tools that only need plain keys (nav, hooks, extra); a build uses MkDocs' own loader.
    """


MkDocsYamlLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def read_mkdocs_yaml(text: str) -> object:
    return yaml.load(text, Loader=MkDocsYamlLoader)


@dataclass(frozen=True)
class CorrectionCatalogue:
    """Every correction of the course, numbered from the French pages, with the build's decision.

    A translation's corrections are the French page's, rank for rank (checked when read):
    they share the number, the identifier and the decision.
    """

    chapters: list[Chapter]
    numbered: dict[str, list[NumberedCorrection]]  # French page -> its corrections, in order
    decisions: dict[str, list[Decision]]  # French page -> one decision per correction
    translations: dict[tuple[str, str], list[CorrectionSource]]  # (page, language) -> its corrections
    docs_label: str = "docs"  # docs_dir as messages name it
    files: tuple[str, ...] = ()  # every Markdown file read (pages and translations), relative to docs/
    _split: dict = field(default_factory=dict, compare=False, repr=False)  # split_sources(), once

    def released_ranks(self, page: str) -> frozenset[int]:
        """1-based ranks of the released corrections of a page (a French page path)."""
        return frozenset(rank for rank, d in enumerate(self.decisions.get(page, []), start=1) if d.present)

    def is_released(self, identifier: str) -> bool:
        """Whether the correction with this identifier is released in this build (False if unknown)."""
        return identifier in self.released_identifiers()

    def released_identifiers(self) -> frozenset[str]:
        return frozenset(
            correction.source.identifier
            for page, corrections in self.numbered.items()
            for correction, decision in zip(corrections, self.decisions[page], strict=True)
            if decision.present
        )

    def sources(self, page: str, language: str) -> list[CorrectionSource]:
        """The corrections as written in the file a language renders for a page."""
        if (page, language) in self.translations:
            return self.translations[(page, language)]
        return [c.source for c in self.numbered.get(page, [])]

    def split_sources(self, docs_dir: str) -> list[tuple[str, str, str]]:
        """(file, its public Markdown, its withheld Markdown) for every file read, relative to docs/.

        Worked out once per catalogue (the files it was read from): the hooks and the audit ask for it.
        """
        if docs_dir not in self._split:
            self._split[docs_dir] = list(self._split_sources(docs_dir))
        return self._split[docs_dir]

    def _split_sources(self, docs_dir: str) -> Iterator[tuple[str, str, str]]:
        hidden: dict[str, set[int]] = {}
        for _, copies in self.withheld():
            for source in copies:
                hidden.setdefault(source.file, set()).update(range(source.line, source.last_line + 1))
        for relative in self.files:
            lines = normalize_source(read_source(docs_dir, relative))
            skip = hidden.get(f"{self.docs_label}/{relative}", set())
            kept = [line for number, line in enumerate(lines, start=1) if number not in skip]
            taken = [line for number, line in enumerate(lines, start=1) if number in skip]
            yield relative, "\n".join(kept), "\n".join(taken)

    def withheld(self) -> list[tuple[NumberedCorrection, list[CorrectionSource]]]:
        """Each withheld correction with its source in every language it is written in."""
        result = []
        for page, corrections in self.numbered.items():
            for rank, (correction, decision) in enumerate(zip(corrections, self.decisions[page], strict=True)):
                if decision.present:
                    continue
                copies = [correction.source] + [
                    sources[rank] for (base, _), sources in self.translations.items() if base == page
                ]
                result.append((correction, copies))
        return result


def correction_catalogue(
    *, nav: list, docs_dir: str, docs_label: str, languages: tuple[str, ...] = (DEFAULT_LANGUAGE,),
    settings: CorrectionSettings,
) -> CorrectionCatalogue:
    """Read every page of the nav and its translations, pair them, decide each correction.

    Raises CorrectionError or ChapterError naming the file and line, or the mkdocs.yml key.
    """
    chapters = chapters_from_nav(nav)
    label = f"{docs_label}/"
    sources = {
        page: scan_corrections(read_source(docs_dir, page, label=label), page=page, file=label + page)
        for chapter in chapters
        for page in chapter.pages
    }
    translations = {}
    files = list(sources)
    for page, french in sources.items():
        for language in languages:
            translated = localized_source(docs_dir, page, language)
            if translated == page:
                continue
            copies = scan_corrections(
                read_source(docs_dir, translated, label=label), page=page, file=label + translated
            )
            check_translation(french, copies, french_file=label + page, translated_file=label + translated)
            translations[(page, language)] = copies
            files.append(translated)
    numbered = number_corrections(chapters, sources)
    rules = parse_release_rules(settings.release, numbered=numbered, chapters=chapters)
    decisions = {
        page: [decide(c, mode=settings.mode, rules=rules, today=settings.today) for c in corrections]
        for page, corrections in numbered.items()
    }
    return CorrectionCatalogue(chapters, numbered, decisions, translations, docs_label, tuple(files))


def build_catalogue(config, environ=os.environ) -> CorrectionCatalogue:
    """The catalogue of the build `config` (a loaded MkDocs config) describes, settings read as the build
    reads them. For other modules: `build_catalogue(config).is_released("monsterstack-final")`."""
    return correction_catalogue(
        nav=config.nav,
        docs_dir=config.docs_dir,
        docs_label=docs_dir_label(config),
        languages=build_languages(config),
        settings=correction_settings(config.extra, environ),
    )


def check_translation(
    french: list[CorrectionSource], translated: list[CorrectionSource], *, french_file: str, translated_file: str
) -> None:
    """A translation holds the French page's corrections, in the same order, paired by identifier.

    Ranks alone cannot tell that the English second correction answers the French
    second question, so when a translated page has corrections each carries an
    explicit identifier, the same in both files.
    """
    if not french and not translated:
        return
    fix = (
        "give each correction an explicit identifier ('??? correction <identifiant> \"Titre\"'), the same "
        "one in both files, in the same order"
    )
    for position in range(max(len(french), len(translated))):
        ours = french[position] if position < len(french) else None
        theirs = translated[position] if position < len(translated) else None
        if ours is None:
            raise CorrectionError(
                f"{theirs.location}: correction {position + 1} of the translation has no counterpart in "
                f"{french_file} ({len(french)} correction(s)); {fix}"
            )
        if theirs is None:
            raise CorrectionError(
                f"{translated_file}: the translation lacks the correction of {ours.location} "
                f"({len(translated)} correction(s) instead of {len(french)}); {fix}"
            )
        if ours.explicit_id is None or theirs.explicit_id is None:
            missing = ours if ours.explicit_id is None else theirs
            raise CorrectionError(
                f"{missing.location}: this page and its translation ({french_file}, {translated_file}) both "
                f"have corrections, paired by identifier; {fix}"
            )
        if ours.explicit_id != theirs.explicit_id:
            raise CorrectionError(
                f"{theirs.location}: correction {position + 1} is '{theirs.explicit_id}' but "
                f"{ours.location} is '{ours.explicit_id}': the translation's corrections are missing, extra "
                f"or out of order; {fix}"
            )


def build_languages(config) -> tuple[str, ...]:
    """The languages the build renders, French first (mkdocs-static-i18n's list, if any)."""
    plugin = config.plugins.get("i18n") if hasattr(config, "plugins") else None
    languages = [DEFAULT_LANGUAGE]
    for language in getattr(getattr(plugin, "config", None), "languages", None) or []:
        locale = getattr(language, "locale", None) or language.get("locale")
        build = getattr(language, "build", True) if not isinstance(language, dict) else language.get("build", True)
        if locale and build and locale not in languages:
            languages.append(locale)
    return tuple(languages)


def withheld_files(catalogue: CorrectionCatalogue, *, docs_dir: str) -> set[str]:
    """Files (relative to docs/) that only withheld corrections link to: the site must not copy them."""
    withheld, public = set(), set()
    for relative, kept, taken in catalogue.split_sources(docs_dir):
        public |= referenced_files(kept, page=relative)
        withheld |= referenced_files(taken, page=relative)
    return withheld - public
