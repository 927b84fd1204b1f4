"""`make bench`: median wall time of 5 full builds of the real site (both languages).

Prints each run and the median; later changes compare their median to this one
in the same run on the same machine, never to a fixed threshold.
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


def main() -> int:
    timings = []
    with tempfile.TemporaryDirectory() as scratch:
        for run in range(1, RUNS + 1):
            start = time.perf_counter()
            build = run_mkdocs_build(ROOT / "mkdocs.yml", Path(scratch) / f"site-{run}")
            elapsed = time.perf_counter() - start
            if build.returncode != 0:
                print(build.output, file=sys.stderr)
                return 1
            timings.append(elapsed)
            print(f"build {run}: {elapsed:.2f} s")
    print(f"full build (fr + en), median of {RUNS}: {statistics.median(timings):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
