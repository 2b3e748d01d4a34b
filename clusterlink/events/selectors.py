"""Reads of docking events. Who may see what is decided in `clusterlink.events.access`; the
selectors filter by it, and `<noun>_get_for` raises NotFoundError for what the viewer may not see.

- An event page: see `access.event_visible_q` (a firm awaiting its cluster's approval sees what
  the public sees).
- Registrations, representatives (names, contacts), requests and meetings are private: a firm's
  members see their own firm's; validated participants see the names and firms of the other
  validated participants (to make requests) but never their contacts; operators of the event's
  clusters see everything; meeting notes only the two parties' firms and the operators.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet, Sum

from clusterlink.accounts.access import Viewer
from clusterlink.common import clock
from clusterlink.common.errors import NotFoundError
from clusterlink.directory.models import LISTED, CapacityWeek, Enterprise
from clusterlink.directory.models import Role as FirmRole
from clusterlink.events import access
from clusterlink.events.models import (
    Event,
    EventUnit,
    Meeting,
    MeetingRequest,
    Participant,
    Registration,
    ScheduleRun,
)
from clusterlink.market.models import Demand
from clusterlink.market.selectors import demand_visible_q

# The rules live in the access module; these names stay for the selectors' callers.
event_operated_q = access.event_operated_q
event_visible_q = access.event_visible_q
event_operates = access.operates_event


def event_list(*, viewer: Viewer, upcoming: bool | None = None) -> QuerySet[Event]:
    ids = Event.objects.filter(event_visible_q(viewer)).values("pk")
    qs = Event.objects.filter(pk__in=ids).prefetch_related("clusters")
    today = clock.today()
    if upcoming is True:
        qs = qs.filter(ends_on__gte=today).order_by("starts_on", "slug")
    elif upcoming is False:
        qs = qs.filter(ends_on__lt=today)
    return qs


def event_get_for(viewer: Viewer, slug: str) -> Event:
    """The event if the viewer may see its page; NotFoundError otherwise."""
    event = event_list(viewer=viewer).filter(slug=slug).first()
    if event is None:
        raise NotFoundError()
    return event


def event_operated_get_for(viewer: Viewer, slug: str) -> Event:
    """The event if the viewer operates it (operator of one of its clusters, or admin)."""
    event = Event.objects.filter(slug=slug).prefetch_related("clusters").first()
    if event is None or not access.operates_event(viewer, event):
        raise NotFoundError()
    return event


def event_units_by_part(event: Event) -> list[tuple[str, list[EventUnit]]]:
    units = list(event.units.all())
    return [
        (str(label), [u for u in units if u.part == part])
        for part, label in EventUnit.Part.choices
        if any(u.part == part for u in units)
    ]


def event_public_firms(event: Event) -> QuerySet[Enterprise]:
    """Validated, listed (hence approved) firms of the event (public names only)."""
    return (
        Enterprise.objects.filter(
            LISTED,
            event_registrations__event=event,
            event_registrations__status=Registration.Status.VALIDATED,
        )
        .select_related("cluster")
        .order_by("cluster_id", "legal_name")
    )


def registration_list(*, viewer: Viewer, event: Event) -> QuerySet[Registration]:
    """All registrations for the event's operators; the viewer's own firms' otherwise."""
    qs = Registration.objects.filter(event=event).select_related(
        "enterprise", "enterprise__cluster", "validated_by"
    )
    if not access.operates_event(viewer, event):
        qs = qs.filter(enterprise_id__in=viewer.enterprise_ids)
    return qs.prefetch_related(
        Prefetch("participants", queryset=Participant.objects.prefetch_related("available_slots"))
    )


def registration_get_for(viewer: Viewer, event: Event, registration_id: int) -> Registration:
    registration = registration_list(viewer=viewer, event=event).filter(pk=registration_id).first()
    if registration is None:
        raise NotFoundError()
    return registration


def registrable_enterprise_get(
    viewer: Viewer, event: Event, enterprise_id: int
) -> Enterprise | None:
    """The firm if the viewer may register it for the event (see access), else None."""
    return (
        Enterprise.objects.filter(access.registrable_enterprise_q(viewer, event))
        .filter(pk=enterprise_id)
        .first()
    )


def my_participants(*, viewer: Viewer, event: Event) -> QuerySet[Participant]:
    """Representatives of the viewer's firms at the event (their own first)."""
    return (
        Participant.objects.filter(
            registration__event=event, registration__enterprise_id__in=viewer.enterprise_ids
        )
        .select_related("registration", "registration__enterprise")
        .order_by("registration_id", "pk")
    )


