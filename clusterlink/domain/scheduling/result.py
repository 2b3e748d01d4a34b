"""What a scheduling run returns."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from clusterlink.domain.scheduling.problem import Meeting


class SolveStatus(str, Enum):  # noqa: UP042 - the shared solver contract names str+Enum
    """OPTIMAL: the objective equals the proven upper bound.
    FEASIBLE: the search ended on its own without proving optimality.
    TIME_LIMIT: the time limit cut the search; the schedule is the best found.
    INFEASIBLE: no schedule exists (a valid problem always admits its fixed meetings alone,
    so the shipped back-ends never return it; it is part of the shared solver contract)."""

    OPTIMAL = "OPTIMAL"
    FEASIBLE = "FEASIBLE"
    INFEASIBLE = "INFEASIBLE"
    TIME_LIMIT = "TIME_LIMIT"


@dataclass(frozen=True, slots=True)
class ScheduleResult:
    """A schedule (fixed meetings included), its total weight and a proven upper bound on the
    total weight of any schedule that keeps the fixed meetings."""

    meetings: tuple[Meeting, ...]
    objective: int
    upper_bound: int
    status: SolveStatus
    seconds: float

    @property
    def ratio(self) -> float:
        """Share of the upper bound reached (1.0 when the bound is 0)."""
        return self.objective / self.upper_bound if self.upper_bound else 1.0
