"""Numbers in reports: whole pairs with thousands separators in every language (humanize's
intcomma follows the locale, and zh-hans has none)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def thousands(value: object) -> str:
    if value is None or value == "":
        return "—"
    return f"{int(str(value)):,}"
