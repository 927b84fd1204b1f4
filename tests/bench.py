"""`make bench`: how long the real site takes to build, as medians printed side by side.

- site only (fr + en, PDF=0): median of 5 builds — the figure later changes compare against;
- site and PDFs with a warm cache (what `make build` costs when no chapter changed): median of 5;
- site and PDFs from a cold cache (every PDF rendered): one build.
Figures are compared within one run on one machine, never to a fixed threshold.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import ROOT, run_mkdocs_build  # noqa: E402

RUNS = 5


def timed_build(site: Path, env: dict) -> float:
    start = time.perf_counter()
    build = run_mkdocs_build(ROOT / "mkdocs.yml", site, env=env)
    elapsed = time.perf_counter() - start
    if build.returncode != 0:
        print(build.output, file=sys.stderr)
        raise SystemExit(1)
    return elapsed


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        cache = {"PDF_CACHE_DIR": str(scratch / "cache")}
        cold = timed_build(scratch / "cold", {"PDF": "1", **cache})
        rows = {
            "site only (fr + en, no PDF)": [timed_build(scratch / f"html-{n}", {"PDF": "0"}) for n in range(RUNS)],
            "site + PDFs, warm cache": [timed_build(scratch / f"warm-{n}", {"PDF": "1", **cache}) for n in range(RUNS)],
        }
    for label, timings in rows.items():
        runs = ", ".join(f"{t:.2f}" for t in timings)
        print(f"{label:<30} median of {RUNS}: {statistics.median(timings):6.2f} s   ({runs})")
    print(f"{'site + PDFs, cold cache':<30} one build:   {cold:6.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
