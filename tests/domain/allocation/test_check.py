"""The allocation plan checker: each rule broken alone by a tiny plan is named; a valid plan
passes with its objective."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

import pytest

from clusterlink.domain.allocation.check import AllocationRule, check_allocation
from clusterlink.domain.allocation.problem import Weights
from clusterlink.domain.allocation.result import (
    AllocationResult,
    CostBreakdown,
    Explanation,
    Placement,
    SolveStatus,
    Unplaced,
    UnplacedReason,
)
from tests.domain.allocation.builders import make_factory, make_order, make_problem

ABLE = {"capabilities": ("cementing",), "certifications": ("BSCI",)}
# Two weeks, everyone at one spot (no transport), 100 RMB a pair left unplaced.
PROBLEM = make_problem(
    [
        make_factory("F", cost="10.00", **ABLE),  # type: ignore[arg-type]
        make_factory("G", cost="12.00", lead=1, **ABLE),  # type: ignore[arg-type]
        make_factory("H", cost="11.00", **ABLE),  # type: ignore[arg-type]
        make_factory("N", cost="9.00", certifications=("BSCI",)),  # no cementing
        make_factory("M", cost="9.00", capabilities=("cementing",)),  # no BSCI
        make_factory("X", cost="8.00", **ABLE),  # type: ignore[arg-type]
        make_factory("S", cost="1.00", category="socks"),
    ],
    [
        make_order(
            "o1",
            150,
            requires=("cementing",),
            certifications=("BSCI",),
            min_lot=20,
            max_factories=2,
            excluded_factories=frozenset({"X"}),
        ),
        make_order("o2", 30, split=False, max_factories=2),
    ],
)
P = Placement
# o1: 100 pairs at F in week 0, 50 at G (lead time 1, due in week 1) in week 0; o2 at F in
# week 1. 1,000 + 600 + 300 = 1,900.
VALID = (P("o1", "F", 0, 100), P("o1", "G", 0, 50), P("o2", "F", 1, 30))


def plan(
    placements: Sequence[Placement],
    unplaced: Sequence[Unplaced] | None = None,
    **changes: object,
) -> AllocationResult:
    """A result with the plan's figures worked out simply (no transport, no weights):
    production at the factories' unit costs of placements that can be costed, 100 a pair
    not placed; an explanation per (order, factory) used; unplaced pairs listed per order
    unless given."""
    orders = {o.id: o for o in PROBLEM.orders}
    factories = {f.id: f for f in PROBLEM.factories}
    production = Decimal(0)
    placed: Counter[str] = Counter()
    totals: Counter[tuple[str, str]] = Counter()
    for p in placements:
        order, factory = orders.get(p.order_id), factories.get(p.factory_id)
        if order is None or factory is None or p.pairs < 1 or not 0 <= p.period < 2:
            continue
        if order.category not in factory.categories:
            continue
        production += factory.categories[order.category].unit_cost * p.pairs
        placed[order.id] += p.pairs
        totals[(order.id, factory.id)] += p.pairs
    missing = {o.id: o.pairs - placed[o.id] for o in PROBLEM.orders if placed[o.id] < o.pairs}
    if unplaced is None:
        unplaced = [
            Unplaced(order_id=oid, pairs=n, reason=UnplacedReason.CAPACITY_EXHAUSTED)
            for oid, n in missing.items()
        ]
    penalty = Decimal(100) * sum(missing.values())
    result = AllocationResult(
        status=SolveStatus.OPTIMAL,
        placements=tuple(placements),
        unplaced=tuple(unplaced),
        objective=(production + penalty).quantize(Decimal("0.01")),
        lower_bound=(production + penalty).quantize(Decimal("0.01")),
        costs=CostBreakdown(
            production_rmb=production.quantize(Decimal("0.01")),
            transport_rmb=Decimal("0.00"),
            unplaced_penalty_rmb=penalty.quantize(Decimal("0.01")),
            weighted_terms_rmb=Decimal("0.00"),
        ),
        explanations=tuple(
            Explanation(
                order_id=oid,
                factory_id=fid,
                pairs=pairs,
                unit_cost_rmb=Decimal(0),
                transport_rmb_per_pair=Decimal(0),
                distance_km=0.0,
                rank=1,
                eligible_factories=1,
                runner_up_factory_id=None,
                runner_up_extra_rmb_per_pair=None,
            )
            for (oid, fid), pairs in sorted(totals.items())
        ),
        seconds=0.0,
        backend="test",
    )
    return replace(result, **changes)  # type: ignore[arg-type]


def swap(old: Placement, new: Placement) -> tuple[Placement, ...]:
    """The valid plan with one placement replaced."""
    return tuple(new if p == old else p for p in VALID)


def test_a_valid_plan_has_no_violation_and_its_objective() -> None:
    report = check_allocation(PROBLEM, plan(VALID))

    assert report.ok, report.summary()
    assert report.objective == Decimal("1900.00")
    assert report.summary() == "OK objective 1900.00"


@pytest.mark.parametrize(
    ("placements", "rule", "named"),
    [
        ((*VALID, P("o9", "F", 1, 5)), AllocationRule.UNKNOWN, "no order or factory o9"),
        ((*VALID, P("o1", "Z", 1, 5)), AllocationRule.UNKNOWN, "no order or factory Z"),
        ((*VALID, P("o1", "H", 1, 0)), AllocationRule.PAIRS, "o1@H period 1: 0 pairs"),
        ((*VALID, P("o1", "H", 1, -5)), AllocationRule.PAIRS, "-5 pairs"),
        ((*VALID, P("o1", "H", 2, 5)), AllocationRule.PERIOD, "o1@H period 2: outside 0..1"),
        ((*VALID, P("o1", "S", 1, 5)), AllocationRule.CATEGORY, "S makes no sports_shoes"),
        (swap(VALID[1], P("o1", "N", 0, 50)), AllocationRule.CAPABILITY, "lacks cementing"),
        (swap(VALID[1], P("o1", "M", 0, 50)), AllocationRule.CERTIFICATION, "lacks BSCI"),
        (swap(VALID[1], P("o1", "X", 0, 50)), AllocationRule.EXCLUDED, "the order excludes X"),
        (swap(VALID[1], P("o1", "G", 1, 50)), AllocationRule.DUE, "after the latest period 0"),
        (
            swap(VALID[2], P("o2", "F", 0, 30)),
            AllocationRule.CAPACITY,
            "F sports_shoes period 0: 130 pairs > capacity 100",
        ),
        (swap(VALID[2], P("o2", "F", 1, 40)), AllocationRule.OVER_PLACED, "o2: 40 pairs"),
        (
            (P("o1", "F", 0, 100), P("o1", "F", 1, 35), P("o1", "G", 0, 15), VALID[2]),
            AllocationRule.MIN_LOT,
            "o1@G: 15 pairs < min lot 20",
        ),
        (
            (*VALID[:2], P("o2", "F", 1, 20), P("o2", "H", 1, 10)),
            AllocationRule.UNSPLITTABLE,
            "o2 uses F, H",
        ),
        (
            (P("o1", "F", 0, 100), P("o1", "G", 0, 30), P("o1", "H", 0, 20), VALID[2]),
            AllocationRule.MAX_FACTORIES,
            "o1 uses 3 factories > max 2",
        ),
    ],
)
def test_each_placement_rule_broken_alone_is_named(
    placements: tuple[Placement, ...], rule: AllocationRule, named: str
) -> None:
    report = check_allocation(PROBLEM, plan(placements))

    assert report.broken == {rule}, report.summary()
    assert any(named in v.message for v in report.violations), report.summary()


def U(oid: str, pairs: int, reason: UnplacedReason = UnplacedReason.CAPACITY_EXHAUSTED) -> Unplaced:
    return Unplaced(order_id=oid, pairs=pairs, reason=reason)


@pytest.mark.parametrize(
    ("placements", "unplaced", "named"),
    [
        (VALID, [U("o1", 5)], "o1: 5 pairs reported unplaced, 0 are"),
        (VALID[:2], [], "o2: 0 pairs reported unplaced, 30 are"),
        (VALID[:2], [U("o2", 10)], "o2: 10 pairs reported unplaced, 30 are"),
        (VALID[:2], [U("o2", 15), U("o2", 15)], "o2 listed twice"),
        (VALID, [U("o9", 5)], "unknown order o9"),
        (VALID[:2], [U("o2", 30), U("o2", 0)], "o2: 0 unplaced pairs"),
    ],
)
def test_unplaced_pairs_are_accounted_for_exactly(
    placements: tuple[Placement, ...], unplaced: list[Unplaced], named: str
) -> None:
    report = check_allocation(PROBLEM, plan(placements, unplaced))

    assert report.broken == {AllocationRule.UNPLACED}, report.summary()
    assert any(named in v.message for v in report.violations), report.summary()


@pytest.mark.parametrize(
    "reason",
    [
        UnplacedReason.NO_FACTORY_FOR_CATEGORY,
        UnplacedReason.MISSING_PROCESS,
        UnplacedReason.MISSING_CERTIFICATION,
        UnplacedReason.ALL_CAPABLE_EXCLUDED,
    ],
)
def test_a_reason_saying_no_factory_could_take_the_order_must_be_true(
    reason: UnplacedReason,
) -> None:
    report = check_allocation(PROBLEM, plan(VALID[:2], [U("o2", 30, reason)]))

    assert report.broken == {AllocationRule.UNPLACED_REASON}, report.summary()
    assert "o2: " + reason.value in report.violations[0].message


def test_true_reasons_and_reasons_that_depend_on_the_plan_pass() -> None:
    socks = make_problem(
        [make_factory("F", cost="10.00")], [make_order("o1", 10, category="slippers")]
    )
    nobody = Unplaced("o1", 10, UnplacedReason.NO_FACTORY_FOR_CATEGORY)
    costs = CostBreakdown(Decimal(0), Decimal(0), Decimal("1000.00"), Decimal(0))
    result = replace(
        plan(()),
        unplaced=(nobody,),
        objective=Decimal("1000.00"),
        lower_bound=Decimal("1000.00"),
        costs=costs,
        explanations=(),
    )

    assert check_allocation(socks, result).ok
    assert check_allocation(PROBLEM, plan(VALID[:2], [U("o2", 30)])).ok


def test_fixed_placements_must_be_kept() -> None:
    report = check_allocation(PROBLEM, plan(VALID), fixed=[P("o1", "G", 0, 60)])

    assert report.broken == {AllocationRule.FIXED}
    assert "o1@G period 0: 50 pairs, 60 fixed" in report.violations[0].message
    assert check_allocation(PROBLEM, plan(VALID), fixed=[P("o1", "G", 0, 40)]).ok


def test_pairs_fixed_earlier_are_exempt_from_the_rules_of_choosing_a_factory() -> None:
    # Accepted earlier: 10 pairs of o1 at X (excluded since) and 5 at M (no BSCI); o1 now
    # uses three factories, above its limit of 2, and two hold less than its lot of 20.
    fixed = [P("o1", "X", 0, 10), P("o1", "M", 0, 5), P("o1", "F", 0, 100)]
    placements = (*fixed, P("o1", "F", 1, 35), VALID[2])

    assert check_allocation(PROBLEM, plan(placements), fixed=fixed).ok
    # Without them being fixed, each of those rules is broken.
    assert check_allocation(PROBLEM, plan(placements)).broken == {
        AllocationRule.EXCLUDED,
        AllocationRule.CERTIFICATION,
        AllocationRule.MIN_LOT,
        AllocationRule.MAX_FACTORIES,
    }
    # A factory beyond the fixed ones is held to the limit again.
    more = (*placements[:3], P("o1", "H", 1, 35), VALID[2])
    assert check_allocation(PROBLEM, plan(more), fixed=fixed).broken == {
        AllocationRule.MAX_FACTORIES
    }


@pytest.mark.parametrize(
    ("changes", "rule", "named"),
    [
        ({"objective": Decimal("1899.99")}, AllocationRule.OBJECTIVE, "the plan is worth 1900.00"),
        (
            {"costs": CostBreakdown(Decimal("1899.00"), Decimal(0), Decimal(0), Decimal(0))},
            AllocationRule.COSTS,
            "production: reported 1899.00, recomputed 1900.00",
        ),
        (
            {"costs": CostBreakdown(Decimal("1900.00"), Decimal(0), Decimal("1.00"), Decimal(0))},
            AllocationRule.COSTS,
            "unplaced penalty",
        ),
        ({"lower_bound": Decimal("1900.01")}, AllocationRule.BOUND, "lower bound 1900.01"),
        ({"explanations": ()}, AllocationRule.EXPLANATION, "differ at o1@F, o1@G, o2@F"),
    ],
)
def test_the_reported_figures_must_be_the_plans(
    changes: dict[str, object], rule: AllocationRule, named: str
) -> None:
    report = check_allocation(PROBLEM, plan(VALID, **changes))

    assert report.broken == {rule}, report.summary()
    assert any(named in v.message for v in report.violations), report.summary()


def test_an_explanation_given_twice_is_named() -> None:
    valid = plan(VALID)
    twice = replace(valid, explanations=(*valid.explanations, valid.explanations[0]))

    report = check_allocation(PROBLEM, twice)

    assert report.broken == {AllocationRule.EXPLANATION}
    assert "o1@F explained twice" in report.violations[0].message


def test_the_objective_counts_transport_by_haversine_distance_and_the_weighted_terms() -> None:
    # Given a factory one degree of latitude north of the order (111.195 km), 0.01 RMB per
    # pair-km, and weights: quality 1.00 (factory 0.5: +0.50), large firm +0.10, same
    # cluster +0.20 a pair.
    problem = make_problem(
        [make_factory("F", cost="10.00", at=(26.0, 119.0), quality=0.5, cluster="putian")],
        [make_order("o1", 10, at=(25.0, 119.0), cluster="putian")],
        rate="0.01",
        weights=Weights(
            quality_rmb_per_pair=Decimal("1.00"),
            large_firm_rmb_per_pair=Decimal("0.10"),
            same_cluster_rmb_per_pair=Decimal("0.20"),
        ),
    )
    result = AllocationResult(
        status=SolveStatus.OPTIMAL,
        placements=(P("o1", "F", 0, 10),),
        unplaced=(),
        # 100 production + 11.1195 transport + 8.00 weighted terms
        objective=Decimal("119.12"),
        lower_bound=Decimal("119.12"),
        costs=CostBreakdown(Decimal("100.00"), Decimal("11.12"), Decimal("0.00"), Decimal("8.00")),
        # o1@F with its 10 pairs (the other fields are not the checker's business)
        explanations=(replace(plan(VALID).explanations[0], pairs=10),),
        seconds=0.0,
        backend="test",
    )

    report = check_allocation(problem, result)

    assert report.ok, report.summary()
    assert report.objective == Decimal("119.12")
    assert check_allocation(problem, replace(result, objective=Decimal("119.11"))).broken == {
        AllocationRule.OBJECTIVE
    }


def test_every_violation_is_listed_not_only_the_first() -> None:
    placements = (
        P("o1", "F", 0, 130),  # over F's capacity in week 0
        P("o1", "G", 1, 10),  # after G's latest week, and below the lot
        P("o1", "N", 0, 10),  # no cementing, below the lot, a third factory
        P("o2", "Z", 0, 30),  # no such factory
    )

    report = check_allocation(PROBLEM, plan(placements, objective=Decimal(0)))

    assert report.broken == {
        AllocationRule.CAPACITY,
        AllocationRule.DUE,
        AllocationRule.MIN_LOT,
        AllocationRule.CAPABILITY,
        AllocationRule.MAX_FACTORIES,
        AllocationRule.UNKNOWN,
        AllocationRule.OBJECTIVE,
    }
    assert len(report.violations) == 8  # two factories below the lot
    assert report.summary(limit=2).endswith("; 6 more")
