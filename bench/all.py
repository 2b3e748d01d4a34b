"""Run every benchmark with its documented default sizes, one after another (`make bench`).

Each writes its own figures, with the machine and date, to bench/results/. Long: the full set
takes over an hour on 2 cores; run a single module (`python -m bench.search`, …) for one figure.
"""

from __future__ import annotations

import subprocess
import sys

BENCHMARKS = [
    ["bench.search"],
    ["bench.imports"],
    ["bench.resolution"],
    ["bench.gap_suite", "--time-limits", "10"],
    ["bench.allocation", "--sizes", "200x2000,2000x20000", "--time-limit", "120"],
    ["bench.scheduling", "--sizes", "200,1000,3000", "--time-limit", "60"],
]


def main() -> int:
    failed = []
    for command in BENCHMARKS:
        print(f"== python -m {' '.join(command)}", flush=True)
        if subprocess.run([sys.executable, "-m", *command]).returncode != 0:
            failed.append(command[0])
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
