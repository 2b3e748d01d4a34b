"""API schemas of the directory: clusters, taxonomy, enterprises, capacity weeks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import BaseModel, model_validator

from clusterlink.common.schemas import (
    MAX_INT,
    Code,
    InputSchema,
    MoneyIn,
    MoneyOut,
    PairsOrZero,
    PairsQuery,
    SafeStr,
)
from clusterlink.directory.models import CapacityWeek, Role, Trade, display_name

Latitude = Annotated[Decimal, Field(ge=-90, le=90, max_digits=9, decimal_places=6)]
Longitude = Annotated[Decimal, Field(ge=-180, le=180, max_digits=9, decimal_places=6)]
Employees = Annotated[int, Field(ge=0, le=MAX_INT, strict=True)]
CodeList = Annotated[list[Code], Field(max_length=100)]


# ---- clusters and taxonomy ----------------------------------------------------------------------


class ClusterOut(Schema):
    slug: str
    name: str = Field(description="Name in the request's language.")
    name_zh: str
    name_en: str
    name_ja: str
    region_code: str = Field(description="GB/T 2260 administrative division code.")
    region: str
    trade: Trade
    lat: float | None
    lng: float | None
    firms_count: int | None
    annual_pairs: int | None
    output_value_rmb: MoneyOut | None
    national_rank: int | None
    titles: str
    summary: str


class ClusterDetailOut(ClusterOut):
    firms_listed: int = Field(description="Firms listed in the directory now.")
    factories: int
    brands: int


class TaxonomyOut(Schema):
    code: str
    name: str = Field(description="Name in the request's language.")
    name_zh: str
    name_en: str
    name_ja: str


class TradeTaxonomyOut(TaxonomyOut):
    trade: Trade


class TradeQuery(Schema):
    trade: Trade | None = None


# ---- enterprises --------------------------------------------------------------------------------


class EnterpriseQuery(Schema):
    cluster: Code | None = Field(None, description="Cluster slug.")
    role: Role | None = None
    category: Code | None = Field(None, description="Product category code.")
    certification: Code | None = Field(None, description="Certification code.")
    process: Code | None = Field(None, description="Process code.")
    q: SafeStr | None = Field(
        None,
        max_length=100,
        description="Search in Chinese, English or pinyin names and addresses.",
    )
    capacity_from: dt.date | None = Field(
        None, description="With free capacity in a week from this date (capacity you may see)."
    )
    capacity_to: dt.date | None = Field(None, description="…to this date.")
    min_free_pairs: PairsQuery | None = Field(
        None, description="At least this many available pairs in one week of the range."
    )


class EnterpriseFields(BaseModel):
    id: int
    name: str = Field(description="Display name in the request's language.")
    legal_name: str
    name_en: str
    cluster: str | None = Field(description="Cluster slug.")
    roles: list[Role]
    size: str
    employees: int | None
    address: str


# Made from a row of selectors.enterprise_rows (a dict, cheaper to read than a firm). A plain
# pydantic model, not a ninja Schema: a Schema wraps every row in an attribute getter and looks a
# resolver up for each field, three times the cost of converting the row once (0.8 against 0.3 ms
# for a page of 20), on the directory's busiest endpoint.
class EnterpriseListOut(EnterpriseFields):
    """A firm as the directory lists it: its public profile in brief."""

    @model_validator(mode="before")
    @classmethod
    def _from_row(cls, row: dict[str, Any]) -> dict[str, Any]:
        return {
            **row,
            "name": display_name(row["legal_name"], row["name_en"]),
            "cluster": row["cluster_slug"],
            "roles": sorted(row["role_codes_joined"].split()),
        }


class ContactsOut(Schema):
    """Private: only for the firm's members, its cluster's operators and the platform admin."""

    contact_name: str
    contact_phone: str
    contact_email: str


class ClusterMembershipOut(Schema):
    """A firm's membership of its cluster, granted by the cluster's operators."""

    status: Literal["pending", "approved", "rejected"] = Field(
        description="pending until an operator decides; only approved firms are listed and take "
        "part in match runs, event suggestions and pools."
    )
    note: str = Field(description="What the firm told the operators when it asked.")
    reason: str = Field(description="Why the request was rejected (empty otherwise).")
    reviewed_at: dt.datetime | None


class MembershipRequestOut(Schema):
    """A firm waiting for an operator's decision, with what it gave for the check."""

    id: int
    legal_name: str
    name_en: str
    cluster: str | None = Field(description="Cluster slug.")
    credit_code: str
    address: str
    roles: list[Role]
    contacts: ContactsOut
    note: str
    asked_by: list[str] = Field(description="Usernames of the firm's people.")
    requested_at: dt.datetime

    @staticmethod
    def resolve_cluster(firm: Any) -> str | None:
        return firm.cluster.slug if firm.cluster else None

    @staticmethod
    def resolve_roles(firm: Any) -> list[str]:
        return sorted(role.role for role in firm.roles.all())

    @staticmethod
    def resolve_contacts(firm: Any) -> dict[str, str]:
        return {
            "contact_name": firm.contact_name,
            "contact_phone": firm.contact_phone,
            "contact_email": firm.contact_email,
        }

    @staticmethod
    def resolve_note(firm: Any) -> str:
        return str(firm.cluster_request_note)

    @staticmethod
    def resolve_asked_by(firm: Any) -> list[str]:
        return [membership.user.username for membership in firm.memberships.all()]

    @staticmethod
    def resolve_requested_at(firm: Any) -> dt.datetime:
        return firm.created_at  # type: ignore[no-any-return]


