"""LP-guided rounding by diving: fix part of the flow, re-solve the rest, repeat.

Each round solves the relaxation (a min-cost flow over every arc of the orders not yet
fixed) on the capacity the fixed orders leave. An order whose flow keeps every rule is
fixed exactly as the flow has it: the flow is feasible, so these always fit together. Of
the orders whose flow breaks a rule (too many factories, a share below the minimum lot,
pairs left out), the most constrained quarter is fixed by rule, preferring the factories
the flow chose (largest share first), then the cheapest ones; the next flow re-routes
every other free order around them. Orders the flow leaves out entirely are better left
out at these prices and only get a last try on whatever room remains.

Two things make this work on large instances (measured at 2,000 factories × 20,000
orders, see bench/results): the re-solved flows see every arc, not only the cheapest
factories of each order (those are the first to fill up, and a flow restricted to them
leaves pairs out while dearer factories have room), and a fixed order's factories are
chosen so that their room covers the order (a factory with a sliver of room would use up
one of its few allowed factories for a handful of pairs).
"""

from __future__ import annotations

import time

import numpy as np

from clusterlink.domain.allocation.candidates import CategoryArcs, IntArray
from clusterlink.domain.allocation.solvers.flow import solve_relaxation
from clusterlink.domain.allocation.solvers.greedy import (
    CategoryPlan,
    lot_share,
    place_order,
    reinsert_order,
)

# Share of the rule-breaking orders fixed per round (at least FIX_AT_LEAST): small enough
# that the next flow can still make room for what was fixed, large enough that a category
# of thousands of orders needs only a dozen or so flows.
FIX_SHARE = 0.25
FIX_AT_LEAST = 10
MAX_ROUNDS = 60
POLISH_SWEEPS = 2
USABLE_ARCS = 256
EVICT_CANDIDATES = 8


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
    arcs: CategoryArcs,
    first_flow: IntArray,
    *,
    rounds: int = MAX_ROUNDS,
    deadline: float | None = None,
) -> tuple[CategoryPlan, bool]:
    """A plan keeping every rule, from the relaxation's flow over all arcs (first_flow),
    and whether the dive ran to its end (False when `deadline` cut it short).

    Deterministic. Past `deadline` (wall clock) the round under way fixes every order
    left, from the flow it already has, instead of solving more flows."""
    plan = CategoryPlan(arcs)
    n_orders = arcs.orders.size
    lot, limit, pairs = arcs.lot, arcs.limit, arcs.pairs
    placeable = arcs.placeable
    tightness = _tightness(arcs)
    free = np.ones(n_orders, dtype=bool)
    # Orders that made room for themselves by evicting others; never evicted in turn,
    # so evictions end.
    anchored = np.zeros(n_orders, dtype=bool)
    cut_short = False
    arc_ids = np.arange(arcs.arc_count, dtype=np.int64)
    flow = first_flow
    for round_no in range(rounds):
        if round_no > 0:
            demand = np.where(free, placeable, 0)
            capacity = residual_capacity(plan)
            arc_ids = _usable_arcs(arcs, free, capacity)
            flow = solve_relaxation(
                arcs, arc_ids=arc_ids, demand=demand, capacity=capacity
            ).arc_pairs
        out_of_time = deadline is not None and time.monotonic() > deadline
        last = round_no == rounds - 1 or out_of_time
        used = flow > 0
        used_ids = arc_ids[used]
        used_flow = flow[used]
        used_order = arcs.arc_order[used_ids]
        count = np.bincount(used_order, minlength=n_orders)
        short = np.bincount(used_order, weights=(used_flow < lot[used_order]), minlength=n_orders)
        placed = np.bincount(used_order, weights=used_flow, minlength=n_orders)
        good = free & (count > 0) & (count <= limit) & (short == 0) & (placed == placeable)
        broken = np.flatnonzero(free & ~good & (count > 0))
        for a, x in zip(
            used_ids[good[used_order]].tolist(), used_flow[good[used_order]].tolist(), strict=True
        ):
            plan.set(a, x)
        free &= ~good
        # An order the flow leaves out entirely is better left out at these prices; the
        # final pass still tries it on whatever room remains.
        free &= count > 0
        if broken.size:
            take = max(FIX_AT_LEAST, int(broken.size * FIX_SHARE))
            if last:
                # Only fixing more than a normal round would makes the plan differ.
                cut_short = out_of_time and round_no < rounds - 1 and take < broken.size
                take = broken.size
            chosen = broken[np.argsort(-tightness[broken], kind="stable")][:take]
            chosen_mask = np.zeros(n_orders, dtype=bool)
            chosen_mask[chosen] = True
            shares: dict[int, list[tuple[int, int]]] = {int(k): [] for k in chosen}
            pick = chosen_mask[used_order]
            for a, x, k in zip(
                used_ids[pick].tolist(),
                used_flow[pick].tolist(),
                used_order[pick].tolist(),
                strict=True,
            ):
                shares[k].append((a, x))
            evicted: list[int] = []
            for k in chosen.tolist():
                place_along_flow(plan, k, shares[k])
                if not last and limit[k] == 1 and plan.placed(k) < placeable[k]:
                    evicted += _make_room(plan, k, shares[k], anchored)
            free[chosen] = False
            free[evicted] = True
        if last or not free.any():
            break
    leftovers = [k for k in range(n_orders) if plan.placed(k) < int(pairs[k])]
    for k in sorted(leftovers, key=lambda k: -int(pairs[k])):
        place_order(plan, k)
        if plan.placed(k) < int(pairs[k]):
            reinsert_order(plan, k)
    # Polish: each order taken out and put back its best way on the room the others
    # leave. The dive placed orders against a flow that later moved, so a factory it
    # avoided as full may have room now (about 0.05 % of the cost at 2,000 × 20,000).
    for _ in range(POLISH_SWEEPS):
        for k in range(n_orders):
            if k % 64 == 0 and deadline is not None and time.monotonic() > deadline:
                return plan, False
            reinsert_order(plan, k)
    return plan, not cut_short