def participant_get_for(viewer: Viewer, event: Event, participant_id: int) -> Participant:
    """A representative the viewer may manage: of its own firm, or any for the event's operators."""
    participant = (
        Participant.objects.filter(registration__event=event, pk=participant_id)
        .select_related("registration", "registration__enterprise", "registration__event")
        .first()
    )
    if participant is None or not access.may_manage_participant(viewer, participant):
        raise NotFoundError()
    return participant


def request_target_get(event: Event, participant_id: int) -> Participant | None:
    """A representative others may ask to meet (validated), or None: a pending registrant's id
    answers like an unknown one."""
    return (
        Participant.objects.filter(access.requestable_participant_q(event), pk=participant_id)
        .select_related("registration", "registration__enterprise")
        .first()
    )


def participant_acting_for(viewer: Viewer, event: Event, participant_id: int | None) -> Participant:
    """The representative the viewer acts as: the one asked for, else their own, else the first."""
    if participant_id is not None:
        return participant_get_for(viewer, event, participant_id)
    mine = list(my_participants(viewer=viewer, event=event))
    if not mine:
        raise NotFoundError()
    own = [p for p in mine if p.user_id == viewer.user_id]
    return (own or mine)[0]


def counterpart_list(*, participant: Participant) -> QuerySet[Participant]:
    """Validated representatives of other firms at the event (names, titles, firms, roles)."""
    return (
        Participant.objects.filter(access.requestable_participant_q(participant.registration.event))
        .exclude(registration__enterprise_id=participant.registration.enterprise_id)
        .select_related("registration__enterprise", "registration__enterprise__cluster")
        .order_by("registration__enterprise__legal_name", "pk")
    )


def requests_of(participant: Participant) -> dict[int, MeetingRequest]:
    return {
        r.to_participant_id: r for r in MeetingRequest.objects.filter(from_participant=participant)
    }


def requests_received(participant: Participant) -> QuerySet[MeetingRequest]:
    """Live requests to `participant`, from validated representatives only (a firm whose
    registration was withdrawn or refused afterwards is not named)."""
    senders = Participant.objects.filter(
        access.requestable_participant_q(participant.registration.event)
    )
    return (
        MeetingRequest.objects.filter(
            to_participant=participant,
            from_participant__in=senders.values("pk"),
            preference__in=[MeetingRequest.Preference.MUST, MeetingRequest.Preference.MEET],
            expires_at__gt=clock.now(),
        )
        .select_related("from_participant__registration__enterprise")
        .order_by("-preference", "created_at")
    )


# --- Suggestions ------------------------------------------------------------------------------


@dataclass
class Suggestion:
    participant: Participant
    score: float
    reasons: list[str] = field(default_factory=list)


SUPPLY_ROLES = {"oem_factory", "component_maker", "material_supplier"}


def _firm_profile(enterprise_ids: list[int]) -> dict[int, dict[str, set[str]]]:
    profile: dict[int, dict[str, set[str]]] = {
        e: {"categories": set(), "processes": set(), "certifications": set(), "roles": set()}
        for e in enterprise_ids
    }
    for firm in Enterprise.objects.filter(pk__in=enterprise_ids).prefetch_related(
        "categories", "processes", "certifications", "roles"
    ):
        profile[firm.pk]["categories"] = {c.code for c in firm.categories.all()}
        profile[firm.pk]["processes"] = {p.code for p in firm.processes.all()}
        profile[firm.pk]["certifications"] = {c.code for c in firm.certifications.all()}
        profile[firm.pk]["roles"] = {r.role for r in firm.roles.all()}
    return profile


def _free_pairs(enterprise_ids: list[int], until: dt.date | None) -> dict[tuple[int, int], int]:
    """Free pairs per (firm, category) from this week to `until` (or 12 weeks ahead)."""
    start = clock.current_week()
    end = until or start + dt.timedelta(weeks=12)
    rows = (
        CapacityWeek.objects.filter(
            enterprise_id__in=enterprise_ids, week__gte=start, week__lte=end
        )
        .values("enterprise_id", "category_id")
        .annotate(free=Sum("free_pairs"), reserved=Sum("reserved_pairs"))
    )
    return {
        (r["enterprise_id"], r["category_id"]): (r["free"] or 0) - (r["reserved"] or 0)
        for r in rows
    }


