"""Demand rows of one firm, written through `market.services.demand_create` (its rules: known
type and category, pairs for orders, delivery week not in the past, minimum lot within pairs,
field validators). Every row is first created inside a savepoint that is rolled back, so the
service's own errors are collected row by row before anything is kept."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from clusterlink.common import clock
from clusterlink.common.errors import ApplicationError
from clusterlink.directory.imports import cells
from clusterlink.directory.imports.pipeline import RowCells, RowHandler
from clusterlink.directory.imports.report import ImportReport
from clusterlink.directory.imports.specs import DEMANDS, Spec, Taxonomy, normalise_header
from clusterlink.directory.models import Enterprise
from clusterlink.market.models import Demand, DemandType, Visibility
from clusterlink.market.services import demand_create


class _DryRun(Exception):
    pass


class DemandHandler(RowHandler[dict[str, Any]]):
    spec: Spec = DEMANDS

    def __init__(self, *, enterprise: Enterprise, actor: Any = None) -> None:
        self.enterprise = enterprise
        self.actor = actor
        self.taxonomy = Taxonomy()
        self.types = self._choice_index(DemandType.choices)
        self.visibilities = self._choice_index(Visibility.choices)

    @staticmethod
    def _choice_index(choices: list[tuple[str, Any]]) -> dict[str, str]:
        from django.utils import translation

        index: dict[str, str] = {}
        for language in ("zh-hans", "en", "ja"):
            with translation.override(language):
                for code, label in choices:
                    index[normalise_header(code)] = code
                    index[normalise_header(str(label))] = code
        return index

    def parse(self, row: RowCells) -> dict[str, Any] | None:
        enterprise_id = row.parse("enterprise_id", lambda v: cells.whole_number(v, minimum=1))
        if enterprise_id is not None and enterprise_id != self.enterprise.pk:
            row.error(
                "enterprise_id",
                _(
                    "This row is for enterprise %(other)s, but you are importing for enterprise %(this)s."
                )
                % {"other": enterprise_id, "this": self.enterprise.pk},
            )
        values: dict[str, Any] = {}
        word = row.parse("demand_type", cells.text, required=True, default="")
        if word:
            values["demand_type"] = self.types.get(normalise_header(word))
            if values["demand_type"] is None:
                row.error("demand_type", _("Unknown demand type: “%(word)s”.") % {"word": word})
        values["title"] = row.parse("title", cells.text, required=True, default="")
        values["description"] = row.parse("description", cells.text, default="")
        word = row.parse("category", cells.text, default="")
        if word:
            category = Taxonomy.find(self.taxonomy.categories, word)
            if category is None:
                row.error("category", _("Unknown product category: “%(word)s”.") % {"word": word})
            else:
                values["category"] = category.code
        values["pairs"] = row.parse("pairs", cells.pairs)
        values["target_unit_price_rmb"] = row.parse("target_unit_price_rmb", cells.rmb)
        week = row.parse("delivery_week", cells.week)
        if week is not None and week < clock.current_week():
            row.error(
                "delivery_week",
                _("The delivery week %(week)s is in the past.")
                % {"week": clock.iso_week_label(week)},
            )
        values["delivery_week"] = week
        values["min_lot_pairs"] = row.parse(
            "min_lot_pairs", lambda v: cells.pairs(v, minimum=0), default=0
        )
        values["split_allowed"] = row.parse("split_allowed", cells.boolean, default=True)
        values["max_factories"] = row.parse(
            "max_factories", lambda v: cells.whole_number(v, minimum=1), default=3
        )
        values["required_processes"] = self._codes(
            row, "required_processes", self.taxonomy.processes, _("process")
        )
        values["required_certifications"] = self._codes(
            row, "required_certifications", self.taxonomy.certifications, _("certification")
        )
        word = row.parse("visibility", cells.text, default="")
        values["visibility"] = (
            self.visibilities.get(normalise_header(word)) if word else Visibility.PUBLIC
        )
        if values["visibility"] is None:
            row.error(
                "visibility",
                _("Unknown visibility: “%(word)s” (public, cluster or private).") % {"word": word},
            )
        return None if row.failed else values

    def _codes(self, row: RowCells, key: str, index: dict[str, Any], kind: str) -> list[str]:
        found: list[str] = []
        for word in cells.word_list(row.get(key)) if row.has(key) else []:
            hit = Taxonomy.find(index, word)
            if hit is None:
                row.error(key, _("Unknown %(kind)s: “%(word)s”.") % {"kind": kind, "word": word})
            elif hit.code not in found:
                found.append(hit.code)
        return found

    @staticmethod
    def identity(values: dict[str, Any]) -> tuple[Any, ...]:
        return (
            values["demand_type"],
            values["title"].casefold(),
            values.get("category"),
            values["pairs"],
            values["delivery_week"],
        )

    def check_all(self, rows: list[tuple[int, dict[str, Any]]], report: ImportReport) -> None:
        first: dict[tuple[Any, ...], int] = {}
        for number, values in rows:
            key = self.identity(values)
            if key in first:
                column, cell = self.locate(number, "title")
                reason = _("Same demand as row %(row)s: the row appears twice.") % {
                    "row": first[key]
                }
                report.add(number, column, reason, cell)
            else:
                first[key] = number
        try:
            with transaction.atomic():
                for number, values in rows:
                    try:
                        with transaction.atomic():
                            demand_create(owner=self.enterprise, created_by=self.actor, **values)
                    except ApplicationError as exc:
                        for field, messages in exc.details.items():
                            column, cell = (
                                self.locate(number, field)
                                if field in {c.key for c in self.spec.columns}
                                else ("", "")
                            )
                            for message in messages:
                                report.add(number, column, message, cell)
                raise _DryRun
        except _DryRun:
            pass

    def write(self, rows: list[tuple[int, dict[str, Any]]], report: ImportReport) -> None:
        existing = {
            (t, title.casefold(), c, p, w)
            for t, title, c, p, w in Demand.objects.filter(owner=self.enterprise).values_list(
                "demand_type", "title", "category__code", "pairs", "delivery_week"
            )
        }
        for number, values in rows:
            if self.identity(values) in existing:
                report.existing.append(
                    {
                        "row": number,
                        "enterprise_id": self.enterprise.pk,
                        "reason": _("This demand is already posted."),
                    }
                )
                report.unchanged += 1
                continue
            demand_create(owner=self.enterprise, created_by=self.actor, **values)
            report.created += 1
