"""API schemas of agreements."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema

from clusterlink.agreements.models import Agreement, AgreementStatus, AgreementType, Party
from clusterlink.common.schemas import Code, Id, InputSchema, MoneyOut, Pairs, SafeStr

AmountIn = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]


class AgreementQuery(Schema):
    agreement_type: AgreementType | None = None
    status: AgreementStatus | None = None
    cluster: Code | None = Field(None, description="Cluster slug of either party.")
    event: Code | None = Field(None, description="Event slug.")


class PartyOut(Schema):
    id: int
    name: str
    cluster: str | None


def _party(enterprise: Any) -> dict[str, Any]:
    return {
        "id": enterprise.pk,
        "name": enterprise.display_name,
        "cluster": enterprise.cluster.slug if enterprise.cluster_id else None,
    }


class AgreementFields(Schema):
    id: int
    agreement_type: AgreementType
    title: str
    buyer: PartyOut
    supplier: PartyOut
    pairs: int | None = Field(description="Private to the parties, their operators, the admin.")
    amount_rmb: MoneyOut | None = Field(description="Private like pairs.")
    status: AgreementStatus
    event: str | None = Field(description="Slug of the event it was reached at.")
    meeting_id: int | None
    demand_id: int | None
    ceremony_session_id: int | None
    ceremony_position: int | None
    signed_on: dt.date | None
    awaiting_status: AgreementStatus | None = Field(
        description="signed or delivered when one party marked it and the other party's "
        "confirmation is awaited; null when nothing awaits."
    )
    awaiting_party: Party | None = Field(description="The party whose confirmation is awaited.")
    note: str
    created_at: dt.datetime


class AgreementOut(AgreementFields):
    @staticmethod
    def resolve_buyer(obj: Agreement) -> dict[str, Any]:
        return _party(obj.buyer)

    @staticmethod
    def resolve_supplier(obj: Agreement) -> dict[str, Any]:
        return _party(obj.supplier)

    @staticmethod
    def resolve_event(obj: Agreement) -> str | None:
        return obj.event.slug if obj.event_id else None  # type: ignore[union-attr]

    @staticmethod
    def resolve_awaiting_status(obj: Agreement) -> str | None:
        return obj.awaiting_status or None

    @staticmethod
    def resolve_awaiting_party(obj: Agreement) -> str | None:
        return obj.awaiting_party or None


class HistoryRowOut(Schema):
    at: dt.datetime
    user: str
    status: AgreementStatus
    kind: str = Field(description="+ recorded, ~ changed, - deleted.")
    changes: list[str]
    note: str


class ConfirmationOut(Schema):
    to_status: AgreementStatus
    party: Party
    user: str = Field(description="Who confirmed for the party.")
    at_ceremony: bool = Field(description="Confirmed by the event's operator on stage.")
    signed_on: dt.date | None
    at: dt.datetime


class AgreementDetailOut(AgreementFields):
    history: list[HistoryRowOut]
    confirmations: list[ConfirmationOut] = Field(
        description="Each party's confirmation of a signature or a delivery, oldest first."
    )
    match_run_id: int | None = Field(description="The match run it came from, if any.")


class AgreementIn(InputSchema):
    agreement_type: AgreementType
    buyer_id: Id
    supplier_id: Id
    pairs: Pairs | None = None
    amount_rmb: AmountIn | None = None
    title: SafeStr = Field("", max_length=200)
    note: SafeStr = Field("", max_length=2000)
    event: Code | None = Field(None, description="Slug of the event it was reached at.")
    meeting_id: Id | None = None
    demand_id: Id | None = None


class TransitionIn(InputSchema):
    to_status: AgreementStatus
    note: SafeStr = Field("", max_length=100)
    signed_on: dt.date | None = Field(
        None,
        description="With to_status signed: the day it was signed (by default a day already "
        "recorded, or today); never in the future. Ignored for other moves.",
    )


class RunningOrderIn(InputSchema):
    agreement_ids: list[Id] = Field(max_length=500, description="First signed first.")
