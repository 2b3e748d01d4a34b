"""Writes of docking events: the event and its agenda, registration, requests, meetings, check-in.

Every service is keyword-only and atomic: it validates everything first, raises one
ApplicationError naming each bad field, and writes nothing then. Every service that acts for a
user takes the acting `viewer` and checks it itself through `clusterlink.events.access` before
it writes (`access_*` then the write); the pages and the API only parse, call and render.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusterlink.accounts.access import Viewer
from clusterlink.common import clock
from clusterlink.common.errors import ApplicationError, ConflictError, NotFoundError
from clusterlink.common.validation import FieldErrors, full_clean_into
from clusterlink.directory.models import Cluster, Enterprise
from clusterlink.events import access
from clusterlink.events.errors import EventErrorCode
from clusterlink.events.models import (
    Event,
    EventSession,
    EventUnit,
    Meeting,
    MeetingRequest,
    Participant,
    Registration,
    Slot,
)

EVENT_FIELDS = (
    "name_zh",
    "name_en",
    "name_ja",
    "slug",
    "theme_zh",
    "theme_en",
    "theme_ja",
    "description_zh",
    "description_en",
    "description_ja",
    "starts_on",
    "ends_on",
    "venue_zh",
    "venue_en",
    "venue_ja",
    "visibility",
    "status",
    "meeting_tables",
    "default_max_meetings",
    "max_requests",
    "request_valid_days",
)


def _local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _check_clusters(
    viewer: Viewer, cluster_ids: Iterable[int], errors: FieldErrors, event: Event | None = None
) -> list[Cluster]:
    clusters = list(Cluster.objects.filter(pk__in=list(cluster_ids)))
    already = list(event.clusters.all()) if event is not None else []
    access.access_event_clusters(viewer, clusters, errors, already=already)
    return clusters


@transaction.atomic
def event_create(
    *, viewer: Viewer, created_by: Any, cluster_ids: Iterable[int], **fields: Any
) -> Event:
    """Create an event run by the operators of `cluster_ids`, every one a cluster the creator
    operates (the platform admin: any)."""
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown event fields {sorted(unknown)}")
    errors = FieldErrors()
    clusters = _check_clusters(viewer, cluster_ids, errors)
    event = Event(created_by=created_by, **fields)
    full_clean_into(event, errors, exclude=["created_by"])
    errors.raise_if_any()
    event.save()
    event.clusters.set(clusters)
    return event


@transaction.atomic
def event_update(
    *, event: Event, viewer: Viewer, cluster_ids: Iterable[int] | None = None, **fields: Any
) -> Event:
    """Change an event (its operators). Sessions and slots must still fall within its (possibly
    new) dates; a cluster added must be one the editor operates."""
    access.access_event_operated(viewer, event)
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown event fields {sorted(unknown)}")
    errors = FieldErrors()
    event = Event.objects.select_for_update().get(pk=event.pk)
    for name, value in fields.items():
        setattr(event, name, value)
    clusters = (
        _check_clusters(viewer, cluster_ids, errors, event) if cluster_ids is not None else None
    )
    full_clean_into(event, errors, exclude=["created_by"])
    if not errors:
        outside = [
            s
            for s in event.sessions.all()
            if not event.starts_on <= _local_day(s.starts_at) <= event.ends_on
            or not event.starts_on <= _local_day(s.ends_at) <= event.ends_on
        ]
        if outside:
            errors.add(
                "ends_on",
                _("%(count)s agenda session(s) would fall outside the new dates, e.g. %(title)s.")
                % {"count": len(outside), "title": outside[0].title},
            )
    errors.raise_if_any()
    event.save()
    if clusters is not None:
        event.clusters.set(clusters)
    return event


@transaction.atomic
def event_unit_add(
    *, viewer: Viewer, event: Event, part: str, name_zh: str, name_en: str = "", name_ja: str = ""
) -> EventUnit:
    access.access_event_operated(viewer, event)
    errors = FieldErrors()
    position = event.units.filter(part=part).count()
    unit = EventUnit(
        event=event,
        part=part,
        name_zh=(name_zh or "").strip(),
        name_en=(name_en or "").strip(),
        name_ja=(name_ja or "").strip(),
        position=position,
    )
    full_clean_into(unit, errors, exclude=["event", "enterprise"])
    errors.raise_if_any()
    unit.save()
    return unit


@transaction.atomic
def event_unit_delete(*, viewer: Viewer, unit: EventUnit) -> None:
    access.access_event_operated(viewer, unit.event)
    unit.delete()


def _check_within_event(
    event: Event, starts_at: Any, ends_at: Any, errors: FieldErrors, what: Any
) -> bool:
    """Report on `errors` each end of the span that falls outside the event's days; True if any."""
    if not isinstance(starts_at, dt.datetime) or not isinstance(ends_at, dt.datetime):
        return False
    if ends_at <= starts_at:
        return False  # reported by the session's clean()
    outside = False
    for name, moment in (("starts_at", starts_at), ("ends_at", ends_at)):
        day = _local_day(moment)
        if not event.starts_on <= day <= event.ends_on:
            outside = True
            errors.add(
                name,
                _("%(what)s on %(day)s is outside the event (%(first)s to %(last)s).")
                % {
                    "what": what,
                    "day": day.isoformat(),
                    "first": event.starts_on.isoformat(),
                    "last": event.ends_on.isoformat(),
                },
            )
    return outside


