"""Field validators shared by models, forms, API schemas and imports."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
)
from stdnum.exceptions import (
    ValidationError as StdnumError,
)

from clusterlink.common.validation import MAX_PAIRS


def normalise_credit_code(value: str) -> str:
    return uscc.compact(value) if value else ""


def validate_credit_code(value: str) -> None:
    """Unified social credit code (GB 32100-2015): format, then the check character."""
    if not value:
        return
    try:
        uscc.validate(value)
    except InvalidChecksum as exc:
        raise ValidationError(
            _("The check character of this unified social credit code is wrong."),
            code="credit_code_checksum",
        ) from exc
    except InvalidLength as exc:
        raise ValidationError(
            _("A unified social credit code has 18 characters."), code="credit_code_length"
        ) from exc
    except (InvalidFormat, InvalidComponent, StdnumError) as exc:
        raise ValidationError(
            _("This is not a valid unified social credit code."), code="credit_code_format"
        ) from exc


# A phone number as people write it: an optional leading +, digits grouped by spaces, hyphens or
# parentheses (full-width ones too, as typed with a Chinese input method), then an optional
# extension ("ext. 801", "x801", "转801", "分机801", "内线801", Japanese "内線801"). China:
# 13900000000, +86 139 0000 0000, 0594-2681234, (0594) 2681234, 0594-2681234-801.
_PHONE_EXTENSION = r"\s*(?:ext\.?|x|转|分机|内线|内線)\s*"
_PHONE_RE = re.compile(
    rf"^(?P<number>\+?[\d\s\-()（）－]+?)(?:{_PHONE_EXTENSION}\d{{1,6}})?$", re.IGNORECASE
)
PHONE_DIGITS_MIN = 5
PHONE_DIGITS_MAX = 20


def validate_phone(value: str) -> None:
    """A phone number of 5 to 20 digits (an extension aside) written with digits, an optional
    leading +, spaces, hyphens, parentheses and an optional extension; blank passes."""
    if not value:
        return
    match = _PHONE_RE.match(value.strip())
    digits = sum(c.isdigit() for c in match["number"]) if match else 0
    if not PHONE_DIGITS_MIN <= digits <= PHONE_DIGITS_MAX:
        raise ValidationError(
            _(
                "Enter a phone number of 5 to 20 digits, e.g. 0594-2681234 or "
                "+86 139 0000 0000; spaces, hyphens, brackets and an extension (转 801) may be used."
            ),
            code="phone",
        )


def validate_rmb(value: Decimal) -> None:
    """Money is RMB, never negative (its DecimalField with two places rejects a third decimal)."""
    if value is None:
        return
    if value < 0:
        raise ValidationError(_("An amount in RMB cannot be negative."), code="rmb_negative")


@deconstructible
class PairsMaximumValidator(MaxValueValidator):
    """Pairs of one demand, lot or capacity week are at most MAX_PAIRS. A MaxValueValidator, so
    that Django adds no second, database-dependent bound (2**31 - 1 on PostgreSQL) with its own
    message; the numbers are shown with thousands separators."""

    message = _("At most %(limit_value)s pairs (got %(show_value)s).")
    code = "pairs_too_many"

    def __init__(self) -> None:
        super().__init__(MAX_PAIRS)

    def __call__(self, value: Any) -> None:
        if value is None or isinstance(value, bool) or not isinstance(value, int):
            return
        if value > MAX_PAIRS:
            raise ValidationError(
                self.message,
                code=self.code,
                params={
                    "limit_value": f"{MAX_PAIRS:,}",
                    "show_value": f"{value:,}",
                    "value": value,
                },
            )


validate_pairs_maximum = PairsMaximumValidator()


def validate_monday(value: dt.date) -> None:
    if value is not None and value.isoweekday() != 1:
        raise ValidationError(_("A week is identified by its Monday."), code="week_not_monday")
