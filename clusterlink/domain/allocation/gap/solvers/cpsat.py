"""CP-SAT models of the GAP: the textbook binary model, optionally restricted and hinted."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from ortools.sat.python import cp_model

BoolArray = npt.NDArray[np.bool_]
# Python-side model building per variable, measured generously on a busy 2-core machine.
_BUILD_SECONDS_PER_PAIR = 4e-5
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class CpSatOutcome:
    assignment: IntArray | None
    objective: int | None
    bound: int | None  # valid only for the model that was solved (see solve_cpsat)
    optimal: bool
    infeasible: bool


def solve_cpsat(
    costs: IntArray,
    weights: IntArray,
    capacities: IntArray,
    *,
    time_limit_s: float,
    workers: int,
    seed: int,
    allowed: BoolArray | None = None,
    hint: IntArray | None = None,
    objective_below: int | None = None,
    deterministic_time: float | None = None,
    skip_if_build_too_slow: bool = False,
) -> CpSatOutcome:
    """Solve min Σ c·x over the pairs in `allowed` (all pairs if None) within `time_limit_s`
    seconds, model building included (`skip_if_build_too_slow`: do not even start when building
    would take most of that time).

    `objective_below` asks for a strictly cheaper assignment than a known one (then "infeasible"
    means "none cheaper among the allowed pairs"). `deterministic_time` caps CP-SAT's own work
    counter, which unlike the wall clock gives the same result on every run; it also switches
    the workers to deterministic interleaving.
    """
    build_started = time.monotonic()
    n_agents, n_jobs = costs.shape
    mask = np.ones((n_agents, n_jobs), dtype=bool) if allowed is None else allowed
    if skip_if_build_too_slow and int(mask.sum()) * _BUILD_SECONDS_PER_PAIR > time_limit_s / 2:
        # Building the model in Python would eat most of the time left; report "not run".
        return CpSatOutcome(None, None, None, optimal=False, infeasible=False)
    if (mask.sum(axis=0) <= 1).all():
        # At most one agent per job: nothing to search, and CP-SAT's interleaved search aborts
        # on a model its presolve fixes entirely ("Check failed: heuristics.fixed_search !=
        # nullptr", OR-Tools 9.15).
        return _only_candidate(costs, weights, capacities, mask, objective_below)
    model = cp_model.CpModel()
    literal: dict[tuple[int, int], cp_model.IntVar] = {}
    for agent, job in zip(*np.nonzero(mask), strict=True):
        literal[int(agent), int(job)] = model.new_bool_var(f"x_{agent}_{job}")
    _add_one_agent_per_job(model, literal, n_agents, n_jobs)
    _add_capacities(model, literal, weights, capacities)
    objective = _add_objective(model, literal, costs, objective_below)
    if hint is not None:
        for (agent, job), var in literal.items():
            model.add_hint(var, bool(hint[job] == agent))

    solver = cp_model.CpSolver()
    # The limit covers building the model too: on 40 × 400 that takes a noticeable share.
    build_seconds = time.monotonic() - build_started
    solver.parameters.max_time_in_seconds = max(0.01, time_limit_s - build_seconds)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    if deterministic_time is not None:
        solver.parameters.max_deterministic_time = deterministic_time
        # Interleaved workers take turns in a fixed order: the same answer on every run.
        solver.parameters.interleave_search = True
    status = solver.solve(model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        assignment = np.zeros(n_jobs, dtype=np.int64)
        for (agent, job), var in literal.items():
            if solver.boolean_value(var):
                assignment[job] = agent
        return CpSatOutcome(
            assignment=assignment,
            objective=round(solver.objective_value),
            bound=int(np.ceil(solver.best_objective_bound - 1e-6)),
            optimal=status == cp_model.OPTIMAL,
            infeasible=False,
        )
    infeasible = status == cp_model.INFEASIBLE
    bound = None
    if not infeasible and status != cp_model.MODEL_INVALID:
        bound = int(np.ceil(solver.best_objective_bound - 1e-6))
    del objective
    return CpSatOutcome(
        assignment=None, objective=None, bound=bound, optimal=False, infeasible=infeasible
    )


def _only_candidate(
    costs: IntArray,
    weights: IntArray,
    capacities: IntArray,
    mask: BoolArray,
    objective_below: int | None,
) -> CpSatOutcome:
    """The answer when each job has at most one allowed agent."""
    infeasible = CpSatOutcome(None, None, None, optimal=False, infeasible=True)
    if not mask.any(axis=0).all():
        return infeasible
    jobs = np.arange(mask.shape[1])
    assignment = mask.argmax(axis=0).astype(np.int64)
    load = np.bincount(assignment, weights=weights[assignment, jobs], minlength=mask.shape[0])
    cost = int(costs[assignment, jobs].sum())
    if (load > capacities).any() or (objective_below is not None and cost >= objective_below):
        return infeasible
    return CpSatOutcome(assignment, cost, cost, optimal=True, infeasible=False)


def _add_one_agent_per_job(
    model: cp_model.CpModel,
    literal: dict[tuple[int, int], cp_model.IntVar],
    n_agents: int,
    n_jobs: int,
) -> None:
    """Each job goes to exactly one of its allowed agents (no allowed agent: infeasible)."""
    per_job: list[list[cp_model.IntVar]] = [[] for _ in range(n_jobs)]
    for (_, job), var in literal.items():
        per_job[job].append(var)
    for job_literals in per_job:
        model.add_exactly_one(job_literals)
    del n_agents


def _add_capacities(
    model: cp_model.CpModel,
    literal: dict[tuple[int, int], cp_model.IntVar],
    weights: IntArray,
    capacities: IntArray,
) -> None:
    """Σ_j w[i, j]·x[i, j] ≤ b[i] for every agent; skipped when all its jobs fit anyway."""
    per_agent: dict[int, list[tuple[cp_model.IntVar, int]]] = {}
    for (agent, job), var in literal.items():
        per_agent.setdefault(agent, []).append((var, int(weights[agent, job])))
    for agent, terms in per_agent.items():
        if sum(w for _, w in terms) > int(capacities[agent]):
            model.add(_weighted_sum(terms) <= int(capacities[agent]))


def _add_objective(
    model: cp_model.CpModel,
    literal: dict[tuple[int, int], cp_model.IntVar],
    costs: IntArray,
    objective_below: int | None,
) -> cp_model.LinearExprT:
    """Minimise total cost; with a known assignment, require a strictly cheaper one."""
    terms = [(var, int(costs[agent, job])) for (agent, job), var in literal.items()]
    total = _weighted_sum(terms)
    if objective_below is not None:
        model.add(total <= objective_below - 1)
    model.minimize(total)
    return total


def _weighted_sum(terms: Sequence[tuple[cp_model.IntVar, int]]) -> cp_model.LinearExprT:
    return cp_model.LinearExpr.weighted_sum([v for v, _ in terms], [w for _, w in terms])
