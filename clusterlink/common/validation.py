"""Helpers for services: collect every field error, then raise once."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from clusterlink.common.errors import ApplicationError, CommonErrorCode, validation_details

# No single order, lot or week of one factory comes near a hundred million pairs (a large
# cluster makes about a billion a year), and the bound keeps pairs far inside the 32-bit integer
# columns of PostgreSQL, where a larger number would be a server error instead of a field error.
MAX_PAIRS = 100_000_000
# Ids are BigAutoField; a bound keeps SQLite and PostgreSQL away from overflowing parameters.
MAX_ID = 2**53


class FieldErrors:
    """Accumulates errors by field; `raise_if_any()` raises one ApplicationError listing them all."""

    def __init__(self) -> None:
        self._errors: dict[str, list[str]] = defaultdict(list)

    def add(self, field: str, message: str | Promise) -> None:
        self._errors[field].append(str(message))

    def merge(self, error: ValidationError) -> None:
        for field, messages in validation_details(error).items():
            self._errors[field].extend(messages)

    def __bool__(self) -> bool:
        return bool(self._errors)

    def as_dict(self) -> dict[str, list[str]]:
        return dict(self._errors)

    def raise_if_any(self) -> None:
        if self._errors:
            raise ApplicationError(
                _("Some fields are not valid."),
                code=CommonErrorCode.VALIDATION,
                details=self.as_dict(),
            )


def full_clean_into(
    instance: models.Model,
    errors: FieldErrors,
    *,
    exclude: list[str] | None = None,
    constraints: bool = True,
) -> None:
    """Field validation into `errors`. `constraints=False` skips the per-row queries Django runs for
    CheckConstraints and uniqueness, for callers that check those rules themselves in bulk (the
    database still enforces them)."""
    try:
        instance.full_clean(
            exclude=exclude, validate_unique=constraints, validate_constraints=constraints
        )
    except ValidationError as exc:
        errors.merge(exc)


def lookup_codes(
    model: type[models.Model], codes: Any, field: str, errors: FieldErrors
) -> list[Any]:
    """Rows of a taxonomy model by code; unknown codes are reported on `field`."""
    wanted = [str(c).strip() for c in (codes or []) if str(c).strip()]
    found = {row.code: row for row in model._default_manager.filter(code__in=wanted)}  # type: ignore[attr-defined]
    for code in wanted:
        if code not in found:
            errors.add(field, _("Unknown code: %(code)s") % {"code": code})
    return [found[c] for c in dict.fromkeys(wanted) if c in found]


def parse_id(raw: object) -> int | None:
    """A row id from a query string or a form field, or None for anything else: ASCII digits
    only (str.isdigit also takes '²' and other digits int() refuses or reads), at most 16 of
    them, and within the ids the API accepts (a 25-digit id overflows SQLite's integers)."""
    text = str(raw or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 16:
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


def id_or_404(raw: object) -> int:
    """parse_id for a page: anything but an id is a 404, never a 500."""
    from django.http import Http404

    row_id = parse_id(raw)
    if row_id is None:
        raise Http404
    return row_id
