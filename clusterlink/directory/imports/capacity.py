"""Capacity-week rows of one factory, written through `capacity_weeks_save` (its rules: known
category, not in the past, free pairs not below reserved, price range ordered, field validators).
The service is first run inside a rolled-back savepoint to collect its errors row by row."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from clusterlink.common import clock
from clusterlink.common.errors import ApplicationError
from clusterlink.directory.imports import cells
from clusterlink.directory.imports.pipeline import RowCells, RowHandler
from clusterlink.directory.imports.report import ImportReport
from clusterlink.directory.imports.specs import CAPACITY, Spec, Taxonomy
from clusterlink.directory.models import CapacityWeek, Enterprise
from clusterlink.directory.services import CapacityCell, capacity_cell_key, capacity_weeks_save

# Service error keys are "category@week.field"; these fields map onto template columns.
_FIELD_COLUMNS = {
    "free_pairs": "free_pairs", "unit_price_min_rmb": "unit_price_min_rmb", "unit_price_max_rmb": "unit_price_max_rmb",
    "min_lot_pairs": "min_lot_pairs", "lead_time_days": "lead_time_days", "week": "week", "category": "category", "__all__": "free_pairs",
}  # fmt: skip


class _DryRun(Exception):
    pass


class CapacityHandler(RowHandler[CapacityCell]):
    spec: Spec = CAPACITY

    def __init__(self, *, enterprise: Enterprise) -> None:
        self.enterprise = enterprise
        self.taxonomy = Taxonomy()

    def parse(self, row: RowCells) -> CapacityCell | None:
        enterprise_id = row.parse("enterprise_id", lambda v: cells.whole_number(v, minimum=1))
        if enterprise_id is not None and enterprise_id != self.enterprise.pk:
            row.error(
                "enterprise_id",
                _(
                    "This row is for enterprise %(other)s, but you are importing for enterprise %(this)s."
                )
                % {"other": enterprise_id, "this": self.enterprise.pk},
            )
        category = None
        word = row.parse("category", cells.text, required=True, default="")
        if word:
            category = Taxonomy.find(self.taxonomy.categories, word)
            if category is None:
                row.error("category", _("Unknown product category: “%(word)s”.") % {"word": word})
        week = row.parse("week", cells.week, required=True)
        if week is not None and week < clock.current_week():
            row.error(
                "week",
                _("The week %(week)s is in the past.") % {"week": clock.iso_week_label(week)},
            )
        free_pairs = row.parse("free_pairs", cells.pairs, required=True)
        price_min = row.parse("unit_price_min_rmb", cells.rmb)
        price_max = row.parse("unit_price_max_rmb", cells.rmb)
        if price_min is not None and price_max is not None and price_min > price_max:
            row.error("unit_price_max_rmb", _("The highest price is below the lowest price."))
        min_lot = row.parse("min_lot_pairs", lambda v: cells.pairs(v, minimum=0), default=0)
        lead_time = row.parse(
            "lead_time_days", lambda v: cells.whole_number(v, minimum=0), default=0
        )
        if row.failed or category is None or week is None:
            return None
        return CapacityCell(
            category=category.code, week=week, free_pairs=free_pairs, unit_price_min_rmb=price_min,
            unit_price_max_rmb=price_max, min_lot_pairs=min_lot, lead_time_days=lead_time,
        )  # fmt: skip

    def check_all(self, rows: list[tuple[int, CapacityCell]], report: ImportReport) -> None:
        first: dict[tuple[str, Any], int] = {}
        unique: list[tuple[int, CapacityCell]] = []
        for number, cell in rows:
            key = (cell.category, cell.week)
            if key in first:
                column, ref = self.locate(number, "week")
                reason = _("Same category and week as row %(row)s.") % {"row": first[key]}
                report.add(number, column, reason, ref)
            else:
                first[key] = number
                unique.append((number, cell))
        # Dry run of the service: its own rules decide, nothing stays written.
        by_key = {capacity_cell_key(cell): number for number, cell in unique}
        try:
            with transaction.atomic():
                capacity_weeks_save(enterprise=self.enterprise, cells=[c for _, c in unique])
                raise _DryRun
        except _DryRun:
            pass
        except ApplicationError as exc:
            for key, messages in exc.details.items():
                cell_key, _dot, field = key.partition(".")
                column_key = _FIELD_COLUMNS.get(field or "__all__", "free_pairs")
                row_number = by_key.get(cell_key)
                column, ref = self.locate(row_number, column_key)
                for message in messages:
                    report.add(row_number, column, message, ref)

    def write(self, rows: list[tuple[int, CapacityCell]], report: ImportReport) -> None:
        before = {
            (code, week): (free, lo, hi, lot, lead)
            for code, week, free, lo, hi, lot, lead in CapacityWeek.objects.filter(
                enterprise=self.enterprise
            ).values_list(
                "category__code",
                "week",
                "free_pairs",
                "unit_price_min_rmb",
                "unit_price_max_rmb",
                "min_lot_pairs",
                "lead_time_days",
            )
        }
        capacity_weeks_save(enterprise=self.enterprise, cells=[c for _, c in rows])
        for _number, cell in rows:
            old = before.get((cell.category, cell.week))
            new = (
                cell.free_pairs,
                _money(cell.unit_price_min_rmb),
                _money(cell.unit_price_max_rmb),
                cell.min_lot_pairs,
                cell.lead_time_days,
            )
            if old is None:
                report.created += 1
            elif (old[0], _money(old[1]), _money(old[2]), old[3], old[4]) == new:
                report.unchanged += 1
            else:
                report.updated += 1


def _money(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))
