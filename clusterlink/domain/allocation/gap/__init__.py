"""Generalized Assignment Problem engine: the unsplittable core of order-to-factory allocation."""

from clusterlink.domain.allocation.gap.problem import (
    GapFormatError,
    GapInstance,
    parse_orlib_gap,
    read_orlib_gap,
)
from clusterlink.domain.allocation.gap.result import GapResult, SolveStatus
from clusterlink.domain.allocation.gap.solve import Method, solve_gap

__all__ = [
    "GapFormatError",
    "GapInstance",
    "GapResult",
    "Method",
    "SolveStatus",
    "parse_orlib_gap",
    "read_orlib_gap",
    "solve_gap",
]
