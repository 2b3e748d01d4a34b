"""The allocation MIP in SCIP through OR-Tools' linear solver wrapper.

Same model as solvers/cpsat.py (same Window, same families of constraints). Pair counts
are large integers and costs large coefficients, which CP-SAT's propagation handles
poorly; an LP-based branch and bound solves the same small windows in milliseconds, so the
neighbourhood search and the exact back-end use this one by default. SCIP runs single-
threaded and deterministically; it is bundled with OR-Tools (no separate HiGHS package).
"""

from __future__ import annotations

import math

from ortools.linear_solver import pywraplp

from clusterlink.domain.allocation.candidates import CategoryArcs
from clusterlink.domain.allocation.solvers.cpsat import Window, WindowSolution

_ENGINE = "SCIP"


def solve_window_mip(
    arcs: CategoryArcs,
    window: Window,
    *,
    time_limit_s: float,
    seed: int,
    node_limit: int | None = None,
) -> WindowSolution:
    """Minimise Σ (cost − penalty) × x over the window (as solvers.cpsat.solve_window)."""
    solver = pywraplp.Solver.CreateSolver(_ENGINE)
    if solver is None:
        raise RuntimeError("OR-Tools was built without SCIP")
    x: dict[int, pywraplp.Variable] = {}
    z: dict[int, pywraplp.Variable] = {}
    upper_of: dict[int, int] = {}
    for a in window.arc_ids:
        k = int(arcs.arc_order[a])
        g = int(arcs.arc_factory[a])
        d = int(arcs.arc_deadline[a])
        upper = min(int(arcs.pairs[k]) - window.outside_pairs.get(k, 0), min(window.room[g][d:]))
        if upper < int(arcs.lot[k]):
            continue  # cannot reach a minimum lot here: the arc stays empty
        x[a] = solver.IntVar(0, upper, f"x{a}")
        z[a] = solver.BoolVar(f"z{a}")
        upper_of[a] = upper
    _lot_links(solver, arcs, x, z, upper_of)
    _order_totals(solver, arcs, window, x)
    _factory_limits(solver, arcs, window, z)
    _capacity_prefixes(solver, arcs, window, x)
    objective = solver.Objective()
    for a, var in x.items():
        objective.SetCoefficient(var, float(int(arcs.arc_units[a]) - arcs.penalty_units))
    objective.SetMinimization()
    if window.hint:
        hinted = [var for a, var in x.items()] + [z[a] for a in x]
        values = [float(window.hint.get(a, 0)) for a in x] + [
            1.0 if window.hint.get(a, 0) > 0 else 0.0 for a in x
        ]
        solver.SetHint(hinted, values)
    solver.SetTimeLimit(max(10, int(time_limit_s * 1000)))
    # Few cut rounds: with pair counts in the tens of thousands SCIP's root separation
    # costs seconds and buys little on windows this small.
    extra = [
        f"randomization/randomseedshift = {seed % 2**16}",
        "separating/maxroundsroot = 3",
        "separating/maxrounds = 1",
    ]
    if node_limit is not None:
        extra.append(f"limits/nodes = {node_limit}")
    if not solver.SetSolverSpecificParametersAsString("\n".join(extra) + "\n"):
        raise RuntimeError("SCIP rejected the window parameters")
    params = pywraplp.MPSolverParameters()
    # Objectives are in 1/10,000 RMB and can reach 1e12: the default relative gap of
    # 1e-4 would stop SCIP far from the window's optimum.
    params.SetDoubleParam(params.RELATIVE_MIP_GAP, 1e-6)
    status = solver.Solve(params)
    found = status in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE)
    pairs = {a: round(var.solution_value()) for a, var in x.items()} if found else {}
    value = sum((int(arcs.arc_units[a]) - arcs.penalty_units) * q for a, q in pairs.items())
    bound = objective.BestBound() if found else -math.inf
    return WindowSolution(
        proven_optimal=status == pywraplp.Solver.OPTIMAL,
        found=found,
        arc_pairs={a: q for a, q in pairs.items() if q > 0},
        objective_units=value,
        bound_units=math.floor(bound) if math.isfinite(bound) else -(2**62),
        deterministic_time=float(solver.wall_time()) / 1000.0,
    )


def _lot_links(
    solver: pywraplp.Solver,
    arcs: CategoryArcs,
    x: dict[int, pywraplp.Variable],
    z: dict[int, pywraplp.Variable],
    upper_of: dict[int, int],
) -> None:
    """An order's total at a factory is 0 or at least its minimum lot: min_lot·z ≤ x ≤ ub·z."""
    for a, var in x.items():
        lot = int(arcs.lot[int(arcs.arc_order[a])])
        solver.Add(var >= lot * z[a])
        solver.Add(var <= upper_of[a] * z[a])


def _order_totals(
    solver: pywraplp.Solver, arcs: CategoryArcs, window: Window, x: dict[int, pywraplp.Variable]
) -> None:
    """Placed pairs never exceed the order; the rest is unplaced at the penalty."""
    by_order: dict[int, list[pywraplp.Variable]] = {}
    for a, var in x.items():
        by_order.setdefault(int(arcs.arc_order[a]), []).append(var)
    for k, terms in by_order.items():
        solver.Add(solver.Sum(terms) <= int(arcs.pairs[k]) - window.outside_pairs.get(k, 0))


def _factory_limits(
    solver: pywraplp.Solver, arcs: CategoryArcs, window: Window, z: dict[int, pywraplp.Variable]
) -> None:
    """At most max_factories factories per order (one when it may not be split),
    counting the factories it keeps outside the window."""
    by_order: dict[int, list[pywraplp.Variable]] = {}
    for a, var in z.items():
        by_order.setdefault(int(arcs.arc_order[a]), []).append(var)
    for k, terms in by_order.items():
        free = int(arcs.limit[k]) - window.outside_factories.get(k, 0)
        if len(terms) > free:
            solver.Add(solver.Sum(terms) <= free)


def _capacity_prefixes(
    solver: pywraplp.Solver, arcs: CategoryArcs, window: Window, x: dict[int, pywraplp.Variable]
) -> None:
    """Per factory and deadline d: pairs due by d fit the room of periods 0..d (Hall's
    condition for prefix windows, see candidates.py)."""
    by_factory: dict[int, list[tuple[int, pywraplp.Variable]]] = {}
    for a, var in x.items():
        by_factory.setdefault(int(arcs.arc_factory[a]), []).append((int(arcs.arc_deadline[a]), var))
    for g, terms in by_factory.items():
        room = window.room[g]
        deadlines = sorted({d for d, _ in terms})
        for d in range(deadlines[0], len(room)):
            # Past the last deadline only the tightest remaining room can bind.
            if d + 1 < len(room) and room[d + 1] <= room[d] and deadlines[-1] <= d:
                continue
            solver.Add(solver.Sum([var for dd, var in terms if dd <= d]) <= room[d])
