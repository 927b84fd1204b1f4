"""TP files: the starting folders under docs/tp/, packed as archives and linked from the TP pages.

A folder `docs/tp/<folder>/` is what a trainee unpacks into `~/tp/<folder>`.
A page links it with an inert marker on its own line, `<!-- tp-files: <folder> -->`,
which the build replaces by a download box. A folder that holds the answer of a
correction is declared in mkdocs.yml, `extra.tp_files: {<folder>: {answers: <id>}}`,
and is published only when that correction is released.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import stat
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from course.corrections import decide, parse_release_rules
from course.markdown import code_lines, fence_spans, fenced_blocks
from course.site import CorrectionCatalogue

TP_FOLDER = "tp"  # under docs/, and under the site: site/tp/<folder>.zip
SETTINGS_KEY = "extra.tp_files"
_NAME = r"[a-z0-9][a-z0-9._-]*"
_FOLDER_NAME = re.compile(_NAME)
MARKER_LINE = re.compile(r"^[ ]*<!--[ ]*tp-files:[ ]*(?P<folder>\S+?)[ ]*-->[ ]*$")
# The marker as Python-Markdown leaves it in the HTML (alone, or wrapped in a paragraph). Written to
# start with a literal "<" (not an optional "<p>"): the search then skips from tag to tag, 20 times faster.
MARKER_HTML = re.compile(rf"<(?:p><)?!--\s*tp-files:\s*(?P<folder>{_NAME})\s*-->(?:</p>)?")
TRAINEE_PATH = re.compile(r"~/tp/(?P<folder>[A-Za-z0-9][A-Za-z0-9._-]*)")
# Left out of an archive: caches and editor leftovers; .gitkeep only keeps an empty folder in git.
IGNORED_NAMES = frozenset({"__pycache__", ".pytest_cache", ".DS_Store", ".gitkeep"})
IGNORED_SUFFIXES = (".pyc", "~", ".swp")
# Fixed date and modes: the same files give the same bytes, whenever and wherever they are packed.
ARCHIVE_DATE = (1980, 1, 1, 0, 0, 0)


class TpFilesError(ValueError):
    """A problem an author must fix; the message names the file and line or the mkdocs.yml key."""


# --- Settings ------------------------------------------------------------------------------------


def list_folders(tp_dir: Path) -> list[str]:
    """The starting folders: the sub-folders of docs/tp/, sorted."""
    if not tp_dir.is_dir():
        return []
    return sorted(path.name for path in tp_dir.iterdir() if path.is_dir())


def parse_settings(value: object, *, folders: Iterable[str]) -> dict[str, str]:
    """`extra.tp_files` as {folder: correction identifier it answers}; checks every folder exists."""
    return {folder: entry["answers"] for folder, entry in _settings(value, folders).items() if "answers" in entry}


def parse_bases(value: object, *, folders: Iterable[str]) -> dict[str, str]:
    """`extra.tp_files` as {folder: the folder its archive starts from}.

    `base: monsterstack` packs docs/tp/monsterstack's files with the folder's own (which win):
    the application lives once in the repository, every archive that needs it carries it.
    """
    settings = _settings(value, folders)
    bases = {folder: entry["base"] for folder, entry in settings.items() if "base" in entry}
    for folder, base in bases.items():
        if base == folder or base in bases:
            raise TpFilesError(f"{SETTINGS_KEY}.{folder}.base: '{base}' must be a folder without a base of its own")
    return bases


def _settings(value: object, folders: Iterable[str]) -> dict[str, dict[str, str]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise TpFilesError(f"{SETTINGS_KEY}: expected a mapping such as {{monsterstack-k8s: {{answers: <id>}}}}")
    known = set(folders)
    settings = {}
    for folder, entry in value.items():
        key = f"{SETTINGS_KEY}.{folder}"
        if folder not in known:
            raise TpFilesError(f"{key}: no folder docs/{TP_FOLDER}/{folder}/")
        valid = (
            isinstance(entry, dict) and entry and set(entry) <= {"answers", "base"}
            and all(str(item or "").strip() for item in entry.values())
        )
        if not valid:
            raise TpFilesError(
                f"{key}: expected {{answers: <correction identifier>}} and/or {{base: <folder>}}, got {entry!r}"
            )
        settings[folder] = {name: str(item).strip() for name, item in entry.items()}
        if settings[folder].get("base", folder) not in known:
            raise TpFilesError(f"{key}.base: no folder docs/{TP_FOLDER}/{settings[folder]['base']}/")
    return settings


def check_folder_names(folders: Iterable[str]) -> None:
    for folder in folders:
        if not _FOLDER_NAME.fullmatch(folder):
            raise TpFilesError(
                f"docs/{TP_FOLDER}/{folder}/: a folder name is lower case letters, digits, '.', '_' or '-'"
            )


# --- Archives ------------------------------------------------------------------------------------


def archive_entries(folder: Path) -> list[Path]:
    """Every folder and file to pack, relative to `folder`, in a fixed order."""
    entries = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part in IGNORED_NAMES or part.endswith(IGNORED_SUFFIXES) for part in relative.parts):
            continue
        if path.is_symlink():
            # It could point outside docs/: a build reads only the site's own files.
            raise TpFilesError(f"{path}: a TP folder holds no symbolic link; copy the file instead")
        entries.append(relative)
    return entries


def packed_files(folder: Path, base: Path | None = None) -> dict[Path, Path]:
    """{path in the archive: file or folder on disk}: the base's, then the folder's own over them."""
    packed = {relative: base / relative for relative in archive_entries(base)} if base else {}
    packed.update({relative: folder / relative for relative in archive_entries(folder)})
    return dict(sorted(packed.items()))


def pack_folder(folder: Path, *, name: str, base: Path | None = None) -> bytes:
    """A zip of `folder` (over `base`, if any) whose entries sit under `name/`, byte-for-byte reproducible.

    Entries are stored, not deflated: the files are a few kilobytes, and deflate's
    output can differ between zlib builds, which would change the bytes from one
    machine to another. Executable files (boot.sh) keep their executable bit.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(_entry(f"{name}/", directory=True), b"")
        for relative, path in packed_files(folder, base).items():
            if path.is_dir():
                archive.writestr(_entry(f"{name}/{relative.as_posix()}/", directory=True), b"")
            else:
                executable = bool(path.stat().st_mode & stat.S_IXUSR)
                archive.writestr(_entry(f"{name}/{relative.as_posix()}", executable=executable), path.read_bytes())
    return buffer.getvalue()


