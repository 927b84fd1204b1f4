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
import multiprocessing
import os
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import accumulate, compress, count, pairwise
from pathlib import Path, PurePath

from lxml import html as lxml_html

from course.files import write_atomically

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


@dataclass(frozen=True)
class Withheld:
    """A withheld correction as the audit looks for it."""

    name: str  # "correction 3.2 (docs/…/tp.md:41)"
    body: str  # its Markdown body (one language)


@dataclass
class Fingerprints:
    corrections: int = 0  # withheld corrections looked for
    blind: list[str] = field(default_factory=list)  # withheld corrections with nothing distinctive
    _by_run: dict[tuple[str, ...], str] = field(default_factory=dict, repr=False)
    _anchors: dict[tuple[str, ...], int] = field(default_factory=dict, repr=False)
    _digest: str = field(default="", repr=False, compare=False)
    _matcher: RunMatcher | None = field(default=None, repr=False, compare=False)
    # Read from the cache: the runs are read when first needed (the audit of an unchanged site needs
    # only the digest, and the runs are a megabyte of JSON).
    _unread: Callable[[], Fingerprints] | None = field(default=None, repr=False, compare=False)
    _has_runs: bool = field(default=False, repr=False, compare=False)

    @property
    def by_run(self) -> dict[tuple[str, ...], str]:
        """Run of words -> the correction it belongs to."""
        self._read()
        return self._by_run

    @property
    def anchors(self) -> dict[tuple[str, ...], int]:
        """Run -> where its rarest two words start."""
        self._read()
        return self._anchors

    def has_runs(self) -> bool:
        return self._has_runs if self._unread is not None else bool(self._by_run)

    def _read(self) -> None:
        if self._unread is not None:
            read, self._unread = self._unread(), None
            self._by_run, self._anchors = read._by_run, read._anchors

    def matcher(self) -> RunMatcher:
        """Built once (a fifth of a second for the course's runs)."""
        if self._matcher is None:
            self._matcher = RunMatcher(self.by_run, self.anchors)
        return self._matcher

    def __getstate__(self):  # sent to the audit's workers with its runs read, without the matcher
        self._read()
        return {**self.__dict__, "_matcher": None, "_unread": None}

    def digest(self) -> str:
        """Changes with any run or the correction it belongs to (the key of the audit's clean verdicts)."""
        if not self._digest:  # else read with the runs from the cache, which computed it from them
            lines = sorted(json.dumps([name, *run], ensure_ascii=False) for run, name in self.by_run.items())
            self._digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()  # a tenth of a second: once
        return self._digest


Pair = tuple[str, str]


class RunMatcher:
    """Finds fingerprints in a text without a Python step per word (the audit reads millions of words):
    each run is looked for only where its anchor occurs, two consecutive words of it that the course
    rarely writes, and those places are found by one lookup per word pair run at C speed."""

    def __init__(self, by_run: dict[tuple[str, ...], str], anchors: dict[tuple[str, ...], int] | None = None):
        self.by_run = by_run
        grouped: dict[Pair, dict[tuple[int, int], set[tuple[str, ...]]]] = {}
        for run in by_run:
            offset = anchors[run] if anchors and run in anchors else _longest_pair(run)
            grouped.setdefault(run[offset : offset + 2], {}).setdefault((offset, len(run)), set()).add(run)
        self.anchors = {
            pair: tuple((offset, length, frozenset(found)) for (offset, length), found in sorted(shapes.items()))
            for pair, shapes in grouped.items()
        }
        self.reach = max((len(run) for run in by_run), default=0)  # no run starts further than this before its anchor

    def found(self, tokens: list[str]) -> Iterator[tuple[int, tuple[str, ...]]]:
        """(start, run) of every fingerprint in a list of words, in the order of their anchors."""
        anchors = self.anchors
        for index in compress(count(), map(anchors.__contains__, pairwise(tokens))):
            for offset, length, runs_ in anchors[(tokens[index], tokens[index + 1])]:
                start = index - offset
                if start >= 0:
                    run = tuple(tokens[start : start + length])
                    if run in runs_:
                        yield start, run

    def first(self, text: str) -> tuple[str, tuple[str, ...]] | None:
        """The fingerprint that starts first in the text, with the correction it belongs to."""
        if not self.by_run:
            return None
        best = None
        for start, run in self.found(words(text)):
            if best is not None and start - best[0] > self.reach:
                break  # the anchors further on belong to runs that start later
            if best is None or start < best[0]:
                best = (start, run)
        return (self.by_run[best[1]], best[1]) if best else None


