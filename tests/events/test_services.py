"""Services of docking events: agenda validation, registration, requests, schedule, meetings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import cast

import pytest
from django.utils import translation

from clusterlink.accounts.access import Viewer
from clusterlink.common import clock
from clusterlink.common.errors import ApplicationError, ConflictError
from clusterlink.domain.scheduling.problem import pair_key
from clusterlink.events import scheduling, selectors, services
from clusterlink.events.models import (
    Event,
    EventSession,
    Meeting,
    MeetingRequest,
    Participant,
    Registration,
    ScheduleRun,
    Slot,
)
from tests.accounts.factories import UserFactory
from tests.directory.factories import ClusterFactory, EnterpriseFactory
from tests.events.factories import (
    ADMIN,
    EventFactory,
    ParticipantFactory,
    SessionFactory,
    SlotFactory,
    at,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 25, 4, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    with clock.frozen(NOW), translation.override("en"):
        yield


def test_session_overlapping_another_is_refused_and_nothing_written() -> None:
    # given an event with an opening 09:00–10:00
    session = SessionFactory(
        kind=EventSession.Kind.OPENING, starts_at=at(10, 9), ends_at=at(10, 10)
    )
    event = session.event
    # when a speech 09:30–10:30 is added
    with pytest.raises(ApplicationError) as info:
        services.event_session_save(
            viewer=ADMIN,
            event=event,
            kind=EventSession.Kind.SPEECH,
            title_zh="主旨演讲",
            starts_at=at(10, 9, 30),
            ends_at=at(10, 10, 30),
        )
    # then the error names the start field and the clashing session; only the opening exists
    assert info.value.code == "event_session_overlap"
    assert info.value.details["starts_at"] == [
        "Overlaps the session 一对一洽谈 (2026-12-10 09:00–10:00)."
    ]
    assert EventSession.objects.count() == 1


def test_session_back_to_back_is_accepted() -> None:
    session = SessionFactory(starts_at=at(10, 9), ends_at=at(10, 10))
    added = services.event_session_save(
        viewer=ADMIN,
        event=session.event,
        kind=EventSession.Kind.SPEECH,
        title_zh="主旨演讲",
        starts_at=at(10, 10),
        ends_at=at(10, 11),
    )
    assert list(session.event.sessions.values_list("pk", flat=True)) == [session.pk, added.pk]


def test_session_place_is_shown_in_the_reader_s_language() -> None:
    session = services.event_session_save(
        viewer=ADMIN,
        event=EventFactory(),
        kind=EventSession.Kind.SPEECH,
        title_zh="主旨演讲",
        starts_at=at(10, 10),
        ends_at=at(10, 11),
        place_zh=" 主会场 ",
        place_en="Main hall",
        place_ja="メイン会場",
    )
    shown = {}
    for language in ("zh-hans", "en", "ja"):
        with translation.override(language):
            shown[language] = session.place
    assert shown == {"zh-hans": "主会场", "en": "Main hall", "ja": "メイン会場"}


def test_slots_outside_the_event_are_refused_and_none_written() -> None:
    # given an event on 10–11 December
    event = EventFactory()
    # when six 30-minute slots start on 11 December at 21:30 (the last ones run past midnight)
    with pytest.raises(ApplicationError) as info:
        services.slots_generate(
            viewer=ADMIN, event=event, starts_at=at(11, 21, 30), minutes=30, count=6
        )
    # then the first slot outside is named and no slot was written
    assert info.value.code == "event_outside_dates"
    assert info.value.details == {
        "ends_at": [
            "Slot 5 (2026-12-11 23:30) on 2026-12-12 is outside the event (2026-12-10 to 2026-12-11)."
        ]
    }
    assert Slot.objects.count() == 0


def test_session_ending_before_it_starts_is_located_on_its_end() -> None:
    # given an event on 10–11 December
    event = EventFactory()
    # when a session is saved ending an hour before it starts
    with pytest.raises(ApplicationError) as info:
        services.event_session_save(
            viewer=ADMIN,
            event=event,
            kind=EventSession.Kind.EXHIBITION,
            title_zh="品牌展",
            starts_at=at(10, 10),
            ends_at=at(10, 9),
        )
    # then the end carries the one error (not the database constraint's name) and nothing is saved
    assert info.value.details == {"ends_at": ["The end must be after the start."]}
    assert EventSession.objects.count() == 0


def test_slots_outside_the_event_get_their_code_in_any_language() -> None:
    event = EventFactory()
    with translation.override("zh-hans"), pytest.raises(ApplicationError) as info:
        services.slots_generate(
            viewer=ADMIN, event=event, starts_at=at(11, 23), minutes=60, count=2
        )
    assert info.value.code == "event_outside_dates"
    assert list(info.value.details) == ["ends_at"]


def test_slots_generated_with_breaks() -> None:
    event = EventFactory()
    slots = services.slots_generate(
        viewer=ADMIN, event=event, starts_at=at(10, 14), minutes=20, count=3, break_minutes=5
    )
    assert [(s.starts_at, s.ends_at) for s in slots] == [
        (at(10, 14), at(10, 14, 20)),
        (at(10, 14, 25), at(10, 14, 45)),
        (at(10, 14, 50), at(10, 15, 10)),
    ]


def test_registration_of_several_representatives_with_availability() -> None:
    event = EventFactory()
    first, second = SlotFactory(event=event), SlotFactory(event=event)
    firm = EnterpriseFactory()
    user = UserFactory()
    viewer = Viewer(user_id=user.pk, enterprise_ids=frozenset({firm.pk}))
    registration = services.registration_create(
        event=event,
        enterprise=firm,
        viewer=viewer,
        registered_by=user,
        representatives=[
            services.RepresentativeInput(name="林经理", role="supplier", slot_ids=[second.pk]),
            services.RepresentativeInput(name="陈总", role="supplier", max_meetings=2),
        ],
    )
    assert registration.status == Registration.Status.PENDING
    people = list(registration.participants.order_by("pk"))
    assert [(p.name, p.max_meetings) for p in people] == [("林经理", 4), ("陈总", 2)]
    assert [list(p.available_slots.values_list("pk", flat=True)) for p in people] == [
        [second.pk],
        [first.pk, second.pk],
    ]


def test_registration_by_a_non_member_is_refused() -> None:
    event = EventFactory()
    firm = EnterpriseFactory()
    with pytest.raises(ApplicationError) as info:
        services.registration_create(
            event=event,
            enterprise=firm,
            viewer=Viewer(user_id=1),
            registered_by=None,
            representatives=[services.RepresentativeInput(name="X", role="buyer")],
        )
    assert (info.value.status, info.value.details) == (
        400,
        {"enterprise_id": ["You can only register a firm you are a member of."]},
    )
    assert Registration.objects.count() == 0


def test_registration_with_a_bad_representative_writes_nothing() -> None:
    event = EventFactory()
    firm = EnterpriseFactory()
    with pytest.raises(ApplicationError) as info:
        services.registration_create(
            event=event,
            enterprise=firm,
            viewer=Viewer(user_id=1, enterprise_ids=frozenset({firm.pk})),
            registered_by=None,
            representatives=[
                services.RepresentativeInput(name="林经理", role="supplier"),
                services.RepresentativeInput(name="", role="pilot"),
            ],
        )
    assert sorted(info.value.details) == ["representatives.1.name", "representatives.1.role"]
    assert (Registration.objects.count(), Participant.objects.count()) == (0, 0)


def test_registration_closed_is_refused() -> None:
    event = EventFactory(status=Event.Status.REGISTRATION_CLOSED)
    firm = EnterpriseFactory()
    with pytest.raises(ApplicationError) as info:
        services.registration_create(
            event=event,
            enterprise=firm,
            viewer=Viewer(user_id=1, enterprise_ids=frozenset({firm.pk})),
            registered_by=None,
            representatives=[services.RepresentativeInput(name="X", role="buyer")],
        )
    assert info.value.code == "event_registration_closed"
    assert Registration.objects.count() == 0


def _pair(event: Event | None = None) -> tuple[Participant, Participant]:
    event = event or cast(Event, EventFactory())
    buyer = ParticipantFactory(registration__event=event, role="buyer")
    supplier = ParticipantFactory(registration__event=event)
    return buyer, supplier


def test_request_to_oneself_or_a_colleague_is_refused() -> None:
    buyer, _supplier = _pair()
    colleague = ParticipantFactory(registration=buyer.registration)
    for target in (buyer, colleague):
        with pytest.raises(ApplicationError) as info:
            services.meeting_request_set(
                viewer=ADMIN, from_participant=buyer, to_participant=target, preference="must"
            )
        assert info.value.code == "event_request_to_self"
    assert MeetingRequest.objects.count() == 0


@pytest.mark.parametrize("status", [Registration.Status.PENDING, Registration.Status.REJECTED])
def test_request_to_a_firm_not_validated_is_refused_without_naming_it(status: str) -> None:
    # given a validated buyer and a representative of a firm pending (or rejected) at the event
    buyer, _ = _pair()
    firm = EnterpriseFactory(legal_name="莆田待审鞋业有限公司", name_en="Pending Shoes")
    pending = ParticipantFactory(
        registration__event=buyer.registration.event,
        registration__enterprise=firm,
        registration__status=status,
        name="待审代表",
    )
    viewer = Viewer(user_id=1, enterprise_ids=frozenset({buyer.registration.enterprise_id}))
    # when the buyer's firm asks to meet that representative
    with pytest.raises(ApplicationError) as info:
        services.meeting_request_set(
            viewer=viewer, from_participant=buyer, to_participant=pending, preference="meet"
        )
    # then it is refused as an unknown person would be: neither the firm nor the person named
    assert (info.value.code, str(info.value.message), info.value.details) == (
        "event_not_registered",
        "Some fields are not valid.",
        {"to_participant": ["No participant of this event has this id."]},
    )
    assert "待审" not in str(info.value.as_dict()) and "Pending" not in str(info.value.as_dict())
    assert MeetingRequest.objects.count() == 0


def test_pending_registrant_is_not_named_among_counterparts_or_received_requests() -> None:
    # given a buyer, a validated supplier, and a supplier whose request was made while validated
    buyer, supplier = _pair()
    later_pending = ParticipantFactory(registration__event=buyer.registration.event)
    services.meeting_request_set(
        viewer=ADMIN, from_participant=later_pending, to_participant=buyer, preference="must"
    )
    services.meeting_request_set(
        viewer=ADMIN, from_participant=supplier, to_participant=buyer, preference="meet"
    )
    # when the operators set that firm's registration back to pending
    Registration.objects.filter(pk=later_pending.registration_id).update(
        status=Registration.Status.PENDING
    )
    # then the buyer sees only the validated supplier, as counterpart and as sender
    assert [p.pk for p in selectors.counterpart_list(participant=buyer)] == [supplier.pk]
    assert [r.from_participant_id for r in selectors.requests_received(buyer)] == [supplier.pk]


def test_a_firm_awaiting_cluster_approval_is_not_named_to_other_participants() -> None:
    # given a buyer, a validated supplier, and a validated firm whose cluster membership is
    # pending, which asked the buyer to meet
    buyer, supplier = _pair()
    pending = ParticipantFactory(
        registration__event=buyer.registration.event,
        registration__enterprise__cluster_status="pending",
    )
    services.meeting_request_set(
        viewer=ADMIN, from_participant=supplier, to_participant=buyer, preference="meet"
    )
    MeetingRequest.objects.create(
        event=buyer.registration.event,
        from_participant=pending,
        to_participant=buyer,
        preference=MeetingRequest.Preference.MUST,
        expires_at=NOW + dt.timedelta(days=7),
    )
    # then the buyer sees only the approved supplier, as counterpart and as sender
    assert [p.pk for p in selectors.counterpart_list(participant=buyer)] == [supplier.pk]
    assert [r.from_participant_id for r in selectors.requests_received(buyer)] == [supplier.pk]
    # and asking to meet the pending firm's representative answers like an unknown id
    assert selectors.request_target_get(buyer.registration.event, pending.pk) is None
    with pytest.raises(ApplicationError) as info:
        services.meeting_request_set(
            viewer=ADMIN, from_participant=buyer, to_participant=pending, preference="must"
        )
    assert info.value.details == {"to_participant": ["No participant of this event has this id."]}
    assert MeetingRequest.objects.filter(from_participant=buyer).count() == 0


def test_request_cap_counts_only_live_must_and_meet() -> None:
    # given an event allowing 2 open requests
    event = EventFactory(max_requests=2, request_valid_days=3)
    buyer = ParticipantFactory(registration__event=event, role="buyer")
    a, b, c, d = (ParticipantFactory(registration__event=event) for _ in range(4))
    services.meeting_request_set(
        viewer=ADMIN, from_participant=buyer, to_participant=a, preference="must"
    )
    services.meeting_request_set(
        viewer=ADMIN, from_participant=buyer, to_participant=b, preference="meet"
    )
    # a veto does not count against the cap
    services.meeting_request_set(
        viewer=ADMIN, from_participant=buyer, to_participant=c, preference="no"
    )
    # when a third must-meet is asked
    with pytest.raises(ApplicationError) as info:
        services.meeting_request_set(
            viewer=ADMIN, from_participant=buyer, to_participant=d, preference="must"
        )
    assert info.value.code == "event_request_cap"
    assert MeetingRequest.objects.filter(to_participant=d).count() == 0
    # changing an existing request is not a new one
    services.meeting_request_set(
        viewer=ADMIN, from_participant=buyer, to_participant=a, preference="meet"
    )
    # once the first two expired they stop counting
    with clock.frozen(NOW + dt.timedelta(days=4)):
        services.meeting_request_set(
            viewer=ADMIN, from_participant=buyer, to_participant=d, preference="must"
        )
    assert MeetingRequest.objects.filter(from_participant=buyer).count() == 4


def _scheduled_world() -> tuple[Event, list[Slot], list[Participant]]:
    event = EventFactory(meeting_tables=1)
    slots = [SlotFactory(event=event) for _ in range(2)]
    buyer = ParticipantFactory(registration__event=event, role="buyer", max_meetings=2)
    s1 = ParticipantFactory(registration__event=event)
    s2 = ParticipantFactory(registration__event=event, available_slots=[slots[1]])
    s3 = ParticipantFactory(registration__event=event)
    services.meeting_request_set(
        viewer=ADMIN, from_participant=buyer, to_participant=s1, preference="must"
    )
    services.meeting_request_set(
        viewer=ADMIN, from_participant=buyer, to_participant=s2, preference="meet"
    )
    services.meeting_request_set(
        viewer=ADMIN, from_participant=s2, to_participant=buyer, preference="must"
    )
    services.meeting_request_set(
        viewer=ADMIN, from_participant=buyer, to_participant=s3, preference="must"
    )
    services.meeting_request_set(
        viewer=ADMIN, from_participant=s3, to_participant=buyer, preference="no"
    )
    return event, slots, cast(list[Participant], [buyer, s1, s2, s3])


def test_problem_built_from_rows_has_weights_vetoes_and_availability() -> None:
    event, _slots, (buyer, s1, s2, s3) = _scheduled_world()
    built = scheduling.build_problem(event, keep_scheduled=False)
    key = lambda x, y: tuple(sorted([str(x.pk), str(y.pk)]))  # noqa: E731
    assert built.problem.pair_weights() == {key(buyer, s1): 3, key(buyer, s2): 4}
    assert key(buyer, s3) in built.problem.vetoed_pairs()
    assert built.problem.participant(str(s2.pk)).available == frozenset({1})
    assert built.problem.tables == 1


def test_schedule_run_writes_meetings_and_reports_bound(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    event, slots, (buyer, s1, s2, _s3) = _scheduled_world()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = scheduling.schedule_run_start(
            viewer=ADMIN, event=event, requested_by=None, mode=ScheduleRun.Mode.FULL, time_limit_s=5
        )
    assert len(callbacks) == 1  # the task is queued after the commit
    run = scheduling.schedule_run_execute(run_id=run.pk)
    assert (run.status, run.objective, run.upper_bound, run.meetings_written) == ("done", 7, 7, 2)
    meetings = {
        (
            m.participant_b_id if m.participant_a_id == buyer.pk else m.participant_a_id,
            m.slot_id,
            m.table,
            m.weight,
        )
        for m in Meeting.objects.all()
    }
    assert meetings == {(s1.pk, slots[0].pk, 1, 3), (s2.pk, slots[1].pk, 1, 4)}
    # running the same task again changes nothing (idempotent)
    again = scheduling.schedule_run_execute(run_id=run.pk)
    assert (again.status, Meeting.objects.count()) == ("done", 2)


def test_rerun_for_unbooked_slots_keeps_confirmed_meetings() -> None:
    event, slots, (_buyer, _s1, s2, _s3) = _scheduled_world()
    run = scheduling.schedule_run_start(
        viewer=ADMIN, event=event, requested_by=None, mode="full", time_limit_s=5
    )
    scheduling.schedule_run_execute(run_id=run.pk)
    kept = (
        Meeting.objects.get(participant_a__in=[s2], slot=slots[1])
        if Meeting.objects.filter(participant_a=s2).exists()
        else Meeting.objects.get(participant_b=s2)
    )
    services.meeting_set_status(
        viewer=ADMIN, meeting=kept, status="confirmed", expected_version=kept.version
    )
    other = Meeting.objects.exclude(pk=kept.pk).get()
    services.meeting_set_status(
        viewer=ADMIN, meeting=other, status="cancelled", expected_version=other.version
    )
    # when the operator re-runs for unbooked slots only
    run = scheduling.schedule_run_start(
        viewer=ADMIN, event=event, requested_by=None, mode="unbooked", time_limit_s=5
    )
    run = scheduling.schedule_run_execute(run_id=run.pk)
    # then the confirmed meeting stays where it was and the free slot is filled again
    kept.refresh_from_db()
    assert (kept.status, kept.slot_id, kept.table) == ("confirmed", slots[1].pk, 1)
    assert run.meetings_written == 1
    assert Meeting.objects.filter(status="scheduled", slot=slots[0]).count() == 1


def test_run_conflicts_when_the_schedule_changed_meanwhile() -> None:
    event, _slots, _people = _scheduled_world()
    run = scheduling.schedule_run_start(
        viewer=ADMIN, event=event, requested_by=None, mode="full", time_limit_s=5
    )
    Event.objects.filter(pk=event.pk).update(schedule_version=5)  # another operator's edit
    run = scheduling.schedule_run_execute(run_id=run.pk)
    assert run.status == "failed"
    assert "changed while the run was solving" in run.error
    assert Meeting.objects.count() == 0


def test_second_run_while_one_is_queued_is_refused() -> None:
    event, _slots, _people = _scheduled_world()
    scheduling.schedule_run_start(
        viewer=ADMIN, event=event, requested_by=None, mode="full", time_limit_s=5
    )
    with pytest.raises(ConflictError):
        scheduling.schedule_run_start(
            viewer=ADMIN, event=event, requested_by=None, mode="full", time_limit_s=5
        )
    assert ScheduleRun.objects.count() == 1


def test_pairs_that_met_at_an_earlier_event_are_not_scheduled() -> None:
    # given the two firms held a meeting at last year's event
    old = EventFactory(starts_on=dt.date(2025, 12, 10), ends_on=dt.date(2025, 12, 10))
    old_slot = SlotFactory(
        event=old,
        starts_at=dt.datetime(2025, 12, 10, 6, tzinfo=dt.UTC),
        ends_at=dt.datetime(2025, 12, 10, 7, tzinfo=dt.UTC),
    )
    buyer_firm, supplier_firm = EnterpriseFactory(), EnterpriseFactory()
    a = ParticipantFactory(registration__event=old, registration__enterprise=buyer_firm)
    b = ParticipantFactory(registration__event=old, registration__enterprise=supplier_firm)
    Meeting.objects.create(
        event=old, participant_a=a, participant_b=b, slot=old_slot, table=1, status="held"
    )
    event = EventFactory()
    SlotFactory(event=event)
    buyer = ParticipantFactory(
        registration__event=event, registration__enterprise=buyer_firm, role="buyer"
    )
    supplier = ParticipantFactory(registration__event=event, registration__enterprise=supplier_firm)
    services.meeting_request_set(
        viewer=ADMIN, from_participant=buyer, to_participant=supplier, preference="must"
    )
    built = scheduling.build_problem(event, keep_scheduled=False)
    # The scheduler's ids are strings; a pair is keyed in their string order ('100' < '99').
    assert built.problem.met_before == (pair_key(str(buyer.pk), str(supplier.pk)),)
    assert built.problem.pair_weights() == {}


def test_two_operators_editing_one_meeting_one_wins() -> None:
    event, slots, (buyer, s1, _s2, _s3) = _scheduled_world()
    meeting = Meeting.objects.create(
        event=event, participant_a=buyer, participant_b=s1, slot=slots[0], table=1
    )
    seen_by_both = meeting.version
    services.meeting_set_status(
        viewer=ADMIN, meeting=meeting, status="cancelled", expected_version=seen_by_both
    )
    with pytest.raises(ConflictError) as info:
        services.meeting_move(
            viewer=ADMIN, meeting=meeting, slot=slots[1], table=1, expected_version=seen_by_both
        )
    assert info.value.code == "event_schedule_conflict"
    meeting.refresh_from_db()
    assert (meeting.status, meeting.slot_id) == ("cancelled", slots[0].pk)


def test_double_booking_by_move_or_walk_in_is_refused() -> None:
    event, slots, (buyer, s1, s2, s3) = _scheduled_world()
    event.meeting_tables = 2
    event.save()
    first = Meeting.objects.create(
        event=event, participant_a=buyer, participant_b=s1, slot=slots[0], table=1
    )
    second = Meeting.objects.create(
        event=event, participant_a=buyer, participant_b=s2, slot=slots[1], table=1
    )
    with pytest.raises(ConflictError) as info:
        services.meeting_move(
            viewer=ADMIN, meeting=second, slot=slots[0], table=2, expected_version=0
        )
    assert info.value.code == "event_double_booking"
    with pytest.raises(ConflictError):
        services.meeting_walk_in(
            viewer=ADMIN, event=event, participant_a=s3, participant_b=s1, slot=slots[0]
        )
    second.refresh_from_db()
    assert (second.slot_id, Meeting.objects.count(), first.slot_id) == (slots[1].pk, 2, slots[0].pk)


def test_walk_in_takes_a_free_table() -> None:
    event, slots, (buyer, s1, s2, s3) = _scheduled_world()
    event.meeting_tables = 3
    event.save()
    Meeting.objects.create(
        event=event, participant_a=buyer, participant_b=s1, slot=slots[0], table=1
    )
    walk_in = services.meeting_walk_in(
        viewer=ADMIN, event=event, participant_a=s3, participant_b=s2, slot=slots[0]
    )
    assert (walk_in.table, walk_in.source, walk_in.status) == (2, "walk_in", "confirmed")


def test_outcome_marks_the_meeting_held() -> None:
    event, slots, (buyer, s1, _s2, _s3) = _scheduled_world()
    meeting = Meeting.objects.create(
        event=event, participant_a=buyer, participant_b=s1, slot=slots[0], table=1
    )
    services.meeting_record_outcome(
        viewer=ADMIN,
        meeting=meeting,
        interest_level="high",
        next_step="samples",
        notes="样品下周寄出",
    )
    meeting.refresh_from_db()
    assert (meeting.status, meeting.interest_level, meeting.next_step, meeting.version) == (
        "held",
        "high",
        "samples",
        1,
    )


def test_check_in_by_qr_token_once() -> None:
    event, _slots, (buyer, *_rest) = _scheduled_world()
    person, first = services.participant_check_in(
        viewer=ADMIN, event=event, checked_in_by=None, qr_token=buyer.qr_token
    )
    again, second = services.participant_check_in(
        viewer=ADMIN, event=event, checked_in_by=None, qr_token=buyer.qr_token
    )
    assert (person.pk, first, second, again.checked_in_at) == (buyer.pk, True, False, NOW)
    with pytest.raises(ApplicationError) as info:
        services.participant_check_in(
            viewer=ADMIN, event=event, checked_in_by=None, qr_token="nope"
        )
    assert info.value.code == "event_unknown_check_in"


def test_event_create_requires_an_operated_cluster() -> None:
    mine, other = ClusterFactory(slug="putian"), ClusterFactory(slug="quanzhou")
    fields = dict(
        name_zh="对接会",
        slug="dj",
        starts_on=dt.date(2026, 12, 1),
        ends_on=dt.date(2026, 12, 1),
        venue_zh="莆田",
    )
    with pytest.raises(ApplicationError) as info:
        services.event_create(
            viewer=Viewer(user_id=1, operator_cluster_ids=frozenset({mine.pk})),
            created_by=None,
            cluster_ids=[other.pk],
            **fields,
        )
    assert list(info.value.details) == ["clusters"]
    assert Event.objects.count() == 0
    with pytest.raises(ApplicationError) as info:
        services.event_create(
            viewer=Viewer(user_id=1, operator_cluster_ids=frozenset({mine.pk})),
            created_by=None,
            cluster_ids=[mine.pk],
            **{**fields, "ends_on": dt.date(2026, 11, 30)},
        )
    assert info.value.details == {"ends_on": ["The last day cannot be before the first."]}
    assert Event.objects.count() == 0
    event = services.event_create(
        viewer=Viewer(user_id=1, operator_cluster_ids=frozenset({mine.pk})),
        created_by=None,
        cluster_ids=[mine.pk],
        **fields,
    )
    assert list(event.clusters.values_list("slug", flat=True)) == ["putian"]


def test_an_events_clusters_are_all_its_creators() -> None:
    # given an operator of Putian only
    mine, other = ClusterFactory(slug="putian"), ClusterFactory(slug="quanzhou")
    operator = Viewer(user_id=1, operator_cluster_ids=frozenset({mine.pk}))
    fields = dict(
        name_zh="对接会",
        starts_on=dt.date(2026, 12, 1),
        ends_on=dt.date(2026, 12, 1),
        venue_zh="莆田",
    )
    # when he creates an event of his cluster and another one, it is refused, nothing written
    with pytest.raises(ApplicationError) as info:
        services.event_create(
            viewer=operator, created_by=None, cluster_ids=[mine.pk, other.pk], slug="dj", **fields
        )
    assert info.value.details == {"clusters": ["You can only choose clusters you operate."]}
    assert Event.objects.count() == 0
    # nor can he add the other cluster to his event later
    event = services.event_create(
        viewer=operator, created_by=None, cluster_ids=[mine.pk], slug="dj", **fields
    )
    with pytest.raises(ApplicationError) as info:
        services.event_update(event=event, viewer=operator, cluster_ids=[mine.pk, other.pk])
    assert info.value.details == {"clusters": ["You can only choose clusters you operate."]}
    assert list(event.clusters.values_list("slug", flat=True)) == ["putian"]
    # while the platform admin creates events of several clusters, which a co-operator edits
    joint = services.event_create(
        viewer=ADMIN, created_by=None, cluster_ids=[mine.pk, other.pk], slug="joint", **fields
    )
    services.event_update(
        event=joint, viewer=operator, cluster_ids=[mine.pk, other.pk], name_zh="联合对接会"
    )
    joint.refresh_from_db()
    assert joint.name_zh == "联合对接会"
    assert sorted(joint.clusters.values_list("slug", flat=True)) == ["putian", "quanzhou"]


def test_an_operator_registers_only_firms_of_the_clusters_he_operates() -> None:
    # given an event of Putian and Quanzhou, run by a Putian operator, and a firm of each
    putian, quanzhou = ClusterFactory(slug="putian"), ClusterFactory(slug="quanzhou")
    event = EventFactory(clusters=[putian, quanzhou])
    operator = Viewer(user_id=1, operator_cluster_ids=frozenset({putian.pk}))
    own, foreign = EnterpriseFactory(cluster=putian), EnterpriseFactory(cluster=quanzhou)
    rep = [services.RepresentativeInput(name="代表", role="supplier")]
    # when he registers the Quanzhou firm, it is refused like no firm at all
    answers = []
    for firm in (foreign, None):
        with pytest.raises(ApplicationError) as info:
            services.registration_create(
                event=event,
                enterprise=firm,
                viewer=operator,
                registered_by=None,
                representatives=rep,
            )
        answers.append((info.value.code, str(info.value.message), info.value.details))
    assert answers[0] == answers[1]
    assert Registration.objects.count() == 0
    # while his own cluster's firm he registers
    registration = services.registration_create(
        event=event, enterprise=own, viewer=operator, registered_by=None, representatives=rep
    )
    assert list(Registration.objects.values_list("pk", "enterprise")) == [(registration.pk, own.pk)]


def test_session_outside_the_event_is_refused_and_nothing_written() -> None:
    # given an event on 10–11 December
    event = EventFactory()
    # when a session is put on 12 December
    with pytest.raises(ApplicationError) as info:
        services.event_session_save(
            viewer=ADMIN,
            event=event,
            kind=EventSession.Kind.EXHIBITION,
            title_zh="品牌展",
            starts_at=at(12, 9),
            ends_at=at(12, 17),
        )
    # then both ends are named and no session exists
    assert info.value.details == {
        "starts_at": ["The session on 2026-12-12 is outside the event (2026-12-10 to 2026-12-11)."],
        "ends_at": ["The session on 2026-12-12 is outside the event (2026-12-10 to 2026-12-11)."],
    }
    assert EventSession.objects.count() == 0


def test_slot_reads_in_the_events_local_time() -> None:
    # stored in UTC (06:00Z), read in China time: forms and error messages show this text
    slot = SlotFactory(starts_at=at(10, 14), ends_at=at(10, 14, 20))
    slot.refresh_from_db()
    assert str(slot) == "2026-12-10 14:00–14:20"


def test_request_to_a_representative_of_another_event_is_refused() -> None:
    buyer, _ = _pair()
    elsewhere = ParticipantFactory()  # validated, but at another event
    with pytest.raises(ApplicationError) as info:
        services.meeting_request_set(
            viewer=ADMIN, from_participant=buyer, to_participant=elsewhere, preference="must"
        )
    assert (info.value.code, str(info.value.message), info.value.details) == (
        "event_not_registered",
        "Some fields are not valid.",
        {"to_participant": ["No participant of this event has this id."]},
    )
    assert MeetingRequest.objects.count() == 0


@pytest.mark.parametrize("status", [Registration.Status.PENDING, Registration.Status.REJECTED])
def test_walk_in_with_a_representative_of_a_firm_not_registered_is_refused(status: str) -> None:
    # given a validated buyer and a representative whose firm is pending or rejected
    event, slots, (buyer, _s1, _s2, _s3) = _scheduled_world()
    outsider = ParticipantFactory(registration__event=event, registration__status=status)
    # when the desk books them a walk-in meeting
    with pytest.raises(ApplicationError) as info:
        services.meeting_walk_in(
            viewer=ADMIN, event=event, participant_a=buyer, participant_b=outsider, slot=slots[0]
        )
    # then the representative is named and no meeting was written
    assert info.value.code == "event_not_registered"
    assert info.value.details == {"participant_b": ["Not a validated participant."]}
    assert str(info.value.message) == (
        f"{outsider.name} is not a validated participant of this event."
    )
    assert Meeting.objects.count() == 0
    assert Event.objects.get(pk=event.pk).schedule_version == event.schedule_version


def test_walk_in_with_a_representative_of_another_event_is_refused() -> None:
    event, slots, (buyer, _s1, _s2, _s3) = _scheduled_world()
    elsewhere = ParticipantFactory()
    with pytest.raises(ApplicationError) as info:
        services.meeting_walk_in(
            viewer=ADMIN, event=event, participant_a=elsewhere, participant_b=buyer, slot=slots[0]
        )
    assert (info.value.code, info.value.details) == (
        "event_not_registered",
        {"participant_a": ["Not a validated participant."]},
    )
    assert Meeting.objects.count() == 0


def test_walk_in_of_a_representative_with_a_colleague_is_refused() -> None:
    event, slots, (buyer, _s1, _s2, _s3) = _scheduled_world()
    colleague = ParticipantFactory(registration=buyer.registration)
    with pytest.raises(ApplicationError) as info:
        services.meeting_walk_in(
            viewer=ADMIN, event=event, participant_a=buyer, participant_b=colleague, slot=slots[0]
        )
    assert info.value.code == "event_request_to_self"
    assert Meeting.objects.count() == 0
