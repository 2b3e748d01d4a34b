"""Builders of real spreadsheet files for the import tests (openpyxl workbooks, encoded CSV); no tests here."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

ENTERPRISE_HEADER_ZH = [
    "企业名称",
    "英文名称",
    "统一社会信用代码",
    "角色",
    "地址",
    "产品类别",
    "工艺",
]
VALID_CODE = "91350100M000100Y43"  # check character verified by python-stdnum
BAD_CHECK_CODE = "91350100M000100Y44"


def xlsx(
    rows: Sequence[Sequence[Any]], *, edit: Callable[[Worksheet], None] | None = None
) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    if edit is not None:
        edit(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: Sequence[Sequence[Any]], *, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def firm(
    name: str,
    *,
    name_en: str = "",
    code: str = "",
    roles: str = "oem_factory",
    address: str = "福建省莆田市荔城区",
    categories: str = "sports-shoes",
    processes: str = "",
) -> list[Any]:
    return [name, name_en, code, roles, address, categories, processes]


def english() -> Iterator[None]:
    """Reasons are asserted in English (the source language of the messages)."""
    from django.utils import translation

    with translation.override("en"):
        yield


CAPACITY_HEADER = [
    "产品类别",
    "周",
    "空闲产能（双）",
    "最低单价（元）",
    "最高单价（元）",
    "最小起订量（双）",
    "交货周期（天）",
]


def week_label(offset: int) -> str:
    """ISO week label `offset` weeks after the current one."""
    from clusterlink.common import clock
    from tests.directory.factories import next_week

    return clock.iso_week_label(next_week(offset))
