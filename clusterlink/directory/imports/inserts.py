"""Batched inserts of imported firms without the ORM's per-value work.

`bulk_create` spends most of a 100,000-row import building SQL in Python; here each table's rows
are plain tuples, sent by one COPY on PostgreSQL and one `executemany` of a fixed INSERT on
SQLite. Primary keys are reserved up front (PostgreSQL: the table's sequence; SQLite: above the
highest id ever used, safe because the import's transaction holds SQLite's write lock), so roles,
taxonomy links and history rows can be written alongside. Other backends use `bulk_create_with_history`.

Rows are exactly what the ORM would write: values were validated by the models' field
validators before, and the history rows are simple_history's "created" ("+") records.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Model
from simple_history.utils import bulk_create_with_history

from clusterlink.common import clock
from clusterlink.directory.models import Enterprise, EnterpriseRole
from clusterlink.directory.public_cache import directory_changed

FAST_VENDORS = ("sqlite", "postgresql")


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def reserve_ids(model: type[Model], count: int) -> list[int]:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {_quote(table)}")
        highest = int(cursor.fetchone()[0])
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        found = cursor.fetchone()
        start = max(highest, int(found[0]) if found else 0) + 1
        return list(range(start, start + count))


def insert_rows(model: type[Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    if not rows:
        return
    columns: list[str] = [
        str(getattr(model._meta.get_field(name), "column", name)) for name in fields
    ]
    table = f"{_quote(model._meta.db_table)} ({', '.join(map(_quote, columns))})"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams the rows as one statement, where executemany runs an INSERT per row.
            with cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        cursor.executemany(f"INSERT INTO {table} VALUES ({', '.join(['%s'] * len(columns))})", rows)


_ENTERPRISE_FIELDS = (
    "legal_name", "name_en", "credit_code", "cluster", "address", "lat", "lng", "employees", "size", "description",
    "website", "contact_name", "contact_phone", "contact_email", "is_listed", "source", "search_keys", "sort_name",
    "cluster_status", "cluster_request_note", "cluster_review_reason",
)  # fmt: skip
# The history leaves the derived search tokens out (Enterprise.history excludes them).
_HISTORY_FIELDS = tuple(n for n in _ENTERPRISE_FIELDS if n not in ("search_keys", "sort_name"))


def insert_enterprises(
    enterprises: Sequence[Any], *, roles: Sequence[Sequence[str]], links: dict[str, Sequence[Sequence[int]]], actor: Any = None,
) -> None:  # fmt: skip
    """Insert new firms (their `pk` is set), their roles and taxonomy links and their history.

    `links` maps "categories"/"processes"/"certifications" to one id list per firm.
    """
    directory_changed()  # bulk inserts send no model signals
    if connection.vendor not in FAST_VENDORS:
        models = [e if isinstance(e, Enterprise) else e.as_model() for e in enterprises]
        created = bulk_create_with_history(models, Enterprise, batch_size=2000, default_user=actor)
        for enterprise, row in zip(enterprises, created, strict=True):
            enterprise.pk = row.pk
        _relations(enterprises, roles, links)
        return
    now = clock.now()
    stamp = connection.ops.adapt_datetimefield_value(now)
    for enterprise, pk in zip(enterprises, reserve_ids(Enterprise, len(enterprises)), strict=True):
        enterprise.pk = pk
        enterprise.created_at = enterprise.updated_at = now
    values = [
        (e.pk, stamp, stamp, *(_value(e, name) for name in _ENTERPRISE_FIELDS), None)
        for e in enterprises
    ]
    insert_rows(
        Enterprise, ("id", "created_at", "updated_at", *_ENTERPRISE_FIELDS, "merged_into"), values
    )
    history = Enterprise.history.model
    user_id = getattr(actor, "pk", None)
    insert_rows(
        history,
        (
            "id",
            "created_at",
            "updated_at",
            *_HISTORY_FIELDS,
            "merged_into",
            "history_date",
            "history_change_reason",
            "history_type",
            "history_user",
        ),
        [
            (
                e.pk,
                stamp,
                stamp,
                *[_value(e, name) for name in _HISTORY_FIELDS],
                None,
                stamp,
                None,
                "+",
                user_id,
            )
            for e in enterprises
        ],
    )
    _relations(enterprises, roles, links)


def _value(enterprise: Any, name: str) -> Any:
    if name == "cluster":
        return enterprise.cluster_id
    return getattr(enterprise, name)


def _relations(
    enterprises: Sequence[Any],
    roles: Sequence[Sequence[str]],
    links: dict[str, Sequence[Sequence[int]]],
) -> None:
    insert_rows(
        EnterpriseRole,
        ("enterprise", "role"),
        [(e.pk, role) for e, codes in zip(enterprises, roles, strict=True) for role in codes],
    )
    for name, column in (
        ("categories", "category"),
        ("processes", "process"),
        ("certifications", "certification"),
    ):
        through = getattr(Enterprise, name).through
        insert_rows(
            through,
            ("enterprise", column),
            [(e.pk, pk) for e, ids in zip(enterprises, links[name], strict=True) for pk in ids],
        )
