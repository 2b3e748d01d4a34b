"""The allocation engine's one entry point.

    result = solve(problem, time_limit_s=60, seed=0, threads=2)

Method (per category: capacities are per category, so categories are independent):

1. Enumerate every eligible arc (candidates.py); nothing is pruned that a plan could use.
2. Solve the relaxation as a min-cost flow over all arcs, each order capped at what its
   allowed number of factories can hold: the proven lower bound, and an integral guide
   (solvers/flow.py).
3. Rounding by diving turns the flow into a plan keeping every rule: fix what the flow
   gets right and the tightest of the rest, re-solve the flow for the others, repeat
   (solvers/rounding.py). It may use 80 % of the time left after the relaxation.
4. Small categories (backend "auto" up to EXACT_ARC_LIMIT arcs, or "mip"/"cpsat" for all)
   are solved exactly by SCIP or CP-SAT from that plan; their bound tightens the flow's.
   Larger ones are improved by large-neighbourhood search with SCIP windows
   (solvers/lns.py).

Determinism: each step is deterministic for a given seed and thread count (the search has
a budget of windows, each with a node limit); only a run that reaches the wall-clock limit
first (or a rounding that reaches its share of it) can differ from one repetition to the
next, and then reports TIME_LIMIT.

Figures (bench/results/, machine load about 4 on 2 cores): at 2,000 factories × 20,000
orders × 12 periods the plan is 0.12 % above the bound in 120 s (the rounding alone
reaches about that in 40–50 s); at 5,000 × 50,000, 0.09 % in 300 s and 3.7 GB.
"""

from __future__ import annotations

import logging
import math
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Decimal
from typing import Literal

import numpy as np

from clusterlink.domain.allocation.candidates import (
    SCALE,
    Candidates,
    CategoryArcs,
    IntArray,
    build_candidates,
    haversine_km,
    money_units,
)
from clusterlink.domain.allocation.problem import AllocationProblem, Factory, Order
from clusterlink.domain.allocation.result import (
    AllocationResult,
    CostBreakdown,
    Explanation,
    Placement,
    Progress,
    RunnerUpReason,
    SolveStatus,
    Unplaced,
    UnplacedReason,
)
from clusterlink.domain.allocation.solvers.cpsat import Window, WindowSolution, solve_window
from clusterlink.domain.allocation.solvers.flow import FlowRelaxation, solve_relaxation
from clusterlink.domain.allocation.solvers.greedy import CategoryPlan, greedy_plan
from clusterlink.domain.allocation.solvers.lns import SearchState, improve_once, new_state, regret
from clusterlink.domain.allocation.solvers.mip import solve_window_mip
from clusterlink.domain.allocation.solvers.rounding import round_by_flow

Backend = Literal["auto", "mip", "cpsat", "scale", "greedy"]
BACKENDS: tuple[Backend, ...] = ("auto", "mip", "cpsat", "scale", "greedy")
EXACT_ARC_LIMIT = 1_500
# The search's budget in windows per second of time limit: a count, not a clock, so that
# the result does not depend on the machine's load (see the module docstring).
WINDOWS_PER_SECOND = 1.5
ROUNDING_SHARE = 0.8
RESULT_SECONDS_PER_ORDER = 2.5e-4
CENT = Decimal("0.01")
log = logging.getLogger(__name__)


@dataclass(slots=True)
class _CategoryOutcome:
    arcs: CategoryArcs
    plan: CategoryPlan
    bound_units: int
    search: SearchState | None = None


