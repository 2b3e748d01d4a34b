"""User text written into spreadsheets stays text."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from clusterlink.common.spreadsheets import safe_cell


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://x.example","点击")',
        "+86 cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1:A2)",
        "\t=1+1",
        "\r=1+1",
        "\n=1+1",
        "  =1+1",
        "\u3000=1+1",
        "＝1+1",
    ],
)
def test_text_a_spreadsheet_would_read_as_a_formula_gets_an_apostrophe(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    "value", ["莆田市恒威鞋业有限公司", "A=1", "", 12, Decimal("-3.50"), dt.date(2026, 12, 7), None]
)
def test_other_values_are_written_as_they_are(value: object) -> None:
    assert safe_cell(value) == value
