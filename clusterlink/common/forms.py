"""Form pieces every app uses: service errors on fields, ISO weeks, pairs and RMB amounts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from clusterlink.common import clock
from clusterlink.common.errors import ApplicationError


class ServiceErrorsMixin:
    """Puts the `details` of an ApplicationError next to the fields they name.

    A detail whose name is not a field of the form (after `service_field_names` renames it)
    becomes a non-field error; an error without details shows its message.
    """

    service_field_names: dict[str, str] = {}

    def add_service_error(self, error: ApplicationError) -> None:
        form: Any = self
        details = error.details if isinstance(error.details, dict) else {}
        if not details:
            form.add_error(None, str(error.message))
        for field, messages in details.items():
            name = self.service_field_names.get(field, field)
            target = name if name in form.fields else None
            for message in messages if isinstance(messages, list) else [messages]:
                form.add_error(target, str(message))


class WeekInput(forms.TextInput):
    """`<input type="week">`: browsers send '2026-W49'; without support people can type it."""

    input_type = "week"

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, dt.date):
            return clock.iso_week_label(value)
        formatted: str | None = super().format_value(value)
        return formatted


class IsoWeekField(forms.CharField):
    """An ISO week ('2026-W49') cleaned to its Monday; past weeks only when `allow_past`."""

    widget = WeekInput
    default_error_messages = {"invalid": _("Enter a week like 2026-W49.")}

    def __init__(self, *, allow_past: bool = False, **kwargs: Any) -> None:
        self.allow_past = allow_past
        kwargs.setdefault("widget", WeekInput(attrs={"placeholder": "2026-W49"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> dt.date | None:  # type: ignore[override]
        if isinstance(value, dt.date):
            return value
        text = super().to_python(value)
        if not text:
            return None
        try:
            return clock.parse_iso_week(text)
        except ValueError as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and not self.allow_past and value < clock.current_week():
            raise forms.ValidationError(_("This week is in the past."), code="week_past")


def pairs_field(
    *, required: bool, min_value: int = 1, label: Any, help_text: Any = ""
) -> forms.IntegerField:
    """Pairs are whole numbers: '1.5', '0' and '-3' each get their own message."""
    if min_value >= 1:
        too_small = _("Pairs must be a whole number of at least %(limit_value)s.")
    else:
        too_small = _("Pairs must be a whole number of zero or more.")
    return forms.IntegerField(
        required=required,
        min_value=min_value,
        label=label,
        help_text=help_text,
        error_messages={
            "invalid": _("Pairs are counted in whole numbers, e.g. 20000."),
            "min_value": too_small,
            "required": _("Enter the number of pairs."),
        },
        widget=forms.NumberInput(attrs={"min": min_value, "step": 1, "inputmode": "numeric"}),
    )


def rmb_field(
    *, label: Any, help_text: Any = "", required: bool = False, max_digits: int = 10
) -> forms.DecimalField:
    """An amount in RMB: never negative, at most two decimals (yuan and fen)."""
    return forms.DecimalField(
        required=required,
        min_value=0,
        max_digits=max_digits,
        decimal_places=2,
        label=label,
        help_text=help_text,
        error_messages={
            "invalid": _("Enter an amount in RMB, e.g. 18.50."),
            "min_value": _("An amount in RMB cannot be negative."),
            "max_decimal_places": _("Use at most two decimals (yuan and fen)."),
            "max_digits": _("This amount is too large."),
            "max_whole_digits": _("This amount is too large."),
        },
        widget=forms.NumberInput(attrs={"min": 0, "step": "0.01", "inputmode": "decimal"}),
    )
