"""The post-build audit finds the text of a withheld correction in any output, however it is encoded."""

from __future__ import annotations

import gzip
import json
import zipfile

from course.audit import Withheld, audit_outputs, fingerprints, words

BODY = (
    "Lancez `kubectl scale deployment frontend --replicas=5` puis vérifiez.\n"
    "```yaml\nkind: Deployment\n```\n"
    "L'ordonnanceur place les trois nouveaux Pods sur le nœud le moins chargé.\n"
)
PUBLIC = "Vous devez voir : kind: Deployment.\nLancez `kubectl scale deployment frontend --replicas=5` puis vérifiez.\n"


def prints():
    return fingerprints([Withheld("correction 3.2 'mise-a-l-echelle'", BODY)], [PUBLIC])


def test_lines_the_public_text_also_has_are_not_fingerprints():
    found = prints()
    assert found.corrections == 1 and found.blind == []
    runs = set(found.by_run)
    assert tuple(words("place les trois nouveaux Pods sur le nœud")) in runs
    assert not any("replicas" in run for run in runs)  # that command is in the public text too


def test_a_correction_with_nothing_distinctive_is_reported_blind():
    found = fingerprints([Withheld("correction 1.1 'x'", "kind: Deployment\n")], [])
    assert found.blind == ["correction 1.1 'x'"] and not found.by_run


def test_a_clean_site_passes_and_counts_its_files(tmp_path):
    (tmp_path / "index.html").write_text("<p>Correction disponible après le TP.</p>")
    (tmp_path / "logo.png").write_bytes(b"\x89PNG")
    report = audit_outputs([tmp_path], prints())
    assert report.leaks == [] and report.files == 2
    assert report.summary() == "audit: 1 corrections withheld, 0 found in 2 files"


def test_a_leak_is_found_through_markup_entities_and_typography(tmp_path):
    html = "<p>L&rsquo;ordonnanceur place <em>les\ntrois</em> nouveaux&nbsp;Pods sur le n\u0153ud</p>"
    (tmp_path / "page").mkdir()
    (tmp_path / "page" / "index.html").write_text(html)
    report = audit_outputs([tmp_path], prints())
    assert [(leak.correction, leak.file.name) for leak in report.leaks] == [
        ("correction 3.2 'mise-a-l-echelle'", "index.html")
    ]


def test_leaks_in_the_search_index_archives_and_gzip_are_found(tmp_path):
    text = "L'ordonnanceur place les trois nouveaux Pods sur le nœud le moins chargé."
    (tmp_path / "search_index.json").write_text(json.dumps({"docs": [{"text": f"<p>{text}</p>"}]}))
    with zipfile.ZipFile(tmp_path / "tp.zip", "w") as archive:
        archive.writestr("k8s/notes.txt", text)
    (tmp_path / "sitemap.xml.gz").write_bytes(gzip.compress(text.encode()))
    report = audit_outputs([tmp_path], prints())
    assert sorted(leak.file.name for leak in report.leaks) == ["search_index.json", "sitemap.xml.gz", "tp.zip"]
    assert report.summary() == "audit: 1 corrections withheld, 3 found in 3 files"


def test_a_leak_in_a_pdf_text_or_attachment_is_found(tmp_path):
    import datetime as dt

    from course.pdf_render import RenderJob, render_job

    text = "L'ordonnanceur place les trois nouveaux Pods sur le nœud le moins chargé."
    (tmp_path / "pdf").mkdir()
    for name, html, attachments in [("text", f"<p>{text}</p>", ()), ("attached", "<p>Rien.</p>", (("a.txt", text),))]:
        job = RenderJob(
            name=name, html=f"<html lang=\"fr\"><body>{html}</body></html>", base_dir=tmp_path,
            embedded_files=frozenset(), attachments=attachments, refused_roots=(),
            timestamp=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), label_prefix="",
        )
        (tmp_path / "pdf" / f"{name}.pdf").write_bytes(render_job(job).pdf)
    report = audit_outputs([tmp_path / "pdf"], prints())
    assert sorted(leak.file.name for leak in report.leaks) == ["attached.pdf", "text.pdf"]


