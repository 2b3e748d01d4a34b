"""Eligible (order, factory) arcs per category, as NumPy arrays the solvers share.

Capacities are per factory, category and period, so each category is an independent
subproblem: the engine decomposes by category without losing anything.

Periods are folded away. Landed cost does not depend on the period, and an order may use
any period 0..d where d = due_period − lead_time_periods, so the windows of all orders at
one factory are prefixes [0, d]. For prefix windows, a set of totals x_of fits a factory's
per-period capacity if and only if, for every d, the pairs of orders whose window ends at
or before d do not exceed the capacity of periods 0..d (Hall's condition on nested
intervals); filling orders by increasing d then yields the periods. The models therefore
have one variable per (order, factory) and P cumulative constraints per factory, instead of
one variable per (order, factory, period).

Costs enter the integer models in units of 1/SCALE RMB, rounded down (and one unit lower
to absorb float error), so every bound computed on them is also a bound on the true cost.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

import numpy as np
import numpy.typing as npt

from clusterlink.domain.allocation.problem import AllocationProblem, Order
from clusterlink.domain.allocation.result import UnplacedReason

SCALE = 10_000
EARTH_RADIUS_KM = 6371.0

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance with the spec's Earth radius; same formula as the arrays'."""
    la1, lo1, la2, lo2 = map(math.radians, (lat1, lng1, lat2, lng2))
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def _haversine_many(lat: float, lng: float, lats: FloatArray, lngs: FloatArray) -> FloatArray:
    la1, lo1 = math.radians(lat), math.radians(lng)
    h = np.sin((lats - la1) / 2) ** 2 + math.cos(la1) * np.cos(lats) * np.sin((lngs - lo1) / 2) ** 2
    result: FloatArray = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(h))
    return result


def money_units(amount: Decimal) -> int:
    """An amount in model units, rounded down so that bounds stay bounds."""
    return int((amount * SCALE).to_integral_value(rounding=ROUND_FLOOR))


@dataclass(slots=True)
class CategoryArcs:
    """One category's subproblem. Local order k is problem.orders[orders[k]], local factory
    g is problem.factories[factories[g]]. Arcs are sorted by order, then by cost, and
    order k's arcs are arc_*[order_start[k]:order_start[k + 1]]."""

    category: str
    periods: int
    orders: IntArray
    factories: IntArray
    pairs: IntArray
    lot: IntArray
    limit: IntArray
    capacity: IntArray  # (factories, periods) pairs per period
    cumulative: IntArray  # (factories, periods) pairs in periods 0..d
    arc_order: IntArray
    arc_factory: IntArray
    arc_deadline: IntArray
    arc_cost: FloatArray  # RMB per pair, landed cost plus weighted terms
    arc_units: IntArray  # the same in model units, rounded down
    order_start: IntArray
    penalty_units: int
    penalty: float
    # Per order: the most pairs any plan can place, the sum of its `limit` largest
    # min(pairs, capacity before the deadline) over its arcs. The rest is unplaced in
    # every plan, so the relaxation may count it as unplaced: a stronger, honest bound.
    placeable: IntArray

    @property
    def arc_count(self) -> int:
        return int(self.arc_order.shape[0])

    def arcs_of(self, k: int) -> range:
        return range(int(self.order_start[k]), int(self.order_start[k + 1]))


@dataclass(slots=True)
class Candidates:
    """All categories' arcs plus, for orders with no arc at all, the reason why."""

    categories: list[CategoryArcs]
    static_reason: dict[int, UnplacedReason]


def _label_masks(label_sets: list[frozenset[str]], index: dict[str, int]) -> list[int]:
    return [sum(1 << index[x] for x in labels if x in index) for labels in label_sets]


def _covers(have: list[int], need: int) -> npt.NDArray[np.bool_]:
    # Python ints as bitsets: label vocabularies are small but unbounded, and this runs once
    # per distinct requirement signature, not per order.
    return np.fromiter(((h & need) == need for h in have), dtype=bool, count=len(have))


