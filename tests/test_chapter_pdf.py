"""Chapter PDFs of a fixture course: structure, lossless code, leaks, cache, failures, reproducibility."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap

import pypdf
import pytest
from lxml import html as lxml_html

from conftest import ROOT, make_fixture_site, run_mkdocs_build
from course.pdf_code import CONTINUATION, unwrap

LONG_LINE = "          value: " + "x" * 50 + "-une-très-longue-valeur-" + "y" * 60
DEPLOYMENT = textwrap.dedent(
    f"""\
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      labels:
        app: web
    spec:
      replicas: 3
      selector:
        matchLabels:
          app: web
      template:
        metadata:
          labels:
            app: web
        spec:
          containers:
            - name: web
              image: nginx:1.27
              env:
                - name: LONG
    {LONG_LINE}
    """
)
SERVICE = textwrap.dedent(
    """\
    apiVersion: v1
    kind: Service
    metadata:
      name: web
    spec:
      selector:
        app: web
      ports:
        - port: 80
          targetPort: 8080
    """
)
WEB_CONF = "listen = 8080\n# a comment with 'quotes' and \"double quotes\" < & >\n"
LONG_COMMAND = (
    "helm install traefik traefik/traefik --version 41.3.0 --namespace traefik --create-namespace"
    " --set providers.kubernetesGateway.enabled=true --set gateway.listeners.web.namespacePolicy.from=All"
)
# Lead-ins after fillers of growing length: some of them fall at the foot of a page.
FILLER = "Une phrase de remplissage qui occupe la ligne. "
LEAD_INS = "".join(
    f"{FILLER * (3 + 5 * (step % 7))}\n\nVous devez voir LEAD-{step} :\n\n```text\nSORTIE-{step} ok\nfin\n```\n\n"
    for step in range(24)
)
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 60">'
    '<rect width="200" height="60" fill="#e3f2fd"/><text x="10" y="35" font-size="14">Schéma</text></svg>'
)


def indent(text: str, spaces: int = 4) -> str:
    return textwrap.indent(text, " " * spaces)


PAGES = {
    "index.md": "# Accueil\n\nBienvenue.\n\n## Les PDF\n\n<!-- pdf-list -->\n",
    "00-accueil/outils.md": "# Outils de la formation\n\n"
    "Voir le [TP des bases](../01-bases/tp-deploiement.md#2-le-service).\n",
    "00-accueil/outils.en.md": "# Training tools\n\nSee the [basics lab](../01-bases/tp-deploiement.md).\n",
    "01-bases/cours-bases.md": "# Cours : les bases\n\n## Pourquoi\n\n"
    "Lire le [TP](tp-deploiement.md) puis [la suite](../02-suite/cours-suite.md).\n\n"
    "![Un schéma de test](images/schema.svg)\n\n"
    '=== "minikube"\n\n    Texte ONGLET-MINIKUBE.\n\n=== "kind"\n\n    Texte ONGLET-KIND.\n\n'
    '??? info "Facultatif : détails"\n    Bloc FACULTATIF-OUVERT.\n',
    "01-bases/tp-deploiement.md": "# TP : déployer\n\n## 1. Le Deployment\n\n"
    f'```yaml title="deployment.yaml"\n{DEPLOYMENT}```\n\n'
    f"- Dans une liste, installez Traefik :\n\n{indent('```bash')}\n{indent(LONG_COMMAND)}\n{indent('```')}\n\n"
    "## 2. Le service\n\n"
    f'```yaml title="service.yaml"\n{SERVICE}```\n\n'
    f'```yaml title="k8s/web-service.yaml"\n{SERVICE}```\n\n'
    f'```text title="/etc/formation/web.conf"\n{WEB_CONF}```\n\n'
    f'```yaml title="k8s/web.yaml (squelette à compléter)"\nkind: <à compléter>\n```\n\n'
    f"??? correction\n    Réponse PDF-SENTINEL-CORRECTION.\n\n{indent('```yaml')}\n{indent(SERVICE)}{indent('```')}\n",
    "02-suite/cours-suite.md": "# Cours : la suite\n\nTexte de la suite, sans glyphe manquant : 🚀 ✔ « œ ».\n\n"
    "Voir <https://kubernetes.io/docs/> et [la documentation](https://kubernetes.io/fr/).\n\n" + LEAD_INS,
}
NAV = [
    {"Accueil": ["index.md", "00-accueil/outils.md"]},
    {"Bases": ["01-bases/cours-bases.md", "01-bases/tp-deploiement.md"]},
    {"Suite": ["02-suite/cours-suite.md"]},
]


def write_course(root, pages=PAGES):
    config = make_fixture_site(root, pages, NAV)
    (root / "docs" / "01-bases" / "images").mkdir(parents=True, exist_ok=True)
    (root / "docs" / "01-bases" / "images" / "schema.svg").write_text(SVG)
    return config


PUBLISHED = "https://formation.example.org/"


def build(root, config, *, mode="show", cache=None, name="site", site_url=None, env=None, dated=True):
    env = {"CORRECTIONS": mode, "PDF": "1", "PDF_CACHE_DIR": str(cache or root / "cache"),
           **({"SOURCE_DATE_EPOCH": "1764028800"} if dated else {}), **({"SITE_URL": site_url} if site_url else {}),
           **(env or {})}
    result = run_mkdocs_build(config, root / name, env=env, unset=() if dated else ("SOURCE_DATE_EPOCH",))
    assert result.returncode == 0, result.output
    return result


def plain(text: str) -> str:
    """French non-breaking spaces (added by the typography hook) read as spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def page_text(path, number: int) -> str:
    command = ["pdftotext", "-enc", "UTF-8", "-layout", "-f", str(number), "-l", str(number), str(path), "-"]
    return plain(subprocess.run(command, capture_output=True, text=True, check=True).stdout)


