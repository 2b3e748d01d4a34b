"""Personal agendas as iCalendar (.ics) files, written with the `icalendar` package."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from clusterlink.common import clock
from clusterlink.events.models import Event, EventSession, Meeting, Participant


def agenda_ics(
    *,
    event: Event,
    participant: Participant,
    meetings: Sequence[Meeting],
    sessions: Sequence[EventSession],
) -> bytes:
    """The participant's meetings (cancelled ones as CANCELLED, so calendars drop them) and the
    event's agenda sessions. UIDs are stable, so a new download updates the same entries."""
    calendar = Calendar()
    calendar.add("prodid", "-//ClusterLink//Docking events//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{event.name} · {participant.name}")
    stamp = clock.now()
    for meeting in meetings:
        other = (
            meeting.participant_b
            if meeting.participant_a_id == participant.pk
            else meeting.participant_a
        )
        entry = CalendarEvent()
        entry.add("uid", f"meeting-{meeting.pk}@clusterlink")
        entry.add("dtstamp", stamp)
        entry.add("dtstart", meeting.slot.starts_at)
        entry.add("dtend", meeting.slot.ends_at)
        entry.add(
            "summary",
            _("Meeting: %(name)s, %(firm)s")
            % {"name": other.name, "firm": other.registration.enterprise.display_name},
        )
        entry.add(
            "location",
            _("%(venue)s, table %(table)s") % {"venue": event.venue, "table": meeting.table},
        )
        entry.add(
            "status", "CANCELLED" if meeting.status in ("cancelled", "no_show") else "CONFIRMED"
        )
        entry.add("sequence", meeting.version)
        calendar.add_component(entry)
    for session in sessions:
        entry = CalendarEvent()
        entry.add("uid", f"session-{session.pk}@clusterlink")
        entry.add("dtstamp", stamp)
        entry.add("dtstart", session.starts_at)
        entry.add("dtend", session.ends_at)
        entry.add("summary", f"{event.name}: {session.title}")
        entry.add("location", session.place or event.venue)
        calendar.add_component(entry)
    return bytes(calendar.to_ical())