def test_lines_of_numbers_are_no_fingerprint():
    found = fingerprints([Withheld("correction 2.3 'x'", "    IP:                       10.96.183.20\n")], [])
    assert found.by_run == {} and found.blind == ["correction 2.3 'x'"]


def test_files_found_clean_are_not_read_again_until_they_change(tmp_path, monkeypatch):
    import course.audit as audit

    site, cache = tmp_path / "site", tmp_path / "audit-cache"
    site.mkdir()
    (site / "index.html").write_text("<p>Correction disponible après le TP.</p>")
    (site / "tp.html").write_text("<p>Rien à voir.</p>")
    read = []
    original = audit.output_texts
    monkeypatch.setattr(audit, "output_texts", lambda path: (read.append(path.name), original(path))[1])
    assert audit_outputs([site], prints(), clean_cache=cache).leaks == []
    assert sorted(read) == ["index.html", "tp.html"]
    read.clear()
    (site / "tp.html").write_text("<p>L'ordonnanceur place les trois nouveaux Pods sur le nœud le moins chargé.</p>")
    report = audit_outputs([site], prints(), clean_cache=cache)
    assert read == ["tp.html"] and [leak.file.name for leak in report.leaks] == ["tp.html"]
    assert len(list(cache.iterdir())) == 1  # the verdict on the old tp.html is gone; a leak is never remembered
    other = fingerprints([Withheld("correction 1.1 'x'", "Une autre réponse que personne ne lit encore ici.\n")], [])
    read.clear()
    audit_outputs([site], other, clean_cache=cache)
    assert sorted(read) == ["index.html", "tp.html"]  # other fingerprints: every file is read again


def test_the_matcher_finds_every_run_wherever_its_anchor_falls():
    import random

    from course.audit import RunMatcher

    random.seed(10)
    vocabulary = ["le", "pod", "de", "kubectl", "apply", "service", "la", "nœud", "get", "déploiement"]
    for _ in range(200):
        tokens = [random.choice(vocabulary) for _ in range(60)]
        by_run = {tuple(random.choice(vocabulary) for _ in range(random.choice([5, 6, 8]))): f"c{n}" for n in range(30)}
        expected = [
            (start, run)
            for start in range(len(tokens))
            for run in by_run
            if tuple(tokens[start : start + len(run)]) == run
        ]
        matcher = RunMatcher(by_run)
        assert sorted(matcher.found(tokens)) == sorted(expected)
        first = matcher.first(" ".join(tokens))
        earliest = {run for start, run in expected if start == min(expected)[0]}
        assert (first[1] in earliest) if expected else first is None


def test_fingerprints_are_computed_again_when_a_withheld_body_the_set_or_the_public_text_changes(
    tmp_path, monkeypatch
):
    import course.audit as audit

    computed = []
    original = audit.fingerprints
    monkeypatch.setattr(audit, "fingerprints", lambda *args: (computed.append(1), original(*args))[1])
    cache = tmp_path / "prints"
    withheld = [Withheld("correction 3.2 'mise-a-l-echelle'", BODY)]

    first = audit.cached_fingerprints(withheld, [PUBLIC], cache=cache)
    again = audit.cached_fingerprints(withheld, [PUBLIC], cache=cache)
    assert len(computed) == 1 and again.by_run == first.by_run == prints().by_run
    assert again.anchors == first.anchors and again.digest() == first.digest()
    assert len(list(cache.iterdir())) == 1

    added = "Puis supprimez le Deployment de test avec kubectl delete.\n"
    changed_body = [Withheld("correction 3.2 'mise-a-l-echelle'", BODY + added)]
    assert tuple(words("puis supprimez le deployment de test avec kubectl")) in (
        audit.cached_fingerprints(changed_body, [PUBLIC], cache=cache).by_run
    )
    two = withheld + [Withheld("correction 3.3 'autre'", "Une autre réponse que personne ne lit encore ici.\n")]
    assert audit.cached_fingerprints(two, [PUBLIC], cache=cache).corrections == 2
    one_released = audit.cached_fingerprints(two[1:], [PUBLIC], cache=cache)  # 3.2 released: no longer looked for
    assert one_released.corrections == 1 and set(one_released.by_run.values()) == {"correction 3.3 'autre'"}
    public_now_says_it = PUBLIC + "L'ordonnanceur place les trois nouveaux Pods sur le nœud le moins chargé.\n"
    now = audit.cached_fingerprints(withheld, [public_now_says_it], cache=cache)
    assert tuple(words("place les trois nouveaux Pods sur le nœud")) not in now.by_run
    assert len(computed) == 5 and len(list(cache.iterdir())) == 1  # one entry kept, the last