def pdf_text(path, layout=False) -> str:
    command = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(path), "-"]
    return plain(subprocess.run(command, capture_output=True, text=True, check=True).stdout)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("pdf-course")
    config = write_course(root)
    return root, config, build(root, config, site_url=PUBLISHED)


def chapter_pdf(course, stem="01-bases", language="fr"):
    return course[2].site / "pdf" / language / f"{stem}.pdf"


def test_every_chapter_has_a_french_pdf_and_a_translated_one_an_english_pdf(course):
    for stem in ("00-accueil", "01-bases", "02-suite", "formation-kubernetes"):
        assert chapter_pdf(course, stem, "fr").is_file(), stem
    # Only chapter 0 has a translated page: no French PDF relabelled as English for the others.
    assert sorted(path.name for path in (course[2].site / "pdf" / "en").iterdir()) == [
        "00-accueil.pdf", "formation-kubernetes.pdf"
    ]
    assert "Training tools" in pdf_text(chapter_pdf(course, "00-accueil", "en"))


def test_the_english_site_links_the_french_pdf_of_an_untranslated_chapter(course):
    site = course[2].site
    tp_en = lxml_html.parse(str(site / "en" / "01-bases" / "tp-deploiement" / "index.html")).getroot()
    (link,) = tp_en.xpath("//div[@class='course-pdf-link']/a")
    assert link.get("href") == "../../../pdf/fr/01-bases.pdf" and link.get("hreflang") == "fr"
    assert "(in French)" in link.text_content()
    tools_en = lxml_html.parse(str(site / "en" / "00-accueil" / "outils" / "index.html")).getroot()
    (link,) = tools_en.xpath("//div[@class='course-pdf-link']/a")
    assert link.get("href") == "../../../pdf/en/00-accueil.pdf" and link.get("hreflang") is None
    (pdf_list,) = lxml_html.parse(str(site / "en" / "index.html")).getroot().find_class("course-pdf-list")
    links = {a.get("href"): a.get("hreflang") for a in pdf_list.iter("a")}
    assert links == {
        "../pdf/en/00-accueil.pdf": None, "../pdf/fr/01-bases.pdf": "fr", "../pdf/fr/02-suite.pdf": "fr",
        "../pdf/en/formation-kubernetes.pdf": None,
    }


