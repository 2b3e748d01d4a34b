"""Events API: access rules, double bookings and stale edits are refused with clear errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from clusterlink.common import clock
from clusterlink.events.models import Meeting, MeetingRequest, Registration
from tests.accounts.factories import MembershipFactory, OperatorScopeFactory, UserFactory
from tests.directory.factories import ClusterFactory, EnterpriseFactory
from tests.events.factories import EventFactory, ParticipantFactory, SlotFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 25, 4, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    with clock.frozen(NOW), translation.override("en"):
        yield


def client_for(user: Any) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


@pytest.fixture
def world() -> dict[str, Any]:
    putian = ClusterFactory(slug="putian")
    event = EventFactory(slug="expo", clusters=[putian], meeting_tables=2)
    slots = [SlotFactory(event=event) for _ in range(2)]
    firms = [EnterpriseFactory(cluster=putian) for _ in range(3)]
    users = [MembershipFactory(enterprise=f).user for f in firms]
    people = [
        ParticipantFactory(
            registration__event=event, registration__enterprise=f, user=u, phone=f"1380000000{i}"
        )
        for i, (f, u) in enumerate(zip(firms, users, strict=True))
    ]
    operator = OperatorScopeFactory(cluster=putian).user
    return dict(
        event=event, slots=slots, firms=firms, users=users, people=people, operator=operator
    )


def test_event_list_and_detail_are_public() -> None:
    EventFactory(slug="expo")
    body = Client().get("/api/events/expo").json()
    assert (body["slug"], body["clusters"]) == ("expo", ["putian"])
    assert Client().get("/api/events").json()["count"] == 1


def test_registrations_show_only_own_firm_to_members(world: dict[str, Any]) -> None:
    mine = client_for(world["users"][0]).get("/api/events/expo/registrations").json()
    assert [r["enterprise"]["id"] for r in mine] == [world["firms"][0].pk]
    assert mine[0]["participants"][0]["phone"] == "13800000000"
    everyone = client_for(world["operator"]).get("/api/events/expo/registrations").json()
    assert len(everyone) == 3


def test_register_a_firm_one_is_not_member_of_is_refused(world: dict[str, Any]) -> None:
    outsider = EnterpriseFactory()
    response = client_for(world["users"][0]).post(
        "/api/events/expo/registrations",
        {"enterprise_id": outsider.pk, "representatives": [{"name": "X", "role": "buyer"}]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert list(response.json()["details"]) == ["enterprise_id"]
    assert Registration.objects.filter(enterprise=outsider).count() == 0


def test_request_to_oneself_through_the_api_is_refused(world: dict[str, Any]) -> None:
    me = world["people"][0]
    response = client_for(world["users"][0]).post(
        "/api/events/expo/requests",
        {"from_participant_id": me.pk, "to_participant_id": me.pk, "preference": "must"},
        content_type="application/json",
    )
    assert (response.status_code, response.json()["code"]) == (400, "event_request_to_self")
    assert MeetingRequest.objects.count() == 0


def test_double_booking_through_the_api_is_a_409(world: dict[str, Any]) -> None:
    a, b, c = world["people"]
    client = client_for(world["operator"])
    first = client.post(
        "/api/events/expo/meetings",
        {"participant_a_id": a.pk, "participant_b_id": b.pk, "slot_id": world["slots"][0].pk},
        content_type="application/json",
    )
    assert (first.status_code, first.json()["table"]) == (201, 1)
    second = client.post(
        "/api/events/expo/meetings",
        {"participant_a_id": c.pk, "participant_b_id": b.pk, "slot_id": world["slots"][0].pk},
        content_type="application/json",
    )
    assert (second.status_code, second.json()["code"]) == (409, "event_double_booking")
    assert Meeting.objects.count() == 1


def test_stale_version_through_the_api_is_a_409(world: dict[str, Any]) -> None:
    a, b, _c = world["people"]
    meeting = Meeting.objects.create(
        event=world["event"], participant_a=a, participant_b=b, slot=world["slots"][0], table=1
    )
    client = client_for(world["operator"])
    moved = client.patch(
        f"/api/events/expo/meetings/{meeting.pk}",
        {"version": 0, "slot_id": world["slots"][1].pk},
        content_type="application/json",
    )
    assert (moved.status_code, moved.json()["version"]) == (200, 1)
    stale = client.patch(
        f"/api/events/expo/meetings/{meeting.pk}",
        {"version": 0, "status": "cancelled"},
        content_type="application/json",
    )
    assert (stale.status_code, stale.json()["code"]) == (409, "event_schedule_conflict")
    meeting.refresh_from_db()
    assert (meeting.status, meeting.slot_id) == ("scheduled", world["slots"][1].pk)


def test_agenda_of_another_firms_participant_is_404(world: dict[str, Any]) -> None:
    other = world["people"][1]
    response = client_for(world["users"][0]).get(
        f"/api/events/expo/agenda?participant_id={other.pk}"
    )
    assert response.status_code == 404
    assert client_for(UserFactory()).get("/api/events/expo/meetings").status_code == 404


def test_walk_in_on_a_taken_table_through_the_api_is_a_409(world: dict[str, Any]) -> None:
    a, b, c = world["people"]
    d = ParticipantFactory(registration__event=world["event"])
    client = client_for(world["operator"])
    slot = world["slots"][0].pk
    first = client.post(
        "/api/events/expo/meetings",
        {"participant_a_id": a.pk, "participant_b_id": b.pk, "slot_id": slot, "table": 2},
        content_type="application/json",
    )
    assert (first.status_code, first.json()["table"]) == (201, 2)
    second = client.post(
        "/api/events/expo/meetings",
        {"participant_a_id": c.pk, "participant_b_id": d.pk, "slot_id": slot, "table": 2},
        content_type="application/json",
    )
    assert (second.status_code, second.json()["code"]) == (409, "event_double_booking")
    assert second.json()["details"] == {"table": ["Table taken."]}
    assert list(Meeting.objects.values_list("participant_a", "table")) == [(a.pk, 2)]


def test_moving_a_meeting_onto_a_busy_person_through_the_api_is_a_409(
    world: dict[str, Any],
) -> None:
    a, b, c = world["people"]
    slots = world["slots"]
    Meeting.objects.create(
        event=world["event"], participant_a=a, participant_b=b, slot=slots[0], table=1
    )
    later = Meeting.objects.create(
        event=world["event"], participant_a=a, participant_b=c, slot=slots[1], table=1
    )
    response = client_for(world["operator"]).patch(
        f"/api/events/expo/meetings/{later.pk}",
        {"version": 0, "slot_id": slots[0].pk, "table": 2},
        content_type="application/json",
    )
    assert (response.status_code, response.json()["code"]) == (409, "event_double_booking")
    later.refresh_from_db()
    assert (later.slot_id, later.table, later.version) == (slots[1].pk, 1, 0)


@pytest.mark.parametrize("status", ["pending", "rejected"])
def test_walk_in_with_a_representative_of_a_firm_not_registered_through_the_api(
    world: dict[str, Any], status: str
) -> None:
    a = world["people"][0]
    unvalidated = ParticipantFactory(
        registration__event=world["event"], registration__status=status
    )
    elsewhere = ParticipantFactory()  # validated at another event
    client = client_for(world["operator"])
    refused = client.post(
        "/api/events/expo/meetings",
        {
            "participant_a_id": a.pk,
            "participant_b_id": unvalidated.pk,
            "slot_id": world["slots"][0].pk,
        },
        content_type="application/json",
    )
    assert (refused.status_code, refused.json()["code"]) == (400, "event_not_registered")
    assert refused.json()["details"] == {"participant_b": ["Not a validated participant."]}
    unknown = client.post(
        "/api/events/expo/meetings",
        {
            "participant_a_id": elsewhere.pk,
            "participant_b_id": a.pk,
            "slot_id": world["slots"][0].pk,
        },
        content_type="application/json",
    )
    assert unknown.status_code == 400
    assert unknown.json()["details"] == {
        "participant_a_id": ["No participant of this event has this id."]
    }
    assert Meeting.objects.count() == 0


def test_request_to_a_pending_registrant_answers_like_an_unknown_id(world: dict[str, Any]) -> None:
    # given a firm whose registration the operators have not validated yet
    me = world["people"][0]
    pending = ParticipantFactory(
        registration__event=world["event"],
        registration__status="pending",
        registration__enterprise__legal_name="莆田待审鞋业有限公司",
        name="待审代表",
    )
    client = client_for(world["users"][0])
    # when a participant asks to meet its representative, and someone with no such id
    asked = client.post(
        "/api/events/expo/requests",
        {"from_participant_id": me.pk, "to_participant_id": pending.pk, "preference": "must"},
        content_type="application/json",
    )
    unknown = client.post(
        "/api/events/expo/requests",
        {"from_participant_id": me.pk, "to_participant_id": 10**9, "preference": "must"},
        content_type="application/json",
    )
    # then both are the same 400, which names neither the person nor the firm; nothing written
    expected = {
        "code": "validation_error",
        "message": "Some fields are not valid.",
        "details": {"to_participant_id": ["No participant of this event has this id."]},
    }
    assert (asked.status_code, asked.json()) == (400, expected)
    assert (unknown.status_code, unknown.json()) == (400, expected)
    assert "待审" not in asked.content.decode()
    assert MeetingRequest.objects.count() == 0


def test_a_refused_meeting_patch_leaves_the_meeting_unmoved(world: dict[str, Any]) -> None:
    # given a scheduled meeting at the first slot, table 1
    slots = world["slots"]
    meeting = Meeting.objects.create(
        event=world["event"],
        participant_a=world["people"][0],
        participant_b=world["people"][1],
        slot=slots[0],
        table=1,
    )
    # when an operator moves it and gives it a status it cannot take, in one PATCH
    response = client_for(world["operator"]).patch(
        f"/api/events/expo/meetings/{meeting.pk}",
        {"version": 0, "slot_id": slots[1].pk, "table": 2, "status": "scheduled"},
        content_type="application/json",
    )
    # then the whole change is refused and nothing was written: not the move either
    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.slot_id, stored.table, stored.status, stored.version) == (
        slots[0].pk,
        1,
        "scheduled",
        0,
    )
    assert (response.status_code, response.json()["code"]) == (409, "event_schedule_conflict")
    assert response.json()["details"] == {"status": ["Not allowed from the meeting's status."]}
    assert stored.history.count() == 1
    world["event"].refresh_from_db()
    assert world["event"].schedule_version == 0


def test_a_meeting_patch_moves_and_confirms_in_one_version(world: dict[str, Any]) -> None:
    slots = world["slots"]
    meeting = Meeting.objects.create(
        event=world["event"],
        participant_a=world["people"][0],
        participant_b=world["people"][1],
        slot=slots[0],
        table=1,
    )
    response = client_for(world["operator"]).patch(
        f"/api/events/expo/meetings/{meeting.pk}",
        {"version": 0, "slot_id": slots[1].pk, "table": 2, "status": "confirmed"},
        content_type="application/json",
    )
    assert response.status_code == 200
    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.slot_id, stored.table, stored.status, stored.version) == (
        slots[1].pk,
        2,
        "confirmed",
        1,
    )


def test_a_party_cannot_move_its_meeting_even_with_a_status_it_may_give(
    world: dict[str, Any],
) -> None:
    slots = world["slots"]
    meeting = Meeting.objects.create(
        event=world["event"],
        participant_a=world["people"][0],
        participant_b=world["people"][1],
        slot=slots[0],
        table=1,
    )
    response = client_for(world["users"][0]).patch(
        f"/api/events/expo/meetings/{meeting.pk}",
        {"version": 0, "slot_id": slots[1].pk, "status": "confirmed"},
        content_type="application/json",
    )
    assert response.status_code == 404
    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.slot_id, stored.status, stored.version) == (slots[0].pk, "scheduled", 0)
