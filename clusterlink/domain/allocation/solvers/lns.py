"""Large-neighbourhood search: re-solve small windows of a plan exactly with SCIP.

A window is a handful of factories and the orders around them: the orders that lose most
against the relaxation (unplaced pairs, costly factories), every order with pairs at the
window's factories, and all their arcs into those factories. Everything else stays fixed.
SCIP solves the window from the current plan as a hint and the plan takes its answer
only when it is better, so the plan never gets worse. Repeating this moves capacity between orders,
which the rounding (one flow at a time) and the greedy repair cannot.

Budget: a number of windows, each with a node limit, so that a run is reproducible for a
given seed; the wall-clock deadline only stops a run early on a slower machine.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from clusterlink.domain.allocation.candidates import CategoryArcs, IntArray
from clusterlink.domain.allocation.solvers.cpsat import Window
from clusterlink.domain.allocation.solvers.greedy import CategoryPlan
from clusterlink.domain.allocation.solvers.mip import solve_window_mip

WINDOW_FACTORIES = 4
WINDOW_ORDERS = 40
WINDOW_NODES = 100
WINDOW_SECONDS = 5.0


@dataclass(slots=True)
class SearchState:
    arcs: CategoryArcs
    plan: CategoryPlan
    reference_units: IntArray  # per order: its cost in the relaxation's optimum
    rng: np.random.Generator
    tabu: dict[int, int]
    windows: int = 0
    improved: int = 0


def order_costs(arcs: CategoryArcs, arc_pairs: IntArray) -> IntArray:
    """Per order: Σ cost × pairs + penalty × unplaced pairs, in model units."""
    placed = np.bincount(arcs.arc_order, weights=arc_pairs, minlength=arcs.orders.size)
    cost = np.bincount(
        arcs.arc_order, weights=arc_pairs * arcs.arc_units, minlength=arcs.orders.size
    )
    return (cost + (arcs.pairs - placed) * arcs.penalty_units).astype(np.int64)


def new_state(arcs: CategoryArcs, plan: CategoryPlan, flow: IntArray, seed: int) -> SearchState:
    return SearchState(
        arcs=arcs,
        plan=plan,
        reference_units=order_costs(arcs, flow),
        rng=np.random.default_rng(seed),
        tabu={},
    )


def regret(state: SearchState) -> IntArray:
    """How much each order costs above its share of the relaxation."""
    current = order_costs(state.arcs, state.plan.array())
    result: IntArray = current - state.reference_units
    return result


def improve_once(state: SearchState, *, seed: int, wall_deadline: float) -> bool:
    """Build and solve one window; returns whether the plan improved."""
    arcs, plan = state.arcs, state.plan
    loss = regret(state)
    candidates = np.flatnonzero(loss > 0)
    if candidates.size == 0:
        return False
    # Seeds: mostly the worst orders not tried lately, sometimes a random one with a loss,
    # so that the search does not circle around one hopeless order.
    state.windows += 1
    order = candidates[np.argsort(-loss[candidates], kind="stable")]
    fresh = [int(k) for k in order if state.tabu.get(int(k), -1) < state.windows - 20]
    if not fresh:
        state.tabu.clear()
        fresh = [int(k) for k in order]
    if state.rng.random() < 0.3:
        seed_order = fresh[int(state.rng.integers(len(fresh)))]
    else:
        seed_order = fresh[0]
    state.tabu[seed_order] = state.windows
    factories = _window_factories(state, seed_order)
    window = _build_window(arcs, plan, factories, seed_order, state.rng)
    remaining = wall_deadline - time.monotonic()
    if remaining <= 0.05 or not window.arc_ids:
        return False
    before = sum(
        (int(arcs.arc_units[a]) - arcs.penalty_units) * plan.pairs[a] for a in window.arc_ids
    )
    solution = solve_window_mip(
        arcs,
        window,
        time_limit_s=min(remaining, WINDOW_SECONDS),
        seed=seed + state.windows,
        node_limit=WINDOW_NODES,
    )
    if not solution.found or solution.objective_units >= before:
        return False
    for a in window.arc_ids:
        plan.set(a, 0)
    for a, x in sorted(solution.arc_pairs.items()):
        plan.set(a, x)
    state.improved += 1
    return True


def _window_factories(state: SearchState, seed_order: int) -> list[int]:
    """The seed order's cheapest factories and the ones it uses, then the factories of the
    orders that fill those, until WINDOW_FACTORIES."""
    arcs, plan = state.arcs, state.plan
    span = arcs.arcs_of(seed_order)
    chosen: list[int] = []
    for a in span:
        g = int(arcs.arc_factory[a])
        if plan.pairs[a] > 0 and g not in chosen:
            chosen.append(g)
    cheap = [int(arcs.arc_factory[a]) for a in span]
    pick = min(len(cheap), WINDOW_FACTORIES)
    # A few of the cheapest, a few further down the list: relief often comes from a
    # factory slightly dearer for this order but cheap for the orders it displaces.
    head = cheap[: max(2, pick // 2)]
    tail = cheap[len(head) :]
    if tail:
        extra = state.rng.choice(len(tail), size=min(len(tail), pick - len(head)), replace=False)
        head += [tail[int(i)] for i in sorted(extra.tolist())]
    for g in head:
        if g not in chosen and len(chosen) < WINDOW_FACTORIES:
            chosen.append(g)
    return chosen


def _build_window(
    arcs: CategoryArcs,
    plan: CategoryPlan,
    factories: list[int],
    seed_order: int,
    rng: np.random.Generator,
) -> Window:
    in_window = set(factories)
    at_factories = np.flatnonzero(
        np.isin(arcs.arc_factory, factories) & (np.asarray(plan.pairs, dtype=np.int64) > 0)
    )
    members = sorted({int(arcs.arc_order[a]) for a in at_factories} - {seed_order})
    if len(members) > WINDOW_ORDERS - 1:
        members = sorted(rng.choice(members, size=WINDOW_ORDERS - 1, replace=False).tolist())
    order_ids = [seed_order, *members]
    arc_ids: list[int] = []
    outside_pairs: dict[int, int] = {}
    outside_factories: dict[int, int] = {}
    for k in order_ids:
        for a in arcs.arcs_of(k):
            g = int(arcs.arc_factory[a])
            if g in in_window:
                arc_ids.append(a)
            elif plan.pairs[a] > 0:
                outside_pairs[k] = outside_pairs.get(k, 0) + plan.pairs[a]
                outside_factories[k] = outside_factories.get(k, 0) + 1
    room: dict[int, list[int]] = {}
    for g in factories:
        room[g] = list(plan.slack.room[g])
    # The window's own pairs are free again: give their room back.
    for a in arc_ids:
        x = plan.pairs[a]
        if x:
            row = room[int(arcs.arc_factory[a])]
            for t in range(int(arcs.arc_deadline[a]), len(row)):
                row[t] += x
    return Window(
        order_ids=order_ids,
        arc_ids=arc_ids,
        outside_pairs=outside_pairs,
        outside_factories=outside_factories,
        room=room,
        hint={a: plan.pairs[a] for a in arc_ids if plan.pairs[a]},
    )