def test_metadata_outline_and_page_count(course):
    reader = pypdf.PdfReader(chapter_pdf(course))
    assert reader.metadata.title == "Formation Kubernetes — 1. Bases (édition stagiaire)"
    assert reader.metadata["/CreationDate"].startswith("D:20251125")  # the build day (SOURCE_DATE_EPOCH)
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]  # tagged PDF (PDF/UA-1)
    outline = [plain(item.title) for item in reader.outline if not isinstance(item, list)]
    assert outline == ["Cours : les bases", "TP : déployer"]
    nested = [plain(item.title) for item in reader.outline[1] if not isinstance(item, list)]
    assert "Pourquoi" in nested
    assert len(reader.pages) >= 4  # cover, contents, two pages
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 by default


def test_every_page_title_cover_contents_and_footer_are_printed(course):
    text = pdf_text(chapter_pdf(course))
    for title in ("Cours : les bases", "TP : déployer", "Chapitre 1", "Sommaire", "Édition stagiaire"):
        assert title in text
    pages = len(pypdf.PdfReader(chapter_pdf(course)).pages)
    # Chapter-relative, the same numbers in the course PDF; the cover and contents numbered apart, so that
    # the pages' numbers do not depend on the length of the contents.
    assert "page 1-ii" in text and f"page 1-{pages - 2}" in text
    assert pypdf.PdfReader(chapter_pdf(course)).page_labels == ["1-i", "1-ii"] + [f"1-{n}" for n in range(1, pages - 1)]
    for number in range(2, pages + 1):  # every page but the cover: edition and version in the footer
        footer = [line for line in page_text(chapter_pdf(course), number).splitlines() if line.strip()][-1]
        assert "Formation Kubernetes — édition stagiaire" in footer and "version du 2025-11-25" in footer


def test_the_contents_list_pages_their_sections_and_the_figures(course):
    contents = page_text(chapter_pdf(course), 2)
    for entry in ("Cours : les bases", "Pourquoi", "TP : déployer", "1. Le Deployment", "2. Le service",
                  "Liste des figures", "Figure 1.1 — Un schéma de test"):
        assert entry in contents, entry
    assert re.search(r"2\. Le service\s{2,}1-\d+$", contents, re.MULTILINE)  # its label, far right
    # Each entry prints the label of the page it leads to: its own pages were laid out apart from it.
    reader = pypdf.PdfReader(chapter_pdf(course))
    tp = re.search(r"TP : déployer\s{2,}(1-\d+)", contents).group(1)
    assert page_text(chapter_pdf(course), reader.page_labels.index(tp) + 1).split("\n", 2)[-1].lstrip().startswith(
        "TP : déployer")
    entries = [annotation.get_object() for annotation in reader.pages[1].get("/Annots") or []]
    targets = {reader.page_labels[destination_page(reader, entry)] for entry in entries if "/Dest" in entry}
    assert tp in targets and "1-1" in targets


def test_figures_have_the_same_number_on_the_site_and_in_the_pdf(course):
    page = (course[2].site / "01-bases" / "cours-bases" / "index.html").read_text()
    assert '<span class="figure-number">Figure 1.1</span> — Un schéma de test' in page
    assert "Figure 1.1 — Un schéma de test" in pdf_text(chapter_pdf(course)).split("Pourquoi", 2)[-1]


def test_links_inside_the_pdf_are_internal_and_others_go_to_the_site(course):
    reader = pypdf.PdfReader(chapter_pdf(course))
    internal, external = 0, []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            action = annotation.get("/A") or {}
            if "/Dest" in annotation or action.get("/S") == "/GoTo":
                internal += 1
            elif "/URI" in action:
                external.append(action["/URI"])
    assert internal >= 3  # contents entries and the link to the TP
    assert f"{PUBLISHED}02-suite/cours-suite/" in external


def test_a_published_build_prints_no_local_address(course):
    for path in (course[2].site / "pdf").rglob("*.pdf"):
        assert "127.0.0.1" not in pdf_text(path), path.name
        links = [
            annotation.get_object().get("/A", {}).get("/URI", "")
            for page in pypdf.PdfReader(path).pages for annotation in page.get("/Annots") or []
        ]
        assert not [link for link in links if "127.0.0.1" in link], path.name
    assert "SITE_URL is not set" not in course[2].output
    assert PUBLISHED in pdf_text(chapter_pdf(course))  # on the cover


