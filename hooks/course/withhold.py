"""Python-Markdown extension: corrections are withheld at the source unless released.

Listed first under `markdown_extensions` in mkdocs.yml (`course.withhold`). Before any
other processor runs, it cuts every correction out of the page's Markdown and puts a
notice in its place, so nothing inside it (footnotes, abbreviations, link references,
headings, images, attributes, code titles) reaches the page, its table of contents,
the search index or the PDFs.

It is fail-safe: it releases a correction only when the hooks (hooks/corrections.py)
have said, for the page about to be rendered, which ranks are released. Without the
hooks (another engine, a hook list edited, a hook that did not run) every correction
is withheld.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from course.corrections import normalize_source, scan_corrections

# After NormalizeWhitespace (30), before pymdownx.superfences (25) and the HTML block reader (20).
PRIORITY = 29
WITHHELD_CLASS = "correction-withheld"
NOTICES = {
    "fr": ("Correction", "Correction disponible après le TP."),
    "en": ("Solution", "Solution available after the lab."),
}


@dataclass(frozen=True)
class PageRelease:
    """What the hooks tell the extension about the page MkDocs renders next."""

    page: str  # src path of the page, for messages
    released_ranks: frozenset[int]  # 1-based ranks of its released corrections
    language: str = "fr"


class ReleaseChannel:
    """Hands one page's releases from the hooks to the next Markdown render, once.

    MkDocs renders pages one at a time, right after `on_page_markdown`; a render the
    hooks did not announce (or a second one) gets nothing, so it releases nothing.
    """

    def __init__(self) -> None:
        self._pending: PageRelease | None = None

    def announce(self, release: PageRelease) -> None:
        self._pending = release

    def take(self) -> PageRelease | None:
        release, self._pending = self._pending, None
        return release

    def clear(self) -> None:
        self._pending = None


CHANNEL = ReleaseChannel()


def withheld_notice(rank: int, language: str) -> str:
    """The HTML left where a withheld correction was (the hooks replace it with a numbered one)."""
    label, text = NOTICES.get(language, NOTICES["fr"])
    return (
        f'<div class="correction {WITHHELD_CLASS}" data-correction-rank="{rank}">'
        f'<p class="correction-withheld-title">{escape(label)}</p><p>{escape(text)}</p></div>'
    )


def withhold(markdown: str, *, release: PageRelease | None, store=lambda html: html, page: str = "page") -> str:
    """The page's Markdown with every correction that is not released replaced by a notice.

    `store` turns the notice's HTML into what Markdown keeps verbatim (its HTML stash).
    Raises CorrectionError on a malformed correction, an ambiguous extent or a lookalike.
    """
    lines = normalize_source(markdown)
    released = release.released_ranks if release else frozenset()
    language = release.language if release else "fr"
    corrections = scan_corrections("\n".join(lines), page=release.page if release else page)
    for correction in reversed(corrections):
        if correction.rank_in_page in released:
            continue
        header = lines[correction.line - 1]
        indent = header[: len(header) - len(header.lstrip(" "))]
        notice = store(withheld_notice(correction.rank_in_page, language))
        lines[correction.line - 1 : correction.last_line] = ["", indent + notice, ""]
    return "\n".join(lines)


class WithholdPreprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        release = CHANNEL.take()
        text = withhold("\n".join(lines), release=release, store=self.md.htmlStash.store)
        return text.split("\n")


class WithholdExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.registerExtension(self)
        md.preprocessors.register(WithholdPreprocessor(md), "course_withhold", PRIORITY)


def makeExtension(**kwargs) -> WithholdExtension:  # noqa: N802 (Python-Markdown's entry point)
    return WithholdExtension(**kwargs)
