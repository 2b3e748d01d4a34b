"""Standalone scheduler: read an instance, write a schedule.

    python -m clusterlink.domain.scheduling INSTANCE.json --time-limit SECONDS --out SCHEDULE.json

Exit codes: 0 schedule written; 2 bad instance or arguments (one line on stderr naming the
problem).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from clusterlink.domain.scheduling.io import problem_from_json, result_to_json
from clusterlink.domain.scheduling.problem import ProblemError


def main(argv: list[str] | None = None) -> int:
    # The time limit covers the whole run, reading and OR-Tools' start-up included: that is
    # what an organiser waiting for the file experiences.
    started = time.monotonic()
    parser = argparse.ArgumentParser(
        prog="python -m clusterlink.domain.scheduling",
        description="Optimised 1:1 meeting schedule for a docking event.",
    )
    parser.add_argument("instance", type=Path, help="instance JSON file")
    parser.add_argument("--time-limit", type=float, required=True, help="seconds")
    parser.add_argument("--out", type=Path, required=True, help="schedule JSON file to write")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--backend", choices=["lns", "cpsat"], default="lns")
    args = parser.parse_args(argv)  # argparse itself exits with code 2 on bad arguments
    if args.time_limit < 0:
        print("error: --time-limit must be >= 0", file=sys.stderr)
        return 2
    try:
        text = args.instance.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(f"error: cannot read {args.instance}: {error}", file=sys.stderr)
        return 2
    try:
        problem = problem_from_json(text)
    except ProblemError as error:  # InstanceError and rules broken inside a record
        print(f"error: {args.instance}: {error}", file=sys.stderr)
        return 2
    # Imported only now: loading OR-Tools takes seconds, which a bad file should not wait for.
    from clusterlink.domain.scheduling.solve import Backend, solve

    result = solve(
        problem,
        time_limit_s=max(0.0, args.time_limit - (time.monotonic() - started)),
        seed=args.seed,
        threads=args.threads,
        backend=Backend(args.backend),
    )
    args.out.write_text(json.dumps(result_to_json(result), indent=1) + "\n", encoding="utf-8")
    print(
        f"{result.status.value}: objective {result.objective}, upper bound "
        f"{result.upper_bound} ({100 * result.ratio:.2f} %), {len(result.meetings)} meetings, "
        f"{result.seconds:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