def _demand_fit(
    demand: Demand,
    supplier_id: int,
    profile: dict[str, set[str]],
    free: dict[tuple[int, int], int] | None,
) -> tuple[float, str] | None:
    """Score in 0..1 of a supplier for an open demand, with the reason in the user's language.

    Capability (category, processes), certifications and free capacity before the delivery week,
    the way the allocation engine filters candidates. `free` is None when the viewer may not see
    the supplier's capacity: then capacity neither scores nor is mentioned, so that neither the
    reason nor the ranking tells whether it covers the order. Even when it may be seen, the
    figures stay out: the reason says only whether the free capacity covers the order."""
    from django.utils.translation import gettext as _

    category = demand.category
    if category is None or category.code not in profile["categories"]:
        return None
    needed_p = {p.code for p in demand.required_processes.all()}
    needed_c = {c.code for c in demand.required_certifications.all()}
    has_p = len(needed_p & profile["processes"])
    has_c = len(needed_c & profile["certifications"])
    if needed_c and has_c < len(needed_c):
        return None  # certifications are hard requirements
    process_share = has_p / len(needed_p) if needed_p else 1.0
    pairs_free = free.get((supplier_id, category.pk), 0) if free is not None else 0
    capacity_share = min(1.0, pairs_free / demand.pairs) if demand.pairs else 0.0
    score = 0.4 + 0.3 * process_share + 0.3 * capacity_share
    parts = [_("makes %(category)s") % {"category": category.name}]
    if needed_p:
        parts.append(
            _("%(has)s of %(needed)s required processes") % {"has": has_p, "needed": len(needed_p)}
        )
    if needed_c:
        parts.append(_("holds the required certifications"))
    if capacity_share >= 1:
        parts.append(_("free capacity covers the order before its delivery week"))
    elif capacity_share > 0:
        parts.append(_("free capacity covers part of the order"))
    reason = _("Open demand “%(title)s”: %(parts)s.") % {
        "title": demand.title,
        "parts": ", ".join(str(p) for p in parts),
    }
    return score, reason


def suggestion_list(
    *, viewer: Viewer, participant: Participant, limit: int = 8
) -> list[Suggestion]:
    """Partners worth meeting, best first, each with its reasons, as `viewer` may read them.

    From the directory: firms whose products match (a buyer's categories against a supplier's).
    From match scores: a brand's open demands against a factory's capabilities, certifications
    and free capacity (both directions). Only approved members of their clusters are suggested;
    only demands the viewer may see (the market's rule) are scored and quoted, and a factory's
    capacity counts only where the viewer may see it (see `_demand_fit`). Left out: colleagues,
    people already marked, and firms that held a meeting with this firm at an earlier event."""
    from django.utils.translation import gettext as _

    from clusterlink.events.scheduling import met_before_enterprise_pairs

    event = participant.registration.event
    own_firm = participant.registration.enterprise_id
    others = list(counterpart_list(participant=participant).filter(access.suggestion_firm_q()))
    marked = set(requests_of(participant))
    met = met_before_enterprise_pairs(event)
    candidates = [
        p
        for p in others
        if p.pk not in marked
        and (
            min(own_firm, p.registration.enterprise_id),
            max(own_firm, p.registration.enterprise_id),
        )
        not in met
    ]
    if not candidates:
        return []
    firm_ids = sorted({own_firm} | {p.registration.enterprise_id for p in candidates})
    profile = _firm_profile(firm_ids)
    mine = profile[own_firm]
    visible = Demand.objects.filter(demand_visible_q(viewer)).values("pk")
    open_demands = list(
        Demand.objects.filter(owner_id__in=firm_ids, status=Demand.Status.OPEN, pk__in=visible)
        .exclude(category__isnull=True)
        .select_related("category")
        .prefetch_related("required_processes", "required_certifications")
    )
    latest = max((d.delivery_week for d in open_demands if d.delivery_week), default=None)
    cluster_of = {
        participant.registration.enterprise_id: participant.registration.enterprise.cluster_id
    }
    cluster_of.update(
        {p.registration.enterprise_id: p.registration.enterprise.cluster_id for p in candidates}
    )
    seen_capacity = [
        firm for firm in firm_ids if access.may_see_capacity_of(viewer, firm, cluster_of.get(firm))
    ]
    free = _free_pairs(seen_capacity, latest)
    best: dict[int, Suggestion] = {}

    def capacity(supplier_id: int) -> dict[tuple[int, int], int] | None:
        return free if supplier_id in seen_capacity else None

    def offer(person: Participant, score: float, reason: str) -> None:
        entry = best.setdefault(person.registration.enterprise_id, Suggestion(person, 0.0))
        entry.score += score
        if reason not in entry.reasons:
            entry.reasons.append(reason)

    for person in candidates:
        firm = person.registration.enterprise_id
        theirs = profile[firm]
        for demand in open_demands:
            if demand.owner_id == own_firm and theirs["roles"] & SUPPLY_ROLES:
                fit = _demand_fit(demand, firm, theirs, capacity(firm))
            elif demand.owner_id == firm and mine["roles"] & SUPPLY_ROLES:
                fit = _demand_fit(demand, own_firm, mine, capacity(own_firm))
            else:
                fit = None
            if fit is not None:
                offer(person, 1.0 + fit[0], fit[1])
        shared = mine["categories"] & theirs["categories"]
        complementary = (participant.role == "buyer" and person.role == "supplier") or (
            participant.role == "supplier" and person.role == "buyer"
        )
        if shared and complementary:
            offer(
                person,
                0.5 + 0.1 * len(shared),
                _("Directory: both work in %(count)s of the same product categories.")
                % {"count": len(shared)},
            )
        if person.role == "institute" and participant.role in ("supplier", "buyer"):
            offer(person, 0.3, _("Research institute presenting at the event."))
    ranked = sorted(best.values(), key=lambda s: (-s.score, s.participant.pk))
    return ranked[:limit]


