"""ISO weeks written with their dates, since few people know which days 2027-W03 means."""

from __future__ import annotations

import datetime as dt

from django import template

from clusterlink.common import clock

register = template.Library()


@register.filter
def week_with_dates(monday: dt.date | None) -> str:
    """'2027-W03 · 01-18–01-24' for the week starting on `monday` (empty for None). Month-day
    numbers read the same in Chinese, Japanese and English."""
    if not monday:
        return ""
    sunday = monday + dt.timedelta(days=6)
    return f"{clock.iso_week_label(monday)} · {monday:%m-%d}–{sunday:%m-%d}"
