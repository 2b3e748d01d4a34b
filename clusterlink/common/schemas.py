"""Types shared by every API schema: the error shape, money, pairs, safe text, pagination.

Bounds here mirror the database columns, so that no well-typed request can reach the database
with a value it would refuse (an out-of-range integer or a NUL character is a 422, never a 500).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.db.models import IntegerField, QuerySet, Subquery, TextChoices
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import ConfigDict, PlainSerializer, WithJsonSchema

from clusterlink.common import clock
from clusterlink.common.validation import MAX_ID as MAX_ID  # re-exported: ids bound the API too
from clusterlink.common.validation import MAX_PAIRS

# PositiveIntegerField holds up to 2**31 - 1 on every database Django supports.
MAX_INT = 2_147_483_647
MAX_OFFSET = 1_000_000
# No NUL: PostgreSQL refuses it in text, so it must be a field error, not a server error.
NO_NUL = r"^[^\x00]*$"


def _two_decimals(value: Decimal) -> str:
    return f"{value:.2f}"


# RMB in requests: a JSON number or string with at most two decimals. In responses: "12.50".
MoneyIn = Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=2)]
MoneyOut = Annotated[
    Decimal,
    PlainSerializer(_two_decimals, return_type=str),
    WithJsonSchema(
        {"type": "string", "pattern": r"^\d+\.\d{2}$", "examples": ["12.50"]}, mode="serialization"
    ),
]
# Pairs in bodies are JSON integers, strictly: not true, not "5", not 5.0 (and never 2.5).
Pairs = Annotated[
    int, Field(ge=1, le=MAX_PAIRS, strict=True, description="Whole pairs, at least 1.")
]
PairsOrZero = Annotated[int, Field(ge=0, le=MAX_PAIRS, strict=True)]
# Query strings are text: there the number is parsed.
PairsQuery = Annotated[int, Field(ge=1, le=MAX_PAIRS)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# Text without NUL characters; give each field its column's max_length with Field().
SafeStr = Annotated[str, Field(pattern=NO_NUL)]
Code = Annotated[str, Field(pattern=NO_NUL, max_length=60)]


def week_label(monday: dt.date) -> str:
    return clock.iso_week_label(monday)


class ErrorOut(Schema):
    """The one error shape of the API."""

    code: str = Field(description="Stable machine-readable code, e.g. validation_error, not_found.")
    message: str = Field(description="Human-readable message in the request's language.")
    details: dict[str, list[str]] = Field(
        description="Field (or location) → messages; empty when none."
    )


class InputSchema(Schema):
    """Request bodies: unknown fields are an error, never silently dropped."""

    model_config = ConfigDict(extra="forbid")


def inline_choices(choices: type[TextChoices], title: str) -> WithJsonSchema:
    """The JSON schema of a model's choices, written inline under `title`.

    django-ninja files every enum and model under its class name in the OpenAPI components, so
    two `Status` enums (of meetings and of demands) would overwrite each other there and the
    schema would describe one with the other's values.
    """
    return WithJsonSchema({"title": title, "type": "string", "enum": list(choices.values)})


# Status codes every operation may answer with the error shape.
ERROR_STATUSES = frozenset({400, 401, 403, 404, 409, 422, 429})


# Lists count their matches only as far as this many pages past the requested one: an exact count
# of a third of 100,000 firms costs more than the page itself, and nobody pages that far (they
# refine the search instead).
COUNT_PAGES_AHEAD = 10


class ApiPagination(LimitOffsetPagination):
    """limit/offset with a bounded offset (the limit is bounded by NINJA_PAGINATION_MAX_LIMIT)
    and a count that looks at most COUNT_PAGES_AHEAD pages past the requested one."""

    class Input(LimitOffsetPagination.Input):
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    class Output(Schema):
        items: list[Any]
        count: int = Field(
            description=f"Number of matches, counted up to {COUNT_PAGES_AHEAD} pages (of this "
            "limit) past the offset: exact when count_capped is false, otherwise there are at "
            "least this many."
        )
        count_capped: bool = Field(description="True when there are more matches than count.")

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        limit = min(pagination.limit, self.max_limit)
        offset = pagination.offset
        horizon = offset + COUNT_PAGES_AHEAD * limit
        # The page and its capped count in one statement: one round trip, one plan.
        page = queryset.annotate(**{MATCHES: CappedCount(queryset, horizon + 1)})
        items = list(page[offset : offset + limit])
        if len(items) < limit and (items or offset == 0):
            counted = offset + len(items)  # this page ends the list
        elif items:
            counted = _matches(items[0])
        else:  # past the end: only the count can say how far the list goes
            counted = queryset.order_by().values("pk")[: horizon + 1].count()
        return {
            "items": items,
            "count": min(counted, horizon),
            "count_capped": counted > horizon,
        }


# The annotation that carries the capped count on every row of a page.
MATCHES = "_matches_capped"


def _matches(row: Any) -> int:
    return int(row[MATCHES] if isinstance(row, dict) else getattr(row, MATCHES))


class CappedCount(Subquery):
    """How many rows `queryset` has, counting no further than `cap`, as a scalar subquery.

    It does not depend on the outer row, so the database computes it once per statement. Only the
    keys are counted: annotations of the rows (role codes…) would be computed for each one."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) capped)"
    output_field = IntegerField()

    def __init__(self, queryset: QuerySet[Any], cap: int) -> None:
        super().__init__(queryset.order_by().values("pk")[:cap])
