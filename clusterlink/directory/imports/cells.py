"""Cell parsers: turn what Excel or a CSV holds into typed values, or raise CellError with a
translated reason. Strict on purpose: a value that could mean two things is refused."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from clusterlink.common import clock
from clusterlink.directory.validators import validate_pairs_maximum

_LIST_SPLIT_RE = re.compile(r"[,，、;；|\n]+")
_ISO_WEEK_RE = re.compile(r"^(\d{4})-?[Ww](\d{1,2})$")
_ISO_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?$")
_INT_TEXT_RE = re.compile(r"^[+-]?\d{1,3}(,\d{3})+$|^[+-]?\d+$")
TRUE_WORDS = frozenset({"1", "true", "yes", "y", "是", "可", "可以", "はい", "可能"})
FALSE_WORDS = frozenset({"0", "false", "no", "n", "否", "不", "不可", "いいえ", "不可能"})


class CellError(ValueError):
    def __init__(self, reason: str | Promise) -> None:
        super().__init__(str(reason))
        self.reason = str(reason)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any) -> str:
    """Text of a cell; an integral number keeps no '.0' (phone numbers typed as numbers)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _number_text(value: Any) -> str:
    return text(value).replace("，", ",").replace(" ", "")


def _whole(value: Any) -> int:
    """The whole number a cell holds; 1,500 (thousands separators) is 1500, 1500.5 is refused."""
    if isinstance(value, bool):
        raise CellError(_("Write a whole number, not TRUE/FALSE."))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError(_("%(value)s is not a whole number.") % {"value": text(value)})
        return int(value)
    raw = _number_text(value)
    if not _INT_TEXT_RE.match(raw):
        try:
            Decimal(raw.replace(",", ""))
        except InvalidOperation:
            raise CellError(_("“%(value)s” is not a number.") % {"value": text(value)}) from None
        raise CellError(_("%(value)s is not a whole number.") % {"value": text(value)})
    return int(raw.replace(",", ""))


def whole_number(value: Any, *, minimum: int) -> int:
    """A whole number >= minimum. 1,500 (thousands separators) is read as 1500; 1500.5 is refused."""
    number = _whole(value)
    if number < minimum:
        if minimum == 1:
            raise CellError(_("Must be at least 1 (got %(value)s).") % {"value": number})
        raise CellError(
            _("Must be %(minimum)s or more (got %(value)s).")
            % {"minimum": minimum, "value": number}
        )
    return number


def pairs(value: Any, *, minimum: int = 1) -> int:
    """A quantity of pairs: a whole number from `minimum` (1, or 0 for a minimum lot) to
    MAX_PAIRS, each bound with its own sentence."""
    number = _whole(value)
    if number < minimum:
        if minimum == 1:
            raise CellError(_("Pairs must be at least 1 (got %(value)s).") % {"value": number})
        raise CellError(_("Pairs cannot be negative (got %(value)s).") % {"value": number})
    try:
        validate_pairs_maximum(number)
    except ValidationError as exc:
        raise CellError(exc.messages[0]) from None
    return number


def rmb(value: Any, *, max_digits: int = 10) -> Decimal:
    """An amount in RMB with at most two decimals (fen), never negative, and below
    10**(max_digits - 2) yuan, as its DecimalField(max_digits, decimal_places=2) holds."""
    if isinstance(value, bool):
        raise CellError(_("Write an amount in RMB, not TRUE/FALSE."))
    raw = (
        repr(value)
        if isinstance(value, float)
        else _number_text(value).replace("¥", "").replace("￥", "").replace(",", "")
    )
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise CellError(
            _("“%(value)s” is not an amount in RMB.") % {"value": text(value)}
        ) from None
    if not amount.is_finite():
        raise CellError(_("“%(value)s” is not an amount in RMB.") % {"value": text(value)})
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise CellError(
            _("%(value)s has more than two decimals; RMB amounts stop at the fen (0.01).")
            % {"value": raw}
        )
    if amount < 0:
        raise CellError(_("An amount in RMB cannot be negative."))
    largest = Decimal(10) ** (max_digits - 2) - Decimal("0.01")
    if amount > largest:
        raise CellError(
            _("%(value)s is too large: an amount here is at most %(largest)s yuan.")
            % {"value": text(value), "largest": f"{largest:,}"}
        )
    return amount.quantize(Decimal("0.01"))


def coordinate(value: Any, *, limit: int) -> Decimal:
    try:
        number = Decimal(repr(value) if isinstance(value, float) else _number_text(value))
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not a number.") % {"value": text(value)}) from None
    if not number.is_finite() or not -limit <= number <= limit:
        raise CellError(_("Must be between -%(limit)s and %(limit)s.") % {"limit": limit})
    return number.quantize(Decimal("0.000001"))


def week(value: Any) -> dt.date:
    """Monday of the week meant by a date cell, an ISO week ('2026-W49') or an ISO date text
    ('2026-12-07'). Other text ('12/07/2026', '12月7日') is ambiguous and refused."""
    if isinstance(value, dt.datetime):
        return clock.week_start(value.date())
    if isinstance(value, dt.date):
        return clock.week_start(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise CellError(
            _(
                "%(value)s is a number, not a week: write an ISO week such as 2026-W49 or a real date."
            )
            % {"value": text(value)}
        )
    raw = text(value)
    match = _ISO_WEEK_RE.match(raw)
    if match:
        try:
            return clock.parse_iso_week(f"{match.group(1)}-W{int(match.group(2)):02d}")
        except ValueError:
            raise CellError(_("%(value)s is not an existing ISO week.") % {"value": raw}) from None
    match = _ISO_DATE_RE.match(raw)
    if match:
        try:
            return clock.week_start(
                dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            )
        except ValueError:
            raise CellError(_("%(value)s is not an existing date.") % {"value": raw}) from None
    raise CellError(
        _(
            "Cannot tell which week “%(value)s” means: write an ISO week such as 2026-W49, a date such as 2026-12-07, or use a real date cell."
        )
        % {"value": raw}
    )


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raw = text(value).casefold()
    if raw in TRUE_WORDS:
        return True
    if raw in FALSE_WORDS:
        return False
    raise CellError(
        _("“%(value)s” is not yes or no (是/否, yes/no, 1/0).") % {"value": text(value)}
    )


def word_list(value: Any) -> list[str]:
    """Items of a list cell separated by commas, 、 or semicolons (Chinese or Latin)."""
    return list(_words(text(value)))


@lru_cache(maxsize=65536)
def _words(cell: str) -> tuple[str, ...]:
    # List cells repeat ("oem_factory", "运动鞋, 童鞋") across a file: split each text once.
    return tuple(item.strip() for item in _LIST_SPLIT_RE.split(cell) if item.strip())
