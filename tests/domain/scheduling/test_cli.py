"""The standalone tool: good runs checked by the project's schedule checker, bad files refused."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench.scheduling_generator import generate
from clusterlink.domain.scheduling.check import check_schedule
from clusterlink.domain.scheduling.io import problem_from_json, result_to_json
from clusterlink.domain.scheduling.problem import Meeting
from clusterlink.domain.scheduling.solve import solve

REPO = Path(__file__).resolve().parents[3]


def good_instance() -> dict[str, Any]:
    return {
        "slots": 2,
        "tables": 1,
        "participants": [
            {"id": "A", "available": [0, 1], "max_meetings": 2},
            {"id": "B", "available": [0], "max_meetings": 1},
            {"id": "C", "available": [0, 1], "max_meetings": 1},
        ],
        "requests": [
            {"from": "A", "to": "B", "preference": "must"},
            {"from": "C", "to": "A", "preference": "meet"},
        ],
        "met_before": [],
    }


def run_cli(tmp_path: Path, instance: dict[str, Any] | str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "event.json"
    path.write_text(instance if isinstance(instance, str) else json.dumps(instance))
    return subprocess.run(
        [
            *(sys.executable, "-m", "clusterlink.domain.scheduling", str(path)),
            *("--time-limit", "10", "--out", str(tmp_path / "schedule.json")),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )


def verify(tmp_path: Path) -> str:
    """The schedule file, read back, checked against the instance file by the checker."""
    problem = problem_from_json((tmp_path / "event.json").read_text())
    schedule = json.loads((tmp_path / "schedule.json").read_text())
    meetings = [
        Meeting(a=m["a"], b=m["b"], slot=m["slot"], table=m["table"]) for m in schedule["meetings"]
    ]
    report = check_schedule(
        problem,
        meetings,
        objective=schedule["objective"],
        upper_bound=schedule["upper_bound"],
    )
    return report.summary()


def test_cli_writes_an_optimal_schedule_the_checker_accepts(tmp_path: Path) -> None:
    done = run_cli(tmp_path, good_instance())
    assert done.returncode == 0, done.stderr
    schedule = json.loads((tmp_path / "schedule.json").read_text())
    assert schedule["meetings"] == [
        {"a": "A", "b": "B", "slot": 0, "table": 0},
        {"a": "A", "b": "C", "slot": 1, "table": 0},
    ]
    assert (schedule["objective"], schedule["upper_bound"]) == (4, 4)
    assert schedule["status"] == "OPTIMAL"
    assert verify(tmp_path) == "OK objective 4"


def test_schedule_of_a_generated_event_passes_the_checker(tmp_path: Path) -> None:
    # In-process solve (one OR-Tools start-up per test run is enough), file written as the
    # CLI writes it, read back and checked by the project's checker.
    instance = generate(60, seed=2)
    (tmp_path / "event.json").write_text(json.dumps(instance))
    result = solve(problem_from_json(json.dumps(instance)), time_limit_s=10)
    (tmp_path / "schedule.json").write_text(json.dumps(result_to_json(result)))
    assert verify(tmp_path) == f"OK objective {result.objective}"
    assert 0 < result.objective <= result.upper_bound


def _with(change: str) -> dict[str, Any]:
    instance = good_instance()
    if change == "unknown id":
        instance["requests"].append({"from": "A", "to": "Z", "preference": "meet"})
    elif change == "slot out of range":
        instance["participants"][1]["available"] = [0, 2]
    elif change == "duplicate id":
        instance["participants"][2]["id"] = "B"
    elif change == "request to oneself":
        instance["requests"].append({"from": "C", "to": "C", "preference": "must"})
    elif change == "unknown field":
        instance["participants"][0]["budget"] = 3
    elif change == "unknown top-level field":
        instance["rooms"] = 3
    elif change == "bad preference":
        instance["requests"][0]["preference"] = "maybe"
    elif change == "unknown id in met_before":
        instance["met_before"] = [["A", "Q"]]
    elif change == "fixed double booking":
        instance["fixed"] = [
            {"a": "A", "b": "B", "slot": 0, "table": 0},
            {"a": "A", "b": "C", "slot": 0, "table": 0},
        ]
    return instance


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ("unknown id", "unknown participant Z"),
        ("slot out of range", "participant B: slot 2 out of range"),
        ("duplicate id", "duplicate participant id B"),
        ("request to oneself", "request from C to oneself"),
        ("unknown field", "participants[0]: unknown field 'budget'"),
        ("unknown top-level field", "instance: unknown field 'rooms'"),
        ("bad preference", 'unknown preference "maybe"'),
        ("unknown id in met_before", "met_before A-Q: unknown participant Q"),
        ("fixed double booking", "table 0 taken at slot 0"),
    ],
)
def test_cli_refuses_a_bad_instance_with_one_line_naming_it(
    tmp_path: Path, change: str, named: str
) -> None:
    done = run_cli(tmp_path, _with(change))
    assert done.returncode == 2
    assert named in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "schedule.json").exists()


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('{"slots": 2, "tables": 1,', "malformed JSON"),
        ('{"slots": 2, "slots": 3}', "duplicate key 'slots'"),
        ("[1, 2]", "instance: expected an object"),
        ('{"slots": true, "tables": 1, "participants": [], "requests": []}', "slots"),
    ],
)
def test_cli_refuses_malformed_json(tmp_path: Path, text: str, named: str) -> None:
    done = run_cli(tmp_path, text)
    assert done.returncode == 2
    assert named in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
