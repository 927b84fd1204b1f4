"""TP files: reproducible archives, markers and ~/tp paths in pages, mkdocs.yml settings, withheld folders."""

from __future__ import annotations

import datetime as dt
import io
import os
import stat
import zipfile
from pathlib import Path

import pytest

from course.settings import CorrectionSettings
from course.site import correction_catalogue
from course.tp_files import (
    TpFilesError,
    answer_availability,
    find_markers,
    format_day,
    human_size,
    list_folders,
    missing_folders,
    pack_folder,
    parse_bases,
    parse_settings,
    replace_markers,
)

ROOT = Path(__file__).resolve().parent.parent


def make_folder(root: Path) -> Path:
    folder = root / "demo"
    (folder / "app" / "__pycache__").mkdir(parents=True)
    (folder / "k8s").mkdir()
    (folder / "k8s" / ".gitkeep").write_text("")
    (folder / "app" / "main.py").write_text("print('hi')\n")
    (folder / "app" / "__pycache__" / "main.cpython-311.pyc").write_bytes(b"cache")
    (folder / "boot.sh").write_text("#!/bin/sh\nexec true\n")
    (folder / "boot.sh").chmod(0o755)
    (folder / "Dockerfile").write_text("FROM scratch\n")
    return folder


def test_an_archive_unpacks_into_its_folder_with_modes_and_empty_folders(tmp_path):
    folder = make_folder(tmp_path)
    archive = zipfile.ZipFile(io.BytesIO(pack_folder(folder, name="demo")))
    assert archive.namelist() == [
        "demo/", "demo/Dockerfile", "demo/app/", "demo/app/main.py", "demo/boot.sh", "demo/k8s/",
    ]
    assert archive.read("demo/app/main.py") == b"print('hi')\n"
    modes = {info.filename: stat.S_IMODE(info.external_attr >> 16) for info in archive.infolist()}
    assert modes["demo/boot.sh"] == 0o755 and modes["demo/Dockerfile"] == 0o644
    archive.extractall(tmp_path / "out")
    assert (tmp_path / "out" / "demo" / "k8s").is_dir()


def test_an_archive_has_the_same_bytes_for_the_same_files(tmp_path):
    first = pack_folder(make_folder(tmp_path / "a"), name="demo")
    second_folder = make_folder(tmp_path / "b")
    for path in second_folder.rglob("*"):
        os.utime(path, (1_700_000_000, 1_700_000_000))  # other dates, same content
    assert pack_folder(second_folder, name="demo") == first
    (second_folder / "Dockerfile").write_text("FROM scratch\n# changed\n")
    assert pack_folder(second_folder, name="demo") != first


def test_a_symbolic_link_is_refused(tmp_path):
    folder = make_folder(tmp_path)
    (folder / "secret").symlink_to("/etc/hostname")
    with pytest.raises(TpFilesError, match="a TP folder holds no symbolic link"):
        pack_folder(folder, name="demo")


def test_the_real_folders_pack_reproducibly():
    tp = ROOT / "docs" / "tp"
    assert "monsterstack" in list_folders(tp)
    for folder in list_folders(tp):
        assert pack_folder(tp / folder, name=folder) == pack_folder(tp / folder, name=folder)


@pytest.mark.parametrize(
    ("size", "language", "expected"),
    [(900, "fr", "900\u00a0octets"), (10_342, "fr", "10\u00a0Kio"), (5_000, "fr", "4,9\u00a0Kio"),
     (5_000, "en", "4.9\u00a0KiB"), (3 * 1024 * 1024, "en", "3.0\u00a0MiB")],
)
def test_sizes_are_written_for_the_page_language(size, language, expected):
    assert human_size(size, language) == expected


def test_dates_are_written_for_the_page_language():
    assert format_day(dt.date(2026, 12, 3), "fr") == "3 décembre 2026"
    assert format_day(dt.date(2026, 12, 1), "fr") == "1er décembre 2026"
    assert format_day(dt.date(2026, 12, 3), "en") == "December 3, 2026"


