"""Readers of uploaded tables: .xlsx and CSV in UTF-8 (with or without BOM), UTF-16 (Excel's
"Unicode text") or GBK/GB18030 (what Chinese Excel writes).

A workbook is read by python-calamine (Rust; 100,000 rows in about a second, where openpyxl's
streaming parser takes 20 s). Calamine reads what a formula last computed, or nothing when it was
never computed, so a workbook whose worksheets hold a formula or an error cell is read by
openpyxl instead (read-only, formulas kept), which names every such cell.

A reader never guesses silently: a file that is too large (in bytes, or in the rows, columns
or cells its worksheets reach, checked before any grid is built), empty, not really an Excel
workbook, or in an encoding that cannot be decoded strictly is refused with a FileRejected
naming why.
Rows come out as RawRow with the row number the user sees in Excel.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusterlink.directory.imports import cells

XLSX_EXTENSIONS = (".xlsx", ".xlsm")
CSV_EXTENSIONS = (".csv", ".txt", ".tsv")
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls format
_CJK_RE = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
NOT_A_WORKBOOK = gettext_lazy(
    "This file is not an Excel workbook (.xlsx), although its name ends in .xlsx. Save it from Excel as .xlsx, or as CSV."
)

# Limits of one uploaded table, checked before anything is read into memory (worksheets.py for
# a workbook, _open_csv for CSV). A cluster's directory is a few thousand firms and a year of
# weekly capacity of 2,000 firms in one category 104,000 rows; bench/imports.py imports
# 100,000 rows in 30-50 s. MAX_ROWS leaves room for those with a header and some blank rows.
MAX_ROWS = 120_000
# The widest template has 16 columns and Open Supply Hub lists about 40; 200 leaves room for
# notes columns without letting a stray cell far to the right widen every row.
MAX_COLUMNS = 200
# Calamine allocates every cell of the rectangle from A1 to the last used cell (about 40 bytes
# each with the Python lists built from it): 6 million cells, e.g. 120,000 rows by 50 columns,
# stay near 250 MB, within the 2 GiB an import may use (bench/results/imports-*.md).
MAX_CELLS = 6_000_000
# The XML of 6 million cells of up to 80 bytes each: what a sheet within the limits can need.
MAX_SHEET_XML_BYTES = 500_000_000
# A CSV line: 200 columns of 500 characters. Checked before the csv module splits a line, so
# a line of millions of separators never becomes a list of millions of fields.
MAX_LINE_CHARS = 100_000
_LINE_END_RE = re.compile(r"\r\n|\r|\n")


class FileRejected(Exception):
    """The file as a whole cannot be read; nothing in it is looked at further."""

    def __init__(self, reason: str | Promise) -> None:
        super().__init__(str(reason))
        self.reason = str(reason)


@dataclass
class RawRow:
    number: int  # as in Excel (a CSV header is row 1)
    values: list[Any]
    formulas: dict[int, str] = field(default_factory=dict)  # column index (0-based) → "=A1*2"


@dataclass
class Table:
    """Header and data rows of the first worksheet (or of the CSV file).

    `merged` (ranges such as "A5:C5") is complete only after `rows` has been exhausted, because
    a worksheet lists its merged cells after its data.
    """

    headers: list[str]
    rows: Iterator[RawRow]
    encoding: str = ""
    merged: list[str] = field(default_factory=list)
    header_row: int = 1  # Excel's number of the header row (rows above it are blank)


SourceType = Path | bytes | IO[bytes]


def column_letter(column: int) -> str:
    """Excel's letters of a column counted from 1 (also beyond XFD, where openpyxl stops)."""
    letters = ""
    while column > 0:
        column, remainder = divmod(column - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def too_many_rows(sheet: str, row: int) -> str:
    return _(
        "Worksheet “%(sheet)s” reaches row %(row)s; at most %(limit)s rows can be read from one file. Delete stray cells below the table, or split the file."
    ) % {"sheet": sheet, "row": f"{row:,}", "limit": f"{MAX_ROWS:,}"}


def too_many_columns(sheet: str, column: int) -> str:
    return _(
        "Worksheet “%(sheet)s” reaches column %(column)s; at most %(limit)s columns (to column %(last)s) can be read. Delete stray cells to the right of the table."
    ) % {
        "sheet": sheet,
        "column": column_letter(column),
        "limit": MAX_COLUMNS,
        "last": column_letter(MAX_COLUMNS),
    }


def source_size(source: SourceType) -> int:
    if isinstance(source, Path):
        return source.stat().st_size
    if isinstance(source, bytes):
        return len(source)
    size = getattr(source, "size", None)
    if isinstance(size, int):
        return size
    position = source.tell()
    source.seek(0, io.SEEK_END)
    end = source.tell()
    source.seek(position)
    return end


def _read_bytes(source: SourceType) -> bytes:
    if isinstance(source, Path):
        return source.read_bytes()
    if isinstance(source, bytes):
        return source
    source.seek(0)
    return source.read()


def _binary_stream(source: SourceType) -> IO[bytes]:
    if isinstance(source, Path):
        return source.open("rb")
    if isinstance(source, bytes):
        return io.BytesIO(source)
    source.seek(0)
    return source


def open_table(source: SourceType, *, file_name: str, max_bytes: int) -> Table:
    """Open an uploaded table; raises FileRejected before parsing anything that cannot be read."""
    size = source_size(source)
    if size > max_bytes:
        raise FileRejected(
            _(
                "The file is %(size).1f MB; the limit is %(limit).1f MB. Split it into smaller files."
            )
            % {"size": size / 1_000_000, "limit": max_bytes / 1_000_000}
        )
    if size == 0:
        raise FileRejected(_("The file is empty."))
    suffix = Path(file_name).suffix.lower()
    if suffix in XLSX_EXTENSIONS:
        return _open_xlsx(_binary_stream(source))
    if suffix == ".xls":
        raise FileRejected(
            _("The old .xls format is not supported: save the workbook as .xlsx (Excel Workbook).")
        )
    if suffix in CSV_EXTENSIONS:
        # Excel names a CSV file's only sheet after the file.
        return _open_csv(_read_bytes(source), sheet=Path(file_name).stem)
    raise FileRejected(
        _("Unsupported file type %(suffix)s: upload an .xlsx workbook or a .csv file.")
        % {"suffix": suffix or "?"}
    )


# --- Excel -----------------------------------------------------------------------------------


def _open_xlsx(stream: IO[bytes]) -> Table:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    head = stream.read(8)
    stream.seek(0)
    if head.startswith(_OLE2_MAGIC):
        raise FileRejected(
            _(
                "This is an old-format .xls workbook renamed to .xlsx: open it in Excel and save it as .xlsx."
            )
        )
    if not zipfile.is_zipfile(stream):
        raise FileRejected(NOT_A_WORKBOOK)
    stream.seek(0)
    # Before any reader: a worksheet beyond the limits is refused without building its grid.
    from clusterlink.directory.imports.worksheets import scan_workbook

    try:
        with zipfile.ZipFile(stream) as archive:
            scan = scan_workbook(archive)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileRejected(NOT_A_WORKBOOK) from exc
    stream.seek(0)
    if not scan.holds_formulas:
        return _open_xlsx_values(stream)
    stream.seek(0)
    try:
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=False)
    except (InvalidFileException, KeyError, zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileRejected(NOT_A_WORKBOOK) from exc
    if not workbook.worksheets:
        raise FileRejected(_("The workbook has no worksheet."))
    sheet = workbook.worksheets[0]
    table = Table(headers=[], rows=iter(()), encoding="xlsx")
    rows = _xlsx_rows(sheet, table)
    first, table.headers = _header_row(rows)
    table.header_row = first.number
    if first.formulas:
        raise FileRejected(
            _("The header row holds formulas; write the column names as plain text.")
        )
    table.rows = rows
    return table


def _open_xlsx_values(stream: IO[bytes]) -> Table:
    """A workbook without formulas, read by calamine: the first worksheet's values with blank
    cells as None, row numbers and column positions as in Excel."""
    from openpyxl.utils import get_column_letter
    from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum

    stream.seek(0)
    try:
        workbook = CalamineWorkbook.from_filelike(stream)
        names = [s.name for s in workbook.sheets_metadata if s.typ == SheetTypeEnum.WorkSheet]
        if not names:
            raise FileRejected(_("The workbook has no worksheet."))
        sheet = workbook.get_sheet_by_name(names[0])
        # Not skipping the empty area: row i is Excel's row i + 1, column j its column j + 1.
        grid = sheet.to_python(skip_empty_area=False)
        merged = [
            f"{get_column_letter(c0 + 1)}{r0 + 1}:{get_column_letter(c1 + 1)}{r1 + 1}"
            for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or ()
        ]
    except CalamineError as exc:
        raise FileRejected(NOT_A_WORKBOOK) from exc
    rows = (
        RawRow(number=i + 1, values=[None if v == "" else v for v in values])
        for i, values in enumerate(grid)
    )
    first, headers = _header_row(rows)
    return Table(
        headers=headers, rows=rows, encoding="xlsx", merged=merged, header_row=first.number
    )


def _header_row(rows: Iterator[RawRow]) -> tuple[RawRow, list[str]]:
    """The first row with a value or a formula, and its cells as column names: blank rows above
    the table are not its header."""
    for row in rows:
        if row.formulas or not all(cells.is_blank(v) for v in row.values):
            return row, ["" if v is None else cells.text(v) for v in row.values]
    raise FileRejected(_("The file is empty."))


def _xlsx_rows(sheet: Any, table: Table) -> Iterator[RawRow]:
    """Rows of a read-only worksheet with formulas detected, straight from openpyxl's streaming
    parser (one pass: the parser also collects the merged ranges listed after the data; the
    public ReadOnlyWorksheet API drops them)."""
    workbook = sheet.parent
    with sheet._get_source() as src:
        parser = _FastInlineStringParser(
            src, sheet._shared_strings, data_only=False, epoch=workbook.epoch,
            date_formats=workbook._date_formats, timedelta_formats=workbook._timedelta_formats,
        )  # fmt: skip
        for number, cells in parser.parse():
            values: list[Any] = []
            formulas: dict[int, str] = {}
            for cell in cells:
                index = cell["column"] - 1
                if index >= len(values):
                    values.extend([None] * (index + 1 - len(values)))
                value = cell["value"]
                if cell["data_type"] == "f":
                    formulas[index] = (
                        value if isinstance(value, str) else str(getattr(value, "text", value))
                    )
                    value = None
                elif cell["data_type"] == "e":
                    formulas[index] = str(value)
                    value = None
                values[index] = value
            yield RawRow(number=number, values=values, formulas=formulas)
        merged = getattr(parser, "merged_cells", None)
        table.merged = (
            [str(r.ref) for r in getattr(merged, "mergeCell", [])] if merged is not None else []
        )


def _inline_string_parser() -> type:
    from openpyxl.utils.cell import coordinate_to_tuple
    from openpyxl.worksheet._reader import FORMULA_TAG, INLINE_STRING, WorkSheetParser

    class FastInlineStringParser(WorkSheetParser):  # type: ignore[misc]
        """openpyxl's streaming parser, reading inline strings (what many generators write)
        as plain text instead of building rich-text objects for every cell: 3x faster on them."""

        def parse_cell(self, element: Any) -> dict[str, Any]:
            if element.get("t") == "inlineStr" and element.find(FORMULA_TAG) is None:
                child = element.find(INLINE_STRING)
                coordinate = element.get("r")
                if coordinate:
                    row, column = coordinate_to_tuple(coordinate)
                    self.col_counter = column
                else:
                    self.col_counter += 1
                    row, column = self.row_counter, self.col_counter
                text = "".join(child.itertext()) if child is not None else None
                return {
                    "row": row,
                    "column": column,
                    "value": text,
                    "data_type": "s",
                    "style_id": 0,
                }
            parsed: dict[str, Any] = super().parse_cell(element)
            return parsed

    return FastInlineStringParser


class _LazyParser:
    """Builds the parser class on first use, so openpyxl is imported only by xlsx imports."""

    cls: type | None = None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.cls is None:
            self.cls = _inline_string_parser()
        return self.cls(*args, **kwargs)


_FastInlineStringParser = _LazyParser()


# --- CSV -------------------------------------------------------------------------------------


def decode_csv(data: bytes) -> tuple[str, str]:
    """Text and encoding name of CSV bytes, decoded strictly. UTF-8 (BOM or not) first, then
    UTF-16 with BOM, then GB18030 (a superset of GBK) if the result is plausibly Chinese text."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise FileRejected(
                _(
                    'The file says it is UTF-8 but byte %(position)s is not valid UTF-8. Save it again as "CSV UTF-8".'
                )
                % {"position": exc.start + 3}
            ) from exc
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise FileRejected(_("The file is not valid UTF-16 text.")) from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = ""
    if text and _plausibly_chinese(text):
        try:
            data.decode("gbk")
            return text, "gbk"
        except UnicodeDecodeError:
            return text, "gb18030"
    guess = _guess_encoding(data)
    raise FileRejected(
        _(
            'The file is neither UTF-8 nor GBK/GB18030 text%(guess)s. In Excel choose "Save as" → "CSV UTF-8".'
        )
        % {"guess": f" ({guess})" if guess else ""}
    )


def _plausibly_chinese(text: str) -> bool:
    """Whether GB18030-decoded text reads as Chinese: nearly all of its non-ASCII characters are
    CJK, and most are in GB2312's everyday set. Other encodings (Shift_JIS, Big5, Latin-1) often
    decode as GB18030 too, but into rare characters of the GBK extension."""
    non_ascii = [c for c in text if ord(c) > 127]
    if not non_ascii:
        return False
    cjk = [c for c in non_ascii if _CJK_RE.match(c)]
    if len(cjk) / len(non_ascii) < 0.9:
        return False
    common = 0
    for c in cjk:
        try:
            c.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    return common / len(cjk) >= 0.8


def _guess_encoding(data: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:65536]).best()
    return best.encoding if best is not None else ""


def _open_csv(data: bytes, *, sheet: str) -> Table:
    text, encoding = decode_csv(data)
    if not text.strip():
        raise FileRejected(_("The file is empty."))
    _check_line_lengths(text)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if encoding == "utf-16" else max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise FileRejected(_("The file is not readable CSV: %(error)s") % {"error": exc}) from exc
    if len(header) > MAX_COLUMNS:
        raise FileRejected(too_many_columns(sheet, len(header)))
    headers = [unicodedata.normalize("NFC", h).strip() for h in header]

    def data_rows() -> Iterator[RawRow]:
        number = 1
        try:
            for record in reader:
                number += 1
                if number > MAX_ROWS:
                    raise FileRejected(too_many_rows(sheet, number))
                if len(record) > MAX_COLUMNS:
                    raise FileRejected(too_many_columns(sheet, len(record)))
                yield RawRow(number=number, values=list(record))
        except csv.Error as exc:
            raise FileRejected(
                _("Row %(row)s is not readable CSV: %(error)s") % {"row": number + 1, "error": exc}
            ) from exc

    return Table(headers=headers, rows=data_rows(), encoding=encoding)


def _check_line_lengths(text: str) -> None:
    """Refuses text with a line longer than MAX_LINE_CHARS, naming the first such line."""
    start = 0
    number = 1
    for line_end in _LINE_END_RE.finditer(text):
        if line_end.start() - start > MAX_LINE_CHARS:
            break
        start = line_end.end()
        number += 1
    else:
        if len(text) - start <= MAX_LINE_CHARS:
            return
    raise FileRejected(
        _(
            "Line %(line)s of the file is longer than %(limit)s characters; no row of a table is that long. Check that the file is a table saved as CSV."
        )
        % {"line": f"{number:,}", "limit": f"{MAX_LINE_CHARS:,}"}
    )