@transaction.atomic
def event_session_save(
    *,
    viewer: Viewer,
    event: Event,
    session: EventSession | None = None,
    kind: str,
    title_zh: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    title_en: str = "",
    title_ja: str = "",
    place_zh: str = "",
    place_en: str = "",
    place_ja: str = "",
    description: str = "",
) -> EventSession:
    """Add (or change) an agenda session; it must lie within the event and overlap no other."""
    access.access_event_operated(viewer, event)
    if session is not None and session.event_id != event.pk:
        raise NotFoundError()
    Event.objects.select_for_update().filter(pk=event.pk).first()  # serialise agenda edits
    errors = FieldErrors()
    target = session or EventSession(event=event)
    target.kind = kind
    target.title_zh = (title_zh or "").strip()
    target.title_en = (title_en or "").strip()
    target.title_ja = (title_ja or "").strip()
    target.starts_at = starts_at
    target.ends_at = ends_at
    target.place_zh = (place_zh or "").strip()
    target.place_en = (place_en or "").strip()
    target.place_ja = (place_ja or "").strip()
    target.description = description or ""
    full_clean_into(target, errors, exclude=["event"])
    _check_within_event(event, starts_at, ends_at, errors, _("The session"))
    if not errors:
        clash = (
            event.sessions.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)
            .exclude(pk=target.pk)
            .first()
        )
        if clash is not None:
            local = timezone.localtime(clash.starts_at)
            errors.add(
                "starts_at",
                _("Overlaps the session %(title)s (%(start)s–%(end)s).")
                % {
                    "title": clash.title,
                    "start": local.strftime("%Y-%m-%d %H:%M"),
                    "end": timezone.localtime(clash.ends_at).strftime("%H:%M"),
                },
            )
    if errors:
        raise ApplicationError(
            _("Some fields are not valid."),
            code=EventErrorCode.SESSION_OVERLAP
            if "starts_at" in errors.as_dict()
            else "validation_error",
            details=errors.as_dict(),
        )
    target.save()
    return target


@transaction.atomic
def event_session_delete(*, viewer: Viewer, session: EventSession) -> None:
    access.access_event_operated(viewer, session.event)
    session.delete()


