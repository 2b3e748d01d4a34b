"""Two operators editing one schedule at the same moment: one wins, the other gets a clear
conflict, and nothing half-written is left (PostgreSQL, real threads).

Run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/<own db name>; on SQLite the tests
are skipped (SQLite has no row locks to prove anything with)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from clusterlink.common.errors import ApplicationError
from clusterlink.events import scheduling, services
from clusterlink.events.models import Event, Meeting, ScheduleRun
from tests.accounts.factories import UserFactory
from tests.events.factories import ADMIN, EventFactory, ParticipantFactory, SlotFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; each result is the return value or the
    ApplicationError raised."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def worker(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except ApplicationError as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _codes(results: list[Any]) -> list[str]:
    return sorted(r.code if isinstance(r, ApplicationError) else "ok" for r in results)


def test_two_operators_moving_one_meeting_at_once_one_wins() -> None:
    # given a meeting both operators see at version 0, and two free slots
    event = EventFactory(meeting_tables=2)
    slots = [SlotFactory(event=event) for _ in range(3)]
    a = ParticipantFactory(registration__event=event, role="buyer")
    b = ParticipantFactory(registration__event=event)
    meeting = Meeting.objects.create(
        event=event, participant_a=a, participant_b=b, slot=slots[0], table=1
    )
    # when both move it at the same moment, to different slots
    results = _at_once(
        lambda: services.meeting_move(
            viewer=ADMIN, meeting=meeting, slot=slots[1], table=1, expected_version=0
        ),
        lambda: services.meeting_move(
            viewer=ADMIN, meeting=meeting, slot=slots[2], table=2, expected_version=0
        ),
    )
    # then one move is kept whole and the other is a conflict that wrote nothing
    assert _codes(results) == ["event_schedule_conflict", "ok"]
    winner = next(r for r in results if isinstance(r, Meeting))
    meeting.refresh_from_db()
    assert (meeting.slot_id, meeting.table, meeting.version) == (
        winner.slot_id,
        winner.table,
        1,
    )
    assert meeting.history.count() == 2  # created, then the one move
    assert Event.objects.get(pk=event.pk).schedule_version == 1


def test_two_desks_booking_one_table_at_once_one_wins() -> None:
    # given four validated representatives and one table
    event = EventFactory(meeting_tables=1)
    slot = SlotFactory(event=event)
    a, b, c, d = (ParticipantFactory(registration__event=event) for _ in range(4))
    # when two desks book two different pairs on that table at the same moment
    results = _at_once(
        lambda: services.meeting_walk_in(
            viewer=ADMIN, event=event, participant_a=a, participant_b=b, slot=slot, table=1
        ),
        lambda: services.meeting_walk_in(
            viewer=ADMIN, event=event, participant_a=c, participant_b=d, slot=slot, table=1
        ),
    )
    # then exactly one meeting exists and the other desk was told the table is taken
    assert _codes(results) == ["event_double_booking", "ok"]
    assert Meeting.objects.filter(event=event).count() == 1
    assert Event.objects.get(pk=event.pk).schedule_version == 1


def test_two_operators_starting_the_optimiser_at_once_one_run_is_queued() -> None:
    event = EventFactory()
    SlotFactory(event=event)
    first, second = UserFactory(), UserFactory()
    results = _at_once(
        lambda: scheduling.schedule_run_start(
            viewer=ADMIN, event=event, requested_by=first, mode="full"
        ),
        lambda: scheduling.schedule_run_start(
            viewer=ADMIN, event=event, requested_by=second, mode="full"
        ),
    )
    assert _codes(results) == ["event_run_in_progress", "ok"]
    assert ScheduleRun.objects.filter(event=event).count() == 1
