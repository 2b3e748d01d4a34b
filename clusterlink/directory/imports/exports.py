"""Templates and exports of every list, to .xlsx and CSV, in the columns of the import specs
(so an exported file re-imports, and a template is an empty export with an example row).

Rows come from the access-checked selectors: an export shows exactly what its viewer may see
(private fields — contacts, prices, capacity — only where the selectors allow them), and only
a signed-in viewer exports (directory.access). Every cell goes through `safe_cell`, so a firm
named ``=HYPERLINK(…)`` stays text in Excel, WPS and LibreOffice.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from clusterlink.accounts.access import Viewer
from clusterlink.common import clock
from clusterlink.common.spreadsheets import safe_cell
from clusterlink.directory.access import access_bulk_export
from clusterlink.directory.imports.specs import CAPACITY, DEMANDS, ENTERPRISES, SPECS, Spec
from clusterlink.directory.models import Enterprise
from clusterlink.directory.selectors import EnterpriseFilters, capacity_week_list, enterprise_list

FORMATS = ("xlsx", "csv")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _cell(value: Any) -> Any:
    """A value as a spreadsheet cell: text that would start a formula is kept as text."""
    return safe_cell(_plain(value))


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return clock.iso_week_label(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return "" if value is None else value


def write_table(
    spec: Spec,
    rows: Iterable[dict[str, Any]],
    *,
    file_format: str,
    language: str,
    notes: bool = False,
) -> bytes:
    """The rows (dicts keyed by column key) as .xlsx or CSV (UTF-8 with BOM, which Excel opens
    correctly), header in the language's labels."""
    with translation.override(language):
        headers = [c.label(language) for c in spec.columns]
        keys = [c.key for c in spec.columns]
        if file_format == "csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\r\n")
            writer.writerow(headers)
            for row in rows:
                writer.writerow([_cell(row.get(k)) for k in keys])
            return ("\ufeff" + buffer.getvalue()).encode("utf-8")
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(str(spec.title)[:31])
        sheet.append(headers)
        for row in rows:
            sheet.append([_cell(row.get(k)) for k in keys])
        if notes:
            _notes_sheet(workbook, spec, language)
        buffer_b = io.BytesIO()
        workbook.save(buffer_b)
        return buffer_b.getvalue()


def _notes_sheet(workbook: Any, spec: Spec, language: str) -> None:
    sheet = workbook.create_sheet(_("Notes")[:31])
    sheet.append([_("Column"), _("Required"), _("What to write"), _("Also accepted as header")])
    for column in spec.columns:
        others = [
            name
            for name in (column.key, column.zh, column.en, column.ja)
            if name != column.label(language)
        ]
        sheet.append(
            [
                column.label(language),
                _("yes") if column.required else "",
                str(column.help),
                " / ".join(dict.fromkeys(others)),
            ]
        )
    sheet.append([])
    for line in (
        _("Row 2 of the first sheet is an example: replace it or delete it before importing."),
        _("Keep the header row as it is; do not add columns, merge cells or use formulas."),
        _(
            "Every row is checked first; nothing is written unless all rows are valid (or you choose to import only the good rows)."
        ),
        _("CSV files may be saved as “CSV UTF-8” or in Excel's Chinese default (GBK)."),
    ):
        sheet.append([line])


def template_rows(spec: Spec) -> list[dict[str, Any]]:
    example: dict[str, Any] = {c.key: c.example for c in spec.columns}
    for key in ("week", "delivery_week"):
        if key in example:
            example[key] = clock.current_week() + dt.timedelta(weeks=4 if key == "week" else 8)
    return [example]


def template_file(kind: str, *, file_format: str, language: str) -> bytes:
    """The downloadable template of a kind: header row, one example row, a notes sheet (.xlsx)."""
    spec = SPECS[kind]
    return write_table(
        spec, template_rows(spec), file_format=file_format, language=language, notes=True
    )


# --- rows of each list, through the selectors ----------------------------------------------------


