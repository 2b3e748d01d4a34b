"""Precision and recall on the hand-labelled Open Supply Hub pairs, pinned as exact counts.

A change of the scorer that moves any labelled pair across the default threshold fails
here; if the change is an improvement, update the counts (and bench/results) with it.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from clusterlink.domain.resolution import (
    DEFAULT_THRESHOLD,
    LIKELY_THRESHOLD,
    FirmRecord,
    find_duplicates,
    score_pair,
)

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "osh_duplicate_pairs.csv"


def _float(text: str) -> float | None:
    return float(text) if text.strip() else None


def _labelled() -> list[tuple[FirmRecord, FirmRecord, bool]]:
    with FIXTURE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    pairs = []
    for number, row in enumerate(rows):
        a = FirmRecord(
            f"{number}a",
            row["name_a"],
            address=row["address_a"] or None,
            lat=_float(row["lat_a"]),
            lng=_float(row["lng_a"]),
        )
        b = FirmRecord(
            f"{number}b",
            row["name_b"],
            address=row["address_b"] or None,
            lat=_float(row["lat_b"]),
            lng=_float(row["lng_b"]),
        )
        pairs.append((a, b, row["is_duplicate"] == "1"))
    return pairs


@pytest.fixture(scope="module")
def labelled() -> list[tuple[FirmRecord, FirmRecord, bool]]:
    return _labelled()


def _counts(
    labelled: list[tuple[FirmRecord, FirmRecord, bool]], threshold: float
) -> tuple[int, int, int]:
    flagged = [(score_pair(a, b).score >= threshold, label) for a, b, label in labelled]
    tp = sum(1 for hit, label in flagged if hit and label)
    fp = sum(1 for hit, label in flagged if hit and not label)
    fn = sum(1 for hit, label in flagged if not hit and label)
    return tp, fp, fn


def test_fixture_shape_and_licence_notice() -> None:
    head = FIXTURE.read_text(encoding="utf-8").splitlines()[:2]
    pairs = _labelled()

    assert "Open Supply Hub" in head[0] and "MIT" in head[0]
    assert len(pairs) == 417
    assert sum(1 for *_, label in pairs if label) == 34


def test_counts_at_the_default_threshold(
    labelled: list[tuple[FirmRecord, FirmRecord, bool]],
) -> None:
    assert _counts(labelled, DEFAULT_THRESHOLD) == (33, 12, 1)


def test_counts_in_the_likely_band(labelled: list[tuple[FirmRecord, FirmRecord, bool]]) -> None:
    assert _counts(labelled, LIKELY_THRESHOLD) == (22, 4, 12)


def test_screening_finds_the_labelled_duplicates_through_blocking(
    labelled: list[tuple[FirmRecord, FirmRecord, bool]],
) -> None:
    incoming = [a for a, _, _ in labelled]
    existing = [b for _, b, _ in labelled]
    is_duplicate = {a.key: label for a, _, label in labelled}

    found = find_duplicates(incoming, existing)
    same_row = [c for c in found if str(c.incoming_key)[:-1] == str(c.existing_key)[:-1]]

    # Blocking loses no labelled duplicate; one look-alike (Qingdao Huahe / Huasheng)
    # shares no blocking key and is never scored.
    assert sum(1 for c in same_row if is_duplicate[c.incoming_key]) == 33
    assert sum(1 for c in same_row if not is_duplicate[c.incoming_key]) == 11
