"""The one seam through which time enters the application (tests move it with `frozen`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone

_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    """Aware current time (UTC)."""
    return _frozen if _frozen is not None else timezone.now()


def today() -> dt.date:
    """Current date in the project's time zone (Asia/Shanghai: clusters work on China time)."""
    return timezone.localdate(now())


def week_start(day: dt.date) -> dt.date:
    """Monday of the ISO week containing `day`."""
    return day - dt.timedelta(days=day.weekday())


def current_week() -> dt.date:
    return week_start(today())


def iso_week_label(monday: dt.date) -> str:
    """'2026-W48' for the ISO week starting on `monday`."""
    year, week, _ = monday.isocalendar()
    return f"{year:04d}-W{week:02d}"  # four digits, so that parse_iso_week reads any year back


def parse_iso_week(label: str) -> dt.date:
    """Monday of an ISO week written '2026-W48' (also '2026W48'); ValueError otherwise."""
    text = label.strip().upper().replace("W", "-W").replace("--", "-")
    try:
        year_part, week_part = text.split("-W")
        return dt.date.fromisocalendar(int(year_part), int(week_part), 1)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"not an ISO week: {label!r}") from exc


@contextmanager
def frozen(at: dt.datetime) -> Iterator[None]:
    """Make now() return `at` inside the block (tests only)."""
    global _frozen
    previous, _frozen = _frozen, at
    try:
        yield
    finally:
        _frozen = previous
