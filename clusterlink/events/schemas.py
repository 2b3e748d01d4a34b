"""API schemas of docking events."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Field, Schema

from clusterlink.common.schemas import Id, InputSchema, SafeStr, inline_choices
from clusterlink.events.models import Meeting, MeetingRequest, Participant, ScheduleRun

Name = Annotated[SafeStr, Field(max_length=100)]


class UnitOut(Schema):
    part: str
    name: str


class SessionOut(Schema):
    id: int
    kind: str
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str


class SlotOut(Schema):
    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime


class EventOut(Schema):
    slug: str
    name: str
    theme: str
    starts_on: dt.date
    ends_on: dt.date
    venue: str
    status: str
    visibility: str
    clusters: list[str] = Field(description="Cluster slugs.")

    @staticmethod
    def resolve_clusters(obj: Any) -> list[str]:
        if isinstance(obj, dict):
            return list(obj["clusters"])
        return [c.slug for c in obj.clusters.all()]


class FirmOut(Schema):
    id: int
    name: str


class EventDetailOut(EventOut):
    description: str
    units: list[UnitOut]
    sessions: list[SessionOut]
    slots: list[SlotOut]
    firms: list[FirmOut] = Field(description="Validated, listed firms (public names).")


class ParticipantOut(Schema):
    id: int
    name: str
    title: str
    role: str
    max_meetings: int
    available_slot_ids: list[int]
    checked_in_at: dt.datetime | None
    email: str = Field(description="Private: the firm's members and the event's operators.")
    phone: str = Field(description="Private: the firm's members and the event's operators.")


class RegistrationOut(Schema):
    id: int
    enterprise: FirmOut
    status: str
    note: str
    rejection_reason: str
    participants: list[ParticipantOut]


ParticipantRole = Annotated[Participant.Role, inline_choices(Participant.Role, "ParticipantRole")]
MeetingStatus = Annotated[Meeting.Status, inline_choices(Meeting.Status, "MeetingStatus")]


class RepresentativeIn(InputSchema):
    name: Name
    role: ParticipantRole
    title: Annotated[SafeStr, Field(max_length=100)] = ""
    email: Annotated[SafeStr, Field(max_length=254)] = ""
    phone: Annotated[SafeStr, Field(max_length=30)] = ""
    max_meetings: Annotated[int, Field(ge=0, le=200)] | None = None
    slot_ids: list[Id] | None = Field(None, description="Slots they can meet at; null: all.")


class RegistrationIn(InputSchema):
    enterprise_id: Id
    note: Annotated[SafeStr, Field(max_length=2000)] = ""
    representatives: Annotated[list[RepresentativeIn], Field(min_length=1, max_length=20)]


class RegistrationDecisionIn(InputSchema):
    decision: Literal["validate", "reject"]
    reason: Annotated[SafeStr, Field(max_length=300)] = ""


class RequestIn(InputSchema):
    from_participant_id: Id
    to_participant_id: Id
    preference: MeetingRequest.Preference
    message: Annotated[SafeStr, Field(max_length=500)] = ""


class RequestOut(Schema):
    from_participant_id: int
    to_participant_id: int
    preference: str
    expires_at: dt.datetime


class MeetingSideOut(Schema):
    participant_id: int
    name: str
    firm: FirmOut


class MeetingOut(Schema):
    id: int
    slot: SlotOut
    table: int
    status: MeetingStatus
    source: Meeting.Source
    weight: int
    version: int = Field(description="Send it back when changing the meeting (conflict check).")
    a: MeetingSideOut
    b: MeetingSideOut
    interest_level: str
    next_step: str
    notes: str = Field(description="Private: the two firms and the event's operators.")


class MeetingIn(InputSchema):
    participant_a_id: Id
    participant_b_id: Id
    slot_id: Id
    table: Annotated[int, Field(ge=1, le=2000)] | None = None


class MeetingPatch(InputSchema):
    version: Annotated[int, Field(ge=0)]
    status: Literal["confirmed", "cancelled", "no_show", "scheduled"] | None = None
    slot_id: Id | None = None
    table: Annotated[int, Field(ge=1, le=2000)] | None = None


class RunIn(InputSchema):
    mode: ScheduleRun.Mode = ScheduleRun.Mode.FULL
    time_limit_s: Annotated[int, Field(ge=1, le=600)] = 30


class RunOut(Schema):
    id: int
    mode: str
    status: str
    solve_status: str
    objective: int | None
    upper_bound: int | None
    ratio: float | None
    seconds: float | None
    meetings_written: int
    error: str
