"""The bridge between an event's rows and the pure scheduler in `clusterlink.domain.scheduling`.

Reads rows into a `SchedulingProblem` at one end, writes the solver's meetings back as `Meeting`
rows at the other. Weights: must = 3, meet = 1 per direction; a "no" (never expiring) and pairs
of firms that held a meeting at an earlier event are excluded; expired requests do not count.

A run cannot hang its event: whatever the run raises marks it failed with the reason; the
operators cancel it in any state (a worker still solving then writes nothing); and a run still
queued or running past its time limit plus STALE_MARGIN is reaped (marked failed: the worker
stopped) when the event's schedule page is read, when a new run starts, and by the
`reap_stale_schedule_runs` command.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from clusterlink.accounts.access import Viewer
from clusterlink.common import clock
from clusterlink.common.errors import ApplicationError, ConflictError
from clusterlink.domain.scheduling import problem as domain
from clusterlink.domain.scheduling.solve import solve
from clusterlink.events import access
from clusterlink.events.errors import EventErrorCode
from clusterlink.events.models import (
    Event,
    Meeting,
    MeetingRequest,
    Participant,
    Registration,
    ScheduleRun,
    Slot,
)

logger = logging.getLogger(__name__)

# Beyond the solver's time limit, how long a run may take before it counts as abandoned: reading
# the largest events and writing their meetings takes seconds, and a queued run may wait for a
# worker busy with a match run (up to its own 5 minute limit). Ten minutes covers both; a
# worker alive after that finds its run failed and writes nothing.
STALE_MARGIN = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class BuiltProblem:
    problem: domain.SchedulingProblem
    slots: list[Slot]
    participants: dict[str, Participant]
    kept: list[Meeting]  # rows kept exactly (the problem's fixed meetings)


def met_before_enterprise_pairs(event: Event) -> set[tuple[int, int]]:
    """Firm pairs (sorted ids) that held a meeting at an event that started before this one."""
    rows = Meeting.objects.filter(
        status=Meeting.Status.HELD, event__starts_on__lt=event.starts_on
    ).values_list(
        "participant_a__registration__enterprise_id", "participant_b__registration__enterprise_id"
    )
    return {(min(a, b), max(a, b)) for a, b in rows}


def build_problem(event: Event, *, keep_scheduled: bool) -> BuiltProblem:
    """The event's meeting problem. Meetings kept fixed: held, confirmed and walk-in ones always,
    plain scheduled ones too when `keep_scheduled` (a re-run for unbooked slots only)."""
    slots = list(event.slots.order_by("starts_at", "pk"))
    slot_index = {s.pk: i for i, s in enumerate(slots)}
    people = list(
        Participant.objects.filter(
            registration__event=event, registration__status=Registration.Status.VALIDATED
        )
        .select_related("registration")
        .prefetch_related("available_slots")
        .order_by("pk")
    )
    by_id = {str(p.pk): p for p in people}
    available = {
        str(p.pk): {slot_index[s.pk] for s in p.available_slots.all() if s.pk in slot_index}
        for p in people
    }
    caps = {str(p.pk): p.max_meetings for p in people}
    kept_statuses = [Meeting.Status.HELD, Meeting.Status.CONFIRMED]
    if keep_scheduled:
        kept_statuses.append(Meeting.Status.SCHEDULED)
    kept = [
        m
        for m in event.meetings.filter(status__in=kept_statuses).select_related("slot")
        if str(m.participant_a_id) in by_id and str(m.participant_b_id) in by_id
    ]
    tables = event.meeting_tables
    kept_pairs: set[tuple[str, str]] = set()
    count: dict[str, int] = {}
    for m in kept:
        a, b = str(m.participant_a_id), str(m.participant_b_id)
        kept_pairs.add(domain.pair_key(a, b))
        # A kept meeting stays even if its people later dropped the slot or lowered their cap,
        # or the operator removed tables: the problem is widened so it stays valid.
        for who in (a, b):
            available[who].add(slot_index[m.slot_id])
            count[who] = count.get(who, 0) + 1
        tables = max(tables, m.table)
    for who, n in count.items():
        caps[who] = max(caps[who], n)
    now = clock.now()
    requests = [
        domain.Request(str(f), str(t), domain.Preference(pref))
        for f, t, pref, expires in MeetingRequest.objects.filter(event=event).values_list(
            "from_participant_id", "to_participant_id", "preference", "expires_at"
        )
        if str(f) in by_id
        and str(t) in by_id
        and (pref == MeetingRequest.Preference.NO or expires > now)
        # A veto on a kept meeting cannot undo it; the pair simply gets no new meeting.
        and not (
            pref == MeetingRequest.Preference.NO and domain.pair_key(str(f), str(t)) in kept_pairs
        )
    ]
    firm_pairs = met_before_enterprise_pairs(event)
    firm_of = {pid: p.registration.enterprise_id for pid, p in by_id.items()}
    met_before = []
    for request in requests:
        firm_a, firm_b = firm_of[request.from_id], firm_of[request.to_id]
        key = domain.pair_key(request.from_id, request.to_id)
        if (min(firm_a, firm_b), max(firm_a, firm_b)) in firm_pairs and key not in kept_pairs:
            met_before.append(key)
    fixed = [
        domain.Meeting(
            str(m.participant_a_id), str(m.participant_b_id), slot_index[m.slot_id], m.table - 1
        )
        for m in kept
    ]
    problem = domain.SchedulingProblem(
        slots=len(slots),
        tables=tables,
        participants=tuple(
            domain.Participant(pid, frozenset(available[pid]), caps[pid]) for pid in by_id
        ),
        requests=tuple(requests),
        met_before=tuple(sorted(set(met_before))),
        fixed=tuple(fixed),
    )
    return BuiltProblem(problem=problem, slots=slots, participants=by_id, kept=kept)


# Stored untranslated and translated where shown ({% translate run.error %}), so that every
# reader sees it in their own language, whoever's read reaped the run.
WORKER_STOPPED = gettext_noop(
    "The worker stopped before the run finished (no result after its time limit); "
    "nothing was written. Run it again."
)


def schedule_runs_reap(*, event: Event | None = None) -> int:
    """Mark failed every run still queued or running past its time limit plus STALE_MARGIN (of
    `event`, or of every event); the number reaped. Safe to call at any time and concurrently."""
    now = clock.now()
    under_way = ScheduleRun.objects.filter(status__in=ScheduleRun.UNDER_WAY)
    if event is not None:
        under_way = under_way.filter(event=event)
    reaped = 0
    # The candidates are few (one per event at most); each is re-read under a lock, so that a run
    # a worker finished meanwhile is left alone.
    for candidate in list(under_way.only("pk", "time_limit_s", "created_at", "started_at")):
        since = candidate.started_at or candidate.created_at
        if since + dt.timedelta(seconds=candidate.time_limit_s) + STALE_MARGIN > now:
            continue
        with transaction.atomic():
            run = (
                ScheduleRun.objects.select_for_update()
                .filter(pk=candidate.pk, status__in=ScheduleRun.UNDER_WAY)
                .first()
            )
            if run is None:
                continue
            run.status = ScheduleRun.Status.FAILED
            run.error = WORKER_STOPPED
            run.finished_at = now
            run.save(update_fields=["status", "error", "finished_at", "updated_at"])
            reaped += 1
            logger.warning("schedule run %s reaped: no result since %s", run.pk, since)
    return reaped


def schedule_run_start(
    *, viewer: Viewer, event: Event, requested_by: Any, mode: str, time_limit_s: int = 30
) -> ScheduleRun:
    """Queue a scheduler run (the event's operators); the task starts once this transaction
    commits. Refused while another run of the event is under way; a stale one is reaped first."""
    from clusterlink.events.tasks import run_schedule

    access.access_event_operated(viewer, event)
    if mode not in ScheduleRun.Mode.values:
        raise ApplicationError(
            _("Some fields are not valid."), details={"mode": [str(_("Unknown mode."))]}
        )
    if not 1 <= time_limit_s <= 600:
        raise ApplicationError(
            _("Some fields are not valid."),
            details={"time_limit_s": [str(_("Between 1 and 600 seconds."))]},
        )
    schedule_runs_reap(event=event)
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if event.schedule_runs.filter(status__in=ScheduleRun.UNDER_WAY).exists():
            raise ConflictError(
                _("A schedule run is already under way for this event."),
                code=EventErrorCode.RUN_IN_PROGRESS,
            )
        if not event.slots.exists():
            raise ApplicationError(
                _("Add meeting slots before running the schedule."),
                details={"mode": [str(_("The event has no slots."))]},
            )
        run = ScheduleRun.objects.create(
            event=event,
            requested_by=requested_by,
            mode=mode,
            time_limit_s=time_limit_s,
            base_version=event.schedule_version,
        )
        run_id = run.pk
        transaction.on_commit(lambda: run_schedule.enqueue(run_id=run_id))
    return run


def schedule_run_cancel(*, viewer: Viewer, run: ScheduleRun, cancelled_by: Any) -> ScheduleRun:
    """Cancel a run queued or running (the event's operators): it is over at once and the event is
    free for a new run; a worker still solving it writes nothing. A run already over is returned
    as it is (cancelling twice, or after the end, changes nothing)."""
    access.access_event_operated(viewer, run.event)
    with transaction.atomic():
        run = ScheduleRun.objects.select_for_update().get(pk=run.pk)
        if run.status in ScheduleRun.UNDER_WAY:
            run.status = ScheduleRun.Status.CANCELLED
            run.cancelled_by = cancelled_by
            run.finished_at = clock.now()
            run.save(update_fields=["status", "cancelled_by", "finished_at", "updated_at"])
    return run


def schedule_run_execute(*, run_id: int) -> ScheduleRun:
    """Solve and write back. Idempotent: a run already over (done, failed, cancelled) is returned
    untouched. Whatever goes wrong marks the run failed with the reason and writes no meeting: a
    problem the solver refuses, a schedule changed meanwhile (a conflict instead of overwriting
    edits), any exception. A run cancelled or reaped while it solved writes nothing."""
    with transaction.atomic():
        run = ScheduleRun.objects.select_for_update().get(pk=run_id)
        if run.status not in ScheduleRun.UNDER_WAY:
            return run
        run.status = ScheduleRun.Status.RUNNING
        run.started_at = clock.now()
        run.save(update_fields=["status", "started_at", "updated_at"])
    try:
        return _solve_and_write(run)
    except domain.ProblemError as exc:
        return _fail(run, str(exc))
    except Exception as exc:
        logger.exception("schedule run %s failed", run.pk)
        return _fail(
            run,
            str(_("The run stopped on an error: %(error)s"))
            % {"error": f"{type(exc).__name__}: {exc}"},
        )


def _solve_and_write(run: ScheduleRun) -> ScheduleRun:
    event = run.event
    keep_scheduled = run.mode == ScheduleRun.Mode.UNBOOKED
    built = build_problem(event, keep_scheduled=keep_scheduled)
    result = solve(built.problem, time_limit_s=run.time_limit_s, seed=run.pk, threads=1)
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        current = ScheduleRun.objects.select_for_update().get(pk=run.pk)
        if current.status != ScheduleRun.Status.RUNNING:  # cancelled or reaped meanwhile
            return current
        if locked.schedule_version != run.base_version:
            conflict = True
        else:
            conflict = False
            _write_back(run, event, built, result, keep_scheduled)
    if conflict:
        return _fail(
            run,
            str(
                _(
                    "The schedule was changed while the run was solving; nothing was written. "
                    "Run it again."
                )
            ),
        )
    return run


def _write_back(
    run: ScheduleRun, event: Event, built: BuiltProblem, result: Any, keep_scheduled: bool
) -> None:
    weights = built.problem.pair_weights()
    kept_keys = {
        domain.pair_key(str(m.participant_a_id), str(m.participant_b_id)) for m in built.kept
    }
    if not keep_scheduled:
        event.meetings.filter(
            status=Meeting.Status.SCHEDULED, source=Meeting.Source.SCHEDULED
        ).delete()
    new_rows = []
    for meeting in result.meetings:
        if meeting.pair in kept_keys:
            continue
        a, b = sorted([int(meeting.a), int(meeting.b)])
        new_rows.append(
            Meeting(
                event=event,
                participant_a_id=a,
                participant_b_id=b,
                slot=built.slots[meeting.slot],
                table=meeting.table + 1,
                status=Meeting.Status.SCHEDULED,
                source=Meeting.Source.SCHEDULED,
                schedule_run=run,
                weight=weights.get(meeting.pair, 0),
            )
        )
    Meeting.objects.bulk_create(new_rows)
    Event.objects.filter(pk=event.pk).update(schedule_version=F("schedule_version") + 1)
    run.status = ScheduleRun.Status.DONE
    run.solve_status = result.status.value
    run.objective = result.objective
    run.upper_bound = result.upper_bound
    run.seconds = round(result.seconds, 3)
    run.meetings_written = len(new_rows)
    run.finished_at = clock.now()
    run.save()


def _fail(run: ScheduleRun, message: str) -> ScheduleRun:
    """Mark the run failed with `message`, unless it is over already (cancelled meanwhile)."""
    ScheduleRun.objects.filter(pk=run.pk, status__in=ScheduleRun.UNDER_WAY).update(
        status=ScheduleRun.Status.FAILED,
        error=message[:2000],
        finished_at=clock.now(),
        updated_at=clock.now(),
    )
    run.refresh_from_db()
    return run


def unbooked_participants(event: Event) -> Any:
    """Validated participants without any active meeting (for the operator's overview)."""
    busy = Meeting.objects.filter(event=event, status__in=Meeting.ACTIVE_STATUSES)
    return Participant.objects.filter(
        registration__event=event, registration__status=Registration.Status.VALIDATED
    ).exclude(Q(pk__in=busy.values("participant_a")) | Q(pk__in=busy.values("participant_b")))