PAGE = """\
# TP

<!-- tp-files: monsterstack -->

Travaillez dans `~/tp/monsterstack/k8s`.

```bash
cd ~/tp/absent
echo "<!-- tp-files: in-code -->"
```

<!-- tp-files: nowhere -->
"""


def test_markers_are_found_outside_code_with_their_line():
    assert [(m.line, m.folder) for m in find_markers(PAGE)] == [(3, "monsterstack"), (12, "nowhere")]


def test_a_page_naming_a_missing_folder_is_reported_at_its_line():
    problems = missing_folders(PAGE, page="docs/x/tp.md", folders=["monsterstack"])
    assert problems == [
        "docs/x/tp.md:12: tp-files marker names 'nowhere', but there is no folder docs/tp/nowhere/",
        "docs/x/tp.md:8: ~/tp/absent names no folder of docs/tp/ (known: monsterstack)",
    ]
    assert missing_folders("Créez `~/tp` puis `~/tp/<dossier>`.\n", page="p.md", folders=[]) == []


def test_a_folder_the_page_creates_itself_is_the_trainees_own():
    page = "Travaillez dans `~/tp/identite`.\n\n```bash\nmkdir -p ~/tp/identite\ncd ~/tp/identite\n```\n"
    assert missing_folders(page, page="p.md", folders=[]) == []
    assert missing_folders(page.replace("mkdir -p", "ls"), page="p.md", folders=[]) != []


def test_markers_in_html_are_replaced_alone_or_in_a_paragraph():
    html = (
        "<h1>TP</h1>\n<!-- tp-files: monsterstack -->\n<p><!-- tp-files: b --></p>"
        "<pre>&lt;!-- tp-files: c --&gt;</pre>"
    )
    assert replace_markers(html, lambda folder: f"[{folder}]") == (
        "<h1>TP</h1>\n[monsterstack]\n[b]<pre>&lt;!-- tp-files: c --&gt;</pre>"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"absent": {"answers": "x"}}, "extra.tp_files.absent: no folder docs/tp/absent/"),
        ({"demo": "x"}, "extra.tp_files.demo: expected {answers: <correction identifier>}"),
        ({"demo": {"answer": "x"}}, "extra.tp_files.demo: expected {answers: <correction identifier>}"),
        (["demo"], "extra.tp_files: expected a mapping"),
    ],
)
def test_bad_settings_name_their_key(value, message):
    with pytest.raises(TpFilesError, match=message.replace("{", r"\{").replace("}", r"\}")):
        parse_settings(value, folders=["demo"])


def test_settings_map_each_folder_to_its_correction():
    assert parse_settings({"demo": {"answers": "demo-final"}}, folders=["demo", "other"]) == {"demo": "demo-final"}
    assert parse_settings(None, folders=["demo"]) == {}


# --- Withheld folders, decided by the correction catalogue --------------------------------------------


def catalogue(tmp_path, release, mode="release", today=dt.date(2026, 12, 1)):
    docs = tmp_path / "docs"
    nav = [{"Zéro": ["00-z/a.md"]}, {"Un": ["01-un/a.md"]}, {"Deux": ["02-deux/a.md"]}, {"Objets": ["03-objets/tp.md"]}]
    for folder in ("00-z", "01-un", "02-deux", "03-objets"):
        (docs / folder).mkdir(parents=True, exist_ok=True)
        (docs / folder / "a.md").write_text("# Page\n")
    (docs / "03-objets" / "tp.md").write_text(
        '# TP\n\n??? correction demo-final "Manifestes complets"\n    La réponse.\n'
    )
    built = correction_catalogue(nav=nav, docs_dir=str(docs), docs_label="docs",
                                 settings=CorrectionSettings(mode=mode, release=release, today=today))
    return answer_availability(built, "demo-final", release=release, mode=mode, today=today)


def test_a_folder_is_withheld_until_its_correction_is_released(tmp_path):
    withheld = catalogue(tmp_path, release=[])
    assert not withheld.published
    assert (withheld.correction_number, withheld.correction_title) == ("3.1", "Manifestes complets")
    assert (withheld.correction_page, withheld.correction_anchor) == ("03-objets/tp.md", "correction-3-1")
    assert withheld.since is None
    assert catalogue(tmp_path, release=[{"id": "demo-final"}]).published
    assert catalogue(tmp_path, release=[{"chapter": 3}]).published
    assert not catalogue(tmp_path, release=[{"chapter": 3}], mode="hide").published


