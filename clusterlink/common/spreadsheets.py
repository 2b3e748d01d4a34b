"""Writing user text into spreadsheets (xlsx and CSV) so that it stays text.

Excel, LibreOffice and WPS read a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or
carriage return before one) as a formula: a firm named ``=HYPERLINK("http://…","点击")`` would
become a live link, and ``=cmd|…`` a command, in every export that names it (OWASP: CSV
injection). Every export writes user text through `safe_cell`.
"""

from __future__ import annotations

from typing import TypeVar

# OWASP's list, the line feed, and the full-width forms a Chinese input method types (WPS and
# LibreOffice may normalise them); text is tested after leading blanks, which a spreadsheet may
# trim on import.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")

T = TypeVar("T")


def safe_cell(value: T) -> T | str:
    """`value` as a spreadsheet cell: text that a spreadsheet would read as a formula gets a
    leading apostrophe (shown by none of them, and kept as text); numbers, dates and other
    non-text values are returned unchanged."""
    if isinstance(value, str) and value.lstrip(" \u3000").startswith(FORMULA_STARTS):
        return "'" + value
    return value
