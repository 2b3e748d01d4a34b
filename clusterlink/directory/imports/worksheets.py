"""What an uploaded workbook's worksheets hold, learnt before any reader builds a grid of them.

Calamine (and the pipeline after it) allocates the whole rectangle from A1 to the last cell a
worksheet uses, so two cells, A1 and XFD1048576, in a 1.5 KB file would ask for 17 billion
cells. `scan_workbook` streams the XML of every worksheet once, with expat (exact XML, constant
memory; about 3 s of CPU for 1.5 million cells), and refuses the workbook as soon as a cell, the
declared `<dimension>` or a merged range reaches beyond the limits in `readers`; on the way it
notes whether any worksheet holds a formula or an error cell (those workbooks are read by
openpyxl, which keeps formulas).

Every worksheet is scanned, not only the first, and worksheets are found the way both readers
find them (the relationships of the workbook, and every part under xl/worksheets/): a workbook
cannot hide a sheet from the scan by naming its part differently. Whatever expat cannot parse
is refused: both readers take only well-formed XML from Excel, WPS, LibreOffice and openpyxl.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pyexpat import ExpatError, ParserCreate

from django.utils.translation import gettext as _

from clusterlink.directory.imports.readers import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_SHEET_XML_BYTES,
    NOT_A_WORKBOOK,
    FileRejected,
    column_letter,
    too_many_columns,
    too_many_rows,
)

_REF_RE = re.compile(r"\$?([A-Za-z]+)\$?([0-9]+)")
_WORKSHEET_TYPE = "/worksheet"
_SMALL_PART_BYTES = 10_000_000  # workbook.xml and .rels parts: a few KB in real workbooks
_CHUNK = 1 << 20


@dataclass
class WorkbookScan:
    holds_formulas: bool = False


def scan_workbook(archive: zipfile.ZipFile) -> WorkbookScan:
    """Scan every worksheet of an opened .xlsx archive; raises FileRejected (naming the sheet
    and the limit) when one reaches beyond the limits, or when its XML is not well-formed."""
    scan = WorkbookScan()
    for part, sheet in _worksheet_parts(archive).items():
        scanner = _SheetScanner(sheet)
        _parse_part(
            archive, part, scanner.start, scanner.end, limit=MAX_SHEET_XML_BYTES, sheet=sheet
        )
        scanner.check_area()
        scan.holds_formulas = scan.holds_formulas or scanner.holds_formulas
    return scan


def _worksheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Part name → the sheet's name as Excel shows it (its file name when the workbook does not
    name it): targets of worksheet relationships in every .rels part, and xl/worksheets/*."""
    members = set(archive.namelist())
    parts: dict[str, str] = {
        name: posixpath.basename(name)
        for name in sorted(members)
        if name.startswith("xl/worksheets/") and name.endswith(".xml")
    }
    for rels in sorted(m for m in members if m.endswith(".rels")):
        folder = posixpath.dirname(posixpath.dirname(rels))  # "xl/_rels/x.xml.rels" → "xl"
        targets = _worksheet_targets(archive, rels, folder)
        for path in targets.values():
            parts.setdefault(path, posixpath.basename(path))
        source = posixpath.join(folder, posixpath.basename(rels).removesuffix(".rels"))
        if targets and source in members:
            parts.update(_sheet_names(archive, source, targets))
    return {part: sheet for part, sheet in parts.items() if part in members}


def _worksheet_targets(archive: zipfile.ZipFile, rels: str, folder: str) -> dict[str, str]:
    """Relationship id → part name of every worksheet a .rels part points to."""
    targets: dict[str, str] = {}

    def start(name: str, attrs: dict[str, str]) -> None:
        kind, target = attrs.get("Type", ""), attrs.get("Target", "")
        if _local(name) != "Relationship" or not kind.endswith(_WORKSHEET_TYPE) or not target:
            return
        if attrs.get("TargetMode") == "External":
            return
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        targets[attrs.get("Id", "")] = posixpath.normpath(path)

    _parse_part(archive, rels, start, limit=_SMALL_PART_BYTES, sheet=rels)
    return targets


