"""A match run's result as an Excel workbook (openpyxl): summary with the cost breakdown,
placements by order and week, placements by factory, utilisation by week, unplaced pairs.
Same rows as the result page, same access: a price the viewer may not read is left empty,
and free capacity shows only where the report has it (matching.access). Every text cell
goes through safe_cell, so that a firm or an order named `=HYPERLINK(...)` stays text."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from clusterlink.common.clock import iso_week_label
from clusterlink.common.spreadsheets import safe_cell
from clusterlink.matching.models import MatchRun
from clusterlink.matching.selectors import RunReport


def _append(sheet: Worksheet, cells: Iterable[Any]) -> None:
    sheet.append([safe_cell(cell) for cell in cells])


def run_workbook(run: MatchRun, report: RunReport) -> Workbook:
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = _("Summary")[:31]
    for label, value in [
        (_("Match run"), run.pk),
        (_("Status"), run.get_status_display()),
        (_("Solver status"), run.get_solver_status_display()),
        (_("Total cost (RMB)"), run.objective_rmb),
        (_("Lower bound (RMB)"), run.lower_bound_rmb),
        (_("Production (RMB)"), run.production_rmb),
        (_("Transport (RMB)"), run.transport_rmb),
        (_("Unplaced penalty (RMB)"), run.penalty_rmb),
        (_("Weighted terms (RMB)"), run.weighted_rmb),
        (_("Seconds"), run.seconds),
    ]:
        _append(summary, [label, value])
    placements = book.create_sheet(_("Placements")[:31])
    _append(
        placements,
        [
            _("Demand"),
            _("Brand"),
            _("Factory"),
            _("Week"),
            _("Pairs"),
            _("Unit cost (RMB)"),
            _("Transport per pair (RMB)"),
            _("Status"),
        ],
    )
    for p in report.proposals:
        for placement in p.placements.all():
            _append(
                placements,
                [
                    p.demand.title,
                    p.demand.owner.display_name,
                    p.factory.display_name,
                    iso_week_label(placement.week),
                    placement.pairs,
                    p.unit_cost_rmb if getattr(p, "price_shown", False) else None,
                    p.transport_rmb_per_pair,
                    p.get_status_display(),
                ],
            )
    by_factory = book.create_sheet(_("Placements by factory")[:31])
    _append(by_factory, [_("Factory"), _("Cluster"), _("Pairs"), _("Orders")])
    for firm in report.by_factory:
        factory = firm["factory"]
        _append(
            by_factory,
            [
                factory.display_name,
                factory.cluster.name if factory.cluster else "",
                firm["pairs"],
                "; ".join(f"{p.demand.title} ({p.pairs})" for p in firm["rows"]),
            ],
        )
    utilisation = book.create_sheet(_("Utilisation")[:31])
    _append(utilisation, [_("Factory"), *[iso_week_label(w) for w in report.weeks]])
    for row in report.utilisation:
        _append(
            utilisation,
            [
                row["factory"].display_name,
                *[f"{c['pairs']}/{c['free']}" if c["free"] else c["pairs"] for c in row["cells"]],
            ],
        )
    unplaced = book.create_sheet(_("Unplaced")[:31])
    _append(unplaced, [_("Demand"), _("Pairs"), _("Reason")])
    for u in report.unplaced:
        _append(unplaced, [u.demand.title, u.pairs, u.get_reason_display()])
    return book
