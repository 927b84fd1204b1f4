"""MkDocs glue: pack each TP folder of docs/tp/ into site/tp/<folder>.zip and link it where a page
says `<!-- tp-files: <folder> -->` (see course.tp_files). A folder that answers a correction is
packed and linked only when that correction is released."""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.exceptions import PluginError

from course.chapters import ChapterError
from course.corrections import CorrectionError
from course.files import write_atomically
from course.pdf_site import pdf_href
from course.settings import correction_settings
from course.site import DEFAULT_LANGUAGE, build_languages, correction_catalogue, docs_dir_label
from course.tp_files import (
    SETTINGS_KEY,
    TP_FOLDER,
    Availability,
    TpFilesError,
    answer_availability,
    check_folder_names,
    find_markers,
    format_day,
    human_size,
    list_folders,
    pack_folder,
    parse_bases,
    parse_settings,
    replace_markers,
)

log = logging.getLogger("mkdocs.plugins.tp_files")

STATE: dict = {}  # reset for every build (mkdocs serve, one build per language)


def on_config(config, **_):
    STATE.clear()
    tp_dir = Path(config.docs_dir) / TP_FOLDER
    try:
        folders = list_folders(tp_dir)
        check_folder_names(folders)
        answers = parse_settings(config.extra.get("tp_files"), folders=folders)
        bases = parse_bases(config.extra.get("tp_files"), folders=folders)
    except TpFilesError as error:
        raise PluginError(str(error)) from None
    STATE.update(
        tp_dir=tp_dir,
        folders=folders,
        answers=answers,
        bases=bases,
        archives={
            folder: pack_folder(tp_dir / folder, name=folder, base=tp_dir / bases[folder] if folder in bases else None)
            for folder in folders
        },
        docs_label=docs_dir_label(config),
    )


def on_nav(nav, *, config, **_):
    language = config.theme.get("language", DEFAULT_LANGUAGE)
    try:
        settings = correction_settings(config.extra)  # the corrections hook's settings, read the same way
        catalogue = correction_catalogue(
            nav=config.nav, docs_dir=config.docs_dir, docs_label=STATE["docs_label"],
            languages=build_languages(config), settings=settings,
        )
        availability = {
            folder: answer_availability(
                catalogue, identifier, release=settings.release, mode=settings.mode, today=settings.today,
                key=f"{SETTINGS_KEY}.{folder}.answers",
            )
            for folder, identifier in STATE["answers"].items()
        }
    except (CorrectionError, ChapterError, TpFilesError) as error:
        raise PluginError(str(error)) from None
    STATE.update(
        language=language,
        language_prefix="" if language == DEFAULT_LANGUAGE else f"{language}/",
        availability=availability,
        template=config.theme.get_env().get_template("partials/tp-files.html"),
        repo_url=config.repo_url,
    )
    return nav


def on_page_markdown(markdown, *, page, **_):
    for marker in find_markers(markdown):
        if marker.folder not in STATE["folders"]:
            raise PluginError(
                f"{STATE['docs_label']}/{page.file.src_uri}:{marker.line}: tp-files marker names "
                f"'{marker.folder}', but there is no folder {STATE['docs_label']}/{TP_FOLDER}/{marker.folder}/"
            )
    return markdown


def on_page_content(html, *, page, **_):
    # The box speaks the page's language: an English build may fall back to a French page.
    language = getattr(page.file, "locale", None) or STATE["language"]
    return replace_markers(html, lambda folder: _render(folder, location=page.url, language=language))


def on_post_build(config, **_):
    site_tp = Path(config.site_dir) / TP_FOLDER
    for folder, archive in STATE["archives"].items():
        target = site_tp / f"{folder}.zip"
        if _published(folder):
            write_atomically(target, archive)
        else:
            target.unlink(missing_ok=True)  # a dirty site must not keep an archive withheld since


def _published(folder: str) -> bool:
    availability = STATE["availability"].get(folder)
    return availability is None or availability.published


def _render(folder: str, *, location: str, language: str) -> str:
    availability: Availability | None = STATE["availability"].get(folder)
    correction_href = None
    if availability and availability.correction_page:
        target = STATE["language_prefix"] + availability.correction_page.removesuffix(".md") + "/"
        correction_href = f"{pdf_href(location, target)}/#{availability.correction_anchor}"
    return STATE["template"].render(
        lang=language,
        folder=folder,
        base=STATE["bases"].get(folder),
        published=_published(folder),
        href=pdf_href(location, f"{TP_FOLDER}/{folder}.zip"),
        size=human_size(len(STATE["archives"][folder]), language),
        repo_url=STATE["repo_url"],
        availability=availability,
        correction_href=correction_href,
        since=format_day(availability.since, language) if availability and availability.since else None,
    )
