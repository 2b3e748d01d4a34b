"""LP-guided rounding: fix what the flow gets right, restrict what it gets wrong, re-solve.

Each round solves the relaxation (a min-cost flow) for the orders not yet fixed, on the
capacity the fixed ones leave. An order whose flow keeps every rule is fixed as it is. An
order that breaks a rule loses the arcs that broke it: shares below its minimum lot go,
and an order over its factory limit keeps only its largest shares. The next flow then
re-routes those pairs with every other free order's pairs at once, which a one-order-at-a-
time repair cannot do. A few rounds leave few free orders; the rest are placed by rule.
"""

from __future__ import annotations

import time

import numpy as np

from clusterlink.domain.allocation.candidates import CategoryArcs, IntArray
from clusterlink.domain.allocation.solvers.flow import solve_relaxation
from clusterlink.domain.allocation.solvers.greedy import CategoryPlan, place_order, reinsert_order

ROUND_CANDIDATES = 24


def residual_capacity(plan: CategoryPlan) -> IntArray:
    """Per-period capacity equivalent to the room the plan leaves: with R(d) the least room
    over deadlines ≥ d (non-decreasing in d), a later flow fits iff its pairs due by d stay
    within R(d), i.e. within period capacities R(d) − R(d − 1)."""
    room = np.asarray(plan.slack.room, dtype=np.int64)
    suffix_min = np.minimum.accumulate(room[:, ::-1], axis=1)[:, ::-1]
    suffix_min = np.maximum(suffix_min, 0)
    capacity = np.diff(suffix_min, axis=1, prepend=0)
    return capacity


def round_by_flow(
    arcs: CategoryArcs, first_flow: IntArray, *, rounds: int = 8, deadline: float | None = None
) -> CategoryPlan:
    """A plan keeping every rule, from the relaxation's flow over all arcs (first_flow)."""
    plan = CategoryPlan(arcs)
    n_orders = arcs.orders.size
    # Later rounds only re-route orders among their cheapest factories and the ones the
    # relaxation chose: the bound comes from the first, complete flow, so this pruning
    # only narrows the search for a plan, and it keeps each round a fraction of the first.
    rank = np.arange(arcs.arc_count, dtype=np.int64) - arcs.order_start[arcs.arc_order]
    active = (rank < ROUND_CANDIDATES) | (first_flow > 0)
    free = np.ones(n_orders, dtype=bool)
    arc_ids = np.arange(arcs.arc_count, dtype=np.int64)
    flow = first_flow
    lot = arcs.lot
    limit = arcs.limit
    for round_no in range(rounds):
        if round_no > 0:
            if deadline is not None and time.monotonic() > deadline:
                break
            demand = np.where(free, arcs.pairs, 0)
            arc_ids = np.flatnonzero(active & free[arcs.arc_order]).astype(np.int64)
            if arc_ids.size == 0:
                break
            flow = solve_relaxation(
                arcs, arc_ids=arc_ids, demand=demand, capacity=residual_capacity(plan)
            ).arc_pairs
        used = flow > 0
        used_ids = arc_ids[used]
        used_flow = flow[used]
        used_order = arcs.arc_order[used_ids]
        # Orders whose whole flow keeps the rules are fixed; others are restricted.
        count = np.bincount(used_order, minlength=n_orders)
        short = np.bincount(used_order, weights=(used_flow < lot[used_order]), minlength=n_orders)
        placed = np.bincount(used_order, weights=used_flow, minlength=n_orders)
        valid = free & (count <= limit) & (short == 0) & (count > 0)
        # A partial order is fixed only at the last round: its missing pairs mean the
        # factories it was restricted to are full, and another round may free room.
        last = round_no == rounds - 1
        good = valid & ((placed == arcs.pairs) | last)
        # Orders sharing a factory with a restricted order stay free for one more round,
        # so that the next flow can move them to make room for it (an unsplittable order
        # pinned to one factory would otherwise find it filled by orders fixed just now).
        bad_used = free[used_order] & ~good[used_order]
        contested = np.zeros(arcs.factories.size, dtype=bool)
        contested[arcs.arc_factory[used_ids[bad_used]]] = True
        touching = np.bincount(
            used_order, weights=contested[arcs.arc_factory[used_ids]], minlength=n_orders
        )
        good &= (touching == 0) | last
        unplaced_in_flow = free & (count == 0)
        for a, x in zip(
            used_ids[good[used_order]].tolist(), used_flow[good[used_order]].tolist(), strict=True
        ):
            plan.set(a, x)
        free &= ~good
        # An order the flow leaves out entirely is better left out at these prices; the
        # final pass still tries it on whatever room remains.
        free &= ~unplaced_in_flow
        if not free.any():
            break
        bad_mask = free[used_order]
        _restrict(arcs, active, used_ids[bad_mask], used_flow[bad_mask])
    leftovers = [k for k in range(n_orders) if plan.placed(k) < int(arcs.pairs[k])]
    for k in sorted(leftovers, key=lambda k: -int(arcs.pairs[k])):
        place_order(plan, k)
        if plan.placed(k) < int(arcs.pairs[k]):
            reinsert_order(plan, k)
    return plan


def _restrict(
    arcs: CategoryArcs, active: np.ndarray, used_ids: IntArray, used_flow: IntArray
) -> None:
    """Remove the arcs that made an order break a rule (see the module docstring)."""
    by_order: dict[int, list[tuple[int, int]]] = {}
    for a, x in zip(used_ids.tolist(), used_flow.tolist(), strict=True):
        by_order.setdefault(int(arcs.arc_order[a]), []).append((a, x))
    for k, shares in by_order.items():
        lot = int(arcs.lot[k])
        limit = int(arcs.limit[k])
        big = [(a, x) for a, x in shares if x >= lot]
        for a, x in shares:
            if x < lot:
                active[a] = False
        if len(big) > limit or (limit == 1 and big):
            keep = {a for a, _ in sorted(big, key=lambda s: (-s[1], s[0]))[:limit]}
            span = arcs.arcs_of(k)
            active[span.start : span.stop] = False
            for a in keep:
                active[a] = True
