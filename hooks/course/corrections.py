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
from functools import lru_cache

from course.chapters import Chapter
from course.html import parse_fragment, remove_keeping_tail, serialize_fragment
from course.markdown import code_lines, fence_spans

MODES = ("hide", "release", "show")
DEFAULT_MODE = "release"
CORRECTION_CLASS = "correction"


class CorrectionError(ValueError):
    """A problem an author or a trainer must fix; the message names the file and line or key."""


# --- Markdown side -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CorrectionSource:
    """A correction as written in a Markdown file: its header and the lines of its body."""

    page: str  # page path relative to docs/ (the French page a translation belongs to)
    file: str  # the Markdown file it was read from (a translation's own file)
    line: int  # 1-based line of the `??? correction` header
    rank_in_page: int  # 1-based
    explicit_id: str | None
    title: str | None
    opened: bool
    last_line: int = 0  # 1-based line of the last non-blank line of the body
    body: str = ""  # the body's Markdown, its indentation removed

    @property
    def identifier(self) -> str:
        return self.explicit_id or f"{self.page.removesuffix('.md')}#{self.rank_in_page}"

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}"


TAB_LENGTH = 4  # Python-Markdown's, used by MkDocs
ANSWER_WORDS = ("correction", "corrigé", "corrige", "réponse", "reponse", "solution", "answer")
_ANSWER_CLASS = re.compile(r"^(?:" + "|".join(ANSWER_WORDS) + r")", re.IGNORECASE)  # corrections, correction-tp
_ANSWER_TITLE = re.compile(r"^(?:" + "|".join(ANSWER_WORDS) + r")\b", re.IGNORECASE)  # not "Solutions de…"
# Every header Python-Markdown's admonition and pymdownx.details accept (the space after the
# marker is optional there), so that no spelling of a block escapes the checks below.
_BLOCK_HEADER = re.compile(
    r"^(?P<indent>[ ]*)(?P<marker>\?\?\?\+?|!!!)[ ]?"
    r"(?:(?P<words>[\w-]+(?:[ ]+[\w-]+)*?)?(?:[ ]+\"(?P<title>.*?)\")|(?P<bare>[\w-]+(?:[ ]+[\w-]+)*?))[ ]*$"
)
_CORRECTION_HEADER = re.compile(
    r"^(?P<indent>[ ]*)(?P<marker>\?\?\?\+?|!!!) correction"
    r"(?: (?P<ident>[a-z0-9][a-z0-9_-]*))?(?: \"(?P<title>[^\"]*)\")?[ ]*$"
)
_TAB_HEADER = re.compile(r"^[ ]*===\+?[ ]+\"(?P<title>[^\"]*)\"")
_RAW_DETAILS = re.compile(r"<details\b[^>]*\bclass\s*=\s*[\"'][^\"']*\bcorrection", re.IGNORECASE)
_RAW_SUMMARY = re.compile(
    r"<summary\b[^>]*>\s*(?:<[^>]+>\s*)*(?P<title>[^<]*)", re.IGNORECASE
)
CORRECTION_FORMS = "'??? correction', '??? correction \"Titre\"' or '??? correction <identifiant> \"Titre\"'"


def normalize_source(markdown: str) -> list[str]:
    """The page's lines as Python-Markdown sees them: newlines unified, tabs expanded."""
    text = markdown.replace("\r\n", "\n").replace("\r", "\n").expandtabs(TAB_LENGTH)
    return [line if line.strip() else "" for line in text.split("\n")]


def scan_corrections(markdown: str, *, page: str, file: str | None = None) -> list[CorrectionSource]:
    """Return the corrections of a page in order, or raise CorrectionError at the faulty line.

    Each page is read by both languages' builds and the Markdown extension: the result (immutable
    corrections) is remembered for the same text, page and file.

    The body of a correction is every line after its header that is blank or
    indented 4 spaces more than the header, up to the first line that is not.
    That line must leave no doubt that the correction has ended, for Markdown
    as well as for us: it is refused when it is indented less than the body but
    more than the header, when it follows the body without a blank line (a
    "lazy" line), or when it falls inside a code block opened in the body.
    `file` is the path of the Markdown read when it is a translation of `page`.
    """
    return list(_scan_corrections(markdown, page, file or page))


@lru_cache(maxsize=256)
def _scan_corrections(markdown: str, page: str, file: str) -> tuple[CorrectionSource, ...]:
    lines = normalize_source(markdown)
    blocks = fence_spans("\n".join(lines))
    code = code_lines(blocks)
    found: list[CorrectionSource] = []
    body_end = -1  # index of the last line of the correction whose body we are in
    for index, line in enumerate(lines):
        number = index + 1
        if number in code or not line:
            continue
        where = f"{file}:{number}"
        _refuse_lookalike(line, where)
        match = _CORRECTION_HEADER.match(line)
        if match is None:
            continue
        if match.group("marker") == "!!!":
            raise CorrectionError(
                f"{where}: '!!! correction' is always visible; write '??? correction' "
                "so the build can hide it until it is released"
            )
        if index <= body_end:
            raise CorrectionError(f"{where}: a correction cannot be inside another correction")
        indent = len(match.group("indent"))
        body_end = _body_end(lines, index, indent, where=where, file=file, blocks=blocks)
        body = [line[indent + TAB_LENGTH :] for line in lines[index + 1 : body_end + 1]]
        found.append(
            CorrectionSource(
                page=page,
                file=file,
                line=number,
                rank_in_page=len(found) + 1,
                explicit_id=match.group("ident"),
                title=match.group("title") or None,
                opened=match.group("marker") == "???+",
                last_line=body_end + 1,
                body="\n".join(body) + "\n",
            )
        )
    return tuple(found)