class MembershipDecisionIn(InputSchema):
    approve: bool
    reason: SafeStr = Field(
        "", max_length=500, description="Required to reject; shown to the firm."
    )


class MembershipAskIn(InputSchema):
    note: SafeStr = Field("", max_length=500, description="A note to the cluster's operators.")


class EnterpriseOut(EnterpriseFields):
    credit_code: str
    lat: float | None
    lng: float | None
    description: str
    website: str
    is_listed: bool
    certifications: list[str]
    categories: list[str]
    processes: list[str]
    contacts: ContactsOut | None = Field(
        description="Private contacts; null when you may not see them."
    )
    may_edit: bool = Field(description="Whether you may change this firm's profile.")
    membership: ClusterMembershipOut | None = Field(
        description="Where the firm stands with its cluster; null when you may not see it."
    )


class EnterpriseIn(InputSchema):
    legal_name: SafeStr = Field(..., min_length=1, max_length=200)
    name_en: SafeStr = Field("", max_length=200)
    credit_code: SafeStr = Field(
        "",
        max_length=40,
        description="Unified social credit code (18 characters, check character verified).",
    )
    cluster: Code | None = Field(None, description="Cluster slug.")
    address: SafeStr = Field("", max_length=300)
    lat: Latitude | None = None
    lng: Longitude | None = None
    employees: Employees | None = None
    description: SafeStr = Field("", max_length=5000)
    website: SafeStr = Field("", max_length=200)
    contact_name: SafeStr = Field("", max_length=100)
    contact_phone: SafeStr = Field("", max_length=40)
    contact_email: SafeStr = Field("", max_length=254)
    is_listed: bool = True
    roles: Annotated[list[Role], Field(max_length=8)] = []
    certifications: CodeList = []
    categories: CodeList = []
    processes: CodeList = []


class EnterprisePatch(InputSchema):
    """Only the fields sent change; lists replace the firm's whole set."""

    legal_name: SafeStr | None = Field(None, min_length=1, max_length=200)
    name_en: SafeStr | None = Field(None, max_length=200)
    credit_code: SafeStr | None = Field(None, max_length=40)
    address: SafeStr | None = Field(None, max_length=300)
    lat: Latitude | None = None
    lng: Longitude | None = None
    employees: Employees | None = None
    description: SafeStr | None = Field(None, max_length=5000)
    website: SafeStr | None = Field(None, max_length=200)
    contact_name: SafeStr | None = Field(None, max_length=100)
    contact_phone: SafeStr | None = Field(None, max_length=40)
    contact_email: SafeStr | None = Field(None, max_length=254)
    is_listed: bool | None = None
    roles: Annotated[list[Role], Field(max_length=8)] | None = None
    certifications: CodeList | None = None
    categories: CodeList | None = None
    processes: CodeList | None = None


# ---- capacity -----------------------------------------------------------------------------------


class CapacityQuery(Schema):
    week_from: dt.date | None = None
    week_to: dt.date | None = None


class CapacityWeekOut(Schema):
    category: str = Field(description="Product category code.")
    week: dt.date = Field(description="Monday of the ISO week.")
    iso_week: str = Field(description="The week as 2026-W48.")
    free_pairs: int
    reserved_pairs: int
    available_pairs: int
    unit_price_min_rmb: MoneyOut | None
    unit_price_max_rmb: MoneyOut | None
    min_lot_pairs: int
    lead_time_days: int

    @staticmethod
    def resolve_category(obj: CapacityWeek) -> str:
        return obj.category.code

    @staticmethod
    def resolve_iso_week(obj: CapacityWeek) -> str:
        from clusterlink.common.clock import iso_week_label

        return iso_week_label(obj.week)


class CapacityCellIn(InputSchema):
    category: Code = Field(..., description="Product category code.")
    week: dt.date = Field(..., description="Monday of the ISO week; not in the past.")
    free_pairs: PairsOrZero
    unit_price_min_rmb: MoneyIn | None = None
    unit_price_max_rmb: MoneyIn | None = None
    min_lot_pairs: PairsOrZero = 0
    lead_time_days: Annotated[int, Field(ge=0, le=365)] = 0


class CapacitySaveIn(InputSchema):
    cells: Annotated[list[CapacityCellIn], Field(min_length=1, max_length=1000)]