@transaction.atomic
def slots_generate(
    *,
    viewer: Viewer,
    event: Event,
    starts_at: dt.datetime,
    minutes: int,
    count: int,
    break_minutes: int = 0,
    session: EventSession | None = None,
) -> list[Slot]:
    """Add `count` consecutive slots of `minutes` each (with `break_minutes` between them).

    Every slot must lie within the event's dates and overlap no existing slot; the first one that
    does not is named and nothing is written."""
    access.access_event_operated(viewer, event)
    Event.objects.select_for_update().filter(pk=event.pk).first()
    errors = FieldErrors()
    if not isinstance(minutes, int) or not 5 <= minutes <= 240:
        errors.add("minutes", _("A slot lasts between 5 and 240 minutes."))
    if not isinstance(count, int) or not 1 <= count <= 64:
        errors.add("count", _("Add between 1 and 64 slots at a time."))
    if not isinstance(break_minutes, int) or not 0 <= break_minutes <= 120:
        errors.add("break_minutes", _("A break lasts between 0 and 120 minutes."))
    errors.raise_if_any()
    slots: list[Slot] = []
    start = starts_at
    code = EventErrorCode.SLOT_OVERLAP
    for number in range(1, count + 1):
        end = start + dt.timedelta(minutes=minutes)
        label = _("Slot %(number)s (%(start)s)") % {
            "number": number,
            "start": timezone.localtime(start).strftime("%Y-%m-%d %H:%M"),
        }
        if _check_within_event(event, start, end, errors, label):
            code = EventErrorCode.OUTSIDE_EVENT
            break
        clash = event.slots.filter(starts_at__lt=end, ends_at__gt=start).first()
        if clash is not None:
            errors.add(
                "starts_at",
                _("%(slot)s overlaps the existing slot %(existing)s.")
                % {"slot": label, "existing": str(clash)},
            )
            break
        slot = Slot(event=event, session=session, starts_at=start, ends_at=end)
        slot.save()
        slots.append(slot)
        start = end + dt.timedelta(minutes=break_minutes)
    if errors:
        transaction.set_rollback(True)
        raise ApplicationError(_("Some fields are not valid."), code=code, details=errors.as_dict())
    return slots


@transaction.atomic
def slot_delete(*, viewer: Viewer, slot: Slot) -> None:
    access.access_event_operated(viewer, slot.event)
    if slot.meetings.filter(status__in=Meeting.ACTIVE_STATUSES).exists():
        raise ConflictError(
            _("This slot holds meetings; cancel or move them first."),
            code=EventErrorCode.DOUBLE_BOOKING,
        )
    slot.meetings.all().delete()
    slot.delete()


# --- Registration -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RepresentativeInput:
    name: str
    role: str
    title: str = ""
    email: str = ""
    phone: str = ""
    max_meetings: int | None = None
    slot_ids: Sequence[int] | None = None  # None: every slot of the event
    user: Any = None


def _participant_from(
    registration: Registration,
    rep: RepresentativeInput,
    errors: FieldErrors,
    prefix: str,
) -> tuple[Participant, list[Slot]]:
    event = registration.event
    participant = Participant(
        registration=registration,
        user=rep.user,
        name=(rep.name or "").strip(),
        title=(rep.title or "").strip(),
        email=(rep.email or "").strip(),
        phone=(rep.phone or "").strip(),
        role=rep.role,
        max_meetings=event.default_max_meetings if rep.max_meetings is None else rep.max_meetings,
    )
    local = FieldErrors()
    full_clean_into(participant, local, exclude=["registration", "user"], constraints=False)
    for field, messages in local.as_dict().items():
        for message in messages:
            errors.add(f"{prefix}{field}", message)
    all_slots = list(event.slots.all())
    if rep.slot_ids is None:
        slots = all_slots
    else:
        by_id = {s.pk: s for s in all_slots}
        wanted = [int(i) for i in rep.slot_ids]
        unknown = [i for i in wanted if i not in by_id]
        if unknown:
            errors.add(
                f"{prefix}available_slots",
                _("Unknown slot(s) of this event: %(ids)s") % {"ids": unknown},
            )
        slots = [by_id[i] for i in wanted if i in by_id]
    return participant, slots