def _refuse_lookalike(line: str, where: str) -> None:
    """An answer written as anything but a correction would never be hidden: stop the build."""
    block = _BLOCK_HEADER.match(line)
    if block and not _CORRECTION_HEADER.match(line):
        words = (block.group("words") or block.group("bare") or "").split()
        title = block.group("title") or ""
        if any(_ANSWER_CLASS.match(word) for word in words) or _ANSWER_TITLE.match(title.strip()):
            raise CorrectionError(
                f"{where}: '{line.strip()}' looks like an answer but is not a correction, so it would "
                f"never be hidden; write it {CORRECTION_FORMS} (lower case, one space, the identifier "
                "in lower-case letters, digits and dashes)"
            )
        return
    tab = _TAB_HEADER.match(line)
    if tab and _ANSWER_TITLE.match(tab.group("title").strip()):
        raise CorrectionError(
            f"{where}: a content tab titled '{tab.group('title')}' would never be hidden; "
            f"put the answer in a correction: {CORRECTION_FORMS}"
        )
    summary = _RAW_SUMMARY.search(line)
    if _RAW_DETAILS.search(line) or (summary and _ANSWER_TITLE.match(summary.group("title").strip())):
        raise CorrectionError(
            f"{where}: a raw <details> holding an answer would never be hidden; "
            f"write it {CORRECTION_FORMS}"
        )


def _body_end(lines: list[str], header: int, indent: int, *, where: str, file: str, blocks) -> int:
    """Index of the last non-blank line of a correction's body; raise if its end is ambiguous."""
    body_indent = indent + TAB_LENGTH
    last = header
    index = header + 1
    while index < len(lines):
        line = lines[index]
        if line and len(line) - len(line.lstrip(" ")) < body_indent:
            break
        if line:
            last = index
        index += 1
    if last == header:
        raise CorrectionError(
            f"{where}: correction has no content; indent its body by {body_indent} spaces under the header"
        )
    if index < len(lines):
        stopper = lines[index]
        spaces = len(stopper) - len(stopper.lstrip(" "))
        stop_where = f"{file}:{index + 1}"
        if spaces > indent:
            raise CorrectionError(
                f"{stop_where}: this line ends the correction of line {where.rsplit(':', 1)[1]} early: it is "
                f"indented {spaces} spaces and the body {body_indent}; indent it by {body_indent} spaces "
                "(inside code blocks too), or by at most "
                f"{indent} after a blank line if it is not part of the answer"
            )
        if lines[index - 1]:
            raise CorrectionError(
                f"{stop_where}: this line ends the correction of line {where.rsplit(':', 1)[1]} early: it "
                f"follows the body without a blank line, so Markdown may read it as part of the answer; "
                f"indent it by {body_indent} spaces if it belongs to the answer, otherwise leave a blank line "
                "before it"
            )
    for block in blocks:
        if header + 1 < block.first_line <= last + 1 < block.last_line:
            raise CorrectionError(
                f"{file}:{block.first_line}: the code block opened in the correction of line "
                f"{where.rsplit(':', 1)[1]} closes at line {block.last_line}, outside its body "
                f"(line {index + 1} ends the body); indent every line of the block by {body_indent} spaces"
            )
    return last


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
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        why = f" ({error})" if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else ""
        raise CorrectionError(f"{key}: '{value}' is not a date written YYYY-MM-DD{why}") from None


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


WITHHELD_CLASS = "correction-withheld"  # the notice course.withhold leaves in the Markdown's place


def apply_corrections(
    fragment: str,
    *,
    page: str,
    corrections: list[NumberedCorrection],
    decisions: list[Decision],
    render: Renderer,
    written: list[CorrectionSource] | None = None,
) -> str:
    """Number every correction the Markdown rendered, through the template.

    A released correction arrives as `<details class="correction">` and keeps its
    body; a withheld one arrives as the notice course.withhold put in its place,
    its body never rendered. `written` are the corrections as written in the file
    rendered (a translation's titles), rank for rank with `corrections`.
    """
    if not corrections and CORRECTION_CLASS not in fragment:
        return fragment  # most pages: nothing to parse
    written = written or [c.source for c in corrections]
    root = parse_fragment(fragment)
    elements = [
        element
        for element in root.iter("details", "div")
        if CORRECTION_CLASS in (element.get("class") or "").split()
    ]
    if len(elements) != len(corrections):
        raise CorrectionError(
            f"{page}: {len(corrections)} correction header(s) in the Markdown but "
            f"{len(elements)} rendered; check the indentation of each '??? correction'"
        )
    for element, correction, decision, source in zip(elements, corrections, decisions, written, strict=True):
        is_notice = WITHHELD_CLASS in (element.get("class") or "").split()
        if decision.present == is_notice:
            raise CorrectionError(
                f"{source.location}: the correction is {'released' if decision.present else 'withheld'} but "
                f"the Markdown rendered it {'withheld' if is_notice else 'in full'}; list 'course.withhold' "
                "first under markdown_extensions in mkdocs.yml and keep hooks/corrections.py under hooks:"
            )
        body = _inner_html_without_summary(element) if decision.present else ""
        rendered = render(
            RenderedCorrection(
                number=correction.number,
                anchor=correction.anchor,
                identifier=correction.source.identifier,
                title=source.title,
                opened=source.opened,
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