def test_the_header_names_the_chapter_on_every_content_page(course):
    path = chapter_pdf(course)
    pages = len(pypdf.PdfReader(path).pages)
    for number in range(3, pages + 1):  # after the cover and the contents
        header = next(line for line in page_text(path, number).splitlines() if line.strip())
        assert header.strip().startswith("1. Bases"), (number, header)


def test_the_home_page_pdf_lists_the_pdfs(course):
    text = pdf_text(chapter_pdf(course, "00-accueil"), layout=True)
    for entry in ("Chapitre 1 — Bases", "Chapitre 2 — Suite", "Le cours complet"):
        assert entry in text
    assert f"{PUBLISHED}pdf/fr/01-bases.pdf" in text


def test_a_link_whose_text_is_its_address_prints_it_once(course):
    text = plain(pdf_text(chapter_pdf(course, "02-suite")))
    assert text.count("https://kubernetes.io/docs/") == 1
    assert "la documentation (https://kubernetes.io/fr/)" in text

def printed_block(layout: str, block: str) -> str:
    """A code block as printed (pdftotext -layout): its rows, de-indented, up to the first blank row."""
    rows = layout.splitlines()
    first = block.splitlines()[0]
    start = next(
        index for index, row in enumerate(rows)
        if len(row.strip()) >= min(len(first), 15) and first.startswith(row.strip())
    )
    base = len(rows[start]) - len(rows[start].lstrip())
    end = next(index for index in range(start, len(rows)) if not rows[index].strip())
    return "\n".join(row[base:] for row in rows[start:end])


def test_long_code_lines_are_cut_with_a_mark_and_lose_nothing(course):
    layout = pdf_text(chapter_pdf(course), layout=True)
    for block in (DEPLOYMENT, LONG_COMMAND):
        printed = printed_block(layout, block)
        assert CONTINUATION in printed  # the long line goes on, and says so
        assert all(len(row) <= 100 for row in printed.splitlines())
        # pdftotext -layout shifts a row by a column now and then: indentation is checked below.
        assert [row.strip() for row in unwrap(printed).splitlines()] == [line.strip() for line in block.splitlines()]
    rows = printed_block(layout, DEPLOYMENT).splitlines()
    value = next(index for index, row in enumerate(rows) if "value:" in row)
    hang = len(rows[value + 1]) - len(rows[value + 1].lstrip())
    assert rows[value + 1].strip().startswith(CONTINUATION) and 1 <= hang - rows[value].index("value:") <= 3


def test_code_blocks_are_lossless_and_keep_their_indentation(course):
    path = chapter_pdf(course)
    # -layout: plain pdftotext drops a hyphen that ends a wrapped line, as if it were hyphenation.
    flat = re.sub(r"\s+", "", unwrap(pdf_text(path, layout=True)))
    for block in (DEPLOYMENT, SERVICE):
        assert re.sub(r"\s+", "", block) in flat
    layout = pdf_text(path, layout=True).splitlines()
    for block in (DEPLOYMENT, SERVICE):
        lines = [line for line in block.splitlines() if line.strip() and len(line) < 60]
        anchor = next(row for row in layout if row.strip() == lines[0].strip())
        base = len(anchor) - len(anchor.lstrip())
        for line in lines:
            candidates = [row for row in layout if row.strip() == line.strip()]
            expected = len(line) - len(line.lstrip())
            assert any(abs((len(row) - len(row.lstrip()) - base) - expected) <= 1 for row in candidates), line


def test_every_file_titled_block_is_attached_byte_for_byte(course):
    attachments = pypdf.PdfReader(chapter_pdf(course)).attachments
    expected = {"deployment.yaml": DEPLOYMENT, "service.yaml": SERVICE, "k8s-web-service.yaml": SERVICE,
                "etc-formation-web.conf": WEB_CONF}
    assert set(attachments) == set(expected)  # the correction's untitled block and the skeleton are not
    for name, text in expected.items():
        assert attachments[name] == [text.encode()], name