class _Monitor:
    """The caller's hooks: on_progress is told whenever the plan or the bound improves;
    should_stop is polled between phases (and between search windows). `offset` is a cost
    the plan carries outside the solved problem (fixed placements, forced penalties)."""

    def __init__(
        self,
        started: float,
        on_progress: Callable[[Progress], None] | None,
        should_stop: Callable[[], bool] | None,
        offset: Decimal,
    ) -> None:
        self.started = started
        self.on_progress = on_progress
        self.should_stop = should_stop
        self.offset = offset
        self.cancelled = False
        self.best_objective: Decimal | None = None
        self.best_bound: Decimal | None = None

    def stop_requested(self) -> bool:
        if not self.cancelled and self.should_stop is not None and self.should_stop():
            self.cancelled = True
        return self.cancelled

    def report(self, phase: str, bound_units: int, plan_units: int | None) -> None:
        if self.on_progress is None:
            return
        bound = Decimal(bound_units) / SCALE + self.offset
        objective = None if plan_units is None else Decimal(plan_units) / SCALE + self.offset
        if self.best_bound is not None and bound < self.best_bound:
            bound = self.best_bound
        if objective is not None and self.best_objective is not None:
            objective = min(objective, self.best_objective)
        if objective is not None:
            bound = min(bound, objective)
        if bound == self.best_bound and objective == self.best_objective:
            return
        self.best_bound, self.best_objective = bound, objective
        self.on_progress(
            Progress(
                phase=phase,
                objective=None if objective is None else objective.quantize(CENT),
                lower_bound=bound.quantize(CENT, ROUND_FLOOR),
                seconds=time.monotonic() - self.started,
            )
        )

    def report_outcomes(self, phase: str, outcomes: list[_CategoryOutcome]) -> None:
        self.report(
            phase,
            sum(o.bound_units for o in outcomes),
            sum(o.plan.cost_units() for o in outcomes),
        )