def _longest_pair(run: tuple[str, ...]) -> int:
    """Where a run's two longest consecutive words start (long words are rare), without counts."""
    return max(range(len(run) - 1), key=lambda index: (len(run[index]) + len(run[index + 1]), -index))


def _rarest_pair(run: tuple[str, ...], common: Counter) -> int:
    """Where the run's least written pair of consecutive words starts (`common` counts the course's pairs)."""
    counts = [common[pair] for pair in pairwise(run)]
    return counts.index(min(counts))


def _is_real_word(token: str) -> bool:
    return len(token) >= 3 and not token.isdigit()


def _telling(tokens) -> bool:
    """Enough real words to tell a sentence or a command apart (not `IP: 10.96.183.20`)."""
    return sum(map(_is_real_word, tokens)) >= 3


def _line_candidates(tokens: list[str]) -> list[tuple[str, ...]]:
    """The runs of a withheld line that may fingerprint it: every telling run of RUN words of a long
    line, a whole short line."""
    if len(tokens) < RUN:
        return [tuple(tokens)] if len(tokens) >= SHORTEST and _telling(tokens) else []
    real = [0, *accumulate(map(_is_real_word, tokens))]  # real words before each position
    return [tuple(tokens[start : start + RUN]) for start in range(len(tokens) - RUN + 1)
            if real[start + RUN] - real[start] >= 3]


def fingerprints(withheld: list[Withheld], public_texts: Iterable[str]) -> Fingerprints:
    """Runs of words of each withheld body that the public text of the course does not contain."""
    candidates: dict[str, list[tuple[str, ...]]] = {}
    for correction in withheld:
        found = candidates.setdefault(correction.name, [])
        for line in correction.body.splitlines():
            found += _line_candidates(rendered_words(line))
    public_words = [rendered_words(text) for text in public_texts]
    common: Counter = Counter()
    for tokens in public_words:
        common.update(pairwise(tokens))
    every = {run for runs_ in candidates.values() for run in runs_}
    anchors = {run: _rarest_pair(run, common) for run in every}
    # Only the candidates are looked for in the public text, not every run of it (a second per build).
    looked_for = RunMatcher(dict.fromkeys(every, ""), anchors)
    public = {run for tokens in public_words for _, run in looked_for.found(tokens)}
    by_run, blind = {}, []
    for name, found in candidates.items():
        kept = [run for run in found if run not in public]
        by_run.update(dict.fromkeys(kept, name))
        if not kept:
            blind.append(name)
    return Fingerprints(
        corrections=len({c.name for c in withheld}), blind=blind,
        _by_run=by_run, _anchors={run: anchors[run] for run in by_run},
    )


# What a cached fingerprint depends on besides its inputs: this module (the rules) and Python (its \w).
CODE_VERSION = hashlib.sha256(Path(__file__).read_bytes() + sys.version.encode()).hexdigest()


