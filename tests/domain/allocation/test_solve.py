"""Hand-checked optima for every rule, on every back-end the engine uses."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest

from clusterlink.domain.allocation.candidates import build_candidates
from clusterlink.domain.allocation.problem import AllocationProblem, Weights
from clusterlink.domain.allocation.result import AllocationResult, SolveStatus, UnplacedReason
from clusterlink.domain.allocation.solve import solve
from tests.domain.allocation.builders import checked, make_factory, make_order, make_problem

BACKENDS = ["mip", "cpsat", "scale", "auto"]


def run(problem: AllocationProblem, backend: str) -> AllocationResult:
    """Solved on `backend`, the plan checked by the project's checker."""
    result = solve(problem, time_limit_s=5, seed=0, threads=1, backend=backend)  # type: ignore[arg-type]
    return checked(problem, result)


def totals(result: AllocationResult) -> dict[tuple[str, str], int]:
    by_pair: dict[tuple[str, str], int] = defaultdict(int)
    for p in result.placements:
        by_pair[(p.order_id, p.factory_id)] += p.pairs
    return dict(by_pair)


def assert_proven(result: AllocationResult) -> None:
    assert result.lower_bound <= result.objective
    assert result.status is SolveStatus.OPTIMAL


@pytest.mark.parametrize("backend", BACKENDS)
def test_capability_missing_process_excludes_cheaper_factory(backend: str) -> None:
    # given a cheap factory without injection moulding and a dearer one with it
    problem = make_problem(
        [
            make_factory("cheap", cost="10.00"),
            make_factory("able", cost="12.00", capabilities=("injection",)),
        ],
        [make_order("o1", 50, requires=("injection",))],
    )
    # when
    result = run(problem, backend)
    # then
    assert totals(result) == {("o1", "able"): 50}
    assert result.objective == Decimal("600.00")
    assert_proven(result)


@pytest.mark.parametrize("backend", BACKENDS)
def test_certification_is_required(backend: str) -> None:
    problem = make_problem(
        [
            make_factory("cheap", cost="10.00"),
            make_factory("bsci", cost="11.50", certifications=("BSCI",)),
        ],
        [make_order("o1", 40, certifications=("BSCI",))],
    )
    result = run(problem, backend)
    assert totals(result) == {("o1", "bsci"): 40}
    assert result.objective == Decimal("460.00")
    assert_proven(result)


@pytest.mark.parametrize("backend", BACKENDS)
def test_category_must_be_offered(backend: str) -> None:
    problem = make_problem(
        [
            make_factory("socks", cost="1.00", category="cotton_socks"),
            make_factory("shoes", cost="20.00"),
        ],
        [make_order("o1", 10)],
    )
    result = run(problem, backend)
    assert totals(result) == {("o1", "shoes"): 10}
    assert result.objective == Decimal("200.00")


@pytest.mark.parametrize("backend", BACKENDS)
def test_lead_time_and_due_period(backend: str) -> None:
    # given the cheap factory needs two periods of lead time and the order is due in period 1
    problem = make_problem(
        [
            make_factory("slow", cost="10.00", lead=2, capacity=(100, 100, 100)),
            make_factory("quick", cost="13.00", lead=1, capacity=(30, 100, 100)),
        ],
        [make_order("o1", 50, due=1)],
        periods=3,
    )
    # when
    result = run(problem, backend)
    # then only period 0 at the quick factory is early enough: 30 pairs, 20 unplaced
    assert [(p.factory_id, p.period, p.pairs) for p in result.placements] == [("quick", 0, 30)]
    assert result.unplaced[0].pairs == 20
    assert result.unplaced[0].reason is UnplacedReason.CAPACITY_EXHAUSTED
    assert result.objective == Decimal("2390.00")  # 30 × 13 + 20 × 100
    assert_proven(result)


@pytest.mark.parametrize("backend", BACKENDS)
def test_minimum_lot_per_factory(backend: str) -> None:
    # given the cheap factory has room for 60 of 100 pairs and the minimum lot is 50
    problem = make_problem(
        [
            make_factory("cheap", cost="10.00", capacity=(30, 30)),
            make_factory("dear", cost="12.00"),
        ],
        [make_order("o1", 100, min_lot=50, max_factories=2)],
    )
    # when
    result = run(problem, backend)
    # then 60 + 40 would break the lot at the dear factory: 50 + 50 is best
    assert totals(result) == {("o1", "cheap"): 50, ("o1", "dear"): 50}
    assert result.objective == Decimal("1100.00")
    assert result.lower_bound <= Decimal("1100.00")


