"""Per-page HTML transforms remembered across builds, in `.cache/pages`.

A page's numbered corrections, TP decorations, typography and figures are pure functions
of the page's HTML and a few settings: a build after a build (`make build`, `make test`,
the bench) finds the result of each unchanged page instead of parsing its HTML again. An
entry is keyed by everything its result depends on: the transform, the code of hooks/ and
hooks/course, lxml's and Python's versions, the settings the hook passes (release
decisions, template, language, chapter…) and the input HTML. Nothing is ever published
from here without the audit reading it again.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import lxml

from course.files import cache_root, write_atomically

# Entries kept (the most recently used): about four builds of the whole course.
LIMIT = 1000
SUFFIX = ".html"


@lru_cache(maxsize=1)
def code_version() -> str:
    """Changes with any module of hooks/ (the glue that calls a transform) or hooks/course, lxml or Python."""
    digest = hashlib.sha256(f"{sys.version}\0{lxml.__version__}".encode())
    here = Path(__file__).parent
    for module in sorted([*here.glob("*.py"), *here.parent.glob("*.py")]):
        digest.update(f"{module.parent.name}/{module.name}".encode() + b"\0" + module.read_bytes())
    return digest.hexdigest()


class PageCache:
    """One folder of results; `folder` None (not opened) computes everything."""

    def __init__(self, folder: Path | None = None, *, limit: int = LIMIT):
        self.folder = folder
        self.limit = limit
        # The last result returned and its entry's key: the next hook usually gets that very string, and
        # its entry is then keyed by that key instead of a hash of the page's HTML (which costs more than
        # reading the entry).
        self._last: tuple[str, str] | None = None

    def open(self, folder: Path) -> None:
        """Use `folder` (made if needed) and drop its least recently used entries beyond the limit."""
        self.folder = folder
        self._last = None
        folder.mkdir(parents=True, exist_ok=True)
        entries = [entry for entry in os.scandir(folder) if entry.name.endswith(SUFFIX)]
        if len(entries) > self.limit:
            entries.sort(key=lambda entry: entry.stat().st_mtime, reverse=True)
            for entry in entries[self.limit :]:
                Path(entry.path).unlink(missing_ok=True)

    def transform(self, name: str, html: str, compute: Callable[[str], str], *, settings: str = "") -> str:
        """compute(html), or the result an earlier build stored for the same name, settings, code and HTML."""
        if self.folder is None:
            return compute(html)
        if self._last is not None and html is self._last[0]:
            source = ("result of", self._last[1])  # that entry's result: the same text, whatever the build
        else:
            source = ("html", html)
        digest = hashlib.sha256()
        for part in (name, code_version(), settings, *source):
            encoded = part.encode("utf-8", "surrogatepass")
            digest.update(len(encoded).to_bytes(8, "big") + encoded)
        key = digest.hexdigest()
        entry = self.folder / f"{key}{SUFFIX}"
        try:
            result = entry.read_bytes().decode("utf-8", "surrogatepass")
            os.utime(entry)  # recently used: kept
        except (OSError, UnicodeDecodeError):
            result = compute(html)
            write_atomically(entry, result.encode("utf-8", "surrogatepass"))
        self._last = (result, key)
        return result


PAGES = PageCache()  # shared by the hooks; each opens it in on_config


def cache_folder(config) -> Path:
    """`.cache/pages` beside mkdocs.yml, with the PDF and audit caches."""
    return cache_root(config) / "pages"
