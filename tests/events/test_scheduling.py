"""Schedule runs cannot hang their event: failures, cancel, stale runs (finding 3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from io import StringIO
from typing import Any, cast

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from clusterlink.common import clock
from clusterlink.common.errors import ConflictError
from clusterlink.events import scheduling
from clusterlink.events.models import Event, Meeting, MeetingRequest, Participant, ScheduleRun
from tests.accounts.factories import MembershipFactory, OperatorScopeFactory, UserFactory
from tests.directory.factories import ClusterFactory, EnterpriseFactory
from tests.events.factories import ADMIN, EventFactory, ParticipantFactory, SlotFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 25, 4, 0, tzinfo=dt.UTC)
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STOPPED = (
    "The worker stopped before the run finished (no result after its time limit); "
    "nothing was written. Run it again."
)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    with clock.frozen(NOW), translation.override("en"):
        yield


@pytest.fixture
def event() -> Event:
    """An event of Putian with one slot and a must-meet request between two firms."""
    event = cast(Event, EventFactory(slug="expo", clusters=[ClusterFactory(slug="putian")]))
    SlotFactory(event=event)
    buyer = cast(Participant, ParticipantFactory(registration__event=event, role="buyer"))
    supplier = cast(Participant, ParticipantFactory(registration__event=event))
    MeetingRequest.objects.create(
        event=event,
        from_participant=buyer,
        to_participant=supplier,
        preference="must",
        expires_at=NOW + dt.timedelta(days=3),
    )
    return event


def _start(event: Event, time_limit_s: int = 5) -> ScheduleRun:
    return scheduling.schedule_run_start(
        viewer=ADMIN, event=event, requested_by=None, mode="full", time_limit_s=time_limit_s
    )


@override_settings(TASKS=IMMEDIATE)
def test_a_run_whose_task_raises_is_failed_with_its_reason_and_the_event_is_free(
    event: Event, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    # given a solver that dies on something other than a refused problem
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("solver process lost")

    monkeypatch.setattr(scheduling, "solve", broken)
    # when a run is started and its task runs
    with django_capture_on_commit_callbacks(execute=True):
        run = _start(event)
    # then the run is failed with the reason, no meeting is written, and a new run may start
    run.refresh_from_db()
    assert (run.status, run.error, run.finished_at) == (
        "failed",
        "The run stopped on an error: RuntimeError: solver process lost",
        NOW,
    )
    assert Meeting.objects.count() == 0
    assert Event.objects.get(pk=event.pk).schedule_version == 0
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        again = _start(event)
    again.refresh_from_db()
    assert (again.status, again.meetings_written, ScheduleRun.objects.count()) == ("done", 1, 2)


def _stale_running(event: Event, *, seconds_ago: int) -> ScheduleRun:
    """A run a worker took `seconds_ago` with a 30 s limit, and never finished."""
    started = NOW - dt.timedelta(seconds=seconds_ago)
    return ScheduleRun.objects.create(
        event=event,
        mode="full",
        status=ScheduleRun.Status.RUNNING,
        time_limit_s=30,
        base_version=0,
        created_at=started,
        started_at=started,
    )


LIMIT_PLUS_MARGIN = 30 + int(scheduling.STALE_MARGIN.total_seconds())


def test_a_stale_running_run_is_reaped_on_start_and_the_new_run_queued(event: Event) -> None:
    # given a run whose worker stopped: running for longer than its limit plus the margin
    stale = _stale_running(event, seconds_ago=LIMIT_PLUS_MARGIN + 1)
    # when an operator starts a new run
    run = _start(event)
    # then the stale run is failed (the worker stopped) and the new one is queued
    stale.refresh_from_db()
    assert (stale.status, stale.error, stale.finished_at) == ("failed", STOPPED, NOW)
    assert (run.status, ScheduleRun.objects.count()) == ("queued", 2)


def test_a_run_within_its_limit_plus_margin_is_not_reaped(event: Event) -> None:
    running = _stale_running(event, seconds_ago=LIMIT_PLUS_MARGIN - 1)
    with pytest.raises(ConflictError):
        _start(event)
    running.refresh_from_db()
    assert (running.status, running.error, ScheduleRun.objects.count()) == ("running", "", 1)


def test_the_command_reaps_stale_queued_and_running_runs_only(event: Event) -> None:
    # given a stale running run, a stale queued one of another event, and a fresh queued one
    stale = _stale_running(event, seconds_ago=LIMIT_PLUS_MARGIN + 60)
    other = cast(Event, EventFactory(clusters=list(event.clusters.all())))
    queued_long_ago = ScheduleRun.objects.create(
        event=other,
        mode="full",
        time_limit_s=30,
        base_version=0,
        created_at=NOW - dt.timedelta(seconds=LIMIT_PLUS_MARGIN + 1),
    )
    third = cast(Event, EventFactory(clusters=list(event.clusters.all())))
    fresh = ScheduleRun.objects.create(event=third, mode="full", time_limit_s=30, base_version=0)
    out = StringIO()
    # when the command runs
    call_command("reap_stale_schedule_runs", stdout=out)
    # then the two stale runs are failed and the fresh one is left alone
    statuses = dict(ScheduleRun.objects.values_list("pk", "status"))
    assert statuses == {stale.pk: "failed", queued_long_ago.pk: "failed", fresh.pk: "queued"}
    assert out.getvalue() == "2 stale schedule run(s) marked failed.\n"


def test_the_schedule_page_reaps_a_stale_run(event: Event) -> None:
    stale = _stale_running(event, seconds_ago=LIMIT_PLUS_MARGIN + 1)
    operator = OperatorScopeFactory(cluster=event.clusters.get()).user
    client = Client()
    client.force_login(operator)
    page = client.get(reverse("events:schedule", args=["expo"]))
    stale.refresh_from_db()
    assert (page.status_code, stale.status, stale.error) == (200, "failed", STOPPED)
    assert STOPPED in page.content.decode()


def test_cancel_a_queued_run_frees_the_event(event: Event) -> None:
    # given a queued run
    run = _start(event)
    operator = UserFactory()
    # when it is cancelled
    cancelled = scheduling.schedule_run_cancel(viewer=ADMIN, run=run, cancelled_by=operator)
    # then it is over, the worker does nothing with it, and a new run may start
    assert (cancelled.status, cancelled.cancelled_by_id, cancelled.finished_at) == (
        "cancelled",
        operator.pk,
        NOW,
    )
    after = scheduling.schedule_run_execute(run_id=run.pk)
    assert (after.status, after.started_at, Meeting.objects.count()) == ("cancelled", None, 0)
    assert _start(event).status == "queued"


def test_cancel_a_running_run_writes_nothing(event: Event, monkeypatch: pytest.MonkeyPatch) -> None:
    # given a run that an operator cancels while the worker is solving it
    run = _start(event)
    real_solve = scheduling.solve

    def solve_then_cancelled(*args: Any, **kwargs: Any) -> Any:
        running = ScheduleRun.objects.get(pk=run.pk)
        assert running.status == "running"
        scheduling.schedule_run_cancel(viewer=ADMIN, run=running, cancelled_by=None)
        return real_solve(*args, **kwargs)

    monkeypatch.setattr(scheduling, "solve", solve_then_cancelled)
    # when the worker finishes its solve
    finished = scheduling.schedule_run_execute(run_id=run.pk)
    # then the run stays cancelled and no meeting nor schedule version was written
    assert (finished.status, finished.meetings_written, finished.objective) == (
        "cancelled",
        0,
        None,
    )
    assert Meeting.objects.count() == 0
    assert Event.objects.get(pk=event.pk).schedule_version == 0


def test_cancel_through_the_api_is_for_operators_only(event: Event) -> None:
    run = _start(event)
    member = MembershipFactory(enterprise=EnterpriseFactory()).user
    client = Client()
    client.force_login(member)
    refused = client.post(f"/api/events/expo/schedule-runs/{run.pk}/cancel")
    run.refresh_from_db()
    assert (refused.status_code, run.status) == (404, "queued")
    client.force_login(OperatorScopeFactory(cluster=event.clusters.get()).user)
    done = client.post(f"/api/events/expo/schedule-runs/{run.pk}/cancel")
    assert (done.status_code, done.json()["status"]) == (200, "cancelled")
    assert ScheduleRun.objects.get(pk=run.pk).status == "cancelled"