@pytest.mark.parametrize("backend", BACKENDS)
def test_unsplittable_order_uses_one_factory_over_several_periods(backend: str) -> None:
    problem = make_problem(
        [
            make_factory("cheap", cost="10.00", capacity=(30, 30)),
            make_factory("big", cost="12.00", capacity=(60, 60)),
        ],
        [make_order("o1", 100, split=False)],
    )
    result = run(problem, backend)
    assert totals(result) == {("o1", "big"): 100}
    assert sorted((p.period, p.pairs) for p in result.placements) == [(0, 60), (1, 40)]
    assert result.objective == Decimal("1200.00")


@pytest.mark.parametrize("backend", BACKENDS)
def test_max_factories(backend: str) -> None:
    # given three factories of 60 pairs and an order of 150 that may use two of them
    problem = make_problem(
        [
            make_factory("a", cost="10.00", capacity=(30, 30)),
            make_factory("b", cost="11.00", capacity=(30, 30)),
            make_factory("c", cost="12.00", capacity=(30, 30)),
        ],
        [make_order("o1", 150, max_factories=2)],
    )
    result = run(problem, backend)
    # then the two cheapest are full and 30 pairs stay unplaced
    assert totals(result) == {("o1", "a"): 60, ("o1", "b"): 60}
    assert result.objective == Decimal("4260.00")  # 600 + 660 + 30 × 100
    # because the order may use no third factory, though c has room
    assert [(u.pairs, u.reason) for u in result.unplaced] == [
        (30, UnplacedReason.FACTORY_LIMIT_REACHED)
    ]


@pytest.mark.parametrize("backend", BACKENDS)
def test_bound_counts_pairs_no_allowed_factories_can_hold(backend: str) -> None:
    # given an unsplittable order of 100 and no factory with room for more than 60 of it
    problem = make_problem(
        [
            make_factory("cheap", cost="10.00", capacity=(30, 30)),
            make_factory("small", cost="12.00", capacity=(20, 20)),
        ],
        [make_order("o1", 100, split=False)],
    )
    # when
    result = run(problem, backend)
    # then 40 pairs are unplaced in every plan, and even the flow bound (scale) knows it
    assert build_candidates(problem).categories[0].placeable.tolist() == [60]
    assert totals(result) == {("o1", "cheap"): 60}
    assert result.objective == Decimal("4600.00")  # 60 × 10 + 40 × 100
    assert result.unplaced[0].reason is UnplacedReason.FACTORY_LIMIT_REACHED  # small has room
    # (the models round each pair's cost down by 1/10,000 RMB; without the cap the flow
    # bound would be 60 × 10 + 40 × 12 = 1,080)
    assert result.lower_bound == Decimal("4599.99")
    assert_proven(result)


@pytest.mark.parametrize("backend", BACKENDS)
def test_capacity_goes_to_the_order_that_saves_most(backend: str) -> None:
    # given one cheap factory with room for one order; A's alternative costs +1, B's +5
    problem = make_problem(
        [
            make_factory("cheap", cost="10.00", capacity=(50, 50), capabilities=("a", "b")),
            make_factory("alt_a", cost="11.00", capabilities=("a",)),
            make_factory("alt_b", cost="15.00", capabilities=("b",)),
        ],
        [
            make_order("A", 100, split=False, requires=("a",)),
            make_order("B", 100, split=False, requires=("b",)),
        ],
    )
    result = run(problem, backend)
    assert totals(result) == {("A", "alt_a"): 100, ("B", "cheap"): 100}
    assert result.objective == Decimal("2100.00")
    assert_proven(result)


@pytest.mark.parametrize("backend", BACKENDS)
def test_penalty_cheaper_than_making(backend: str) -> None:
    problem = make_problem([make_factory("dear", cost="150.00")], [make_order("o1", 10)])
    result = run(problem, backend)
    assert result.placements == ()
    assert [(u.order_id, u.pairs, u.reason) for u in result.unplaced] == [
        ("o1", 10, UnplacedReason.PENALTY_CHEAPER)
    ]
    assert result.objective == Decimal("1000.00")
    assert_proven(result)


