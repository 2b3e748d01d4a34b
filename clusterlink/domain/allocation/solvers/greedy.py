"""Plans built and repaired by rules: the greedy baseline and the rounding of the flow.

A plan of a category is the pairs on each arc (order, factory). It fits the capacities
when, for every factory and deadline d, the pairs with deadline ≤ d do not exceed the
capacity of periods 0..d (see candidates.py); `Slack` keeps that room per factory and
deadline in plain lists, because these loops touch a handful of numbers at a time and
NumPy's per-call overhead would dominate.
"""

from __future__ import annotations

import numpy as np

from clusterlink.domain.allocation.candidates import CategoryArcs, IntArray


class Slack:
    """room[g][d] = capacity of periods 0..d minus pairs placed with deadline ≤ d."""

    def __init__(self, arcs: CategoryArcs) -> None:
        self.room: list[list[int]] = arcs.cumulative.tolist()

    def insertable(self, g: int, d: int) -> int:
        return min(self.room[g][d:])

    def add(self, g: int, d: int, pairs: int) -> None:
        row = self.room[g]
        for t in range(d, len(row)):
            row[t] -= pairs


class CategoryPlan:
    """Pairs per arc of one category with the capacity room they leave."""

    def __init__(self, arcs: CategoryArcs, arc_pairs: IntArray | None = None) -> None:
        self.arcs = arcs
        self.pairs: list[int] = [0] * arcs.arc_count
        self.slack = Slack(arcs)
        self.factory_of: list[int] = arcs.arc_factory.tolist()
        self.deadline_of: list[int] = arcs.arc_deadline.tolist()
        if arc_pairs is not None:
            for a in np.flatnonzero(arc_pairs):
                self.set(int(a), int(arc_pairs[a]))

    def set(self, a: int, pairs: int) -> None:
        delta = pairs - self.pairs[a]
        if delta:
            self.slack.add(self.factory_of[a], self.deadline_of[a], delta)
            self.pairs[a] = pairs

    def room(self, a: int) -> int:
        return self.slack.insertable(self.factory_of[a], self.deadline_of[a])

    def used_arcs(self, k: int) -> list[int]:
        return [a for a in self.arcs.arcs_of(k) if self.pairs[a] > 0]

    def placed(self, k: int) -> int:
        return sum(self.pairs[a] for a in self.arcs.arcs_of(k))

    def array(self) -> IntArray:
        return np.asarray(self.pairs, dtype=np.int64)

    def cost_units(self) -> int:
        """The plan's objective in model units (production, transport, weights, penalty)."""
        pairs = self.array()
        placed = np.bincount(self.arcs.arc_order, weights=pairs, minlength=self.arcs.orders.size)
        unplaced = int(self.arcs.pairs.sum() - placed.sum())
        return int((pairs * self.arcs.arc_units).sum()) + unplaced * self.arcs.penalty_units

    def is_valid_order(self, k: int) -> bool:
        used = self.used_arcs(k)
        lot = int(self.arcs.lot[k])
        return len(used) <= int(self.arcs.limit[k]) and all(self.pairs[a] >= lot for a in used)


def place_order(plan: CategoryPlan, k: int) -> None:
    """Place as many of order k's missing pairs as the rules allow, cheapest first: top up
    the factories it already uses, then open new ones (each with at least a minimum lot).
    An unsplittable order without a factory goes whole to the cheapest factory with room,
    or, if none has room for all of it, to the one with the most room."""
    arcs = plan.arcs
    lot = int(arcs.lot[k])
    limit = int(arcs.limit[k])
    missing = int(arcs.pairs[k]) - plan.placed(k)
    if missing <= 0:
        return
    span = arcs.arcs_of(k)
    penalty_units = arcs.penalty_units
    units = arcs.arc_units
    used = [a for a in span if plan.pairs[a] > 0]
    for a in used:
        if missing == 0:
            return
        if units[a] >= penalty_units:
            continue
        extra = min(missing, plan.room(a))
        if extra > 0:
            plan.set(a, plan.pairs[a] + extra)
            missing -= extra
    if missing < lot or len(used) >= limit:
        return
    if limit == 1:
        best, best_room = -1, 0
        for a in span:
            if units[a] >= penalty_units:
                break
            room = plan.room(a)
            if room >= missing:
                plan.set(a, missing)
                return
            if room > best_room:
                best, best_room = a, room
        if best >= 0 and best_room >= lot:
            plan.set(best, best_room)
        return
    opened = len(used)
    for a in span:
        if missing < lot or opened >= limit:
            return
        if units[a] >= penalty_units:
            return
        if plan.pairs[a] > 0:
            continue
        take = lot_share(missing, plan.room(a), lot=lot, opened=opened, limit=limit)
        if take >= lot:
            plan.set(a, take)
            missing -= take
            opened += 1


