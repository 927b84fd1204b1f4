"""Pure rewriting of rendered pages into one printable document (no WeasyPrint, no build)."""

from __future__ import annotations

import pytest

from course.html import parse_fragment
from course.pdf_code import CONTINUATION, unwrap
from course.pdf_document import CODE_COLUMNS, PdfSourceError, PrintPage, prepare_pages, unique_file_names
from course.pdf_site import build_day, document_title, pdf_href

SITE_URL = "https://formation.example.org/"


def page(url, html, src=None, title="T"):
    return PrintPage(src=src or url.rstrip("/") + ".md", url=url, title=title, html=html)


def test_ids_are_prefixed_per_page_and_links_follow():
    pages = [
        page("01-x/a/", '<h2 id="etape">É</h2><a href="#etape">ici</a><a href="../b/#fin">b</a>'),
        page("01-x/b/", '<h2 id="etape">É</h2><p id="fin">F</p><a href="../a/">a</a>'),
    ]
    first, second = prepare_pages(pages, site_dir=None, site_url=SITE_URL)
    assert 'id="p1-etape"' in first.html and 'href="#p1-etape"' in first.html
    # Each page is laid out on its own: a link to another page leads to its anchor in the chapter PDF.
    assert 'href="course-dest:p2-fin"' in first.html
    assert 'id="p2-etape"' in second.html and 'href="course-dest:p1"' in second.html
    (alone,) = prepare_pages([page("01-x/a/", '<p id="x"><a href="../a/#x">x</a></p>')], site_dir=None,
                             site_url=SITE_URL)
    assert 'href="#p1-x"' in alone.html  # within its own page


def test_links_outside_the_document_go_to_the_published_site_and_external_links_are_marked():
    pages = [page("en/01-x/a/", '<a href="../../02-y/c/#s">c</a> <a href="https://kubernetes.io/">k</a>')]
    (printed,) = prepare_pages(pages, site_dir=None, site_url=SITE_URL)
    assert f'href="{SITE_URL}en/02-y/c/#s"' in printed.html
    links = {link.text: link.get("class").split() for link in parse_fragment(printed.html).iter("a")}
    assert links == {"c": ["external", "other-chapter", "show-url"], "k": ["external", "show-url"]}


def test_a_link_whose_text_is_its_address_does_not_print_it_again():
    html = '<a href="https://kubernetes.io/docs/">https://kubernetes.io/docs/</a><a href="https://k8s.io">k8s.io</a>'
    (printed,) = prepare_pages([page("01-x/a/", html)], site_dir=None, site_url=SITE_URL)
    assert "show-url" not in printed.html


def test_pages_keep_their_own_language():
    pages = [page("en/01-x/a/", "<p>A</p>", src="01-x/a.en.md"), page("en/01-x/b/", "<p>B</p>", src="01-x/b.md")]
    assert [printed.lang for printed in prepare_pages(pages, site_dir=None, site_url=SITE_URL)] == ["en", "fr"]


def test_tabs_print_one_after_the_other_under_their_labels():
    html = (
        '<div class="tabbed-set tabbed-alternate" data-tabs="1:2">'
        '<input checked="checked" id="__tabbed_1_1" name="__tabbed_1" type="radio">'
        '<input id="__tabbed_1_2" name="__tabbed_1" type="radio">'
        '<div class="tabbed-labels"><label for="__tabbed_1_1">minikube</label>'
        '<label for="__tabbed_1_2">kind</label></div>'
        '<div class="tabbed-content"><div class="tabbed-block"><p>A</p></div>'
        '<div class="tabbed-block"><p>B</p></div></div></div>'
    )
    (printed,) = prepare_pages([page("01-x/a/", html)], site_dir=None, site_url=SITE_URL)
    assert "<input" not in printed.html and "tabbed-labels" not in printed.html
    assert printed.html.index("minikube") < printed.html.index(">A<") < printed.html.index("kind")
    assert printed.html.index("kind") < printed.html.index(">B<")


def test_details_print_open_with_their_summary_as_title():
    html = '<details class="note"><summary>Facultatif</summary><p>Texte</p></details>'
    (printed,) = prepare_pages([page("01-x/a/", html)], site_dir=None, site_url=SITE_URL)
    assert "<details" not in printed.html
    assert '<p class="admonition-title">Facultatif</p>' in printed.html


