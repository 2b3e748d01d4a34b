"""Large neighbourhood searches over agent subsets: `agent_subset_lns` solves small sub-problems
exactly by CP-SAT; `restricted_mip_lns` re-packs large ones, restricted to candidate pairs, by
HiGHS (its docstring says why and when it wins).

Why: on types D and E good assignments are packed almost exactly full, and improving one often
needs a chain of several jobs moved at once among a few agents, which shift and swap moves with
penalties only find by luck. Freeing every job of a handful of agents and re-solving that small
GAP to optimality makes any such chain one step (Yagiura, Ibaraki and Glover's ejection chains
reach the same moves by search; here an exact solver enumerates them).

Which agents: half the steps take agents at random; the others take one agent at random and then
the agents its jobs would go to most cheaply by LP reduced cost (related agents share moves).
`agent_subset_lns` is deterministic for a given seed: the sub-solves stop on CP-SAT's
deterministic time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from clusterlink.domain.allocation.gap.solvers.cpsat import solve_cpsat
from clusterlink.domain.allocation.gap.solvers.highs import solve_restricted_mip

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
# restricted_mip_lns: jobs freed per step at first, candidate agents per job, seconds per step.
_MIP_TARGET_FREE_JOBS = 150
_MIP_CANDIDATES = 5
_MIP_STEP_SECONDS = 1.0


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


def restricted_mip_lns(
    costs: IntArray,
    weights: IntArray,
    capacities: IntArray,
    start: IntArray,
    *,
    reduced_costs: FloatArray | None,
    seed: int,
    deadline: float,
    stop_at: int | None = None,
    stop: Callable[[], bool] | None = None,
) -> LnsOutcome:
    """Improve the feasible assignment `start` until `deadline`, the cost `stop_at` or `stop()`:
    every step frees the jobs of many related agents (some 150 jobs) and lets HiGHS re-assign
    them among those agents, each job only to its few agents of smallest LP reduced cost (or
    its current one), for at most a second.

    Why: on type D the LP bound is within a few units of the optimum (d40400: 24347.6 against
    24350), so good assignments use almost only pairs of near-zero reduced cost and fill the
    agents exactly; improving a tabu search's local optimum then takes re-packing a dozen agents
    at once, which the small exact sub-problems of `agent_subset_lns` never see. Restricted to
    the candidate pairs such a sub-problem is a few hundred binaries, and HiGHS's cutoff makes
    its search for a cheaper one short. The neighbourhood grows by one agent whenever HiGHS
    proves within the time that a step has nothing cheaper (most steps end on the time instead,
    some with a cheaper assignment). The sub-solves stop on the wall clock, so the result is not
    deterministic. Measured from the same 3 s tabu search, 20 s of each LNS: e40400 44637
    against 44755 for `agent_subset_lns`, d20400 24635 against 24696, d10200 12459 against
    12465.
    """
    n_agents, n_jobs = costs.shape
    jobs = np.arange(n_jobs)
    rng = np.random.default_rng(seed)
    assign = start.astype(np.int64).copy()
    cost = int(costs[assign, jobs].sum())
    scores = (costs if reduced_costs is None else reduced_costs).astype(np.float64)
    candidates = _candidate_pairs(scores)
    per_agent = n_jobs / n_agents
    largest = max(_MIN_AGENTS, min(n_agents - 1, (2 * n_agents) // 3))
    size = min(max(round(_MIP_TARGET_FREE_JOBS / per_agent), _MIN_AGENTS), largest)
    related = _related_agents(scores, assign)
    steps = improvements = 0
    while time.monotonic() < deadline:
        if stop_at is not None and cost <= stop_at:
            break
        if stop is not None and stop():
            break
        steps += 1
        chosen = _choose_agents(rng, n_agents, size, related, steps)
        freed = np.flatnonzero(np.isin(assign, chosen))
        if freed.size == 0:
            continue
        position = np.full(n_agents, -1, dtype=np.int64)
        position[chosen] = np.arange(chosen.size)
        sub_hint = position[assign[freed]]
        allowed = candidates[np.ix_(chosen, freed)]
        allowed[sub_hint, np.arange(freed.size)] = True
        sub_costs = costs[np.ix_(chosen, freed)]
        sub_cost = int(sub_costs[sub_hint, np.arange(freed.size)].sum())
        outcome = solve_restricted_mip(
            sub_costs,
            weights[np.ix_(chosen, freed)],
            capacities[chosen],
            allowed,
            objective_below=sub_cost,
            time_limit_s=min(_MIP_STEP_SECONDS, deadline - time.monotonic()),
        )
        if outcome.assignment is not None and outcome.cost is not None:
            assign[freed] = chosen[outcome.assignment]
            cost += outcome.cost - sub_cost
            improvements += 1
            related = _related_agents(scores, assign)
        elif outcome.proved:
            size = min(size + 1, largest)
    return LnsOutcome(assign, cost, steps, improvements)


def _candidate_pairs(scores: FloatArray) -> npt.NDArray[np.bool_]:
    """The pairs of smallest score (reduced cost), `_MIP_CANDIDATES` per job on average: one
    threshold for all, so a job with many near-ties keeps them all."""
    n_jobs = scores.shape[1]
    keep = min(_MIP_CANDIDATES * n_jobs, scores.size) - 1
    threshold = np.partition(scores.ravel(), keep)[keep]
    candidates: npt.NDArray[np.bool_] = scores <= threshold
    return candidates
