"""Meeting-scheduler benchmark: our solver against two booking baselines, in one run.

    python -m bench.scheduling --sizes 200,1000,3000 --time-limit 60 [--time-limit-3000 120]

For each size it generates an event (bench.scheduling_generator), runs
- first-come-first-served booking: requests in arrival order, each booked into the first
  common free slot (what request-and-accept tools do);
- heaviest pair first, first common free slot;
- our solver through its CLI, with the time limit;
checks every schedule with the project's schedule checker (clusterlink.domain.scheduling.check:
every rule of the problem, and the objective recomputed) before it is reported, and reports
objective, upper bound (our LP bound, the same for all three), ratio and seconds. Results are printed
and written to bench/results/scheduling-<date>.{json,md} with the machine and date.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.scheduling_generator import generate
from clusterlink.domain.scheduling.check import check_schedule
from clusterlink.domain.scheduling.io import problem_from_json
from clusterlink.domain.scheduling.problem import (
    Meeting,
    Preference,
    ProblemError,
    SchedulingProblem,
)

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"


class _Booking:
    """First-free-slot booking shared by both baselines."""

    def __init__(self, problem: SchedulingProblem) -> None:
        self.problem = problem
        self.vetoed = problem.vetoed_pairs()
        self.weights = problem.pair_weights()
        self.busy: dict[str, set[int]] = {p.id: set() for p in problem.participants}
        self.used = [0] * problem.slots
        self.booked: set[tuple[str, str]] = set()
        self.meetings: list[dict[str, Any]] = []

    def book_first_free(self, a: str, b: str) -> None:
        key = (a, b) if a < b else (b, a)
        if key in self.booked or key in self.vetoed or self.weights.get(key, 0) <= 0:
            return
        pa, pb = self.problem.participant(a), self.problem.participant(b)
        if len(self.busy[a]) >= pa.max_meetings or len(self.busy[b]) >= pb.max_meetings:
            return
        for s in range(self.problem.slots):
            if (
                s in pa.available
                and s in pb.available
                and s not in self.busy[a]
                and s not in self.busy[b]
                and self.used[s] < self.problem.tables
            ):
                self.meetings.append({"a": a, "b": b, "slot": s, "table": self.used[s]})
                self.used[s] += 1
                self.busy[a].add(s)
                self.busy[b].add(s)
                self.booked.add(key)
                return

    def objective(self) -> int:
        return sum(self.weights[pair] for pair in self.booked)


def first_come_first_served(problem: SchedulingProblem) -> tuple[list[dict[str, Any]], int]:
    booking = _Booking(problem)
    for request in problem.requests:
        if request.preference is not Preference.NO:
            booking.book_first_free(request.from_id, request.to_id)
    return booking.meetings, booking.objective()


def heaviest_first(problem: SchedulingProblem) -> tuple[list[dict[str, Any]], int]:
    booking = _Booking(problem)
    arrival: dict[tuple[str, str], int] = {}
    for i, request in enumerate(problem.requests):
        key = tuple(sorted((request.from_id, request.to_id)))
        arrival.setdefault((key[0], key[1]), i)
    # Ties keep arrival order, as a tool sorting its request queue by weight would.
    for a, b in sorted(booking.weights, key=lambda k: (-booking.weights[k], arrival[k])):
        booking.book_first_free(a, b)
    return booking.meetings, booking.objective()


def _check(problem: SchedulingProblem, schedule: dict[str, Any]) -> str:
    """What the project's checker says of a schedule file's meetings, objective and bound."""
    try:
        meetings = [
            Meeting(a=m["a"], b=m["b"], slot=m["slot"], table=m["table"])
            for m in schedule["meetings"]
        ]
    except ProblemError as error:  # a meeting of someone with themself, a slot that is no int
        return f"BROKEN: {error}"
    report = check_schedule(
        problem,
        meetings,
        objective=schedule["objective"],
        upper_bound=schedule.get("upper_bound"),
    )
    return report.summary()


def _machine() -> dict[str, Any]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import ortools

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "ortools": getattr(ortools, "__version__", "unknown"),
        "load_average_at_start": list(os.getloadavg()),
    }


def run_size(participants: int, time_limit: float, seed: int, workdir: Path) -> dict[str, Any]:
    instance = workdir / f"event-{participants}.json"
    instance.write_text(json.dumps(generate(participants, seed)))
    problem = problem_from_json(instance.read_text())
    rows: dict[str, Any] = {"participants": participants, "seed": seed, "time_limit": time_limit}
    rows["pairs"] = len(problem.pair_weights())
    rows["requests"] = len(problem.requests)
    for name, method in (("fcfs", first_come_first_served), ("heaviest_first", heaviest_first)):
        started = time.monotonic()
        meetings, objective = method(problem)
        seconds = time.monotonic() - started
        schedule = {"meetings": meetings, "objective": objective}
        (workdir / f"{name}-{participants}.json").write_text(json.dumps(schedule))
        rows[name] = {
            "objective": objective,
            "seconds": round(seconds, 2),
            "check": _check(problem, schedule),
        }
    out = workdir / f"ours-{participants}.json"
    started = time.monotonic()
    cli = [sys.executable, "-m", "clusterlink.domain.scheduling", str(instance)]
    cli += ["--time-limit", str(time_limit), "--out", str(out), "--seed", str(seed)]
    subprocess.run(cli, check=True, cwd=REPO)
    wall = time.monotonic() - started
    ours = json.loads(out.read_text())
    rows["ours"] = {
        "objective": ours["objective"],
        "status": ours["status"],
        "seconds": ours["seconds"],
        "wall_seconds_with_startup": round(wall, 2),
        "check": _check(problem, ours),
    }
    bound = ours["upper_bound"]
    rows["upper_bound"] = bound
    for name in ("fcfs", "heaviest_first", "ours"):
        rows[name]["ratio"] = round(rows[name]["objective"] / bound, 5) if bound else 1.0
    return rows


def _markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    lines = [
        f"# Meeting scheduler benchmark, {report['date']}",
        "",
        f"Machine: {m['nproc']} cores, {m['cpu']}; Python {m['python']}, OR-Tools "
        f"{m['ortools']}; load average at start {m['load_average_at_start']}. "
        "Solver threads: 2. Ratios are shares of our LP upper bound.",
        "",
        "| participants | pairs | bound | FCFS | heaviest-first | ours | ours status | "
        "ours s (limit) | check |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in report["runs"]:
        ok = all(r[k]["check"].startswith("OK") for k in ("fcfs", "heaviest_first", "ours"))
        lines.append(
            f"| {r['participants']} | {r['pairs']} | {r['upper_bound']} | "
            f"{r['fcfs']['objective']} ({100 * r['fcfs']['ratio']:.2f} %) | "
            f"{r['heaviest_first']['objective']} ({100 * r['heaviest_first']['ratio']:.2f} %) | "
            f"{r['ours']['objective']} ({100 * r['ours']['ratio']:.2f} %) | "
            f"{r['ours']['status']} | {r['ours']['seconds']} ({r['time_limit']}) | "
            f"{'all OK' if ok else 'BROKEN'} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description="Meeting-scheduler benchmark")
    parser.add_argument("--sizes", default="200,1000,3000")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument(
        "--time-limit-3000", type=float, default=120.0, help="limit for sizes of 3,000 and up"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-save", action="store_true", help="print only")
    args = parser.parse_args()
    report: dict[str, Any] = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": _machine(),
        "runs": [],
    }
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(x) for x in args.sizes.split(",")):
            limit = args.time_limit_3000 if size >= 3000 else args.time_limit
            row = run_size(size, limit, args.seed, Path(tmp))
            print(json.dumps(row), flush=True)
            report["runs"].append(row)
    table = _markdown(report)
    print(table)
    if not args.no_save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M")
        (RESULTS / f"scheduling-{stamp}.json").write_text(json.dumps(report, indent=1) + "\n")
        (RESULTS / f"scheduling-{stamp}.md").write_text(table)


if __name__ == "__main__":
    main()
