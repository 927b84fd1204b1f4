"""Where the PDFs live in the site, how pages link to them, and the print stylesheet."""

from __future__ import annotations

import datetime as dt
import os
import posixpath
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from lxml import html as lxml_html

from course.files import write_atomically
from course.settings import build_day as settings_build_day

COURSE_PDF_STEM = "formation-kubernetes"
PRINT_STYLESHEET = "stylesheets/pdf.css"

COURSE_TITLES = {"fr": "Le cours complet", "en": "The whole course"}
EDITIONS = {
    "trainee": {"fr": "Édition stagiaire", "en": "Trainee edition"},
    "trainer": {"fr": "Édition formateur — toutes les corrections", "en": "Trainer edition — every solution"},
}


def pdf_relative_path(language: str, stem: str) -> str:
    """A PDF's path from the site root: pdf/<lang>/<stem>.pdf."""
    return f"pdf/{language}/{stem}.pdf"


def pdf_href(page_location: str, pdf_path: str) -> str:
    """Relative link from a page (its URL from the site root, e.g. 'en/01-x/tp/') to a PDF."""
    page_dir = posixpath.dirname(page_location) if not page_location.endswith("/") else page_location
    return posixpath.relpath(pdf_path, page_dir.rstrip("/") or ".")


def pdf_list_items(
    chapters, titles: dict[int, str], language: str, location: str, counts: dict[str, int],
    pdf_languages: dict[str, str] | None = None,
) -> list[dict]:
    """The home page's list of PDFs: one item per chapter, then the whole course.

    `pdf_languages` says in which language each chapter's PDF is (an untranslated chapter's is French).
    """
    pdf_languages = pdf_languages or {}
    items = []
    for chapter in chapters:
        pdf_language = pdf_languages.get(chapter.slug, language)
        items.append({
            "number": chapter.number,
            "title": titles[chapter.number],
            "href": pdf_href(location, pdf_relative_path(pdf_language, chapter.slug)),
            "pages": counts.get(chapter.slug),
            "lang": pdf_language,
        })
    items.append({
        "number": None,
        "title": COURSE_TITLES.get(language, COURSE_TITLES["fr"]),
        "href": pdf_href(location, pdf_relative_path(pdf_languages.get(COURSE_PDF_STEM, language), COURSE_PDF_STEM)),
        "pages": counts.get(COURSE_PDF_STEM),
        "lang": pdf_languages.get(COURSE_PDF_STEM, language),
    })
    return items


def is_local_url(site_url: str | None) -> bool:
    """The default site_url of mkdocs.yml (a preview on this machine), not a published address."""
    host = urlsplit(site_url or "").hostname or ""
    return not site_url or host in {"127.0.0.1", "localhost", "::1"}


def document_title(site_name: str, chapters: list[tuple[int, str]]) -> str:
    """PDF metadata title: the course, and the chapter when the document is one chapter."""
    if len(chapters) == 1:
        number, title = chapters[0]
        return f"{site_name} — {number}. {title}"
    return site_name


def build_day(environ=os.environ) -> dt.datetime:
    """The build day (course.settings.build_day: SOURCE_DATE_EPOCH or today, Paris time) at midnight UTC."""
    return midnight_utc(settings_build_day(environ))


def midnight_utc(day: dt.date) -> dt.datetime:
    """The timestamp of a day's attachments and metadata: the same bytes all day."""
    return dt.datetime.combine(day, dt.time(), dt.UTC)


EDITION_NAMES = {
    "trainee": {"fr": "édition stagiaire", "en": "trainee edition"},
    "trainer": {"fr": "édition formateur", "en": "trainer edition"},
}
# The trainer edition's files say so, so that it is never handed out by mistake.
EDITION_SUFFIXES = {"trainee": "", "trainer": {"fr": "-formateur", "en": "-trainer"}}
PAGE_SIZES = {"a4": "A4", "letter": "letter"}


def edition_label(edition: str, language: str) -> str:
    labels = EDITIONS.get(edition, EDITIONS["trainee"])
    return labels.get(language, labels["fr"])


def edition_name(edition: str, language: str) -> str:
    """Short name of the edition, for the footer and the document title."""
    names = EDITION_NAMES.get(edition, EDITION_NAMES["trainee"])
    return names.get(language, names["fr"])


def pdf_stem(stem: str, edition: str, language: str) -> str:
    suffix = EDITION_SUFFIXES.get(edition) or {}
    return stem + (suffix.get(language, suffix.get("fr", "")) if suffix else "")


def page_size(value: str | None) -> str:
    """PDF_PAGE_SIZE: a4 (default) or letter."""
    size = PAGE_SIZES.get((value or "a4").strip().lower())
    if size is None:
        raise ValueError(f"PDF_PAGE_SIZE={value!r}: expected one of {', '.join(PAGE_SIZES)}")
    return size


@lru_cache(maxsize=4)
def print_stylesheet(docs_dir: Path, page_size: str) -> str:
    """Our print CSS, on `page_size` paper (printed code is in one colour: no Pygments colours)."""
    ours = (docs_dir / PRINT_STYLESHEET).read_text(encoding="utf-8")
    return ours if page_size == "A4" else ours + f"\n@page {{ size: {page_size}; }}\n"


def fill_pdf_list(home_page: Path, list_html: str) -> None:
    """Replace the home page's PDF list (rendered before the PDFs existed) with the final one."""
    tree = lxml_html.parse(str(home_page))
    old = tree.getroot().find_class("course-pdf-list")
    if not old:
        return
    fragment = lxml_html.fragment_fromstring(list_html, create_parent="div")
    new_list = fragment.find_class("course-pdf-list")[0]
    notes = old[0].getparent().find_class("course-pdf-note")
    for note in notes:
        note.getparent().remove(note)
    new_list.tail = old[0].tail
    old[0].getparent().replace(old[0], new_list)
    text = lxml_html.tostring(tree, encoding="unicode", doctype="<!doctype html>")
    write_atomically(home_page, text.encode("utf-8"))