def cached_fingerprints(withheld: list[Withheld], public_texts: Iterable[str], *, cache: Path | None) -> Fingerprints:
    """fingerprints(), remembered in the folder `cache` (one entry, the last) by everything they depend on:
    each withheld correction's name and body, the public text, the code. A change to any recomputes them.

    An entry is two lines of JSON: what the fingerprints are (count, blind corrections, digest), then the
    runs, read only when a file has to be searched."""
    public_texts = list(public_texts)
    if cache is None:
        return fingerprints(withheld, public_texts)
    entry = fingerprints_entry(withheld, public_texts, cache=cache)

    def runs_or_computed() -> Fingerprints:
        try:
            with entry.open(encoding="utf-8") as lines:
                lines.readline()
                return _loaded_runs(json.loads(lines.readline()))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return _stored_fingerprints(entry, cache, withheld, public_texts)  # unreadable: computed again

    try:
        with entry.open(encoding="utf-8") as lines:
            header = json.loads(lines.readline())
        return Fingerprints(
            corrections=int(header["corrections"]), blind=[str(name) for name in header["blind"]],
            _digest=str(header["digest"]), _has_runs=bool(header["runs"]), _unread=runs_or_computed,
        )
    except (OSError, ValueError, KeyError, TypeError):
        return _stored_fingerprints(entry, cache, withheld, public_texts)  # none yet, or unreadable


def _stored_fingerprints(entry: Path, cache: Path, withheld: list[Withheld], public_texts: list[str]) -> Fingerprints:
    prints = fingerprints(withheld, public_texts)
    by_name: dict[str, list] = {}
    for run, name in prints.by_run.items():  # words never hold a space: a run is kept as one string
        by_name.setdefault(name, []).append([" ".join(run), prints.anchors[run]])
    header = {"corrections": prints.corrections, "blind": prints.blind, "digest": prints.digest(),
              "runs": len(prints.by_run)}
    text = json.dumps(header, ensure_ascii=False) + "\n" + json.dumps(by_name, ensure_ascii=False) + "\n"
    write_atomically(entry, text.encode())
    for old in cache.iterdir():
        if old != entry:
            old.unlink(missing_ok=True)
    return prints


def fingerprints_entry(withheld: list[Withheld], public_texts: list[str], *, cache: Path) -> Path:
    """The file of `cache` that holds (or will hold) the fingerprints of these inputs."""
    digest = hashlib.sha256(CODE_VERSION.encode())
    for correction in withheld:
        digest.update(json.dumps(["withheld", correction.name, correction.body]).encode())
    for text in public_texts:
        digest.update(json.dumps(["public", text]).encode())
    return cache / f"{digest.hexdigest()}.json"


def _loaded_runs(runs_by_name: dict) -> Fingerprints:
    prints = Fingerprints()
    for name, runs_ in runs_by_name.items():
        for text, anchor in runs_:
            run = tuple(text.split(" "))
            prints._by_run[run] = name
            prints._anchors[run] = int(anchor)
    return prints


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


# Below this many bytes to read, starting worker processes costs more than it saves.
PARALLEL_BYTES = 4_000_000
# A clean verdict on a file no audit has seen since (a PDF while PDFs are off) is kept this long.
VERDICT_DAYS = 30


@dataclass(frozen=True)
class Assembled:
    """An output made of other outputs' pages, copied, plus a few files of its own: the course PDF is the
    chapter PDFs after its cover and contents. What made it declares it, with the digests of the bytes it
    wrote and used; the audit then reads what it adds, not the pages its parts already had."""

    digest: str  # sha256 of the file as written
    parts: tuple[tuple[Path, str], ...]  # (an output whose pages it copies, sha256 of the bytes copied)
    added: tuple[tuple[str, bytes], ...]  # (name, bytes) of each file it adds: its own PDF pages, attachments


