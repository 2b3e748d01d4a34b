"""Large figures written the way each language reads them: 22亿 / 22億 / 2.2 billion."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import get_language

register = template.Library()

# Chinese and Japanese count in myriads (万, 亿/億); English in thousands.
_UNITS = {
    "zh": [(Decimal(10**8), "亿"), (Decimal(10**4), "万")],
    "ja": [(Decimal(10**8), "億"), (Decimal(10**4), "万")],
    "en": [(Decimal(10**9), " billion"), (Decimal(10**6), " million")],
}


def _trim(value: Decimal) -> str:
    text = f"{value.quantize(Decimal('0.1')):f}"
    return text[:-2] if text.endswith(".0") else text


@register.filter
def big_number(value: object) -> str:
    """2200000000 → '22亿' (zh-hans), '22億' (ja), '2.2 billion' (en); else thousands separators."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    language = (get_language() or "zh-hans").lower()
    units = _UNITS[
        "zh" if language.startswith("zh") else "ja" if language.startswith("ja") else "en"
    ]
    for size, suffix in units:
        if abs(number) >= size:
            return f"{_trim(number / size)}{suffix}"
    return str(intcomma(int(number)))