@transaction.atomic
def registration_create(
    *,
    event: Event,
    enterprise: Enterprise | None,
    viewer: Viewer,
    registered_by: Any,
    representatives: Sequence[RepresentativeInput],
    note: str = "",
) -> Registration:
    """Register `enterprise` with its representatives. The registrant must be a member of the firm
    (or an operator of the event naming a firm of a cluster he operates; the admin any firm);
    any other firm, and a missing one, get the same error. Registration must be open, and a firm
    registers once."""
    access.access_registration_create(viewer, event, enterprise)
    operates = access.operates_event(viewer, event)
    errors = FieldErrors()
    if event.status != Event.Status.REGISTRATION_OPEN and not operates:
        raise ApplicationError(
            _("Registration for this event is not open."),
            code=EventErrorCode.REGISTRATION_CLOSED,
        )
    if Registration.objects.filter(event=event, enterprise=enterprise).exists():
        errors.add("enterprise", _("This firm is already registered for the event."))
    if not representatives:
        errors.add("representatives", _("Name at least one representative."))
    assert enterprise is not None  # access_registration_create refused None
    registration = Registration(
        event=event, enterprise=enterprise, registered_by=registered_by, note=note or ""
    )
    rows = [
        _participant_from(registration, rep, errors, f"representatives.{i}.")
        for i, rep in enumerate(representatives)
    ]
    errors.raise_if_any()
    registration.save()
    for participant, slots in rows:
        participant.registration = registration
        participant.save()
        participant.available_slots.set(slots)
    return registration


@transaction.atomic
def participant_add(
    *, viewer: Viewer, registration: Registration, representative: RepresentativeInput
) -> Participant:
    if not viewer.is_member_of(registration.enterprise_id):
        access.access_event_operated(viewer, registration.event)
    errors = FieldErrors()
    participant, slots = _participant_from(registration, representative, errors, "")
    errors.raise_if_any()
    participant.save()
    participant.available_slots.set(slots)
    return participant


@transaction.atomic
def participant_update(
    *,
    viewer: Viewer,
    participant: Participant,
    name: str,
    role: str,
    title: str = "",
    email: str = "",
    phone: str = "",
    max_meetings: int,
    slot_ids: Sequence[int],
) -> Participant:
    """Change a representative's details and availability. Meetings already booked in slots they
    drop stay on the agenda (the operator moves or cancels them)."""
    access.access_participant(viewer, participant)
    errors = FieldErrors()
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    participant.name = (name or "").strip()
    participant.role = role
    participant.title = (title or "").strip()
    participant.email = (email or "").strip()
    participant.phone = (phone or "").strip()
    participant.max_meetings = max_meetings
    full_clean_into(participant, errors, exclude=["registration", "user"])
    by_id = {s.pk: s for s in participant.registration.event.slots.all()}
    unknown = [i for i in slot_ids if i not in by_id]
    if unknown:
        errors.add(
            "available_slots", _("Unknown slot(s) of this event: %(ids)s") % {"ids": unknown}
        )
    errors.raise_if_any()
    participant.save()
    participant.available_slots.set([by_id[i] for i in slot_ids])
    return participant


@transaction.atomic
def participant_remove(*, viewer: Viewer, participant: Participant) -> None:
    access.access_participant(viewer, participant)
    if Meeting.objects.filter(Q(participant_a=participant) | Q(participant_b=participant)).exists():
        raise ConflictError(
            _("This representative has meetings; cancel them instead of removing the person.")
        )
    participant.delete()