def test_tabs_optional_blocks_and_images_are_printed(course):
    text = pdf_text(chapter_pdf(course))
    for mark in ("minikube", "ONGLET-MINIKUBE", "kind", "ONGLET-KIND", "FACULTATIF-OUVERT"):
        assert mark in text
    reader = pypdf.PdfReader(chapter_pdf(course))
    assert any("/XObject" in (page.get("/Resources") or {}) for page in reader.pages)


def test_a_lead_in_is_printed_on_the_page_of_its_block(course):
    path = chapter_pdf(course, "02-suite")
    pages = [page_text(path, number) for number in range(1, len(pypdf.PdfReader(path).pages) + 1)]
    for step in range(24):
        lead = next(index for index, text in enumerate(pages) if f"LEAD-{step} :" in text)
        assert f"SORTIE-{step} ok" in pages[lead], step


def test_emoji_and_french_characters_have_glyphs(course):
    path = chapter_pdf(course, "02-suite")
    assert "🚀 ✔ « œ »" in pdf_text(path)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Noto-Color-Emoji" in fonts  # from the Debian package the Makefile installs


def test_home_page_lists_the_pdfs_with_page_counts(course):
    home_path = course[2].site / "index.html"
    assert home_path.stat().st_mode & 0o044 == 0o044  # rewritten after the PDFs, still readable by a web server
    assert (course[2].site / "pdf" / "fr" / "01-bases.pdf").stat().st_mode & 0o044 == 0o044
    home = home_path.read_text()
    pages = len(pypdf.PdfReader(chapter_pdf(course)).pages)
    assert 'href="pdf/fr/01-bases.pdf"' in home and f"({pages} pages)" in home
    tp = (course[2].site / "01-bases" / "tp-deploiement" / "index.html").read_text()
    assert 'href="../../pdf/fr/01-bases.pdf"' in tp
    tp_en = (course[2].site / "en" / "01-bases" / "tp-deploiement" / "index.html").read_text()
    assert 'href="../../../pdf/fr/01-bases.pdf"' in tp_en  # untranslated: the French PDF
    home_en = (course[2].site / "en" / "index.html").read_text()
    english = len(pypdf.PdfReader(chapter_pdf(course, "00-accueil", "en")).pages)
    assert 'href="../pdf/fr/01-bases.pdf"' in home_en and f"({pages} pages)" in home_en
    assert 'href="../pdf/en/00-accueil.pdf"' in home_en and f"({english} pages)" in home_en


def test_hide_mode_leaves_no_correction_in_any_pdf(tmp_path):
    config = write_course(tmp_path)
    result = build(tmp_path, config, mode="hide")
    pdfs = list((result.site / "pdf").rglob("*.pdf"))
    assert len(pdfs) == 6  # three chapters and the course in French; chapter 0 and the course in English
    for path in pdfs:
        assert "PDF-SENTINEL-CORRECTION" not in pdf_text(path)
    assert "Correction disponible après le TP" in pdf_text(result.site / "pdf" / "fr" / "01-bases.pdf")
    # Built without SITE_URL: said once for the whole build (both languages), with the way out.
    assert result.output.count("SITE_URL is not set") == 1 and "SITE_URL=https://" in result.output


def test_show_mode_prints_the_correction_open(course):
    assert "PDF-SENTINEL-CORRECTION" in pdf_text(chapter_pdf(course))


def test_trainer_edition_on_letter_paper_says_so_in_its_file_names(tmp_path):
    config = write_course(tmp_path)
    build(tmp_path, config, env={"PDF_EDITION": "trainer", "PDF_PAGE_SIZE": "letter",
                                 "PDF_OUTPUT_DIR": str(tmp_path / "trainer")})
    path = tmp_path / "trainer" / "fr" / "01-bases-formateur.pdf"
    assert (tmp_path / "trainer" / "en" / "formation-kubernetes-trainer.pdf").is_file()
    reader = pypdf.PdfReader(path)
    assert reader.metadata.title == "Formation Kubernetes — 1. Bases (édition formateur)"
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)  # US Letter, in points
    assert "Formation Kubernetes — édition formateur" in page_text(path, 3)


