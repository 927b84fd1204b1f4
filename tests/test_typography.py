"""French spacing and apostrophes on rendered HTML, never inside code, URLs or attributes."""

from course.typography import (
    APOSTROPHE,
    NARROW_NBSP,
    NBSP,
    french_apostrophes_text,
    french_spacing_text,
    french_typography,
    french_typography_text,
)


def test_spaces_before_double_punctuation_become_non_breaking():
    assert french_spacing_text("Vous devez voir : ceci ; oui ! non ?") == (
        f"Vous devez voir{NBSP}: ceci{NARROW_NBSP}; oui{NARROW_NBSP}! non{NARROW_NBSP}?"
    )


def test_guillemets_get_non_breaking_spaces_inside():
    assert french_spacing_text("le mot «cluster» et « nœud »") == (
        f"le mot «{NBSP}cluster{NBSP}» et «{NBSP}nœud{NBSP}»"
    )


def test_urls_and_times_without_spaces_are_left_alone():
    assert french_spacing_text("https://kubernetes.io et 10:30") == "https://kubernetes.io et 10:30"


def test_code_kbd_and_pre_are_untouched_but_text_after_them_is_fixed():
    html = '<p>Tapez <code>a : b</code> : ensuite <kbd>Ctrl</kbd> ?</p><pre><code>x : y ?</code></pre>'
    result = french_typography(html)
    assert "<code>a : b</code>" in result and "<pre><code>x : y ?</code></pre>" in result
    assert f"</code>{NBSP}: ensuite" in result and f"</kbd>{NARROW_NBSP}?" in result


def test_elisions_get_the_typographic_apostrophe():
    assert french_apostrophes_text("l'API d'un nœud, aujourd'hui, Let's Encrypt") == (
        f"l{APOSTROPHE}API d{APOSTROPHE}un nœud, aujourd{APOSTROPHE}hui, Let{APOSTROPHE}s Encrypt"
    )


def test_an_apostrophe_not_after_a_letter_is_left_alone():
    assert french_apostrophes_text("la valeur 'x' et 5'") == f"la valeur 'x{APOSTROPHE} et 5'"


def test_urls_in_prose_keep_their_straight_apostrophes():
    text = "voir https://example.org/l'objet?a=b'c puis l'aide"
    assert french_apostrophes_text(text) == f"voir https://example.org/l'objet?a=b'c puis l{APOSTROPHE}aide"


def test_spacing_and_apostrophes_together():
    assert french_typography_text("Qu'est-ce que l'API ?") == (
        f"Qu{APOSTROPHE}est-ce que l{APOSTROPHE}API{NARROW_NBSP}?"
    )


def test_apostrophes_stay_straight_in_code_and_attributes_but_change_around_them():
    html = (
        "<p>Lancez l'outil <code>echo 'l'</code> d'abord "
        '<a href="/l\'page/" title="l\'aide">l\'aide</a>'
        '<img alt="l\'image" src="a.svg"></p>'
        "<pre><code>kubectl get pods -o jsonpath='{.items}'</code></pre>"
        "<p><kbd>l'</kbd></p>"
    )
    result = french_typography(html)
    assert f"l{APOSTROPHE}outil <code>echo 'l'</code> d{APOSTROPHE}abord" in result
    assert 'href="/l\'page/"' in result and 'title="l\'aide"' in result and 'alt="l\'image"' in result
    assert f">l{APOSTROPHE}aide</a>" in result
    assert "jsonpath='{.items}'</code></pre>" in result and "<kbd>l'</kbd>" in result
