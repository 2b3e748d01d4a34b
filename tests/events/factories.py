"""Factories of docking events: an event in Putian's cluster on 2026-12-10/11, slots, participants."""

from __future__ import annotations

import datetime as dt

import factory

from clusterlink.accounts.access import Viewer
from clusterlink.events.models import Event, EventSession, Participant, Registration, Slot
from tests.directory.factories import ClusterFactory, EnterpriseFactory

CST = dt.timezone(dt.timedelta(hours=8))

# The platform admin, who operates every event: the acting viewer of tests about other rules.
ADMIN = Viewer(is_platform_admin=True)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment of December 2026 in China time."""
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=CST)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"docking-{n}")
    name_zh = factory.Sequence(lambda n: f"供需对接会{n}")
    name_en = factory.Sequence(lambda n: f"Docking day {n}")
    name_ja = factory.Sequence(lambda n: f"マッチング会{n}")
    starts_on = dt.date(2026, 12, 10)
    ends_on = dt.date(2026, 12, 11)
    venue_zh = "莆田市会展中心"
    status = Event.Status.REGISTRATION_OPEN
    meeting_tables = 4
    default_max_meetings = 4

    @factory.post_generation
    def clusters(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create:
            self.clusters.set(extracted or [ClusterFactory(slug="putian")])


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventSession

    event = factory.SubFactory(EventFactory)
    kind = EventSession.Kind.MATCHMAKING
    title_zh = "一对一洽谈"
    starts_at = at(10, 14)
    ends_at = at(10, 17)


class SlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Slot

    event = factory.SubFactory(EventFactory)
    starts_at = factory.Sequence(lambda n: at(10, 14) + dt.timedelta(minutes=20 * n))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(minutes=20))


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    status = Registration.Status.VALIDATED


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant
        skip_postgeneration_save = True

    registration = factory.SubFactory(RegistrationFactory)
    name = factory.Sequence(lambda n: f"代表{n}")
    role = Participant.Role.SUPPLIER
    max_meetings = 4

    @factory.post_generation
    def available_slots(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create:
            self.available_slots.set(
                extracted if extracted is not None else self.registration.event.slots.all()
            )
