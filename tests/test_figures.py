"""Figure numbering: pure function, and the same numbers on the site and in the chapter PDF."""

from __future__ import annotations

from course.figures import number_figures
from course.html import parse_fragment


def test_stand_alone_images_become_numbered_figures_with_a_caption():
    html = (
        '<p><img alt="Architecture d\'un cluster : kubectl parle au kube-apiserver" src="a.svg"></p>'
        '<p>Texte avec une icône <img alt="i" src="i.svg"> au milieu.</p>'
        '<p><img alt="Une description longue" src="b.svg" title="Le chemin d\'une requête"></p>'
    )
    numbered, figures = number_figures(html, chapter=3, first=2)
    assert [(figure.anchor, figure.number, figure.caption) for figure in figures] == [
        ("figure-3-2", "3.2", "Architecture d'un cluster"),
        ("figure-3-3", "3.3", "Le chemin d'une requête"),
    ]
    root = parse_fragment(numbered)
    captions = [" ".join(caption.text_content().split()) for caption in root.iter("figcaption")]
    assert captions == ["Figure 3.2 — Architecture d'un cluster", "Figure 3.3 — Le chemin d'une requête"]
    assert root.find(".//figure[@id='figure-3-2']/img").get("src") == "a.svg"
    assert len(root.xpath(".//p/img")) == 1  # the inline icon is not a figure


def test_a_page_without_figures_is_left_alone():
    html = "<p>Rien à voir.</p>"
    assert number_figures(html, chapter=1) == (html, [])


def test_a_long_description_without_a_title_is_cut_at_its_first_comma():
    alt = "Un Deployment web contient un ReplicaSet actif avec trois Pods, chacun avec un conteneur nginx, et un autre"
    _, (figure,) = number_figures(f'<p><img alt="{alt}" src="a.svg"></p>', chapter=3)
    assert figure.caption == "Un Deployment web contient un ReplicaSet actif avec trois Pods"


def test_captions_get_the_page_typography():
    _, (figure,) = number_figures('<p><img alt="L\'architecture" src="a.svg"></p>', chapter=1, prose=str.upper)
    assert figure.caption == "L'ARCHITECTURE"