def test_a_missing_image_names_the_page(tmp_path):
    pages = [page("01-x/a/", '<img src="images/absente.svg" alt="x">', src="01-x/a.md")]
    with pytest.raises(PdfSourceError, match=r"^01-x/a\.md: image 'images/absente.svg' not found"):
        prepare_pages(pages, site_dir=tmp_path, site_url=SITE_URL)


def test_titled_code_blocks_are_collected_for_attachment_except_skeletons():
    html = (
        '<div class="language-yaml highlight"><span class="filename">svc.yaml</span>'
        "<pre><code>kind: Service\n</code></pre></div>"
        '<div class="language-yaml highlight"><span class="filename">web.yaml (squelette à compléter)</span>'
        "<pre><code>kind: &lt;x&gt;\n</code></pre></div>"
        '<div class="language-yaml highlight"><span class="filename">web.yaml (skeleton)</span>'
        "<pre><code>kind: &lt;x&gt;\n</code></pre></div>"
    )
    (printed,) = prepare_pages([page("01-x/a/", html)], site_dir=None, site_url=SITE_URL)
    assert printed.code_files == [("svc.yaml", "kind: Service\n")]
    assert "short-block" in printed.html


def test_attachment_names_are_made_unique():
    files = [("a.yaml", "1"), ("a.yaml", "2"), ("b.yaml", "3"), ("etc-x.d-y", "4"), ("etc-x.d-y", "5"), ("a.yaml", "1")]
    assert unique_file_names(files) == [
        ("a.yaml", "1"), ("a-2.yaml", "2"), ("b.yaml", "3"), ("etc-x.d-y", "4"), ("etc-x.d-y-2", "5")
    ]


def test_paths_in_titles_become_names_a_viewer_can_save():
    html = "".join(
        f'<div class="language-yaml highlight"><span class="filename">{title}</span><pre><code>x\n</code></pre></div>'
        for title in ("k8s/frontend.yaml", "/etc/apt/preferences.d/mozilla-firefox", "config (exemple)",
                      "extrait du Deployment")
    )
    (printed,) = prepare_pages([page("01-x/a/", html)], site_dir=None, site_url=SITE_URL)
    assert [name for name, _ in printed.code_files] == ["k8s-frontend.yaml", "etc-apt-preferences.d-mozilla-firefox"]


def test_pdf_links_are_relative_to_the_page():
    assert pdf_href("", "pdf/fr/01-x.pdf") == "pdf/fr/01-x.pdf"
    assert pdf_href("01-x/tp/", "pdf/fr/01-x.pdf") == "../../pdf/fr/01-x.pdf"
    assert pdf_href("en/01-x/tp/", "pdf/en/01-x.pdf") == "../../../pdf/en/01-x.pdf"


def test_document_title_and_build_day():
    assert document_title("Formation", [(3, "Objets")]) == "Formation — 3. Objets"
    assert document_title("Formation", [(0, "A"), (1, "B")]) == "Formation"
    day = build_day({"SOURCE_DATE_EPOCH": "1764075599"})  # 2025-11-25 12:59:59 UTC
    assert day.isoformat() == "2025-11-25T00:00:00+00:00"


def test_long_code_lines_are_cut_before_a_space_or_inside_a_word_and_unwrap_exactly():
    command = "kubectl get pods --all-namespaces --output wide --selector app=monsterstack,partie=frontend --watch"
    image = "    image: kindest/node:v1.35.8@sha256:07b2536e30b803ed61d1677a79df6115f798ce64c80f9e22f6ed45afd09323c0"
    html = (
        '<div class="language-bash highlight"><pre><span></span><code>'
        f'<span id="__span-0-1">{command}\n</span><span id="__span-0-2"><span class="w">short</span>\n</span>'
        f'<span id="__span-0-3"><span class="nt">{image[:10]}</span>{image[10:]}\n</span></code></pre></div>'
    )
    (printed,) = prepare_pages([page("01-x/a/", html)], site_dir=None, site_url=SITE_URL)
    code = parse_fragment(printed.html).find(".//code")
    lines = code.text_content().split("\n")
    assert all(len(line) <= CODE_COLUMNS for line in lines)
    assert lines[1].startswith("  " + CONTINUATION + " ")  # cut before a space: the space follows the mark
    assert lines[3].startswith("    image: kindest/") and len(lines[3]) == CODE_COLUMNS  # cut inside a word
    assert lines[4].startswith("      " + CONTINUATION) and lines[4][7] != " "
    assert unwrap(code.text_content()) == f"{command}\nshort\n{image}\n"
    assert {span.get("class") for span in code.iter("span")} == {"code-wrap", "code-wrap-mark"}  # print has no colours
    assert "wrapped" in parse_fragment(printed.html).find("div").get("class")


