"""Repair runs (fixed placements), progress reports and cancellation, with hand-checked
optima on every back-end the engine uses."""

from __future__ import annotations

from decimal import Decimal

import pytest

from clusterlink.domain.allocation.problem import AllocationInputError, AllocationProblem
from clusterlink.domain.allocation.result import (
    AllocationResult,
    Placement,
    Progress,
    SolveStatus,
    UnplacedReason,
)
from clusterlink.domain.allocation.solve import solve
from tests.domain.allocation.builders import checked, make_factory, make_order, make_problem
from tests.domain.allocation.test_solve import BACKENDS, totals


def run_fixed(problem: AllocationProblem, backend: str, fixed: list[Placement]) -> AllocationResult:
    """Solved on `backend` keeping `fixed`, the plan checked by the project's checker."""
    result = solve(problem, time_limit_s=5, seed=0, threads=1, backend=backend, fixed=fixed)  # type: ignore[arg-type]
    return checked(problem, result, fixed)


@pytest.mark.parametrize("backend", BACKENDS)
def test_fixed_placement_is_kept_and_the_rest_is_planned(backend: str) -> None:
    # given an order fixed in part at a dearer factory
    problem = make_problem(
        [
            make_factory("cheap", cost="10.00"),
            make_factory("dear", cost="12.00", capacity=(50, 50)),
        ],
        [make_order("o1", 150), make_order("o2", 50)],
    )
    fixed = [Placement(order_id="o2", factory_id="dear", period=0, pairs=40)]
    # when
    result = run_fixed(problem, backend, fixed)
    # then the fixed pairs stay where they are, everything else goes to the cheap factory
    assert totals(result) == {("o1", "cheap"): 150, ("o2", "cheap"): 10, ("o2", "dear"): 40}
    assert Placement(order_id="o2", factory_id="dear", period=0, pairs=40) in result.placements
    assert result.objective == Decimal("2080.00")
    assert Decimal("2079.95") <= result.lower_bound <= result.objective
    assert result.costs.production_rmb == Decimal("2080.00")
    assert result.status is SolveStatus.OPTIMAL


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    ("split", "expected", "objective"),
    [
        (True, {("o2", "cheap"): 10, ("o2", "dear"): 20}, "840.00"),
        (False, {("o2", "dear"): 30}, "860.00"),
    ],
)
def test_fixed_placement_consumes_capacity(
    backend: str, split: bool, expected: dict[tuple[str, str], int], objective: str
) -> None:
    # given the cheap factory's only week mostly taken by an accepted placement
    problem = make_problem(
        [make_factory("cheap", cost="10.00", capacity=(60, 0)), make_factory("dear", cost="12.00")],
        [make_order("o1", 50), make_order("o2", 30, split=split, max_factories=2 if split else 1)],
    )
    fixed = [Placement(order_id="o1", factory_id="cheap", period=0, pairs=50)]
    # when
    result = run_fixed(problem, backend, fixed)
    # then o2 only gets the 10 pairs left there (or, unsplittable, none)
    assert totals(result) == {("o1", "cheap"): 50, **expected}
    assert result.objective == Decimal(objective)
    if backend == "scale" and not split:
        # the flow relaxation lets the unsplittable order split, so its bound is 840
        assert Decimal("839.95") <= result.lower_bound <= Decimal("840.00")
    else:
        assert Decimal(objective) - Decimal("0.05") <= result.lower_bound <= result.objective
        assert result.status is SolveStatus.OPTIMAL


@pytest.mark.parametrize("backend", BACKENDS)
def test_unsplittable_order_with_fixed_pairs_keeps_its_rest_unplaced(backend: str) -> None:
    problem = make_problem(
        [make_factory("cheap", cost="10.00"), make_factory("other", cost="11.00")],
        [make_order("o1", 100, split=False, max_factories=1)],
    )
    fixed = [Placement(order_id="o1", factory_id="cheap", period=0, pairs=60)]
    result = run_fixed(problem, backend, fixed)
    assert totals(result) == {("o1", "cheap"): 60}
    assert [(u.order_id, u.pairs, u.reason) for u in result.unplaced] == [
        ("o1", 40, UnplacedReason.FACTORY_LIMIT_REACHED)
    ]
    assert result.objective == Decimal("4600.00")
    assert Decimal("4599.95") <= result.lower_bound <= result.objective
    assert result.costs.unplaced_penalty_rmb == Decimal("4000.00")


