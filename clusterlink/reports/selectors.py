"""Figures of an event's outcome report. Only aggregates leave this module: counts and sums by
cluster, role and type, never one agreement's pairs or amount on their own."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

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

PUBLIC_AGGREGATE_MINIMUM = 3
"""The fewest agreements, and the fewest distinct firms, a figure the public sees may come from.

A row of one agreement is that agreement's pairs and amount; of two, either party subtracts its
own and reads the other's. Three is the smallest cell that hides each contribution from every
other contributor, and the usual minimum of statistical disclosure control; a docking event
has few enough agreements that a larger number would hide most of the report. Rows below it are
merged into one "Other" row (itself shown only when it reaches the minimum, taking in the
smallest shown rows until it does, so that no hidden row can be had by subtracting the shown
ones from a total), and totals below it are not shown. Operators of the event's clusters and
the platform's admins see every figure exactly."""


@dataclass(frozen=True)
class TypeRow:
    agreement_type: str
    label: str
    intentions: int
    signed: int
    pairs: int | None  # None: from too few agreements or firms for this viewer
    amount_rmb: Decimal | None


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
    pairs: int | None  # None: from too few agreements or firms for this viewer
    amount_rmb: Decimal | None


@dataclass(frozen=True)
class EventOutcome:
    event: Event
    firms_with_agreements: int
    intentions: int
    signed: int
    pairs: int | None  # None: from too few agreements or firms for this viewer
    amount_rmb: Decimal | None
    processing_pairs: int
    processing_amount_rmb: Decimal
    meetings_held: int
    meetings_scheduled: int
    registered_firms: int
    participants: int
    by_type: list[TypeRow] = field(default_factory=list)
    by_participant: list[ParticipantRow] = field(default_factory=list)
    flows: list[FlowRow] = field(default_factory=list)
    # False: public figures, with rows and totals below PUBLIC_AGGREGATE_MINIMUM withheld.
    exact: bool = True

    @property
    def public_minimum(self) -> int:
        return PUBLIC_AGGREGATE_MINIMUM

    def headline(self, language: str | None = None) -> str:
        return outcome_headline(
            firms=self.firms_with_agreements,
            processing_pairs=self.processing_pairs,
            processing_amount_rmb=self.processing_amount_rmb,
            signed_projects=self.signed,
            language=language or get_language() or "zh-hans",
        )


def _operates_event(viewer: Viewer | None, event: Event) -> bool:
    """The platform's admins and the operators of the event's clusters."""
    if viewer is None:
        return False
    return viewer.is_platform_admin or any(viewer.operates(c.pk) for c in event.clusters.all())


def event_report_get_for(viewer: Viewer, slug: str) -> Event:
    """An event whose outcome report the viewer may read: a finished public event for everyone;
    any event for the admin and the operators of its clusters. NotFoundError otherwise."""
    event = Event.objects.filter(slug=slug).prefetch_related("clusters").first()
    if event is None:
        raise NotFoundError()
    if _operates_event(viewer, event):
        return event
    if event.visibility == Event.Visibility.PUBLIC and event.status in PUBLISHED_STATUSES:
        return event
    raise NotFoundError()


def _cluster_names() -> dict[int | None, str]:
    names: dict[int | None, str] = {c.pk: c.name for c in Cluster.objects.all()}
    names[None] = "—"
    return names


