"""Forms of "my enterprise": the profile and the capacity calendar grid.

The grid is not a Django Form: its inputs are named after the keys the capacity service reports
errors by ("sports-shoes@2026-W49.free_pairs"), so every error lands on its own cell.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from clusterlink.common import clock
from clusterlink.common.errors import ApplicationError
from clusterlink.common.forms import ServiceErrorsMixin
from clusterlink.directory.models import (
    CapacityWeek,
    Category,
    Certification,
    Enterprise,
    Process,
    Role,
)
from clusterlink.directory.services import CapacityCell
from clusterlink.directory.taxonomy_fields import taxonomy_checkboxes
from clusterlink.directory.validators import (
    normalise_credit_code,
    validate_credit_code,
    validate_phone,
)

GRID_WEEKS = 12
# The calendar opens from three years back to three years ahead: far enough for any planning
# horizon or look at history, and a typed-in week such as 0001-W01 or 9999-W52 cannot push the
# date arithmetic of the grid outside the calendar.
GRID_WEEKS_BACK = 156
GRID_WEEKS_AHEAD = 156


def grid_start_bounds() -> tuple[dt.date, dt.date]:
    """The first and the last Monday the capacity calendar may start on."""
    this_week = clock.current_week()
    return (
        this_week - dt.timedelta(weeks=GRID_WEEKS_BACK),
        this_week + dt.timedelta(weeks=GRID_WEEKS_AHEAD),
    )


def grid_start_clamped(start: dt.date) -> dt.date:
    """`start` moved into grid_start_bounds() (unchanged when it already lies there)."""
    first, last = grid_start_bounds()
    return min(max(start, first), last)


class ProfileForm(ServiceErrorsMixin, forms.Form):
    legal_name = forms.CharField(label=_("Legal name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=30,
        required=False,
        help_text=_("18 characters; the check character is verified."),
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    employees = forms.IntegerField(
        label=_("Employees"),
        min_value=0,
        required=False,
        error_messages={
            "invalid": _("Enter a whole number."),
            "min_value": _("Cannot be negative."),
        },
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    contact_name = forms.CharField(label=_("Contact person"), max_length=100, required=False)
    contact_phone = forms.CharField(
        label=_("Contact phone"), max_length=40, required=False, validators=[validate_phone]
    )
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    is_listed = forms.BooleanField(label=_("Listed in the public directory"), required=False)
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        required=False,
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Unknown role: %(value)s.")},
    )
    categories = taxonomy_checkboxes(Category, label=_("Products"))
    processes = taxonomy_checkboxes(Process, label=_("Processes"))
    certifications = taxonomy_checkboxes(Certification, label=_("Certifications"))

    def clean_credit_code(self) -> str:
        """The model's own check (format, then check character), here too, so that a bad code
        is reported with the form's other errors instead of on the next submit."""
        code = normalise_credit_code(self.cleaned_data.get("credit_code") or "")
        validate_credit_code(code)
        return code

    @staticmethod
    def initial_for(enterprise: Enterprise) -> dict[str, Any]:
        names = (
            "legal_name",
            "name_en",
            "credit_code",
            "address",
            "employees",
            "description",
            "website",
            "contact_name",
            "contact_phone",
            "contact_email",
            "is_listed",
        )
        initial: dict[str, Any] = {name: getattr(enterprise, name) for name in names}
        initial["roles"] = enterprise.role_codes
        initial["categories"] = [c.code for c in enterprise.categories.all()]
        initial["processes"] = [p.code for p in enterprise.processes.all()]
        initial["certifications"] = [c.code for c in enterprise.certifications.all()]
        return initial

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for name in (
            "name_en",
            "credit_code",
            "address",
            "description",
            "website",
            "contact_name",
            "contact_phone",
            "contact_email",
        ):
            data[name] = data.get(name) or ""
        return data


class ShareForm(forms.Form):
    enterprise_id = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": _("Choose a firm to share with.")}
    )


# --- capacity calendar grid ------------------------------------------------------------------