@pytest.mark.parametrize("backend", BACKENDS)
def test_repair_objective_is_the_merged_plans_exact_cost_rounded_once(backend: str) -> None:
    # given a factory 111.195 km from the order at 0.000036 RMB per pair-km: 0.004003 RMB
    # of transport a pair, one pair fixed and one to plan
    problem = make_problem(
        [make_factory("F", cost="10.00", at=(26.0, 119.0))],
        [make_order("o1", 2, at=(25.0, 119.0))],
        rate="0.000036",
    )
    fixed = [Placement(order_id="o1", factory_id="F", period=0, pairs=1)]
    # when
    result = run_fixed(problem, backend, fixed)
    # then 20.008006 is 20.01, not each half rounded first (10.00 + 10.004003 = 20.00)
    assert result.objective == Decimal("20.01")
    assert result.costs.transport_rmb == Decimal("0.01")


def test_fixed_placements_that_break_rules_are_all_named() -> None:
    problem = make_problem(
        [make_factory("cheap", cost="10.00", capacity=(30, 30))],
        [make_order("o1", 100)],
    )
    fixed = [
        Placement(order_id="o1", factory_id="cheap", period=0, pairs=40),
        Placement(order_id="o1", factory_id="ghost", period=0, pairs=5),
    ]
    with pytest.raises(AllocationInputError) as caught:
        solve(problem, time_limit_s=1, fixed=fixed)
    assert str(caught.value) == (
        "fixed placement o1@ghost period 0: unknown order or factory; "
        "factory cheap sports_shoes period 0: 40 fixed pairs exceed capacity 30"
    )


def greedy_trap() -> AllocationProblem:
    """Largest-first greedy fills the cheap factory with the big order and strands the
    small one, which only the cheap factory can make: 7,000 against an optimum of 1,660."""
    return make_problem(
        [
            make_factory("a", cost="10.00", capacity=(100,), capabilities=("knit",)),
            make_factory("b", cost="11.00", capacity=(100,)),
        ],
        [make_order("big", 100, due=0), make_order("small", 60, due=0, requires=("knit",))],
        periods=1,
    )


def test_cancelled_at_once_returns_the_greedy_plan() -> None:
    result = solve(greedy_trap(), time_limit_s=5, seed=0, threads=1, should_stop=lambda: True)
    checked(greedy_trap(), result)
    assert result.status is SolveStatus.CANCELLED
    assert totals(result) == {("big", "a"): 100}
    assert result.objective == Decimal("7000.00")
    assert result.lower_bound == Decimal("0.00")


@pytest.mark.parametrize("backend", BACKENDS)
def test_progress_reports_improving_plans_and_bounds(backend: str) -> None:
    seen: list[Progress] = []
    result = solve(
        greedy_trap(),
        time_limit_s=5,
        seed=0,
        threads=1,
        backend=backend,  # type: ignore[arg-type]
        on_progress=seen.append,
    )
    checked(greedy_trap(), result)
    assert result.objective == Decimal("1660.00")
    assert result.status is SolveStatus.OPTIMAL
    assert seen[0].phase == "bound" and seen[0].objective is None
    plans = [p.objective for p in seen if p.objective is not None]
    bounds = [p.lower_bound for p in seen]
    assert plans == sorted(plans, reverse=True)
    assert bounds == sorted(bounds)
    assert all(p.objective is None or p.lower_bound <= p.objective for p in seen)
    # model units round each pair's cost down by at most 0.0002 RMB
    assert plans[-1] is not None and Decimal("1659.96") <= plans[-1] <= Decimal("1660.00")
    assert Decimal("1659.96") <= bounds[-1] <= Decimal("1660.00")


def test_cancel_between_phases_keeps_the_best_plan_so_far() -> None:
    # given a stop request that arrives once a first plan has been reported
    seen: list[Progress] = []
    result = solve(
        greedy_trap(),
        time_limit_s=5,
        seed=0,
        threads=1,
        backend="mip",
        on_progress=seen.append,
        should_stop=lambda: any(p.objective is not None for p in seen),
    )
    # then the exact phase never ran, and the rounded flow plan (optimal here) is returned
    checked(greedy_trap(), result)
    assert [p.phase for p in seen] == ["bound", "plan"]
    assert result.objective == Decimal("1660.00")
