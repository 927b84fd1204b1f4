"""Corrections: find them in the Markdown, number them, decide which are released, rewrite the HTML.

An author writes a correction as a collapsible admonition of type `correction`
(`??? correction`, `???+ correction`, `??? correction <identifier> "Titre"`).
This module never hides anything with CSS: a correction that is not released
is replaced, in the rendered HTML, by a notice that keeps its number, so its
content is nowhere in the built site (pages, search index, PDFs).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from course.chapters import Chapter
from course.html import parse_fragment, remove_keeping_tail, serialize_fragment
from course.markdown import lines_in_code

MODES = ("hide", "release", "show")
DEFAULT_MODE = "release"
CORRECTION_CLASS = "correction"


class CorrectionError(ValueError):
    """A problem an author or a trainer must fix; the message names the file and line or key."""


# --- Markdown side -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CorrectionSource:
    """A correction as written in a Markdown file."""

    page: str  # page path relative to docs/ (the French page a translation belongs to)
    file: str  # the Markdown file it was read from (a translation's own file)
    line: int  # 1-based line of the `??? correction` header
    rank_in_page: int  # 1-based
    explicit_id: str | None
    title: str | None
    opened: bool

    @property
    def identifier(self) -> str:
        return self.explicit_id or f"{self.page.removesuffix('.md')}#{self.rank_in_page}"

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}"


# An answer written as another kind of block would never be hidden: refuse it.
_LOOKALIKE = re.compile(
    r"^[ ]*(?:\?\?\?\+?|!!!)[ ]+(?!correction\b)[\w-]+(?:[ ]+[\w-]+)*[ ]+"
    r"\"(?:Correction|Corrigé|Réponse|Solution|Answer)\b",
    re.IGNORECASE,
)
_HEADER = re.compile(
    r"^(?P<indent>[ ]*)(?P<marker>\?\?\?\+?|!!!)[ ]+correction"
    r"(?:[ ]+(?P<ident>[\w-]+))?(?:[ ]+\"(?P<title>[^\"]*)\")?[ ]*$"
)


def scan_corrections(markdown: str, *, page: str, file: str | None = None) -> list[CorrectionSource]:
    """Return the corrections of a page in order, or raise CorrectionError at the faulty line.

    `file` is the path of the Markdown read when it is a translation of `page`.
    """
    file = file or page
    lines = markdown.splitlines()
    code = lines_in_code(markdown)
    found: list[CorrectionSource] = []
    open_indent: int | None = None  # indentation of the correction whose body we are in
    for index, line in enumerate(lines):
        number = index + 1
        indent = len(line) - len(line.lstrip(" "))
        if number in code or not line.strip():
            continue
        if open_indent is not None and indent <= open_indent:
            open_indent = None
        where = f"{file}:{number}"
        if _LOOKALIKE.match(line):
            raise CorrectionError(
                f"{where}: this block is titled like an answer but is not a correction, so it "
                "would never be hidden; write it '??? correction \"Titre\"'"
            )
        match = _HEADER.match(line)
        if match is None:
            continue
        if match.group("marker") == "!!!":
            raise CorrectionError(
                f"{where}: '!!! correction' is always visible; write '??? correction' "
                "so the build can hide it until it is released"
            )
        if open_indent is not None:
            raise CorrectionError(f"{where}: a correction cannot be inside another correction")
        if not _has_indented_body(lines, index, indent):
            raise CorrectionError(
                f"{where}: correction has no content; indent its body by 4 spaces under the header"
            )
        open_indent = indent
        found.append(
            CorrectionSource(
                page=page,
                file=file,
                line=number,
                rank_in_page=len(found) + 1,
                explicit_id=match.group("ident"),
                title=match.group("title") or None,
                opened=match.group("marker") == "???+",
            )
        )
    return found


def _has_indented_body(lines: list[str], header_index: int, header_indent: int) -> bool:
    for line in lines[header_index + 1 :]:
        if line.strip():
            return len(line) - len(line.lstrip(" ")) >= header_indent + 4
    return False


# --- Numbering -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NumberedCorrection:
    source: CorrectionSource
    chapter: int
    rank_in_chapter: int

    @property
    def number(self) -> str:
        return f"{self.chapter}.{self.rank_in_chapter}"

    @property
    def anchor(self) -> str:
        return f"correction-{self.chapter}-{self.rank_in_chapter}"


def number_corrections(
    chapters: Iterable[Chapter], sources: Mapping[str, list[CorrectionSource]]
) -> dict[str, list[NumberedCorrection]]:
    """Number corrections by chapter, in nav order; sources maps a page path to its corrections."""
    numbered: dict[str, list[NumberedCorrection]] = {}
    seen_ids: dict[str, CorrectionSource] = {}
    for chapter in chapters:
        rank = 0
        for page in chapter.pages:
            numbered[page] = []
            for source in sources.get(page, []):
                if source.explicit_id:
                    if first := seen_ids.get(source.explicit_id):
                        raise CorrectionError(
                            f"{source.location}: correction identifier '{source.explicit_id}' "
                            f"is already used at {first.location}"
                        )
                    seen_ids[source.explicit_id] = source
                rank += 1
                numbered[page].append(NumberedCorrection(source, chapter.number, rank))
    return numbered


# --- Release decisions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReleaseRule:
    kind: str  # "chapter", "page" or "id"
    value: str
    since: dt.date | None

    def describe(self) -> str:
        return f"{self.kind} {self.value}" + (f" from {self.since.isoformat()}" if self.since else "")


@dataclass(frozen=True)
class Decision:
    present: bool
    reason: str


RELEASE_KEY = "extra.corrections.release"


def resolve_mode(environment_value: str | None, configured: object) -> str:
    """The CORRECTIONS variable when set and not empty, else `extra.corrections.mode`."""
    return parse_mode(environment_value or configured)


def parse_mode(value: object, *, key: str = "extra.corrections.mode") -> str:
    mode = str(value or DEFAULT_MODE).strip().lower()
    if mode not in MODES:
        raise CorrectionError(
            f"{key} (or the CORRECTIONS variable): unknown mode '{value}', "
            f"expected one of {', '.join(MODES)}"
        )
    return mode


def parse_release_rules(
    entries: object, *, numbered: Mapping[str, list[NumberedCorrection]], chapters: list[Chapter]
) -> list[ReleaseRule]:
    """Check the release list of mkdocs.yml against the course and return its rules."""
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise CorrectionError(f"{RELEASE_KEY}: expected a list of entries")
    known = {
        "chapter": {str(chapter.number) for chapter in chapters},
        "page": set(numbered),
        "id": {c.source.identifier for page in numbered.values() for c in page},
    }
    rules = []
    for position, entry in enumerate(entries):
        key = f"{RELEASE_KEY}[{position}]"
        if not isinstance(entry, dict):
            raise CorrectionError(f"{key}: expected a mapping such as {{chapter: 3}}")
        kinds = [kind for kind in ("chapter", "page", "id") if kind in entry]
        unknown_keys = set(entry) - {"chapter", "page", "id", "from"}
        if len(kinds) != 1 or unknown_keys:
            raise CorrectionError(
                f"{key}: give exactly one of 'chapter', 'page' or 'id' (and optionally 'from'), "
                f"got {sorted(entry)}"
            )
        kind = kinds[0]
        value = str(entry[kind]).strip()
        if value not in known[kind]:
            raise CorrectionError(f"{key}: unknown {kind} '{value}'")
        rules.append(ReleaseRule(kind, value, _parse_date(entry.get("from"), key=f"{key}.from")))
    return rules


def _parse_date(value: object, *, key: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise CorrectionError(f"{key}: '{value}' is not a date written YYYY-MM-DD") from None


def decide(
    correction: NumberedCorrection, *, mode: str, rules: Iterable[ReleaseRule], today: dt.date
) -> Decision:
    if mode == "show":
        return Decision(True, "mode show")
    if mode == "hide":
        return Decision(False, "mode hide")
    waiting = None
    for rule in rules:
        if not _rule_matches(rule, correction):
            continue
        if rule.since is None or rule.since <= today:
            return Decision(True, f"released by {rule.describe()}")
        waiting = rule
    if waiting:
        return Decision(False, f"scheduled by {waiting.describe()}")
    return Decision(False, "not in the release list")


def _rule_matches(rule: ReleaseRule, correction: NumberedCorrection) -> bool:
    match rule.kind:
        case "chapter":
            return rule.value == str(correction.chapter)
        case "page":
            return rule.value == correction.source.page
        case _:
            return rule.value == correction.source.identifier


# --- HTML side -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedCorrection:
    """What the correction template receives."""

    number: str
    anchor: str
    identifier: str
    title: str | None
    opened: bool
    present: bool
    body: str  # inner HTML of the answer; empty when the correction is withheld


Renderer = Callable[[RenderedCorrection], str]


def apply_corrections(
    fragment: str,
    *,
    page: str,
    corrections: list[NumberedCorrection],
    decisions: list[Decision],
    render: Renderer,
) -> str:
    """Replace each `<details class="correction">` by the template's rendering.

    A withheld correction is rendered without its body, so its content is gone
    from the page before the search plugin or the PDF hook sees it.
    """
    if not corrections and CORRECTION_CLASS not in fragment:
        return fragment  # most pages: nothing to parse
    root = parse_fragment(fragment)
    elements = [
        element
        for element in root.iter("details")
        if CORRECTION_CLASS in (element.get("class") or "").split()
    ]
    if len(elements) != len(corrections):
        raise CorrectionError(
            f"{page}: {len(corrections)} correction header(s) in the Markdown but "
            f"{len(elements)} rendered; check the indentation of each '??? correction'"
        )
    for element, correction, decision in zip(elements, corrections, decisions, strict=True):
        body = _inner_html_without_summary(element) if decision.present else ""
        rendered = render(
            RenderedCorrection(
                number=correction.number,
                anchor=correction.anchor,
                identifier=correction.source.identifier,
                title=correction.source.title,
                opened=correction.source.opened,
                present=decision.present,
                body=body,
            )
        )
        _replace(element, rendered)
    return serialize_fragment(root)


def _inner_html_without_summary(element) -> str:
    for summary in element.findall("summary"):
        remove_keeping_tail(summary)
    holder = parse_fragment("")
    holder.text = element.text
    holder.extend(list(element))
    return serialize_fragment(holder)


def _replace(element, html_text: str) -> None:
    parent = element.getparent()
    replacement = parse_fragment(html_text)
    index = parent.index(element)
    tail = element.tail
    parent.remove(element)
    new_nodes = list(replacement)
    for offset, node in enumerate(new_nodes):
        parent.insert(index + offset, node)
    last_tail = (new_nodes[-1].tail or "") if new_nodes else ""
    if new_nodes:
        new_nodes[-1].tail = last_tail + (tail or "")
