"""API schemas of the market: demands, their shares, offers."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Field, Schema

from clusterlink.common.schemas import (
    Code,
    Id,
    InputSchema,
    MoneyIn,
    MoneyOut,
    Pairs,
    PairsOrZero,
    SafeStr,
    inline_choices,
)
from clusterlink.directory.schemas import ContactsOut
from clusterlink.market.models import Demand, DemandShare, DemandType, Offer, Visibility

DemandStatus = Annotated[Demand.Status, inline_choices(Demand.Status, "DemandStatus")]
OfferStatus = Annotated[Offer.Status, inline_choices(Offer.Status, "OfferStatus")]

CodeList = Annotated[list[Code], Field(max_length=50)]
MaxFactories = Annotated[int, Field(ge=1, le=1000)]


class FirmRefOut(Schema):
    id: int
    name: str = Field(description="Display name in the request's language.")


# ---- demands ------------------------------------------------------------------------------------


class DemandQuery(Schema):
    demand_type: DemandType | None = None
    category: Code | None = Field(None, description="Product category code.")
    cluster: Code | None = Field(None, description="Cluster slug of the owner.")
    status: DemandStatus | None = None
    owner_id: Id | None = None
    q: SafeStr | None = Field(
        None, max_length=100, description="Words in the title or description."
    )


class DemandFields(Schema):
    id: int
    owner: FirmRefOut
    demand_type: DemandType
    title: str
    description: str
    category: str | None = Field(description="Product category code.")
    pairs: int | None
    target_unit_price_rmb: MoneyOut | None = Field(
        description="Private: null unless you may see the demand's private data."
    )
    delivery_week: dt.date | None = Field(description="Monday of the delivery week.")
    min_lot_pairs: int
    split_allowed: bool
    max_factories: int
    required_processes: list[str]
    required_certifications: list[str]
    visibility: Visibility
    status: DemandStatus
    created_at: dt.datetime
    updated_at: dt.datetime


class DemandOut(DemandFields):
    @staticmethod
    def resolve_owner(obj: Demand) -> dict[str, object]:
        return {"id": obj.owner_id, "name": obj.owner.display_name}

    @staticmethod
    def resolve_category(obj: Demand) -> str | None:
        return obj.category.code if obj.category_id else None  # type: ignore[union-attr]

    @staticmethod
    def resolve_target_unit_price_rmb(obj: Demand) -> object:
        # `sees_private` is annotated by demand_list_with_privacy; without it nothing private shows.
        return obj.target_unit_price_rmb if getattr(obj, "sees_private", False) else None

    @staticmethod
    def resolve_required_processes(obj: Demand) -> list[str]:
        return [p.code for p in obj.required_processes.all()]

    @staticmethod
    def resolve_required_certifications(obj: Demand) -> list[str]:
        return [c.code for c in obj.required_certifications.all()]


class DemandDetailOut(DemandFields):
    owner_contacts: ContactsOut | None = Field(
        description="Private: the owner's contacts, null unless you may see them."
    )
    shared_with: list[FirmRefOut] | None = Field(
        description="Firms the demand is shared with: for the owner's members and operators only."
    )
    may_edit: bool


class DemandIn(InputSchema):
    owner_id: Id | None = Field(
        None,
        description="Your firm posting the demand; may be left out if you belong to exactly one.",
    )
    demand_type: DemandType
    title: SafeStr = Field(..., min_length=1, max_length=200)
    description: SafeStr = Field("", max_length=5000)
    category: Code | None = Field(
        None, description="Product category code; required for order types."
    )
    pairs: Pairs | None = Field(
        None, description="Whole pairs, at least 1; required for order types."
    )
    target_unit_price_rmb: MoneyIn | None = Field(
        None, description="RMB per pair, at most two decimals."
    )
    delivery_week: dt.date | None = Field(
        None, description="Monday of the delivery week; not in the past."
    )
    min_lot_pairs: PairsOrZero = 0
    split_allowed: bool = True
    max_factories: MaxFactories = 3
    required_processes: CodeList = []
    required_certifications: CodeList = []
    visibility: Visibility = Visibility.PUBLIC
    status: Literal["draft", "open"] = "open"


class DemandPatch(InputSchema):
    """Only the fields sent change."""

    demand_type: DemandType | None = None
    title: SafeStr | None = Field(None, min_length=1, max_length=200)
    description: SafeStr | None = Field(None, max_length=5000)
    category: Code | None = None
    pairs: Pairs | None = None
    target_unit_price_rmb: MoneyIn | None = None
    delivery_week: dt.date | None = None
    min_lot_pairs: PairsOrZero | None = None
    split_allowed: bool | None = None
    max_factories: MaxFactories | None = None
    required_processes: CodeList | None = None
    required_certifications: CodeList | None = None
    visibility: Visibility | None = None
    status: DemandStatus | None = None


class DemandShareIn(InputSchema):
    enterprise_id: Id


class DemandShareOut(Schema):
    enterprise: FirmRefOut
    reason: DemandShare.Reason
    created_at: dt.datetime


# ---- offers -------------------------------------------------------------------------------------


class OfferQuery(Schema):
    offer_type: Offer.OfferType | None = None


class OfferOut(Schema):
    id: int
    owner: FirmRefOut
    offer_type: Offer.OfferType
    title: str
    description: str
    category: str | None
    pairs: int | None
    unit_price_rmb: MoneyOut | None = Field(
        description="Private: null unless you may see the owner's private data."
    )
    available_from: dt.date | None
    available_to: dt.date | None
    visibility: Visibility
    status: OfferStatus
    created_at: dt.datetime

    @staticmethod
    def resolve_owner(obj: Offer) -> dict[str, object]:
        return {"id": obj.owner_id, "name": obj.owner.display_name}

    @staticmethod
    def resolve_category(obj: Offer) -> str | None:
        return obj.category.code if obj.category_id else None  # type: ignore[union-attr]

    @staticmethod
    def resolve_unit_price_rmb(obj: Offer, context: dict[str, Any]) -> object:
        from clusterlink.accounts.access import viewer_for

        viewer = viewer_for(context["request"].user)
        return (
            obj.unit_price_rmb
            if viewer.may_see_private_of(obj.owner_id, obj.owner.cluster_id)
            else None
        )


class OfferIn(InputSchema):
    owner_id: Id | None = Field(
        None,
        description="Your firm making the offer; may be left out if you belong to exactly one.",
    )
    offer_type: Offer.OfferType
    title: SafeStr = Field(..., min_length=1, max_length=200)
    description: SafeStr = Field("", max_length=5000)
    category: Code | None = None
    pairs: Pairs | None = None
    unit_price_rmb: MoneyIn | None = None
    available_from: dt.date | None = Field(None, description="Monday of the first week.")
    available_to: dt.date | None = Field(None, description="Monday of the last week.")
    visibility: Visibility = Visibility.PUBLIC
