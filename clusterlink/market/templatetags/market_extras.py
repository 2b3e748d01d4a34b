"""Template filters of the market and my-enterprise pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from clusterlink.common import clock

register = template.Library()


@register.filter
def iso_week(value: dt.date | None) -> str:
    """'2026-W49' for a week's Monday (empty for None)."""
    return clock.iso_week_label(value) if value else ""


@register.filter
def rmb(value: Decimal | None) -> str:
    """An amount in RMB with two decimals and thousands separators, named in the reader's
    language: 'RMB 18.50', '18.50 元', '18.50 人民元'. Not '¥', which Japanese readers take
    for yen. The one helper for agreements, demands, offers and the outcome report."""
    if value is None:
        return ""
    return _("RMB %(amount)s") % {"amount": f"{value:,.2f}"}
