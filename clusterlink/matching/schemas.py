"""Shapes of the matching API: runs, proposals and their placements, quotes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from clusterlink.common.schemas import Id, InputSchema, MoneyIn, MoneyOut, SafeStr
from clusterlink.matching.models import MatchRun


class MatchRunIn(InputSchema):
    scope: MatchRun.Scope
    demand_ids: list[Id] = Field(default_factory=list, max_length=5000)
    cluster_id: Id | None = None
    factory_ids: list[Id] = Field(default_factory=list, max_length=5000)
    transport_rmb_per_pair_km: Decimal = Field(
        Decimal("0.0005"), ge=0, max_digits=10, decimal_places=6
    )
    unplaced_penalty_rmb: MoneyIn = Decimal("100.00")
    quality_rmb: MoneyIn = Decimal(0)
    large_firm_rmb: MoneyIn = Decimal(0)
    same_cluster_rmb: MoneyIn = Decimal(0)
    time_limit_s: int = Field(10, ge=1, le=600)
    seed: int = Field(0, ge=0, le=2_147_483_647)


class MatchRunOut(Schema):
    id: int
    scope: str
    cluster_id: int | None
    status: str
    first_week: dt.date
    weeks: int
    time_limit_s: int
    seed: int
    repair_of_id: int | None
    progress_objective_rmb: MoneyOut | None
    progress_bound_rmb: MoneyOut | None
    solver_status: str
    objective_rmb: MoneyOut | None
    lower_bound_rmb: MoneyOut | None
    production_rmb: MoneyOut | None
    transport_rmb: MoneyOut | None
    penalty_rmb: MoneyOut | None
    weighted_rmb: MoneyOut | None
    gap: float | None
    seconds: float | None
    created_at: dt.datetime
    finished_at: dt.datetime | None


class PlacementOut(Schema):
    week: dt.date
    pairs: int


class ProposalOut(Schema):
    id: int
    run_id: int
    demand_id: int
    demand_title: str = Field(..., alias="demand.title")
    brand_id: int = Field(..., alias="demand.owner_id")
    factory_id: int
    factory_name: str = Field(..., alias="factory.display_name")
    pairs: int
    unit_cost_rmb: MoneyOut | None = Field(
        None, description="The factory's price per pair; null to whom may not read it."
    )
    transport_rmb_per_pair: Decimal
    distance_km: float
    rank: int
    eligible_factories: int
    runner_up_id: int | None = Field(
        None, description="Cheapest able factory left unused; only for the brand and operators."
    )
    runner_up_extra_rmb_per_pair: Decimal | None = Field(
        None, description="Price gap to the runner-up; only for the brand and operators."
    )
    status: str
    brand_decision: str
    factory_decision: str
    expires_at: dt.datetime
    agreement_id: int | None
    placements: list[PlacementOut]

    # Which parts the caller may read is decided once, in matching.access; the selectors
    # annotate it on every proposal (`price_shown`, `runner_up_shown`). Missing means hidden.
    @staticmethod
    def resolve_unit_cost_rmb(obj: Any) -> Decimal | None:
        price: Decimal = obj.unit_cost_rmb
        return price if getattr(obj, "price_shown", False) else None

    @staticmethod
    def resolve_runner_up_id(obj: Any) -> int | None:
        runner_up: int | None = obj.runner_up_id
        return runner_up if getattr(obj, "runner_up_shown", False) else None

    @staticmethod
    def resolve_runner_up_extra_rmb_per_pair(obj: Any) -> Decimal | None:
        if not getattr(obj, "runner_up_shown", False):
            return None
        gap: Decimal | None = obj.runner_up_extra_rmb_per_pair
        return gap

    @staticmethod
    def resolve_placements(obj: object) -> list[PlacementOut]:
        return [
            PlacementOut(week=p.week, pairs=p.pairs)
            for p in obj.placements.all()  # type: ignore[attr-defined]
        ]


class ProposalDecisionIn(InputSchema):
    side: str = Field(..., pattern="^(brand|factory)$")
    accept: bool


class QuoteIn(InputSchema):
    factory_id: Id
    unit_price_rmb: MoneyIn
    weeks: int = Field(..., ge=1, le=104)
    conditions: SafeStr = Field("", max_length=5000)


class QuoteRequestIn(InputSchema):
    factory_id: Id


class QuoteOut(Schema):
    id: int
    demand_id: int
    factory_id: int
    factory_name: str = Field(..., alias="factory.display_name")
    status: str
    unit_price_rmb: MoneyOut | None
    weeks: int | None
    conditions: str
    submitted_at: dt.datetime | None
