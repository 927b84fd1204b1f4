"""Withheld at the source: the `course.withhold` Markdown extension, extents, lookalikes, translations."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import markdown
import pytest

from course.corrections import CorrectionError, scan_corrections
from course.markdown import _html_attributes, referenced_files
from course.site import check_translation
from course.withhold import CHANNEL, PageRelease

DOCS = Path(__file__).parent.parent / "docs"
EXTENSIONS = [
    "course.withhold", "abbr", "admonition", "attr_list", "def_list", "footnotes", "md_in_html", "toc",
    "tables", "pymdownx.details", "pymdownx.superfences", "pymdownx.tabbed",
]

PAGE = textwrap.dedent(
    """\
    # TP

    Le terme KZZ et la [référence][ref] et une note[^n].

    ??? correction
        ## Étape cachée {#etape-cachee}

        Réponse SECRET-ONE avec KZZ.

        *[KZZ]: Kubernetes Zone Zéro SECRET-ABBR
        [ref]: https://example.org/SECRET-REF
        [^n]: La note SECRET-FOOTNOTE.

        ![schéma](images/reponse.svg)

        ```yaml title="reponse.yaml"
        secret: SECRET-CODE
        ```

    ??? correction deux "Deuxième"
        Réponse SECRET-TWO.
    """
)


def render(text: str, released=None, *, announce=True) -> tuple[str, markdown.Markdown]:
    if announce:
        CHANNEL.announce(PageRelease(page="p.md", released_ranks=frozenset(released or ())))
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs={"pymdownx.tabbed": {"alternate_style": True}})
    return md.convert(text), md


def test_a_withheld_correction_has_no_effect_on_the_rest_of_the_page():
    html, md = render(PAGE)
    assert "SECRET" not in html
    assert "<abbr" not in html  # the abbreviation defined inside does not apply outside
    assert "[référence][ref]" in html  # nor does the link reference
    assert 'class="footnote"' not in html and "[^n]" in html  # nor does the footnote
    assert "etape-cachee" not in str(md.toc_tokens)  # its heading is not in the table of contents
    assert html.count('class="correction correction-withheld"') == 2
    assert 'data-correction-rank="1"' in html and 'data-correction-rank="2"' in html


def test_a_released_correction_renders_in_full_and_only_it():
    html, _ = render(PAGE, released={1})
    assert "SECRET-ONE" in html and "SECRET-FOOTNOTE" in html and "<abbr" in html
    assert "SECRET-TWO" not in html
    assert '<details class="correction"' in html


def test_without_the_hooks_everything_is_withheld():
    """Fail-safe: a render nobody announced (no hooks, another engine) releases nothing."""
    CHANNEL.clear()
    html, _ = render(PAGE, announce=False)
    assert "SECRET" not in html
    CHANNEL.announce(PageRelease(page="p.md", released_ranks=frozenset({1, 2})))
    render(PAGE, announce=False)  # takes the announcement
    again, _ = render(PAGE, announce=False)  # a second render gets nothing
    assert "SECRET" not in again


def test_a_withheld_correction_in_a_tab_keeps_the_tab():
    text = '=== "kind"\n\n    ??? correction\n        SECRET-TAB\n\n    Après.\n\n=== "k3s"\n\n    Autre.\n'
    html, _ = render(text)
    assert "SECRET" not in html and "Après." in html and "Autre." in html
    assert html.index("correction-withheld") < html.index("Après.")


def test_tabs_in_the_source_are_expanded_as_markdown_does():
    html, _ = render("??? correction\n\tSECRET-TAB-INDENT\n")
    assert "SECRET" not in html


# --- no ambiguous extent -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (  # a line of a code block less indented than the body
            "??? correction\n    ```yaml\n    a: 1\n  b: 2\n    ```\n    SECRET\n",
            r"^docs/p\.md:4: this line ends the correction of line 1 early: it is indented 2 spaces and the body 4",
        ),
        (  # a lazy paragraph line
            "??? correction\n    Réponse\nsuite paresseuse\n    SECRET\n",
            r"^docs/p\.md:3: this line ends the correction of line 1 early: it follows the body without a blank",
        ),
        (  # a fence that closes outside the body
            "??? correction\n    ```text\n    a\n\nSECRET\n    ```\n",
            r"^docs/p\.md:2: the code block opened in the correction of line 1 closes at line 6, outside its body",
        ),
        (  # in a tab, a line between the header's indentation and the body's
            '=== "kind"\n\n    ??? correction\n        Réponse\n      SECRET\n',
            r"^docs/p\.md:5: this line ends the correction of line 3 early: it is indented 6 spaces and the body 8",
        ),
    ],
)
def test_an_ambiguous_extent_stops_the_build_at_the_line_that_ends_it(text, message):
    with pytest.raises(CorrectionError, match=message):
        scan_corrections(text, page="p.md", file="docs/p.md")


def test_clear_extents_pass():
    text = "??? correction\n    Un.\n\n        indenté plus\n\nDehors.\n\n??? correction\n    Deux.\n"
    found = scan_corrections(text, page="p.md")
    assert [(c.line, c.last_line) for c in found] == [(1, 4), (8, 9)]
    assert found[0].body == "Un.\n\n    indenté plus\n"


# --- no lookalike --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "??? corrections",
        "??? correction-tp",
        "??? note correction",
        "???+ Correction",
        "???correction",
        "??? correction a b",
        "??? correction Majuscule",
        '??? success "Correction"',
        '???+ note "Réponse"',
        '!!! tip "Solution de l\'exercice"',
        '??? "Answer"',
        '=== "Réponse"',
    ],
)
def test_a_lookalike_stops_the_build_with_the_fix(header):
    with pytest.raises(CorrectionError, match=r"^docs/p\.md:3: .*(correction|Correction).*\?\?\? correction"):
        scan_corrections(f"# T\n\n{header}\n    Answer.\n", page="p.md", file="docs/p.md")


@pytest.mark.parametrize(
    "html",
    [
        "<details><summary>Réponse</summary>La réponse.</details>",
        "<details markdown>\n<summary>Solution</summary>\nLa réponse.\n</details>",
        '<details class="correction" open>\n<summary>Voir</summary>\n</details>',
        "<details><summary><strong>Correction</strong></summary>…</details>",
    ],
)
def test_a_raw_details_holding_an_answer_is_refused(html):
    with pytest.raises(CorrectionError, match=r"^docs/p\.md:\d: a raw <details> holding an answer"):
        scan_corrections(f"# T\n\n{html}\n", page="p.md", file="docs/p.md")


def test_optional_blocks_and_code_examples_are_not_lookalikes():
    text = (
        '??? info "Facultatif : détails"\n    Texte.\n\n??? note "Solutions de stockage"\n    Texte.\n\n'
        "<details><summary>Pour aller plus loin</summary>Texte.</details>\n\n"
        '```markdown\n??? corrections\n<details><summary>Réponse</summary></details>\n```\n'
    )
    assert scan_corrections(text, page="p.md") == []


# --- translations --------------------------------------------------------------------------------


def sources(text: str, file: str):
    return scan_corrections(textwrap.dedent(text), page="p.md", file=file)


FRENCH = '??? correction un "Un"\n    A.\n\n??? correction deux "Deux"\n    B.\n'


def test_a_translation_with_the_same_identifiers_in_order_pairs():
    english = '??? correction un "One"\n    A.\n\n??? correction deux "Two"\n    B.\n'
    check_translation(sources(FRENCH, "docs/p.md"), sources(english, "docs/p.en.md"),
                      french_file="docs/p.md", translated_file="docs/p.en.md")


@pytest.mark.parametrize(
    ("english", "message"),
    [
        ('??? correction deux "Two"\n    B.\n\n??? correction un "One"\n    A.\n',
         r"docs/p\.en\.md:1: correction 1 is 'deux' but docs/p\.md:1 is 'un'.*out of order"),
        ('??? correction un "One"\n    A.\n',
         r"docs/p\.en\.md: the translation lacks the correction of docs/p\.md:4"),
        (FRENCH + '\n??? correction trois\n    C.\n',
         r"docs/p\.en\.md:7: correction 3 of the translation has no counterpart in docs/p\.md"),
        ('??? correction\n    A.\n\n??? correction\n    B.\n',
         r"docs/p\.en\.md:1: this page and its translation \(docs/p\.md, docs/p\.en\.md\)"),
    ],
)
def test_a_translation_that_does_not_match_names_both_files(english, message):
    with pytest.raises(CorrectionError, match=message):
        check_translation(sources(FRENCH, "docs/p.md"), sources(english, "docs/p.en.md"),
                          french_file="docs/p.md", translated_file="docs/p.en.md")


# --- files linked from a correction --------------------------------------------------------------


def test_referenced_files_are_resolved_from_the_page():
    text = (
        "![a](images/a.svg) [b](../02-y/b.yaml#x) [c](https://example.org/c.png)\n"
        '[r]: files/r.txt\n<img src="/images/d.png"> <object data="e.svg"></object> [f](%2e%2e/f.md)\n'
    )
    assert referenced_files(text, page="03-x/tp.md") == {
        "03-x/images/a.svg", "02-y/b.yaml", "03-x/files/r.txt", "images/d.png", "03-x/e.svg", "f.md",
    }


# The pattern the attribute search replaces, slower: what it finds, the search must find too.
ATTRIBUTE = re.compile(r"\b(?:src|href|data|poster)\s*=\s*[\"'](?P<target>[^\"']+)[\"']", re.IGNORECASE)


@pytest.mark.parametrize("text", [
    '<img src="a.png"> <video POSTER = \'b.png\'> <a\nhref\n=\n"c.md">',
    'title=" src="x.png"',  # an attribute inside a malformed value
    'alt="a=" src="y.png" datasrc="no.png" mydata="no.png" _src="no.png"',
    'src="z.png"', '=" src="w.png"', "ſrc='long-s.png'",
    *[pytest.param(path.read_text(encoding="utf-8"), id=path.relative_to(DOCS).as_posix())
      for path in sorted(DOCS.rglob("*.md"))],
])
def test_the_attribute_search_finds_what_the_plain_pattern_finds(text):
    assert [m.span("target") for m in _html_attributes(text)] == [m.span("target") for m in ATTRIBUTE.finditer(text)]
