"""Per-page transforms remembered across builds: reused only for the same input, settings and code."""

from __future__ import annotations

import os

import course.page_cache as page_cache
from conftest import make_fixture_site, run_mkdocs_build
from course.page_cache import PageCache


def counting(calls: list):
    def compute(html: str) -> str:
        calls.append(html)
        return html.upper()

    return compute


def test_a_result_is_reused_only_for_the_same_name_settings_and_html(tmp_path):
    calls = []
    cache = PageCache(tmp_path)
    assert cache.transform("typography", "<p>a</p>", counting(calls)) == "<P>A</P>"
    assert PageCache(tmp_path).transform("typography", "<p>a</p>", counting(calls)) == "<P>A</P>"  # another build
    assert len(calls) == 1
    cache.transform("typography", "<p>b</p>", counting(calls))
    cache.transform("tp_page", "<p>a</p>", counting(calls))
    cache.transform("typography", "<p>a</p>", counting(calls), settings="steps=True")
    assert calls == ["<p>a</p>", "<p>b</p>", "<p>a</p>", "<p>a</p>"]


def test_a_chain_of_transforms_is_reused_in_the_next_build_and_follows_a_change_between_them(tmp_path):
    """The second hook gets the first one's result: its entry is keyed by the first entry, not the HTML."""
    calls = []

    def chain(cache: PageCache, between=lambda html: html) -> str:
        numbered = cache.transform("corrections", "<p>a</p>", counting(calls))
        return cache.transform("typography", between(numbered), lambda html: (calls.append(html), html + "!")[1])

    assert chain(PageCache(tmp_path)) == "<P>A</P>!" and len(calls) == 2
    assert chain(PageCache(tmp_path)) == "<P>A</P>!" and len(calls) == 2  # another build: both reused
    # Another hook changed the HTML in between: the typography's input is hashed, not taken for the result.
    assert chain(PageCache(tmp_path), between=lambda html: html + "<p>b</p>") == "<P>A</P><p>b</p>!"
    assert calls[-1] == "<P>A</P><p>b</p>"
    # The same text, but not the string the cache returned: keyed by the text, computed once more.
    assert chain(PageCache(tmp_path), between=lambda html: "".join(list(html))) == "<P>A</P>!" and len(calls) == 4


def test_a_change_of_code_computes_again(tmp_path, monkeypatch):
    calls = []
    PageCache(tmp_path).transform("typography", "<p>a</p>", counting(calls))
    monkeypatch.setattr(page_cache, "code_version", lambda: "another version of hooks/course")
    PageCache(tmp_path).transform("typography", "<p>a</p>", counting(calls))
    assert len(calls) == 2


def test_an_error_is_never_remembered(tmp_path):
    def failing(html: str) -> str:
        raise ValueError("docs/page.md:3: bad correction")

    cache = PageCache(tmp_path)
    for _ in range(2):
        try:
            cache.transform("corrections", "<p>a</p>", failing)
        except ValueError:
            pass
        else:
            raise AssertionError("the error was swallowed")
    assert list(tmp_path.iterdir()) == []


def test_opening_keeps_the_most_recently_used_entries(tmp_path):
    cache = PageCache(tmp_path, limit=2)
    for number, html in enumerate(["<p>1</p>", "<p>2</p>", "<p>3</p>"]):
        cache.transform("typography", html, str.upper)
        for entry in tmp_path.iterdir():  # the entry just written is the newest
            if entry.read_text() == html.upper():
                os.utime(entry, (1_000_000 + number, 1_000_000 + number))
    cache.open(tmp_path)
    assert sorted(entry.read_text() for entry in tmp_path.iterdir()) == ["<P>2</P>", "<P>3</P>"]


PAGES = {
    "index.md": "# Accueil\n\nBienvenue.\n",
    "00-accueil/outils.md": "# Outils\n\nRien à corriger.\n",
    "01-bases/tp-a.md": """
        # TP A

        Question : combien de Pods l'ordonnanceur place-t-il ?

        ??? correction nombre "Le nombre"
            ZQX-PAGE-CACHE-ANSWER : trois Pods, un par nœud disponible ce matin-là.
        """,
}
NAV = [{"Accueil": ["index.md", "00-accueil/outils.md"]}, {"Bases": ["01-bases/tp-a.md"]}]


def test_a_warm_cache_follows_the_release_state_both_ways(tmp_path):
    """The same page HTML-wise until the corrections hook: its release decides what is published."""
    answer = "ZQX-PAGE-CACHE-ANSWER"
    page = tmp_path / "site" / "01-bases" / "tp-a" / "index.html"
    built = run_mkdocs_build(make_fixture_site(tmp_path, PAGES, NAV), tmp_path / "site", env={"PDF": "0"})
    assert built.returncode == 0, built.output
    assert answer not in page.read_text() and any((tmp_path / ".cache" / "pages").iterdir())
    released = make_fixture_site(tmp_path, PAGES, NAV, release=[{"id": "nombre"}])
    built = run_mkdocs_build(released, tmp_path / "site", env={"PDF": "0"})
    assert built.returncode == 0, built.output
    assert answer in page.read_text() and "Question 1.1" in page.read_text()
    withheld_again = make_fixture_site(tmp_path, PAGES, NAV)
    built = run_mkdocs_build(withheld_again, tmp_path / "site", env={"PDF": "0"})
    assert built.returncode == 0, built.output
    assert answer not in page.read_text() and "Correction disponible" in page.read_text()
    assert "audit: 1 corrections withheld, 0 found in" in built.output