def lot_share(missing: int, room: int, *, lot: int, opened: int, limit: int) -> int:
    """Pairs of an order's `missing` to give the next factory (with `room`, after `opened` of
    `limit` factories): as many as fit, but leaving a whole minimum lot for a further factory
    rather than a remainder no factory may take."""
    take = min(missing, room)
    if 0 < missing - take < lot and opened + 1 < limit:
        take = missing - lot
    return take


def order_cost_units(plan: CategoryPlan, k: int) -> int:
    arcs = plan.arcs
    placed = 0
    cost = 0
    for a in arcs.arcs_of(k):
        x = plan.pairs[a]
        if x:
            placed += x
            cost += x * int(arcs.arc_units[a])
    return cost + (int(arcs.pairs[k]) - placed) * arcs.penalty_units


def reinsert_order(plan: CategoryPlan, k: int) -> bool:
    """Take order k out and put it back in the best way the room allows; keep the change
    only if it is cheaper. An unsplittable order weighs every factory by its cost plus the
    penalty on what would not fit there, so it can move to a dearer factory with room."""
    arcs = plan.arcs
    span = arcs.arcs_of(k)
    before = order_cost_units(plan, k)
    saved = [(a, plan.pairs[a]) for a in span if plan.pairs[a]]
    for a, _ in saved:
        plan.set(a, 0)
    pairs = int(arcs.pairs[k])
    lot = int(arcs.lot[k])
    if int(arcs.limit[k]) == 1:
        best, best_q, best_cost = -1, 0, pairs * arcs.penalty_units
        for a in span:
            q = min(pairs, plan.room(a))
            if q < lot:
                continue
            cost = q * int(arcs.arc_units[a]) + (pairs - q) * arcs.penalty_units
            if cost < best_cost:
                best, best_q, best_cost = a, q, cost
            if q == pairs:
                break  # arcs come cheapest first: no later one can beat a whole fit
        if best >= 0:
            plan.set(best, best_q)
    else:
        place_order(plan, k)
    if order_cost_units(plan, k) <= before:
        return True
    for a in span:
        plan.set(a, 0)
    for a, x in saved:
        plan.set(a, x)
    return False


def greedy_plan(arcs: CategoryArcs) -> CategoryPlan:
    """The baseline of BENCHMARKS.md: largest order first, each to its cheapest feasible
    factories, never revisited."""
    plan = CategoryPlan(arcs)
    for k in np.argsort(-arcs.pairs, kind="stable"):
        place_order(plan, int(k))
    return plan


def round_flow(arcs: CategoryArcs, arc_pairs: IntArray) -> CategoryPlan:
    """Turn the relaxation's flow into a plan that keeps every rule.

    The flow is integral, so only orders it spreads over too many factories or leaves
    below a minimum lot break a rule. Those keep their largest valid shares (at most their
    factory limit, each ≥ min lot); then every order with missing pairs is placed again,
    largest first, on the room the others left."""
    plan = CategoryPlan(arcs, arc_pairs)
    broken: list[int] = []
    for k in range(arcs.orders.size):
        if plan.is_valid_order(k):
            continue
        broken.append(k)
        used = sorted(plan.used_arcs(k), key=lambda a: (-plan.pairs[a], int(arcs.arc_units[a])))
        lot = int(arcs.lot[k])
        kept = [a for a in used if plan.pairs[a] >= lot][: int(arcs.limit[k])]
        for a in used:
            if a not in kept:
                plan.set(a, 0)
    missing = [k for k in range(arcs.orders.size) if plan.placed(k) < int(arcs.pairs[k])]
    for k in sorted(missing, key=lambda k: -int(arcs.pairs[k])):
        place_order(plan, k)
    return plan