def _entry(name: str, *, directory: bool = False, executable: bool = False) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ARCHIVE_DATE)
    info.create_system = 3  # Unix, so the modes below are read by unzip
    if directory:
        info.external_attr = ((stat.S_IFDIR | 0o755) << 16) | 0x10
    else:
        info.external_attr = (stat.S_IFREG | (0o755 if executable else 0o644)) << 16
    info.compress_type = zipfile.ZIP_STORED
    return info


def human_size(size: int, language: str) -> str:
    """12 345 bytes: "12 Kio" in French, "12 KiB" in English (no-break space before the unit)."""
    units = ("octets", "Kio", "Mio", "Gio") if language == "fr" else ("bytes", "KiB", "MiB", "GiB")
    value = float(size)
    for unit in units:
        if value < 1024 or unit == units[-1]:
            break
        value /= 1024
    if unit == units[0]:
        text = str(size)
    elif value < 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.0f}"
    if language == "fr":
        text = text.replace(".", ",")
    return f"{text}\u00a0{unit}"


# --- Pages ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mention:
    line: int  # 1-based line in the page
    folder: str


def find_markers(markdown: str) -> list[Mention]:
    """The `<!-- tp-files: <folder> -->` lines of a page, outside code blocks."""
    if "tp-files" not in markdown:
        return []  # most pages: no need to find their code blocks
    code = code_lines(fence_spans(markdown))
    found = []
    for number, line in enumerate(markdown.splitlines(), start=1):
        if number not in code and (match := MARKER_LINE.match(line)):
            found.append(Mention(number, match.group("folder")))
    return found


def find_trainee_paths(markdown: str) -> list[Mention]:
    """Every `~/tp/<folder>` a page names, in prose and in code alike."""
    found = []
    for number, line in enumerate(markdown.splitlines(), start=1):
        for match in TRAINEE_PATH.finditer(line):
            found.append(Mention(number, match.group("folder").rstrip(".")))
    return found


def created_folders(markdown: str) -> set[str]:
    """Folders a page makes itself (`mkdir -p ~/tp/<name>` in one of its code blocks): the trainee's own."""
    return {
        match.group("folder").rstrip(".")
        for block in fenced_blocks(markdown)
        for line in block.text.splitlines()
        if re.match(r"\s*mkdir\b", line)
        for match in TRAINEE_PATH.finditer(line)
    }


def missing_folders(markdown: str, *, page: str, folders: Iterable[str]) -> list[str]:
    """`page:line: ...` for each marker or `~/tp/<folder>` that names no folder of docs/tp/.

    A folder the page creates itself with `mkdir` is the trainee's own work, not a starting folder.
    """
    known = set(folders)
    created = created_folders(markdown)
    problems = []
    for mention in find_markers(markdown):
        if mention.folder not in known:
            problems.append(
                f"{page}:{mention.line}: tp-files marker names '{mention.folder}', "
                f"but there is no folder docs/{TP_FOLDER}/{mention.folder}/"
            )
    for mention in find_trainee_paths(markdown):
        if mention.folder not in known | created:
            problems.append(
                f"{page}:{mention.line}: ~/tp/{mention.folder} names no folder of docs/{TP_FOLDER}/ "
                f"(known: {', '.join(sorted(known)) or 'none'})"
            )
    return problems


