"""Tabu search over shift and swap moves with adaptive capacity penalties, in NumPy.

Why this design: GAP instances of types D and E have tight capacities and costs inversely
correlated with weights, so good solutions sit on the feasibility boundary. Searching only
feasible assignments gets stuck; letting the search cross into overloaded assignments with a
per-agent penalty that grows while an agent stays overloaded and shrinks while the solution is
feasible (strategic oscillation, as in Yagiura, Ibaraki and Glover's work on GAP) keeps it near
that boundary. Every move of a neighbourhood is scored at once with array arithmetic, because a
Python loop per candidate move would be two orders of magnitude slower.

The search is deterministic for a given seed and work budget: the budget counts scored moves,
not seconds. A wall-clock deadline is only a safety stop for slow machines.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

# Swap scoring is quadratic in the job count; above this many scored pairs per iteration only a
# random sample of first jobs is scored, so one iteration stays in the low milliseconds.
_SWAP_PAIRS_PER_ITERATION = 20_000
_PENALTY_GROWTH = 0.05  # per iteration an agent stays overloaded
_PENALTY_DECAY = 0.02  # per iteration the whole assignment is feasible
_PENALTY_FLOOR = 1e-3
_TENURE_MIN = 3
_ELITE_SIZE = 6
_SHIFT_FIRST = False  # measured: no gain on D/E (improving shifts are rare), kept switchable
_TENURE_PER_AGENT = 0.25


@dataclass(frozen=True, slots=True)
class SearchOutcome:
    assignment: IntArray | None  # best feasible assignment found, None if none
    cost: int | None
    iterations: int
    elite: tuple[IntArray, ...] = ()  # a few distinct good feasible assignments, best first


def tabu_search(
    costs: IntArray,
    weights: IntArray,
    capacities: IntArray,
    start: IntArray,
    initial_penalty: FloatArray,
    *,
    work_budget: float,
    seed: int,
    deadline: float,
    stall_iterations: int | None = None,
    fruitless_restarts: int = 3,
    stop_at: int | None = None,
    excluded: npt.NDArray[np.bool_] | None = None,
) -> SearchOutcome:
    """Improve `start` (agent per job, may overload agents) and return the best feasible found.

    `work_budget` is in scored moves (shift moves m·n plus sampled swap pairs per iteration);
    `deadline` is a `time.monotonic()` value after which the search stops regardless.
    `initial_penalty` holds one positive cost-per-unit-overload weight per agent (LP capacity
    duals are a good choice). After `stall_iterations` without a new best the search returns to
    the best assignment with fresh penalties, to intensify around it; after `fruitless_restarts`
    such returns in a row without a new best, or once the best reaches `stop_at` (a proven lower
    bound), the search ends early so that small instances do not use the whole budget.
    `excluded[i, j]` marks pairs the search never moves a job into (e.g. pairs whose LP reduced
    cost makes them hopeless): fewer, better candidate moves per iteration.
    """
    n_agents, n_jobs = costs.shape
    rng = np.random.default_rng(seed)
    cost_f = costs.astype(np.float64)
    weight_f = weights.astype(np.float64)
    cap_f = capacities.astype(np.float64)
    jobs = np.arange(n_jobs)
    if stall_iterations is None:
        stall_iterations = 50 + 5 * n_jobs

    assign = start.astype(np.int64).copy()
    load = np.bincount(assign, weights=weight_f[assign, jobs], minlength=n_agents).astype(
        np.float64
    )
    current_cost = float(cost_f[assign, jobs].sum())
    base_penalty = np.maximum(initial_penalty.astype(np.float64), _PENALTY_FLOOR)
    penalty = base_penalty.copy()
    tabu_until = np.zeros((n_agents, n_jobs), dtype=np.int64)
    tabu_by_job = np.zeros((n_jobs, n_agents), dtype=np.int64)
    # Excluded pairs are tabu for ever: the same masks then keep them out of both neighbourhoods.
    if excluded is not None:
        never = np.iinfo(np.int64).max // 2
        excluded_by_job = np.ascontiguousarray(excluded.T)
        tabu_until[excluded] = never
        tabu_by_job[excluded_by_job] = never
    cost_by_job = np.ascontiguousarray(cost_f.T)
    weight_by_job = np.ascontiguousarray(weight_f.T)
    tenure_base = max(_TENURE_MIN, int(n_agents * _TENURE_PER_AGENT))

    best: IntArray | None = None
    best_cost = np.inf
    if np.all(load <= cap_f):
        best, best_cost = assign.copy(), current_cost
    last_improvement = 0
    restarts_in_a_row = 0
    elite: list[tuple[float, IntArray]] = []

    swap_rows = min(n_jobs, max(1, _SWAP_PAIRS_PER_ITERATION // n_jobs))
    shift_work, swap_work = n_agents * n_jobs, swap_rows * n_jobs
    work_done = 0.0
    iteration = 0
    while work_done < work_budget:
        # The clock is read every 16 iterations: reading it costs more than a small iteration.
        if iteration % 16 == 0 and time.monotonic() > deadline:
            break
        iteration += 1
        work_done += shift_work
        over = np.maximum(0.0, load - cap_f)
        own_cost = cost_f[assign, jobs]
        own_weight = weight_f[assign, jobs]
        own_agent_penalty = penalty[assign]

        shift_delta = _shift_deltas(
            cost_f, weight_f, cap_f, load, over, penalty, assign, own_cost, own_weight
        )
        tabu_now = tabu_until > iteration
        feasible_now = not over.any()
        shift_scored = np.where(tabu_now, np.inf, shift_delta)
        if feasible_now:
            # Aspiration: a tabu shift is allowed when it yields a new feasible best.
            stays_feasible = load[:, None] + weight_f <= cap_f[:, None]
            improves = current_cost + cost_f - own_cost < best_cost
            shift_scored = np.where(tabu_now & stays_feasible & improves, shift_delta, shift_scored)
        flat = int(np.argmin(shift_scored))
        shift_agent, shift_job = divmod(flat, n_jobs)
        shift_value = float(shift_scored[shift_agent, shift_job])

        # Swaps cost far more to score than shifts; when a shift already improves the penalised
        # objective it is taken at once (an iteration is then several times cheaper).
        swap_value = np.inf
        swap_first = swap_second = 0
        if not (_SHIFT_FIRST and shift_value < -1e-9):
            work_done += swap_work
            rows = jobs if swap_rows == n_jobs else rng.choice(n_jobs, swap_rows, replace=False)
            swap_delta = _swap_deltas(
                cost_f,
                weight_f,
                cap_f,
                load,
                over,
                penalty,
                assign,
                own_cost,
                own_weight,
                own_agent_penalty,
                rows,
                tabu_until,
                iteration,
                cost_by_job,
                weight_by_job,
                tabu_by_job,
            )
            flat = int(np.argmin(swap_delta))
            row, swap_second = divmod(flat, n_jobs)
            swap_first = int(rows[row])
            swap_value = float(swap_delta[row, swap_second])

        if swap_value < shift_value:
            agent_first, agent_second = int(assign[swap_first]), int(assign[swap_second])
            moves = [(swap_first, agent_second), (swap_second, agent_first)]
        elif np.isfinite(shift_value):
            moves = [(shift_job, shift_agent)]
        else:
            continue
        for job, agent in moves:
            old_agent = int(assign[job])
            tenure = iteration + tenure_base + int(rng.integers(0, tenure_base + 1))
            tabu_until[old_agent, job] = tenure
            tabu_by_job[job, old_agent] = tenure
            load[old_agent] -= weight_f[old_agent, job]
            load[agent] += weight_f[agent, job]
            current_cost += cost_f[agent, job] - cost_f[old_agent, job]
            assign[job] = agent

        overloaded = load > cap_f
        if overloaded.any():
            penalty[overloaded] *= 1.0 + _PENALTY_GROWTH
        else:
            _offer_elite(elite, assign, current_cost)
            penalty *= 1.0 - _PENALTY_DECAY
            np.maximum(penalty, _PENALTY_FLOOR, out=penalty)
            if current_cost < best_cost:
                best, best_cost = assign.copy(), current_cost
                last_improvement = iteration
                restarts_in_a_row = 0
                if stop_at is not None and best_cost <= stop_at:
                    break
        if best is not None and iteration - last_improvement > stall_iterations:
            restarts_in_a_row += 1
            if restarts_in_a_row > fruitless_restarts:
                break
            assign = best.copy()
            load = np.bincount(assign, weights=weight_f[assign, jobs], minlength=n_agents).astype(
                np.float64
            )
            current_cost = best_cost
            penalty = base_penalty.copy()
            tabu_until.fill(0)
            tabu_by_job.fill(0)
            if excluded is not None:
                tabu_until[excluded] = never
                tabu_by_job[excluded_by_job] = never
            last_improvement = iteration

    if best is None:
        return SearchOutcome(assignment=None, cost=None, iterations=iteration)
    return SearchOutcome(
        assignment=best,
        cost=round(best_cost),
        iterations=iteration,
        elite=tuple(member for _, member in elite),
    )


def _offer_elite(elite: list[tuple[float, IntArray]], assign: IntArray, cost: float) -> None:
    """Keep the cheapest distinct feasible assignments seen, for recombination afterwards."""
    if len(elite) == _ELITE_SIZE and cost >= elite[-1][0]:
        return
    for member_cost, member in elite:
        if member_cost == cost and np.array_equal(member, assign):
            return
    elite.append((cost, assign.copy()))
    elite.sort(key=lambda pair: pair[0])
    del elite[_ELITE_SIZE:]


def _shift_deltas(
    cost_f: FloatArray,
    weight_f: FloatArray,
    cap_f: FloatArray,
    load: FloatArray,
    over: FloatArray,
    penalty: FloatArray,
    assign: IntArray,
    own_cost: FloatArray,
    own_weight: FloatArray,
) -> FloatArray:
    """Penalised change of moving job j to agent i, for all (i, j); inf where i is j's agent."""
    own = assign
    removal = penalty[own] * (np.maximum(0.0, load[own] - own_weight - cap_f[own]) - over[own])
    insertion = penalty[:, None] * (
        np.maximum(0.0, load[:, None] + weight_f - cap_f[:, None]) - over[:, None]
    )
    delta = cost_f - own_cost + insertion + removal
    delta[own, np.arange(own.size)] = np.inf
    return delta