def _sheet_names(
    archive: zipfile.ZipFile, workbook: str, targets: dict[str, str]
) -> dict[str, str]:
    """Part name → sheet name, from the workbook part's <sheet name= r:id=> elements."""
    names: dict[str, str] = {}

    def start(name: str, attrs: dict[str, str]) -> None:
        if _local(name) != "sheet":
            return
        rel_id = next((value for key, value in attrs.items() if _local(key) == "id"), "")
        if rel_id in targets and attrs.get("name"):
            names[targets[rel_id]] = attrs["name"]

    _parse_part(archive, workbook, start, limit=_SMALL_PART_BYTES, sheet=workbook)
    return names


def _parse_part(
    archive: zipfile.ZipFile,
    part: str,
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None] | None = None,
    *,
    limit: int,
    sheet: str,
) -> None:
    """Stream one part of the archive through expat, refusing it past `limit` bytes."""
    parser = ParserCreate()
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    read = 0
    try:
        with archive.open(part) as stream:
            while chunk := stream.read(_CHUNK):
                read += len(chunk)
                if read > limit:
                    raise FileRejected(
                        _(
                            "Worksheet “%(sheet)s” holds more than %(limit)s MB of data; split the file into smaller ones."
                        )
                        % {"sheet": sheet, "limit": f"{limit // 1_000_000:,}"}
                    )
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except (ExpatError, zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise FileRejected(NOT_A_WORKBOOK) from exc


def _local(name: str) -> str:
    """An element or attribute name without its namespace prefix ("x:c" → "c")."""
    return name.rpartition(":")[2]


def _position(ref: str) -> tuple[int, int]:
    """(row, column), both from 1, of a reference such as "XFD1048576"; (0, 0) for garbage,
    which the readers then refuse themselves."""
    match = _REF_RE.fullmatch(ref)
    if match is None:
        return 0, 0
    column = 0
    for letter in match.group(1).upper():
        column = column * 26 + ord(letter) - 64
    return int(match.group(2)), column


class _SheetScanner:
    """Follows the cells of one worksheet as the readers place them: a cell's own reference,
    or (without one) the cell after the previous one in its row."""

    def __init__(self, sheet: str) -> None:
        self.sheet = sheet
        self.in_sheet_data = False
        self.row = 0
        self.column = 0
        self.last_row = 0
        self.last_column = 0
        self.cells = 0
        self.holds_formulas = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if ":" in name:
            name = _local(name)
        if name == "c" and self.in_sheet_data:
            ref = attrs.get("r")
            if ref:
                row, self.column = _position(ref)
            else:
                row, self.column = self.row, self.column + 1
            self.cells += 1
            if self.cells > MAX_CELLS:
                raise FileRejected(too_many_cells(self.sheet, self.last_row, self.last_column))
            if attrs.get("t") == "e":
                self.holds_formulas = True
            self.reach(row, self.column)
        elif name == "row" and self.in_sheet_data:
            ref = attrs.get("r", "")
            self.row = int(ref) if ref.isascii() and ref.isdigit() else self.row + 1
            self.column = 0
        elif name == "f":
            self.holds_formulas = True
        elif name == "sheetData":
            self.in_sheet_data = True
        elif name in ("dimension", "mergeCell"):
            # The declared used range and merged ranges: readers and the pipeline size by them.
            for corner in attrs.get("ref", "").split(":"):
                self.reach(*_position(corner))

    def end(self, name: str) -> None:
        if name == "sheetData" or name.endswith(":sheetData"):
            self.in_sheet_data = False

    def reach(self, row: int, column: int) -> None:
        if row > self.last_row:
            self.last_row = row
            if row > MAX_ROWS:
                raise FileRejected(too_many_rows(self.sheet, row))
        if column > self.last_column:
            self.last_column = column
            if column > MAX_COLUMNS:
                raise FileRejected(too_many_columns(self.sheet, column))

    def check_area(self) -> None:
        if self.last_row * self.last_column > MAX_CELLS:
            raise FileRejected(too_many_cells(self.sheet, self.last_row, self.last_column))


def too_many_cells(sheet: str, rows: int, columns: int) -> str:
    return _(
        "Worksheet “%(sheet)s” spans %(rows)s rows by %(columns)s columns (to cell %(cell)s); at most %(limit)s cells can be read from one file. Delete stray cells far from the table, or split the file."
    ) % {
        "sheet": sheet,
        "rows": f"{rows:,}",
        "columns": f"{columns:,}",
        "cell": f"{column_letter(columns)}{rows}",
        "limit": f"{MAX_CELLS:,}",
    }
