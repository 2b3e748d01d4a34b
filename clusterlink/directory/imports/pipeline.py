"""The reading half of every import: headers checked against the spec, every row parsed and
validated, nothing written. Kinds (enterprises, capacity, demands, OSH) plug in a RowHandler.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter, range_boundaries

from clusterlink.directory.imports import cells
from clusterlink.directory.imports.readers import RawRow, Table
from clusterlink.directory.imports.report import ImportReport
from clusterlink.directory.imports.specs import Spec, normalise_header

ParsedT = TypeVar("ParsedT")


@dataclass
class RowCells:
    """One data row, addressed by column key; errors are recorded against the file's own header."""

    number: int
    values: dict[str, Any]
    positions: dict[str, int]  # key → column index
    headers: dict[str, str]  # key → header as written in the file
    report: ImportReport
    failed: bool = False
    failed_keys: set[str] = field(default_factory=set)  # one reason per cell is enough

    def get(self, key: str) -> Any:
        return self.values.get(key)

    def has(self, key: str) -> bool:
        return key in self.positions

    def blank(self, key: str) -> bool:
        return cells.is_blank(self.values.get(key))

    def cell(self, key: str) -> str:
        position = self.positions.get(key)
        return f"{get_column_letter(position + 1)}{self.number}" if position is not None else ""

    def error(self, key: str, reason: Any) -> None:
        self.failed = True
        self.failed_keys.add(key)
        self.report.add(self.number, self.headers.get(key, key), str(reason), self.cell(key))

    def parse(
        self, key: str, parser: Callable[[Any], Any], *, required: bool = False, default: Any = None
    ) -> Any:
        """Parse one cell; blank gives `default` (or a 'required' error); a bad value is reported."""
        value = self.values.get(key)
        if cells.is_blank(value):
            if required and key not in self.failed_keys:
                self.error(key, _("This cell is required."))
            return default
        try:
            return parser(value)
        except cells.CellError as exc:
            self.error(key, exc.reason)
            return default


class RowHandler(Generic[ParsedT]):
    """What one import kind does with rows: parse one, check all together, write the good ones."""

    spec: Spec
    headers: dict[str, str] = {}  # set per import by read_rows: key → header in the file
    positions: dict[str, int] = {}  # set per import by read_rows: key → column index

    def locate(self, number: int | None, key: str) -> tuple[str, str]:
        """(header, Excel cell such as 'D5') of column `key` in row `number`; the cell is ''
        for a column the file does not have or a problem of no single row."""
        position = self.positions.get(key)
        header = self.headers.get(key, key)
        if position is None or number is None:
            return header, ""
        return header, f"{get_column_letter(position + 1)}{number}"

    def parse(self, row: RowCells) -> ParsedT | None:
        raise NotImplementedError

    def check_all(self, rows: list[tuple[int, ParsedT]], report: ImportReport) -> None:
        """Cross-row checks (duplicates inside the file, rows already stored); add errors."""

    def write(self, rows: list[tuple[int, ParsedT]], report: ImportReport) -> None:
        raise NotImplementedError


def match_headers(
    table: Table, spec: Spec, report: ImportReport
) -> tuple[dict[str, int], dict[str, str], set[int]] | None:
    """Column key → index, key → header text, and indexes of headerless columns; None (with
    errors reported on row 1) when a header is unknown, repeated or missing."""
    index = spec.header_index()
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    headerless: set[int] = set()
    ok = True
    style = header_language(table.headers, spec)
    expected = ", ".join(c.label(style) for c in spec.columns)
    for i, header in enumerate(table.headers):
        letter = f"{get_column_letter(i + 1)}1"
        if not header:
            headerless.add(i)
            continue
        key = index.get(normalise_header(header))
        if key is None:
            report.add(
                1,
                header,
                _("Unknown column “%(header)s”. The columns of this list are: %(expected)s.")
                % {"header": header, "expected": expected},
                letter,
            )
            ok = False
        elif key in positions:
            report.add(
                1,
                header,
                _("Column “%(header)s” appears twice (also column %(letter)s).")
                % {"header": header, "letter": get_column_letter(positions[key] + 1)},
                letter,
            )
            ok = False
        else:
            positions[key] = i
            headers[key] = header
    for column in spec.columns:
        headers.setdefault(column.key, column.label(style))
        if column.required and column.key not in positions:
            report.add(
                1,
                column.label(style),
                _(
                    "Missing column “%(header)s”. Download the template to see the expected header row."
                )
                % {"header": column.label(style)},
            )
            ok = False
    if not positions:
        return None
    return (positions, headers, headerless) if ok else None


def header_language(names: list[str], spec: Spec) -> str | None:
    """Which labels the file's header uses (Chinese, Japanese, or codes/English), so that a
    missing column is named the way the rest of the header is written."""
    votes = {"zh-hans": 0, "ja": 0, "en": 0}
    for name in names:
        folded = normalise_header(name)
        for column in spec.columns:
            if folded == normalise_header(column.zh):
                votes["zh-hans"] += 1
            elif folded == normalise_header(column.ja):
                votes["ja"] += 1
            elif folded in (normalise_header(column.key), normalise_header(column.en)):
                votes["en"] += 1
    best = max(votes, key=lambda language: votes[language])
    return best if votes[best] else None


