"""What an import tells its user: located errors, notices, what was written, duplicates found."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class RowError:
    """One problem, located as the user sees it in Excel: row number (1 is the header row),
    column header (as written in the file, or the expected header for a missing column),
    and a translated reason. `row` is None for problems of the whole file."""

    row: int | None
    column: str
    reason: str
    cell: str = ""  # Excel reference ("D5") when one cell is meant

    @classmethod
    def of(cls, row: int | None, column: str, reason: str | Promise, cell: str = "") -> RowError:
        return cls(row=row, column=column, reason=str(reason), cell=cell)

    def sort_key(self) -> int:
        """By row; within a row, in the order found (cell checks, then the services' rules)."""
        return self.row or 0


def stored_error_counts(errors: list[dict[str, Any]]) -> tuple[int, int]:
    """(data rows with errors, problems of the file or its header row) of a stored report's
    errors: a row with three bad cells is one row with errors, and a wrong header is no data
    row at all (row None is the whole file, row 1 the header row)."""
    data_rows = {e["row"] for e in errors if e.get("row") not in (None, 1)}
    file_problems = sum(1 for e in errors if e.get("row") in (None, 1))
    return len(data_rows), file_problems


@dataclass
class ImportReport:
    """The outcome of one import; `as_dict()` is what ImportJob.report stores."""

    kind: str
    file_name: str
    rows_total: int = 0
    errors: list[RowError] = field(default_factory=list)
    ignored_blank_rows: list[int] = field(default_factory=list)
    good_rows_only: bool = False
    skipped_rows: list[int] = field(default_factory=list)  # bad rows left out (good_rows_only)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Rows that are already in the directory: {"row", "enterprise_id", "reason"}
    existing: list[dict[str, Any]] = field(default_factory=list)
    # Candidates queued for review: {"row", "candidate_id", "enterprise_id", "existing_id", "score", "confidence", "reasons"}
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    # Pairs settled by a remembered decision: {"row", "existing_id", "decision"}
    remembered: list[dict[str, Any]] = field(default_factory=list)
    encoding: str = ""
    written: bool = False
    timings: dict[str, float] = field(default_factory=dict)  # phase → seconds (for benchmarks)

    @property
    def rejected(self) -> bool:
        return bool(self.errors) and not self.written

    @property
    def error_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors if e.row is not None})

    @property
    def rows_written(self) -> int:
        return self.created + self.updated

    def timed(self, phase: str, started: float) -> None:
        import time

        self.timings[phase] = self.timings.get(phase, 0.0) + time.perf_counter() - started

    def add(self, row: int | None, column: str, reason: str | Promise, cell: str = "") -> None:
        self.errors.append(RowError.of(row, column, reason, cell))

    def sort(self) -> None:
        self.errors.sort(key=RowError.sort_key)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "file_name": self.file_name,
            "rows_total": self.rows_total,
            "errors": [asdict(e) for e in self.errors],
            "ignored_blank_rows": self.ignored_blank_rows,
            "good_rows_only": self.good_rows_only,
            "skipped_rows": self.skipped_rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "existing": self.existing,
            "duplicates": self.duplicates,
            "remembered": self.remembered,
            "encoding": self.encoding,
            "written": self.written,
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
        }

    def format_text(self) -> str:
        """Plain-text error list for the command line: 'row 5, 数量 (D5): reason'."""
        lines = []
        for e in self.errors:
            where = f"row {e.row}" if e.row is not None else "file"
            cell = f" ({e.cell})" if e.cell else ""
            column = f", {e.column}" if e.column else ""
            lines.append(f"{where}{column}{cell}: {e.reason}")
        return "\n".join(lines)