@transaction.atomic
def registration_decide(
    *,
    viewer: Viewer,
    registration: Registration,
    decided_by: Any,
    validate: bool,
    reason: str = "",
) -> Registration:
    """Validate or reject a registration (operators of the event's clusters)."""
    access.access_event_operated(viewer, registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if not validate and not (reason or "").strip():
        raise ApplicationError(
            _("Some fields are not valid."),
            details={"reason": [str(_("Give the firm a reason for the rejection."))]},
        )
    registration.status = (
        Registration.Status.VALIDATED if validate else Registration.Status.REJECTED
    )
    registration.validated_by = decided_by
    registration.decided_at = clock.now()
    registration.rejection_reason = "" if validate else reason.strip()
    registration.save()
    return registration


# --- Meeting requests -------------------------------------------------------------------------


def open_request_count(participant: Participant) -> int:
    """Must-meet and meet requests of `participant` that still count (not expired)."""
    return MeetingRequest.objects.filter(
        from_participant=participant,
        preference__in=[MeetingRequest.Preference.MUST, MeetingRequest.Preference.MEET],
        expires_at__gt=clock.now(),
    ).count()


@transaction.atomic
def meeting_request_set(
    *,
    viewer: Viewer,
    from_participant: Participant,
    to_participant: Participant,
    preference: str,
    message: str = "",
) -> MeetingRequest:
    """Mark `to_participant` must-meet, meet or no-thanks (a veto). Setting it again renews the
    request's expiry. Refused (see `access.access_meeting_request`): a sender the viewer does not
    manage, oneself or a colleague, anyone not validated for the event (unnamed), a preference
    beyond the participant's cap of open requests."""
    sender = (
        Participant.objects.select_for_update()
        .select_related("registration__event", "registration__enterprise")
        .get(pk=from_participant.pk)
    )
    event = sender.registration.event
    target = Participant.objects.select_related("registration").get(pk=to_participant.pk)
    access.access_meeting_request(viewer, sender, target)
    if preference not in MeetingRequest.Preference.values:
        raise ApplicationError(
            _("Some fields are not valid."),
            details={"preference": [str(_("Choose must meet, meet or no thanks."))]},
        )
    now = clock.now()
    existing = MeetingRequest.objects.filter(from_participant=sender, to_participant=target).first()
    counting = preference != MeetingRequest.Preference.NO
    already_counted = (
        existing is not None
        and existing.preference != MeetingRequest.Preference.NO
        and existing.expires_at > now
    )
    if counting and not already_counted and open_request_count(sender) >= event.max_requests:
        raise ApplicationError(
            _(
                "You already have %(cap)s open requests, the most this event allows. Withdraw one first."
            )
            % {"cap": event.max_requests},
            code=EventErrorCode.REQUEST_CAP,
            details={"preference": [str(_("Request cap reached."))]},
        )
    request = existing or MeetingRequest(
        event=event, from_participant=sender, to_participant=target
    )
    request.preference = preference
    request.message = (message or "").strip()[:500]
    request.expires_at = now + dt.timedelta(days=event.request_valid_days)
    request.save()
    return request


@transaction.atomic
def meeting_request_withdraw(
    *, viewer: Viewer, from_participant: Participant, to_participant: Participant
) -> int:
    """Withdraw the sender's mark on `to_participant`; the number of requests removed (0 or 1)."""
    access.access_participant(viewer, from_participant)
    deleted, _rows = MeetingRequest.objects.filter(
        from_participant=from_participant, to_participant=to_participant
    ).delete()
    return deleted


# --- Meetings ---------------------------------------------------------------------------------


def _lock_event(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


def _bump(event: Event) -> None:
    Event.objects.filter(pk=event.pk).update(schedule_version=F("schedule_version") + 1)


def _check_version(meeting: Meeting, expected_version: int | None) -> None:
    if expected_version is not None and meeting.version != expected_version:
        raise ConflictError(
            _(
                "Someone else changed this meeting while you were editing it. "
                "Reload the schedule to see the change, then try again."
            ),
            code=EventErrorCode.SCHEDULE_CONFLICT,
            details={"version": [str(meeting.version)]},
        )


def _busy_error(who: Participant, slot: Slot) -> ApplicationError:
    return ConflictError(
        _("%(name)s already has a meeting at %(slot)s.") % {"name": who.name, "slot": str(slot)},
        code=EventErrorCode.DOUBLE_BOOKING,
        details={"slot": [str(_("Double booking."))]},
    )


def _check_free(
    *, event: Event, slot: Slot, table: int, people: Sequence[Participant], exclude_pk: int | None
) -> None:
    """Refuse a double booking: a person or a table already taken at `slot`."""
    if slot.event_id != event.pk:
        raise ApplicationError(
            _("Some fields are not valid."),
            details={"slot": [str(_("Unknown slot of this event."))]},
        )
    if not 1 <= table <= event.meeting_tables:
        raise ApplicationError(
            _("Some fields are not valid."),
            details={
                "table": [
                    str(
                        _("Choose a table from 1 to %(tables)s.") % {"tables": event.meeting_tables}
                    )
                ]
            },
        )
    active = Meeting.objects.filter(slot=slot, status__in=Meeting.ACTIVE_STATUSES)
    if exclude_pk is not None:
        active = active.exclude(pk=exclude_pk)
    for person in people:
        if active.filter(Q(participant_a=person) | Q(participant_b=person)).exists():
            raise _busy_error(person, slot)
    if active.filter(table=table).exists():
        raise ConflictError(
            _("Table %(table)s is taken at %(slot)s.") % {"table": table, "slot": str(slot)},
            code=EventErrorCode.DOUBLE_BOOKING,
            details={"table": [str(_("Table taken."))]},
        )


def free_table(event: Event, slot: Slot) -> int | None:
    taken = set(
        Meeting.objects.filter(slot=slot, status__in=Meeting.ACTIVE_STATUSES).values_list(
            "table", flat=True
        )
    )
    return next((t for t in range(1, event.meeting_tables + 1) if t not in taken), None)


@transaction.atomic
def meeting_change(
    *,
    viewer: Viewer,
    meeting: Meeting,
    slot: Slot | None = None,
    table: int | None = None,
    status: str | None = None,
    expected_version: int | None,
) -> Meeting:
    """Move a meeting (to `slot`, at `table` or a free one) and/or give it `status`, as one change.

    Everything is judged on the locked meeting before anything is written, so a refused part
    refuses the whole change: who may make it and what its status allows
    (`access.access_meeting_change`), a stale `expected_version` (someone changed it meanwhile),
    a double booking of a person or a table where it would be active. One version step."""
    if slot is None and status is None:
        raise ApplicationError(
            _("Some fields are not valid."),
            details={"status": [str(_("Give a slot to move to or a status."))]},
        )
    event = _lock_event(meeting.event)
    meeting = (
        Meeting.objects.select_for_update()
        .select_related("participant_a__registration", "participant_b__registration")
        .get(pk=meeting.pk)
    )
    access.access_meeting_change(viewer, event, meeting, move=slot is not None, status=status)
    _check_version(meeting, expected_version)
    new_slot = slot if slot is not None else meeting.slot
    if table is None:
        same = new_slot.pk == meeting.slot_id
        table = meeting.table if same else (free_table(event, new_slot) or 0)
    new_status = status if status is not None else meeting.status
    placed_anew = slot is not None or (
        status is not None and meeting.status not in Meeting.ACTIVE_STATUSES
    )
    if placed_anew and new_status in Meeting.ACTIVE_STATUSES:
        _check_free(
            event=event,
            slot=new_slot,
            table=table,
            people=[meeting.participant_a, meeting.participant_b],
            exclude_pk=meeting.pk,
        )
    meeting.slot = new_slot
    meeting.table = table
    meeting.status = new_status
    meeting.version += 1
    meeting.save()
    _bump(event)
    return meeting


def meeting_move(
    *,
    viewer: Viewer,
    meeting: Meeting,
    slot: Slot,
    table: int | None,
    expected_version: int | None,
) -> Meeting:
    """Move a meeting to another slot/table (see `meeting_change`)."""
    return meeting_change(
        viewer=viewer, meeting=meeting, slot=slot, table=table, expected_version=expected_version
    )


def meeting_set_status(
    *, viewer: Viewer, meeting: Meeting, status: str, expected_version: int | None
) -> Meeting:
    """Confirm, cancel, mark a no-show or reinstate (see `meeting_change`)."""
    return meeting_change(
        viewer=viewer, meeting=meeting, status=status, expected_version=expected_version
    )


@transaction.atomic
def meeting_walk_in(
    *,
    viewer: Viewer,
    event: Event,
    participant_a: Participant,
    participant_b: Participant,
    slot: Slot,
    table: int | None = None,
) -> Meeting:
    """Book a walk-in meeting on a free table (both validated, neither busy, not already meeting).
    The event's operators only."""
    access.access_event_operated(viewer, event)
    event = _lock_event(event)
    if participant_a.pk == participant_b.pk or (
        participant_a.registration.enterprise_id == participant_b.registration.enterprise_id
    ):
        raise ApplicationError(
            _("A meeting needs two people of different firms."),
            code=EventErrorCode.REQUEST_TO_SELF,
            details={"participant_b": [str(_("Choose a representative of another firm."))]},
        )
    for name, person in (("participant_a", participant_a), ("participant_b", participant_b)):
        if (
            person.registration.event_id != event.pk
            or person.registration.status != Registration.Status.VALIDATED
        ):
            raise ApplicationError(
                _("%(name)s is not a validated participant of this event.") % {"name": person.name},
                code=EventErrorCode.NOT_REGISTERED,
                details={name: [str(_("Not a validated participant."))]},
            )
    if table is None:
        table = free_table(event, slot)
        if table is None:
            raise ConflictError(
                _("Every table is taken at %(slot)s.") % {"slot": str(slot)},
                code=EventErrorCode.DOUBLE_BOOKING,
                details={"slot": [str(_("No free table."))]},
            )
    _check_free(
        event=event, slot=slot, table=table, people=[participant_a, participant_b], exclude_pk=None
    )
    a, b = sorted([participant_a, participant_b], key=lambda p: p.pk)
    meeting = Meeting(
        event=event,
        participant_a=a,
        participant_b=b,
        slot=slot,
        table=table,
        status=Meeting.Status.CONFIRMED,
        source=Meeting.Source.WALK_IN,
    )
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError as exc:  # a concurrent booking got there first
        raise _busy_error(participant_a, slot) from exc
    _bump(event)
    return meeting


@transaction.atomic
def meeting_record_outcome(
    *,
    viewer: Viewer,
    meeting: Meeting,
    interest_level: str,
    next_step: str,
    notes: str = "",
    expected_version: int | None = None,
) -> Meeting:
    """Notes after a meeting (its two parties and the operators); it counts as held from then on."""
    meeting = (
        Meeting.objects.select_for_update()
        .select_related("event", "participant_a__registration", "participant_b__registration")
        .get(pk=meeting.pk)
    )
    access.access_meeting_outcome(viewer, meeting.event, meeting)
    _check_version(meeting, expected_version)
    errors = FieldErrors()
    if meeting.status not in access.OUTCOME_STATUSES:
        errors.add("interest_level", _("A cancelled meeting has no outcome."))
    if interest_level not in Meeting.Interest.values:
        errors.add("interest_level", _("Choose an interest level."))
    if next_step not in Meeting.NextStep.values:
        errors.add("next_step", _("Choose a next step."))
    errors.raise_if_any()
    meeting.interest_level = interest_level
    meeting.next_step = next_step
    meeting.notes = notes or ""
    meeting.status = Meeting.Status.HELD
    meeting.version += 1
    meeting.save()
    _bump(meeting.event)
    return meeting


# --- Check-in ---------------------------------------------------------------------------------


@transaction.atomic
def participant_check_in(
    *,
    viewer: Viewer,
    event: Event,
    checked_in_by: Any,
    qr_token: str | None = None,
    participant_id: int | None = None,
) -> tuple[Participant, bool]:
    """Check a participant in by the token of their QR code or by id (desk search).

    Returns the participant and whether this call checked them in (False: already in). The
    event's operators only (they run the desk)."""
    access.access_event_operated(viewer, event)
    query = Participant.objects.select_for_update().filter(
        registration__event=event, registration__status=Registration.Status.VALIDATED
    )
    if qr_token:
        query = query.filter(qr_token=qr_token.strip())
    elif participant_id is not None:
        query = query.filter(pk=participant_id)
    else:
        query = query.none()
    participant = query.first()
    if participant is None:
        raise ApplicationError(
            _("No validated participant of this event has that code."),
            code=EventErrorCode.UNKNOWN_CHECK_IN,
            details={"code": [str(_("Unknown check-in code."))]},
        )
    if participant.checked_in_at is not None:
        return participant, False
    participant.checked_in_at = clock.now()
    participant.checked_in_by = checked_in_by
    participant.save(update_fields=["checked_in_at", "checked_in_by", "updated_at"])
    return participant, True