# --- Meetings and agendas ---------------------------------------------------------------------


def meeting_list_for_event(*, event: Event) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(event=event)
        .select_related(
            "slot",
            "participant_a__registration__enterprise",
            "participant_b__registration__enterprise",
        )
        .order_by("slot__starts_at", "table", "pk")
    )


def agenda_meetings(*, participant: Participant) -> QuerySet[Meeting]:
    """A participant's meetings (cancelled ones too, so a change shows on the agenda)."""
    return meeting_list_for_event(event=participant.registration.event).filter(
        Q(participant_a=participant) | Q(participant_b=participant)
    )


def meeting_get_for(viewer: Viewer, event: Event, meeting_id: int) -> Meeting:
    """A meeting of the viewer's firms, or any for the event's operators."""
    qs = meeting_list_for_event(event=event).filter(access.meeting_visible_q(viewer, event))
    meeting = qs.filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFoundError()
    return meeting


def schedule_run_latest(*, event: Event) -> ScheduleRun | None:
    return event.schedule_runs.order_by("-created_at", "-pk").first()


def schedule_run_get_for(viewer: Viewer, event: Event, run_id: int) -> ScheduleRun:
    """A schedule run of the event, for its operators; NotFoundError otherwise."""
    run = (
        ScheduleRun.objects.filter(pk=run_id, event=event).select_related("event").first()
        if access.operates_event(viewer, event)
        else None
    )
    if run is None:
        raise NotFoundError()
    return run


def participant_search(*, event: Event, q: str) -> QuerySet[Participant]:
    qs = Participant.objects.filter(
        registration__event=event, registration__status=Registration.Status.VALIDATED
    ).select_related("registration__enterprise")
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(name__icontains=q)
            | Q(registration__enterprise__legal_name__icontains=q)
            | Q(registration__enterprise__name_en__icontains=q)
            | Q(phone__icontains=q)
        )
    return qs.order_by("name", "pk")


# A firm's directory roles, in order of precedence, and the role its people usually have
# at an event: a brand comes to buy, a factory or a supplier to sell.
_EVENT_ROLE_OF_FIRM_ROLE = (
    ({FirmRole.BRAND, FirmRole.ECOMMERCE_SELLER}, Participant.Role.BUYER),
    (
        {FirmRole.OEM_FACTORY, FirmRole.COMPONENT_MAKER, FirmRole.MATERIAL_SUPPLIER},
        Participant.Role.SUPPLIER,
    ),
    ({FirmRole.RESEARCH_INSTITUTE}, Participant.Role.INSTITUTE),
    ({FirmRole.TECHNOLOGY_PROVIDER, FirmRole.LOGISTICS}, Participant.Role.SERVICE_PROVIDER),
)


def participant_role_for(enterprise: Enterprise) -> str:
    """The role a representative of `enterprise` most likely has at an event, from the
    firm's roles in the directory (a firm both brand and factory counts as a brand); a
    firm with no role yet keeps the form's first choice, buyer."""
    codes = set(enterprise.role_codes)
    for firm_roles, event_role in _EVENT_ROLE_OF_FIRM_ROLE:
        if codes.intersection(firm_roles):
            return str(event_role)
    return str(Participant.Role.BUYER)
