"""TP files in built sites: the archives, the download box of each language, withheld folders."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import urljoin

import pypdf
from lxml import html as lxml_html

from conftest import ROOT, make_fixture_site, run_mkdocs_build
from course.tp_files import human_size, pack_folder

TP_PAGE = """\
# TP

## 1. Récupérer les fichiers

<!-- tp-files: demo -->

Placez-vous dans `~/tp/demo`.

## 9. La suite

<!-- tp-files: demo-final -->

??? correction demo-final "Manifestes complets"
    ```yaml title="k8s/app.yaml"
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: demo
    ```
"""

TP_PAGE_EN = TP_PAGE.replace("# TP", "# Lab").replace("Placez-vous dans", "Go to")

FILES = {
    "tp/demo/app/main.py": "print('demo')\n",
    "tp/demo/k8s/.gitkeep": "",
    "tp/demo-final/app/main.py": "print('demo')\n",
    "tp/demo-final/k8s/app.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\n",
}
NAV = [
    {"Accueil": ["index.md", "00-accueil/a.md"]},
    {"Un": ["01-un/a.md"]},
    {"Deux": ["02-deux/a.md"]},
    {"Objets": ["03-objets/tp.md"]},
]


def build(tmp_path: Path, *, release=None, page=TP_PAGE, page_en=TP_PAGE_EN):
    pages = {
        "index.md": "# Accueil\n",
        "00-accueil/a.md": "# A\n",
        "01-un/a.md": "# Un\n",
        "02-deux/a.md": "# Deux\n",
        "03-objets/tp.md": page,
        "03-objets/tp.en.md": page_en,
        **FILES,
    }
    config = make_fixture_site(tmp_path, pages, NAV, release=release,
                               tp_files={"demo-final": {"answers": "demo-final"}})
    return run_mkdocs_build(config, tmp_path / "site", env={"PDF": "0"})


def boxes(site: Path, page: str) -> dict:
    tree = lxml_html.parse(str(site / page)).getroot()
    return {box.get("data-tp-folder"): box for box in tree.xpath("//div[contains(@class, 'tp-files')]")}


def linked_archive(site: Path, page: str, box) -> Path:
    (href,) = box.xpath(".//a[contains(@class, 'tp-files-download')]/@href")
    return site / urljoin(page, href)


def test_published_folder_is_packed_and_linked_with_its_size_in_both_languages(tmp_path):
    result = build(tmp_path)
    assert result.returncode == 0, result.output
    site = result.site
    archive = site / "tp" / "demo.zip"
    assert archive.read_bytes() == pack_folder(tmp_path / "docs" / "tp" / "demo", name="demo")
    assert zipfile.ZipFile(io.BytesIO(archive.read_bytes())).namelist() == [
        "demo/", "demo/app/", "demo/app/main.py", "demo/k8s/",
    ]
    for page, language, words in (
        ("03-objets/tp/index.html", "fr", "Télécharger les fichiers du TP"),
        ("en/03-objets/tp/index.html", "en", "Download the lab files"),
    ):
        box = boxes(site, page)["demo"]
        assert linked_archive(site, page, box) == archive
        text = box.text_content()
        assert words in text
        assert human_size(archive.stat().st_size, language) in text
        assert "unzip" in text and "git clone" in text and "~/tp/demo" in text


def test_a_withheld_folder_is_neither_packed_nor_linked_until_its_correction_is_released(tmp_path):
    withheld = build(tmp_path / "withheld")
    assert withheld.returncode == 0, withheld.output
    assert not (withheld.site / "tp" / "demo-final.zip").exists()
    box = boxes(withheld.site, "03-objets/tp/index.html")["demo-final"]
    assert not box.xpath(".//a[contains(@class, 'tp-files-download')]")
    assert "correction 3.1" in box.text_content() and "quand le formateur publiera" in box.text_content()
    (correction_link,) = box.xpath(".//a/@href")
    assert correction_link.endswith("#correction-3-1")
    english = boxes(withheld.site, "en/03-objets/tp/index.html")["demo-final"].text_content()
    assert "solution 3.1" in english and "when the trainer releases" in english

    scheduled = build(tmp_path / "scheduled", release=[{"id": "demo-final", "from": "2999-01-05"}])
    assert scheduled.returncode == 0, scheduled.output
    assert "seront disponibles le 5 janvier 2999" in " ".join(
        boxes(scheduled.site, "03-objets/tp/index.html")["demo-final"].text_content().split()
    )

    released = build(tmp_path / "released", release=[{"id": "demo-final"}])
    assert released.returncode == 0, released.output
    box = boxes(released.site, "03-objets/tp/index.html")["demo-final"]
    assert linked_archive(released.site, "03-objets/tp/index.html", box) == released.site / "tp" / "demo-final.zip"
    assert (released.site / "tp" / "demo-final.zip").is_file()


def test_a_bad_answers_identifier_fails_the_build_naming_its_key(tmp_path):
    # Both languages without it: a translation holds its page's corrections (issue 9).
    result = build(tmp_path, page="# TP\n\nPas de correction.\n", page_en="# Lab\n\nNo solution.\n")
    assert result.returncode != 0
    assert "extra.tp_files.demo-final.answers: no correction has the identifier 'demo-final'" in result.output


def test_a_marker_naming_a_missing_folder_fails_the_build_at_its_line(tmp_path):
    result = build(tmp_path, page=TP_PAGE + "\n<!-- tp-files: absent -->\n")
    assert result.returncode != 0
    line = TP_PAGE.count("\n") + 2
    assert f"docs/03-objets/tp.md:{line}: tp-files marker names 'absent', but there is no folder docs/tp/absent/" in (
        result.output
    )


def test_the_real_site_serves_the_starting_folders_and_withholds_the_answers(real_site):
    """Starting folders are downloadable; an answer folder only with its correction, whatever mkdocs.yml releases."""
    tp = ROOT / "docs" / "tp"
    site = real_site.site
    assert (site / "tp" / "monsterstack.zip").read_bytes() == pack_folder(tp / "monsterstack", name="monsterstack")
    copied = [path.name for path in (site / "tp").iterdir() if not path.name.endswith(".zip")]
    assert copied == [], "docs/tp/ files must not be copied as pages or assets"

    page = "03-objets-fondamentaux/tp-monsterstack/index.html"
    assert linked_archive(site, page, boxes(site, page)["monsterstack"]) == site / "tp" / "monsterstack.zip"
    tree = lxml_html.parse(str(site / page)).getroot()
    released = bool(tree.xpath("//details[@data-correction='monsterstack-final']"))
    later = boxes(site, "03-objets-fondamentaux/tp-developper-dans-le-cluster/index.html")["monsterstack-k8s"]
    archive = site / "tp" / "monsterstack-k8s.zip"
    assert bool(later.xpath(".//a[contains(@class, 'tp-files-download')]")) is released
    assert archive.exists() is released
    if not released:
        assert "Manifestes complets" in later.text_content()

    chapter = pypdf.PdfReader(site / "pdf" / "fr" / "03-objets-fondamentaux.pdf")
    printed = "".join(pdf_page.extract_text() for pdf_page in chapter.pages)
    assert "tp/monsterstack.zip" in printed
    assert ("monsterstack-k8s.zip" in printed) is released


def run_folder_status(config: Path, *extra: str, mode: str = "release") -> subprocess.CompletedProcess:
    env = {**os.environ, "CORRECTIONS": mode, "PYTHONPATH": str(ROOT / "hooks")}
    return subprocess.run(
        [sys.executable, str(ROOT / "hooks" / "tp_files_status.py"), "--config-file", str(config), *extra],
        capture_output=True, text=True, env=env, cwd=config.parent,
    )


def folder_row(output: str) -> list[str]:
    (row,) = [line.split(None, 4) for line in output.splitlines() if line.startswith("docs/tp/")]
    return row


def test_make_corrections_lists_the_withheld_folders_with_their_correction(tmp_path):
    pages = {"index.md": "# Accueil\n", "00-accueil/a.md": "# A\n", "01-un/a.md": "# Un\n",
             "02-deux/a.md": "# Deux\n", "03-objets/tp.md": TP_PAGE, **FILES}
    release = [{"id": "demo-final", "from": "2026-12-03"}]
    tp_files = {"demo-final": {"answers": "demo-final"}}
    config = make_fixture_site(tmp_path, pages, NAV, release=release, tp_files=tp_files)
    before = run_folder_status(config, "--date", "2026-12-02")
    assert before.returncode == 0, before.stderr
    assert folder_row(before.stdout) == [
        "docs/tp/demo-final", "demo-final", "3.1", "withheld", "scheduled by id demo-final from 2026-12-03"
    ]
    after = run_folder_status(config, "--date", "2026-12-03")
    assert folder_row(after.stdout)[3:] == ["published", "released by id demo-final from 2026-12-03"]
    assert folder_row(run_folder_status(config, mode="hide").stdout)[3:] == ["withheld", "mode hide"]