def _make_room(
    plan: CategoryPlan, k: int, shares: list[tuple[int, int]], anchored: np.ndarray
) -> list[int]:
    """An unsplittable order that no factory has room for any more (the flow split it
    over several, and the orders fixed meanwhile took the rest): move it whole to one of
    its first EVICT_CANDIDATES factories able to hold it, preferring the flow's, by
    taking out the fewest pairs of other orders there, smallest first. The orders taken
    out (all their pairs) are returned to be planned again by the next flow; k is
    anchored. Returns [] and changes nothing if no candidate works."""
    arcs = plan.arcs
    need = int(arcs.placeable[k])
    preferred = [a for a, _ in sorted(shares, key=lambda s: (-s[1], s[0]))]
    seen = set(preferred)
    ranked = preferred + [a for a in arcs.arcs_of(k) if a not in seen]
    fits = [
        a
        for a in ranked
        if int(arcs.cumulative[plan.factory_of[a], plan.deadline_of[a]]) >= need
        and int(arcs.arc_units[a]) < arcs.penalty_units
    ][:EVICT_CANDIDATES]
    if not fits:
        return []
    own = [(a, plan.pairs[a]) for a in arcs.arcs_of(k) if plan.pairs[a]]
    for a, _ in own:
        plan.set(a, 0)
    in_use = np.asarray(plan.pairs, dtype=np.int64) > 0
    for target in fits:
        g = plan.factory_of[target]
        at_factory = np.flatnonzero((arcs.arc_factory == g) & in_use)
        owners = arcs.arc_order[at_factory]
        keep = ~anchored[owners] & (owners != k)
        at_factory, owners = at_factory[keep], owners[keep]
        by_size = np.argsort(
            np.asarray([plan.pairs[b] for b in at_factory.tolist()]), kind="stable"
        )
        taken: list[tuple[int, list[tuple[int, int]]]] = []
        for o in owners[by_size].tolist():
            if plan.room(target) >= need:
                break
            saved = [(b, plan.pairs[b]) for b in arcs.arcs_of(o) if plan.pairs[b]]
            for b, _ in saved:
                plan.set(b, 0)
            taken.append((o, saved))
        if plan.room(target) >= need:
            plan.set(target, min(int(arcs.pairs[k]), plan.room(target)))
            anchored[k] = True
            return [o for o, _ in taken]
        for _, saved in taken:
            for b, x in saved:
                plan.set(b, x)
    for a, x in own:
        plan.set(a, x)
    return []