def build_candidates(problem: AllocationProblem) -> Candidates:
    """Enumerate every eligible arc. An arc is dropped only when no feasible plan can use it
    (no period before due, or less capacity before due than the order's minimum lot), so
    bounds computed over the arcs are bounds of the whole problem."""
    periods = problem.periods
    rate = float(problem.transport_rmb_per_pair_km)
    weights = problem.weights
    w_quality = float(weights.quality_rmb_per_pair)
    w_large = float(weights.large_firm_rmb_per_pair)
    w_cluster = float(weights.same_cluster_rmb_per_pair)
    static_reason: dict[int, UnplacedReason] = {}

    by_category: dict[str, list[int]] = {}
    for j, factory in enumerate(problem.factories):
        for name in factory.categories:
            by_category.setdefault(name, []).append(j)
    orders_by_category: dict[str, list[int]] = {}
    for i, order in enumerate(problem.orders):
        if order.category not in by_category:
            static_reason[i] = UnplacedReason.NO_FACTORY_FOR_CATEGORY
        else:
            orders_by_category.setdefault(order.category, []).append(i)

    result: list[CategoryArcs] = []
    for name in sorted(orders_by_category):
        fac_idx = np.asarray(by_category[name], dtype=np.int64)
        factories = [problem.factories[j] for j in fac_idx]
        capacity = np.asarray([f.categories[name].capacity for f in factories], dtype=np.int64)
        capacity = capacity.reshape(len(factories), periods)
        cumulative = np.cumsum(capacity, axis=1)
        lats = np.radians(np.asarray([f.lat for f in factories], dtype=np.float64))
        lngs = np.radians(np.asarray([f.lng for f in factories], dtype=np.float64))
        lead = np.asarray([f.lead_time_periods for f in factories], dtype=np.int64)
        base = np.asarray(
            [float(f.categories[name].unit_cost) for f in factories], dtype=np.float64
        )
        base = base + w_quality * (1.0 - np.asarray([f.quality for f in factories]))
        base = base + w_large * np.asarray([0.0 if f.small_firm else 1.0 for f in factories])
        fac_cluster = [f.cluster for f in factories]
        processes = sorted({x for f in factories for x in f.capabilities})
        certs = sorted({x for f in factories for x in f.certifications})
        p_index = {x: b for b, x in enumerate(processes)}
        c_index = {x: b for b, x in enumerate(certs)}
        fac_proc = _label_masks([f.capabilities for f in factories], p_index)
        fac_cert = _label_masks([f.certifications for f in factories], c_index)

        signature_cache: dict[tuple[frozenset[str], frozenset[str]], tuple[IntArray, int]] = {}
        local_orders: list[int] = []
        pieces_fac: list[IntArray] = []
        pieces_dead: list[IntArray] = []
        pieces_cost: list[FloatArray] = []
        for i in orders_by_category[name]:
            order = problem.orders[i]
            key = (order.requires, order.certifications)
            if key not in signature_cache:
                signature_cache[key] = _eligible(order, fac_proc, fac_cert, p_index, c_index)
            eligible, failure = signature_cache[key]
            if order.excluded_factories and eligible.size:
                allowed = np.asarray(
                    [factories[x].id not in order.excluded_factories for x in eligible], dtype=bool
                )
                if not allowed.any():
                    static_reason[i] = UnplacedReason.ALL_CAPABLE_EXCLUDED
                    continue
                eligible = eligible[allowed]
            if eligible.size == 0:
                static_reason[i] = (
                    UnplacedReason.MISSING_PROCESS
                    if failure == 0
                    else UnplacedReason.MISSING_CERTIFICATION
                )
                continue
            deadline = np.minimum(order.due_period - lead[eligible], periods - 1)
            timely = deadline >= 0
            timely[timely] &= cumulative[eligible[timely], deadline[timely]] > 0
            if not timely.any():
                static_reason[i] = UnplacedReason.NO_CAPACITY_BEFORE_DUE
                continue
            lotted = timely.copy()
            lotted[timely] &= cumulative[eligible[timely], deadline[timely]] >= order.lot
            if order.pairs < order.lot or not lotted.any():
                static_reason[i] = UnplacedReason.BELOW_MIN_LOT
                continue
            g = eligible[lotted]
            cost = base[g] + rate * _haversine_many(order.lat, order.lng, lats[g], lngs[g])
            if w_cluster and order.cluster:
                same = np.asarray([fac_cluster[x] == order.cluster for x in g], dtype=bool)
                cost = cost + w_cluster * same
            ordering = np.lexsort((g, cost))
            local_orders.append(i)
            pieces_fac.append(g[ordering])
            pieces_dead.append(deadline[lotted][ordering])
            pieces_cost.append(cost[ordering])

        if not local_orders:
            continue
        counts = np.asarray([p.size for p in pieces_fac], dtype=np.int64)
        order_start = np.zeros(len(local_orders) + 1, dtype=np.int64)
        np.cumsum(counts, out=order_start[1:])
        arc_cost = np.concatenate(pieces_cost)
        units = np.floor(arc_cost * SCALE).astype(np.int64) - 1
        arc_order = np.repeat(np.arange(len(local_orders), dtype=np.int64), counts)
        arc_factory = np.concatenate(pieces_fac).astype(np.int64)
        arc_deadline = np.concatenate(pieces_dead).astype(np.int64)
        order_pairs = np.asarray([problem.orders[i].pairs for i in local_orders], dtype=np.int64)
        order_limit = np.asarray(
            [problem.orders[i].factory_limit for i in local_orders], dtype=np.int64
        )
        penalty = problem.unplaced_penalty_rmb_per_pair
        result.append(
            CategoryArcs(
                category=name,
                periods=periods,
                orders=np.asarray(local_orders, dtype=np.int64),
                factories=fac_idx,
                pairs=order_pairs,
                lot=np.asarray([problem.orders[i].lot for i in local_orders], dtype=np.int64),
                limit=order_limit,
                capacity=capacity,
                cumulative=cumulative,
                arc_order=arc_order,
                arc_factory=arc_factory,
                arc_deadline=arc_deadline,
                arc_cost=arc_cost,
                arc_units=np.maximum(units, 0),
                order_start=order_start,
                penalty_units=money_units(penalty),
                penalty=float(penalty),
                placeable=_placeable(
                    order_pairs,
                    order_limit,
                    arc_order,
                    cumulative[arc_factory, arc_deadline],
                    order_start,
                ),
            )
        )
    return Candidates(categories=result, static_reason=static_reason)


