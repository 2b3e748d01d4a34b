"""The set-partitioning master LP of column generation, in GLOP through pywraplp.

GLOP is used incrementally: adding columns or raising a bound keeps its basis, so each re-solve
takes a few pivots instead of a solve from scratch (SciPy's HiGHS has no warm start, and solving
from scratch was most of the column generation's time).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from ortools.linear_solver import pywraplp

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class MasterSolution:
    value: float
    weights: FloatArray  # λ per column, in the order added
    job_duals: FloatArray  # u[j]
    agent_duals: FloatArray  # v[i] ≤ 0


class PatternMaster:
    """min Σ cost·λ; Σ λ over the columns holding job j = 1; Σ λ over agent i's columns ≤ 1.

    A column of agent −1 belongs to no agent row (for artificial columns)."""

    def __init__(self, n_jobs: int, n_agents: int) -> None:
        solver = pywraplp.Solver.CreateSolver("GLOP")
        if solver is None:  # pragma: no cover - GLOP ships with every OR-Tools wheel
            raise RuntimeError("GLOP is not available")
        # Presolve would rebuild the problem on every solve and lose the basis.
        solver.SetSolverSpecificParametersAsString("use_preprocessing: false")
        self._solver = solver
        self._objective = solver.Objective()
        self._objective.SetMinimization()
        self._job_rows = [solver.Constraint(1.0, 1.0) for _ in range(n_jobs)]
        self._agent_rows = [solver.Constraint(-solver.infinity(), 1.0) for _ in range(n_agents)]
        self._columns: list[pywraplp.Variable] = []

    def add_column(self, agent: int, jobs: IntArray, cost: float) -> None:
        variable = self._solver.NumVar(0.0, self._solver.infinity(), "")
        self._objective.SetCoefficient(variable, cost)
        for job in jobs:
            self._job_rows[int(job)].SetCoefficient(variable, 1.0)
        if agent >= 0:
            self._agent_rows[agent].SetCoefficient(variable, 1.0)
        self._columns.append(variable)

    def fix(self, column: int) -> None:
        """Force λ[column] = 1 (a diving step)."""
        self._columns[column].SetLb(1.0)

    def forbid(self, column: int) -> None:
        """Undo a diving step that led nowhere: λ[column] = 0 from now on."""
        self._columns[column].SetLb(0.0)
        self._columns[column].SetUb(0.0)

    def release_all(self) -> None:
        """Undo every diving step: all columns free again (0 ≤ λ)."""
        infinity = self._solver.infinity()
        for variable in self._columns:
            variable.SetBounds(0.0, infinity)

    def solve(self) -> MasterSolution | None:
        if self._solver.Solve() != pywraplp.Solver.OPTIMAL:
            return None
        return MasterSolution(
            value=float(self._objective.Value()),
            weights=np.array([v.solution_value() for v in self._columns], dtype=np.float64),
            job_duals=np.array([r.dual_value() for r in self._job_rows], dtype=np.float64),
            agent_duals=np.array([r.dual_value() for r in self._agent_rows], dtype=np.float64),
        )
