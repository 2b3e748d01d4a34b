"""The allocation problem's rules, checked on a plan (see clusterlink/domain/checking.py).

    report = check_allocation(problem, result, fixed=fixed)
    assert report.ok, report.summary()

Rules of AllocationProblem (problem.py). Each placement puts `pairs` of an order at a
factory in one period:

- UNKNOWN: the order and the factory are in the problem;
- PAIRS: pairs is an integer >= 1;
- PERIOD: 0 <= period < periods;
- CATEGORY: the factory makes the order's category;
- CAPABILITY: the factory has every process the order requires;
- CERTIFICATION: the factory holds every certification the order requires;
- EXCLUDED: the factory is not among the order's excluded factories;
- DUE: period <= due_period - the factory's lead_time_periods;
- CAPACITY: per factory, category and period, the pairs placed fit the capacity;

per order:

- OVER_PLACED: no more pairs are placed than the order has;
- MIN_LOT: each factory used gets at least max(1, min_lot) pairs in total;
- UNSPLITTABLE: an order with split false uses one factory;
- MAX_FACTORIES: no order uses more than max_factories factories;
- UNPLACED: the unplaced list names known orders, once each, with pairs >= 1, and says
  exactly how many pairs of each order are not placed;
- UNPLACED_REASON: a reason that says no factory could take the order (no factory of the
  category, none with the processes, none with the certifications, every able one
  excluded) is true;
- FIXED: every fixed placement is in the plan (the plan has at least its pairs at its
  order, factory and period). Fixed placements were accepted earlier, so the pairs they
  hold are exempt from the rules about choosing a factory: capability, certification and
  exclusion for their (order, factory), the minimum lot when a factory holds nothing but
  fixed pairs of the order, and the factory limits when the order uses no factory beyond
  those its fixed placements use;

and the figures the solver reports:

- OBJECTIVE: objective = production + transport + unplaced penalty + weighted terms,
  recomputed in Decimal and rounded to the fen, where per pair production is the
  factory's unit cost of the category, transport is the haversine distance in km (Earth
  radius 6371 km) times transport_rmb_per_pair_km, the penalty is
  unplaced_penalty_rmb_per_pair per pair not placed, and the weighted terms are those of
  Weights (quality, large firm, same cluster);
- COSTS: each part of the cost breakdown equals its recomputed sum, rounded to the fen;
- BOUND: the lower bound does not exceed the objective;
- EXPLANATION: one explanation per (order, factory) used, with its total pairs.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum

from clusterlink.domain.allocation.problem import AllocationProblem, Factory, Order
from clusterlink.domain.allocation.result import AllocationResult, Placement, UnplacedReason
from clusterlink.domain.checking import CheckResult, Violation

FEN = Decimal("0.01")
EARTH_RADIUS_KM = 6371.0


class AllocationRule(StrEnum):
    UNKNOWN = "unknown"
    PAIRS = "pairs"
    PERIOD = "period"
    CATEGORY = "category"
    CAPABILITY = "capability"
    CERTIFICATION = "certification"
    EXCLUDED = "excluded"
    DUE = "due"
    CAPACITY = "capacity"
    OVER_PLACED = "over_placed"
    MIN_LOT = "min_lot"
    UNSPLITTABLE = "unsplittable"
    MAX_FACTORIES = "max_factories"
    UNPLACED = "unplaced"
    UNPLACED_REASON = "unplaced_reason"
    FIXED = "fixed"
    OBJECTIVE = "objective"
    COSTS = "costs"
    BOUND = "bound"
    EXPLANATION = "explanation"


AllocationCheck = CheckResult[AllocationRule, Decimal]


def distance_km(order: Order, factory: Factory) -> float:
    """Great-circle (haversine) distance between an order's and a factory's locations."""
    phi1, phi2 = math.radians(order.lat), math.radians(factory.lat)
    d_phi = phi2 - phi1
    d_lambda = math.radians(factory.lng) - math.radians(order.lng)
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def _per_pair(problem: AllocationProblem, order: Order, factory: Factory) -> tuple[Decimal, ...]:
    """(production, transport, weighted terms) per pair of `order` made at `factory`."""
    production = factory.categories[order.category].unit_cost
    transport = Decimal(distance_km(order, factory)) * problem.transport_rmb_per_pair_km
    w = problem.weights
    weighted = w.quality_rmb_per_pair * (1 - Decimal(str(factory.quality)))
    if not factory.small_firm:
        weighted += w.large_firm_rmb_per_pair
    if order.cluster and order.cluster == factory.cluster:
        weighted += w.same_cluster_rmb_per_pair
    return production, transport, weighted


def _able(order: Order, factory: Factory) -> bool:
    return (
        order.category in factory.categories
        and order.requires <= factory.capabilities
        and order.certifications <= factory.certifications
    )


def check_allocation(
    problem: AllocationProblem,
    result: AllocationResult,
    *,
    fixed: Sequence[Placement] = (),
) -> AllocationCheck:
    """Every rule `result` breaks and the objective its plan is worth (placements that name
    an unknown order or factory, or a category the factory does not make, cost nothing).
    `fixed` are the placements the solve was told to keep."""
    orders = {o.id: o for o in problem.orders}
    factories = {f.id: f for f in problem.factories}
    violations: list[Violation[AllocationRule]] = []

    def broken(rule: AllocationRule, message: str) -> None:
        violations.append(Violation(rule, message))

    fixed_cells: Counter[tuple[str, str, int]] = Counter()
    fixed_pairs: Counter[tuple[str, str]] = Counter()
    for p in fixed:
        fixed_cells[(p.order_id, p.factory_id, p.period)] += p.pairs
        fixed_pairs[(p.order_id, p.factory_id)] += p.pairs
    fixed_factories: dict[str, set[str]] = defaultdict(set)
    for oid, fid in fixed_pairs:
        fixed_factories[oid].add(fid)

    cells: Counter[tuple[str, str, int]] = Counter()
    totals: Counter[tuple[str, str]] = Counter()
    load: Counter[tuple[str, str, int]] = Counter()
    placed: Counter[str] = Counter()
    for p in result.placements:
        where = f"{p.order_id}@{p.factory_id} period {p.period}"
        order, factory = orders.get(p.order_id), factories.get(p.factory_id)
        if order is None or factory is None:
            missing = p.order_id if order is None else p.factory_id
            broken(AllocationRule.UNKNOWN, f"{where}: no order or factory {missing}")
            continue
        if not isinstance(p.pairs, int) or isinstance(p.pairs, bool) or p.pairs < 1:
            broken(AllocationRule.PAIRS, f"{where}: {p.pairs!r} pairs")
            continue
        if not 0 <= p.period < problem.periods:
            broken(AllocationRule.PERIOD, f"{where}: outside 0..{problem.periods - 1}")
            continue
        if order.category not in factory.categories:
            broken(AllocationRule.CATEGORY, f"{where}: {factory.id} makes no {order.category}")
            continue
        was_fixed = (order.id, factory.id) in fixed_pairs
        if not was_fixed:
            lacking = sorted(order.requires - factory.capabilities)
            if lacking:
                broken(AllocationRule.CAPABILITY, f"{where}: lacks {', '.join(lacking)}")
            uncertified = sorted(order.certifications - factory.certifications)
            if uncertified:
                broken(AllocationRule.CERTIFICATION, f"{where}: lacks {', '.join(uncertified)}")
            if factory.id in order.excluded_factories:
                broken(AllocationRule.EXCLUDED, f"{where}: the order excludes {factory.id}")
        latest = order.due_period - factory.lead_time_periods
        if p.period > latest:
            broken(AllocationRule.DUE, f"{where}: after the latest period {latest}")
        cells[(order.id, factory.id, p.period)] += p.pairs
        totals[(order.id, factory.id)] += p.pairs
        load[(factory.id, order.category, p.period)] += p.pairs
        placed[order.id] += p.pairs

    for (fid, category, period), pairs in sorted(load.items()):
        capacity = factories[fid].categories[category].capacity[period]
        if pairs > capacity:
            broken(
                AllocationRule.CAPACITY,
                f"{fid} {category} period {period}: {pairs} pairs > capacity {capacity}",
            )

    used: dict[str, list[str]] = defaultdict(list)
    for (oid, fid), pairs in sorted(totals.items()):
        used[oid].append(fid)
        order = orders[oid]
        if pairs < order.lot and pairs != fixed_pairs[(oid, fid)]:
            broken(AllocationRule.MIN_LOT, f"{oid}@{fid}: {pairs} pairs < min lot {order.lot}")
    for oid, fids in sorted(used.items()):
        order = orders[oid]
        held = fixed_factories.get(oid, set())
        beyond_fixed = not set(fids) <= held
        if not order.split and len(fids) > 1 and beyond_fixed:
            broken(AllocationRule.UNSPLITTABLE, f"{oid} uses {', '.join(fids)}")
        if len(fids) > order.max_factories and beyond_fixed:
            broken(
                AllocationRule.MAX_FACTORIES,
                f"{oid} uses {len(fids)} factories > max {order.max_factories}",
            )
    for oid, pairs in sorted(placed.items()):
        if pairs > orders[oid].pairs:
            broken(
                AllocationRule.OVER_PLACED, f"{oid}: {pairs} pairs placed of {orders[oid].pairs}"
            )

    for cell, pairs in sorted(fixed_cells.items()):
        if cells[cell] < pairs:
            oid, fid, period = cell
            broken(
                AllocationRule.FIXED,
                f"{oid}@{fid} period {period}: {cells[cell]} pairs, {pairs} fixed",
            )

    _check_unplaced(problem, result, placed, broken)

    production = transport = weighted = Decimal(0)
    for (oid, fid), pairs in totals.items():
        unit, per_km, terms = _per_pair(problem, orders[oid], factories[fid])
        production += unit * pairs
        transport += per_km * pairs
        weighted += terms * pairs
    penalty = problem.unplaced_penalty_rmb_per_pair * sum(
        max(0, o.pairs - placed[o.id]) for o in problem.orders
    )
    objective = (production + transport + weighted + penalty).quantize(FEN, ROUND_HALF_EVEN)
    if result.objective != objective:
        broken(
            AllocationRule.OBJECTIVE, f"reported {result.objective}, the plan is worth {objective}"
        )
    costs = result.costs
    for name, reported, exact in (
        ("production", costs.production_rmb, production),
        ("transport", costs.transport_rmb, transport),
        ("unplaced penalty", costs.unplaced_penalty_rmb, penalty),
        ("weighted terms", costs.weighted_terms_rmb, weighted),
    ):
        if reported != exact.quantize(FEN, ROUND_HALF_EVEN):
            broken(AllocationRule.COSTS, f"{name}: reported {reported}, recomputed {exact:.2f}")
    if result.lower_bound > objective:
        broken(AllocationRule.BOUND, f"lower bound {result.lower_bound} above {objective}")

    explained: Counter[tuple[str, str]] = Counter()
    for e in result.explanations:
        key = (e.order_id, e.factory_id)
        if key in explained:
            broken(AllocationRule.EXPLANATION, f"{e.order_id}@{e.factory_id} explained twice")
        explained[key] = e.pairs
    if explained != totals:
        wrong = sorted(set(explained.items()) ^ set(totals.items()))
        broken(
            AllocationRule.EXPLANATION,
            "explanations and plan differ at " + ", ".join(f"{o}@{f}" for (o, f), _ in wrong),
        )
    return CheckResult(violations=tuple(violations), objective=objective)


def _check_unplaced(
    problem: AllocationProblem,
    result: AllocationResult,
    placed: Counter[str],
    broken: Callable[[AllocationRule, str], None],
) -> None:
    """The UNPLACED and UNPLACED_REASON rules."""
    orders = {o.id: o for o in problem.orders}
    reported: Counter[str] = Counter()
    for u in result.unplaced:
        if u.order_id not in orders:
            broken(AllocationRule.UNPLACED, f"unplaced pairs of unknown order {u.order_id}")
            continue
        if u.order_id in reported:
            broken(AllocationRule.UNPLACED, f"{u.order_id} listed twice")
        if not isinstance(u.pairs, int) or u.pairs < 1:
            broken(AllocationRule.UNPLACED, f"{u.order_id}: {u.pairs!r} unplaced pairs")
        reported[u.order_id] += u.pairs
        if not _reason_holds(problem, orders[u.order_id], u.reason):
            broken(
                AllocationRule.UNPLACED_REASON,
                f"{u.order_id}: {u.reason.value}, but a factory could take it",
            )
    for order in problem.orders:
        missing = max(0, order.pairs - placed[order.id])
        if reported[order.id] != missing:
            broken(
                AllocationRule.UNPLACED,
                f"{order.id}: {reported[order.id]} pairs reported unplaced, {missing} are",
            )


def _reason_holds(problem: AllocationProblem, order: Order, reason: UnplacedReason) -> bool:
    """Whether a reason that says no factory could take the order is true; the reasons
    that depend on the plan (capacity, lots, limits, penalty) are not judged."""
    factories = problem.factories
    if reason is UnplacedReason.NO_FACTORY_FOR_CATEGORY:
        return not any(order.category in f.categories for f in factories)
    if reason is UnplacedReason.MISSING_PROCESS:
        return not any(
            order.category in f.categories and order.requires <= f.capabilities for f in factories
        )
    if reason is UnplacedReason.MISSING_CERTIFICATION:
        return not any(_able(order, f) for f in factories)
    if reason is UnplacedReason.ALL_CAPABLE_EXCLUDED:
        return all(f.id in order.excluded_factories for f in factories if _able(order, f))
    return True