def test_an_unknown_page_size_stops_the_build_with_its_name(tmp_path):
    config = write_course(tmp_path)
    result = run_mkdocs_build(config, tmp_path / "site", env={"PDF": "1", "PDF_PAGE_SIZE": "a5"})
    assert result.returncode != 0 and "PDF_PAGE_SIZE='a5': expected one of a4, letter" in result.output
    assert "Traceback" not in result.output


def rendered(output: str) -> list[str]:
    """The chapter PDFs a build laid out, from its log."""
    return sorted(re.findall(r"pdf (\S+\.pdf): \d+ pages, [\d.]+ s, rendered", output))


def test_cache_reuses_unchanged_chapters_renders_a_changed_one_and_prunes_stale_entries(tmp_path):
    config = write_course(tmp_path)
    first = build(tmp_path, config)
    assert rendered(first.output) == ["en/00-accueil.pdf", "fr/00-accueil.pdf", "fr/01-bases.pdf", "fr/02-suite.pdf"]
    assert re.search(r"pdf fr/formation-kubernetes\.pdf: \d+ pages, [\d.]+ s, assembled from 3 chapters", first.output)
    second = build(tmp_path, config)
    assert rendered(second.output) == [] and "assembled" not in second.output
    elsewhere = build(tmp_path, config, name="site-elsewhere")  # the cache does not depend on site_dir
    assert rendered(elsewhere.output) == []
    page = tmp_path / "docs" / "02-suite" / "cours-suite.md"
    page.write_text(page.read_text() + "\nUne phrase ajoutée.\n")
    stale = [tmp_path / "cache" / "trainee" / "fr" / "99-ancien", tmp_path / "cache" / "0123abcd.pdf"]
    stale[0].mkdir()
    (stale[0] / "0123abcd.pdf").write_bytes(b"%PDF-1.7")
    stale[1].write_bytes(b"%PDF-1.7")
    third = build(tmp_path, config)
    assert rendered(third.output) == ["fr/02-suite.pdf"]  # an untranslated page: its French PDF only
    assert re.search(r"pdf fr/01-bases\.pdf: \d+ pages, [\d.]+ s, cached", third.output)
    # A sentence more changes no title, page label or figure: the course's contents are not laid out again.
    assert re.search(r"pdf fr/formation-kubernetes\.pdf: .*, assembled from 3 chapters, its contents reused\n",
                     third.output)
    assert "2 stale cache entries removed" in third.output and not any(path.exists() for path in stale)
    assert len(list((tmp_path / "cache" / "trainee" / "fr" / "02-suite").glob("*.pdf"))) == 1  # the old render went
    home = tmp_path / "docs" / "index.md"
    home.write_text(home.read_text() + "\nUne ligne de plus.\n")  # a page of both languages (no translation)
    fourth = build(tmp_path, config)
    assert rendered(fourth.output) == ["en/00-accueil.pdf", "fr/00-accueil.pdf"]
    page.write_text(page.read_text().replace("# Cours : la suite", "# Cours : la suite et la fin", 1))
    fifth = build(tmp_path, config)  # a page title is in the course's contents: they are laid out again
    assert re.search(r"pdf fr/formation-kubernetes\.pdf: .*, assembled from 3 chapters\n", fifth.output)
    assert "la suite et la fin" in page_text(fifth.site / "pdf" / "fr" / "formation-kubernetes.pdf", 2)


def test_missing_image_stops_the_build_naming_the_page_and_writes_no_pdf(tmp_path):
    pages = {**PAGES, "02-suite/cours-suite.md": '# Suite\n\n<img alt="x" src="images/absente.svg">\n'}
    config = write_course(tmp_path, pages)
    env = {"PDF": "1", "PDF_CACHE_DIR": str(tmp_path / "cache")}
    result = run_mkdocs_build(config, tmp_path / "site", env=env)
    assert result.returncode != 0
    assert "02-suite/cours-suite.md: image 'images/absente.svg' not found" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "site" / "pdf" / "fr" / "02-suite.pdf").exists()
    assert not list((tmp_path / "site").rglob("*.tmp"))