def audit_outputs(
    roots: list[Path], prints: Fingerprints, *, clean_cache: Path | None = None, jobs: int = 1,
    helper: EarlyAudit | None = None, assembled: dict[Path, Assembled] | None = None,
) -> AuditReport:
    """Read every file under `roots` and report each withheld correction found in it.

    `clean_cache` remembers the files found clean, by their bytes and the fingerprints looked
    for: a file that did not change since the last build is not read again (theme assets, PDFs).
    With `jobs` > 1 and much to read, the files are read by that many worker processes; `helper`, the
    early audit's worker (waited for), shares the reading with this process instead. A file of
    `assembled` is judged by its parts and what it adds, if it still has the bytes declared and its
    parts too; else it is read like any other.
    """
    files = _output_files(roots)
    verdicts = CleanVerdicts(clean_cache, prints) if clean_cache else None
    unknown = [
        (root, path)
        for root, path in files
        if prints.has_runs() and not (verdicts and verdicts.known_clean(root, path))
    ]
    derived = _still_assembled(assembled or {}, {path.resolve() for _, path in files})
    to_read = [(root, path) for root, path in unknown if path.resolve() not in derived]
    leaks, leaked = [], {}
    found = _first_leaks([path for _, path in to_read], prints, jobs, helper)
    for (root, path), leak in zip(to_read, found, strict=True):
        if leak:
            leaks.append(Leak(leak[0], path, " ".join(leak[1])))
            leaked[path.resolve()] = leak
        elif verdicts:
            verdicts.remember(root, path)
    matcher = prints.matcher() if derived else None
    for root, path in unknown:
        if path.resolve() in derived:
            label = path.relative_to(root).as_posix()
            leak = _assembled_leak(derived[path.resolve()], leaked, matcher, verdicts, label)
            if leak:
                leaks.append(Leak(leak[0], path, " ".join(leak[1])))
            elif verdicts:
                verdicts.remember(root, path)
    if verdicts:
        verdicts.forget_the_rest()
    return AuditReport(prints.corrections, len(files), leaks, prints.blind)


def _still_assembled(assembled: dict[Path, Assembled], outputs: set[Path]) -> dict[Path, Assembled]:
    """The declared files (by resolved path) that hold the bytes declared, whose parts are outputs holding
    the bytes copied, read by this audit like any file (none of them assembled itself)."""
    declared = {path.resolve() for path in assembled}

    def unchanged(path: Path, digest: str) -> bool:
        return path in outputs and hashlib.sha256(path.read_bytes()).hexdigest() == digest

    return {
        path.resolve(): made for path, made in assembled.items()
        if unchanged(path.resolve(), made.digest)
        and all(part.resolve() not in declared and unchanged(part.resolve(), digest) for part, digest in made.parts)
    }


def _assembled_leak(made: Assembled, leaked: dict[Path, tuple], matcher: RunMatcher,
                    verdicts: CleanVerdicts | None, label: str):
    """first_leak() of an assembled file: that of a part (its pages are in the file), else of what it adds
    (each added file read once for its bytes: the course's contents seldom change)."""
    for part, _ in made.parts:
        if part.resolve() in leaked:
            return leaked[part.resolve()]
    for name, data in made.added:
        added = f"{label}#{name}"
        if verdicts and verdicts.known_clean_data(added, data):
            continue
        texts = _pdf_bytes_texts(data) if name.lower().endswith(".pdf") else bytes_texts(data, name)
        for text in texts:
            leak = matcher.first(text)
            if leak:
                return leak
        if verdicts:
            verdicts.remember_data(added)
    return None


def _pdf_bytes_texts(data: bytes) -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="audit-") as folder:
        path = Path(folder) / "added.pdf"
        path.write_bytes(data)
        yield from _pdf_texts(path)


def _output_files(roots: list[Path]) -> list[tuple[Path, Path]]:
    """(root, file) for every file under the roots, each file once however many roots hold it."""
    files, seen = [], set()
    for root in roots:
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.resolve() not in seen:
                seen.add(path.resolve())
                files.append((root, path))
    return files


def first_leak(path: Path, matcher: RunMatcher) -> tuple[str, tuple[str, ...]] | None:
    """(correction, words) of the first withheld text found in a file's texts, or None."""
    for text in output_texts(path):
        leak = matcher.first(text)
        if leak:
            return leak
    return None


