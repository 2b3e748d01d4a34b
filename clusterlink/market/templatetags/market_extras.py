"""Template filters of the market and my-enterprise pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import template

from clusterlink.common import clock

register = template.Library()


@register.filter
def iso_week(value: dt.date | None) -> str:
    """'2026-W49' for a week's Monday (empty for None)."""
    return clock.iso_week_label(value) if value else ""


@register.filter
def rmb(value: Decimal | None) -> str:
    """'¥18.50': RMB with two decimals and thousands separators."""
    if value is None:
        return ""
    return f"¥{value:,.2f}"
