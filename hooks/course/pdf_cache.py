"""Where rendered PDFs are kept between builds, and when they go.

One slot per document: `<root>/<edition>/<language>/<stem>/<key>.pdf` with a
`<key>.json` beside it (pages, anchors). A slot keeps only the entry its last
build used; slots of documents no build makes any more are pruned at the end of
a build. Entries are written to a temporary name and renamed.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from course.files import write_atomically


@dataclass(frozen=True)
class CacheEntry:
    pdf: Path
    pages: int
    anchors: dict[str, int]  # id -> page index
    key: str
    front_pages: int = 0  # a chapter: the pages of its cover and contents, numbered apart ("3-i", "3-ii")


class PdfCache:
    def __init__(self, root: Path):
        self.root = root

    def slot(self, edition: str, language: str, stem: str) -> Path:
        return self.root / edition / language / stem

    def get(self, slot: Path, key: str) -> CacheEntry | None:
        pdf, meta = slot / f"{key}.pdf", slot / f"{key}.json"
        if not (pdf.is_file() and meta.is_file()):
            return None
        try:
            data = json.loads(meta.read_text(encoding="utf-8"))
            return CacheEntry(pdf, int(data["pages"]), dict(data["anchors"]), key, int(data.get("front_pages", 0)))
        except (ValueError, KeyError, TypeError):
            return None  # an entry from an older layout: rendered again

    def put(
        self, slot: Path, key: str, pdf: bytes, *, pages: int, anchors: dict[str, int], front_pages: int = 0
    ) -> CacheEntry:
        """Store a render and drop the slot's older entries."""
        write_atomically(slot / f"{key}.pdf", pdf)
        meta = {"pages": pages, "anchors": anchors, "front_pages": front_pages}
        write_atomically(slot / f"{key}.json", json.dumps(meta).encode())
        for old in slot.iterdir():
            if old.stem != key and not old.name.startswith("."):
                old.unlink(missing_ok=True)
        return CacheEntry(slot / f"{key}.pdf", pages, anchors, key, front_pages)

    def prune(self, used: set[Path], languages: set[tuple[str, str]]) -> list[Path]:
        """Remove the slots of (edition, language) pairs this build made that it did not use,
        and files of the former flat layout. Returns what was removed."""
        removed = []
        if self.root.is_dir():
            for old in self.root.iterdir():
                if old.is_file() and old.suffix in {".pdf", ".json"}:
                    old.unlink()
                    removed.append(old)
        for edition, language in sorted(languages):
            folder = self.root / edition / language
            if not folder.is_dir():
                continue
            for slot in sorted(folder.iterdir()):
                if slot.is_dir() and slot not in used:
                    shutil.rmtree(slot)
                    removed.append(slot)
        return removed