def test_an_unchanged_site_is_audited_without_reading_the_cached_runs(tmp_path, monkeypatch):
    import course.audit as audit

    site, cache = tmp_path / "site", tmp_path / "cache"
    site.mkdir()
    (site / "index.html").write_text("<p>Rien.</p>")
    withheld = [Withheld("correction 3.2 'mise-a-l-echelle'", BODY)]
    audit_outputs([site], audit.cached_fingerprints(withheld, [PUBLIC], cache=cache / "prints"),
                  clean_cache=cache / "verdicts")

    read = []
    original = audit._loaded_runs
    monkeypatch.setattr(audit, "_loaded_runs", lambda data: (read.append(1), original(data))[1])
    again = audit.cached_fingerprints(withheld, [PUBLIC], cache=cache / "prints")
    assert audit_outputs([site], again, clean_cache=cache / "verdicts").leaks == [] and read == []
    (site / "index.html").write_text("<p>L'ordonnanceur place les trois nouveaux Pods sur le nœud le moins chargé.</p>")
    report = audit_outputs([site], again, clean_cache=cache / "verdicts")
    assert [leak.correction for leak in report.leaks] == ["correction 3.2 'mise-a-l-echelle'"] and read == [1]


def test_unreadable_cached_runs_are_computed_again(tmp_path):
    import course.audit as audit

    withheld = [Withheld("correction 3.2 'mise-a-l-echelle'", BODY)]
    audit.cached_fingerprints(withheld, [PUBLIC], cache=tmp_path)
    (entry,) = tmp_path.iterdir()
    entry.write_text(entry.read_text().splitlines()[0] + "\n{not json\n")
    assert audit.cached_fingerprints(withheld, [PUBLIC], cache=tmp_path).by_run == prints().by_run


def test_a_clean_verdict_is_forgotten_when_the_fingerprints_change_even_by_one_name(tmp_path):
    site, cache = tmp_path / "site", tmp_path / "verdicts"
    site.mkdir()
    (site / "index.html").write_text("<p>Rien.</p>")
    renamed = fingerprints([Withheld("correction 3.9 'autre-numero'", BODY)], [PUBLIC])
    assert renamed.by_run.keys() == prints().by_run.keys() and renamed.digest() != prints().digest()
    audit_outputs([site], prints(), clean_cache=cache)
    before = set(cache.iterdir())
    audit_outputs([site], renamed, clean_cache=cache)
    assert set(cache.iterdir()).isdisjoint(before)