def _placeable(
    pairs: IntArray,
    limit: IntArray,
    arc_order: IntArray,
    arc_room: IntArray,
    order_start: IntArray,
) -> IntArray:
    """Per order: min(pairs, sum of its `limit` largest min(pairs, room before deadline))."""
    share = np.minimum(arc_room, pairs[arc_order])
    # Largest shares first within each order; arcs keep their order grouping.
    ranked = np.lexsort((-share, arc_order))
    rank = np.arange(arc_order.size, dtype=np.int64) - order_start[arc_order[ranked]]
    kept = ranked[rank < limit[arc_order[ranked]]]
    total = np.bincount(arc_order[kept], weights=share[kept], minlength=pairs.size)
    result: IntArray = np.minimum(pairs, total.astype(np.int64))
    return result


def _eligible(
    order: Order,
    fac_proc: list[int],
    fac_cert: list[int],
    p_index: dict[str, int],
    c_index: dict[str, int],
) -> tuple[IntArray, int]:
    """Local factories with the order's processes and certifications; if none, 0 when a
    process is missing everywhere, 1 when the certifications are the obstacle."""
    if any(x not in p_index for x in order.requires):
        return np.zeros(0, dtype=np.int64), 0
    has_proc = _covers(fac_proc, _label_masks([order.requires], p_index)[0])
    if not has_proc.any():
        return np.zeros(0, dtype=np.int64), 0
    if any(x not in c_index for x in order.certifications):
        return np.zeros(0, dtype=np.int64), 1
    has_cert = _covers(fac_cert, _label_masks([order.certifications], c_index)[0])
    both = np.flatnonzero(has_proc & has_cert).astype(np.int64)
    return both, 1