def test_a_scheduled_release_gives_its_day(tmp_path):
    scheduled = catalogue(tmp_path, release=[{"id": "demo-final", "from": "2026-12-03"}])
    assert not scheduled.published and scheduled.since == dt.date(2026, 12, 3)
    assert catalogue(tmp_path, release=[{"id": "demo-final", "from": "2026-11-30"}]).published


def test_an_unknown_correction_identifier_is_refused(tmp_path):
    with pytest.raises(TpFilesError, match="no correction has the identifier 'demo-final'"):
        docs = tmp_path / "docs"
        (docs / "00-z").mkdir(parents=True)
        (docs / "00-z" / "a.md").write_text("# Accueil\n")
        built = correction_catalogue(
            nav=[{"Accueil": ["00-z/a.md"]}], docs_dir=str(docs), docs_label="docs",
            settings=CorrectionSettings(mode="release", release=[], today=dt.date(2026, 12, 1)),
        )
        answer_availability(built, "demo-final", release=[], mode="release", today=dt.date(2026, 12, 1))


def test_every_archive_with_the_monsterstack_app_carries_the_tested_one(real_config):
    """The app is tested in docs/tp/monsterstack and kept only there; a later starting folder
    declares `base: monsterstack` and its archive carries the app unchanged, under its own files."""
    tp = ROOT / "docs" / "tp"
    shared = ["app", "Dockerfile", "boot.sh", "requirements.txt", ".dockerignore"]
    bases = parse_bases(real_config["extra"]["tp_files"], folders=list_folders(tp))

    def files(archive: bytes, name: str) -> dict[str, bytes]:
        with zipfile.ZipFile(io.BytesIO(archive)) as packed:
            return {
                member.filename.removeprefix(f"{name}/"): packed.read(member)
                for member in packed.infolist()
                if not member.is_dir() and member.filename.removeprefix(f"{name}/").split("/")[0] in shared
            }

    reference = files(pack_folder(tp / "monsterstack", name="monsterstack"), "monsterstack")
    copies = [path.parent.parent.name for path in tp.glob("*/app/monstericon.py")]
    assert copies == ["monsterstack"]  # one copy of the application in the repository
    assert len(bases) >= 2 and set(bases.values()) == {"monsterstack"}
    for folder, base in bases.items():
        archive = pack_folder(tp / folder, name=folder, base=tp / base)
        assert files(archive, folder) == reference, folder


def test_a_base_packs_its_files_under_the_folder_s_own(tmp_path):
    base = tmp_path / "base"
    (base / "app").mkdir(parents=True)
    (base / "app" / "main.py").write_text("print('base')\n")
    (base / "notes.txt").write_text("base notes\n")
    folder = tmp_path / "later"
    (folder / "k8s").mkdir(parents=True)
    (folder / "k8s" / "web.yaml").write_text("kind: Service\n")
    (folder / "notes.txt").write_text("later notes\n")
    with zipfile.ZipFile(io.BytesIO(pack_folder(folder, name="later", base=base))) as archive:
        assert sorted(archive.namelist()) == [
            "later/", "later/app/", "later/app/main.py", "later/k8s/", "later/k8s/web.yaml", "later/notes.txt"
        ]
        assert archive.read("later/notes.txt") == b"later notes\n"


def test_a_base_must_exist_and_have_no_base_of_its_own():
    with pytest.raises(TpFilesError, match=r"tp_files.b.base: no folder docs/tp/nowhere/"):
        parse_bases({"b": {"base": "nowhere"}}, folders=["a", "b"])
    with pytest.raises(TpFilesError, match=r"tp_files.c.base: 'b' must be a folder without a base of its own"):
        parse_bases({"b": {"base": "a"}, "c": {"base": "b"}}, folders=["a", "b", "c"])
    assert parse_settings({"b": {"base": "a"}}, folders=["a", "b"]) == {}  # no correction to wait for
