"""The two languages of the site: per-page alternate links dropped, language prefixes, fallbacks."""

from __future__ import annotations

from course.languages import drop_alternate_language_links, is_untranslated, other_language_prefixes

HEAD = (
    '<html><head><meta charset="utf-8">\n'
    '<link rel="alternate" href="./" hreflang="fr">\n'
    '<link rel="alternate" href="en/" hreflang="en">\n'
    '<link rel="alternate" type="application/rss+xml" title="RSS" href="feed.xml">\n'
    "</head><body>"
)


def test_language_links_of_the_head_are_dropped_and_others_kept():
    page = HEAD + '<a href="en/" hreflang="en">English</a>\n<p>rel="alternate" href="x" hreflang="y"</p></body>'
    result = drop_alternate_language_links(page)
    assert 'hreflang="fr">' not in result.split("</head>")[0]
    assert 'hreflang="en">' not in result.split("</head>")[0]
    assert 'type="application/rss+xml"' in result
    assert result.split("</head>")[1] == page.split("</head>")[1]  # the body is untouched


def test_a_fragment_without_head_is_left_alone():
    fragment = '<link rel="alternate" href="en/" hreflang="en">'
    assert drop_alternate_language_links(fragment) == fragment


def test_only_the_languages_other_than_the_default_have_a_prefix():
    assert other_language_prefixes(["fr", "en"], "fr") == ["en/"]
    assert other_language_prefixes(["en", "fr", "de"], "fr") == ["en/", "de/"]


def test_a_french_file_in_the_english_build_is_untranslated():
    assert is_untranslated("fr", "en")
    assert not is_untranslated("en", "en")
    assert not is_untranslated("fr", "fr")
    assert not is_untranslated(None, "en")
