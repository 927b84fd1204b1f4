"""MkDocs glue for the two languages: one 404 page per language, no per-page alternate links.

mkdocs-static-i18n builds English after French into the same site_dir, so English's 404.html
replaced the French one at the root: here the French page stays at the root and the English one
goes to `en/404.html`.
"""

from __future__ import annotations

import copy
from pathlib import Path

from mkdocs.plugins import event_priority

from course.files import write_atomically
from course.languages import drop_alternate_language_links, is_untranslated, other_language_prefixes

STATE: dict = {}  # reset for every language build
# Kept across the nested English build (mkdocs-static-i18n runs it inside the French one).
DEFAULT_404: dict = {}


@event_priority(-110)  # after mkdocs-static-i18n has set the language and the language links
def on_config(config, **_):
    STATE.clear()
    i18n = config.plugins.get("i18n")
    locales = [language.locale for language in i18n.config.languages] if i18n else []
    default = i18n.default_language if i18n else config.theme.get("language", "fr")
    language = config.theme.get("language", default)
    if language == default:
        DEFAULT_404.clear()
    STATE.update(language=language, default=default)
    config.extra["course_languages"] = {
        "prefixes": " ".join(other_language_prefixes(locales, default)),
        # The home page of each language, for pages that have no counterpart (404).
        "homes": copy.deepcopy(config.extra.get("alternate") or []),
    }


def on_page_markdown(markdown, *, page, **_):
    locale = getattr(page.file, "locale", None)  # set by mkdocs-static-i18n
    if is_untranslated(locale, STATE["language"]):
        page.meta["course_original_language"] = locale  # overrides/main.html: notice, lang attribute
    return markdown


def on_template_context(context, *, template_name, config, **_):
    if template_name == "404.html" and config.extra["course_languages"]["homes"]:
        # Otherwise the selector keeps the links of the last page rendered. mkdocs-static-i18n
        # sets them as an attribute, which templates read before the item.
        homes = config.extra["course_languages"]["homes"]
        config.extra["alternate"] = copy.deepcopy(homes)
        config.extra.alternate = copy.deepcopy(homes)
    return context


def on_post_template(output, *, template_name, config, **_):
    if template_name != "404.html":
        return output
    output = drop_alternate_language_links(output)
    if STATE["language"] == STATE["default"]:
        DEFAULT_404["html"] = output
        return output
    write_atomically(Path(config.site_dir) / STATE["language"] / "404.html", output.encode("utf-8"))
    return DEFAULT_404.get("html", output)


def on_post_page(output, **_):
    return drop_alternate_language_links(output)
