"""French spacing on rendered HTML, never inside code."""

from course.typography import NARROW_NBSP, NBSP, french_spacing, french_spacing_text


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
    result = french_spacing(html)
    assert "<code>a : b</code>" in result and "<pre><code>x : y ?</code></pre>" in result
    assert f"</code>{NBSP}: ensuite" in result and f"</kbd>{NARROW_NBSP}?" in result
