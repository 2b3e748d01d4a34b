"""The standalone command: good plans read back and checked by the project's plan checker,
bad input rejected with one line naming the problem and exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from clusterlink.domain.allocation.check import check_allocation
from clusterlink.domain.allocation.io import problem_from_json, result_from_json

ROOT = Path(__file__).resolve().parents[3]


def instance(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "periods": 2,
        "transport_rmb_per_pair_km": "0.0005",
        "unplaced_penalty_rmb_per_pair": "100.00",
        "factories": [
            {
                "id": "F1",
                "lat": 25.45,
                "lng": 119.0,
                "lead_time_periods": 0,
                "capabilities": ["cementing"],
                "certifications": ["BSCI"],
                "categories": {"sports_shoes": {"unit_cost": "18.50", "capacity": [300, 300]}},
            },
            {
                "id": "F2",
                "lat": 24.78,
                "lng": 118.55,
                "lead_time_periods": 1,
                "capabilities": [],
                "certifications": [],
                "categories": {"sports_shoes": {"unit_cost": "17.00", "capacity": [200, 200]}},
            },
        ],
        "orders": [
            {
                "id": "O1",
                "lat": 24.87,
                "lng": 118.6,
                "category": "sports_shoes",
                "pairs": 500,
                "due_period": 1,
                "requires": [],
                "certifications": [],
                "min_lot": 100,
                "split": True,
                "max_factories": 2,
            },
            {
                "id": "O2",
                "lat": 24.87,
                "lng": 118.6,
                "category": "sports_shoes",
                "pairs": 250,
                "due_period": 1,
                "requires": ["cementing"],
                "certifications": ["BSCI"],
                "min_lot": 0,
                "split": False,
                "max_factories": 1,
            },
        ],
    }
    data.update(changes)
    return data


def run_cli(tmp_path: Path, text: str) -> subprocess.CompletedProcess[str]:
    source = tmp_path / "instance.json"
    source.write_text(text)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "clusterlink.domain.allocation",
            str(source),
            "--time-limit",
            "10",
            "--out",
            str(tmp_path / "plan.json"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


def test_plan_is_written_and_verified(tmp_path: Path) -> None:
    # when
    proc = run_cli(tmp_path, json.dumps(instance()))
    # then
    assert proc.returncode == 0, proc.stderr
    plan = json.loads((tmp_path / "plan.json").read_text())
    assert set(plan) >= {"placements", "unplaced", "objective", "lower_bound", "status", "seconds"}
    assert plan["status"] == "OPTIMAL"
    report = check_allocation(
        problem_from_json((tmp_path / "instance.json").read_text()), result_from_json(plan)
    )
    assert report.ok, report.summary()
    assert str(report.objective) == plan["objective"]
    # F2 (17.00) can only make O1 in period 0 (lead time 1): 200 pairs; F1 makes the rest.
    by_factory: dict[str, int] = {}
    for p in plan["placements"]:
        by_factory[p["factory"]] = by_factory.get(p["factory"], 0) + p["pairs"]
    assert by_factory == {"F1": 550, "F2": 200}
    assert plan["unplaced"] == []


def _broken(mutate: Any) -> str:
    data = instance()
    mutate(data)
    return json.dumps(data)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("{not json", "bad JSON"),
        (_broken(lambda d: d["orders"][0].update(category="boots")), "unknown category 'boots'"),
        (_broken(lambda d: d["orders"][0].update(pairs=-5)), "order O1.pairs must be >= 1"),
        (
            _broken(
                lambda d: d["factories"][0]["categories"]["sports_shoes"].update(capacity=[1, 2, 3])
            ),
            "capacity has 3 periods, expected 2",
        ),
        (_broken(lambda d: d["orders"][1].update(id="O1")), "duplicate order id O1"),
        (_broken(lambda d: d["factories"][1].update(id="F1")), "duplicate factory id F1"),
        (_broken(lambda d: d["orders"][0].update(colour="red")), "unknown field 'colour'"),
        (_broken(lambda d: d.pop("periods")), "missing field 'periods'"),
        (
            _broken(
                lambda d: d["factories"][0]["categories"]["sports_shoes"].update(unit_cost="cheap")
            ),
            "unit_cost",
        ),
        (
            _broken(lambda d: d["orders"][0].update(split="yes")),
            "order O1.split must be true or false",
        ),
    ],
)
def test_malformed_instance_exits_2_with_one_line(tmp_path: Path, text: str, named: str) -> None:
    proc = run_cli(tmp_path, text)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert named in lines[0]
    assert not (tmp_path / "plan.json").exists()


def test_missing_time_limit_exits_2(tmp_path: Path) -> None:
    source = tmp_path / "instance.json"
    source.write_text(json.dumps(instance()))
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "clusterlink.domain.allocation",
            str(source),
            "--out",
            str(tmp_path / "p.json"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1
