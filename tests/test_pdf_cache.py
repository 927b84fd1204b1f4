"""The PDF cache keeps one render per document and forgets the documents no build makes any more."""

from __future__ import annotations

from course.pdf_cache import PdfCache


def test_a_slot_keeps_only_its_latest_render(tmp_path):
    cache = PdfCache(tmp_path)
    slot = cache.slot("trainee", "fr", "03-objets")
    cache.put(slot, "old", b"%PDF-old", pages=3, anchors={"c3-p1": 2})
    entry = cache.put(slot, "new", b"%PDF-new", pages=4, anchors={"c3-p1": 2})
    assert sorted(path.name for path in slot.iterdir()) == ["new.json", "new.pdf"]
    assert cache.get(slot, "old") is None
    assert cache.get(slot, "new") == entry and entry.pdf.read_bytes() == b"%PDF-new" and entry.anchors == {"c3-p1": 2}


def test_an_unreadable_entry_is_a_miss(tmp_path):
    cache = PdfCache(tmp_path)
    slot = cache.slot("trainee", "fr", "01-x")
    slot.mkdir(parents=True)
    (slot / "k.pdf").write_bytes(b"%PDF")
    (slot / "k.json").write_text('{"pages": 3}')  # the former layout had no anchors
    assert cache.get(slot, "k") is None


def test_prune_removes_unused_slots_of_the_languages_built_and_the_former_flat_files(tmp_path):
    cache = PdfCache(tmp_path)
    used = cache.slot("trainee", "fr", "01-x")
    cache.put(used, "a", b"%PDF", pages=1, anchors={})
    gone = cache.slot("trainee", "fr", "99-removed-chapter")
    cache.put(gone, "b", b"%PDF", pages=1, anchors={})
    other_edition = cache.slot("trainer", "fr", "99-removed-chapter")
    cache.put(other_edition, "c", b"%PDF", pages=1, anchors={})
    (tmp_path / "0123.pdf").write_bytes(b"%PDF")
    removed = cache.prune({used}, {("trainee", "fr")})
    assert sorted(path.name for path in removed) == ["0123.pdf", "99-removed-chapter"]
    assert used.is_dir() and not gone.exists()
    assert other_edition.is_dir()  # another edition's build may still use it
