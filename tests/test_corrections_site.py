"""Corrections in real builds: nothing leaks in hide mode, bad input stops the build cleanly."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from conftest import ROOT, make_fixture_site, run_mkdocs_build

SENTINELS = {
    "chapter1-first": "ZQX-SENTINEL-ALPHA",
    "chapter1-second": "ZQX-SENTINEL-BRAVO",
    "chapter2-tab": "ZQX-SENTINEL-CHARLIE",
    "translated": "ZQX-SENTINEL-DELTA",
}

PAGES = {
    "index.md": "# Accueil\n\nBienvenue.\n",
    "index.en.md": "# Home\n\nWelcome.\n",
    "00-accueil/outils.md": "# Outils\n\nRien à corriger.\n",
    "01-bases/tp-a.md": f"""
        # TP A

        ## 1. Première question

        ??? correction premiere
            Il faut lancer `{SENTINELS["chapter1-first"]}`.

            ### Une section de la correction

            Texte.

        ## 2. Deuxième question

        ??? correction deuxieme "Réponse"
            ```bash
            echo {SENTINELS["chapter1-second"]}
            ```

        ??? info "Facultatif : détails"
            Toujours visible OPTIONAL-MARK.
        """,
    "01-bases/tp-a.en.md": f"""
        # Lab A

        ## 1. First question

        ??? correction premiere
            Run `{SENTINELS["translated"]}`.

        ## 2. Second question

        ??? correction deuxieme "Answer"
            Anything.
        """,
    "02-suite/tp-b.md": f"""
        # TP B

        === "kind"

            ??? correction
                {SENTINELS["chapter2-tab"]} dans un onglet.
        """,
}

NAV = [
    {"Accueil": ["index.md", "00-accueil/outils.md"]},
    {"Bases": ["01-bases/tp-a.md"]},
    {"Suite": ["02-suite/tp-b.md"]},
]


def build_fixture(tmp_path, mode, release=None, pages=None):
    config = make_fixture_site(tmp_path, pages or PAGES, NAV, release=release)
    return run_mkdocs_build(config, tmp_path / "site", env={"CORRECTIONS": mode})


def sentinels_found(build) -> set[str]:
    found = set()
    for _, text in build.text_files():
        found |= {name for name, sentinel in SENTINELS.items() if sentinel in text}
    return found


def test_hide_mode_leaves_no_correction_anywhere(tmp_path):
    build = build_fixture(tmp_path, "hide")
    assert build.returncode == 0, build.output
    files = [path.relative_to(build.site).as_posix() for path, _ in build.text_files()]
    assert {"search/search_index.json", "sitemap.xml", "404.html", "en/01-bases/tp-a/index.html"} <= set(files)
    assert sentinels_found(build) == set()
    page = (build.site / "01-bases" / "tp-a" / "index.html").read_text()
    assert "Correction 1.1" in page and "Correction 1.2 — Réponse" in page
    assert "Une section de la correction" not in page  # not even in the table of contents
    assert "OPTIONAL-MARK" in page
    assert "md-banner" not in page  # the trainer's-copy banner is for show mode only
    english = (build.site / "en" / "01-bases" / "tp-a" / "index.html").read_text()
    assert "Solution 1.1" in english


def test_show_mode_has_every_correction(tmp_path):
    build = build_fixture(tmp_path, "show")
    assert build.returncode == 0, build.output
    assert sentinels_found(build) == set(SENTINELS)
    home = (build.site / "index.html").read_text()
    assert "Copie formateur : toutes les corrections sont visibles" in home.replace("\u00a0", " ")


def test_release_mode_has_exactly_the_released_ones(tmp_path):
    release = [
        {"id": "deuxieme"},
        {"chapter": 2, "from": "2000-01-01"},
        {"page": "01-bases/tp-a.md", "from": "2999-01-01"},
    ]
    build = build_fixture(tmp_path, "release", release=release)
    assert build.returncode == 0, build.output
    assert sentinels_found(build) == {"chapter1-second", "chapter2-tab"}


@pytest.mark.parametrize(
    ("page_text", "message"),
    [
        ("# TP B\n\n??? correction\nPas indenté.\n", "docs/02-suite/tp-b.md:3: correction has no content"),
        (
            "# TP B\n\n??? correction\n    Dehors.\n\n    ??? correction\n        Dedans.\n",
            "docs/02-suite/tp-b.md:6: a correction cannot be inside another correction",
        ),
        (
            "# TP B\n\n??? correction deuxieme\n    Doublon.\n",
            "docs/02-suite/tp-b.md:3: correction identifier 'deuxieme' is already used at docs/01-bases/tp-a.md:",
        ),
    ],
)
def test_bad_correction_markdown_stops_the_build(tmp_path, page_text, message):
    build = build_fixture(tmp_path, "show", pages={**PAGES, "02-suite/tp-b.md": page_text})
    assert build.returncode != 0
    assert message in build.output
    assert "Traceback" not in build.output


@pytest.mark.parametrize(
    ("release", "message"),
    [
        ([{"chapter": 7}], "extra.corrections.release[0]: unknown chapter '7'"),
        ([{"page": "01-bases/absente.md"}], "extra.corrections.release[0]: unknown page '01-bases/absente.md'"),
        ([{"id": "inconnu"}], "extra.corrections.release[0]: unknown id 'inconnu'"),
        ([{"chapter": 1, "from": "demain"}], "extra.corrections.release[0].from: 'demain' is not a date"),
    ],
)
def test_bad_release_list_stops_the_build(tmp_path, release, message):
    build = build_fixture(tmp_path, "release", release=release)
    assert build.returncode != 0
    assert message in build.output
    assert "Traceback" not in build.output


def test_unknown_mode_stops_the_build(tmp_path):
    build = build_fixture(tmp_path, "peut-etre")
    assert build.returncode != 0
    assert "unknown mode 'peut-etre'" in build.output
    assert "Traceback" not in build.output


def run_status(config, *extra, mode="release"):
    env = {**os.environ, "CORRECTIONS": mode, "PYTHONPATH": str(ROOT / "hooks")}
    return subprocess.run(
        [sys.executable, str(ROOT / "hooks" / "corrections_status.py"), "--config-file", str(config), *extra],
        capture_output=True, text=True, env=env, cwd=config.parent,
    )


def test_make_corrections_prints_every_correction_and_why(tmp_path):
    release = [{"id": "deuxieme"}, {"chapter": 2, "from": "2026-12-01"}]
    config = make_fixture_site(tmp_path, PAGES, NAV, release=release)
    result = run_status(config, "--date", "2026-11-25")
    assert result.returncode == 0, result.stderr
    rows = {
        tuple(line.split()[::2][:2]): line for line in result.stdout.splitlines() if re.match(r"\d+\.\d+ ", line)
    }
    assert set(rows) == {("1.1", "fr"), ("1.1", "en"), ("1.2", "fr"), ("1.2", "en"), ("2.1", "fr")}
    assert "premiere" in rows["1.1", "fr"] and "hidden" in rows["1.1", "fr"]
    assert "not in the release list" in rows["1.1", "fr"]
    assert "docs/01-bases/tp-a.en.md:5" in rows["1.1", "en"] and "hidden" in rows["1.1", "en"]
    assert "deuxieme" in rows["1.2", "fr"] and "released" in rows["1.2", "fr"]
    assert "docs/01-bases/tp-a.md:" in rows["1.2", "fr"]
    assert "Answer" in rows["1.2", "en"] and "released by id deuxieme" in rows["1.2", "en"]
    assert "scheduled by chapter 2 from 2026-12-01" in rows["2.1", "fr"]
    assert "1 of 3 corrections released" in result.stdout
    later = run_status(config, "--date", "2026-12-01")
    assert "2 of 3 corrections released" in later.stdout


def test_make_corrections_reports_a_bad_release_entry(tmp_path):
    config = make_fixture_site(tmp_path, PAGES, NAV, release=[{"chapter": 9}])
    result = run_status(config)
    assert result.returncode == 1
    assert "extra.corrections.release[0]: unknown chapter '9'" in result.stderr
    assert "Traceback" not in result.stderr
