"""`make bench`: the course's build times side by side with what a user would otherwise pick, in one run.

On a copy of the course (the repository is never touched), medians of BENCH_RUNS runs (3), the
builds compared run in turns (ours, the other, ours…) and each ratio is the median of the pairs' ratios:
the machine's speed drifts over the minutes a bench takes, and then touches both sides alike.
- our build with PDFs off vs the same mkdocs.yml without our hooks (the ratio the hooks cost), after a
  first pair of builds on the fresh copy, printed apart (the hooks fill .cache/pages then, as after a clone),
  and over HOOKS_RUNS pairs, each side first in every other pair (a build takes seconds: more pairs, a
  steadier median);
- our cold build (every PDF of both languages, empty cache) vs mkdocs-to-pdf making its one
  whole-site PDF of the French pages (in .bench-venv, made by `make bench`, never a course dependency);
- one page edited, then rebuilt with a warm cache, vs cold;
- pages printed, milliseconds per printed page (each cold build minus the build with PDFs off run just
  before it), the largest process's peak memory.
Figures are compared within one run on one machine; the targets are printed beside them, never asserted.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pypdf
import yaml

from course.settings import pdf_jobs

ROOT = Path(__file__).resolve().parent.parent
PEER_PYTHON = ROOT / ".bench-venv" / "bin" / "python"
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
HOOKS_RUNS = max(RUNS, 10)  # even: each side first as often; many: a build's noise is as large as the hooks
EDITED_PAGE = "docs/03-objets-fondamentaux/cours-objets-fondamentaux.md"
# Runs a build and prints the peak resident memory of the largest process it started (workers included).
MEASURE = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "print(f'PEAK_KB={resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}', file=sys.stderr)\n"
    "sys.exit(code)\n"
)


class Build:
    def __init__(self, seconds: float, output: str):
        self.seconds = seconds
        self.output = output
        found = re.search(r"PEAK_KB=(\d+)", output)
        self.peak_mb = int(found.group(1)) / 1024 if found else 0.0


def copy_course(scratch: Path) -> Path:
    course = scratch / "course"
    course.mkdir()
    shutil.copy2(ROOT / "mkdocs.yml", course / "mkdocs.yml")
    for folder in ("docs", "overrides", "hooks"):
        shutil.copytree(ROOT / folder, course / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return course


def variant(course: Path, name: str, change) -> Path:
    """A copy of mkdocs.yml with `change` applied to its text (kept as text: it has !ENV tags)."""
    path = course / f"mkdocs.{name}.yml"
    path.write_text(change((course / "mkdocs.yml").read_text(encoding="utf-8")), encoding="utf-8")
    return path


def without_hooks(text: str) -> str:
    return re.sub(r"\nhooks:\n(?:[ ]+.*\n|\s*#.*\n)+", "\n", text)


def peer_config(text: str) -> str:
    """The French site only (no i18n plugin, no English pages), our extension out, mkdocs-to-pdf in."""
    text = without_hooks(text)
    text = re.sub(r"\n  - course\.withhold\n", "\n", text)
    text = re.sub(r"\n  - i18n:\n(?:    .*\n|\s*#.*\n)+", "\n", text)
    text = text.replace("exclude_docs: |\n  /tp/\n", "exclude_docs: |\n  /tp/\n  *.en.md\n")
    # Not strict: mkdocs-to-pdf fails a strict build on its own warnings (links it cannot resolve in one PDF).
    text = text.replace("\nstrict: true\n", "\nstrict: false\n")
    plugin = yaml.safe_dump(
        [{"to-pdf": {"output_path": "pdf/formation-kubernetes.pdf", "cover_title": "Formation Kubernetes",
                     "toc_level": 2, "author": "Formation Kubernetes"}}],
        allow_unicode=True,
    )
    return text.replace("\nplugins:\n", "\nplugins:\n" + "".join(f"  {line}\n" for line in plugin.splitlines()), 1)


def build(python: Path, config: Path, site: Path, env: dict) -> Build:
    command = [str(python), "-c", MEASURE, str(python), "-m", "mkdocs", "build", "--config-file", str(config),
               "--site-dir", str(site)]
    full_env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(config.parent / "hooks"), **env}
    full_env.pop("CORRECTIONS", None)
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=full_env, cwd=config.parent)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        print(result.stdout + result.stderr, file=sys.stderr)
        raise SystemExit(f"bench: the build of {config.name} failed")
    return Build(seconds, result.stdout + result.stderr)


def median(builds: list[Build]) -> float:
    return statistics.median(build.seconds for build in builds)


def runs(builds: list[Build]) -> str:
    return ", ".join(f"{build.seconds:.1f}" for build in builds)


def paired_ratio(ours: list[Build], others: list[Build]) -> float:
    """The median of ours[n] / others[n], each pair built one after the other."""
    return statistics.median(a.seconds / b.seconds for a, b in zip(ours, others, strict=True))


def verdict(value: float, target: float) -> str:
    return f"target <= {target:g}: {'met' if value <= target else 'NOT met'}"


def main() -> int:
    if not PEER_PYTHON.exists():
        raise SystemExit("bench: .bench-venv is missing; run `make bench`, which creates it")
    workers = pdf_jobs(os.environ.get("PDF_JOBS", ""))  # what the builds will use
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        scratch = Path(scratch)
        course = copy_course(scratch)
        ours = course / "mkdocs.yml"
        plain, peer = variant(course, "plain", without_hooks), variant(course, "peer", peer_config)
        python = Path(sys.executable)
        print(f"make bench: {RUNS} runs each, {workers} PDF workers, {os.cpu_count()} cores; medians in seconds")

        first_off = build(python, ours, scratch / "off-first", {"PDF": "0"})
        first_plain = build(python, plain, scratch / "plain-first", {})
        hooks_off, no_hooks = [], []
        sides = [(hooks_off, ours, "off", {"PDF": "0"}), (no_hooks, plain, "plain", {})]
        for n in range(HOOKS_RUNS):
            # Each side first in every other pair: a drift within a pair favours neither.
            for builds, config, name, env in sides if n % 2 == 0 else sides[::-1]:
                builds.append(build(python, config, scratch / f"{name}-{n}", env))
        ratio = paired_ratio(hooks_off, no_hooks)
        print(f"hooks, PDFs off vs no hooks  {median(hooks_off):6.1f} vs {median(no_hooks):6.1f}  "
              f"ratio {ratio:4.2f}  {verdict(ratio, 1.10)}   ({runs(hooks_off)} / {runs(no_hooks)})")
        print(f"  first builds of the fresh copy (empty .cache/): {first_off.seconds:.1f} vs {first_plain.seconds:.1f}")

        cold, sites, edits, peers = [], [], [], []
        cache = course / ".cache" / "pdf"
        page = course / EDITED_PAGE
        for n in range(RUNS):
            # The site alone just before: what the PDFs add to the cold build, measured at the same moment.
            sites.append(build(python, ours, scratch / f"site-{n}", {"PDF": "0"}))
            shutil.rmtree(cache, ignore_errors=True)
            cold.append(build(python, ours, scratch / f"cold-{n}", {"PDF": "1", "PDF_CACHE_DIR": str(cache)}))
            # Then one page edited (a different sentence each time), the cache warm from that cold build.
            page.write_text(page.read_text(encoding="utf-8") + f"\nUne phrase ajoutée pour le banc {n}.\n")
            edits.append(build(python, ours, scratch / f"edit-{n}", {"PDF": "1", "PDF_CACHE_DIR": str(cache)}))
            laid_out = re.findall(r"pdf (\S+): \d+ pages, [\d.]+ s, rendered", edits[-1].output)
            if laid_out != ["fr/03-objets-fondamentaux.pdf"]:
                raise SystemExit(f"bench: one edited page re-rendered {laid_out}, expected its chapter only")
            peers.append(build(PEER_PYTHON, peer, scratch / f"peer-{n}", {}))
        ratio = paired_ratio(cold, peers)
        peer_pages = len(pypdf.PdfReader(scratch / "peer-0" / "pdf" / "formation-kubernetes.pdf").pages)
        pages = int(re.search(r"pdf: \d+ PDFs, (\d+) pages", cold[0].output).group(1))
        print(f"cold, ours vs mkdocs-to-pdf  {median(cold):6.1f} vs {median(peers):6.1f}  "
              f"ratio {ratio:4.2f}  {verdict(ratio, 0.5)}   ({runs(cold)} / {runs(peers)})")
        print(f"  ours: site fr + en and {pages} PDF pages; mkdocs-to-pdf: site fr and {peer_pages} PDF pages")
        ratio = paired_ratio(edits, cold)
        print(f"one page edited vs cold      {median(edits):6.1f} vs {median(cold):6.1f}  "
              f"ratio {ratio:4.2f}  {verdict(ratio, 0.25)}   ({runs(edits)})")

        per_page = statistics.median((a.seconds - b.seconds) * 1000 / pages for a, b in zip(cold, sites, strict=True))
        print(f"PDF time per printed page    {per_page:6.1f} ms  (cold minus the site build run just before it, "
              f"over {pages} pages; {verdict(per_page, 30)}); whole cold build {median(cold) * 1000 / pages:.1f} ms "
              f"per page")
        print(f"peak memory, largest process ours {max(b.peak_mb for b in cold):6.0f} MB, "
              f"mkdocs-to-pdf {max(b.peak_mb for b in peers):6.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
