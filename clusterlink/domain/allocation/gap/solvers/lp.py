"""LP relaxation of the GAP, solved by the HiGHS interior-point method with crossover.

SciPy's bundled HiGHS is used because it takes the constraint matrix as sparse arrays built in a
few NumPy calls; building the same model variable by variable through a Python modelling API
costs more than solving it on 40 × 400 instances. Crossover yields a basic solution, whose duals
give exact reduced costs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import scipy.sparse as sparse
from scipy.optimize import OptimizeResult, linprog

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# HiGHS returns the optimum to about 1e-7 relative; the bound is rounded up only beyond this.
_BOUND_TOLERANCE = 1e-6


@dataclass(frozen=True, slots=True)
class LpRelaxation:
    value: float
    lower_bound: int  # ceil of the LP value: costs are integers
    fractional: FloatArray  # x[i, j]
    reduced_costs: FloatArray  # [i, j], ≥ 0 up to tolerance
    capacity_duals: FloatArray  # [i], ≥ 0: cost saved per extra unit of agent i's capacity


def solve_lp_relaxation(
    costs: IntArray, weights: IntArray, capacities: IntArray, *, time_limit_s: float
) -> LpRelaxation | Literal["infeasible"] | None:
    """Return the LP relaxation; "infeasible" when HiGHS proves it (hence the GAP) infeasible;
    None when it did not finish in time, which proves nothing.
    """
    result = _solve(costs, weights, capacities, time_limit_s)
    if result is not None and result.status == 2:
        return "infeasible"
    if result is None or result.status != 0:
        return None
    n_agents, n_jobs = costs.shape
    capacity_marginals = np.asarray(result.ineqlin.marginals, dtype=np.float64)
    job_marginals = np.asarray(result.eqlin.marginals, dtype=np.float64)
    # marginals are d(objective)/d(rhs): ≤ 0 for capacity rows of a minimisation.
    reduced = (
        costs.astype(np.float64) - capacity_marginals[:, None] * weights - job_marginals[None, :]
    )
    value = float(result.fun)
    return LpRelaxation(
        value=value,
        lower_bound=math.ceil(value - _BOUND_TOLERANCE * max(1.0, abs(value))),
        fractional=np.asarray(result.x, dtype=np.float64).reshape(n_agents, n_jobs),
        reduced_costs=np.maximum(reduced, 0.0),
        capacity_duals=-capacity_marginals,
    )


def _solve(
    costs: IntArray, weights: IntArray, capacities: IntArray, time_limit_s: float
) -> OptimizeResult | None:
    """Rows: one capacity row per agent (≤), one assignment row per job (= 1). x ≥ 0."""
    n_agents, n_jobs = costs.shape
    n_vars = n_agents * n_jobs
    columns = np.arange(n_vars)
    capacity_rows = sparse.csr_matrix(
        (weights.ravel().astype(np.float64), (np.repeat(np.arange(n_agents), n_jobs), columns)),
        shape=(n_agents, n_vars),
    )
    assignment_rows = sparse.csr_matrix(
        (np.ones(n_vars), (np.tile(np.arange(n_jobs), n_agents), columns)),
        shape=(n_jobs, n_vars),
    )
    try:
        result: OptimizeResult = linprog(
            costs.ravel().astype(np.float64),
            A_ub=capacity_rows,
            b_ub=capacities.astype(np.float64),
            A_eq=assignment_rows,
            b_eq=np.ones(n_jobs),
            bounds=(0, None),
            method="highs-ipm",
            options={"time_limit": max(0.05, time_limit_s)},
        )
        return result
    except ValueError:
        return None