def _first_leaks(paths: list[Path], prints: Fingerprints, jobs: int, helper: EarlyAudit | None = None) -> list:
    """first_leak() of each file, in order; in worker processes when it is worth it (a cold build,
    the PDFs: pdftotext and the matching of each file run side by side), with the early audit's worker
    if there is one."""
    if not paths:
        return []  # every file known clean (an unchanged site): no matcher to build
    if helper is not None and len(paths) > 1:
        shared = helper.share(paths, prints)
        if shared is not None:
            return shared
    sizes = [path.stat().st_size for path in paths]
    if jobs < 2 or len(paths) < 2 or sum(sizes) < PARALLEL_BYTES:
        matcher = prints.matcher()
        return [first_leak(path, matcher) for path in paths]
    largest_first = sorted(range(len(paths)), key=lambda index: -sizes[index])  # so the workers end together
    # spawn: a worker starts clean, whatever threads `mkdocs serve` runs.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(min(jobs, len(paths)), mp_context=context, initializer=_start_worker,
                             initargs=(prints,)) as pool:
        found = dict(zip(largest_first, pool.map(_worker_first_leak, [paths[i] for i in largest_first]), strict=True))
    return [found[index] for index in range(len(paths))]


_WORKER: dict = {}  # a worker process's matcher, built once


def _start_worker(prints: Fingerprints) -> None:
    _WORKER["matcher"] = prints.matcher()


def _worker_first_leak(path: Path):
    return first_leak(path, _WORKER["matcher"])


def verdict_name(prints_digest: str, data: bytes) -> str:
    """The name of the clean verdict on these exact bytes searched for these fingerprints."""
    return hashlib.sha256(prints_digest.encode() + hashlib.sha256(data).digest()).hexdigest()


