"""`make corrections`, second table: the TP folders that hold an answer, and whether this build publishes them.

Usage: .venv/bin/python hooks/tp_files_status.py [--config-file mkdocs.yml] [--date YYYY-MM-DD]
A folder declared in `extra.tp_files` is packed into site/tp/<folder>.zip only
when its correction is released; the mode and date are those of a build.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from pathlib import Path

from mkdocs.config import load_config
from mkdocs.exceptions import ConfigurationError

from course.chapters import ChapterError
from course.corrections import CorrectionError
from course.settings import correction_settings, keep_impossible_dates_as_text
from course.site import build_languages, correction_catalogue, docs_dir_label
from course.tp_files import SETTINGS_KEY, TP_FOLDER, TpFilesError, answer_availability, list_folders, parse_settings

COLUMNS = ("folder", "answers", "correction", "status", "why")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config-file", default="mkdocs.yml")
    parser.add_argument("--date", type=dt.date.fromisoformat, default=None,
                        help="evaluate release dates as of this day (YYYY-MM-DD); default: the build day")
    arguments = parser.parse_args(argv)
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    keep_impossible_dates_as_text()
    try:
        rows = folder_rows(arguments.config_file, arguments.date)
    except (CorrectionError, ChapterError, ConfigurationError, TpFilesError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"TP folders that hold an answer ({SETTINGS_KEY}), packed into site/{TP_FOLDER}/<folder>.zip when published:")
    if rows:
        widths = {column: max([len(column), *(len(row[column]) for row in rows)]) for column in COLUMNS}
        lines = ["  ".join(column.ljust(widths[column]) for column in COLUMNS)]
        lines.append("  ".join("-" * widths[column] for column in COLUMNS))
        lines += ["  ".join(row[column].ljust(widths[column]) for column in COLUMNS) for row in rows]
        print("\n".join(line.rstrip() for line in lines))
    else:
        print("none")
    return 0


def folder_rows(config_file: str, today: dt.date | None) -> list[dict]:
    config = load_config(config_file)
    settings = correction_settings(config.extra, today=today)
    answers = parse_settings(config.extra.get("tp_files"), folders=list_folders(Path(config.docs_dir) / TP_FOLDER))
    catalogue = correction_catalogue(
        nav=config.nav, docs_dir=config.docs_dir, docs_label=docs_dir_label(config),
        languages=build_languages(config), settings=settings,
    )
    rows = []
    for folder, identifier in answers.items():
        availability = answer_availability(catalogue, identifier, release=settings.release, mode=settings.mode,
                                           today=settings.today, key=f"{SETTINGS_KEY}.{folder}.answers")
        rows.append({
            "folder": f"docs/{TP_FOLDER}/{folder}",
            "answers": identifier,
            "correction": availability.correction_number or "",
            "status": "published" if availability.published else "withheld",
            "why": availability.reason,
        })
    return rows


if __name__ == "__main__":
    sys.exit(main())
