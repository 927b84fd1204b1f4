"""The net under the withholding: search every output of a build for the text of each withheld correction.

A correction's fingerprints are runs of words taken from the lines of its body
(a line of prose, a command, a manifest line) that appear nowhere in the public
text of the course. The outputs are read as text (HTML and the search index
without their markup, PDFs with their text and attached files, archives member
by member) and cut into the same words, so markup, entities, typography and line
breaks do not hide a match.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import subprocess
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import html as lxml_html

RUN = 8  # words in a fingerprint taken from a longer line
SHORTEST = 5  # a line of fewer words is too common to tell anything
_WORD = re.compile(r"\w+")
# Markdown that never shows as text: fence lines, link targets, attribute lists, HTML tags, list
# markers, block headers' types, reference and footnote definitions' labels. Removed before the
# source is cut into words, so its words follow each other as on the rendered page.
_MARKUP = [
    re.compile(r"^[ ]*(?:`{3,}|~{3,}).*$", re.MULTILINE),
    re.compile(r"\]\([^)]*\)"),
    re.compile(r"\{[:#.][^}]*\}"),
    re.compile(r"<[^>]*>"),
    re.compile(r"^[ ]*(?:\d+[.)]|[-*+])[ ]+", re.MULTILINE),
    re.compile(r"^[ ]*(?:!!!|\?\?\?\+?|===\+?)[ ]*[\w -]*", re.MULTILINE),
    re.compile(r"^[ ]*\[[^\]]+\]:[ ]*\S*", re.MULTILINE),
    re.compile(r"\[\^[^\]]*\]"),
]


def rendered_words(markdown: str) -> list[str]:
    """The words of Markdown in the order a reader sees them."""
    for pattern in _MARKUP:
        markdown = pattern.sub(" ", markdown)
    return words(markdown)
TEXT_SUFFIXES = {
    ".html", ".htm", ".xml", ".json", ".js", ".css", ".txt", ".md", ".yaml", ".yml", ".svg", ".sh", ".py",
    ".toml", ".cfg", ".ini", ".conf", ".env",
}


class AuditError(RuntimeError):
    """The audit cannot read an output; the message says what to install or which file."""


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def runs(tokens: list[str], lengths: Iterable[int]) -> Iterator[tuple[str, ...]]:
    for length in lengths:
        for start in range(len(tokens) - length + 1):
            yield tuple(tokens[start : start + length])


@dataclass(frozen=True)
class Withheld:
    """A withheld correction as the audit looks for it."""

    name: str  # "correction 3.2 (docs/…/tp.md:41)"
    body: str  # its Markdown body (one language)


@dataclass
class Fingerprints:
    by_run: dict[tuple[str, ...], str] = field(default_factory=dict)  # run of words -> correction name
    corrections: int = 0  # withheld corrections looked for
    blind: list[str] = field(default_factory=list)  # withheld corrections with nothing distinctive

    def matcher(self) -> RunMatcher:
        return RunMatcher(self.by_run)


class RunMatcher:
    """Finds the first fingerprint in a text: one set lookup per word, a longer look only where a
    fingerprint's first words match (the audit reads every output of the site)."""

    def __init__(self, by_run: dict[tuple[str, ...], str]):
        self.by_run = by_run
        self.lengths = sorted({len(run) for run in by_run})
        self.shortest = self.lengths[0] if self.lengths else 0
        self.heads = {run[: self.shortest] for run in by_run}

    def first(self, text: str) -> tuple[str, tuple[str, ...]] | None:
        if not self.by_run:
            return None
        tokens, shortest, heads = words(text), self.shortest, self.heads
        for start in range(len(tokens) - shortest + 1):
            if tuple(tokens[start : start + shortest]) not in heads:
                continue
            for length in self.lengths:
                run = tuple(tokens[start : start + length])
                if len(run) == length and run in self.by_run:
                    return self.by_run[run], run
        return None


def _telling(tokens) -> bool:
    """Enough real words to tell a sentence or a command apart (not `IP: 10.96.183.20`)."""
    return sum(len(token) >= 3 and not token.isdigit() for token in tokens) >= 3


def fingerprints(withheld: list[Withheld], public_texts: Iterable[str]) -> Fingerprints:
    """Runs of words of each withheld body that the public text of the course does not contain."""
    candidates: dict[str, list[tuple[str, ...]]] = {}
    for correction in withheld:
        found = candidates.setdefault(correction.name, [])
        for line in correction.body.splitlines():
            tokens = rendered_words(line)
            if len(tokens) >= RUN:
                found += [run for run in runs(tokens, [RUN]) if _telling(run)]
            elif len(tokens) >= SHORTEST and _telling(tokens):
                found.append(tuple(tokens))
    lengths = {len(run) for runs_ in candidates.values() for run in runs_}
    public = set()
    for text in public_texts:
        public.update(runs(rendered_words(text), lengths))
    result = Fingerprints(corrections=len({c.name for c in withheld}))
    for name, found in candidates.items():
        kept = [run for run in found if run not in public]
        result.by_run.update(dict.fromkeys(kept, name))
        if not kept:
            result.blind.append(name)
    return result


