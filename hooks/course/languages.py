"""The two languages of the site (French at the root, English under /en/): what each build needs."""

from __future__ import annotations

import re

# Material turns every <link rel="alternate" hreflang> into a request for sitemap.xml next to the
# linked page and takes over clicks on links below it; mkdocs-static-i18n gives one per page, so
# each page made two requests that answered 404 and links to /en/ pages were rewritten.
_ALTERNATE_LANGUAGE_LINK = re.compile(r'<link\s+rel="alternate"\s+href="[^"]*"\s+hreflang="[^"]*"\s*/?>\s*')


def drop_alternate_language_links(page_html: str) -> str:
    """Remove the per-language <link rel="alternate"> of a page head (the header selector stays)."""
    head_end = page_html.find("</head>")
    if head_end < 0:
        return page_html
    return _ALTERNATE_LANGUAGE_LINK.sub("", page_html[:head_end]) + page_html[head_end:]


def other_language_prefixes(locales: list[str], default: str) -> list[str]:
    """URL prefixes of the languages built under their own folder (`en/`), in configuration order."""
    return [f"{locale}/" for locale in locales if locale != default]


def is_untranslated(file_locale: str | None, build_language: str) -> bool:
    """A page of a language build whose source is another language's file (mkdocs-static-i18n fallback)."""
    return bool(file_locale) and file_locale != build_language