def _usable_arcs(arcs: CategoryArcs, free: np.ndarray, capacity: IntArray) -> IntArray:
    """The arcs a later round's flow may use: of each free order, the USABLE_ARCS
    cheapest into factories with room for a minimum lot before the deadline (the room the
    fixed orders leave). Cheap factories fill up first, so these are not the cheapest
    arcs overall (a cut at the 24 cheapest left 2 M pairs unplaced at 2,000 × 20,000; 64
    usable ones still lose 4 % at 5,000 × 50,000, 256 lose nothing and halve the time
    there). The pruning only narrows the rounding, never the bound."""
    room = np.cumsum(capacity, axis=1)[arcs.arc_factory, arcs.arc_deadline]
    usable = np.flatnonzero(free[arcs.arc_order] & (room >= arcs.lot[arcs.arc_order]))
    order_of = arcs.arc_order[usable]
    rank = np.arange(usable.size, dtype=np.int64) - np.searchsorted(order_of, order_of)
    result: IntArray = usable[rank < USABLE_ARCS].astype(np.int64)
    return result


def _tightness(arcs: CategoryArcs) -> np.ndarray:
    """Per order: its pairs over what its largest allowed factories could hold before
    the deadline. The tighter an order, the fewer ways to place it, so it is fixed first."""
    capacity = arcs.cumulative[arcs.arc_factory, arcs.arc_deadline]
    largest = np.maximum.reduceat(capacity, arcs.order_start[:-1])
    result: np.ndarray = arcs.pairs / np.maximum(largest, 1) / arcs.limit
    return result


def place_along_flow(plan: CategoryPlan, k: int, shares: list[tuple[int, int]]) -> None:
    """Place order k by rule, on the room the plan leaves, preferring the factories its
    flow used (largest share first), then its other factories cheapest first.

    An unsplittable order goes whole to the first factory with room for all of it, else
    to the one that leaves the least penalty. A splittable one opens factories one at a
    time, each the first that can take an even share of what is missing over the factory
    slots left (else the one with most room), so that few large shares cover the order."""
    arcs = plan.arcs
    pairs = int(arcs.pairs[k])
    lot = int(arcs.lot[k])
    limit = int(arcs.limit[k])
    penalty = arcs.penalty_units
    units = arcs.arc_units
    preferred = [a for a, _ in sorted(shares, key=lambda s: (-s[1], s[0]))]
    seen = set(preferred)
    ranked = preferred + [a for a in arcs.arcs_of(k) if a not in seen and units[a] < penalty]
    if limit == 1:
        best, best_pairs, best_cost = -1, 0, pairs * penalty
        for a in ranked:
            q = min(pairs, plan.room(a))
            if q < lot:
                continue
            if q == pairs:
                plan.set(a, q)
                return
            cost = q * int(units[a]) + (pairs - q) * penalty
            if cost < best_cost:
                best, best_pairs, best_cost = a, q, cost
        if best >= 0:
            plan.set(best, best_pairs)
        return
    room = {a: plan.room(a) for a in ranked}
    open_arcs = [a for a in ranked if room[a] >= lot]
    missing = pairs
    opened = 0
    while missing >= lot and opened < limit and open_arcs:
        even_share = -(-missing // (limit - opened))
        fits = [a for a in open_arcs if room[a] >= even_share]
        a = fits[0] if fits else max(open_arcs, key=lambda a: (room[a], -a))
        open_arcs.remove(a)
        take = lot_share(missing, room[a], lot=lot, opened=opened, limit=limit)
        if take >= lot:
            plan.set(a, take)
            missing -= take
            opened += 1
