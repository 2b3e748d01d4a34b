"""Screening entry points and the pair fingerprint."""

from __future__ import annotations

import pytest

from clusterlink.domain.resolution import (
    Confidence,
    DuplicateCandidate,
    FirmRecord,
    find_duplicates,
    find_duplicates_within,
    pair_fingerprint,
)


def test_find_duplicates_matches_across_scripts_and_nothing_else() -> None:
    incoming = [
        FirmRecord("row-1", "莆田恒威鞋业有限公司"),
        FirmRecord("row-2", "泉州鸿达鞋材有限公司"),
    ]
    existing = [
        FirmRecord(1, "PUTIAN HENGWEI SHOES CO.,LTD"),
        FirmRecord(2, "Quanzhou Xinxing Footwear Co., Ltd"),
        FirmRecord(3, "Putian Hongli Shoes Co., Ltd."),
    ]

    found = find_duplicates(incoming, existing)

    assert found == [
        DuplicateCandidate(
            incoming_key="row-1",
            existing_key=1,
            score=1.0,
            name_score=1.0,
            address_score=None,
            distance_km=None,
            reasons=("name:same-core",),
        )
    ]
    assert found[0].confidence is Confidence.LIKELY


def test_find_duplicates_orders_best_first_and_respects_threshold() -> None:
    incoming = [FirmRecord("x", "Jinjiang Hengwei Shoes Co., Ltd.")]
    existing = [
        FirmRecord(1, "Jinjiang Hengwie Shoes Co Ltd"),
        FirmRecord(2, "晋江恒威鞋业有限公司"),
        FirmRecord(3, "Putian Hengwei Shoes Co Ltd"),
    ]

    found = find_duplicates(incoming, existing, threshold=0.8)

    assert [c.existing_key for c in found] == [2, 1, 3]
    # A swapped pair of letters is two edits: possible, not likely.
    assert [c.confidence for c in found] == [
        Confidence.LIKELY,
        Confidence.POSSIBLE,
        Confidence.POSSIBLE,
    ]
    assert find_duplicates(incoming, existing, threshold=0.95) == found[:1]


def test_find_duplicates_within_reports_each_pair_once() -> None:
    records = [
        FirmRecord(10, "Zhuji Hongyao Socks Co., Ltd."),
        FirmRecord(11, "Liaoyang Xiaobeihe Hosiery Co., Ltd."),
        FirmRecord(12, "诸暨鸿耀袜业有限公司"),
        FirmRecord(13, "ZHUJI HONGYAO SOCKS CO.,LTD"),
    ]

    found = find_duplicates_within(records)

    assert [(c.incoming_key, c.existing_key) for c in found] == [(10, 12), (10, 13), (12, 13)]


def test_empty_inputs_and_bad_threshold() -> None:
    assert find_duplicates([], [FirmRecord(1, "A")]) == []
    assert find_duplicates_within([FirmRecord(1, "A")]) == []
    with pytest.raises(ValueError, match="threshold"):
        find_duplicates([FirmRecord(1, "A")], [FirmRecord(2, "A")], threshold=1.5)


def test_confidence_bands() -> None:
    assert Confidence.of(0.92) is Confidence.LIKELY
    assert Confidence.of(0.9199) is Confidence.POSSIBLE
    assert Confidence.of(0.75) is Confidence.POSSIBLE
    assert Confidence.of(0.7499) is Confidence.UNLIKELY


def test_pair_fingerprint_is_order_independent_and_ignores_formatting() -> None:
    a = FirmRecord("row-7", "Putian Hengwei Shoes CO.,LTD", address="No.8 Liyuan Road")
    b = FirmRecord(42, "莆田恒威鞋业有限公司", address="荔园路88号")
    reformatted = FirmRecord(
        "row-99", "putian  hengwei shoes co ltd", address="ＮＯ．８ LIYUAN ROAD", lat=1.0, lng=2.0
    )

    fingerprint = pair_fingerprint(a, b)

    assert fingerprint == pair_fingerprint(b, a)
    assert fingerprint == pair_fingerprint(reformatted, b)
    assert len(fingerprint) == 64 and int(fingerprint, 16) >= 0
    assert fingerprint != pair_fingerprint(
        a, FirmRecord(42, "莆田恒威鞋业有限公司", address="荔园路89号")
    )


def test_chinese_homophones_are_different_firms_but_pinyin_matches_both() -> None:
    existing = [FirmRecord(1, "莆田恒威鞋业有限公司"), FirmRecord(2, "莆田恒伟鞋业有限公司")]

    within = find_duplicates_within(existing)
    from_latin = find_duplicates([FirmRecord("x", "Putian Hengwei Shoes Co., Ltd.")], existing)

    assert within == []
    assert [(c.existing_key, c.score) for c in from_latin] == [(1, 1.0), (2, 1.0)]
