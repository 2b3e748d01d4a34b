"""Reads of agreements. An agreement — its parties, pairs and amount — is private to the members of
its two firms, the operators of either firm's cluster and the platform admin; for anyone else it
does not exist (NotFoundError). Public pages show only aggregates (clusterlink.reports). The rules
are clusterlink.agreements.access's; these reads apply them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from clusterlink.accounts.access import Viewer
from clusterlink.agreements.access import (
    access_ceremony,
    agreement_moves_for,
    agreement_visible_q,
    operates_event,
    registration_sources_q,
)
from clusterlink.agreements.models import Agreement, AgreementConfirmation, AgreementStatus
from clusterlink.common.errors import NotFoundError
from clusterlink.directory.access import enterprise_visible_q
from clusterlink.directory.models import Enterprise
from clusterlink.events.models import Event, EventSession, Meeting, Registration

__all__ = ["agreement_moves_for", "agreement_visible_q"]


@dataclass(frozen=True)
class AgreementFilters:
    agreement_type: str | None = None
    status: str | None = None
    cluster: str | None = None  # slug: either party's cluster
    event: str | None = None  # slug


def agreement_list(
    *, viewer: Viewer, filters: AgreementFilters | None = None
) -> QuerySet[Agreement]:
    filters = filters or AgreementFilters()
    ids = Agreement.objects.filter(agreement_visible_q(viewer)).values("pk")
    qs = Agreement.objects.filter(pk__in=ids).select_related(
        "buyer", "buyer__cluster", "supplier", "supplier__cluster", "event"
    )
    if filters.agreement_type:
        qs = qs.filter(agreement_type=filters.agreement_type)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.cluster:
        qs = qs.filter(
            Q(buyer__cluster__slug=filters.cluster) | Q(supplier__cluster__slug=filters.cluster)
        )
    if filters.event:
        qs = qs.filter(event__slug=filters.event)
    return qs.order_by("-created_at", "-id")


def agreement_get_for(viewer: Viewer, agreement_id: int) -> Agreement:
    try:
        return (
            agreement_list(viewer=viewer)
            .select_related("demand", "meeting", "ceremony_session", "created_by")
            .get(pk=agreement_id)
        )
    except Agreement.DoesNotExist as exc:
        raise NotFoundError() from exc


def agreement_confirmations(agreement: Agreement) -> list[AgreementConfirmation]:
    """Every party's confirmation of a signature or a delivery, oldest first (call only after
    agreement_get_for)."""
    return list(agreement.confirmations.select_related("confirmed_by").order_by("pk"))


def agreement_history(agreement: Agreement) -> list[dict[str, Any]]:
    """Every recorded state, oldest first: when, who, status, what changed and the note."""
    rows = list(agreement.history.select_related("history_user").order_by("history_id"))
    labels = {
        "status": _("status"),
        "pairs": _("pairs"),
        "amount_rmb": _("amount (RMB)"),
        "ceremony_position": _("position in the running order"),
        "signed_on": _("signed on"),
        "title": _("title"),
        "awaiting_status": _("awaiting confirmation"),
    }
    result = []
    previous = None
    for row in rows:
        changes: list[str] = []
        if previous is not None:
            delta = row.diff_against(previous, included_fields=list(labels))
            changed = {c.field for c in delta.changes}
            changes = [str(label) for name, label in labels.items() if name in changed]
        result.append(
            {
                "at": row.history_date,
                "user": str(row.history_user) if row.history_user else "",
                "status": row.status,
                "status_label": AgreementStatus(row.status).label,
                "kind": row.history_type,
                "changes": changes,
                "note": row.history_change_reason or "",
            }
        )
        previous = row
    return result


def agreement_source(agreement: Agreement) -> dict[str, Any]:
    """Where the agreement came from. The match-run link is read through `match_proposal` when the
    matching app provides it (without importing matching)."""
    try:
        proposal = getattr(agreement, "match_proposal", None)
    except Exception:  # the reverse one-to-one raises when no proposal points here
        proposal = None
    return {
        "event": agreement.event,
        "meeting": agreement.meeting,
        "demand": agreement.demand,
        "match_proposal": proposal,
        "match_run": getattr(proposal, "run", None) if proposal is not None else None,
    }


# ---- what an agreement may be recorded from --------------------------------------------------


def event_for_agreements(viewer: Viewer, slug: str) -> Event:
    """An event the viewer may record agreements at: operators of its clusters, the admin, and
    members of a firm whose registration for it is validated (not merely pending)."""
    event = Event.objects.filter(slug=slug).first()
    if event is None:
        raise NotFoundError()
    if operates_event(viewer, event):
        return event
    registered = Registration.objects.filter(registration_sources_q()).filter(
        event=event, enterprise_id__in=viewer.enterprise_ids
    )
    if viewer.enterprise_ids and registered.exists():
        return event
    raise NotFoundError()


def meeting_for_agreements(viewer: Viewer, meeting_id: int) -> Meeting:
    """A meeting the viewer took part in (as a member of one of the two firms) or whose event the
    viewer operates."""
    meeting = (
        Meeting.objects.select_related(
            "event",
            "participant_a__registration__enterprise",
            "participant_b__registration__enterprise",
        )
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        raise NotFoundError()
    firms = {
        meeting.participant_a.registration.enterprise_id,
        meeting.participant_b.registration.enterprise_id,
    }
    if firms & viewer.enterprise_ids or operates_event(viewer, meeting.event):
        return meeting
    raise NotFoundError()


def meeting_firms(meeting: Meeting) -> list[Enterprise]:
    return [
        meeting.participant_a.registration.enterprise,
        meeting.participant_b.registration.enterprise,
    ]


def event_registered_firms(viewer: Viewer, event: Event) -> QuerySet[Enterprise]:
    """Firms whose registration for the event is validated that the viewer may name as a party."""
    return (
        Enterprise.objects.filter(enterprise_visible_q(viewer))
        .filter(registration_sources_q("event_registrations__"), event_registrations__event=event)
        .select_related("cluster")
        .distinct()
        .order_by("legal_name", "pk")
    )


def demand_firms(viewer: Viewer, demand: Any) -> QuerySet[Enterprise]:
    """The demand's owner and the firms it is shared with, those the viewer may name as a party
    (call only after demand_get_for)."""
    return (
        Enterprise.objects.filter(enterprise_visible_q(viewer))
        .filter(Q(pk=demand.owner_id) | Q(demand_shares__demand=demand))
        .select_related("cluster")
        .distinct()
        .order_by("legal_name", "pk")
    )


def operated_firms(viewer: Viewer) -> QuerySet[Enterprise]:
    qs = Enterprise.objects.select_related("cluster")
    if not viewer.is_platform_admin:
        qs = qs.filter(
            Q(cluster_id__in=viewer.operator_cluster_ids) | Q(pk__in=viewer.enterprise_ids)
        )
    return qs.order_by("legal_name", "pk")


# ---- signing ceremony ------------------------------------------------------------------------


def ceremony_sessions(event: Event) -> QuerySet[EventSession]:
    return EventSession.objects.filter(
        event=event, kind=EventSession.Kind.SIGNING_CEREMONY
    ).order_by("starts_at", "pk")


def ceremony_get_for(viewer: Viewer, session_id: int) -> EventSession:
    """A signing-ceremony session whose running order the viewer may see and set: operators of
    the event's clusters and the admin (NotFoundError for anyone else)."""
    return access_ceremony(viewer, session_id)


def ceremony_running_order(session: EventSession) -> list[Agreement]:
    return list(
        Agreement.objects.filter(ceremony_session=session)
        .select_related("buyer", "supplier", "buyer__cluster", "supplier__cluster")
        .order_by("ceremony_position")
    )


def ceremony_candidates(viewer: Viewer, session: EventSession) -> list[Agreement]:
    """Agreements of the session's event the viewer may see, not cancelled and not yet on stage."""
    return list(
        agreement_list(viewer=viewer, filters=AgreementFilters(event=session.event.slug))
        .exclude(status=AgreementStatus.CANCELLED)
        .filter(ceremony_session__isnull=True)
        .order_by("pk")
    )
