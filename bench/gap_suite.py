"""GAP suite: ours vs plain CP-SAT vs plain HiGHS on the type C, D and E instances.

    python -m bench.gap_suite --time-limits 10 [60] [--types c d e] [--max-jobs N]
        [--only NAME...] [--data DIR]

The instances are those shipped in bench/instances/gap (types D and E up to 40 agents x 400
jobs, the set the targets are stated over; see its NOTICE.md), or every `xMMNNN.txt` file
under --data (for example the full OR-Library and Yagiura sets). Each instance is solved by
the three methods one after another (never in parallel: the machine's cores belong to the
solver under test), each answer is checked by the project's GAP checker
(clusterlink.domain.allocation.gap.check), and the gap to the best-known value of
`best_known.csv` (objective_sense=min) is computed. Results go to
`bench/results/gap_<date>_<limits>.{md,json}` with the machine (nproc, CPU model) and date.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import platform
import re
import subprocess
import sys
from pathlib import Path
from statistics import mean

from clusterlink.domain.allocation.gap import read_orlib_gap
from clusterlink.domain.allocation.gap.check import check_gap

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA = REPO_ROOT / "bench" / "instances" / "gap"
# Type letter, agents and jobs: c05100, d40400, e801600 (not OR-Library's small gapK-i).
NAME = re.compile(r"[a-e]\d{5,6}")
RESULTS = REPO_ROOT / "bench" / "results"
METHODS = ("ours", "cpsat", "highs")
# The targets of issue 3 are stated over types D and E up to 40 × 400.
TARGET_MAX_JOBS = 400


def _instances(
    data: Path, types: list[str], max_jobs: int | None, only: list[str] | None
) -> list[Path]:
    files: list[Path] = []
    for path in sorted(data.rglob("*.txt")):
        if not NAME.fullmatch(path.stem) or path.stem[0] not in types:
            continue
        if only and path.stem not in only:
            continue
        if max_jobs is not None and _size(path.stem)[1] > max_jobs:
            continue
        files.append(path)
    # In the order the types were given (the target types first when time is short).
    return sorted(files, key=lambda p: (types.index(p.stem[0]), _size(p.stem)[1], _size(p.stem)[0]))


def _size(stem: str) -> tuple[int, int]:
    """Agents and jobs from the name: c05100 → (5, 100), e201600 → (20, 1600)."""
    digits = stem[1:]
    agents_width = 2 if len(digits) in (5, 6) else 1
    return int(digits[:agents_width]), int(digits[agents_width:])


def _best_known(data: Path) -> dict[str, int]:
    """Best-known minima from the folder's best_known.csv, else from the shipped one."""
    table = data / "best_known.csv"
    with (table if table.is_file() else DATA / "best_known.csv").open() as handle:
        return {
            row["instance"]: int(row["best_known"])
            for row in csv.DictReader(handle)
            if row["objective_sense"] == "min"
        }


def _machine() -> dict[str, str | int]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"nproc": os.cpu_count() or 0, "cpu": cpu, "python": platform.python_version()}


def _run_one(path: Path, method: str, limit: float) -> dict[str, object]:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.gap",
            str(path),
            "--time-limit",
            str(limit),
            "--method",
            method,
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0 or not completed.stdout.strip():
        return {"error": completed.stderr.strip()[-500:] or f"exit {completed.returncode}"}
    line = completed.stdout.strip().splitlines()[-1]
    record: dict[str, object] = json.loads(line)
    assignment = record.get("assignment")
    objective = record.get("objective")
    if isinstance(assignment, list) and assignment and isinstance(objective, int):
        bound = record.get("lower_bound")
        report = check_gap(
            read_orlib_gap(path),
            assignment,
            objective=objective,
            lower_bound=bound if isinstance(bound, int) else None,
        )
        record["verified"] = report.ok
        record["verify_output"] = report.summary()[:300]
    else:
        record["verified"] = False
        record["verify_output"] = f"no assignment ({record.get('status')})"
    return record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.gap_suite", description=__doc__)
    parser.add_argument("--time-limits", type=float, nargs="+", default=[10.0])
    parser.add_argument("--types", nargs="+", default=["c", "d", "e"])
    parser.add_argument("--max-jobs", type=int, default=None)
    parser.add_argument("--only", nargs="*", default=None, help="instance names to run")
    parser.add_argument("--methods", nargs="+", default=list(METHODS), choices=METHODS)
    parser.add_argument(
        "--data", type=Path, default=DATA, help="folder of instances (default: the shipped set)"
    )
    args = parser.parse_args(argv)

    best = _best_known(args.data)
    files = _instances(args.data, args.types, args.max_jobs, args.only)
    started = datetime.datetime.now(datetime.UTC)
    rows: list[dict[str, object]] = []
    for limit in args.time_limits:
        for path in files:
            row: dict[str, object] = {
                "instance": path.stem,
                "limit_s": limit,
                "best_known": best.get(path.stem),
                # 1-minute load average before the instance: other work on the machine slows
                # every method, the portfolio's two processes and the plain MIP alike.
                "load_before": round(os.getloadavg()[0], 2),
            }
            for method in args.methods:
                record = _run_one(path, method, limit)
                objective = record.get("objective")
                known = best.get(path.stem)
                gap = None
                if isinstance(objective, int) and known and record.get("verified"):
                    gap = 100.0 * (objective - known) / known
                row[method] = {
                    **{k: v for k, v in record.items() if k != "assignment"},
                    "gap_pct": gap,
                }
                print(
                    f"{limit:>5g}s {path.stem:<9} {method:<6} obj={objective} "
                    f"gap={'n/a' if gap is None else f'{gap:.3f}%'} "
                    f"lb={record.get('lower_bound')} {record.get('status')} "
                    f"t={record.get('seconds')} verified={record.get('verified')}",
                    flush=True,
                )
            rows.append(row)
            # Rewritten after every instance, so an interrupted run still leaves its results.
            _write(rows, args, started)
    return 0


