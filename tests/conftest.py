"""Shared fixtures: build the real site once, and build small fixture sites from the real config."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from course.site import read_mkdocs_yaml

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = [sys.executable, "-m", "mkdocs"]


@dataclass
class Build:
    returncode: int
    output: str
    site: Path

    def text_files(self):
        for path in sorted(self.site.rglob("*")):
            if path.is_file() and path.suffix in {".html", ".json", ".xml", ".js", ".txt"}:
                yield path, path.read_text(encoding="utf-8", errors="replace")


def run_mkdocs_build(config: Path, site: Path, env: dict | None = None, unset: tuple[str, ...] = ()) -> Build:
    # The caller's CORRECTIONS never leaks in: each build says its mode or takes mkdocs.yml's.
    inherited = {key: value for key, value in os.environ.items() if key not in {"CORRECTIONS", *unset}}
    # As `make`: the hooks' folder is on the path, so mkdocs.yml can list the `course.withhold` extension.
    full_env = {**inherited, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT / "hooks"), **(env or {})}
    result = subprocess.run(
        [*MKDOCS, "build", "--strict", "--config-file", str(config), "--site-dir", str(site)],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=config.parent,
    )
    return Build(result.returncode, result.stdout + result.stderr, site)


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Build:
    """The real course, built once for the whole session in the default mode."""
    site = tmp_path_factory.mktemp("real") / "site"
    build = run_mkdocs_build(ROOT / "mkdocs.yml", site, env={"CORRECTIONS": "release"})
    assert build.returncode == 0, build.output
    return build


@pytest.fixture(scope="session")
def real_config() -> dict:
    return read_mkdocs_yaml((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))


def make_fixture_site(
    root: Path,
    pages: dict[str, str],
    nav: list,
    *,
    release: list | None = None,
    tp_files: dict | None = None,
    hooks: list[Path] | None = None,
    files: dict[str, bytes] | None = None,
    extra: dict | None = None,
) -> Path:
    """Write a small site that inherits the real mkdocs.yml, with its own pages and nav.

    `pages` may hold TP files too (`tp/<folder>/...`); `tp_files` replaces `extra.tp_files`.
    `hooks` replaces the real hook list (in that order), `files` adds other files to docs/,
    `extra` replaces the `extra` mapping (default: the release list and `tp_files`).
    """
    docs = root / "docs"
    for asset in ("stylesheets", "javascripts", "images"):
        shutil.copytree(ROOT / "docs" / asset, docs / asset, dirs_exist_ok=True)
    for path, text in pages.items():
        target = docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    for path, data in (files or {}).items():
        target = docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    # The real extra.tp_files names the real folders: a middle file drops it (MkDocs merges
    # mappings along INHERIT, so only a non-mapping value can replace one).
    base = root / "course-base.yml"
    base.write_text(yaml.safe_dump({"INHERIT": str(ROOT / "mkdocs.yml"), "extra": {"tp_files": None}}))
    config = {
        "INHERIT": str(base),
        "docs_dir": "docs",
        "theme": {"name": "material", "custom_dir": str(ROOT / "overrides")},
        "hooks": [str(path) for path in (real_hooks() if hooks is None else hooks)],
        "watch": [str(ROOT / "overrides")],
        "nav": nav,
        "extra": {"corrections": {"release": release or []}, "tp_files": tp_files or {}} if extra is None else extra,
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return root / "mkdocs.yml"


def real_hooks() -> list[Path]:
    config = read_mkdocs_yaml((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    return [ROOT / hook for hook in config["hooks"]]
