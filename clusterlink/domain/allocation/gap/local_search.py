"""Tabu search over shift, swap and ejection-chain moves with adaptive capacity penalties.

Why this design: GAP instances of types D and E have tight capacities and costs inversely
correlated with weights, so good solutions sit on the feasibility boundary. Searching only
feasible assignments gets stuck; letting the search cross into overloaded assignments with a
per-agent penalty that grows while an agent stays overloaded and shrinks while the solution is
feasible (strategic oscillation, as in Yagiura, Ibaraki and Glover's work on GAP) keeps it near
that boundary. Their other lesson is the neighbourhood: on agents packed almost exactly full,
an improvement usually needs a job pushed into an agent and one of that agent's jobs ejected to
a third, which no single shift or swap does. Every iteration therefore scores every shift, every
swap and every such two-job ejection chain within the candidate pairs and takes the best
admissible one. Measured on d40400 (30 s, one core, from the rounded LP): 24569 with shifts and
swaps only, 24512 to 24535 with the chains.

A chain's second step does not depend on its first beyond excluding the first job's agent, so
each iteration first finds every job's two cheapest admissible exits and then scores a chain in
constant time: on d40400 some 40,000 moves an iteration instead of 360,000, seven times the
iterations in the same time. The moves are scored in a loop compiled by Numba; as NumPy arrays
they would cost far more in temporaries than in arithmetic. The compiled code is cached on disk
after its first use.

The search is deterministic for a given seed and work budget: the budget counts scored moves,
not seconds. A wall-clock deadline is only a safety stop for slow machines.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numba
import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

_PENALTY_GROWTH = 0.05  # per iteration an agent stays overloaded
_PENALTY_DECAY = 0.02  # per iteration the whole assignment is feasible
_PENALTY_FLOOR = 1e-3
_TENURE_MIN = 3
_TENURE_PER_AGENT = 0.25
_ELITE_SIZE = 6
# Moves scored between two looks at the clock (a chunk of iterations runs compiled).
_MOVES_PER_CHUNK = 2.0e7
# State slots of the compiled search, in one float array so that it survives between chunks.
_ITERATION, _CURRENT, _BEST, _LAST_IMPROVEMENT, _RESTARTS_IN_A_ROW, _MOVES, _RNG = range(7)
_NO_COST = 1e300


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
    fruitless_restarts: int = 400,
    stop_at: int | None = None,
    excluded: npt.NDArray[np.bool_] | None = None,
) -> SearchOutcome:
    """Improve `start` (agent per job, may overload agents) and return the best feasible found.

    `work_budget` is in scored moves; `deadline` is a `time.monotonic()` value after which the
    search stops regardless. `initial_penalty` holds one positive cost-per-unit-overload weight
    per agent (LP capacity duals are a good choice). After `stall_iterations` without a new best
    the search returns to the best assignment with fresh penalties and an emptied tabu list, to
    intensify around it; after `fruitless_restarts` such returns in a row without a new best, or
    once the best reaches `stop_at` (a proven lower bound), the search ends early so that small
    instances do not use the whole budget (and, in the pipeline, leave their time to the next
    search; with 40, searches over 8 agents per job ended within a second on d20200, far from
    levelled off). `excluded[i, j]` marks pairs the search never moves a
    job into (e.g. pairs whose LP reduced cost makes them hopeless): fewer, better candidates.
    """
    n_agents, n_jobs = costs.shape
    allowed = np.ones(costs.shape, dtype=bool) if excluded is None else ~excluded
    candidates = _candidate_lists(allowed)
    cost_f = costs.astype(np.float64)
    weight_f = weights.astype(np.float64)
    cap_f = capacities.astype(np.float64)
    assign = start.astype(np.int64).copy()
    jobs = np.arange(n_jobs)
    members = np.zeros((n_agents, n_jobs), dtype=np.int64)
    count = np.zeros(n_agents, dtype=np.int64)
    position = np.zeros(n_jobs, dtype=np.int64)
    load = np.zeros(n_agents)
    _rebuild(assign, weight_f, members, count, position, load)
    base_penalty = np.maximum(initial_penalty.astype(np.float64), _PENALTY_FLOOR)
    penalty = base_penalty.copy()
    # tabu[j, i]: the iteration until which job j may not move to agent i. Excluded pairs are
    # tabu for ever (a swap moves a job to an agent outside its candidate list otherwise).
    never = np.iinfo(np.int64).max // 2
    untabu = np.where(allowed.T, 0, never).astype(np.int64)
    tabu = untabu.copy()
    best = assign.copy()
    current = float(cost_f[assign, jobs].sum())
    state = np.zeros(7, dtype=np.float64)
    state[_CURRENT] = current
    state[_BEST] = current if bool((load <= cap_f).all()) else _NO_COST
    # A 48-bit linear congruential generator, seeded here, draws the tabu tenures.
    state[_RNG] = float((seed * 2654435761 + 12345) % (1 << 48))
    elite = np.zeros((_ELITE_SIZE, n_jobs), dtype=np.int64)
    elite_cost = np.full(_ELITE_SIZE, _NO_COST)
    if state[_BEST] < _NO_COST:
        _offer_elite(elite, elite_cost, best, current)
    tenure = max(_TENURE_MIN, int(n_agents * _TENURE_PER_AGENT))
    stall = 50 + n_jobs if stall_iterations is None else stall_iterations
    target = -np.inf if stop_at is None else float(stop_at)
    width = candidates.shape[1]
    per_iteration = max(1.0, n_jobs * width * (2.0 + n_jobs / n_agents))
    chunk = max(1, int(_MOVES_PER_CHUNK / per_iteration))
    while state[_MOVES] < work_budget and time.monotonic() <= deadline:
        finished = _search_chunk(
            cost_f,
            weight_f,
            cap_f,
            candidates,
            assign,
            load,
            members,
            count,
            position,
            penalty,
            base_penalty,
            tabu,
            untabu,
            best,
            elite,
            elite_cost,
            state,
            chunk,
            float(work_budget),
            tenure,
            stall,
            fruitless_restarts,
            target,
        )
        if finished:
            break
    iterations = int(state[_ITERATION])
    if state[_BEST] >= _NO_COST:
        return SearchOutcome(assignment=None, cost=None, iterations=iterations)
    _offer_elite(elite, elite_cost, best, state[_BEST])
    order = np.argsort(elite_cost, kind="stable")
    members_found = tuple(elite[k].copy() for k in order if elite_cost[k] < _NO_COST)
    return SearchOutcome(
        assignment=best,
        cost=round(float(state[_BEST])),
        iterations=iterations,
        elite=members_found,
    )


def compile_search() -> None:
    """Compile the search (or load it from Numba's disk cache) on a tiny instance, so that the
    first timed solve does not pay for compilation (some seconds on a fresh checkout)."""
    tabu_search(
        np.ones((2, 2), dtype=np.int64),
        np.ones((2, 2), dtype=np.int64),
        np.ones(2, dtype=np.int64),
        np.zeros(2, dtype=np.int64),
        np.ones(2),
        work_budget=100.0,
        seed=0,
        deadline=time.monotonic() + 60.0,
    )


def _candidate_lists(allowed: npt.NDArray[np.bool_]) -> IntArray:
    """[job, k]: the agents a job may move to, padded with −1 to the longest list."""
    n_jobs = allowed.shape[1]
    width = max(1, int(allowed.sum(axis=0).max()))
    candidates = np.full((n_jobs, width), -1, dtype=np.int64)
    for job in range(n_jobs):
        agents = np.flatnonzero(allowed[:, job])
        candidates[job, : agents.size] = agents
    return candidates


@numba.njit(cache=True)
def _rebuild(
    assign: IntArray,
    weight: FloatArray,
    members: IntArray,
    count: IntArray,
    position: IntArray,
    load: FloatArray,
) -> None:
    """From `assign`: each agent's job list (members[i, :count[i]]), each job's place in it and
    each agent's load."""
    count[:] = 0
    load[:] = 0.0
    for job in range(assign.size):
        agent = assign[job]
        members[agent, count[agent]] = job
        position[job] = count[agent]
        count[agent] += 1
        load[agent] += weight[agent, job]


@numba.njit(cache=True)
def _offer_elite(elite: IntArray, elite_cost: FloatArray, assign: IntArray, cost: float) -> None:
    """Keep the cheapest distinct feasible assignments seen, for recombination afterwards."""
    worst = 0
    for k in range(elite_cost.size):
        if elite_cost[k] > elite_cost[worst]:
            worst = k
    if cost >= elite_cost[worst]:
        return
    for k in range(elite_cost.size):
        if elite_cost[k] == cost and np.array_equal(elite[k], assign):
            return
    elite[worst, :] = assign
    elite_cost[worst] = cost


@numba.njit(cache=True)
def _overload_change(
    penalty: FloatArray, load: FloatArray, cap: FloatArray, agent: int, change: float
) -> float:
    """Penalised change of agent's overload when its load changes by `change`."""
    before = load[agent] - cap[agent]
    return float(penalty[agent] * (max(0.0, before + change) - max(0.0, before)))


@numba.njit(cache=True)
def _best_exits(
    cost: FloatArray,
    weight: FloatArray,
    cap: FloatArray,
    candidates: IntArray,
    assign: IntArray,
    load: FloatArray,
    penalty: FloatArray,
    tabu: IntArray,
    iteration: int | np.int64,
    exits: FloatArray,
    exit_to: IntArray,
) -> int:
    """For every job, its two cheapest non-tabu moves to another agent (cost change plus the
    receiving agent's penalised overload; the first in candidate order on a tie) into
    exits/exit_to, −1 where there are fewer. Returns the number of moves scored."""
    scored = 0
    for job in range(assign.size):
        own = assign[job]
        exits[job, 0] = exits[job, 1] = np.inf
        exit_to[job, 0] = exit_to[job, 1] = -1
        for k in range(candidates.shape[1]):
            agent = candidates[job, k]
            if agent < 0:
                break
            if agent == own or tabu[job, agent] > iteration:
                continue
            scored += 1
            value = (
                cost[agent, job]
                - cost[own, job]
                + _overload_change(penalty, load, cap, agent, weight[agent, job])
            )
            if value < exits[job, 0]:
                exits[job, 1], exit_to[job, 1] = exits[job, 0], exit_to[job, 0]
                exits[job, 0], exit_to[job, 0] = value, agent
            elif value < exits[job, 1]:
                exits[job, 1], exit_to[job, 1] = value, agent
    return scored


@numba.njit(cache=True)
def _search_chunk(
    cost: FloatArray,
    weight: FloatArray,
    cap: FloatArray,
    candidates: IntArray,
    assign: IntArray,
    load: FloatArray,
    members: IntArray,
    count: IntArray,
    position: IntArray,
    penalty: FloatArray,
    base_penalty: FloatArray,
    tabu: IntArray,
    untabu: IntArray,
    best: IntArray,
    elite: IntArray,
    elite_cost: FloatArray,
    state: FloatArray,
    iterations: int,
    work_budget: float,
    tenure: int,
    stall: int,
    fruitless_restarts: int,
    target: float,
) -> bool:
    """Run up to `iterations` iterations; True when the search has ended on its own (budget,
    fruitless restarts or target reached)."""
    n_agents, n_jobs = cost.shape
    width = candidates.shape[1]
    rng = np.int64(state[_RNG])
    exits = np.empty((n_jobs, 2))
    exit_to = np.empty((n_jobs, 2), dtype=np.int64)
    for _ in range(iterations):
        if state[_MOVES] >= work_budget:
            state[_RNG] = rng
            return True
        iteration = np.int64(state[_ITERATION]) + 1
        state[_ITERATION] = iteration
        current = state[_CURRENT]
        best_cost = state[_BEST]
        feasible_now = True
        for agent in range(n_agents):
            if load[agent] > cap[agent]:
                feasible_now = False
                break
        # The second step of every ejection chain: each job's two cheapest admissible moves
        # out of its agent, scored once per iteration rather than once per chain.
        scored = _best_exits(
            cost, weight, cap, candidates, assign, load, penalty, tabu, iteration, exits, exit_to
        )
        chosen = np.inf
        kind = 0  # 1 shift, 2 swap, 3 ejection chain
        first = second = target_agent = third_agent = -1
        for job in range(n_jobs):
            own = assign[job]
            release = _overload_change(penalty, load, cap, own, -weight[own, job])
            for k in range(width):
                agent = candidates[job, k]
                if agent < 0:
                    break
                if agent == own:
                    continue
                cost_in = cost[agent, job] - cost[own, job]
                job_tabu = tabu[job, agent] > iteration
                # Shift: the job to `agent`. Aspiration: a tabu shift that keeps a feasible
                # assignment feasible and beats the best is allowed.
                value = (
                    cost_in
                    + release
                    + _overload_change(penalty, load, cap, agent, weight[agent, job])
                )
                scored += 1
                admissible = not job_tabu or (
                    feasible_now
                    and load[agent] + weight[agent, job] <= cap[agent]
                    and current + cost_in < best_cost
                )
                if admissible and value < chosen:
                    chosen, kind, first, target_agent = value, 1, job, agent
                for slot in range(count[agent]):
                    other = members[agent, slot]
                    scored += 1
                    out_change = weight[agent, job] - weight[agent, other]
                    push = (
                        cost_in + release + _overload_change(penalty, load, cap, agent, out_change)
                    )
                    # Swap: `other` (on `agent`) to the job's agent.
                    if not (job_tabu or tabu[other, own] > iteration):
                        swap = (
                            cost_in
                            + cost[own, other]
                            - cost[agent, other]
                            + _overload_change(
                                penalty, load, cap, own, weight[own, other] - weight[own, job]
                            )
                            + _overload_change(penalty, load, cap, agent, out_change)
                        )
                        if swap < chosen:
                            chosen, kind, first, second, target_agent = swap, 2, job, other, agent
                    if job_tabu:
                        continue
                    # Ejection chain: the job to `agent`, `other` from there to a third agent
                    # (its cheapest exit that is not the job's agent).
                    exit_slot = 1 if exit_to[other, 0] == own else 0
                    third = exit_to[other, exit_slot]
                    if third < 0:
                        continue
                    chain = push + exits[other, exit_slot]
                    if chain < chosen:
                        chosen, kind = chain, 3
                        first, second, target_agent, third_agent = job, other, agent, third
        state[_MOVES] += scored
        if kind == 0:
            continue
        source = assign[first]
        for step in range(2 if kind > 1 else 1):
            job = first if step == 0 else second
            destination = target_agent if step == 0 else (source if kind == 2 else third_agent)
            previous = assign[job]
            rng = (rng * 25214903917 + 11) & 0xFFFFFFFFFFFF  # wraps in int64; low 48 bits exact
            tabu[job, previous] = iteration + tenure + (rng >> 17) % (tenure + 1)
            load[previous] -= weight[previous, job]
            load[destination] += weight[destination, job]
            current += cost[destination, job] - cost[previous, job]
            last = members[previous, count[previous] - 1]
            members[previous, position[job]] = last
            position[last] = position[job]
            count[previous] -= 1
            members[destination, count[destination]] = job
            position[job] = count[destination]
            count[destination] += 1
            assign[job] = destination
        state[_CURRENT] = current
        feasible = True
        for agent in range(n_agents):
            if load[agent] > cap[agent]:
                feasible = False
                penalty[agent] *= 1.0 + _PENALTY_GROWTH
        if feasible:
            for agent in range(n_agents):
                penalty[agent] = max(penalty[agent] * (1.0 - _PENALTY_DECAY), _PENALTY_FLOOR)
            if current < best_cost - 1e-9:
                state[_BEST] = current
                state[_LAST_IMPROVEMENT] = iteration
                state[_RESTARTS_IN_A_ROW] = 0
                best[:] = assign
                if current <= target + 1e-9:
                    state[_RNG] = rng
                    return True
            elif current < elite_cost.max():
                _offer_elite(elite, elite_cost, assign, current)
        if state[_BEST] < _NO_COST and iteration - state[_LAST_IMPROVEMENT] > stall:
            # Back to the best with fresh penalties and no tabu: intensify around it.
            _offer_elite(elite, elite_cost, best, state[_BEST])
            state[_RESTARTS_IN_A_ROW] += 1
            if state[_RESTARTS_IN_A_ROW] > fruitless_restarts:
                state[_RNG] = rng
                return True
            assign[:] = best
            _rebuild(assign, weight, members, count, position, load)
            penalty[:] = base_penalty
            tabu[:, :] = untabu
            state[_CURRENT] = state[_BEST]
            state[_LAST_IMPROVEMENT] = iteration
    state[_RNG] = rng
    return False
