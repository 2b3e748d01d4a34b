"""What a GAP solve returns."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class SolveStatus(str, Enum):  # noqa: UP042 - the shared core convention (STYLE.md) for all engines
    OPTIMAL = "OPTIMAL"  # objective equals the proven lower bound
    FEASIBLE = "FEASIBLE"  # a valid assignment, optimality not proven, search ended on its own
    INFEASIBLE = "INFEASIBLE"  # proven that no assignment respects the capacities
    TIME_LIMIT = "TIME_LIMIT"  # the limit ran out before any assignment was found


@dataclass(frozen=True, slots=True)
class GapResult:
    """`assignment[j]` is the 0-based agent of job j (empty unless a solution exists).

    `lower_bound` is a proven bound on the optimum (None when nothing could be proven, e.g. an
    infeasible instance); `objective` is None when there is no assignment.
    """

    assignment: tuple[int, ...]
    objective: int | None
    lower_bound: int | None
    status: SolveStatus
    seconds: float

    @property
    def gap(self) -> float | None:
        """Relative distance between objective and bound, or None if either is missing."""
        if self.objective is None or self.lower_bound is None:
            return None
        return (self.objective - self.lower_bound) / max(1, abs(self.objective))
