"""GAP benchmark runner: `python -m bench.gap FILE... --time-limit SECONDS [--method M]`.

Prints one JSON line per OR-Library file: {"instance", "objective", "assignment",
"lower_bound", "status", "seconds", "check"}, where "check" is what the project's GAP checker
(clusterlink.domain.allocation.gap.check) says of the assignment ("OK objective N", or
"BROKEN" and the rules broken). bench.gap_suite runs it once per instance and method.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from clusterlink.domain.allocation.gap import GapFormatError, read_orlib_gap, solve_gap
from clusterlink.domain.allocation.gap.check import check_gap
from clusterlink.domain.allocation.gap.local_search import compile_search


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.gap", description=__doc__)
    parser.add_argument("files", nargs="+", type=Path, help="OR-Library GAP instance files")
    parser.add_argument("--time-limit", type=float, required=True, help="seconds per instance")
    parser.add_argument("--method", choices=["ours", "cpsat", "highs"], default="ours")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    if args.method == "ours":
        compile_search()  # outside the timed solves: compiling is installation work
    exit_code = 0
    for path in args.files:
        try:
            instance = read_orlib_gap(path)
        except (OSError, GapFormatError) as error:
            print(f"{path}: {error}", file=sys.stderr)
            exit_code = 2
            continue
        result = solve_gap(
            instance,
            time_limit_s=args.time_limit,
            seed=args.seed,
            threads=args.threads,
            method=args.method,
        )
        line = {
            "instance": instance.name,
            "objective": result.objective,
            "assignment": list(result.assignment),
            "lower_bound": result.lower_bound,
            "status": result.status.value,
            "seconds": round(result.seconds, 3),
            "check": (
                check_gap(
                    instance,
                    result.assignment,
                    objective=result.objective,
                    lower_bound=result.lower_bound,
                ).summary()
                if result.assignment
                else "no assignment"
            ),
        }
        print(json.dumps(line), flush=True)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