def test_worker_processes_find_the_same_leaks_in_the_same_order(tmp_path, monkeypatch):
    import course.audit as audit

    text = "L'ordonnanceur place les trois nouveaux Pods sur le nœud le moins chargé."
    for name in ("a", "b", "c", "d"):
        (tmp_path / f"{name}.html").write_text(f"<p>{text if name in 'bd' else 'Rien en ' + name}</p>")
    serial = audit_outputs([tmp_path], prints(), jobs=1)
    monkeypatch.setattr(audit, "PARALLEL_BYTES", 0)  # the workers, even for four small files
    parallel = audit_outputs([tmp_path], prints(), jobs=2, clean_cache=tmp_path.parent / "verdicts")
    assert [leak.file.name for leak in parallel.leaks] == ["b.html", "d.html"]
    assert parallel.leaks == serial.leaks and parallel.files == 4
    assert len(list((tmp_path.parent / "verdicts").iterdir())) == 2  # a.html and c.html


def test_a_verdict_on_a_file_absent_from_this_build_is_kept_until_it_expires(tmp_path):
    import os
    import time

    import course.audit as audit

    site, cache = tmp_path / "site", tmp_path / "verdicts"
    (site / "pdf").mkdir(parents=True)
    (site / "index.html").write_text("<p>Rien.</p>")
    (site / "pdf" / "chapitre.txt").write_text("Le texte du chapitre.")
    audit_outputs([site], prints(), clean_cache=cache)
    assert len(list(cache.iterdir())) == 2
    (site / "pdf" / "chapitre.txt").unlink()  # a build without PDFs
    audit_outputs([site], prints(), clean_cache=cache)
    assert sorted(path.read_text() for path in cache.iterdir()) == ["index.html", "pdf/chapitre.txt"]
    stale = next(path for path in cache.iterdir() if path.read_text() == "pdf/chapitre.txt")
    old = time.time() - (audit.VERDICT_DAYS + 1) * 86400
    os.utime(stale, (old, old))
    audit_outputs([site], prints(), clean_cache=cache)
    assert [path.read_text() for path in cache.iterdir()] == ["index.html"]


def test_the_early_audit_leaves_verdicts_only_on_the_clean_bytes_it_read(tmp_path, monkeypatch):
    import course.audit as audit

    site, cache = tmp_path / "site", tmp_path / "cache"
    site.mkdir()
    leak = "L'ordonnanceur place les trois nouveaux Pods sur le nœud le moins chargé."
    (site / "clean.html").write_text("<p>Rien.</p>")
    (site / "leak.html").write_text(f"<p>{leak}</p>")
    (site / "later.html").write_text("<p>Rien non plus.</p>")
    withheld = [Withheld("correction 3.2 'mise-a-l-echelle'", BODY)]
    early = audit.EarlyAudit(withheld, [PUBLIC], prints_cache=cache / "prints", verdicts=cache / "verdicts")
    early.audit_written([site])
    early.wait()
    assert sorted(path.read_text() for path in (cache / "verdicts").iterdir()) == ["clean.html", "later.html"]

    (site / "later.html").write_text(f"<p>{leak}</p>")  # written again once the early audit has read it
    prints = audit.cached_fingerprints(withheld, [PUBLIC], cache=cache / "prints")
    other = fingerprints([Withheld("correction 1.1 'x'", "Une autre réponse que personne ne lit encore ici.\n")], [])
    assert early.share([site / "leak.html"], other) is None  # not the worker's fingerprints: not shared
    read, original = [], audit._first_leaks
    monkeypatch.setattr(audit, "_first_leaks", lambda paths, *args: (read.extend(paths), original(paths, *args))[1])
    try:
        report = audit_outputs([site], prints, clean_cache=cache / "verdicts", helper=early)
    finally:
        early.close()
    assert sorted(leak.file.name for leak in report.leaks) == ["later.html", "leak.html"]
    assert sorted(path.name for path in read) == ["later.html", "leak.html"]  # clean.html: known clean
    assert len(list((cache / "verdicts").iterdir())) == 1  # clean.html's, used; later.html's old bytes forgotten