@dataclass
class _Bucket:
    """One row while it is summed: its agreements (how many, between which firms, how much), or
    its participants."""

    intentions: int = 0
    signed: int = 0
    pairs: int = 0
    amount: Decimal = Decimal(0)
    firms: set[int] = field(default_factory=set)
    # Who the pairs and the amount come from: agreements without them do not hide the others.
    pairs_agreements: int = 0
    pairs_firms: set[int] = field(default_factory=set)
    amount_agreements: int = 0
    amount_firms: set[int] = field(default_factory=set)
    people: int = 0  # participant rows only

    @property
    def agreements(self) -> int:
        return self.intentions + self.signed

    def add(self, other: _Bucket) -> None:
        self.intentions += other.intentions
        self.signed += other.signed
        self.pairs += other.pairs
        self.amount += other.amount
        self.firms |= other.firms
        self.pairs_agreements += other.pairs_agreements
        self.pairs_firms |= other.pairs_firms
        self.amount_agreements += other.amount_agreements
        self.amount_firms |= other.amount_firms
        self.people += other.people

    def public_pairs(self, exact: bool) -> int | None:
        """The pairs, unless they come from too few agreements or firms for the public."""
        enough = min(self.pairs_agreements, len(self.pairs_firms)) >= PUBLIC_AGGREGATE_MINIMUM
        return self.pairs if exact or enough or not self.pairs_agreements else None

    def public_amount(self, exact: bool) -> Decimal | None:
        """The amount, unless it comes from too few agreements or firms for the public."""
        enough = min(self.amount_agreements, len(self.amount_firms)) >= PUBLIC_AGGREGATE_MINIMUM
        return self.amount if exact or enough or not self.amount_agreements else None

    def is_public(self, *, of_agreements: bool = True) -> bool:
        """From enough firms, and (`of_agreements`) from enough agreements."""
        enough_agreements = not of_agreements or self.agreements >= PUBLIC_AGGREGATE_MINIMUM
        return enough_agreements and len(self.firms) >= PUBLIC_AGGREGATE_MINIMUM


OTHER = "other"


def _public_rows(buckets: dict[Any, _Bucket], *, of_agreements: bool = True) -> dict[Any, _Bucket]:
    """The rows the public may see: every row below the minimum goes into OTHER; while OTHER is
    below it too, the smallest shown row joins it (else the shown rows and a total would give it
    away); an OTHER still below the minimum with nothing left to join is not shown."""
    shown = {k: b for k, b in buckets.items() if b.is_public(of_agreements=of_agreements)}
    other = _Bucket()
    for key, bucket in buckets.items():
        if key not in shown:
            other.add(bucket)
    while other.firms and not other.is_public(of_agreements=of_agreements) and shown:
        smallest = min(
            shown, key=lambda k: (shown[k].agreements, len(shown[k].firms), shown[k].pairs, str(k))
        )
        other.add(shown.pop(smallest))
    if other.firms and other.is_public(of_agreements=of_agreements):
        shown[OTHER] = other
    return shown


