"""ISO week labels read back whatever the year."""

from __future__ import annotations

import datetime as dt

import pytest

from clusterlink.common import clock


@pytest.mark.parametrize("monday", [dt.date(1, 1, 1), dt.date(2026, 11, 23), dt.date(9999, 12, 20)])
def test_a_week_label_parses_back_to_its_monday(monday: dt.date) -> None:
    label = clock.iso_week_label(monday)
    assert len(label.split("-W")[0]) == 4
    assert clock.parse_iso_week(label) == monday