def solve(
    problem: AllocationProblem,
    *,
    time_limit_s: float,
    seed: int = 0,
    threads: int = 2,
    backend: Backend = "auto",
    search_windows: int | None = None,
    fixed: Sequence[Placement] = (),
    on_progress: Callable[[Progress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> AllocationResult:
    """Place the orders' pairs on factories and periods at least cost.

    backend: "auto" (default) solves small categories exactly with SCIP and larger ones by
    flow, rounding and neighbourhood search; "mip" / "cpsat" solve every category exactly
    with SCIP / CP-SAT (small instances; tests run both); "scale" never solves a whole
    category exactly; "greedy" is the benchmark's baseline (largest order first to the
    cheapest feasible factories) with the same proven bound. search_windows is the
    neighbourhood search's budget (default WINDOWS_PER_SECOND per second of time limit);
    a run that spends it before the time limit is reproducible. threads is used by CP-SAT;
    SCIP and the flow run on one thread.

    fixed: placements kept exactly (a repair run keeps accepted matches); they consume
    their capacity and count in the objective and the bound, and the rest of each order is
    placed under the same rules with the factories it already uses counted against its
    limit (see fixed.py). on_progress receives a Progress whenever the best plan or the
    bound improves. should_stop is polled between phases and search windows; once it
    returns True the solve returns the best plan so far with status CANCELLED.

    Raises ValueError for a non-positive time limit or an unknown back-end, and
    AllocationInputError for fixed placements that break a rule or exceed a capacity."""
    if not time_limit_s > 0:
        raise ValueError("time_limit_s must be positive")
    if backend not in BACKENDS:
        raise ValueError(f"unknown back-end {backend!r}")
    started = time.monotonic()
    if not fixed:
        monitor = _Monitor(started, on_progress, should_stop, Decimal(0))
        return _solve_free(
            problem, started, time_limit_s, seed, threads, backend, search_windows, monitor
        )
    from clusterlink.domain.allocation.fixed import merge_fixed, split_fixed

    residual, held = split_fixed(problem, fixed)
    monitor = _Monitor(started, on_progress, should_stop, held.cost)
    result = _solve_free(
        residual, started, time_limit_s, seed, threads, backend, search_windows, monitor
    )
    return merge_fixed(problem, held, result)


def _solve_free(
    problem: AllocationProblem,
    started: float,
    time_limit_s: float,
    seed: int,
    threads: int,
    backend: Backend,
    search_windows: int | None,
    monitor: _Monitor,
) -> AllocationResult:
    # Writing the result (periods, explanations in Decimal) takes about 0.1 ms per order;
    # the phases stop early enough to leave it twice that, at most a tenth of the limit.
    deadline = (
        started
        + time_limit_s
        - min(0.1 * time_limit_s, RESULT_SECONDS_PER_ORDER * len(problem.orders))
    )
    candidates = build_candidates(problem)
    forced_units = sum(problem.orders[i].pairs for i in candidates.static_reason) * money_units(
        problem.unplaced_penalty_rmb_per_pair
    )
    log.info(
        "%d arcs in %d categories after %.1f s",
        sum(c.arc_count for c in candidates.categories),
        len(candidates.categories),
        time.monotonic() - started,
    )
    relaxations: list[FlowRelaxation | None] = []
    for arcs in candidates.categories:
        # Cancelled before its relaxation, a category keeps the trivial bound 0.
        relaxations.append(None if monitor.stop_requested() else solve_relaxation(arcs))
        log.info("%s: relaxation solved at %.1f s", arcs.category, time.monotonic() - started)
    monitor.report(
        "bound", forced_units + sum(r.bound_units for r in relaxations if r is not None), None
    )
    # Rounding may use ROUNDING_SHARE of the time left, shared by size (what a category
    # leaves unused goes to the next ones); the search gets the rest. The dive and its
    # polish gain far more per second than the search's windows, hence the large share.
    rounding_end = time.monotonic() + max(0.0, (deadline - time.monotonic()) * ROUNDING_SHARE)
    arcs_left = sum(c.arc_count for c in candidates.categories) or 1
    rounding_cut = False
    outcomes: list[_CategoryOutcome] = []
    for arcs, relaxation in zip(candidates.categories, relaxations, strict=True):
        if backend == "greedy" or relaxation is None or monitor.stop_requested():
            # Greedy takes milliseconds: a cancelled run still returns a plan that keeps the rules.
            plan = greedy_plan(arcs)
        else:
            now = time.monotonic()
            share = max(0.0, rounding_end - now) * arcs.arc_count / arcs_left
            plan, complete = round_by_flow(arcs, relaxation.arc_pairs, deadline=now + share)
            # A rounding cut short by the clock depends on the machine's load.
            rounding_cut |= not complete
        arcs_left = max(1, arcs_left - arcs.arc_count)
        bound_units = 0 if relaxation is None else relaxation.bound_units
        outcome = _CategoryOutcome(arcs=arcs, plan=plan, bound_units=bound_units)
        if backend in ("auto", "scale") and relaxation is not None:
            outcome.search = new_state(arcs, plan, relaxation.arc_pairs, seed)
        outcomes.append(outcome)
    # Categories still to plan count with their bound and all their pairs unplaced.
    monitor.offset += Decimal(forced_units) / SCALE
    monitor.report_outcomes("plan", outcomes)
    timed_out = rounding_cut or time.monotonic() > deadline
    exact = [
        o
        for o in outcomes
        if backend in ("mip", "cpsat")
        or (backend == "auto" and o.arcs.arc_count <= EXACT_ARC_LIMIT)
    ]
    total_arcs = sum(o.arcs.arc_count for o in exact) or 1
    for outcome in exact:
        outcome.search = None
        if monitor.stop_requested():
            break
        remaining = deadline - time.monotonic()
        if remaining <= 0.05:
            timed_out = True
            break
        # Share the time left by size, so one large category cannot starve the others.
        share = max(0.05, remaining * outcome.arcs.arc_count / total_arcs)
        total_arcs -= outcome.arcs.arc_count
        engine = "cpsat" if backend == "cpsat" else "mip"
        proven = _solve_exact(outcome, share, engine=engine, seed=seed, threads=threads)
        timed_out |= not proven
        monitor.report_outcomes("exact", outcomes)
    searched = [o for o in outcomes if o.search is not None]
    if searched and not monitor.stop_requested():
        budget = (
            math.ceil(WINDOWS_PER_SECOND * time_limit_s)
            if search_windows is None
            else search_windows
        )
        timed_out |= _search(searched, budget, deadline, seed, monitor, outcomes)
        log.info(
            "search: %d windows, %d improved, at %.1f s",
            sum(o.search.windows for o in searched if o.search),
            sum(o.search.improved for o in searched if o.search),
            time.monotonic() - started,
        )
    return _result(problem, candidates, outcomes, started, timed_out, backend, monitor.cancelled)


def _solve_exact(
    outcome: _CategoryOutcome, time_limit_s: float, *, engine: str, seed: int, threads: int
) -> bool:
    """The whole category's MIP from the rounded plan; False if cut short by time."""
    arcs = outcome.arcs
    plan = outcome.plan
    window = Window(
        order_ids=list(range(arcs.orders.size)),
        arc_ids=list(range(arcs.arc_count)),
        outside_pairs={},
        outside_factories={},
        room={g: arcs.cumulative[g].tolist() for g in range(arcs.factories.size)},
        hint={a: x for a, x in enumerate(plan.pairs) if x},
    )
    solution: WindowSolution
    if engine == "cpsat":
        solution = solve_window(
            arcs,
            window,
            time_limit_s=time_limit_s,
            deterministic_limit=None,
            seed=seed,
            threads=threads,
        )
    else:
        solution = solve_window_mip(arcs, window, time_limit_s=time_limit_s, seed=seed)
    constant = int(arcs.pairs.sum()) * arcs.penalty_units
    if solution.found and solution.objective_units + constant <= plan.cost_units():
        outcome.plan = CategoryPlan(arcs)
        for a, x in sorted(solution.arc_pairs.items()):
            outcome.plan.set(a, x)
    outcome.bound_units = max(outcome.bound_units, solution.bound_units + constant)
    return solution.proven_optimal


def _search(
    outcomes: list[_CategoryOutcome],
    budget: int,
    deadline: float,
    seed: int,
    monitor: _Monitor,
    every: list[_CategoryOutcome],
) -> bool:
    """Neighbourhood search, always on the category that loses most against its
    relaxation, for `budget` windows or until nothing is left to gain. Returns True if
    the wall-clock deadline stopped it."""
    losses = [int(np.maximum(regret(o.search), 0).sum()) if o.search else 0 for o in outcomes]
    stale = [0] * len(outcomes)
    for _ in range(budget):
        if time.monotonic() >= deadline:
            return True
        if monitor.stop_requested():
            return False
        live = [i for i in range(len(outcomes)) if losses[i] > 0 and stale[i] < 30]
        if not live:
            return False
        i = max(live, key=lambda i: (losses[i], -i))
        state = outcomes[i].search
        assert state is not None
        if improve_once(state, seed=seed, wall_deadline=deadline):
            losses[i] = int(np.maximum(regret(state), 0).sum())
            stale[i] = 0
            monitor.report_outcomes("search", every)
        else:
            stale[i] += 1
            # A category that stops improving yields its turn to the next one.
            losses[i] = losses[i] * 9 // 10
    return False


def _assign_periods(arcs: CategoryArcs, plan: CategoryPlan) -> list[tuple[int, int, int, int]]:
    """(order index, factory index, period, pairs): each factory fills its periods from 0
    in order of deadline, which fits whenever the prefix conditions hold (candidates.py)."""
    by_factory: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    pairs = plan.array()
    used = np.flatnonzero(pairs)
    for g, d, k, x in zip(
        arcs.arc_factory[used].tolist(),
        arcs.arc_deadline[used].tolist(),
        arcs.arc_order[used].tolist(),
        pairs[used].tolist(),
        strict=True,
    ):
        by_factory[g].append((d, k, x))
    rows: list[tuple[int, int, int, int]] = []
    for g in sorted(by_factory):
        free = arcs.capacity[g].tolist()
        t = 0
        for d, k, x in sorted(by_factory[g]):
            left = x
            t = 0
            while left:
                if t > d:
                    raise AssertionError(f"plan over capacity at factory {g} of {arcs.category}")
                take = min(left, free[t])
                if take:
                    free[t] -= take
                    left -= take
                    rows.append((int(arcs.orders[k]), int(arcs.factories[g]), t, take))
                if left:
                    t += 1
    return rows


def _pair_cost(
    problem: AllocationProblem, order: Order, factory: Factory
) -> tuple[Decimal, Decimal, Decimal, float]:
    """(unit cost, transport per pair, weighted terms per pair, distance km) in Decimal."""
    offer = factory.categories[order.category]
    km = haversine_km(order.lat, order.lng, factory.lat, factory.lng)
    transport = Decimal(km) * problem.transport_rmb_per_pair_km
    w = problem.weights
    weighted = Decimal(0)
    if not w.is_zero:
        weighted += w.quality_rmb_per_pair * (1 - Decimal(str(factory.quality)))
        if not factory.small_firm:
            weighted += w.large_firm_rmb_per_pair
        if order.cluster and order.cluster == factory.cluster:
            weighted += w.same_cluster_rmb_per_pair
    return offer.unit_cost, transport, weighted, km


def _result(
    problem: AllocationProblem,
    candidates: Candidates,
    outcomes: list[_CategoryOutcome],
    started: float,
    timed_out: bool,
    backend: str,
    cancelled: bool = False,
) -> AllocationResult:
    placements: list[Placement] = []
    placed = [0] * len(problem.orders)
    totals: dict[tuple[int, int], int] = defaultdict(int)
    for outcome in outcomes:
        for i, j, t, x in _assign_periods(outcome.arcs, outcome.plan):
            placements.append(
                Placement(
                    order_id=problem.orders[i].id,
                    factory_id=problem.factories[j].id,
                    period=t,
                    pairs=x,
                )
            )
            placed[i] += x
            totals[(i, j)] += x
    production = transport = weighted = Decimal(0)
    explanations: list[Explanation] = []
    ranked = _ranked_factories(outcomes)
    used_by: dict[int, set[int]] = defaultdict(set)
    for i, j in totals:
        used_by[i].add(j)
    local: dict[int, tuple[_CategoryOutcome, int]] = {}
    for outcome in outcomes:
        for k, i in enumerate(outcome.arcs.orders.tolist()):
            local[i] = (outcome, k)
    for (i, j), x in sorted(totals.items()):
        order, factory = problem.orders[i], problem.factories[j]
        unit, per_pair_transport, per_pair_weighted, km = _pair_cost(problem, order, factory)
        production += unit * x
        transport += per_pair_transport * x
        weighted += per_pair_weighted * x
        explanations.append(_explain(problem, i, j, x, ranked[i], used_by[i], km, local[i]))
    penalty = Decimal(0)
    unplaced: list[Unplaced] = []
    for i, order in enumerate(problem.orders):
        missing = order.pairs - placed[i]
        if missing > 0:
            penalty += missing * problem.unplaced_penalty_rmb_per_pair
            unplaced.append(
                Unplaced(
                    order_id=order.id,
                    pairs=missing,
                    reason=_reason(candidates, local, i, missing),
                )
            )
    objective = (production + transport + weighted + penalty).quantize(CENT, ROUND_HALF_EVEN)
    forced = sum(problem.orders[i].pairs for i in candidates.static_reason)
    bound_units = sum(o.bound_units for o in outcomes)
    lower = Decimal(bound_units) / SCALE + forced * problem.unplaced_penalty_rmb_per_pair
    lower = min(lower, objective).quantize(CENT, ROUND_FLOOR)
    # Costs enter the models rounded down to 1/SCALE RMB, so a plan the models prove
    # optimal can sit a few units per pair above the bound.
    tolerance = Decimal(2 * sum(placed)) / SCALE + CENT
    if objective - lower <= tolerance:
        status = SolveStatus.OPTIMAL
    elif cancelled:
        status = SolveStatus.CANCELLED
    elif timed_out:
        status = SolveStatus.TIME_LIMIT
    else:
        status = SolveStatus.FEASIBLE
    return AllocationResult(
        status=status,
        placements=tuple(sorted(placements, key=lambda p: (p.order_id, p.factory_id, p.period))),
        unplaced=tuple(unplaced),
        objective=objective,
        lower_bound=lower,
        costs=CostBreakdown(
            production_rmb=production.quantize(CENT),
            transport_rmb=transport.quantize(CENT),
            unplaced_penalty_rmb=penalty.quantize(CENT),
            weighted_terms_rmb=weighted.quantize(CENT),
        ),
        explanations=tuple(explanations),
        seconds=time.monotonic() - started,
        backend=backend,
    )


def _ranked_factories(outcomes: list[_CategoryOutcome]) -> dict[int, IntArray]:
    """Per order (problem index), the factories able to make it (problem indices), cheapest
    first: views into one array per category, not lists, since at 5,000 factories ×
    50,000 orders there are tens of millions of them."""
    ranked: dict[int, IntArray] = {}
    for outcome in outcomes:
        arcs = outcome.arcs
        factory_of_arc = arcs.factories[arcs.arc_factory]
        starts = arcs.order_start.tolist()
        for k, i in enumerate(arcs.orders.tolist()):
            ranked[i] = factory_of_arc[starts[k] : starts[k + 1]]
    return ranked


def _explain(
    problem: AllocationProblem,
    i: int,
    j: int,
    pairs: int,
    ranked: IntArray,
    used: set[int],
    km: float,
    local: tuple[_CategoryOutcome, int],
) -> Explanation:
    order, factory = problem.orders[i], problem.factories[j]
    unit, transport, weighted, _ = _pair_cost(problem, order, factory)
    # Among the first len(used) + 1 factories at least one is unused, if there are so many.
    runner_up = next((jj for jj in ranked[: len(used) + 1].tolist() if jj not in used), None)
    extra: Decimal | None = None
    runner_id: str | None = None
    if runner_up is not None:
        other = problem.factories[runner_up]
        o_unit, o_transport, o_weighted, _ = _pair_cost(problem, order, other)
        extra = ((o_unit + o_transport + o_weighted) - (unit + transport + weighted)).quantize(
            Decimal("0.0001")
        )
        runner_id = other.id
    reason = None
    if runner_up is not None and extra is not None and extra < 0:
        reason = _runner_up_reason(local, runner_up, len(used))
    return Explanation(
        order_id=order.id,
        factory_id=factory.id,
        pairs=pairs,
        unit_cost_rmb=unit,
        transport_rmb_per_pair=transport.quantize(Decimal("0.0001")),
        distance_km=km,
        rank=int(np.flatnonzero(ranked == j)[0]) + 1,
        eligible_factories=len(ranked),
        runner_up_factory_id=runner_id,
        runner_up_extra_rmb_per_pair=extra,
        runner_up_reason=reason,
    )


def _runner_up_reason(
    local: tuple[_CategoryOutcome, int], runner_up: int, factories_used: int
) -> RunnerUpReason:
    """Why the order leaves the cheaper factory `runner_up` (a problem index) unused, read
    from the final plan: the order's factory limit, else the room the factory has left
    before the order's due date (none, or less than a minimum lot); with room for a lot,
    moving pairs there would raise the cost elsewhere (another order's or a lot's)."""
    outcome, k = local
    arcs, plan = outcome.arcs, outcome.plan
    if factories_used >= int(arcs.limit[k]):
        return RunnerUpReason.FACTORY_LIMIT
    arc = next(
        (a for a in arcs.arcs_of(k) if int(arcs.factories[arcs.arc_factory[a]]) == runner_up),
        None,
    )
    room = 0 if arc is None else plan.room(arc)
    if room <= 0:
        return RunnerUpReason.CAPACITY_TAKEN
    if room < max(int(arcs.lot[k]), 1):
        return RunnerUpReason.BELOW_MIN_LOT
    return RunnerUpReason.PLAN_COST


def _reason(
    candidates: Candidates,
    local: dict[int, tuple[_CategoryOutcome, int]],
    i: int,
    missing: int,
) -> UnplacedReason:
    """The first cause that applies to order i's missing pairs."""
    if i in candidates.static_reason:
        return candidates.static_reason[i]
    outcome, k = local[i]
    arcs = outcome.arcs
    span = arcs.arcs_of(k)
    if int(arcs.arc_units[span.start]) >= arcs.penalty_units:
        return UnplacedReason.PENALTY_CHEAPER
    plan = outcome.plan
    if missing < int(arcs.lot[k]) and any(plan.pairs[a] for a in span):
        return UnplacedReason.BELOW_MIN_LOT
    lot = max(int(arcs.lot[k]), 1)
    if sum(1 for a in span if plan.pairs[a]) >= int(arcs.limit[k]) and any(
        not plan.pairs[a] and plan.room(a) >= lot for a in span
    ):
        # Another able factory has room for a lot, but the order may use no more factories.
        return UnplacedReason.FACTORY_LIMIT_REACHED
    return UnplacedReason.CAPACITY_EXHAUSTED
