"""Platform allocation engine: orders placed on factories over weekly periods.

    from clusterlink.domain.allocation import AllocationProblem, Factory, Order, solve
    result = solve(problem, time_limit_s=60, seed=0, threads=2)

`solve` is loaded on first use: OR-Tools takes seconds to import, and code that only
builds or validates problems (the command on bad input, the Django forms) should not pay
for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from clusterlink.domain.allocation.problem import (
    AllocationInputError,
    AllocationProblem,
    CategoryOffer,
    Factory,
    Order,
    Weights,
)
from clusterlink.domain.allocation.result import (
    AllocationResult,
    CostBreakdown,
    Explanation,
    Placement,
    Progress,
    SolveStatus,
    Unplaced,
    UnplacedReason,
)

if TYPE_CHECKING:
    from clusterlink.domain.allocation.solve import solve

__all__ = [
    "AllocationInputError",
    "AllocationProblem",
    "AllocationResult",
    "CategoryOffer",
    "CostBreakdown",
    "Explanation",
    "Factory",
    "Order",
    "Placement",
    "Progress",
    "SolveStatus",
    "Unplaced",
    "UnplacedReason",
    "Weights",
    "solve",
]


def __getattr__(name: str) -> Any:
    if name == "solve":
        from clusterlink.domain.allocation.solve import solve

        return solve
    raise AttributeError(name)
