"""Real builds of small fixture sites, tried as a careless author would: nothing withheld gets out."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from conftest import ROOT, make_fixture_site, real_hooks, run_mkdocs_build

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><title>ZQX-SVG-ANSWER</title></svg>'
PAGES = {
    "index.md": "# Accueil\n\nBienvenue.\n",
    "00-accueil/outils.md": "# Outils\n\nRien à corriger.\n",
    "01-bases/tp-a.md": """
        # TP A

        Le sigle KZQ, la [documentation][zqref] et une note[^zqn].

        ## 1. Première question

        ??? correction premiere "Créer le Pod"
            Il faut lancer la commande ZQX-ALPHA-COMMAND avec prudence ce matin.

            ### ZQX-HEADING-SECRET {#zqx-attr-id}

            *[KZQ]: Kubernetes ZQX-ABBR-SECRET
            [zqref]: https://example.org/ZQX-REF-SECRET
            [^zqn]: Une note ZQX-FOOTNOTE-SECRET bien cachée.

            ![Schéma de la réponse](images/reponse.svg)

            Le [manifeste complet](fichiers/reponse.yaml).

            ```yaml title="zqx-answer.yaml"
            metadata:
              name: zqx-code-secret-name
            ```

        Voir [la correction](#correction-1-1).
        """,
    "02-suite/tp-b.md": """
        # TP B

        Revoir [la correction du TP A](../01-bases/tp-a.md#correction-1-1).

        ??? correction un
            La première réponse ZQX-FR-ONE se trouve ici même.

        ??? correction deux
            La seconde réponse ZQX-FR-TWO se trouve ici même.
        """,
    "02-suite/tp-b.en.md": """
        # Lab B

        ??? correction un "First"
            The first answer ZQX-EN-ONE is right here.

        ??? correction deux
            The second answer ZQX-EN-TWO is right here.
        """,
}
FILES = {
    "01-bases/images/reponse.svg": SVG,
    "01-bases/fichiers/reponse.yaml": b"apiVersion: v1\nkind: ConfigMap\n",
}
NAV = [
    {"Accueil": ["index.md", "00-accueil/outils.md"]},
    {"Bases": ["01-bases/tp-a.md"]},
    {"Suite": ["02-suite/tp-b.md"]},
]


def build(tmp_path, mode, *, pages=None, env=None, **options):
    config = make_fixture_site(tmp_path, pages or PAGES, NAV, files={**FILES, **options.pop("files", {})}, **options)
    return run_mkdocs_build(config, tmp_path / "site", env={"CORRECTIONS": mode, "PDF": "0", **(env or {})})


def secrets_in(build) -> set[str]:
    """Every sentinel found in any file of the site, whatever its kind."""
    found = set()
    for path in build.site.rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", errors="replace")
            found |= set(re.findall(r"ZQX-[A-Z]+(?:-[A-Z]+)*|zqx-[a-z-]+", text))
    return found


def test_nothing_inside_a_withheld_correction_reaches_the_site(tmp_path):
    built = build(tmp_path, "release", release=[{"id": "deux"}])
    assert built.returncode == 0, built.output
    assert secrets_in(built) == {"ZQX-FR-TWO", "ZQX-EN-TWO"}
    page = (built.site / "01-bases" / "tp-a" / "index.html").read_text()
    assert "<abbr" not in page and 'class="footnote"' not in page and "zqx-attr-id" not in page
    assert "Correction 1.1 — Créer le Pod" in page and "Correction disponible après le TP." in page
    assert not (built.site / "01-bases" / "images" / "reponse.svg").exists()
    assert not (built.site / "01-bases" / "fichiers" / "reponse.yaml").exists()
    assert "audit: 2 corrections withheld, 0 found in" in built.output
    # The English page follows the French corrections: same number, same release.
    english = (built.site / "en" / "02-suite" / "tp-b" / "index.html").read_text()
    assert "Solution 2.1 — First" in english and "Solution 2.2" in english and "ZQX-EN-TWO" in english


def test_without_the_hooks_every_correction_is_withheld(tmp_path):
    """Another engine that ignores `hooks:` (Zensical) still runs the Markdown extension."""
    # Without the hooks no correction has its anchor, so links to them are taken out.
    pages = {path: text.replace("#correction-1-1", "") for path, text in PAGES.items()}
    built = build(tmp_path, "show", hooks=[], pages=pages)
    assert built.returncode == 0, built.output
    # The text is withheld; dropping the files it links to is the hooks' work (see the README).
    assert secrets_in(built) == {"ZQX-SVG-ANSWER"}
    page = (built.site / "01-bases" / "tp-a" / "index.html").read_text()
    assert 'class="correction correction-withheld"' in page


def test_hooks_listed_in_another_order_withhold_the_same_in_the_pdfs(tmp_path):
    from pypdf import PdfReader

    built = build(tmp_path, "hide", hooks=list(reversed(real_hooks())), env={"PDF": "1"})
    assert built.returncode == 0, built.output
    pdfs = sorted((built.site / "pdf").rglob("*.pdf"))
    assert pdfs
    text = " ".join(page.extract_text() for pdf in pdfs for page in PdfReader(pdf).pages)
    assert "Correction 1.1" in text and "ZQX" not in text
    assert secrets_in(built) == set()


def test_the_audit_catches_a_planted_leak(tmp_path):
    planted = b"Il faut lancer la commande ZQX-ALPHA-COMMAND avec prudence ce matin."
    built = build(tmp_path, "hide", files={"notes/brouillon.txt": planted})
    assert built.returncode != 0
    assert "audit: 3 corrections withheld, 1 found in" in built.output
    assert "correction 1.1 'premiere'" in built.output and "notes/brouillon.txt" in built.output
    assert "Traceback" not in built.output
    assert not (built.site / "notes" / "brouillon.txt").exists()


def test_a_translation_out_of_order_stops_the_build(tmp_path):
    english = "# Lab\n\n??? correction deux\n    Two.\n\n??? correction un\n    One.\n"
    pages = {**PAGES, "02-suite/tp-b.en.md": english}
    built = build(tmp_path, "hide", pages=pages)
    assert built.returncode != 0
    assert "docs/02-suite/tp-b.en.md:3: correction 1 is 'deux' but docs/02-suite/tp-b.md:5 is 'un'" in built.output
    assert "Traceback" not in built.output


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"extra": {"corrections": "hide"}}, "extra.corrections: expected a mapping such as"),
        ({"files": {"02-suite/tp-b.md": "# TP B\n\nCaf\xe9.\n".encode("latin-1")}},
         "docs/02-suite/tp-b.md:3: not UTF-8 text"),
    ],
)
def test_bad_input_gets_a_sentence_not_a_traceback(tmp_path, change, message):
    built = build(tmp_path, "hide", **change)
    assert built.returncode != 0
    assert message in built.output
    assert "Traceback" not in built.output


def test_show_then_hide_in_one_process(tmp_path):
    """`mkdocs serve` builds again in the same process: nothing of the first build survives."""
    config = make_fixture_site(tmp_path, PAGES, NAV, files=FILES)
    script = (
        "import os, sys\n"
        "from mkdocs.commands.build import build\n"
        "from mkdocs.config import load_config\n"
        "for mode, site in (('show', 'site-show'), ('hide', 'site-hide')):\n"
        "    os.environ['CORRECTIONS'] = mode\n"
        "    build(load_config(sys.argv[1], site_dir=os.path.abspath(site)))\n"
    )
    env = {**os.environ, "PDF": "0", "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT / "hooks")}
    result = subprocess.run([sys.executable, "-c", script, str(config)], cwd=tmp_path, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    shown = (tmp_path / "site-show" / "01-bases" / "tp-a" / "index.html").read_text()
    hidden = (tmp_path / "site-hide" / "01-bases" / "tp-a" / "index.html").read_text()
    for secret in ("ZQX-ALPHA-COMMAND", "ZQX-ABBR-SECRET", "ZQX-FOOTNOTE-SECRET", "zqx-code-secret-name"):
        assert secret in shown
    assert (tmp_path / "site-show" / "01-bases" / "images" / "reponse.svg").exists()
    assert (tmp_path / "site-show" / "01-bases" / "fichiers" / "reponse.yaml").exists()
    assert "ZQX" not in hidden and "Correction disponible après le TP." in hidden
    assert not (tmp_path / "site-hide" / "01-bases" / "images" / "reponse.svg").exists()


def test_an_impossible_release_date_names_its_key(tmp_path):
    config = make_fixture_site(tmp_path, PAGES, NAV, files=FILES, release=[{"chapter": 1, "from": "2026-02-30"}])
    config.write_text(config.read_text().replace("'2026-02-30'", "2026-02-30"))  # as an author types it
    assert "from: 2026-02-30" in config.read_text()
    env = {**os.environ, "PDF": "0", "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT / "hooks")}
    result = subprocess.run(
        [sys.executable, str(ROOT / "hooks" / "mkdocs_cli.py"), "build", "--strict", "-f", str(config),
         "-d", str(tmp_path / "site")],
        cwd=tmp_path, env=env, capture_output=True, text=True,
    )
    assert result.returncode != 0
    assert ("extra.corrections.release[0].from: '2026-02-30' is not a date written YYYY-MM-DD "
            "(day is out of range for month)") in result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_object_fails_the_pdf_naming_the_page_and_the_home_page_lists_no_link(tmp_path):
    pages = {
        **PAGES,
        "index.md": "# Accueil\n\n<!-- pdf-list -->\n",
        "00-accueil/outils.md": '# Outils\n\n<object data="images/absent.svg" type="image/svg+xml"></object>\n',
    }
    built = build(tmp_path, "hide", pages=pages, env={"PDF": "1"})
    assert built.returncode != 0
    assert "00-accueil/outils.md: file not found: file://" in built.output
    assert "Traceback" not in built.output
    from lxml import html as lxml_html

    (pdf_list,) = lxml_html.parse(str(built.site / "index.html")).getroot().find_class("course-pdf-list")
    assert "Chapitre 1" in pdf_list.text_content() and pdf_list.xpath(".//a") == []
