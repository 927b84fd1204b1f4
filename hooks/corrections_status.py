"""`make corrections`: print every correction of the course and whether this build would release it.

Usage: .venv/bin/python hooks/corrections_status.py [--config-file mkdocs.yml]
The mode comes from CORRECTIONS or mkdocs.yml, the date is today's, exactly as in a build.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys

from mkdocs.config import load_config
from mkdocs.exceptions import ConfigurationError

from course.chapters import ChapterError
from course.corrections import CorrectionError, resolve_mode
from course.site import DEFAULT_LANGUAGE, correction_catalogue, docs_dir_label

COLUMNS = ("number", "identifier", "page", "title", "status", "why")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config-file", default="mkdocs.yml")
    parser.add_argument("--date", type=dt.date.fromisoformat, default=dt.date.today(),
                        help="evaluate release dates as of this day (YYYY-MM-DD)")
    arguments = parser.parse_args(argv)
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    try:
        rows, mode = status_rows(arguments.config_file, arguments.date)
    except (CorrectionError, ChapterError, ConfigurationError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"mode: {mode}, date: {arguments.date.isoformat()}")
    print(format_table(rows))
    released = sum(row["status"] == "released" for row in rows)
    print(f"{released} of {len(rows)} corrections released")
    return 0


def status_rows(config_file: str, today: dt.date) -> tuple[list[dict], str]:
    config = load_config(config_file)
    settings = config.extra.get("corrections") or {}
    mode = resolve_mode(os.environ.get("CORRECTIONS"), settings.get("mode"))
    catalogue = correction_catalogue(
        nav=config.nav,
        docs_dir=config.docs_dir,
        docs_label=docs_dir_label(config),
        language=DEFAULT_LANGUAGE,
        release=settings.get("release"),
        mode=mode,
        today=today,
    )
    rows = []
    for page, corrections in catalogue.numbered.items():
        for correction, decision in zip(corrections, catalogue.decisions[page], strict=True):
            rows.append({
                "number": correction.number,
                "identifier": correction.source.identifier,
                "page": correction.source.location,
                "title": correction.source.title or "",
                "status": "released" if decision.present else "hidden",
                "why": decision.reason,
            })
    return rows, mode


def format_table(rows: list[dict]) -> str:
    widths = {column: max([len(column), *(len(row[column]) for row in rows)]) for column in COLUMNS}
    lines = ["  ".join(column.ljust(widths[column]) for column in COLUMNS)]
    lines.append("  ".join("-" * widths[column] for column in COLUMNS))
    lines += ["  ".join(row[column].ljust(widths[column]) for column in COLUMNS) for row in rows]
    return "\n".join(line.rstrip() for line in lines)


if __name__ == "__main__":
    sys.exit(main())