def enterprise_export_rows(
    *, viewer: Viewer, filters: EnterpriseFilters | None = None
) -> Iterator[dict[str, Any]]:
    qs = (
        enterprise_list(viewer=viewer, filters=filters)
        .filter(merged_into__isnull=True)
        .prefetch_related("roles", "categories", "processes", "certifications")
    )
    for enterprise in qs.iterator(chunk_size=2000):
        yield enterprise_row(
            enterprise, private=viewer.may_see_private_of(enterprise.pk, enterprise.cluster_id)
        )


def enterprise_row(enterprise: Enterprise, *, private: bool) -> dict[str, Any]:
    row: dict[str, Any] = {
        "legal_name": enterprise.legal_name, "name_en": enterprise.name_en, "credit_code": enterprise.credit_code,
        "roles": sorted(r.role for r in enterprise.roles.all()), "address": enterprise.address,
        "lat": enterprise.lat, "lng": enterprise.lng, "employees": enterprise.employees,
        "categories": sorted(c.code for c in enterprise.categories.all()),
        "processes": sorted(p.code for p in enterprise.processes.all()),
        "certifications": sorted(c.code for c in enterprise.certifications.all()),
        "website": enterprise.website, "description": enterprise.description,
    }  # fmt: skip
    if private:
        row.update(
            contact_name=enterprise.contact_name,
            contact_phone=enterprise.contact_phone,
            contact_email=enterprise.contact_email,
        )
    return row


def capacity_export_rows(
    *, viewer: Viewer, enterprise_id: int | None = None
) -> Iterator[dict[str, Any]]:
    for week in capacity_week_list(viewer=viewer, enterprise_id=enterprise_id).iterator(
        chunk_size=2000
    ):
        yield {
            "enterprise_id": week.enterprise_id, "category": week.category.code, "week": week.week,
            "free_pairs": week.free_pairs, "unit_price_min_rmb": week.unit_price_min_rmb, "unit_price_max_rmb": week.unit_price_max_rmb,
            "min_lot_pairs": week.min_lot_pairs, "lead_time_days": week.lead_time_days,
        }  # fmt: skip


def demand_export_rows(*, viewer: Viewer, owner_id: int | None = None) -> Iterator[dict[str, Any]]:
    from clusterlink.market.models import Demand
    from clusterlink.market.selectors import DemandFilters, demand_list, demand_privileged_q

    qs = demand_list(viewer=viewer, filters=DemandFilters(owner_id=owner_id)).prefetch_related(
        "required_processes", "required_certifications"
    )
    privileged = (
        set(Demand.objects.filter(demand_privileged_q(viewer)).values_list("pk", flat=True))
        if viewer.is_authenticated
        else set()
    )
    for demand in qs.iterator(chunk_size=2000):
        yield {
            "enterprise_id": demand.owner_id, "demand_type": demand.demand_type, "title": demand.title,
            "category": demand.category.code if demand.category else "", "pairs": demand.pairs,
            "target_unit_price_rmb": demand.target_unit_price_rmb if demand.pk in privileged else None,
            "delivery_week": demand.delivery_week, "min_lot_pairs": demand.min_lot_pairs,
            "split_allowed": demand.split_allowed, "max_factories": demand.max_factories,
            "required_processes": sorted(p.code for p in demand.required_processes.all()),
            "required_certifications": sorted(c.code for c in demand.required_certifications.all()),
            "visibility": demand.visibility, "description": demand.description,
        }  # fmt: skip


def export_file(
    kind: str,
    *,
    viewer: Viewer,
    file_format: str,
    language: str,
    enterprise_id: int | None = None,
    filters: EnterpriseFilters | None = None,
) -> bytes:
    """Every row of a list the viewer may see, as .xlsx or CSV; PermissionError_ for an
    anonymous viewer."""
    access_bulk_export(viewer)
    if kind == "enterprises":
        return write_table(
            ENTERPRISES,
            enterprise_export_rows(viewer=viewer, filters=filters),
            file_format=file_format,
            language=language,
        )
    if kind == "capacity":
        return write_table(
            CAPACITY,
            capacity_export_rows(viewer=viewer, enterprise_id=enterprise_id),
            file_format=file_format,
            language=language,
        )
    if kind == "demands":
        return write_table(
            DEMANDS,
            demand_export_rows(viewer=viewer, owner_id=enterprise_id),
            file_format=file_format,
            language=language,
        )
    raise ValueError(f"unknown export kind {kind!r}")