def replace_markers(html: str, render: Callable[[str], str]) -> str:
    """Replace each marker left in a page's HTML by `render(folder)`."""
    if "tp-files" not in html:
        return html  # most pages
    return MARKER_HTML.sub(lambda match: render(match.group("folder")), html)


# --- Withheld folders ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Availability:
    """Whether a folder is published, and what the page says when it is not."""

    published: bool
    correction_number: str | None = None  # "3.12"
    correction_title: str | None = None
    correction_page: str | None = None  # docs-relative page of the correction
    correction_anchor: str | None = None
    since: dt.date | None = None  # the day a scheduled release publishes it
    reason: str = ""  # the correction's release decision, as `make corrections` says it


def answer_availability(
    catalogue: CorrectionCatalogue, identifier: str, *, release: object, mode: str, today: dt.date,
    key: str = SETTINGS_KEY,
) -> Availability:
    """Published when the correction `identifier` is; else which correction, and the day it is scheduled.

    The one place that reads the correction catalogue for TP files.
    """
    for page, corrections in catalogue.numbered.items():
        for correction, decision in zip(corrections, catalogue.decisions[page], strict=True):
            if correction.source.identifier != identifier:
                continue
            since = None
            if not decision.present and mode == "release":
                rules = parse_release_rules(release, numbered=catalogue.numbered, chapters=catalogue.chapters)
                # A rule applies to this correction when it would release it on its own day.
                days = [
                    rule.since
                    for rule in rules
                    if rule.since and decide(correction, mode=mode, rules=[rule], today=rule.since).present
                ]
                since = min(days) if days else None
            return Availability(
                published=decision.present,
                correction_number=correction.number,
                correction_title=correction.source.title,
                correction_page=correction.source.page,
                correction_anchor=correction.anchor,
                since=since,
                reason=decision.reason,
            )
    raise TpFilesError(f"{key}: no correction has the identifier '{identifier}' (see make corrections)")


_MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
              "novembre", "décembre")


def format_day(day: dt.date, language: str) -> str:
    """3 décembre 2026 / December 3, 2026."""
    if language == "fr":
        return f"{'1er' if day.day == 1 else day.day} {_MONTHS_FR[day.month - 1]} {day.year}"
    return f"{day:%B} {day.day}, {day.year}"


# --- Checks (make check) -------------------------------------------------------------------------


def yaml_files(tp_dir: Path) -> list[Path]:
    """Every YAML file of the TP folders, sorted, caches left out as in the archives."""
    return [
        tp_dir / folder / relative
        for folder in list_folders(tp_dir)
        for relative in archive_entries(tp_dir / folder)
        if relative.suffix in {".yaml", ".yml"}
    ]


def correction_body_lines(markdown: str, header_line: int) -> range:
    """The page lines (1-based) of a correction's indented body, the header excluded."""
    lines = markdown.splitlines()
    header = lines[header_line - 1]
    indent = len(header) - len(header.lstrip(" "))
    end = header_line
    for number in range(header_line + 1, len(lines) + 1):
        line = lines[number - 1]
        if line.strip() and len(line) - len(line.lstrip(" ")) <= indent:
            break
        end = number
    return range(header_line + 1, end + 1)


def answer_mismatches(markdown: str, *, page: str, header_line: int, folder: Path, folder_label: str) -> list[str]:
    """`page:line: ...` for each file block of the correction that differs from the folder's file.

    A block titled with a path (`k8s/frontend.yaml`) is a file of the answer: the
    folder must hold the same file, byte for byte, so the archive is the answer.
    """
    body = correction_body_lines(markdown, header_line)
    problems = []
    named = 0
    for block in fenced_blocks(markdown):
        title = block.title.strip()
        if block.first_line not in body or not _FILE_TITLE.fullmatch(title):
            continue
        named += 1
        path = folder / title
        if not path.is_file():
            problems.append(f"{page}:{block.first_line}: the correction shows '{title}', "
                            f"but {folder_label}/{title} does not exist")
        elif path.read_text(encoding="utf-8") != block.text:
            problems.append(f"{page}:{block.first_line}: '{title}' differs from {folder_label}/{title}; "
                            "keep the correction and the TP folder identical")
    if not named:
        problems.append(f"{page}:{header_line}: the correction answered by {folder_label} shows no file "
                        "(a code block titled with its path, e.g. title=\"k8s/frontend.yaml\")")
    return problems


_FILE_TITLE = re.compile(r"[\w.-]+(?:/[\w.-]+)*\.[A-Za-z0-9]+")