def read_rows(
    table: Table,
    handler: RowHandler[ParsedT],
    report: ImportReport,
    *,
    progress: Callable[[int], None] | None = None,
) -> list[tuple[int, ParsedT]]:
    """Parse and validate every row; returns (row number, parsed) for rows without errors.

    Fully blank rows are skipped; those followed by data are listed as ignored (a notice, not
    an error). Formula cells and merged cells are errors: the value a user sees is not in them.
    """
    matched = match_headers(table, handler.spec, report)
    if matched is None:
        return []
    positions, headers, headerless = matched
    handler.headers = headers
    handler.positions = positions
    parsed: list[tuple[int, ParsedT]] = []
    pending_blank: list[int] = []
    failed_rows: set[int] = set()
    last_number = table.header_row
    for raw in table.rows:
        # A worksheet leaves rows without cells out altogether: they are blank rows too.
        for missing in range(last_number + 1, raw.number):
            report.rows_total += 1
            pending_blank.append(missing)
        last_number = raw.number
        report.rows_total += 1
        if progress is not None:
            progress(1)
        if all(cells.is_blank(v) for v in raw.values) and not raw.formulas:
            pending_blank.append(raw.number)
            continue
        report.ignored_blank_rows.extend(pending_blank)
        pending_blank.clear()
        row = _row_cells(raw, positions, headers, report)
        _check_stray_cells(raw, row, headerless, positions, report)
        result = handler.parse(row)
        if row.failed or result is None:
            failed_rows.add(raw.number)
            continue
        parsed.append((raw.number, result))
    report.rows_total -= len(pending_blank)  # trailing blank rows are not rows of the list
    merged_rows = _report_merged(table.merged, positions, headers, report)
    if merged_rows:
        parsed = [(n, p) for n, p in parsed if n not in merged_rows]
    if report.rows_total == 0 and not report.errors:
        report.add(None, "", _("The file has a header row but no data rows."))
    return parsed


def _row_cells(
    raw: RawRow, positions: dict[str, int], headers: dict[str, str], report: ImportReport
) -> RowCells:
    values = {key: (raw.values[i] if i < len(raw.values) else None) for key, i in positions.items()}
    row = RowCells(
        number=raw.number, values=values, positions=positions, headers=headers, report=report
    )
    key_of = {i: key for key, i in positions.items()}
    for i, formula in sorted(raw.formulas.items()):
        key = key_of.get(i)
        column = headers.get(key, "") if key else ""
        letter = f"{get_column_letter(i + 1)}{raw.number}"
        if formula.startswith("#"):
            reason = _("Cell %(cell)s shows the error %(value)s; enter a value.") % {
                "cell": letter,
                "value": formula,
            }
        else:
            reason = _(
                "Cell %(cell)s holds a formula (%(formula)s); replace it with its value (copy, then paste values)."
            ) % {"cell": letter, "formula": formula if formula.startswith("=") else "=" + formula}
        report.add(raw.number, column, reason, letter)
        row.failed = True
        if key:
            row.failed_keys.add(key)
            values[key] = None
    for key, value in values.items():
        if isinstance(value, str) and "\ufffd" in value:
            row.error(
                key,
                _(
                    "The text contains “%(char)s”: the file was converted with the wrong encoding somewhere. Re-export it as UTF-8."
                )
                % {"char": "\ufffd"},
            )
    return row


def _check_stray_cells(
    raw: RawRow,
    row: RowCells,
    headerless: set[int],
    positions: dict[str, int],
    report: ImportReport,
) -> None:
    known = set(positions.values())
    for i, value in enumerate(raw.values):
        if i in known or cells.is_blank(value):
            continue
        letter = f"{get_column_letter(i + 1)}{raw.number}"
        report.add(
            raw.number,
            "",
            _("Cell %(cell)s has a value but its column has no header; remove the extra column.")
            % {"cell": letter},
            letter,
        )
        row.failed = True


def _report_merged(
    ranges: Iterable[str], positions: dict[str, int], headers: dict[str, str], report: ImportReport
) -> set[int]:
    key_of = {i: key for key, i in positions.items()}
    rows: set[int] = set()
    for ref in ranges:
        min_col, min_row, _max_col, max_row = range_boundaries(ref)
        assert min_row is not None and max_row is not None and min_col is not None
        key = key_of.get(min_col - 1)
        column = headers.get(key, "") if key else ""
        report.add(
            min_row, column,
            _("Cells %(range)s are merged; unmerge them and write the value into every row it belongs to.") % {"range": ref},
            ref.split(":")[0],
        )  # fmt: skip
        rows.update(range(min_row, max_row + 1))
    return rows
