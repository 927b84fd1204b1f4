"""`make corrections`: print every correction of the course and whether this build would release it.

Usage: .venv/bin/python hooks/corrections_status.py [--config-file mkdocs.yml]
The mode comes from CORRECTIONS or mkdocs.yml, the date is the build day (SOURCE_DATE_EPOCH or today,
Paris time), exactly as in a build. A translated page's corrections get one row per language.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys

from mkdocs.config import load_config
from mkdocs.exceptions import ConfigurationError

from course.chapters import ChapterError
from course.corrections import CorrectionError
from course.settings import CorrectionSettings, correction_settings, keep_impossible_dates_as_text
from course.site import DEFAULT_LANGUAGE, build_languages, correction_catalogue, docs_dir_label

COLUMNS = ("number", "identifier", "language", "page", "title", "status", "why")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config-file", default="mkdocs.yml")
    parser.add_argument("--date", type=dt.date.fromisoformat, default=None,
                        help="evaluate release dates as of this day (YYYY-MM-DD); default: the build day")
    arguments = parser.parse_args(argv)
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    keep_impossible_dates_as_text()
    try:
        rows, settings = status_rows(arguments.config_file, arguments.date)
    except (CorrectionError, ChapterError, ConfigurationError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"mode: {settings.mode}, date: {settings.today.isoformat()}")
    print(format_table(rows))
    numbers = {row["number"] for row in rows}
    released = len({row["number"] for row in rows if row["status"] == "released"})
    print(f"{released} of {len(numbers)} corrections released")
    return 0


def status_rows(config_file: str, today: dt.date | None) -> tuple[list[dict], CorrectionSettings]:
    config = load_config(config_file)
    settings = correction_settings(config.extra, today=today)
    catalogue = correction_catalogue(
        nav=config.nav,
        docs_dir=config.docs_dir,
        docs_label=docs_dir_label(config),
        languages=build_languages(config),
        settings=settings,
    )
    languages = sorted({language for _, language in catalogue.translations})
    rows = []
    for page, corrections in catalogue.numbered.items():
        for rank, (correction, decision) in enumerate(zip(corrections, catalogue.decisions[page], strict=True)):
            copies = [(DEFAULT_LANGUAGE, correction.source)] + [
                (language, catalogue.translations[(page, language)][rank])
                for language in languages
                if (page, language) in catalogue.translations
            ]
            for language, source in copies:
                rows.append({
                    "number": correction.number,
                    "identifier": correction.source.identifier,
                    "language": language,
                    "page": source.location,
                    "title": source.title or "",
                    "status": "released" if decision.present else "hidden",
                    "why": decision.reason,
                })
    return rows, settings


def format_table(rows: list[dict]) -> str:
    widths = {column: max([len(column), *(len(row[column]) for row in rows)]) for column in COLUMNS}
    lines = ["  ".join(column.ljust(widths[column]) for column in COLUMNS)]
    lines.append("  ".join("-" * widths[column] for column in COLUMNS))
    lines += ["  ".join(row[column].ljust(widths[column]) for column in COLUMNS) for row in rows]
    return "\n".join(line.rstrip() for line in lines)


if __name__ == "__main__":
    sys.exit(main())
