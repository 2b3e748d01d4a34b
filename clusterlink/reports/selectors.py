"""Figures of an event's outcome report. Only aggregates leave this module: counts and sums by
cluster, role and type, never one agreement's pairs or amount on their own."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import get_language

from clusterlink.accounts.access import Viewer
from clusterlink.agreements.models import (
    REPORTED_STATUSES,
    Agreement,
    AgreementStatus,
    AgreementType,
)
from clusterlink.common.errors import NotFoundError
from clusterlink.directory.models import Cluster
from clusterlink.events.models import Event, Meeting, Participant, Registration
from clusterlink.reports.headline import outcome_headline

SIGNED_STATUSES = frozenset(
    {AgreementStatus.SIGNED, AgreementStatus.IN_PRODUCTION, AgreementStatus.DELIVERED}
)
# Events whose outcome everyone may read (when public): the report is published with the event.
PUBLISHED_STATUSES = frozenset({Event.Status.FINISHED})


@dataclass(frozen=True)
class TypeRow:
    agreement_type: str
    label: str
    intentions: int
    signed: int
    pairs: int
    amount_rmb: Decimal


@dataclass(frozen=True)
class ParticipantRow:
    cluster: str
    role: str
    role_label: str
    firms: int
    people: int


@dataclass(frozen=True)
class FlowRow:
    """Agreements from firms of one cluster (buyers) to firms of another (suppliers)."""

    buyer_cluster: str
    supplier_cluster: str
    agreements: int
    pairs: int
    amount_rmb: Decimal


@dataclass(frozen=True)
class EventOutcome:
    event: Event
    firms_with_agreements: int
    intentions: int
    signed: int
    pairs: int
    amount_rmb: Decimal
    processing_pairs: int
    processing_amount_rmb: Decimal
    meetings_held: int
    meetings_scheduled: int
    registered_firms: int
    participants: int
    by_type: list[TypeRow] = field(default_factory=list)
    by_participant: list[ParticipantRow] = field(default_factory=list)
    flows: list[FlowRow] = field(default_factory=list)

    def headline(self, language: str | None = None) -> str:
        return outcome_headline(
            firms=self.firms_with_agreements,
            processing_pairs=self.processing_pairs,
            processing_amount_rmb=self.processing_amount_rmb,
            signed_projects=self.signed,
            language=language or get_language() or "zh-hans",
        )


def event_report_get_for(viewer: Viewer, slug: str) -> Event:
    """An event whose outcome report the viewer may read: a finished public event for everyone;
    any event for the admin and the operators of its clusters. NotFoundError otherwise."""
    event = Event.objects.filter(slug=slug).prefetch_related("clusters").first()
    if event is None:
        raise NotFoundError()
    if viewer.is_platform_admin or any(viewer.operates(c.pk) for c in event.clusters.all()):
        return event
    if event.visibility == Event.Visibility.PUBLIC and event.status in PUBLISHED_STATUSES:
        return event
    raise NotFoundError()


def _cluster_names() -> dict[int | None, str]:
    names: dict[int | None, str] = {c.pk: c.name for c in Cluster.objects.all()}
    names[None] = "—"
    return names


def event_outcome(event: Event) -> EventOutcome:
    """The sums of an event's outcome (call only after event_report_get_for). Agreements count
    when they are an intention or further along; cancelled ones do not."""
    names = _cluster_names()
    agreements = Agreement.objects.filter(event=event, status__in=REPORTED_STATUSES)
    rows = list(
        agreements.values(
            "agreement_type",
            "status",
            "pairs",
            "amount_rmb",
            "buyer_id",
            "supplier_id",
            "buyer__cluster_id",
            "supplier__cluster_id",
        )
    )
    firms = {r["buyer_id"] for r in rows} | {r["supplier_id"] for r in rows}

    by_type: dict[str, dict[str, int | Decimal]] = defaultdict(
        lambda: {"intentions": 0, "signed": 0, "pairs": 0, "amount": Decimal(0)}
    )
    flows: dict[tuple[str, str], dict[str, int | Decimal]] = defaultdict(
        lambda: {"agreements": 0, "pairs": 0, "amount": Decimal(0)}
    )
    for r in rows:
        bucket = by_type[r["agreement_type"]]
        bucket["signed" if r["status"] in SIGNED_STATUSES else "intentions"] += 1
        bucket["pairs"] += r["pairs"] or 0
        bucket["amount"] += r["amount_rmb"] or Decimal(0)
        flow = flows[(names[r["buyer__cluster_id"]], names[r["supplier__cluster_id"]])]
        flow["agreements"] += 1
        flow["pairs"] += r["pairs"] or 0
        flow["amount"] += r["amount_rmb"] or Decimal(0)

    type_rows = [
        TypeRow(
            agreement_type=value,
            label=str(label),
            intentions=int(by_type[value]["intentions"]),
            signed=int(by_type[value]["signed"]),
            pairs=int(by_type[value]["pairs"]),
            amount_rmb=Decimal(by_type[value]["amount"]),
        )
        for value, label in AgreementType.choices
        if value in by_type
    ]
    processing = by_type.get(AgreementType.PROCESSING_ORDER)

    registrations = Registration.objects.filter(event=event, status=Registration.Status.VALIDATED)
    people = (
        Participant.objects.filter(registration__in=registrations)
        .values("registration__enterprise__cluster_id", "role")
        .annotate(people=Count("pk"), firms=Count("registration__enterprise_id", distinct=True))
        .order_by("registration__enterprise__cluster_id", "role")
    )
    roles = dict(Participant.Role.choices)
    participant_rows = [
        ParticipantRow(
            cluster=names[p["registration__enterprise__cluster_id"]],
            role=p["role"],
            role_label=str(roles.get(p["role"], p["role"])),
            firms=p["firms"],
            people=p["people"],
        )
        for p in people
    ]
    meetings = Meeting.objects.filter(event=event).aggregate(
        held=Count("pk", filter=Q(status=Meeting.Status.HELD)),
        scheduled=Count("pk", filter=Q(status__in=Meeting.ACTIVE_STATUSES)),
    )
    counts = Counter("signed" if r["status"] in SIGNED_STATUSES else "intentions" for r in rows)
    totals = agreements.aggregate(pairs=Sum("pairs"), amount=Sum("amount_rmb"))
    return EventOutcome(
        event=event,
        firms_with_agreements=len(firms),
        intentions=counts["intentions"],
        signed=counts["signed"],
        pairs=int(totals["pairs"] or 0),
        amount_rmb=Decimal(totals["amount"] or 0),
        processing_pairs=int(processing["pairs"]) if processing else 0,
        processing_amount_rmb=Decimal(processing["amount"]) if processing else Decimal(0),
        meetings_held=int(meetings["held"]),
        meetings_scheduled=int(meetings["scheduled"]),
        registered_firms=registrations.count(),
        participants=sum(p.people for p in participant_rows),
        by_type=type_rows,
        by_participant=participant_rows,
        flows=[
            FlowRow(
                buyer_cluster=b,
                supplier_cluster=s,
                agreements=int(v["agreements"]),
                pairs=int(v["pairs"]),
                amount_rmb=Decimal(v["amount"]),
            )
            for (b, s), v in sorted(flows.items())
        ],
    )
