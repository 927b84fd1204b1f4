"""WeasyPrint's early line break before inline code (issue 11, fault 2): the reproduction and our workaround;
the font subsetter WeasyPrint uses, named in the PDF cache keys.

When it is fixed upstream, the strict xfail below starts passing and fails the
run: drop `_detach_spaces_before_inline_code` in course/pdf_document.py then.
"""

from __future__ import annotations

import pytest
import weasyprint
from weasyprint.formatting_structure import boxes
from weasyprint.text import ffi

from course.pdf_document import PrintPage, prepare_pages
from course.pdf_jobs import layout_engine

PARAGRAPH = (
    "<p>Une expression jsonpath suit le chemin des champs dans la sortie YAML ou JSON\u00a0: "
    "<code>.spec.containers[0].image</code> signifie « le champ <code>image</code> du premier élément "
    "de la liste <code>containers</code>, dans <code>spec</code> ». La page en donne beaucoup.</p>"
)
STYLE = (
    "@page { size: A4; margin: 0 }"
    ' body { margin: 0; width: 174mm; font: 10pt "DejaVu Sans"; }'
    " p { hyphens: auto; }"
    ' code { font: 8.8pt "DejaVu Sans Mono"; hyphens: none; padding: 0 2pt; }'
)


def line_widths(body: str) -> list[float]:
    """Width of each line of the paragraph, as a fraction of the column."""
    html = f'<html lang="fr"><style>{STYLE}</style><body>{body}</body></html>'
    page = weasyprint.HTML(string=html).render().pages[0]
    paragraph = next(box for box in page._page_box.descendants() if box.element_tag == "p")
    lines = [child for child in paragraph.children if isinstance(child, boxes.LineBox)]
    return [sum(child.margin_width() for child in line.children) / paragraph.width for line in lines]


def full_lines(widths: list[float]) -> bool:
    return all(width > 0.7 for width in widths[:-1])


@pytest.mark.xfail(strict=True, reason="WeasyPrint breaks the line after 'Une' (fault 2 of issue 11)")
def test_weasyprint_breaks_lines_before_inline_code_where_they_are_full():
    assert full_lines(line_widths(PARAGRAPH))


def test_pages_prepared_for_print_avoid_the_early_break():
    (printed,) = prepare_pages(
        [PrintPage(src="a.md", url="a/", title="T", html=PARAGRAPH)], site_dir=None, site_url=""
    )
    widths = line_widths(printed.html)
    assert len(widths) >= 2 and full_lines(widths), widths


def test_the_cache_keys_name_the_font_subsetter_weasyprint_uses():
    # WeasyPrint's own test (weasyprint.pdf.fonts.Font.subset), against ours made without importing it.
    uses_harfbuzz = bool(ffi.harfbuzz_subset) and ffi.harfbuzz.hb_version_atleast(4, 1, 0)
    assert ("fonts subset by HarfBuzz" in layout_engine()) == uses_harfbuzz
    assert uses_harfbuzz, "`make system-deps` installs libharfbuzz-subset0: with fontTools, PDFs take longer"
