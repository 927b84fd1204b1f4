"""The build's settings, read once per build from the environment and mkdocs.yml into small
dataclasses. The build and `make corrections` read them the same way, on the same day."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from course.corrections import CorrectionError, resolve_mode

# The course is given in France: a release `from: 2026-12-03` starts at midnight, Paris time.
TIME_ZONE = ZoneInfo("Europe/Paris")
CORRECTIONS_KEY = "extra.corrections"


def build_day(environ: Mapping[str, str] = os.environ) -> dt.date:
    """The day of the build in the course's time zone; SOURCE_DATE_EPOCH fixes it."""
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        except (ValueError, OverflowError, OSError):
            raise CorrectionError(f"SOURCE_DATE_EPOCH: '{epoch}' is not a number of seconds") from None
    else:
        moment = dt.datetime.now(dt.UTC)
    return moment.astimezone(TIME_ZONE).date()


@dataclass(frozen=True)
class CorrectionSettings:
    mode: str  # hide | release | show
    release: object  # the raw release list, checked against the course by parse_release_rules
    today: dt.date


def correction_settings(
    extra: Mapping, environ: Mapping[str, str] = os.environ, *, today: dt.date | None = None
) -> CorrectionSettings:
    """`extra.corrections` of mkdocs.yml and the CORRECTIONS variable; raises CorrectionError naming the key."""
    settings = extra.get("corrections") if isinstance(extra, Mapping) else None
    if settings is None:
        settings = {}
    if not isinstance(settings, Mapping):
        raise CorrectionError(
            f"{CORRECTIONS_KEY}: expected a mapping such as 'corrections: {{mode: hide}}', "
            f"got {type(settings).__name__} {settings!r}"
        )
    unknown = set(settings) - {"mode", "release"}
    if unknown:
        raise CorrectionError(f"{CORRECTIONS_KEY}: unknown key(s) {sorted(unknown)}; expected 'mode' and 'release'")
    return CorrectionSettings(
        mode=resolve_mode(environ.get("CORRECTIONS"), settings.get("mode")),
        release=settings.get("release"),
        today=today or build_day(environ),
    )


@dataclass(frozen=True)
class PdfSettings:
    enabled: bool
    edition: str  # trainee | trainer
    output_dir: Path | None  # None: <site_dir>/pdf
    cache_dir: Path | None  # None: <repository>/.cache/pdf
    day: dt.date
    page_size: str = "a4"  # PDF_PAGE_SIZE as written; course.pdf_site.page_size checks it
    jobs: int = 1  # worker processes that lay chapters out at the same time


def pdf_settings(command: str, environ: Mapping[str, str] = os.environ) -> PdfSettings:
    """PDF=1/0 (default: on for `mkdocs build`, off for `mkdocs serve`), PDF_EDITION, PDF_OUTPUT_DIR, PDF_CACHE_DIR,
    PDF_PAGE_SIZE, PDF_JOBS (default: as many as the machine has cores)."""
    wanted = environ.get("PDF", "").strip()
    edition = environ.get("PDF_EDITION", "trainee").strip() or "trainee"
    if edition not in {"trainee", "trainer"}:
        raise CorrectionError(f"PDF_EDITION: unknown edition '{edition}', expected trainee or trainer")
    return PdfSettings(
        enabled=wanted == "1" if wanted in {"0", "1"} else command != "serve",
        edition=edition,
        output_dir=Path(environ["PDF_OUTPUT_DIR"]) if environ.get("PDF_OUTPUT_DIR") else None,
        cache_dir=Path(environ["PDF_CACHE_DIR"]) if environ.get("PDF_CACHE_DIR") else None,
        day=build_day(environ),
        page_size=environ.get("PDF_PAGE_SIZE") or "a4",
        jobs=pdf_jobs(environ.get("PDF_JOBS", "")),
    )


def cores() -> int:
    """The cores this process may run on: one PDF worker, one audit worker per core."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def pdf_jobs(value: str) -> int:
    """PDF_JOBS: a whole number of workers, at least 1; empty means one per core."""
    value = value.strip()
    if not value:
        return cores()
    if not value.isdigit() or int(value) < 1:
        raise CorrectionError(f"PDF_JOBS='{value}': expected a whole number of workers, 1 or more")
    return int(value)


def keep_impossible_dates_as_text() -> None:
    """Make YAML read `2026-02-30` as the text '2026-02-30' (not a ValueError), in every loader.

    MkDocs reads mkdocs.yml before any hook runs; with this installed first, the
    release list's check names the key and says what is wrong with the date.
    """
    import yaml

    timestamp = "tag:yaml.org,2002:timestamp"
    for loader in (yaml.SafeLoader, yaml.FullLoader, yaml.Loader):  # MkDocs derives its own from yaml.Loader
        original = loader.yaml_constructors[timestamp]
        if not getattr(original, "keeps_impossible_dates", False):
            loader.add_constructor(timestamp, _lenient(original))


def _lenient(original):
    def construct(loader, node):
        try:
            return original(loader, node)
        except ValueError:
            return loader.construct_scalar(node)

    construct.keeps_impossible_dates = True
    return construct
