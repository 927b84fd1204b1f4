"""MkDocs glue: tell the `course.withhold` Markdown extension which corrections are released,
number them in the HTML, drop the files only withheld corrections link to, audit the outputs.

The withholding itself happens in the Markdown extension (fail-safe: without these hooks it
withholds everything). Priorities are explicit, so the order of `hooks:` does not matter.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from course.audit import (
    AuditError,
    EarlyAudit,
    Withheld,
    audit_outputs,
    cached_fingerprints,
    fingerprints_entry,
)
from course.chapters import ChapterError, base_source_path
from course.corrections import CorrectionError, RenderedCorrection, apply_corrections
from course.files import cache_root
from course.nesting import BUILDS, MISSING_HOOK
from course.page_cache import PAGES, cache_folder
from course.pdf_runs import ASSEMBLED
from course.settings import cores, correction_settings
from course.site import (
    DEFAULT_LANGUAGE,
    build_languages,
    correction_catalogue,
    docs_dir_label,
    withheld_files,
)
from course.withhold import CHANNEL, PageRelease

log = logging.getLogger("mkdocs.plugins.corrections")

EXTENSION = "course.withhold"
PRINTS, VERDICTS = "audit-fingerprints", "audit"  # their caches, under .cache/
# Reset for every build: `mkdocs serve` and mkdocs-static-i18n build several times per process.
STATE: dict = {}
# Filled by the default language's build, which ends after the other languages (mkdocs-static-i18n
# builds them from within its own on_post_build): the audit runs when the outermost build ends.
AUDIT: dict = {}


@event_priority(-150)  # after mkdocs-static-i18n has set this build's language
def on_config(config, **_):
    STATE.clear()
    CHANNEL.clear()
    if EXTENSION not in config.markdown_extensions:
        raise PluginError(
            f"mkdocs.yml: markdown_extensions must list '{EXTENSION}' (it withholds the corrections "
            "that are not released); put it first"
        )
    try:
        STATE["settings"] = correction_settings(config.extra)
    except CorrectionError as error:
        raise PluginError(str(error)) from None
    STATE["language"] = config.theme.get("language", DEFAULT_LANGUAGE)
    PAGES.open(cache_folder(config))
    if STATE["language"] == DEFAULT_LANGUAGE:
        _stop_early_audit()
        AUDIT.clear()
    config.extra["corrections_mode"] = STATE["settings"].mode  # read by overrides/main.html (mode banner)


@event_priority(-150)  # after mkdocs-static-i18n has chosen this language's files
def on_files(files, *, config, **_):
    try:
        catalogue = correction_catalogue(
            nav=config.nav,
            docs_dir=config.docs_dir,
            docs_label=docs_dir_label(config),
            languages=build_languages(config),
            settings=STATE["settings"],
        )
        hidden = withheld_files(catalogue, docs_dir=config.docs_dir)
    except (CorrectionError, ChapterError) as error:
        raise PluginError(str(error)) from None
    for file in [f for f in files if f.src_uri in hidden]:
        files.remove(file)
    env = config.theme.get_env()
    STATE.update(
        catalogue=catalogue,
        template=env.get_template("partials/correction.html"),
        template_digest=hashlib.sha256(env.loader.get_source(env, "partials/correction.html")[0].encode()).hexdigest(),
    )
    if STATE["language"] == DEFAULT_LANGUAGE:
        AUDIT.update(
            catalogue=catalogue, docs_dir=config.docs_dir, hidden_files=len(hidden), roots=_output_roots(config)
        )
        _start_early_audit(config)
    return files


@event_priority(-1000)  # last: the page is rendered right after, with nothing in between
def on_page_markdown(markdown, *, page, **_):
    base = base_source_path(page.file.src_uri)
    CHANNEL.announce(PageRelease(
        page=page.file.src_uri,
        released_ranks=STATE["catalogue"].released_ranks(base),
        language=STATE["language"],
    ))
    return markdown


@event_priority(100)  # first: the PDF hook, the typography hook and search see numbered corrections
def on_page_content(html, *, page, **_):
    CHANNEL.clear()
    catalogue = STATE["catalogue"]
    base = base_source_path(page.file.src_uri)
    corrections = catalogue.numbered.get(base, [])
    decisions, written = catalogue.decisions.get(base, []), catalogue.sources(base, STATE["language"])

    def number(fragment: str) -> str:
        return apply_corrections(
            fragment, page=page.file.src_uri, corrections=corrections, decisions=decisions, render=_render,
            written=written,
        )

    # Remembered across builds by everything the result depends on, the release decisions included.
    settings = repr((page.file.src_uri, corrections, decisions, written, STATE["language"], STATE["template_digest"]))
    try:
        html = PAGES.transform("corrections", html, number, settings=settings)
    except CorrectionError as error:
        raise PluginError(str(error)) from None
    if page.present_anchor_ids is not None:  # so links to #correction-3-2 pass --strict
        page.present_anchor_ids.update(correction.anchor for correction in corrections)
    return html


def _render(correction: RenderedCorrection) -> str:
    return STATE["template"].render(correction=correction, lang=STATE["language"])


def on_pre_build(**_):
    if not BUILDS.counted:
        raise PluginError(MISSING_HOOK)
    if BUILDS.nested and "early" in AUDIT and not AUDIT.get("early_files"):
        # Another language starts (in site/en/): the default language's site is written, search it meanwhile.
        AUDIT["early_files"] = True
        AUDIT["early"].audit_written(AUDIT["roots"])


def on_build_error(**_):
    _stop_early_audit()
    AUDIT.clear()
    CHANNEL.clear()


def _start_early_audit(config) -> None:
    """On another core, when the corrections or the course changed (new fingerprints: every file is read
    again): the fingerprints while the pages render, the French site while the English one builds.
    A rebuild with the same fingerprints has little to read (its files are known clean): not worth a process."""
    withheld, public = _audit_inputs()
    prints = cache_root(config) / PRINTS
    if cores() < 2 or fingerprints_entry(withheld, public, cache=prints).is_file():
        return
    AUDIT["early"] = EarlyAudit(withheld, public, prints_cache=prints, verdicts=cache_root(config) / VERDICTS)


def _stop_early_audit() -> None:
    early = AUDIT.pop("early", None)
    if early is not None:
        early.cancel()


@event_priority(-1000)  # after the PDFs and, in the default language, after every other language
def on_post_build(config, **_):
    if BUILDS.nested or "catalogue" not in AUDIT:
        if BUILDS.nested and "early" in AUDIT:
            # Another language's site is written: search it while the PDFs are finished (a core is idle).
            AUDIT["early"].audit_written(AUDIT["roots"])
        return  # a language built from within the default language's build: audited with it
    early = AUDIT.pop("early", None)
    if early is not None:
        early.wait()  # its clean verdicts are in the cache before the audit reads it
    try:
        prints = cached_fingerprints(*_audit_inputs(), cache=cache_root(config) / PRINTS)
        report = audit_outputs(
            _output_roots(config), prints, clean_cache=cache_root(config) / VERDICTS,
            jobs=cores(), helper=early, assembled=dict(ASSEMBLED),
        )
    except AuditError as error:
        raise PluginError(f"audit: {error}") from None
    finally:
        if early is not None:
            early.close()
    for name in report.blind:
        log.debug(f"audit: {name} has no line distinctive enough to look for")
    for leak in report.leaks:
        leak.file.unlink(missing_ok=True)  # never leave a leaking file for a server to publish
    if report.leaks:
        found = "; ".join(f"{leak.correction} in {leak.file} ('{leak.words}')" for leak in report.leaks[:10])
        raise PluginError(f"{report.summary()}: withheld text found, files removed: {found}")
    log.info(report.summary())


def _output_roots(config) -> list[Path]:
    roots = [Path(config.site_dir)]
    if os.environ.get("PDF_OUTPUT_DIR"):
        roots.append(Path(os.environ["PDF_OUTPUT_DIR"]))
    return roots


def _audit_inputs() -> tuple[list[Withheld], list[str]]:
    """What the fingerprints are made of: each withheld correction in each language, and the public text."""
    catalogue = AUDIT["catalogue"]
    withheld = [
        Withheld(f"correction {correction.number} '{correction.source.identifier}'", source.body)
        for correction, copies in catalogue.withheld()
        for source in copies
    ]
    return withheld, [public for _, public, _ in catalogue.split_sources(AUDIT["docs_dir"])]