def event_outcome(event: Event, *, viewer: Viewer | None = None) -> EventOutcome:
    """The sums of an event's outcome (call only after event_report_get_for). Agreements count
    when they are an intention or further along; cancelled ones do not.

    The admin and the operators of the event's clusters (`viewer`) get every figure exactly; anyone
    else (or no viewer) gets the public figures: rows from fewer than PUBLIC_AGGREGATE_MINIMUM
    agreements or firms merged into "Other", and totals and headline amounts from fewer withheld.
    """
    exact = _operates_event(viewer, event)
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
    total = _Bucket()
    by_type: dict[Any, _Bucket] = defaultdict(_Bucket)  # agreement type, or OTHER
    flows: dict[Any, _Bucket] = defaultdict(_Bucket)  # (buyers' cluster, suppliers'), or OTHER
    for r in rows:
        one = _Bucket(
            intentions=0 if r["status"] in SIGNED_STATUSES else 1,
            signed=1 if r["status"] in SIGNED_STATUSES else 0,
            pairs=r["pairs"] or 0,
            amount=r["amount_rmb"] or Decimal(0),
            firms={r["buyer_id"], r["supplier_id"]},
        )
        if one.pairs:
            one.pairs_agreements, one.pairs_firms = 1, set(one.firms)
        if one.amount:
            one.amount_agreements, one.amount_firms = 1, set(one.firms)
        total.add(one)
        by_type[r["agreement_type"]].add(one)
        flows[(names[r["buyer__cluster_id"]], names[r["supplier__cluster_id"]])].add(one)

    if not exact:
        by_type = _public_rows(by_type)
        flows = _public_rows(flows)
    labels = {**dict(AgreementType.choices), OTHER: _("Other")}
    type_rows = [
        TypeRow(
            agreement_type=value,
            label=str(labels[value]),
            intentions=by_type[value].intentions,
            signed=by_type[value].signed,
            pairs=by_type[value].public_pairs(exact),
            amount_rmb=by_type[value].public_amount(exact),
        )
        for value in [*AgreementType.values, OTHER]
        if value in by_type
    ]
    other_name = str(_("Other"))
    flow_rows = [
        FlowRow(
            buyer_cluster=other_name if key == OTHER else key[0],
            supplier_cluster=other_name if key == OTHER else key[1],
            agreements=bucket.agreements,
            pairs=bucket.public_pairs(exact),
            amount_rmb=bucket.public_amount(exact),
        )
        for key, bucket in sorted(flows.items(), key=lambda item: (item[0] == OTHER, item[0]))
    ]

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
    participants = sum(p.people for p in participant_rows)
    if not exact:
        participant_rows = _public_participant_rows(participant_rows, registrations, names)
    meetings = Meeting.objects.filter(event=event).aggregate(
        held=Count("pk", filter=Q(status=Meeting.Status.HELD)),
        scheduled=Count("pk", filter=Q(status__in=Meeting.ACTIVE_STATUSES)),
    )
    totals_public = exact or total.is_public()
    pairs = total.public_pairs(exact) if totals_public else None
    amount = total.public_amount(exact) if totals_public else None
    if not exact:
        # Types and flows split the same agreements two ways: a figure withheld in one table is
        # withheld in the other and in the total too, or subtracting would give it away.
        for kind in ("pairs", "amount_rmb"):
            types_withhold = any(getattr(row, kind) is None for row in type_rows)
            flows_withhold = any(getattr(row, kind) is None for row in flow_rows)
            if flows_withhold:
                type_rows = [replace(row, **{kind: None}) for row in type_rows]  # type: ignore[arg-type]
            if types_withhold:
                flow_rows = [replace(row, **{kind: None}) for row in flow_rows]  # type: ignore[arg-type]
            if types_withhold or flows_withhold:
                pairs = None if kind == "pairs" else pairs
                amount = None if kind == "amount_rmb" else amount
    processing_row = next(
        (row for row in type_rows if row.agreement_type == AgreementType.PROCESSING_ORDER), None
    )
    return EventOutcome(
        event=event,
        firms_with_agreements=len(total.firms),
        intentions=total.intentions,
        signed=total.signed,
        pairs=pairs,
        amount_rmb=amount,
        processing_pairs=(processing_row.pairs or 0) if processing_row else 0,
        processing_amount_rmb=(processing_row.amount_rmb or Decimal(0))
        if processing_row
        else Decimal(0),
        meetings_held=int(meetings["held"]),
        meetings_scheduled=int(meetings["scheduled"]),
        registered_firms=registrations.count(),
        participants=participants,
        by_type=type_rows,
        by_participant=participant_rows,
        flows=flow_rows,
        exact=exact,
    )


def _public_participant_rows(
    rows: list[ParticipantRow],
    registrations: QuerySet[Registration],
    names: dict[int | None, str],
) -> list[ParticipantRow]:
    """Participant rows of fewer than PUBLIC_AGGREGATE_MINIMUM firms merged into one "Other" row,
    by the rule of _public_rows (counting firms; there are no agreements here)."""
    buckets: dict[Any, _Bucket] = {
        (row.cluster, row.role): _Bucket(people=row.people) for row in rows
    }
    firms = Participant.objects.filter(registration__in=registrations).values_list(
        "registration__enterprise__cluster_id", "role", "registration__enterprise_id"
    )
    for cluster_id, role, enterprise_id in firms:
        buckets[(names[cluster_id], role)].firms.add(enterprise_id)
    shown = _public_rows(buckets, of_agreements=False)
    result = [row for row in rows if (row.cluster, row.role) in shown]
    if OTHER in shown:
        other = shown[OTHER]
        result.append(
            ParticipantRow(
                cluster=str(_("Other")),
                role=OTHER,
                role_label="",
                firms=len(other.firms),
                people=other.people,
            )
        )
    return result
