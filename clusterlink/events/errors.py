"""Error codes of the events app (stable strings the API returns)."""

from __future__ import annotations

from enum import StrEnum


class EventErrorCode(StrEnum):
    SESSION_OVERLAP = "event_session_overlap"
    OUTSIDE_EVENT = "event_outside_dates"
    SLOT_OVERLAP = "event_slot_overlap"
    REGISTRATION_CLOSED = "event_registration_closed"
    NOT_REGISTERED = "event_not_registered"
    REQUEST_TO_SELF = "event_request_to_self"
    REQUEST_CAP = "event_request_cap"
    DOUBLE_BOOKING = "event_double_booking"
    SCHEDULE_CONFLICT = "event_schedule_conflict"
    RUN_IN_PROGRESS = "event_run_in_progress"
    NOT_OPERATOR = "event_not_operator"
    UNKNOWN_CHECK_IN = "event_unknown_check_in"