class EarlyAudit:
    """Work of the audit started before the build ends, in one worker process on a core MkDocs leaves
    idle: the fingerprints while the pages are rendered, then the files already written (the default
    language's site while the other languages build).

    It only leaves clean verdicts, each on the exact bytes it read and searched; the audit at the end
    lists and hashes every file as always and skips one only for such a verdict (a file written again
    since is read again). Whatever fails here is left for the audit at the end to find and report.
    """

    def __init__(self, withheld: list[Withheld], public_texts: list[str], *, prints_cache: Path, verdicts: Path):
        # spawn: a worker starts clean, whatever threads `mkdocs serve` runs.
        self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
        self._work = [self._pool.submit(_prepare_worker, withheld, public_texts, prints_cache)]
        self._verdicts = verdicts

    def audit_written(self, roots: list[Path]) -> None:
        """Search the files now under `roots` (PDFs excepted: the audit at the end reads them)."""
        self._work.append(self._pool.submit(_remember_clean_files, roots, self._verdicts))

    def wait(self) -> None:
        """Wait for the work: its clean verdicts are in the cache before the audit at the end reads it."""
        for work in self._work:
            try:
                work.result()
            except Exception:  # the audit at the end reads what was not found clean, and says why
                pass

    def share(self, paths: list[Path], prints: Fingerprints) -> list | None:
        """first_leak() of each file, the worker taking half the bytes and this process the rest; None if
        the worker's fingerprints are not `prints` (its work failed, or the course changed meanwhile)."""
        try:
            if self._pool.submit(_worker_prints_digest).result() != prints.digest():
                return None
        except Exception:  # a dead worker: the caller reads every file itself
            return None
        sizes = [path.stat().st_size for path in paths]
        ours, loads = [], [0, 0]
        theirs = {}
        for index in sorted(range(len(paths)), key=lambda index: -sizes[index]):
            if loads[1] < loads[0]:
                theirs[index] = self._pool.submit(_worker_first_leak, paths[index])
            else:
                ours.append(index)
            loads[loads[1] < loads[0]] += sizes[index]
        matcher = prints.matcher()
        found = {index: first_leak(paths[index], matcher) for index in ours}
        found.update({index: work.result() for index, work in theirs.items()})
        return [found[index] for index in range(len(paths))]

    def close(self) -> None:
        self._pool.shutdown()

    def cancel(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _worker_prints_digest() -> str:
    return _WORKER["prints"].digest()


def _prepare_worker(withheld: list[Withheld], public_texts: list[str], cache: Path) -> None:
    prints = cached_fingerprints(withheld, public_texts, cache=cache)
    _WORKER.update(prints=prints, matcher=prints.matcher())


def _remember_clean_files(roots: list[Path], folder: Path) -> None:
    digest, matcher = _WORKER["prints"].digest(), _WORKER["matcher"]
    folder.mkdir(parents=True, exist_ok=True)
    for root, path in _output_files(roots):
        if path.suffix.lower() == ".pdf":
            continue
        data = path.read_bytes()  # read once: the verdict is on the bytes searched
        verdict = folder / verdict_name(digest, data)
        if not verdict.is_file() and not any(matcher.first(text) for text in bytes_texts(data, path.name)):
            write_atomically(verdict, path.relative_to(root).as_posix().encode())


class CleanVerdicts:
    """Files found clean: one small file per (fingerprints, file bytes) digest, holding the file's path in
    its output folder. After each audit, a verdict is removed when its file was audited with other bytes or
    other fingerprints, or when no audit has seen that file for VERDICT_DAYS (PDFs while PDFs are off)."""

    def __init__(self, folder: Path, prints: Fingerprints):
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.prints = prints.digest()
        self.used: set[str] = set()
        self.audited: set[str] = set()  # paths relative to their root
        self._current: dict[Path, str] = {}

    def _key(self, root: Path, path: Path) -> str:
        key = verdict_name(self.prints, path.read_bytes())
        self._current[path] = key
        self.used.add(key)
        self.audited.add(path.relative_to(root).as_posix())
        return key

    def known_clean(self, root: Path, path: Path) -> bool:
        verdict = self.folder / self._key(root, path)
        if not verdict.is_file():
            return False
        os.utime(verdict)  # seen today
        return True

    def remember(self, root: Path, path: Path) -> None:
        write_atomically(self.folder / self._current[path], path.relative_to(root).as_posix().encode())

    def known_clean_data(self, label: str, data: bytes) -> bool:
        """known_clean() for bytes that are not a file of the site (what an assembled file adds)."""
        key = verdict_name(self.prints, data)
        self._current[label] = key
        self.used.add(key)
        self.audited.add(label)
        verdict = self.folder / key
        if not verdict.is_file():
            return False
        os.utime(verdict)
        return True

    def remember_data(self, label: str) -> None:
        write_atomically(self.folder / self._current[label], label.encode())

    def forget_the_rest(self) -> None:
        oldest = time.time() - VERDICT_DAYS * 86400
        for old in self.folder.iterdir():
            if old.name in self.used:
                continue
            try:
                audited_again = old.read_text(encoding="utf-8") in self.audited | {""}
                expired = old.stat().st_mtime < oldest
            except (OSError, ValueError):
                audited_again = expired = True
            if audited_again or expired:
                old.unlink(missing_ok=True)


def output_texts(path: Path) -> Iterator[str]:
    """The readable text of an output file: what a reader (or a search engine) could get out of it."""
    if path.suffix.lower() == ".pdf":
        yield from _pdf_texts(path)
    else:
        yield from bytes_texts(path.read_bytes(), path.name)


def bytes_texts(data: bytes, name: str) -> Iterator[str]:
    """output_texts() of a file that is not a PDF, from its bytes."""
    suffix = PurePath(name).suffix.lower()
    if suffix == ".zip":
        yield from _archive_texts(data)
    elif suffix == ".gz":
        yield from _decoded(gzip.decompress(data), PurePath(name).stem)
    elif suffix in TEXT_SUFFIXES:
        yield from _decoded(data, name)


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
