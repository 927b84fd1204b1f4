"""`mkdocs` as the Makefile runs it, with one change: a date in mkdocs.yml that does not exist
(`from: 2026-02-30`) stays text instead of stopping YAML with a traceback, so the build
reports it with its key (extra.corrections.release[0].from).

Usage: PYTHONPATH=hooks .venv/bin/python hooks/mkdocs_cli.py build --strict
"""

from __future__ import annotations

import sys

from course.settings import keep_impossible_dates_as_text

if __name__ == "__main__":
    keep_impossible_dates_as_text()
    from mkdocs.__main__ import cli

    sys.exit(cli())
