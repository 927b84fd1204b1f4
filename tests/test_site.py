"""The real course, built once: languages, pages, 404, offline assets; and strict link checks."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlparse

import pypdf
import pytest
from lxml import html as lxml_html

from conftest import ROOT, make_fixture_site, run_mkdocs_build

ASSET_ATTRIBUTES = {
    "script": "src",
    "img": "src",
    "link": "href",  # stylesheets, icons, preloads
    "source": "src",
    "iframe": "src",
    "video": "src",
    "audio": "src",
}


def nav_pages(config) -> list[str]:
    pages = []

    def walk(items):
        for item in items:
            if isinstance(item, str):
                pages.append(item)
            elif isinstance(item, dict):
                for value in item.values():
                    walk(value if isinstance(value, list) else [value])

    walk(config["nav"])
    return pages


def built_path(site: Path, page: str, language: str = "") -> Path:
    stem = page.removesuffix(".md")
    folder = site / language if language else site
    if stem == "index":
        return folder / "index.html"
    return folder / stem / "index.html"


def test_both_languages_and_every_nav_page_are_built(real_site, real_config):
    for page in nav_pages(real_config):
        for language in ("", "en"):
            path = built_path(real_site.site, page, language)
            assert path.is_file(), f"{page} not built for {language or 'fr'}"
    french = lxml_html.parse(str(real_site.site / "index.html")).getroot()
    english = lxml_html.parse(str(real_site.site / "en" / "index.html")).getroot()
    assert french.get("lang") == "fr" and english.get("lang") == "en"


def test_translated_pages_are_in_english_and_others_fall_back_to_french(real_site):
    tools_en = (real_site.site / "en" / "00-accueil" / "outils" / "index.html").read_text()
    tools_fr = (real_site.site / "00-accueil" / "outils" / "index.html").read_text()
    assert tools_en != tools_fr
    assert "Guacamole" in tools_en and "Guacamole" in tools_fr
    intro_en = lxml_html.parse(
        str(real_site.site / "en" / "00-accueil" / "introduction" / "index.html")
    ).getroot()
    assert "DevOps" in intro_en.text_content()  # the French page, served under /en/


def test_home_pages_name_the_kubernetes_version_of_mkdocs_yml(real_site, real_config):
    """The version is set once (extra.kubernetes_version, used by `make check`); the home pages say it."""
    version = real_config["extra"]["kubernetes_version"]
    for home in (real_site.site / "index.html", real_site.site / "en" / "index.html"):
        text = lxml_html.parse(str(home)).getroot().text_content().replace("\u00a0", " ")
        assert f"Kubernetes {version}" in text, home


def test_every_chapter_has_its_pdf_and_a_translated_one_its_english_pdf(real_site, real_config):
    chapters = [next(iter(section)) for section in real_config["nav"]]
    folders = sorted({page.split("/")[0] for page in nav_pages(real_config) if "/" in page})
    assert len(folders) == len(chapters)
    for folder in [*folders, "formation-kubernetes"]:
        assert (real_site.site / "pdf" / "fr" / f"{folder}.pdf").is_file(), folder
    translated = sorted({page.split("/")[0] for page in nav_pages(real_config)
                         if "/" in page and (ROOT / "docs" / page.replace(".md", ".en.md")).is_file()})
    english = sorted(path.stem for path in (real_site.site / "pdf" / "en").glob("*.pdf"))
    assert english == sorted([*translated, "formation-kubernetes"])  # no French PDF relabelled as English
    welcome = pypdf.PdfReader(real_site.site / "pdf" / "en" / "00-accueil.pdf")
    assert welcome.metadata.title == "Kubernetes training — 0. Home (trainee edition)"
    assert welcome.trailer["/Root"]["/Lang"] == "en"


def test_404_page_in_french_at_the_root_and_in_english_under_en(real_site):
    french = lxml_html.parse(str(real_site.site / "404.html")).getroot()
    english = lxml_html.parse(str(real_site.site / "en" / "404.html")).getroot()
    assert french.get("lang") == "fr" and "Page introuvable" in french.text_content()
    assert english.get("lang") == "en" and "Page not found" in english.text_content()
    # The language selector leads to each language's home, not to the last page built.
    for page in (french, english):
        links = {a.get("hreflang"): a.get("href") for a in page.xpath("//a[contains(@class, 'md-select__link')]")}
        assert links == {"fr": "/", "en": "/en/"}


def test_no_page_has_per_language_alternate_links(real_site):
    """Material would fetch sitemap.xml next to each one: two requests answered 404 per page."""
    for path in real_site.site.rglob("*.html"):
        head = lxml_html.parse(str(path)).getroot().find("head")
        assert head.xpath("link[@rel='alternate'][@hreflang]") == [], path


def test_search_index_has_every_section_with_its_page_in_both_languages(real_site):
    docs = json.loads((real_site.site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    locations = [doc["location"] for doc in docs]
    pages = {location for location in locations if "#" not in location}
    orphans = [location for location in locations if "#" in location and location.split("#")[0] not in pages]
    assert orphans == []
    assert len(locations) == len(set(locations))
    french = {location for location in locations if not location.startswith("en/")}
    english = {location.removeprefix("en/") for location in locations if location.startswith("en/")}
    # Untranslated pages have their English copy (its anchors are the French ones).
    assert "01-premiers-pas/tp-decouvrir-kubectl/" in french & english


def test_no_asset_is_loaded_from_another_host(real_site):
    offenders = []
    for path in real_site.site.rglob("*.html"):
        tree = lxml_html.parse(str(path)).getroot()
        for tag, attribute in ASSET_ATTRIBUTES.items():
            for element in tree.iter(tag):
                if tag == "link" and element.get("rel") in {"alternate", "canonical"}:
                    continue  # navigation links, not loaded by the browser
                url = element.get(attribute) or ""
                if urlparse(url).netloc:
                    offenders.append(f"{path.relative_to(real_site.site)}: <{tag}> {url}")
    for path in real_site.site.rglob("*.css"):
        text = path.read_text(errors="replace")
        if "fonts.googleapis" in text or "@import url(http" in text:
            offenders.append(str(path))
    assert offenders == []


def test_search_index_is_local_and_holds_french_text(real_site):
    index = (real_site.site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "conteneur" in index
    assert (real_site.site / "assets" / "javascripts").is_dir()


def test_shell_blocks_hold_only_commands(real_site):
    """What the copy button copies (the code text) never holds a prompt."""
    prompts = []
    for path in real_site.site.rglob("index.html"):
        tree = lxml_html.parse(str(path)).getroot()
        for block in tree.xpath("//div[contains(@class, 'language-bash')]//pre/code"):
            for line in block.text_content().splitlines():
                if line.lstrip().startswith(("$ ", "❯ ", "% ")):
                    prompts.append(f"{path.relative_to(real_site.site)}: {line}")
    assert prompts == []


@pytest.mark.parametrize(
    ("link", "message"),
    [
        ("00-accueil/absente.md", "Doc file 'index.md' contains a link '00-accueil/absente.md'"),
        ("00-accueil/a.md#nulle-part", "Doc file 'index.md' contains a link '00-accueil/a.md#nulle-part'"),
    ],
    ids=["dead-link", "missing-anchor"],
)
def test_a_dead_link_or_anchor_fails_the_build_naming_the_page(tmp_path, link, message):
    config = make_fixture_site(
        tmp_path,
        {
            "index.md": f"# Accueil\n\nVoir [la page]({link}).\n",
            "00-accueil/a.md": "# A\n\n## Une section\n",
        },
        nav=[{"Accueil": ["index.md", "00-accueil/a.md"]}],
    )
    build = run_mkdocs_build(config, tmp_path / "site")
    assert build.returncode != 0
    assert message in build.output


def test_french_prose_has_typographic_apostrophes_and_code_keeps_straight_ones(real_site, real_config):
    """The typography hook: no ' left in French prose (page body, contents, title), ' kept in code."""
    verbatim = {"code", "pre", "kbd", "script", "style"}
    straight_in_code = 0
    for page in nav_pages(real_config):
        root = lxml_html.parse(str(built_path(real_site.site, page))).getroot()
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            in_code = any(node.tag in verbatim for node in (element, *element.iterancestors()))
            if in_code:
                if element.tag in ("code", "pre"):
                    straight_in_code += (element.text or "").count("'")
                continue
            for child in element:
                assert "'" not in (child.tail or ""), f"{page}: {child.tail!r}"
            assert "'" not in (element.text or ""), f"{page}: {element.text!r}"
    assert straight_in_code > 0  # jsonpath, shell quoting: code is left as written


def test_questions_carry_the_number_of_the_correction_that_answers_them(real_site):
    questions = 0
    for path in real_site.site.glob("[0-9]*/tp-*/index.html"):
        tree = lxml_html.parse(str(path)).getroot()
        article = tree.xpath("//article")[0]
        elements = list(article.iter())
        for question in article.xpath(".//p[contains(@class, 'course-question')]"):
            questions += 1
            label = question.xpath("string(.//span[@class='course-question-label'])")
            number = label.split()[-1]
            anchor = f"correction-{number.replace('.', '-')}"
            following = elements[elements.index(question) :]
            first = next(e for e in following if (e.get("id") or "").startswith("correction-"))
            assert first.get("id") == anchor, f"{path}: {label} is answered by {first.get('id')}"
            assert question.get("id") == f"question-{number.replace('.', '-')}"
    assert questions >= 10


def test_chapter_pdf_links_open_in_the_browser(real_site):
    page = lxml_html.parse(str(real_site.site / "03-objets-fondamentaux" / "tp-monsterstack" / "index.html"))
    (link,) = page.xpath("//div[@class='course-pdf-link']/a")
    assert link.get("download") is None and link.get("href").endswith("03-objets-fondamentaux.pdf")
    chapter = page.xpath("string(//nav[@class='course-chapter'])")
    assert "Chapitre 3 · Objets fondamentaux" in chapter