def test_code_nested_in_lists_and_admonitions_is_cut_earlier():
    line = "x" * (CODE_COLUMNS - 3)
    block = f'<div class="highlight"><pre><code>{line}\n</code></pre></div>'
    nested = f'<ul><li><div class="admonition note">{block}</div></li></ul>'
    top, inner = prepare_pages([page("01-x/a/", block), page("01-x/b/", nested)], site_dir=None, site_url=SITE_URL)
    assert CONTINUATION not in top.html
    assert CONTINUATION in inner.html


def test_wide_command_output_is_printed_smaller_instead_of_cut():
    row = "NAME" + " " * 60 + "READY   STATUS    RESTARTS   AGE   IP"
    block = f'<div class="language-text highlight"><pre><code>{row}\n</code></pre></div>'
    (printed,) = prepare_pages([page("01-x/a/", block)], site_dir=None, site_url=SITE_URL)
    assert "small-code" in printed.html and CONTINUATION not in printed.html


def test_a_lead_in_is_marked_to_stay_with_its_block():
    html = "<p>Vous devez voir :</p><div class='highlight'><pre><code>ok\n</code></pre></div><p>Fin :</p><p>x</p>"
    (printed,) = prepare_pages([page("01-x/a/", html)], site_dir=None, site_url=SITE_URL)
    assert '<p class="lead-in">Vous devez voir :</p>' in printed.html
    assert "<p>Fin :</p>" in printed.html  # followed by a paragraph: nothing to keep it with


def test_a_prepared_page_is_remembered_wherever_the_site_is_built_and_its_images_checked_again(tmp_path, monkeypatch):
    import course.pdf_document as pdf_document
    from course.page_cache import PageCache

    cache = PageCache()
    cache.open(tmp_path / "cache")
    sites = [tmp_path / "site-a", tmp_path / "site-b"]
    for site in sites:
        (site / "01-x" / "a" / "images").mkdir(parents=True)
        (site / "01-x" / "a" / "images" / "schema.svg").write_text("<svg/>")
    pages = [page("01-x/a/", '<h2 id="s">Section</h2><figure id="f"><img src="images/schema.svg" alt="x">'
                             "<figcaption>Figure 1.1 — Un schéma</figcaption></figure>", src="01-x/a.md")]
    first = prepare_pages(pages, site_dir=sites[0], site_url=SITE_URL, cache=cache)[0]
    assert 'src="01-x/a/images/schema.svg"' in first.html  # from the site's root: no site folder in the HTML

    prepared = []
    real = pdf_document._prepare_page
    monkeypatch.setattr(pdf_document, "_prepare_page", lambda *args, **kw: prepared.append(1) or real(*args, **kw))
    again = prepare_pages(pages, site_dir=sites[1], site_url=SITE_URL, cache=cache)[0]
    assert prepared == [] and again.html == first.html and again.sections == first.sections == [("p1-s", "Section")]
    assert again.figures == first.figures and again.files == {sites[1].resolve() / "01-x/a/images/schema.svg"}

    (sites[1] / "01-x" / "a" / "images" / "schema.svg").unlink()  # gone since: the page's error, not a stale entry
    with pytest.raises(PdfSourceError, match=r"01-x/a\.md: image 'images/schema\.svg' not found"):
        prepare_pages(pages, site_dir=sites[1], site_url=SITE_URL, cache=cache)
