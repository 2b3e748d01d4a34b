"""Column generation over agent patterns: a strong lower bound and a diving heuristic.

Why: on the hard GAP types (D, E) the LP relaxation of the textbook model is loose where it
matters, because it packs agents fractionally; the optimum needs agents packed almost exactly
full. The set-partitioning reformulation (choose one feasible pattern, a set of jobs within
capacity, per agent; every job in exactly one chosen pattern) has a much tighter LP, the
Lagrangian bound with the knapsack subproblems (Savelsbergh's branch-and-price for the GAP).
Its pricing problem is one 0/1 knapsack per agent, solved here by a dynamic programme over
capacity that handles all agents in one array per job.

Diving turns the LP into assignments: fix the pattern the LP uses most, re-optimise the LP over
the jobs and agents left (generating the columns the residual problem needs), repeat. The
patterns come out packed, which local search finds hard to reach by moving one or two jobs.

Wentges smoothing (pricing at a convex combination of the best Lagrangian multipliers and the
master's duals) damps the duals' oscillation, which otherwise makes column generation tail off.
Everything is deterministic: no randomness, and the limits count iterations; the deadline is
only a safety stop.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from clusterlink.domain.allocation.gap.solvers.master import MasterSolution, PatternMaster

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

_SMOOTHING = 0.8  # weight of the best multipliers in the pricing point
_REDUCED_COST_TOLERANCE = 1e-6
_INTEGRAL_TOLERANCE = 1e-6
_MAX_BACKTRACKS = 8
# Master solves per diving step: the residual LP need not be re-optimised to the end for the
# next fixing decision, and diving steps are most of the method's time on larger instances.
_DIVE_STEP_ITERATIONS = 10
# One dive per threshold while time lasts: a diving step fixes every column at least this used
# (> 0.5 keeps them compatible); different thresholds end in different assignments.
_DIVE_THRESHOLDS = (0.6, 0.99, 0.8, 0.51, 0.7, 0.9, 0.65, 0.95, 0.75, 0.55, 0.85, 0.999)
# Above this many DP cells (agents × capacity × jobs) per pricing round the method is not run:
# one round would take longer than the search it is meant to help.
MAX_PRICING_CELLS = 6.0e7


@dataclass(frozen=True, slots=True)
class PatternOutcome:
    """`lagrangian_bound`: a proven lower bound from the root (None if none was computed);
    `assignment`: the dive's assignment, `cost` its cost; when the dive failed, `cost` is None and
    `assignment` (if any) overloads some agents: a start for local search to repair."""

    lagrangian_bound: float | None
    assignment: IntArray | None
    cost: int | None
    master_value: float | None
    iterations: int
    # Pairs (agent, job) of the patterns the root LP uses: where packed assignments live.
    support: BoolArray | None = None
    dives: tuple[IntArray, ...] = ()  # every complete dive's assignment, cheapest first


class _Pool:
    """The master's columns (agent and jobs), mirrored here for pricing and diving; one
    artificial column per job (agent −1, prohibitively dear) keeps every master feasible."""

    def __init__(self, costs: IntArray) -> None:
        self.costs = costs
        n_agents, n_jobs = costs.shape
        self.master = PatternMaster(n_jobs, n_agents)
        self.agents: list[int] = []
        self.patterns: list[BoolArray] = []
        self._seen: set[tuple[int, bytes]] = set()
        artificial_cost = float(10 * (np.abs(costs).max() + 1) * max(1, n_jobs // n_agents))
        for job in range(n_jobs):
            pattern = np.zeros(n_jobs, dtype=bool)
            pattern[job] = True
            self.agents.append(-1)
            self.patterns.append(pattern)
            self.master.add_column(-1, np.array([job]), artificial_cost)

    def add(self, agent: int, pattern: BoolArray) -> bool:
        key = (agent, np.packbits(pattern).tobytes())
        if key in self._seen:
            return False
        self._seen.add(key)
        self.agents.append(agent)
        self.patterns.append(pattern.copy())
        self.master.add_column(
            agent, np.flatnonzero(pattern), float(self.costs[agent, pattern].sum())
        )
        return True

    def add_assignment(self, assignment: IntArray) -> None:
        for agent in range(self.costs.shape[0]):
            self.add(agent, assignment == agent)


def pattern_search(
    costs: IntArray,
    weights: IntArray,
    capacities: IntArray,
    *,
    incumbents: list[IntArray],
    initial_duals: FloatArray | None,
    max_iterations: int,
    deadline: float,
) -> PatternOutcome:
    """Column generation at the root (Lagrangian bound), then one dive to an assignment.

    `incumbents` seed the pool (their patterns make the first master feasible without the
    artificial columns); `initial_duals` (per job, e.g. from the LP relaxation) is the first
    smoothing centre. `max_iterations` caps master solves over the root and the dive together.
    """
    n_agents, n_jobs = costs.shape
    pool = _Pool(costs)
    for assignment in incumbents:
        pool.add_assignment(assignment)
    budget = [max_iterations]
    state = _generate(
        pool,
        weights,
        capacities,
        np.ones(n_jobs, dtype=bool),
        np.ones(n_agents, dtype=bool),
        0.0,
        initial_duals,
        budget,
        deadline,
    )
    bound = state.best_bound if state.best_bound > -math.inf else None
    if state.solution is None:
        return PatternOutcome(bound, None, None, None, max_iterations - budget[0])
    master_value = state.solution.value
    support = np.zeros((n_agents, n_jobs), dtype=bool)
    for column in np.flatnonzero(state.solution.weights > _INTEGRAL_TOLERANCE).tolist():
        if pool.agents[column] >= 0:
            support[pool.agents[column], pool.patterns[column]] = True
    complete: list[tuple[int, IntArray]] = []
    first_partial: IntArray | None = None
    for fix_above in _DIVE_THRESHOLDS:
        if budget[0] <= 0 or time.monotonic() > deadline:
            break
        pool.master.release_all()
        assignment = _dive(pool, weights, capacities, state, fix_above, budget, deadline)
        if (assignment < 0).any():
            if first_partial is None:
                first_partial = assignment
            continue
        complete.append((int(costs[assignment, np.arange(n_jobs)].sum()), assignment))
    iterations = max_iterations - budget[0]
    complete.sort(key=lambda pair: pair[0])
    if not complete and first_partial is not None:
        # A failed dive still packed most agents well: its unplaced jobs go to their cheapest
        # agent (overloading it) and the caller's local search repairs that start.
        missing = np.flatnonzero(first_partial < 0)
        first_partial[missing] = costs[:, missing].argmin(axis=0)
        return PatternOutcome(bound, first_partial, None, master_value, iterations, support)
    if not complete:
        return PatternOutcome(bound, None, None, master_value, iterations, support)
    best_cost, best_assignment = complete[0]
    return PatternOutcome(
        bound,
        best_assignment,
        best_cost,
        master_value,
        iterations,
        support,
        tuple(assignment for _, assignment in complete),
    )


def _dive(
    pool: _Pool,
    weights: IntArray,
    capacities: IntArray,
    root: _MasterState,
    fix_above: float,
    budget: list[int],
    deadline: float,
) -> IntArray:
    """Fix the columns the LP uses most (all at or above `fix_above`, else the largest), re-run
    column generation on what is left, repeat; backtrack a few steps when the rest cannot be
    covered. Returns the agent per job, −1 for jobs left unplaced when it gave up."""
    costs = pool.costs
    n_agents, n_jobs = costs.shape
    open_jobs = np.ones(n_jobs, dtype=bool)
    open_agents = np.ones(n_agents, dtype=bool)
    state = root
    assignment = np.full(n_jobs, -1, dtype=np.int64)
    fixed = np.zeros(len(pool.agents), dtype=bool)
    fixed_cost = 0.0
    steps: list[list[int]] = []  # the columns fixed at each diving step, for backtracking
    backtracks = 0
    while state.solution is not None:
        # Columns priced after the last solve have no value yet: zero.
        weights_now = np.zeros(len(pool.agents))
        weights_now[: state.solution.weights.size] = state.solution.weights
        artificial = np.array(pool.agents) < 0
        fixed = np.concatenate([fixed, np.zeros(len(pool.agents) - fixed.size, dtype=bool)])
        if (weights_now[artificial] > _INTEGRAL_TOLERANCE).any():
            # The residual jobs cannot be covered even fractionally: undo the last step and
            # forbid its column, a few times at most.
            if not steps or backtracks >= _MAX_BACKTRACKS:
                break
            backtracks += 1
            undone = steps.pop()
            for column in undone:
                agent, pattern = pool.agents[column], pool.patterns[column]
                fixed[column] = False
                fixed_cost -= float(costs[agent, pattern].sum())
                assignment[pattern] = -1
                open_jobs |= pattern
                open_agents[agent] = True
            pool.master.forbid(undone[-1])
            for column in undone[:-1]:
                pool.master.fix(column)
                fixed[column] = True
                agent, pattern = pool.agents[column], pool.patterns[column]
                fixed_cost += float(costs[agent, pattern].sum())
                assignment[pattern] = agent
                open_jobs &= ~pattern
                open_agents[agent] = False
            if len(undone) > 1:
                steps.append(undone[:-1])
        else:
            free = ~artificial & ~fixed
            # Columns above one half are pairwise compatible (two of them sharing a job or an
            # agent would exceed its row), so all of them can be fixed in one step.
            chosen = np.flatnonzero(free & (weights_now >= fix_above))
            if chosen.size == 0:
                chosen = np.array([int(np.argmax(np.where(free, weights_now, -1.0)))])
            for column in chosen.tolist():
                agent, pattern = pool.agents[column], pool.patterns[column]
                pool.master.fix(column)
                fixed[column] = True
                fixed_cost += float(costs[agent, pattern].sum())
                assignment[pattern] = agent
                open_jobs &= ~pattern
                open_agents[agent] = False
            # The fractional choice last, so that a backtrack forbids it and not a sure one.
            steps.append(
                sorted(
                    (int(c) for c in chosen),
                    key=lambda c: weights_now[c] < 1.0 - _INTEGRAL_TOLERANCE,
                )
            )
        if not open_jobs.any() or not open_agents.any():
            break
        if budget[0] <= 0 or time.monotonic() > deadline:
            break
        state = _generate(
            pool,
            weights,
            capacities,
            open_jobs,
            open_agents,
            fixed_cost,
            state.job_duals,
            budget,
            deadline,
            _DIVE_STEP_ITERATIONS,
        )
    return assignment


@dataclass(frozen=True, slots=True)
class _MasterState:
    solution: MasterSolution | None
    best_bound: float  # Lagrangian bound of the residual problem plus the fixed cost
    job_duals: FloatArray | None  # the last master's job duals


def _generate(
    pool: _Pool,
    weights: IntArray,
    capacities: IntArray,
    open_jobs: BoolArray,
    open_agents: BoolArray,
    fixed_cost: float,
    centre: FloatArray | None,
    budget: list[int],
    deadline: float,
    step_limit: int | None = None,
) -> _MasterState:
    """Column generation on the residual problem (open jobs, open agents) until no column
    prices out, the bound meets the master's value, the budget is spent or the deadline passes."""
    costs = pool.costs
    jobs_open = np.flatnonzero(open_jobs)
    agents_open = np.flatnonzero(open_agents)
    open_costs = costs[np.ix_(agents_open, jobs_open)]
    open_weights = weights[np.ix_(agents_open, jobs_open)]
    open_capacities = capacities[agents_open]
    best_bound = -math.inf
    centre_duals = None if centre is None else centre[jobs_open]
    if centre_duals is not None:
        # The centre's own bound first: otherwise the first smoothed point, half made of the
        # duals of a degenerate first master, would replace a good centre by a poor one. Its
        # patterns are good columns too.
        values, patterns = best_patterns(
            centre_duals[None, :] - open_costs, open_weights, open_capacities
        )
        best_bound = fixed_cost + float(centre_duals.sum() - values.sum())
        for row in np.flatnonzero(patterns.any(axis=1)).tolist():
            full = np.zeros(open_jobs.size, dtype=bool)
            full[jobs_open[patterns[row]]] = True
            pool.add(int(agents_open[row]), full)
    state = _MasterState(None, best_bound, None)
    rounds = 0
    while budget[0] > 0 and time.monotonic() <= deadline:
        if step_limit is not None and rounds >= step_limit:
            break
        rounds += 1
        budget[0] -= 1
        solution = pool.master.solve()
        if solution is None:
            break
        duals = solution.job_duals[jobs_open]
        agent_duals = solution.agent_duals[agents_open]
        state = _MasterState(solution, best_bound, solution.job_duals)
        added = 0
        points = [duals]
        if centre_duals is not None:
            points.insert(0, _SMOOTHING * centre_duals + (1.0 - _SMOOTHING) * duals)
        for point in points:
            values, patterns = best_patterns(
                point[None, :] - open_costs, open_weights, open_capacities
            )
            bound = fixed_cost + float(point.sum() - values.sum())
            if bound > best_bound:
                best_bound, centre_duals = bound, point.copy()
            reduced = (open_costs * patterns).sum(axis=1) - patterns @ duals - agent_duals
            for row in np.flatnonzero(reduced < -_REDUCED_COST_TOLERANCE).tolist():
                full = np.zeros(open_jobs.size, dtype=bool)
                full[jobs_open[patterns[row]]] = True
                added += int(pool.add(int(agents_open[row]), full))
            if added:
                break
        state = _MasterState(solution, best_bound, solution.job_duals)
        if added == 0 or best_bound >= solution.value - _REDUCED_COST_TOLERANCE:
            break
    return state