def _swap_deltas(
    cost_f: FloatArray,
    weight_f: FloatArray,
    cap_f: FloatArray,
    load: FloatArray,
    over: FloatArray,
    penalty: FloatArray,
    assign: IntArray,
    own_cost: FloatArray,
    own_weight: FloatArray,
    own_agent_penalty: FloatArray,
    rows: IntArray,
    tabu_until: IntArray,
    iteration: int,
    cost_by_job: FloatArray,
    weight_by_job: FloatArray,
    tabu_by_job: IntArray,
) -> FloatArray:
    """Penalised change of exchanging the agents of jobs rows[r] and j, as a (len(rows), n) array.

    For first job j1 on agent k1 and second job j2 on agent k2, k1's load changes by
    w[k1, j2] − w[k1, j1] and k2's by w[k2, j1] − w[k2, j2]; the two penalty terms are the same
    expression with the roles exchanged. The *_by_job arrays are the [job, agent] transposes,
    kept so that the second-job gathers are row takes, several times faster than 2-D indexing.
    """
    own = assign
    residual = load[own] - own_weight - cap_f[own]  # per job: its agent's load without it, −cap
    first_agents = own[rows]
    # [r, j2]: first job's agent with the second job; [r, j2] of the *_back arrays: second job's
    # agent with the first job. Gathered for the sampled rows only, never the full n × n.
    cost_first = cost_f[first_agents]
    weight_first = weight_f[first_agents]
    cost_back = cost_by_job[rows][:, own]
    weight_back = weight_by_job[rows][:, own]
    first_penalty = own_agent_penalty[rows, None] * (
        np.maximum(0.0, residual[rows, None] + weight_first) - over[first_agents, None]
    )
    second_penalty = own_agent_penalty[None, :] * (
        np.maximum(0.0, residual[None, :] + weight_back) - over[own][None, :]
    )
    delta = (
        cost_first
        + cost_back
        - own_cost[rows, None]
        - own_cost[None, :]
        + first_penalty
        + second_penalty
    )
    same_agent = own[rows, None] == own[None, :]
    tabu_first = tabu_by_job[rows][:, own] > iteration  # first job to second's agent
    tabu_second = tabu_until[first_agents] > iteration  # [r, j2]: second job to first's agent
    return np.where(same_agent | tabu_first | tabu_second, np.inf, delta)
