"""The textbook binary GAP model solved as a MIP by HiGHS, through OR-Tools' MathOpt.

MathOpt is used rather than pywraplp because pywraplp's HiGHS wrapper in OR-Tools 9.15 drops
the incumbent when the time limit stops the solve (it reports "no solution" instead).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from ortools.math_opt.python import mathopt

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class HighsOutcome:
    assignment: IntArray | None
    objective: int | None
    bound: int | None
    optimal: bool
    infeasible: bool


def solve_highs_mip(
    costs: IntArray,
    weights: IntArray,
    capacities: IntArray,
    *,
    time_limit_s: float,
    seed: int,
    hint: IntArray | None = None,
) -> HighsOutcome:
    """The textbook MIP; without `hint` the plain baseline. With `hint` (an assignment, agent per
    job) HiGHS starts from it as its incumbent, so it only searches for cheaper ones and prunes
    with that value from the first node. HiGHS's thread count is a process-wide setting MathOpt
    cannot pass."""
    n_agents, n_jobs = costs.shape
    model = mathopt.Model(name="gap")
    x = [[model.add_binary_variable() for _ in range(n_jobs)] for _ in range(n_agents)]
    _add_one_agent_per_job(model, x, n_agents, n_jobs)
    _add_capacities(model, x, weights, capacities)
    model.minimize(
        mathopt.fast_sum(int(costs[i, j]) * x[i][j] for i in range(n_agents) for j in range(n_jobs))
    )
    params = mathopt.SolveParameters(
        time_limit=datetime.timedelta(seconds=max(0.01, time_limit_s)), random_seed=seed
    )
    model_params = None
    if hint is not None:
        start = {x[i][j]: float(hint[j] == i) for i in range(n_agents) for j in range(n_jobs)}
        model_params = mathopt.ModelSolveParameters(
            solution_hints=[mathopt.SolutionHint(variable_values=start)]
        )
    result = mathopt.solve(
        model, mathopt.SolverType.HIGHS, params=params, model_params=model_params
    )
    reason = result.termination.reason
    bound_value = result.termination.objective_bounds.dual_bound
    bound = int(np.ceil(bound_value - 1e-6)) if np.isfinite(bound_value) else None
    if result.has_primal_feasible_solution():
        values = result.variable_values()
        assignment = np.array(
            [max(range(n_agents), key=lambda i: values[x[i][j]]) for j in range(n_jobs)],
            dtype=np.int64,
        )
        return HighsOutcome(
            assignment=assignment,
            objective=round(result.objective_value()),
            bound=bound,
            optimal=reason == mathopt.TerminationReason.OPTIMAL,
            infeasible=False,
        )
    infeasible = reason == mathopt.TerminationReason.INFEASIBLE
    return HighsOutcome(
        assignment=None,
        objective=None,
        bound=None if infeasible else bound,
        optimal=False,
        infeasible=infeasible,
    )


def _add_one_agent_per_job(
    model: mathopt.Model, x: list[list[mathopt.Variable]], n_agents: int, n_jobs: int
) -> None:
    """Σ_i x[i, j] = 1 for every job."""
    for j in range(n_jobs):
        model.add_linear_constraint(mathopt.fast_sum(x[i][j] for i in range(n_agents)) == 1)


def _add_capacities(
    model: mathopt.Model, x: list[list[mathopt.Variable]], weights: IntArray, capacities: IntArray
) -> None:
    """Σ_j w[i, j]·x[i, j] ≤ b[i] for every agent."""
    n_agents, n_jobs = weights.shape
    for i in range(n_agents):
        model.add_linear_constraint(
            mathopt.fast_sum(int(weights[i, j]) * x[i][j] for j in range(n_jobs))
            <= int(capacities[i])
        )