def best_patterns(
    profits: FloatArray, weights: IntArray, capacities: IntArray
) -> tuple[FloatArray, BoolArray]:
    """0/1 knapsack per row: maximise Σ profit over a set of columns within the row's capacity.

    Returns the optimal values (≥ 0, the empty set is allowed) and the chosen sets. One dynamic
    programme over capacity 0..max for all rows at once, one step per column that is profitable
    for some row; the steps' take-flags are kept for backtracking.
    """
    n_rows, n_columns = profits.shape
    top = int(capacities.max()) if n_rows else 0
    cells = np.arange(top + 1)
    rows = np.arange(n_rows)[:, None]
    table = np.zeros((n_rows, top + 1))
    steps: list[tuple[int, npt.NDArray[np.bool_]]] = []
    for item in np.flatnonzero((profits > 0).any(axis=0)).tolist():
        gain = profits[:, item]
        weight = weights[:, item]
        source = cells[None, :] - weight[:, None]
        candidate = table[rows, np.maximum(source, 0)] + gain[:, None]
        take = (source >= 0) & (gain[:, None] > 0) & (candidate > table + 1e-12)
        table = np.where(take, candidate, table)
        steps.append((item, take))
    values = table[np.arange(n_rows), capacities]
    chosen = np.zeros((n_rows, n_columns), dtype=bool)
    left = capacities.astype(np.int64).copy()
    every_row = np.arange(n_rows)
    for item, take in reversed(steps):
        taken = take[every_row, left]
        chosen[:, item] = taken
        left -= np.where(taken, weights[:, item], 0)
    return values, chosen
