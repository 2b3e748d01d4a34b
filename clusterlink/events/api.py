"""The events API: events, registrations, requests, my agenda, meetings and schedule runs.

Same access rules as the pages, decided once in `clusterlink.events.access` and applied by the
selectors and services; the endpoints only parse, call and render. Rows you may not see are 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Status
from ninja.pagination import paginate
from ninja.params import functions as param_functions

from clusterlink.accounts.access import Viewer, viewer_for
from clusterlink.accounts.tokens import AUTH_OPTIONAL, AUTH_REQUIRED
from clusterlink.common.errors import ApplicationError, NotFoundError
from clusterlink.common.schemas import ERROR_STATUSES, MAX_ID, ApiPagination, ErrorOut
from clusterlink.events import scheduling, selectors, services
from clusterlink.events.models import Event, Meeting, Participant, Registration, ScheduleRun
from clusterlink.events.schemas import (
    EventDetailOut,
    EventOut,
    MeetingIn,
    MeetingOut,
    MeetingPatch,
    RegistrationDecisionIn,
    RegistrationIn,
    RegistrationOut,
    RequestIn,
    RequestOut,
    RunIn,
    RunOut,
)

router = Router(tags=["events"], auth=AUTH_OPTIONAL)
ERRORS: dict[Any, Any] = {ERROR_STATUSES: ErrorOut}
ObjectId: Any = param_functions.Path(..., ge=1, le=MAX_ID)


def _viewer(request: HttpRequest) -> Viewer:
    return viewer_for(request.user)


def _event_out(event: Event) -> dict[str, Any]:
    return {
        "slug": event.slug,
        "name": event.name,
        "theme": event.theme,
        "starts_on": event.starts_on,
        "ends_on": event.ends_on,
        "venue": event.venue,
        "status": event.status,
        "visibility": event.visibility,
        "clusters": [c.slug for c in event.clusters.all()],
    }


def _registration_out(registration: Registration) -> dict[str, Any]:
    return {
        "id": registration.pk,
        "enterprise": {
            "id": registration.enterprise_id,
            "name": registration.enterprise.display_name,
        },
        "status": registration.status,
        "note": registration.note,
        "rejection_reason": registration.rejection_reason,
        "participants": [
            {
                "id": p.pk,
                "name": p.name,
                "title": p.title,
                "role": p.role,
                "max_meetings": p.max_meetings,
                "available_slot_ids": [s.pk for s in p.available_slots.all()],
                "checked_in_at": p.checked_in_at,
                "email": p.email,
                "phone": p.phone,
            }
            for p in registration.participants.all()
        ],
    }


def _side(participant: Participant) -> dict[str, Any]:
    firm = participant.registration.enterprise
    return {
        "participant_id": participant.pk,
        "name": participant.name,
        "firm": {"id": firm.pk, "name": firm.display_name},
    }


def _meeting_out(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.pk,
        "slot": {
            "id": meeting.slot_id,
            "starts_at": meeting.slot.starts_at,
            "ends_at": meeting.slot.ends_at,
        },
        "table": meeting.table,
        "status": meeting.status,
        "source": meeting.source,
        "weight": meeting.weight,
        "version": meeting.version,
        "a": _side(meeting.participant_a),
        "b": _side(meeting.participant_b),
        "interest_level": meeting.interest_level,
        "next_step": meeting.next_step,
        "notes": meeting.notes,
    }


def _run_out(run: ScheduleRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "mode": run.mode,
        "status": run.status,
        "solve_status": run.solve_status,
        "objective": run.objective,
        "upper_bound": run.upper_bound,
        "ratio": run.ratio,
        "seconds": run.seconds,
        "meetings_written": run.meetings_written,
        "error": run.error,
    }


@router.get("/events", response={200: list[EventOut], **ERRORS}, summary="Events you may see")
@paginate(ApiPagination)
def event_list(request: HttpRequest) -> QuerySet[Event]:
    return selectors.event_list(viewer=_viewer(request)).order_by("-starts_on", "slug")


@router.get("/events/{slug}", response={200: EventDetailOut, **ERRORS}, summary="One event")
def event_detail(request: HttpRequest, slug: str) -> dict[str, Any]:
    event = selectors.event_get_for(_viewer(request), slug)
    return {
        **_event_out(event),
        "description": event.description,
        "units": [{"part": u.part, "name": u.name} for u in event.units.all()],
        "sessions": [
            {
                "id": s.pk,
                "kind": s.kind,
                "title": s.title,
                "starts_at": s.starts_at,
                "ends_at": s.ends_at,
                "place": s.place,
            }
            for s in event.sessions.all()
        ],
        "slots": [
            {"id": s.pk, "starts_at": s.starts_at, "ends_at": s.ends_at} for s in event.slots.all()
        ],
        "firms": [
            {"id": f.pk, "name": f.display_name} for f in selectors.event_public_firms(event)
        ],
    }


@router.get(
    "/events/{slug}/registrations",
    response={200: list[RegistrationOut], **ERRORS},
    auth=AUTH_REQUIRED,
    summary="Registrations: your firms', or all for the event's operators",
)
def registration_list(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    viewer = _viewer(request)
    event = selectors.event_get_for(viewer, slug)
    return [_registration_out(r) for r in selectors.registration_list(viewer=viewer, event=event)]


@router.post(
    "/events/{slug}/registrations",
    response={201: RegistrationOut, **ERRORS},
    auth=AUTH_REQUIRED,
    summary="Register one of your firms with its representatives",
)
def registration_create(
    request: HttpRequest, slug: str, payload: RegistrationIn
) -> Status[dict[str, Any]]:
    viewer = _viewer(request)
    event = selectors.event_get_for(viewer, slug)
    # None (unknown, or not the viewer's to register) is refused by the service, one answer.
    enterprise = selectors.registrable_enterprise_get(viewer, event, payload.enterprise_id)
    registration = services.registration_create(
        event=event,
        enterprise=enterprise,
        viewer=viewer,
        registered_by=request.user,
        note=payload.note,
        representatives=[
            services.RepresentativeInput(**rep.model_dump()) for rep in payload.representatives
        ],
    )
    return Status(
        201, _registration_out(selectors.registration_get_for(viewer, event, registration.pk))
    )


@router.post(
    "/events/{slug}/registrations/{registration_id}/decision",
    response={200: RegistrationOut, **ERRORS},
    auth=AUTH_REQUIRED,
    summary="Validate or reject a registration (the event's operators)",
)
def registration_decide(
    request: HttpRequest,
    slug: str,
    payload: RegistrationDecisionIn,
    registration_id: int = ObjectId,
) -> dict[str, Any]:
    viewer = _viewer(request)
    event = selectors.event_operated_get_for(viewer, slug)
    registration = selectors.registration_get_for(viewer, event, registration_id)
    services.registration_decide(
        viewer=viewer,
        registration=registration,
        decided_by=request.user,
        validate=payload.decision == "validate",
        reason=payload.reason,
    )
    return _registration_out(selectors.registration_get_for(viewer, event, registration_id))


@router.post(
    "/events/{slug}/requests",
    response={200: RequestOut, **ERRORS},
    auth=AUTH_REQUIRED,
    summary="Mark another participant must meet, meet or no thanks",
)
def request_set(request: HttpRequest, slug: str, payload: RequestIn) -> dict[str, Any]:
    viewer = _viewer(request)
    event = selectors.event_get_for(viewer, slug)
    sender = selectors.participant_get_for(viewer, event, payload.from_participant_id)
    # Only a validated representative may be asked or named; any other id answers alike.
    target = selectors.request_target_get(event, payload.to_participant_id)
    if target is None:
        raise ApplicationError(
            _("Some fields are not valid."),
            details={"to_participant_id": [str(_("No participant of this event has this id."))]},
        )
    made = services.meeting_request_set(
        viewer=viewer,
        from_participant=sender,
        to_participant=target,
        preference=payload.preference,
        message=payload.message,
    )
    return {
        "from_participant_id": made.from_participant_id,
        "to_participant_id": made.to_participant_id,
        "preference": made.preference,
        "expires_at": made.expires_at,
    }


@router.get(
    "/events/{slug}/agenda",
    response={200: list[MeetingOut], **ERRORS},
    auth=AUTH_REQUIRED,
    summary="My agenda: the meetings of one of my representatives",
)
def my_agenda(
    request: HttpRequest, slug: str, participant_id: int | None = None
) -> list[dict[str, Any]]:
    viewer = _viewer(request)
    event = selectors.event_get_for(viewer, slug)
    participant = selectors.participant_acting_for(viewer, event, participant_id)
    return [_meeting_out(m) for m in selectors.agenda_meetings(participant=participant)]


@router.get(
    "/events/{slug}/meetings",
    response={200: list[MeetingOut], **ERRORS},
    auth=AUTH_REQUIRED,
    summary="Every meeting of the event (the event's operators)",
)
def meeting_list(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    event = selectors.event_operated_get_for(_viewer(request), slug)
    return [_meeting_out(m) for m in selectors.meeting_list_for_event(event=event)]


@router.post(
    "/events/{slug}/meetings",
    response={201: MeetingOut, **ERRORS},
    auth=AUTH_REQUIRED,
    summary="Book a meeting on a free table (walk-in); a double booking is a 409",
)
def meeting_create(request: HttpRequest, slug: str, payload: MeetingIn) -> Status[dict[str, Any]]:
    viewer = _viewer(request)
    event = selectors.event_operated_get_for(viewer, slug)
    people = {
        p.pk: p
        for p in Participant.objects.filter(
            registration__event=event, pk__in=[payload.participant_a_id, payload.participant_b_id]
        ).select_related("registration")
    }
    slot = event.slots.filter(pk=payload.slot_id).first()
    errors: dict[str, list[str]] = {}
    for name, pid in (
        ("participant_a_id", payload.participant_a_id),
        ("participant_b_id", payload.participant_b_id),
    ):
        if pid not in people:
            errors[name] = [str(_("No participant of this event has this id."))]
    if slot is None:
        errors["slot_id"] = [str(_("Unknown slot of this event."))]
    if errors:
        raise ApplicationError(_("Some fields are not valid."), details=errors)
    assert slot is not None
    meeting = services.meeting_walk_in(
        viewer=viewer,
        event=event,
        participant_a=people[payload.participant_a_id],
        participant_b=people[payload.participant_b_id],
        slot=slot,
        table=payload.table,
    )
    return Status(201, _meeting_out(selectors.meeting_get_for(viewer, event, meeting.pk)))


@router.patch(
    "/events/{slug}/meetings/{meeting_id}",
    response={200: MeetingOut, **ERRORS},
    auth=AUTH_REQUIRED,
    summary="Move a meeting or change its status; a stale version is a 409",
)
def meeting_update(
    request: HttpRequest, slug: str, payload: MeetingPatch, meeting_id: int = ObjectId
) -> dict[str, Any]:
    viewer = _viewer(request)
    event = selectors.event_get_for(viewer, slug)
    meeting = selectors.meeting_get_for(viewer, event, meeting_id)
    slot = None
    if payload.slot_id is not None:
        slot = event.slots.filter(pk=payload.slot_id).first()
        if slot is None:
            raise ApplicationError(
                _("Some fields are not valid."),
                details={"slot_id": [str(_("Unknown slot of this event."))]},
            )
    # Move and status are one change: refused as a whole, or written as a whole.
    services.meeting_change(
        viewer=viewer,
        meeting=meeting,
        slot=slot,
        table=payload.table if slot is not None else None,
        status=payload.status,
        expected_version=payload.version,
    )
    return _meeting_out(selectors.meeting_get_for(viewer, event, meeting_id))


@router.post(
    "/events/{slug}/schedule-runs",
    response={202: RunOut, **ERRORS},
    auth=AUTH_REQUIRED,
    summary="Start the schedule optimiser (the event's operators); runs in the background",
)
def run_start(request: HttpRequest, slug: str, payload: RunIn) -> Status[dict[str, Any]]:
    viewer = _viewer(request)
    event = selectors.event_operated_get_for(viewer, slug)
    run = scheduling.schedule_run_start(
        viewer=viewer,
        event=event,
        requested_by=request.user,
        mode=payload.mode,
        time_limit_s=payload.time_limit_s,
    )
    run.refresh_from_db()
    return Status(202, _run_out(run))


@router.post(
    "/events/{slug}/schedule-runs/{run_id}/cancel",
    response={200: RunOut, **ERRORS},
    auth=AUTH_REQUIRED,
    summary="Cancel a schedule run, queued or running (the event's operators); nothing is written",
)
def run_cancel(request: HttpRequest, slug: str, run_id: int = ObjectId) -> dict[str, Any]:
    viewer = _viewer(request)
    event = selectors.event_operated_get_for(viewer, slug)
    run = selectors.schedule_run_get_for(viewer, event, run_id)
    run = scheduling.schedule_run_cancel(viewer=viewer, run=run, cancelled_by=request.user)
    return _run_out(run)


@router.get(
    "/events/{slug}/schedule-runs/latest",
    response={200: RunOut, **ERRORS},
    auth=AUTH_REQUIRED,
    summary="The latest schedule run: status, objective, upper bound and ratio",
)
def run_latest(request: HttpRequest, slug: str) -> dict[str, Any]:
    event = selectors.event_operated_get_for(_viewer(request), slug)
    scheduling.schedule_runs_reap(event=event)
    run = selectors.schedule_run_latest(event=event)
    if run is None:
        raise NotFoundError()
    return _run_out(run)
