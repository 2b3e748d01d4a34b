"""python -m clusterlink.domain.allocation INSTANCE.json --time-limit SECONDS --out PLAN.json

Exit codes: 0 plan written; 2 malformed instance or arguments (one line on stderr)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from clusterlink.domain.allocation.io import problem_from_json, result_to_json
from clusterlink.domain.allocation.problem import AllocationInputError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse prints usage over several lines; the contract is one line and code 2.
        print(f"error: {message}", file=sys.stderr)
        raise SystemExit(2)


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="python -m clusterlink.domain.allocation", description=__doc__)
    parser.add_argument("instance", type=Path)
    parser.add_argument("--time-limit", type=float, required=True, help="seconds")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--backend", choices=["auto", "mip", "cpsat", "scale", "greedy"], default="auto"
    )
    args = parser.parse_args(argv)
    if args.time_limit <= 0:
        print("error: --time-limit must be positive", file=sys.stderr)
        return 2
    try:
        text = args.instance.read_bytes()
    except OSError as error:
        print(f"error: cannot read {args.instance}: {error.strerror}", file=sys.stderr)
        return 2
    try:
        problem = problem_from_json(text)
    except AllocationInputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    # Imported only now: OR-Tools takes seconds to load, and bad input should fail fast.
    from clusterlink.domain.allocation.solve import solve

    result = solve(
        problem,
        time_limit_s=args.time_limit,
        seed=args.seed,
        threads=args.threads,
        backend=args.backend,
    )
    args.out.write_text(json.dumps(result_to_json(result), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
