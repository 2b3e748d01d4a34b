"""What the plan checkers return: every rule a plan breaks, and its objective recomputed.

Each problem of the core has one checker beside its problem module (allocation/check.py,
allocation/gap/check.py, scheduling/check.py). A checker states every rule of its problem
once, independently of the solvers: it recomputes everything from the plan and the
instance, lists every violation (not only the first), each tagged with the rule it breaks,
and the objective the plan is worth. Tests of every back-end and the benchmarks run them
on every plan before trusting or reporting it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Generic, TypeVar

RuleT = TypeVar("RuleT", bound=StrEnum)
ValueT = TypeVar("ValueT", int, Decimal)


@dataclass(frozen=True, slots=True)
class Violation(Generic[RuleT]):
    """One broken rule; the message names the items involved."""

    rule: RuleT
    message: str

    def __str__(self) -> str:
        return f"{self.rule.value}: {self.message}"


@dataclass(frozen=True, slots=True)
class CheckResult(Generic[RuleT, ValueT]):
    """Every violation found, in the order the checker met them, and the objective the plan
    is worth, recomputed from the instance (whatever the solver reported)."""

    violations: tuple[Violation[RuleT], ...]
    objective: ValueT

    @property
    def ok(self) -> bool:
        return not self.violations

    @property
    def broken(self) -> frozenset[RuleT]:
        """The rules broken at least once."""
        return frozenset(v.rule for v in self.violations)

    def summary(self, limit: int = 5) -> str:
        """One line: "OK objective X", or "BROKEN (n): " and the first `limit` violations."""
        if self.ok:
            return f"OK objective {self.objective}"
        shown = "; ".join(str(v) for v in self.violations[:limit])
        more = len(self.violations) - limit
        return f"BROKEN ({len(self.violations)}): {shown}" + (f"; {more} more" if more > 0 else "")
