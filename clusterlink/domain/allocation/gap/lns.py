"""Large neighbourhood search over agent subsets, each sub-problem solved exactly by CP-SAT.

Why: on types D and E good assignments are packed almost exactly full, and improving one often
needs a chain of several jobs moved at once among a few agents, which shift and swap moves with
penalties only find by luck. Freeing every job of a handful of agents and re-solving that small
GAP to optimality makes any such chain one step (Yagiura, Ibaraki and Glover's ejection chains
reach the same moves by search; here an exact solver enumerates them).

Which agents: half the steps take agents at random; the others take one agent at random and then
the agents its jobs would go to most cheaply by LP reduced cost (related agents share moves).
Deterministic for a given seed: the sub-solves stop on CP-SAT's deterministic time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from clusterlink.domain.allocation.gap.solvers.cpsat import solve_cpsat

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

# Jobs freed per step: sub-problems of this size solve to optimality in milliseconds on D and E.
_TARGET_FREE_JOBS = 30
_MIN_AGENTS = 2
_MAX_AGENTS = 8
# CP-SAT deterministic time per sub-solve; a sub-problem not solved by then keeps what it found.
_STEP_DTIME = 0.3
# After this many steps without improvement the neighbourhood grows by one agent (up to the max).
_GROW_AFTER = 40


@dataclass(frozen=True, slots=True)
class LnsOutcome:
    assignment: IntArray
    cost: int
    steps: int
    improvements: int


def agent_subset_lns(
    costs: IntArray,
    weights: IntArray,
    capacities: IntArray,
    start: IntArray,
    *,
    reduced_costs: FloatArray | None,
    seed: int,
    deadline: float,
    max_steps: int | None = None,
    stop_at: int | None = None,
    stop: Callable[[], bool] | None = None,
) -> LnsOutcome:
    """Improve the feasible assignment `start` until `deadline` (monotonic seconds), `max_steps`,
    the cost `stop_at` (a proven bound) or `stop()` returns true (asked every few steps); every
    step frees the jobs of a few agents and re-solves them exactly."""
    n_agents, n_jobs = costs.shape
    jobs = np.arange(n_jobs)
    rng = np.random.default_rng(seed)
    assign = start.astype(np.int64).copy()
    cost = int(costs[assign, jobs].sum())
    per_agent = n_jobs / n_agents
    base_agents = min(max(round(_TARGET_FREE_JOBS / per_agent), _MIN_AGENTS), _MAX_AGENTS, n_agents)
    size = base_agents
    scores = costs if reduced_costs is None else reduced_costs
    related = _related_agents(scores, assign)
    steps = improvements = stale = 0
    while time.monotonic() < deadline and (max_steps is None or steps < max_steps):
        if stop_at is not None and cost <= stop_at:
            break
        if stop is not None and steps % 8 == 0 and stop():
            break
        steps += 1
        chosen = _choose_agents(rng, n_agents, size, related, steps)
        freed = np.flatnonzero(np.isin(assign, chosen))
        if freed.size == 0:
            continue
        sub_costs = costs[np.ix_(chosen, freed)]
        sub_weights = weights[np.ix_(chosen, freed)]
        position = {int(a): k for k, a in enumerate(chosen)}
        sub_hint = np.array([position[int(a)] for a in assign[freed]], dtype=np.int64)
        sub_cost = int(sub_costs[sub_hint, np.arange(freed.size)].sum())
        outcome = solve_cpsat(
            sub_costs,
            sub_weights,
            capacities[chosen],
            time_limit_s=max(0.01, min(2.0, deadline - time.monotonic())),
            workers=1,
            seed=seed + steps,
            hint=sub_hint,
            objective_below=sub_cost,
            deterministic_time=_STEP_DTIME,
        )
        if outcome.assignment is not None and outcome.objective is not None:
            assign[freed] = chosen[outcome.assignment]
            cost += outcome.objective - sub_cost
            improvements += 1
            stale = 0
            size = base_agents
            related = _related_agents(scores, assign)
        else:
            stale += 1
            if stale >= _GROW_AFTER and size < min(_MAX_AGENTS + 2, n_agents):
                size += 1
                stale = 0
    return LnsOutcome(assign, cost, steps, improvements)


def _related_agents(scores: npt.NDArray[np.floating] | IntArray, assign: IntArray) -> FloatArray:
    """relation[a, b]: how many of agent a's jobs have b among their four best agents."""
    n_agents = scores.shape[0]
    ranks = min(4, n_agents)
    order = np.argsort(scores, axis=0, kind="stable")[:ranks]
    relation = np.zeros((n_agents, n_agents))
    for rank in range(ranks):
        other = order[rank]
        mask = other != assign
        np.add.at(relation, (assign[mask], other[mask]), 1.0)
    np.fill_diagonal(relation, 0.0)
    return relation


def _choose_agents(
    rng: np.random.Generator,
    n_agents: int,
    size: int,
    related: FloatArray,
    step: int,
) -> IntArray:
    if step % 2 == 1:
        return np.sort(rng.choice(n_agents, size, replace=False)).astype(np.int64)
    first = int(rng.integers(n_agents))
    chosen = [first]
    while len(chosen) < size:
        weight = related[chosen].sum(axis=0) + 0.2
        weight[chosen] = 0.0
        chosen.append(int(rng.choice(n_agents, p=weight / weight.sum())))
    return np.sort(np.array(chosen, dtype=np.int64))