def test_one_worker_or_two_give_identical_pdfs(tmp_path):
    config = write_course(tmp_path)
    # Undated builds, seconds apart: fontTools would stamp each embedded font with the second it was made.
    first = build(tmp_path, config, cache=tmp_path / "cache-a", name="site-a", env={"PDF_JOBS": "1"}, dated=False)
    second = build(tmp_path, config, cache=tmp_path / "cache-b", name="site-b", env={"PDF_JOBS": "2"}, dated=False)
    assert "laid out by 1 worker," in first.output and "laid out by 2 workers," in second.output
    pdfs = sorted((first.site / "pdf").rglob("*.pdf"))
    assert len(pdfs) == 6
    for path in pdfs:
        twin = second.site / path.relative_to(first.site)
        assert path.read_bytes() == twin.read_bytes(), path.name


def test_a_bad_pdf_jobs_stops_the_build_with_its_name(tmp_path):
    config = write_course(tmp_path)
    result = run_mkdocs_build(config, tmp_path / "site", env={"PDF": "1", "PDF_JOBS": "deux"})
    assert result.returncode != 0 and "PDF_JOBS='deux': expected a whole number of workers" in result.output
    assert "Traceback" not in result.output


def test_a_file_refused_in_a_worker_stops_the_build_naming_the_page(tmp_path):
    pages = {**PAGES, "02-suite/cours-suite.md": '# Suite\n\n<p style="background: url(file:///etc/hostname)">x</p>\n'}
    config = write_course(tmp_path, pages)
    result = run_mkdocs_build(config, tmp_path / "site", env={"PDF": "1", "PDF_CACHE_DIR": str(tmp_path / "cache")})
    assert result.returncode != 0
    assert "PDF 02-suite.pdf: 02-suite/cours-suite.md: a PDF may only embed files of the site" in result.output
    assert "Traceback" not in result.output
    assert not list((tmp_path / "site").rglob("*.tmp")) and not list((tmp_path / "cache").rglob("*.tmp"))


COURSE = "formation-kubernetes"


def labels(path) -> list[str]:
    return pypdf.PdfReader(path).page_labels


def test_the_course_pdf_is_the_chapter_pdfs_after_its_own_cover_and_contents(course):
    book = chapter_pdf(course, COURSE)
    chapters = [chapter_pdf(course, stem) for stem in ("00-accueil", "01-bases", "02-suite")]
    front = [label for label in labels(book) if not label[0].isdigit()]
    assert front == ["i", "ii"]  # cover and contents, then the chapters as they were rendered
    assert labels(book)[len(front):] == [label for path in chapters for label in labels(path)]
    start = len(front) + len(labels(chapters[0]))
    for number in range(1, len(labels(chapters[1])) + 1):  # the same pages, word for word
        assert page_text(book, start + number) == page_text(chapters[1], number)
    attachments = pypdf.PdfReader(book).attachments
    assert attachments["deployment.yaml"] == [DEPLOYMENT.encode()] and "etc-formation-web.conf" in attachments


def destination_page(reader, annotation) -> int:
    """The index of the page an explicit link destination ([page /XYZ left top zoom]) leads to."""
    pages = {page.indirect_reference.idnum: index for index, page in enumerate(reader.pages)}
    return pages[annotation["/Dest"][0].idnum]


def destination_label(reader, annotation) -> str:
    return reader.page_labels[destination_page(reader, annotation)]


def test_the_course_contents_print_the_page_each_entry_leads_to(course):
    book = chapter_pdf(course, COURSE)
    reader = pypdf.PdfReader(book)
    contents = page_text(book, 2)
    annotations = [annotation.get_object() for annotation in reader.pages[1]["/Annots"]]
    # An entry's title, rule and label are boxes of their own, each with its link: one entry each.
    entries = [a for i, a in enumerate(annotations) if i == 0 or a["/Contents"] != annotations[i - 1]["/Contents"]]
    printed = re.findall(r"\S\s{2,}(\d+-(?:\d+|[ivx]+))\s*$", contents, re.MULTILINE)  # a chapter: its cover, "1-i"
    assert len(entries) == len(printed) == 9  # chapters and pages (their sections: in each chapter), the figure
    assert [destination_label(reader, entry) for entry in entries] == printed
    tp = re.search(r"TP : déployer\s{2,}(\d+-\d+)", contents).group(1)
    assert page_text(book, reader.page_labels.index(tp) + 1).split("\n", 2)[-1].lstrip().startswith("TP : déployer")