def assembled_site(tmp_path, *, first: str, front: str):
    """A 'book' made of two outputs and a front of its own, declared as the PDF run declares a course PDF."""
    import hashlib

    from course.audit import Assembled

    site = tmp_path / "site"
    site.mkdir(parents=True)
    parts = {"a.txt": first, "b.txt": "Une page publique."}
    for name, text in parts.items():
        (site / name).write_text(text)
    book = site / "book.txt"
    book.write_text(front + "".join(parts.values()))

    def digest(path):
        return hashlib.sha256(path.read_bytes()).hexdigest()

    made = Assembled(
        digest=digest(book), parts=tuple((site / name, digest(site / name)) for name in parts),
        added=(("front.txt", front.encode()),),
    )
    return site, {book: made}


LEAK = "L'ordonnanceur place les trois nouveaux Pods sur le nœud le moins chargé."


def test_an_assembled_file_is_judged_by_its_parts_and_what_it_adds(tmp_path, monkeypatch):
    import course.audit as audit

    read = []
    original = audit.output_texts
    monkeypatch.setattr(audit, "output_texts", lambda path: (read.append(path.name), original(path))[1])
    site, declared = assembled_site(tmp_path, first="Rien à voir.", front="Sommaire.")
    assert audit_outputs([site], prints(), assembled=declared).leaks == []
    assert sorted(read) == ["a.txt", "b.txt"]  # the book's pages are its parts': not read twice

    leaking, declared = assembled_site(tmp_path / "part", first=LEAK, front="Sommaire.")
    report = audit_outputs([leaking], prints(), assembled=declared)
    assert sorted(leak.file.name for leak in report.leaks) == ["a.txt", "book.txt"]  # both are removed

    front, declared = assembled_site(tmp_path / "front", first="Rien à voir.", front=LEAK)
    report = audit_outputs([front], prints(), assembled=declared)
    assert [leak.file.name for leak in report.leaks] == ["book.txt"]


def test_an_assembled_file_changed_since_it_was_declared_is_read_like_any_other(tmp_path, monkeypatch):
    import course.audit as audit

    read = []
    original = audit.output_texts
    monkeypatch.setattr(audit, "output_texts", lambda path: (read.append(path.name), original(path))[1])
    site, declared = assembled_site(tmp_path, first="Rien à voir.", front="Sommaire.")
    (site / "book.txt").write_text("Sommaire. " + LEAK)  # written again after the run declared it
    report = audit_outputs([site], prints(), assembled=declared)
    assert "book.txt" in read and [leak.file.name for leak in report.leaks] == ["book.txt"]
    read.clear()
    site, declared = assembled_site(tmp_path / "other", first="Rien à voir.", front="Sommaire.")
    (site / "b.txt").write_text("Une autre page.")  # a part is no longer what the book copied
    audit_outputs([site], prints(), assembled=declared)
    assert sorted(read) == ["a.txt", "b.txt", "book.txt"]
    read.clear()
    site, declared = assembled_site(tmp_path / "nested", first="Rien à voir.", front="Sommaire.")
    book, made = next(iter(declared.items()))
    declared[site / "a.txt"] = made  # a part said to be assembled itself: no verdict rests on another's
    audit_outputs([site], prints(), assembled=declared)
    assert "book.txt" in read


def test_what_an_assembled_file_adds_is_read_once_for_its_bytes(tmp_path, monkeypatch):
    import course.audit as audit

    added = []
    original = audit.bytes_texts
    monkeypatch.setattr(audit, "bytes_texts", lambda data, name: (added.append(name), original(data, name))[1])
    cache = tmp_path / "verdicts"
    site, declared = assembled_site(tmp_path / "one", first="Rien à voir.", front="Sommaire.")
    assert audit_outputs([site], prints(), clean_cache=cache, assembled=declared).leaks == []
    assert "front.txt" in added
    added.clear()
    site, declared = assembled_site(tmp_path / "two", first="Autre chose.", front="Sommaire.")  # a new book
    assert audit_outputs([site], prints(), clean_cache=cache, assembled=declared).leaks == []
    assert "front.txt" not in added  # its front is the same bytes, known clean
