"""Fixed placements: a repair run keeps accepted matches exactly and re-plans the rest.

split_fixed checks the fixed placements and turns the problem into a residual one:

- each fixed placement consumes its factory's capacity of the order's category in its
  period (the residual capacity is what is left);
- an order keeps `pairs − fixed pairs` to place; the factories it already uses count
  against its factory limit, so the residual order may use `limit − used` factories, each
  new share at least the minimum lot (a share that lands on a factory already used is
  held to the minimum lot as well, which is stricter than needed but keeps every rule);
- an unsplittable order with fixed pairs, or one whose limit is used up, keeps its rest
  unplaced with reason FACTORY_LIMIT_REACHED.

merge_fixed adds the fixed placements back: their cost enters the objective and, being
fixed, the lower bound as well, so the bound stays a bound of the repair problem.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Decimal

from clusterlink.domain.allocation.problem import (
    AllocationInputError,
    AllocationProblem,
    CategoryOffer,
    Factory,
    Order,
)
from clusterlink.domain.allocation.result import (
    AllocationResult,
    CostBreakdown,
    Explanation,
    Placement,
    Unplaced,
    UnplacedReason,
)

CENT = Decimal("0.01")


@dataclass(slots=True)
class HeldPart:
    """What the fixed placements contribute: the placements, their costs, and the orders'
    rests that cannot be placed at all (order id → pairs)."""

    placements: list[Placement]
    production: Decimal = Decimal(0)
    transport: Decimal = Decimal(0)
    weighted: Decimal = Decimal(0)
    blocked: dict[str, int] = field(default_factory=dict)
    penalty: Decimal = Decimal(0)

    @property
    def cost(self) -> Decimal:
        return self.production + self.transport + self.weighted + self.penalty


def split_fixed(
    problem: AllocationProblem, fixed: Sequence[Placement]
) -> tuple[AllocationProblem, HeldPart]:
    """The residual problem and the held part. Raises AllocationInputError naming every
    fixed placement that breaks a rule (unknown order or factory, category not made there,
    period out of range or after due minus lead time, more pairs than the order or than the
    factory's capacity in that period)."""
    from clusterlink.domain.allocation.solve import _pair_cost

    orders = {o.id: o for o in problem.orders}
    factories = {f.id: f for f in problem.factories}
    problems: list[str] = []
    per_order: dict[str, int] = defaultdict(int)
    used: dict[str, set[str]] = defaultdict(set)
    consumed: dict[tuple[str, str, int], int] = defaultdict(int)
    for p in fixed:
        order = orders.get(p.order_id)
        factory = factories.get(p.factory_id)
        where = f"fixed placement {p.order_id}@{p.factory_id} period {p.period}"
        if order is None or factory is None:
            problems.append(f"{where}: unknown order or factory")
            continue
        if order.category not in factory.categories:
            problems.append(f"{where}: factory does not make {order.category}")
            continue
        if not isinstance(p.pairs, int) or p.pairs < 1:
            problems.append(f"{where}: pairs must be >= 1")
            continue
        if not 0 <= p.period < problem.periods:
            problems.append(f"{where}: period out of range")
            continue
        if p.period > order.due_period - factory.lead_time_periods:
            problems.append(f"{where}: after due period minus lead time")
            continue
        per_order[order.id] += p.pairs
        used[order.id].add(factory.id)
        consumed[(factory.id, order.category, p.period)] += p.pairs
    for oid, pairs in sorted(per_order.items()):
        if pairs > orders[oid].pairs:
            problems.append(f"order {oid}: {pairs} fixed pairs exceed its {orders[oid].pairs}")
    for (fid, category, period), pairs in sorted(consumed.items()):
        capacity = factories[fid].categories[category].capacity[period]
        if pairs > capacity:
            problems.append(
                f"factory {fid} {category} period {period}: {pairs} fixed pairs "
                f"exceed capacity {capacity}"
            )
    if problems:
        raise AllocationInputError("; ".join(problems))

    held = HeldPart(placements=list(fixed))
    for p in fixed:
        unit, transport, weighted, _ = _pair_cost(
            problem, orders[p.order_id], factories[p.factory_id]
        )
        held.production += unit * p.pairs
        held.transport += transport * p.pairs
        held.weighted += weighted * p.pairs

    residual_factories = []
    for factory in problem.factories:
        offers: dict[str, CategoryOffer] = {}
        for name, offer in factory.categories.items():
            left = tuple(
                c - consumed.get((factory.id, name, t), 0) for t, c in enumerate(offer.capacity)
            )
            offers[name] = CategoryOffer(unit_cost=offer.unit_cost, capacity=left)
        residual_factories.append(_with_offers(factory, offers))
    residual_orders: list[Order] = []
    for order in problem.orders:
        rest = order.pairs - per_order.get(order.id, 0)
        if rest == 0:
            continue
        free_factories = order.factory_limit - len(used.get(order.id, ()))
        if free_factories < 1:
            held.blocked[order.id] = rest
            held.penalty += rest * problem.unplaced_penalty_rmb_per_pair
            continue
        residual_orders.append(
            replace(
                order,
                pairs=rest,
                min_lot=order.min_lot,
                max_factories=free_factories if order.split else 1,
            )
        )
    residual = replace(problem, factories=tuple(residual_factories), orders=tuple(residual_orders))
    return residual, held


def _with_offers(factory: Factory, offers: dict[str, CategoryOffer]) -> Factory:
    return Factory(
        id=factory.id,
        lat=factory.lat,
        lng=factory.lng,
        lead_time_periods=factory.lead_time_periods,
        capabilities=factory.capabilities,
        certifications=factory.certifications,
        categories=offers,
        quality=factory.quality,
        small_firm=factory.small_firm,
        cluster=factory.cluster,
    )


def merge_fixed(
    problem: AllocationProblem, held: HeldPart, result: AllocationResult
) -> AllocationResult:
    """The residual result with the fixed placements added back (see the module docstring)."""
    from clusterlink.domain.allocation.solve import _pair_cost

    cells: dict[tuple[str, str, int], int] = defaultdict(int)
    for p in (*held.placements, *result.placements):
        cells[(p.order_id, p.factory_id, p.period)] += p.pairs
    placements = tuple(
        Placement(order_id=o, factory_id=f, period=t, pairs=x)
        for (o, f, t), x in sorted(cells.items())
    )
    unplaced = list(result.unplaced) + [
        Unplaced(order_id=oid, pairs=pairs, reason=UnplacedReason.FACTORY_LIMIT_REACHED)
        for oid, pairs in sorted(held.blocked.items())
    ]
    orders = {o.id: o for o in problem.orders}
    factories = {f.id: f for f in problem.factories}
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for (o, f, _), x in cells.items():
        totals[(o, f)] += x
    by_order: dict[str, set[str]] = defaultdict(set)
    for o, f in totals:
        by_order[o].add(f)
    explanations = []
    # The merged plan's costs are summed afresh, exactly: adding the held part to the
    # residual result's figures, each already rounded to the fen, could be a fen off.
    production = transport_total = weighted_total = Decimal(0)
    for (oid, fid), pairs in sorted(totals.items()):
        order, factory = orders[oid], factories[fid]
        ranked = _ranked(problem, order)
        unit, transport, weighted, km = _pair_cost(problem, order, factory)
        production += unit * pairs
        transport_total += transport * pairs
        weighted_total += weighted * pairs
        runner = next((g for g in ranked if g.id not in by_order[oid]), None)
        extra = None
        if runner is not None:
            r_unit, r_transport, r_weighted, _ = _pair_cost(problem, order, runner)
            extra = (r_unit + r_transport + r_weighted - unit - transport - weighted).quantize(
                Decimal("0.0001")
            )
        explanations.append(
            Explanation(
                order_id=oid,
                factory_id=fid,
                pairs=pairs,
                unit_cost_rmb=unit,
                transport_rmb_per_pair=transport.quantize(Decimal("0.0001")),
                distance_km=km,
                rank=ranked.index(factory) + 1 if factory in ranked else len(ranked) + 1,
                eligible_factories=len(ranked),
                runner_up_factory_id=None if runner is None else runner.id,
                runner_up_extra_rmb_per_pair=extra,
            )
        )
    penalty = problem.unplaced_penalty_rmb_per_pair * sum(u.pairs for u in unplaced)
    objective = (production + transport_total + weighted_total + penalty).quantize(
        CENT, ROUND_HALF_EVEN
    )
    return AllocationResult(
        status=result.status,
        placements=placements,
        unplaced=tuple(unplaced),
        objective=objective,
        lower_bound=min(objective, result.lower_bound + held.cost).quantize(CENT, ROUND_FLOOR),
        costs=CostBreakdown(
            production_rmb=production.quantize(CENT),
            transport_rmb=transport_total.quantize(CENT),
            unplaced_penalty_rmb=penalty.quantize(CENT),
            weighted_terms_rmb=weighted_total.quantize(CENT),
        ),
        explanations=tuple(explanations),
        seconds=result.seconds,
        backend=result.backend,
    )


def _ranked(problem: AllocationProblem, order: Order) -> list[Factory]:
    """Factories able to make the order (category, processes, certifications), cheapest
    landed cost first."""
    from clusterlink.domain.allocation.solve import _pair_cost

    able = [
        f
        for f in problem.factories
        if order.category in f.categories
        and order.requires <= f.capabilities
        and order.certifications <= f.certifications
    ]

    def cost(f: Factory) -> tuple[Decimal, str]:
        unit, transport, weighted, _ = _pair_cost(problem, order, f)
        return unit + transport + weighted, f.id

    return sorted(able, key=cost)