@pytest.mark.parametrize("backend", BACKENDS)
def test_transport_by_haversine_distance(backend: str) -> None:
    # given equal unit costs, one factory 1° of latitude away and one 5° away
    problem = make_problem(
        [make_factory("far", at=(30.0, 119.0)), make_factory("near", at=(26.0, 119.0))],
        [make_order("o1", 100, at=(25.0, 119.0))],
        rate="0.01",
    )
    result = run(problem, backend)
    # then the near one: 1° = 6371 × π / 180 = 111.19492664 km, 1.1119 RMB per pair
    assert totals(result) == {("o1", "near"): 100}
    assert result.objective == Decimal("1111.19")
    assert result.costs.transport_rmb == Decimal("111.19")
    explanation = result.explanations[0]
    assert explanation.runner_up_factory_id == "far"
    assert explanation.rank == 1
    assert explanation.distance_km == pytest.approx(111.19492664455873)
    assert explanation.runner_up_extra_rmb_per_pair == Decimal("4.4478")  # 4° more


def test_unplaced_reasons() -> None:
    problem = make_problem(
        [
            make_factory(
                "f", cost="10.00", lead=1, capacity=(0, 100, 100), capabilities=("cementing",)
            ),
        ],
        [
            make_order("no_category", 10, category="slippers"),
            make_order("no_process", 10, requires=("injection",)),
            make_order("no_cert", 10, certifications=("WRAP",)),
            make_order("too_early", 10, due=0),
            make_order("lot_too_big", 10, min_lot=20, due=2),
            make_order("crowded", 300, due=2, split=False),
        ],
        periods=3,
    )
    result = checked(problem, solve(problem, time_limit_s=10, backend="mip"))
    reasons = {u.order_id: u.reason for u in result.unplaced}
    assert reasons == {
        "no_category": UnplacedReason.NO_FACTORY_FOR_CATEGORY,
        "no_process": UnplacedReason.MISSING_PROCESS,
        "no_cert": UnplacedReason.MISSING_CERTIFICATION,
        "too_early": UnplacedReason.NO_CAPACITY_BEFORE_DUE,
        "lot_too_big": UnplacedReason.BELOW_MIN_LOT,
        "crowded": UnplacedReason.CAPACITY_EXHAUSTED,
    }


def test_weights_prefer_quality_small_firms_and_cross_cluster() -> None:
    factories = [
        make_factory("big_local_poor", cost="10.00", quality=0.5, cluster="putian"),
        make_factory(
            "small_other_good", cost="10.50", quality=1.0, small_firm=True, cluster="jinjiang"
        ),
    ]
    orders = [make_order("o1", 10, cluster="putian")]
    plain_problem = make_problem(factories, orders)
    plain = checked(plain_problem, solve(plain_problem, time_limit_s=10, backend="mip"))
    assert totals(plain) == {("o1", "big_local_poor"): 10}
    weighted_problem = make_problem(
        factories,
        orders,
        weights=Weights(
            quality_rmb_per_pair=Decimal("1.00"),  # +0.50 at the poor factory
            large_firm_rmb_per_pair=Decimal("0.10"),
            same_cluster_rmb_per_pair=Decimal("0.20"),
        ),
    )
    weighted = checked(weighted_problem, solve(weighted_problem, time_limit_s=10, backend="mip"))
    assert totals(weighted) == {("o1", "small_other_good"): 10}
    assert weighted.objective == Decimal("105.00")
    assert weighted.costs.weighted_terms_rmb == Decimal("0.00")


def test_same_seed_same_plan() -> None:
    from bench.allocation_instances import generate

    # given a generated instance large enough for rounding and neighbourhood search
    problem = generate(10, 80, seed=3)
    # when it is solved twice with the same seed and the same search budget
    first = solve(problem, time_limit_s=300, seed=5, threads=2, backend="scale", search_windows=6)
    second = solve(problem, time_limit_s=300, seed=5, threads=2, backend="scale", search_windows=6)
    # then
    checked(problem, first)
    assert first.placements == second.placements
    assert first.objective == second.objective
    assert first.lower_bound == second.lower_bound <= first.objective
    assert first.status is not SolveStatus.TIME_LIMIT