def test_the_course_bookmarks_nest_each_chapter_and_lead_to_its_pages(course):
    reader = pypdf.PdfReader(chapter_pdf(course, COURSE))
    top = [item for item in reader.outline if not isinstance(item, list)]
    assert [plain(item.title) for item in top] == ["Chapitre 0 — Accueil", "Chapitre 1 — Bases", "Chapitre 2 — Suite"]
    assert [reader.page_labels[reader.get_destination_page_number(item)] for item in top] == ["0-i", "1-i", "2-i"]
    bases = reader.outline[reader.outline.index(top[1]) + 1]
    pages = [item for item in bases if not isinstance(item, list)]
    assert [plain(item.title) for item in pages] == ["Cours : les bases", "TP : déployer"]
    for item in pages:
        number = reader.get_destination_page_number(item) + 1
        assert plain(item.title) in page_text(chapter_pdf(course, COURSE), number)


def test_links_between_chapters_lead_inside_the_course_pdf(course):
    reader = pypdf.PdfReader(chapter_pdf(course, COURSE))
    uris = [
        annotation.get_object().get("/A", {}).get("/URI", "")
        for page in reader.pages for annotation in page.get("/Annots") or []
    ]
    assert not [uri for uri in uris if uri.startswith(PUBLISHED + "0")]  # every page of the course is inside
    cours = next(i for i, page in enumerate(reader.pages) if "Lire le TP puis la suite" in page.extract_text())
    targets = [
        plain(reader.pages[destination_page(reader, a.get_object())].extract_text())
        for a in reader.pages[cours]["/Annots"] if "/Dest" in a.get_object()
    ]
    assert any("Cours : la suite" in text for text in targets) and any("TP : déployer" in text for text in targets)


def test_the_course_pdf_is_one_tagged_document(course):
    reader = pypdf.PdfReader(chapter_pdf(course, COURSE))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and root["/Lang"] == "fr"
    tree = root["/StructTreeRoot"]
    keys = {int(key) for key in tree["/ParentTree"]["/Nums"][::2]}
    # Its own cover and contents, then each chapter's: its cover and contents, one Document per page.
    chapters = [pypdf.PdfReader(chapter_pdf(course, stem)) for stem in ("00-accueil", "01-bases", "02-suite")]
    assert len(tree["/K"]) == 1 + sum(len(chapter.trailer["/Root"]["/StructTreeRoot"]["/K"]) for chapter in chapters)
    for page in reader.pages:
        assert int(page["/StructParents"]) in keys
        for annotation in page.get("/Annots") or []:
            assert int(annotation.get_object()["/StructParent"]) in keys
    assert int(tree["/ParentTreeNextKey"]) == max(keys) + 1


# Runs `mkdocs build` in this process and says which PDF libraries it imported (its workers' are their own).
LOADED = (
    "import runpy, sys\n"
    "sys.argv = ['mkdocs', 'build', '--strict', '--config-file', sys.argv[1], '--site-dir', sys.argv[2]]\n"
    "try:\n"
    "    runpy.run_module('mkdocs', run_name='__main__')\n"
    "finally:\n"
    "    print('LOADED', sorted(name for name in ('weasyprint', 'pikepdf') if name in sys.modules))\n"
)


@pytest.mark.parametrize("pdf", ["0", "1"])
def test_the_build_process_never_imports_weasyprint_or_pikepdf(tmp_path, pdf):
    config = write_course(tmp_path)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT / "hooks"), "PDF": pdf,
           "PDF_CACHE_DIR": str(tmp_path / "cache")}
    result = subprocess.run([sys.executable, "-c", LOADED, str(config), str(tmp_path / "site")],
                            capture_output=True, text=True, env=env, cwd=tmp_path)
    assert "LOADED []" in result.stdout, result.stdout + result.stderr
    assert (tmp_path / "site" / "pdf" / "fr" / "formation-kubernetes.pdf").exists() == (pdf == "1")
