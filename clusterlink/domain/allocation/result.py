"""What the allocation engine returns: the plan, what it could not place and why, its bound."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class SolveStatus(StrEnum):
    """OPTIMAL: objective equals the proven bound. FEASIBLE: a plan, search finished without
    proving it optimal. TIME_LIMIT: a plan, stopped by the time limit before a proof.
    INFEASIBLE is kept for the shared vocabulary; leaving pairs unplaced at a penalty is
    always allowed, so an allocation problem always has a plan. CANCELLED: the caller's
    should_stop asked to stop; the plan is the best found so far (at worst a greedy one)."""

    OPTIMAL = "OPTIMAL"
    FEASIBLE = "FEASIBLE"
    INFEASIBLE = "INFEASIBLE"
    TIME_LIMIT = "TIME_LIMIT"
    CANCELLED = "CANCELLED"


class UnplacedReason(StrEnum):
    """Why pairs of an order stayed unplaced, the first cause that applies."""

    NO_FACTORY_FOR_CATEGORY = "no_factory_for_category"
    MISSING_PROCESS = "no_factory_with_required_processes"
    MISSING_CERTIFICATION = "no_factory_with_required_certifications"
    ALL_CAPABLE_EXCLUDED = "every_capable_factory_declined"
    NO_CAPACITY_BEFORE_DUE = "no_capacity_before_due"
    BELOW_MIN_LOT = "below_min_lot"
    CAPACITY_EXHAUSTED = "capacity_exhausted"
    PENALTY_CHEAPER = "penalty_cheaper_than_production"
    FACTORY_LIMIT_REACHED = "factory_limit_reached"


class RunnerUpReason(StrEnum):
    """Why the plan leaves a cheaper runner-up factory unused for an order."""

    CAPACITY_TAKEN = "capacity_taken"  # its weeks before the due date are full
    BELOW_MIN_LOT = "below_min_lot"  # its room left is less than the order's minimum lot
    FACTORY_LIMIT = "factory_limit"  # the order already uses as many factories as it may
    PLAN_COST = "plan_cost"  # it has room, but moving pairs there costs more elsewhere


@dataclass(frozen=True, slots=True)
class Placement:
    """`pairs` of an order made at a factory in one period."""

    order_id: str
    factory_id: str
    period: int
    pairs: int


@dataclass(frozen=True, slots=True)
class Unplaced:
    order_id: str
    pairs: int
    reason: UnplacedReason


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why an order went to a factory: its landed cost per pair, its rank among the
    factories able to make the order, and the cheapest factory the order does not use
    (the runner-up) with the extra cost per pair there. A negative extra cost means a
    cheaper factory existed but its capacity before the due date was worth more to other
    orders (or it could not take a whole minimum lot)."""

    order_id: str
    factory_id: str
    pairs: int
    unit_cost_rmb: Decimal
    transport_rmb_per_pair: Decimal
    distance_km: float
    rank: int
    eligible_factories: int
    runner_up_factory_id: str | None
    runner_up_extra_rmb_per_pair: Decimal | None
    # Set when the runner-up is cheaper (a negative extra cost), None otherwise.
    runner_up_reason: RunnerUpReason | None = None


@dataclass(frozen=True, slots=True)
class CostBreakdown:
    production_rmb: Decimal
    transport_rmb: Decimal
    unplaced_penalty_rmb: Decimal
    weighted_terms_rmb: Decimal


@dataclass(frozen=True, slots=True)
class AllocationResult:
    """The plan. objective = production + transport + unplaced penalty + weighted terms;
    lower_bound is a proven bound on the optimum of the same objective."""

    status: SolveStatus
    placements: tuple[Placement, ...]
    unplaced: tuple[Unplaced, ...]
    objective: Decimal
    lower_bound: Decimal
    costs: CostBreakdown
    explanations: tuple[Explanation, ...]
    seconds: float
    backend: str

    @property
    def gap(self) -> float:
        """How far the objective lies above the proven bound, relative to the bound."""
        if self.lower_bound <= 0:
            return 0.0 if self.objective <= self.lower_bound else float("inf")
        return float((self.objective - self.lower_bound) / self.lower_bound)


@dataclass(frozen=True, slots=True)
class Progress:
    """What a running solve reports to its on_progress callback whenever the best plan or the
    bound improves. objective is None until a first plan exists. Both are in model units
    (costs rounded down to 1/10,000 RMB per pair), so they may sit a few fen below the final
    result's exact figures; lower_bound never exceeds objective."""

    phase: str
    objective: Decimal | None
    lower_bound: Decimal
    seconds: float
