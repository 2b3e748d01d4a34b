"""The allocation MIP in OR-Tools CP-SAT, over all of a category's arcs or over a window.

Variables per arc (order, factory): x pairs and z "factory used". Costs are integer model
units rounded down (candidates.py), so CP-SAT's proven bound is a bound of the true cost.

The same model serves two purposes: the exact back-end hands it a whole category; the
large-neighbourhood search hands it a window (some orders, their arcs into some factories)
with everything outside the window fixed, passed in as `outside_pairs` and
`outside_factories` per order and as the room left at each window factory.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from clusterlink.domain.allocation.candidates import CategoryArcs


@dataclass(slots=True)
class Window:
    """A subproblem: `arc_ids` (arcs of `order_ids`) are free; `room[g]` is the room per
    deadline at factory g (capacity of periods 0..d minus fixed pairs due by d)."""

    order_ids: list[int]
    arc_ids: list[int]
    outside_pairs: dict[int, int]
    outside_factories: dict[int, int]
    room: dict[int, list[int]]
    hint: dict[int, int]


@dataclass(slots=True)
class WindowSolution:
    proven_optimal: bool
    found: bool
    arc_pairs: dict[int, int]
    objective_units: int  # of the window alone: Σ (cost − penalty) × pairs
    bound_units: int
    deterministic_time: float


def solve_window(
    arcs: CategoryArcs,
    window: Window,
    *,
    time_limit_s: float,
    deterministic_limit: float | None,
    seed: int,
    threads: int,
) -> WindowSolution:
    """Minimise Σ (cost − penalty) × x over the window; adding penalty × pairs of its
    orders gives the window's share of the objective."""
    model = cp_model.CpModel()
    x: dict[int, cp_model.IntVar] = {}
    z: dict[int, cp_model.IntVar] = {}
    for a in window.arc_ids:
        k = int(arcs.arc_order[a])
        g = int(arcs.arc_factory[a])
        d = int(arcs.arc_deadline[a])
        upper = min(int(arcs.pairs[k]) - window.outside_pairs.get(k, 0), min(window.room[g][d:]))
        if upper < int(arcs.lot[k]):
            continue  # cannot reach a minimum lot here: the arc stays empty
        x[a] = model.new_int_var(0, upper, f"x{a}")
        z[a] = model.new_bool_var(f"z{a}")
    _lot_links(model, arcs, x, z)
    _order_totals(model, arcs, window, x)
    _factory_limits(model, arcs, window, z)
    _capacity_prefixes(model, arcs, window, x)
    objective = sum((int(arcs.arc_units[a]) - arcs.penalty_units) * var for a, var in x.items())
    model.minimize(objective)
    for a, var in x.items():
        hinted = window.hint.get(a, 0)
        model.add_hint(var, hinted)
        model.add_hint(z[a], 1 if hinted > 0 else 0)

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, time_limit_s)
    if deterministic_limit is not None:
        solver.parameters.max_deterministic_time = deterministic_limit
    solver.parameters.num_workers = max(1, threads)
    solver.parameters.random_seed = seed
    # Interleaved search makes the multi-worker run reproducible for a given seed and
    # worker count (up to the wall-clock limit, which the deterministic limit precedes).
    solver.parameters.interleave_search = threads > 1
    status = solver.solve(model)
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    pairs = {a: int(solver.value(var)) for a, var in x.items()} if found else {}
    return WindowSolution(
        proven_optimal=status == cp_model.OPTIMAL,
        found=found,
        arc_pairs={a: v for a, v in pairs.items() if v > 0},
        objective_units=round(solver.objective_value) if found else 0,
        bound_units=int(np.floor(solver.best_objective_bound)),
        deterministic_time=float(solver.response_proto.deterministic_time),
    )


def _lot_links(
    model: cp_model.CpModel,
    arcs: CategoryArcs,
    x: dict[int, cp_model.IntVar],
    z: dict[int, cp_model.IntVar],
) -> None:
    """An order's total at a factory is 0 or at least its minimum lot: min_lot·z ≤ x ≤ ub·z."""
    for a, var in x.items():
        lot = int(arcs.lot[int(arcs.arc_order[a])])
        model.add(var >= lot).only_enforce_if(z[a])
        model.add(var == 0).only_enforce_if(~z[a])


def _order_totals(
    model: cp_model.CpModel, arcs: CategoryArcs, window: Window, x: dict[int, cp_model.IntVar]
) -> None:
    """Placed pairs never exceed the order; the rest is unplaced at the penalty."""
    by_order: dict[int, list[cp_model.IntVar]] = {}
    for a, var in x.items():
        by_order.setdefault(int(arcs.arc_order[a]), []).append(var)
    for k, terms in by_order.items():
        model.add(sum(terms) <= int(arcs.pairs[k]) - window.outside_pairs.get(k, 0))


def _factory_limits(
    model: cp_model.CpModel, arcs: CategoryArcs, window: Window, z: dict[int, cp_model.IntVar]
) -> None:
    """At most max_factories factories per order (one when it may not be split),
    counting the factories it keeps outside the window."""
    by_order: dict[int, list[cp_model.IntVar]] = {}
    for a, var in z.items():
        by_order.setdefault(int(arcs.arc_order[a]), []).append(var)
    for k, terms in by_order.items():
        free = int(arcs.limit[k]) - window.outside_factories.get(k, 0)
        if len(terms) > free:
            model.add(sum(terms) <= free)


def _capacity_prefixes(
    model: cp_model.CpModel, arcs: CategoryArcs, window: Window, x: dict[int, cp_model.IntVar]
) -> None:
    """Per factory and deadline d: pairs due by d fit the room of periods 0..d (Hall's
    condition for prefix windows, see candidates.py). Only deadlines at or after the
    earliest deadline present can bind."""
    by_factory: dict[int, list[tuple[int, cp_model.IntVar]]] = {}
    for a, var in x.items():
        by_factory.setdefault(int(arcs.arc_factory[a]), []).append((int(arcs.arc_deadline[a]), var))
    for g, terms in by_factory.items():
        room = window.room[g]
        deadlines = sorted({d for d, _ in terms})
        for d in range(deadlines[0], len(room)):
            due = [var for dd, var in terms if dd <= d]
            # Constraints at d where no new deadline starts are still needed: fixed pairs
            # due between deadlines can shrink the room.
            if d + 1 < len(room) and room[d + 1] <= room[d] and deadlines[-1] <= d:
                continue
            model.add(sum(due) <= room[d])
