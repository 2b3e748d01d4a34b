"""Event pages: public page, operator pages, registration, requests, schedule, agenda, check-in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from clusterlink.common import clock
from clusterlink.directory.models import Enterprise
from clusterlink.events.models import (
    Event,
    EventSession,
    Meeting,
    MeetingRequest,
    Participant,
    Registration,
    Slot,
)
from tests.accounts.factories import MembershipFactory, OperatorScopeFactory, UserFactory
from tests.directory.factories import ClusterFactory, EnterpriseFactory
from tests.events.factories import EventFactory, ParticipantFactory, SessionFactory, SlotFactory, at

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 25, 4, 0, tzinfo=dt.UTC)
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    with clock.frozen(NOW), translation.override("en"):
        yield


def url(name: str, *args: Any) -> str:
    with translation.override("en"):
        return reverse(f"events:{name}", args=args)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world() -> dict[str, Any]:
    putian = ClusterFactory(slug="putian")
    event = EventFactory(slug="expo", clusters=[putian])
    SessionFactory(
        event=event,
        kind=EventSession.Kind.OPENING,
        title_zh="开幕式",
        starts_at=at(10, 9),
        ends_at=at(10, 10),
    )
    slots = [SlotFactory(event=event) for _ in range(3)]
    operator = OperatorScopeFactory(cluster=putian).user
    buyer_firm, factory_firm = (
        EnterpriseFactory(cluster=putian, roles=["brand"]),
        EnterpriseFactory(cluster=putian),
    )
    buyer_user = MembershipFactory(enterprise=buyer_firm).user
    factory_user = MembershipFactory(enterprise=factory_firm).user
    buyer = ParticipantFactory(
        registration__event=event,
        registration__enterprise=buyer_firm,
        role="buyer",
        user=buyer_user,
        email="buyer-secret@example.cn",
    )
    supplier = ParticipantFactory(
        registration__event=event, registration__enterprise=factory_firm, user=factory_user
    )
    return dict(
        event=event,
        slots=slots,
        operator=operator,
        buyer=buyer,
        supplier=supplier,
        buyer_user=buyer_user,
        factory_user=factory_user,
        cluster=putian,
    )


def test_public_page_shows_units_agenda_and_firms_but_no_contacts(world: dict[str, Any]) -> None:
    response = Client().get(url("detail", "expo"))
    text = response.content.decode()
    assert response.status_code == 200
    assert "开幕式" in text
    assert world["buyer"].registration.enterprise.display_name in text
    assert "buyer-secret@example.cn" not in text
    assert world["buyer"].name not in text  # representatives are private


def test_draft_event_is_404_for_the_public_and_visible_to_its_operator(
    world: dict[str, Any],
) -> None:
    Event.objects.filter(pk=world["event"].pk).update(status=Event.Status.DRAFT)
    assert Client().get(url("detail", "expo")).status_code == 404
    assert client_for(world["operator"]).get(url("detail", "expo")).status_code == 200


def test_operator_pages_are_404_for_members(world: dict[str, Any]) -> None:
    member = client_for(world["buyer_user"])
    for name in ("manage", "edit", "registrations", "schedule", "check_in"):
        assert member.get(url(name, "expo")).status_code == 404, name
        assert client_for(world["operator"]).get(url(name, "expo")).status_code == 200, name


def test_operator_creates_an_event(world: dict[str, Any]) -> None:
    client = client_for(world["operator"])
    response = client.post(
        url("create"),
        {
            "name_zh": "鞋业对接会",
            "slug": "shoe-day",
            "starts_on": "2026-12-20",
            "ends_on": "2026-12-21",
            "venue_zh": "莆田",
            "clusters": [world["cluster"].pk],
            "visibility": "public",
            "status": "draft",
            "meeting_tables": 5,
            "default_max_meetings": 6,
            "max_requests": 10,
            "request_valid_days": 7,
        },
    )
    assert response.status_code == 302
    event = Event.objects.get(slug="shoe-day")
    assert (event.meeting_tables, list(event.clusters.all()), event.created_by) == (
        5,
        [world["cluster"]],
        world["operator"],
    )


def test_event_with_end_before_start_is_refused(world: dict[str, Any]) -> None:
    response = client_for(world["operator"]).post(
        url("create"),
        {
            "name_zh": "鞋业对接会",
            "slug": "bad",
            "starts_on": "2026-12-20",
            "ends_on": "2026-12-19",
            "venue_zh": "莆田",
            "clusters": [world["cluster"].pk],
            "visibility": "public",
            "status": "draft",
            "meeting_tables": 5,
            "default_max_meetings": 6,
            "max_requests": 10,
            "request_valid_days": 7,
        },
    )
    assert response.status_code == 400
    assert not Event.objects.filter(slug="bad").exists()


def test_overlapping_session_shows_located_error(world: dict[str, Any]) -> None:
    response = client_for(world["operator"]).post(
        url("manage", "expo"),
        {
            "form": "session",
            "session-kind": "speech",
            "session-title_zh": "演讲",
            "session-starts_at": "2026-12-10T09:30",
            "session-ends_at": "2026-12-10T10:30",
        },
    )
    assert response.status_code == 400
    assert "Overlaps the session 开幕式 (2026-12-10 09:00–10:00)." in response.content.decode()
    assert EventSession.objects.count() == 1


def test_slots_outside_event_show_located_error(world: dict[str, Any]) -> None:
    response = client_for(world["operator"]).post(
        url("manage", "expo"),
        {
            "form": "slots",
            "slots-starts_at": "2026-12-12T09:00",
            "slots-minutes": 20,
            "slots-count": 2,
            "slots-break_minutes": 0,
        },
    )
    assert response.status_code == 400
    assert "is outside the event (2026-12-10 to 2026-12-11)" in response.content.decode()
    assert Slot.objects.count() == 3


def test_member_registers_two_representatives(world: dict[str, Any]) -> None:
    firm = EnterpriseFactory(cluster=world["cluster"])
    user = MembershipFactory(enterprise=firm).user
    slots = world["slots"]
    response = client_for(user).post(
        url("register", "expo"),
        {
            "enterprise": firm.pk,
            "note": "寻找代工",
            "rep0-name": "林经理",
            "rep0-role": "supplier",
            "rep0-max_meetings": 5,
            "rep0-available_slots": [slots[0].pk, slots[2].pk],
            "rep1-name": "陈总",
            "rep1-role": "buyer",
            "rep1-max_meetings": 3,
            "rep1-available_slots": [slots[1].pk],
            "rep2-name": "",
            "rep2-role": "supplier",
            "rep2-max_meetings": 4,
        },
    )
    assert response.status_code == 302
    registration = Registration.objects.get(enterprise=firm)
    people = list(registration.participants.order_by("pk"))
    assert [(p.name, p.role, p.max_meetings, p.user_id) for p in people] == [
        ("林经理", "supplier", 5, user.pk),
        ("陈总", "buyer", 3, None),
    ]
    assert list(people[0].available_slots.values_list("pk", flat=True)) == [
        slots[0].pk,
        slots[2].pk,
    ]


def test_operator_validates_and_rejects(world: dict[str, Any]) -> None:
    pending = ParticipantFactory(
        registration__event=world["event"], registration__status="pending"
    ).registration
    client = client_for(world["operator"])
    assert (
        client.post(
            url("registrations", "expo"),
            {"registration": pending.pk, "decision": "reject", "reason": ""},
        ).status_code
        == 302
    )
    pending.refresh_from_db()
    assert pending.status == "pending"  # a rejection needs a reason
    client.post(url("registrations", "expo"), {"registration": pending.pk, "decision": "validate"})
    pending.refresh_from_db()
    assert (pending.status, pending.validated_by) == ("validated", world["operator"])


def test_requests_page_marks_and_suggests(world: dict[str, Any]) -> None:
    client = client_for(world["buyer_user"])
    page = client.get(url("requests", "expo"))
    assert page.status_code == 200
    assert world["supplier"].name in page.content.decode()
    client.post(
        url("requests", "expo"),
        {"as": world["buyer"].pk, "to_participant": world["supplier"].pk, "preference": "must"},
    )
    assert MeetingRequest.objects.get().preference == "must"


def test_request_as_someone_elses_participant_is_404(world: dict[str, Any]) -> None:
    client = client_for(world["buyer_user"])
    assert client.get(url("requests", "expo") + f"?as={world['supplier'].pk}").status_code == 404


@override_settings(TASKS=IMMEDIATE)
def test_operator_runs_schedule_and_both_agendas_show_the_meeting(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    MeetingRequest.objects.create(
        event=world["event"],
        from_participant=world["buyer"],
        to_participant=world["supplier"],
        preference="must",
        expires_at=NOW + dt.timedelta(days=3),
    )
    client = client_for(world["operator"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("schedule", "expo"), {"form": "run", "mode": "full", "time_limit_s": 5}
        )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    page = client.get(url("schedule", "expo")).content.decode()
    assert 'data-testid="run-objective">3<' in page and 'data-testid="run-ratio">100.0 %<' in page
    for user in (world["buyer_user"], world["factory_user"]):
        agenda = client_for(user).get(url("agenda", "expo")).content.decode()
        assert f"Table {meeting.table}" in agenda and "<svg" in agenda
    # cancel by the buyer shows on the supplier's agenda
    client_for(world["buyer_user"]).post(
        url("meeting_change", "expo", meeting.pk),
        {"action": "cancelled", "version": 0, "next": url("agenda", "expo")},
    )
    assert (
        "Cancelled" in client_for(world["factory_user"]).get(url("agenda", "expo")).content.decode()
    )
    ics = client_for(world["factory_user"]).get(url("agenda_ics", "expo", world["supplier"].pk))
    assert ics["Content-Type"].startswith("text/calendar")
    assert b"STATUS:CANCELLED" in ics.content and b"BEGIN:VEVENT" in ics.content


def test_stale_edit_of_the_schedule_is_a_conflict(world: dict[str, Any]) -> None:
    meeting = Meeting.objects.create(
        event=world["event"],
        participant_a=world["buyer"],
        participant_b=world["supplier"],
        slot=world["slots"][0],
        table=1,
    )
    first, second = client_for(world["operator"]), client_for(world["operator"])
    first.post(
        url("meeting_change", "expo", meeting.pk),
        {"action": "move", "slot": world["slots"][1].pk, "table": 2, "version": 0},
    )
    response = second.post(
        url("meeting_change", "expo", meeting.pk),
        {"action": "cancelled", "version": 0},
        follow=True,
    )
    assert "Someone else changed this meeting" in response.content.decode()
    meeting.refresh_from_db()
    assert (meeting.status, meeting.slot_id, meeting.table) == (
        "scheduled",
        world["slots"][1].pk,
        2,
    )


def test_desk_checks_in_by_scanned_address(world: dict[str, Any]) -> None:
    client = client_for(world["operator"])
    scanned = f"http://testserver{url('check_in', 'expo')}?code={world['supplier'].qr_token}"
    client.post(url("check_in", "expo"), {"code": scanned})
    world["supplier"].refresh_from_db()
    assert world["supplier"].checked_in_at == NOW
    assert Participant.objects.filter(checked_in_at__isnull=False).count() == 1


def test_meeting_outcome_by_a_party(world: dict[str, Any]) -> None:
    meeting = Meeting.objects.create(
        event=world["event"],
        participant_a=world["buyer"],
        participant_b=world["supplier"],
        slot=world["slots"][0],
        table=1,
    )
    client = client_for(world["factory_user"])
    assert (
        client.post(
            url("meeting", "expo", meeting.pk),
            {"interest_level": "high", "next_step": "quote", "notes": "报价", "version": 0},
        ).status_code
        == 302
    )
    meeting.refresh_from_db()
    assert (meeting.status, meeting.next_step) == ("held", "quote")
    outsider = client_for(UserFactory())
    assert outsider.get(url("meeting", "expo", meeting.pk)).status_code == 404


def test_print_view_renders(world: dict[str, Any]) -> None:
    response = client_for(world["buyer_user"]).get(url("agenda_print", "expo", world["buyer"].pk))
    assert response.status_code == 200 and "<svg" in response.content.decode()


def test_walk_in_form_preselects_no_participant(world: dict[str, Any]) -> None:
    Registration.objects.update(status="validated")
    page = client_for(world["operator"]).get(url("schedule", "expo"))
    form = page.context["walk_in_form"]
    for field in ("participant_a", "participant_b"):
        assert [c[0] for c in form.fields[field].choices] == [
            "",
            *sorted(
                [world["buyer"].pk, world["supplier"].pk],
                key=lambda pk: (Participant.objects.get(pk=pk).name, pk),
            ),
        ]
    assert page.content.decode().count('<option value="" selected>---------</option>') == 2


@pytest.mark.parametrize(
    ("roles", "role"),
    [
        (["oem_factory"], "supplier"),
        (["material_supplier"], "supplier"),
        (["brand"], "buyer"),
        (["brand", "oem_factory"], "buyer"),
        (["research_institute"], "institute"),
    ],
)
def test_representatives_role_defaults_from_the_firms_roles(
    world: dict[str, Any], roles: list[str], role: str
) -> None:
    firm = EnterpriseFactory(cluster=world["cluster"], roles=roles)
    user = MembershipFactory(enterprise=firm).user
    page = client_for(user).get(url("register", "expo"))
    assert [rep["role"].value() for rep in page.context["reps"]] == [role] * 3
    assert page.content.decode().count(f'<option value="{role}" selected>') == 3


@pytest.mark.parametrize("raw", ["abc", "²", "1" * 40])
def test_a_non_numeric_registration_id_is_a_404_and_changes_nothing(
    world: dict[str, Any], raw: str
) -> None:
    pending = Registration.objects.filter(event=world["event"]).first()
    assert pending is not None
    Registration.objects.filter(pk=pending.pk).update(status=Registration.Status.PENDING)
    response = client_for(world["operator"]).post(
        url("registrations", "expo"), {"registration": raw, "decision": "validate"}
    )
    assert response.status_code == 404
    assert list(
        Registration.objects.filter(event=world["event"]).values_list("status", flat=True)
    ) == ["pending", "validated"]


def test_a_foreign_next_after_a_meeting_change_returns_to_the_schedule(
    world: dict[str, Any],
) -> None:
    meeting = Meeting.objects.create(
        event=world["event"],
        participant_a=world["buyer"],
        participant_b=world["supplier"],
        slot=world["slots"][0],
        table=1,
    )
    response = client_for(world["buyer_user"]).post(
        url("meeting_change", "expo", meeting.pk),
        {"action": "confirmed", "version": 0, "next": "//evil.example/steal"},
    )
    assert (response.status_code, response["Location"]) == (302, url("schedule", "expo"))
    assert Meeting.objects.get(pk=meeting.pk).status == "confirmed"


def test_a_pending_firms_user_sees_members_only_events_as_the_public_does(
    world: dict[str, Any],
) -> None:
    # given members-only and registered-only events of Putian, and a firm that named Putian as
    # its cluster but is still awaiting approval, already registered for both
    putian = world["cluster"]
    members_only = EventFactory(
        slug="members", clusters=[putian], visibility=Event.Visibility.CLUSTERS
    )
    registered_only = EventFactory(
        slug="registered", clusters=[putian], visibility=Event.Visibility.PRIVATE
    )
    pending_firm = EnterpriseFactory(cluster=putian, cluster_status="pending")
    user = MembershipFactory(enterprise=pending_firm).user
    for event in (members_only, registered_only):
        Registration.objects.create(event=event, enterprise=pending_firm)
    client = client_for(user)
    # when its user lists the events and opens them, by page and by API
    listed = client.get(url("list")).content.decode()
    api = client.get("/api/events").json()
    # then they see what an anonymous visitor sees: the public event only
    assert [e["slug"] for e in api["items"]] == [
        e["slug"] for e in Client().get("/api/events").json()["items"]
    ]
    assert [e["slug"] for e in api["items"]] == ["expo"]
    assert url("detail", "members") not in listed and url("detail", "registered") not in listed
    assert url("detail", "expo") in listed
    for slug in ("members", "registered"):
        assert client.get(url("detail", slug)).status_code == 404
        assert client.get(f"/api/events/{slug}").status_code == 404
    # and once its cluster approves it, both open to it
    pending_firm.cluster_status = Enterprise.ClusterStatus.APPROVED
    pending_firm.save()
    approved = client_for(user)
    assert sorted(e["slug"] for e in approved.get("/api/events").json()["items"]) == [
        "expo",
        "members",
        "registered",
    ]


def test_the_requests_page_never_quotes_a_private_demand_nor_a_capacity(
    world: dict[str, Any],
) -> None:
    # given the brand's private order and the factory's capacity covering it
    from clusterlink.directory.models import Category
    from tests.directory.factories import CapacityWeekFactory
    from tests.market.factories import DemandFactory

    brand = world["buyer"].registration.enterprise
    factory = world["supplier"].registration.enterprise
    shoes = Category.objects.get(code="sports-shoes")
    for firm in (brand, factory):
        firm.categories.set([shoes])
    CapacityWeekFactory(enterprise=factory, free_pairs=30000)
    DemandFactory(owner=brand, title="秘密新款订单", visibility="private", status="open")
    # when the factory's representative opens the requests page, the brand is still suggested
    # for the products both make, but the private order is not quoted
    factory_page = client_for(world["factory_user"]).get(url("requests", "expo")).content.decode()
    assert "Directory: both work in 1 of the same product categories." in factory_page
    assert "秘密新款订单" not in factory_page
    # and the brand's page quotes its own order without saying whether the factory covers it
    brand_page = client_for(world["buyer_user"]).get(url("requests", "expo")).content.decode()
    assert "Open demand “秘密新款订单”: makes Sports shoes." in brand_page
    assert "free capacity covers" not in brand_page
