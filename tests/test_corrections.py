"""Pure functions of course.corrections on small Markdown and HTML fixtures."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import jinja2
import markdown
import pytest

from course.chapters import Chapter
from course.corrections import (
    CorrectionError,
    apply_corrections,
    decide,
    number_corrections,
    parse_mode,
    parse_release_rules,
    scan_corrections,
)
from course.withhold import CHANNEL, PageRelease

OVERRIDES = Path(__file__).resolve().parent.parent / "overrides"
TODAY = dt.date(2026, 11, 25)

PAGE = textwrap.dedent(
    """\
    # TP

    ## 1. Créer un Pod

    ??? correction
        Réponse SENTINEL-ONE.

        ```bash
        kubectl get pods
        ```

    ```markdown
    ??? correction
    this is code, not a correction
    ```

    === "kind"

        ???+ correction final-kind "Dans kind"
            Réponse SENTINEL-TWO.

    ??? info "Facultatif : détails"
        Toujours visible.
    """
)


def render_markdown(text: str, released=frozenset(), announce=True) -> str:
    """Render as MkDocs does, `course.withhold` first; `released` are the ranks the hooks would announce."""
    if announce:
        CHANNEL.announce(PageRelease(page="03-x/tp.md", released_ranks=frozenset(released)))
    return markdown.markdown(
        text,
        extensions=[
            "course.withhold", "abbr", "admonition", "attr_list", "footnotes", "md_in_html", "toc",
            "pymdownx.details", "pymdownx.superfences", "pymdownx.tabbed",
        ],
        extension_configs={"pymdownx.tabbed": {"alternate_style": True}},
    )


def template_renderer(lang: str = "fr"):
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(OVERRIDES), autoescape=True)
    template = env.get_template("partials/correction.html")
    return lambda correction: template.render(correction=correction, lang=lang)


def chapter_with(page: str, number: int = 3) -> list[Chapter]:
    return [Chapter(number=number, slug=f"{number:02d}-x", title="X", pages=(page,))]


def numbered_page(text: str = PAGE, page: str = "03-x/tp.md"):
    sources = {page: scan_corrections(text, page=page)}
    return number_corrections(chapter_with(page), sources)


# --- scanning ------------------------------------------------------------------------------------


def test_scan_finds_corrections_outside_code_with_lines_ids_titles():
    found = scan_corrections(PAGE, page="03-x/tp.md")
    assert [(c.line, c.identifier, c.title, c.opened) for c in found] == [
        (5, "03-x/tp#1", None, False),
        (19, "final-kind", "Dans kind", True),
    ]


def test_empty_correction_names_file_and_line():
    text = "# T\n\n??? correction\nNot indented.\n"
    with pytest.raises(CorrectionError, match=r"^docs/p\.md:3: correction has no content"):
        scan_corrections(text, page="p.md", file="docs/p.md")


def test_correction_at_end_of_file_without_body_is_an_error():
    with pytest.raises(CorrectionError, match=r"p\.md:1: correction has no content"):
        scan_corrections("??? correction\n", page="p.md")


def test_nested_correction_is_an_error():
    text = "??? correction\n    Outer.\n\n    ??? correction\n        Inner.\n"
    with pytest.raises(CorrectionError, match=r"p\.md:4: a correction cannot be inside another"):
        scan_corrections(text, page="p.md")


def test_always_open_admonition_correction_is_refused():
    with pytest.raises(CorrectionError, match=r"p\.md:1: '!!! correction' is always visible"):
        scan_corrections("!!! correction\n    Answer.\n", page="p.md")


@pytest.mark.parametrize(
    "header", ['??? success "Correction"', '???+ note "Réponse"', '!!! tip "Solution de l\'exercice"']
)
def test_an_answer_written_as_another_block_is_refused(header):
    with pytest.raises(CorrectionError, match=r"p\.md:1: .* looks like an answer but is not a correction"):
        scan_corrections(f"{header}\n    Answer.\n", page="p.md")


def test_optional_blocks_are_not_answers():
    text = '??? info "Facultatif : détails"\n    Texte.\n\n??? note "Solutions de stockage"\n    Texte.\n'
    assert scan_corrections(text, page="p.md") == []


def test_two_corrections_in_sequence_are_not_nested():
    text = "??? correction\n    One.\n\n??? correction\n    Two.\n"
    assert [c.line for c in scan_corrections(text, page="p.md")] == [1, 4]


# --- numbering -----------------------------------------------------------------------------------


def test_numbering_runs_across_the_pages_of_a_chapter():
    chapters = [Chapter(2, "02-x", "X", ("02-x/a.md", "02-x/b.md"))]
    sources = {
        "02-x/a.md": scan_corrections("??? correction\n    A.\n", page="02-x/a.md"),
        "02-x/b.md": scan_corrections(
            "??? correction\n    B.\n\n??? correction\n    C.\n", page="02-x/b.md"
        ),
    }
    numbered = number_corrections(chapters, sources)
    assert [c.number for c in numbered["02-x/b.md"]] == ["2.2", "2.3"]
    assert numbered["02-x/b.md"][0].anchor == "correction-2-2"


def test_duplicate_explicit_identifier_names_both_places():
    chapters = [Chapter(1, "01-x", "X", ("01-x/a.md", "01-x/b.md"))]
    sources = {
        page: scan_corrections("\n??? correction same \"T\"\n    A.\n", page=page, file=f"docs/{page}")
        for page in chapters[0].pages
    }
    with pytest.raises(CorrectionError, match=r"docs/01-x/b\.md:2: .*'same' is already used at docs/01-x/a\.md:2"):
        number_corrections(chapters, sources)


# --- release rules -------------------------------------------------------------------------------


def rules(entries, numbered=None):
    numbered = numbered or numbered_page()
    return parse_release_rules(entries, numbered=numbered, chapters=chapter_with("03-x/tp.md"))


def test_modes_show_hide_release():
    first, second = numbered_page()["03-x/tp.md"]
    released = rules([{"id": "final-kind"}])
    assert decide(first, mode="show", rules=[], today=TODAY).present
    assert not decide(second, mode="hide", rules=released, today=TODAY).present
    assert not decide(first, mode="release", rules=released, today=TODAY).present
    assert decide(second, mode="release", rules=released, today=TODAY).present


@pytest.mark.parametrize(
    "entry",
    [{"chapter": 3}, {"page": "03-x/tp.md"}, {"id": "03-x/tp#1"}, {"chapter": 3, "from": "2026-11-25"}],
)
def test_each_kind_of_entry_releases(entry):
    first, _ = numbered_page()["03-x/tp.md"]
    decision = decide(first, mode="release", rules=rules([entry]), today=TODAY)
    assert decision.present and decision.reason.startswith("released by")


def test_future_date_is_scheduled_not_released():
    first, _ = numbered_page()["03-x/tp.md"]
    decision = decide(
        first, mode="release", rules=rules([{"chapter": 3, "from": dt.date(2026, 12, 1)}]), today=TODAY
    )
    assert not decision.present
    assert decision.reason == "scheduled by chapter 3 from 2026-12-01"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"chapter": 9}, r"release\[0\]: unknown chapter '9'"),
        ({"page": "03-x/absent.md"}, r"release\[0\]: unknown page '03-x/absent.md'"),
        ({"id": "nope"}, r"release\[0\]: unknown id 'nope'"),
        ({"chapter": 3, "from": "25/11/2026"}, r"release\[0\]\.from: '25/11/2026' is not a date"),
        ({"chapter": 3, "page": "03-x/tp.md"}, r"release\[0\]: give exactly one of"),
    ],
)
def test_bad_release_entries_name_the_key(entry, message):
    with pytest.raises(CorrectionError, match=message):
        rules([entry])


def test_unknown_mode_is_refused():
    assert parse_mode("SHOW") == "show"
    assert parse_mode(None) == "release"
    with pytest.raises(CorrectionError, match=r"CORRECTIONS variable\): unknown mode 'visible'"):
        parse_mode("visible")


# --- HTML ----------------------------------------------------------------------------------------


def apply(mode: str, release=(), lang="fr") -> str:
    numbered = numbered_page()
    corrections = numbered["03-x/tp.md"]
    decisions = [decide(c, mode=mode, rules=rules(list(release)), today=TODAY) for c in corrections]
    released = {c.source.rank_in_page for c, d in zip(corrections, decisions, strict=True) if d.present}
    return apply_corrections(
        render_markdown(PAGE, released),
        page="03-x/tp.md",
        corrections=corrections,
        decisions=decisions,
        render=template_renderer(lang),
    )


def test_show_keeps_every_answer_numbered_and_anchored():
    html = apply("show")
    assert "SENTINEL-ONE" in html and "SENTINEL-TWO" in html
    assert '<details class="correction" id="correction-3-1"' in html
    assert "Correction 3.2 — Dans kind" in html
    assert 'id="correction-3-2" data-correction="final-kind" open' in html
    assert "Toujours visible." in html  # optional block untouched


def test_hide_removes_every_answer_but_keeps_numbers_and_optional_blocks():
    html = apply("hide")
    assert "SENTINEL" not in html and "kubectl get pods" not in html
    assert html.count("Correction disponible après le TP.") == 2
    assert 'id="correction-3-1"' in html and "Correction 3.2 — Dans kind" in html
    assert "<details" in html and "Toujours visible." in html


def test_release_keeps_exactly_the_released_answer():
    html = apply("release", release=[{"id": "final-kind"}])
    assert "SENTINEL-TWO" in html and "SENTINEL-ONE" not in html


def test_english_build_says_solution():
    html = apply("hide", lang="en")
    assert "Solution 3.1" in html and "Solution available after the lab." in html


def test_rendered_count_mismatch_is_an_error():
    numbered = numbered_page()["03-x/tp.md"]
    with pytest.raises(CorrectionError, match="2 correction header"):
        apply_corrections(
            "<p>nothing</p>", page="03-x/tp.md", corrections=numbered,
            decisions=[None, None], render=template_renderer(),
        )