# (field, label, whether it is money) in the order the cell shows them; free pairs first.
CELL_FIELDS: tuple[tuple[str, Any, bool], ...] = (
    ("free_pairs", _("Free pairs"), False),
    ("unit_price_min_rmb", _("Lowest price (RMB)"), True),
    ("unit_price_max_rmb", _("Highest price (RMB)"), True),
    ("min_lot_pairs", _("Minimum lot (pairs)"), False),
    ("lead_time_days", _("Lead time (days)"), False),
)
WHOLE_NUMBER = re.compile(r"^[+-]?\d+$")


@dataclass
class CellInput:
    name: str  # the field, e.g. "free_pairs"
    input_name: str  # "sports-shoes@2026-W49.free_pairs", also the service's error key
    label: Any
    value: str
    is_money: bool
    errors: list[str] = field(default_factory=list)


@dataclass
class GridCell:
    category: Category
    week: dt.date
    label: str  # "2026-W49"
    key: str  # "sports-shoes@2026-W49"
    row: CapacityWeek | None
    past: bool
    inputs: list[CellInput]
    errors: list[str] = field(default_factory=list)  # errors of the whole cell

    @property
    def free(self) -> CellInput:
        return self.inputs[0]

    @property
    def details(self) -> list[CellInput]:
        return self.inputs[1:]

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(i.errors for i in self.inputs)

    @property
    def details_open(self) -> bool:
        """Show the price/lot/lead-time inputs unfolded when one has a value or an error."""
        return any(i.errors or (i.value not in ("", "0")) for i in self.details)

    @property
    def reserved_pairs(self) -> int:
        return self.row.reserved_pairs if self.row else 0


@dataclass
class GridRow:
    category: Category
    cells: list[GridCell]
    saved: bool = False

    @property
    def has_errors(self) -> bool:
        return any(c.has_errors for c in self.cells)


def _stored_value(row: CapacityWeek | None, name: str) -> str:
    if row is None:
        return ""
    value = getattr(row, name)
    return "" if value is None else str(value)