def _gap(row: dict[str, object], method: str) -> float | None:
    cell = row.get(method)
    if isinstance(cell, dict):
        value = cell.get("gap_pct")
        return float(value) if isinstance(value, int | float) else None
    return None


def _in_target(name: str) -> bool:
    return name[0] in "de" and _size(name)[1] <= TARGET_MAX_JOBS


def _write(
    rows: list[dict[str, object]], args: argparse.Namespace, started: datetime.datetime
) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    machine = _machine()
    limits = "_".join(f"{limit:g}s" for limit in args.time_limits)
    stamp = started.strftime("%Y-%m-%d_%H%M")
    base = RESULTS / f"gap_{stamp}_{limits}"
    payload = {
        "date_utc": started.isoformat(timespec="seconds"),
        "machine": machine,
        "methods": args.methods,
        "rows": rows,
    }
    base.with_suffix(".json").write_text(json.dumps(payload, indent=1) + "\n")

    lines = [
        f"# GAP benchmark, {started:%Y-%m-%d %H:%M} UTC",
        "",
        f"Machine: {machine['nproc']} cores, {machine['cpu']}, Python {machine['python']}. "
        "Each solve gets 2 threads; methods run one after another. Gap = (objective − "
        "best known) / best known; n/a = no verified answer. The project's GAP checker "
        "(clusterlink.domain.allocation.gap.check) checked every answer.",
        "",
        "Command: `python -m bench.gap_suite " + " ".join(sys.argv[1:]) + "`",
        "",
    ]
    for limit in args.time_limits:
        sub = [r for r in rows if r["limit_s"] == limit]
        loads = [v for r in sub if isinstance(v := r.get("load_before"), float)]
        if loads:
            lines += [
                f"Load average (1 min) before each instance: {min(loads):.2f} to "
                f"{max(loads):.2f}, mean {mean(loads):.2f} (the machine has {machine['nproc']} "
                "cores; above about 2 other work was running).",
                "",
            ]
        lines += [
            f"## {limit:g} s",
            "",
            "| instance | best known | "
            + " | ".join(f"{m} obj | {m} gap %" for m in args.methods)
            + " | ours LB | ours status |",
            "|---|---:|" + "---:|---:|" * len(args.methods) + "---:|---|",
        ]
        for row in sub:
            cells = [str(row["instance"]), str(row["best_known"])]
            for method in args.methods:
                cell = row.get(method)
                obj = cell.get("objective") if isinstance(cell, dict) else None
                gap = _gap(row, method)
                cells += [str(obj), "n/a" if gap is None else f"{gap:.3f}"]
            ours = row.get("ours")
            lb = ours.get("lower_bound") if isinstance(ours, dict) else None
            status = ours.get("status") if isinstance(ours, dict) else None
            cells += [str(lb), str(status)]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
        for label, selected in (
            ("all instances run", sub),
            (
                "types D and E up to 400 jobs (the target set)",
                [r for r in sub if _in_target(str(r["instance"]))],
            ),
        ):
            if not selected:
                continue
            parts = []
            for method in args.methods:
                gaps = [_gap(r, method) for r in selected]
                known = [g for g in gaps if g is not None]
                missing = len(gaps) - len(known)
                text = f"{method} mean {mean(known):.3f} %" if known else f"{method} n/a"
                if missing:
                    text += f" ({missing} without a verified answer)"
                parts.append(text)
            lines.append(f"- Mean gap, {label} ({len(selected)}): " + "; ".join(parts))
        if "ours" in args.methods:
            others = [m for m in args.methods if m != "ours"]
            beaten = [
                r["instance"]
                for r in sub
                if _gap(r, "ours") is not None
                and all(
                    _gap(r, m) is None or (_gap(r, "ours") or 0.0) < (_gap(r, m) or 0.0)
                    for m in others
                )
            ]
            lines.append(
                f"- Ours strictly better than every baseline on {len(beaten)} of "
                f"{len(sub)} instances."
            )
        lines.append("")
    base.with_suffix(".md").write_text("\n".join(lines))
    print(f"wrote {base.with_suffix('.md')} and {base.with_suffix('.json')}")


if __name__ == "__main__":
    sys.exit(main())