@dataclass(frozen=True)
class Leak:
    correction: str
    file: Path
    words: str


@dataclass
class AuditReport:
    corrections: int
    files: int
    leaks: list[Leak]
    blind: list[str]

    def summary(self) -> str:
        return (
            f"audit: {group(self.corrections)} corrections withheld, {group(len(self.leaks))} found "
            f"in {group(self.files)} files"
        )


def group(count: int) -> str:
    """1 284: thousands separated by a narrow no-break space, as in French."""
    return f"{count:,}".replace(",", "\u202f")


def audit_outputs(roots: list[Path], prints: Fingerprints, *, clean_cache: Path | None = None) -> AuditReport:
    """Read every file under `roots` and report each withheld correction found in it.

    `clean_cache` remembers the files found clean, by their bytes and the fingerprints looked
    for: a file that did not change since the last build is not read again (theme assets, PDFs).
    """
    leaks, count = [], 0
    seen, matcher = set(), prints.matcher()
    verdicts = CleanVerdicts(clean_cache, prints) if clean_cache else None
    for root in roots:
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if not path.is_file() or path.resolve() in seen:
                continue
            seen.add(path.resolve())
            count += 1
            if not prints.by_run or (verdicts and verdicts.known_clean(path)):
                continue
            for text in output_texts(path):
                leak = matcher.first(text)
                if leak:
                    leaks.append(Leak(leak[0], path, " ".join(leak[1])))
                    break
            else:
                if verdicts:
                    verdicts.remember(path)
    if verdicts:
        verdicts.forget_the_rest()
    return AuditReport(prints.corrections, count, leaks, prints.blind)


class CleanVerdicts:
    """Files found clean: one empty file per (fingerprints, file bytes) digest, pruned after each audit."""

    def __init__(self, folder: Path, prints: Fingerprints):
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256(json.dumps(sorted(prints.by_run.items()), ensure_ascii=False).encode())
        self.prints = digest.hexdigest()
        self.used: set[str] = set()
        self._current: dict[Path, str] = {}

    def _key(self, path: Path) -> str:
        key = hashlib.sha256(self.prints.encode() + hashlib.sha256(path.read_bytes()).digest()).hexdigest()
        self._current[path] = key
        self.used.add(key)
        return key

    def known_clean(self, path: Path) -> bool:
        return (self.folder / self._key(path)).is_file()

    def remember(self, path: Path) -> None:
        (self.folder / self._current[path]).touch()

    def forget_the_rest(self) -> None:
        for old in self.folder.iterdir():
            if old.name not in self.used:
                old.unlink(missing_ok=True)


def output_texts(path: Path) -> Iterator[str]:
    """The readable text of an output file: what a reader (or a search engine) could get out of it."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        yield from _pdf_texts(path)
    elif suffix == ".zip":
        yield from _archive_texts(path.read_bytes())
    elif suffix == ".gz":
        yield from _decoded(gzip.decompress(path.read_bytes()), path.stem)
    elif suffix in TEXT_SUFFIXES:
        yield from _decoded(path.read_bytes(), path.name)


def _decoded(data: bytes, name: str) -> Iterator[str]:
    text = data.decode("utf-8", errors="replace")
    yield text
    lowered = name.lower()
    if lowered.endswith((".html", ".htm", ".xml", ".svg")):
        yield _text_of_html(text)
    elif lowered.endswith(".json"):
        yield from _json_texts(text)


def _text_of_html(text: str) -> str:
    if not text.strip():
        return ""
    try:
        root = lxml_html.document_fromstring(text.encode("utf-8"))
    except (ValueError, lxml_html.etree.ParserError):
        return text
    return " ".join(root.itertext())


def _json_texts(text: str) -> Iterator[str]:
    try:
        data = json.loads(text)
    except ValueError:
        return
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            yield _text_of_html(item) if "<" in item else item


def _pdf_texts(path: Path) -> Iterator[str]:
    """Text and attached files of a PDF, through poppler (pypdf takes minutes on the course PDF).

    `-raw` keeps the order the text was drawn in, the page's; the default layout reads
    a command's output column by column.
    """
    try:
        text = subprocess.run(["pdftotext", "-q", "-raw", str(path), "-"], capture_output=True, check=True).stdout
        yield text.decode("utf-8", errors="replace")
        with tempfile.TemporaryDirectory(prefix="audit-") as folder:
            subprocess.run(["pdfdetach", "-saveall", "-o", folder, str(path)], capture_output=True, check=True)
            for attached in sorted(Path(folder).iterdir()):
                yield from _decoded(attached.read_bytes(), attached.name)
    except FileNotFoundError:
        raise AuditError("the audit reads PDFs with poppler's pdftotext and pdfdetach: run make system-deps") from None
    except subprocess.CalledProcessError as error:
        raise AuditError(f"{path}: poppler cannot read this PDF ({error.stderr.decode(errors='replace')})") from None


def _archive_texts(data: bytes) -> Iterator[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.infolist():
            if not member.is_dir():
                yield from _decoded(archive.read(member), member.filename)