class CapacityGrid:
    """Rows = the firm's product categories (and any category holding capacity in the window),
    columns = GRID_WEEKS ISO weeks from `start`. Past weeks are read-only."""

    def __init__(self, *, enterprise: Enterprise, start: dt.date, rows: list[CapacityWeek]) -> None:
        self.enterprise = enterprise
        self.start = start
        self.this_week = clock.current_week()
        self.weeks = [start + dt.timedelta(weeks=i) for i in range(GRID_WEEKS)]
        self.stored = {(r.category.code, r.week): r for r in rows}
        categories = {c.code: c for c in enterprise.categories.all()}
        for r in rows:
            categories.setdefault(r.category.code, r.category)
        ordered = sorted(categories.values(), key=lambda c: (c.trade, c.position, c.code))
        self.rows = [
            GridRow(category=c, cells=[self._cell(c, w) for w in self.weeks]) for c in ordered
        ]
        self.cells_by_key = {cell.key: cell for row in self.rows for cell in row.cells}
        self.errors: list[str] = []

    @property
    def week_labels(self) -> list[tuple[str, dt.date, bool]]:
        """(ISO week, its Monday, is past) per column: the header shows the Monday's date too."""
        return [(clock.iso_week_label(w), w, w < self.this_week) for w in self.weeks]

    @property
    def previous_start(self) -> str | None:
        """The start 12 weeks earlier, or None when the calendar already starts at its first week."""
        first, _last = grid_start_bounds()
        if self.start <= first:
            return None
        return clock.iso_week_label(max(self.start - dt.timedelta(weeks=GRID_WEEKS), first))

    @property
    def next_start(self) -> str | None:
        """The start 12 weeks later, or None when the calendar already starts at its last week."""
        _first, last = grid_start_bounds()
        if self.start >= last:
            return None
        return clock.iso_week_label(min(self.start + dt.timedelta(weeks=GRID_WEEKS), last))

    @property
    def start_label(self) -> str:
        return clock.iso_week_label(self.start)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(r.has_errors for r in self.rows)

    def row(self, category_code: str) -> GridRow | None:
        return next((r for r in self.rows if r.category.code == category_code), None)

    def _cell(self, category: Category, week: dt.date) -> GridCell:
        label = clock.iso_week_label(week)
        key = f"{category.code}@{label}"
        row = self.stored.get((category.code, week))
        inputs = [
            CellInput(name, f"{key}.{name}", field_label, _stored_value(row, name), is_money)
            for name, field_label, is_money in CELL_FIELDS
        ]
        return GridCell(
            category=category,
            week=week,
            label=label,
            key=key,
            row=row,
            past=week < self.this_week,
            inputs=inputs,
        )

    def parse(self, post: QueryDict, *, only_category: str | None = None) -> list[CapacityCell]:
        """Read the posted cells into CapacityCells, keeping only those that changed. Values
        that are not numbers get an error on their cell; the service checks the rest."""
        cells: list[CapacityCell] = []
        for row in self.rows:
            if only_category and row.category.code != only_category:
                continue
            for cell in row.cells:
                if cell.past:
                    continue
                parsed = self._parse_cell(cell, post)
                if parsed is not None:
                    cells.append(parsed)
        return cells

    def _parse_cell(self, cell: GridCell, post: QueryDict) -> CapacityCell | None:
        raw = {i.name: post.get(i.input_name, "").strip().replace(",", "") for i in cell.inputs}
        for i in cell.inputs:
            i.value = raw[i.name]
        if cell.row is None and not any(raw.values()):
            return None
        if not raw["free_pairs"]:
            if cell.row is None:
                cell.free.errors.append(str(_("Enter the free pairs for this week first.")))
                return None
            raw["free_pairs"] = "0"  # clearing a stored cell means no free capacity that week
        values: dict[str, Any] = {}
        for i in cell.inputs:
            text = raw[i.name]
            if i.is_money:
                values[i.name] = self._money(text, i)
            elif text == "":
                values[i.name] = 0
            elif WHOLE_NUMBER.match(text):
                number = int(text)
                if number < 0:
                    i.errors.append(str(_("Enter a whole number of zero or more.")))
                values[i.name] = number
            else:
                i.errors.append(str(_("Enter a whole number, e.g. 3000.")))
        if cell.has_errors:
            return None
        low, high = values["unit_price_min_rmb"], values["unit_price_max_rmb"]
        if low is not None and high is not None and low > high:
            cell.inputs[2].errors.append(str(_("The highest price is below the lowest price.")))
            return None
        if cell.row is not None and all(
            _same(getattr(cell.row, name), values[name]) for name in values
        ):
            return None  # unchanged: saving it again would only add a history row
        return CapacityCell(category=cell.category.code, week=cell.week, **values)

    @staticmethod
    def _money(text: str, cell_input: CellInput) -> Decimal | None:
        if text == "":
            return None
        text = text.replace("¥", "").replace("￥", "")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            cell_input.errors.append(str(_("Enter an amount in RMB, e.g. 18.50.")))
            return None
        if not amount.is_finite():
            cell_input.errors.append(str(_("Enter an amount in RMB, e.g. 18.50.")))
        elif amount < 0:
            cell_input.errors.append(str(_("An amount in RMB cannot be negative.")))
        elif amount.as_tuple().exponent < -2:  # type: ignore[operator]
            cell_input.errors.append(str(_("Use at most two decimals (yuan and fen).")))
        return amount

    def add_service_error(self, error: ApplicationError) -> None:
        """Place each 'category@week.field' message on its cell input (or cell, or grid)."""
        details = error.details if isinstance(error.details, dict) else {}
        for key, messages in details.items():
            cell_key, _dot, field_name = str(key).partition(".")
            cell = self.cells_by_key.get(cell_key)
            target = next((i for i in cell.inputs if i.name == field_name), None) if cell else None
            for message in messages if isinstance(messages, list) else [messages]:
                if target is not None:
                    target.errors.append(str(message))
                elif cell is not None:
                    cell.errors.append(str(message))
                else:
                    self.errors.append(f"{key}: {message}")
        if not details:
            self.errors.append(str(error.message))


def _same(stored: Any, new: Any) -> bool:
    if stored is None or new is None:
        return stored is None and new is None
    return bool(stored == new)
