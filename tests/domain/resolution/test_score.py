"""Pair scoring: cross-script names, addresses, distance, and its algebraic properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clusterlink.domain.resolution import (
    FirmRecord,
    address_similarity,
    name_similarity,
    score_pair,
)
from clusterlink.domain.resolution.score import distance_km


def test_same_firm_in_chinese_and_latin_scores_one() -> None:
    assert name_similarity("莆田恒威鞋业有限公司", "PUTIAN HENG WEI FOOTWEAR CO.,LTD") == 1.0
    assert (
        name_similarity("晋江市恒威鞋业有限公司", "Jinjiang Hengwei Shoes Company Limited") == 1.0
    )


def test_typo_in_the_core_stays_likely() -> None:
    score = name_similarity(
        "Quanzhou Xinxing Footwear Co., Ltd", "QUANZHOU XINXNG FOOTWEAR CO.,LTD"
    )

    assert 0.92 <= score < 1.0


def test_two_firms_of_one_cluster_are_not_alike_for_sharing_city_and_trade() -> None:
    assert name_similarity("莆田恒威鞋业有限公司", "莆田鸿达鞋业有限公司") < 0.75
    assert name_similarity("Putian Hengwei Shoes Co., Ltd.", "Putian Hongda Shoes Co., Ltd.") < 0.75


def test_different_city_lowers_an_equal_core() -> None:
    same_city = name_similarity("Putian Hengwei Shoes", "莆田恒威鞋业")
    other_city = name_similarity("Putian Hengwei Shoes", "晋江恒威鞋业")

    assert same_city == 1.0
    assert other_city == pytest.approx((1.0 + 0.10) / 1.25)


def test_different_unit_numbers_mark_different_facilities() -> None:
    units = name_similarity("Jeans Knit Private Ltd Unit 3", "Jeans Knit Private Ltd Unit 4")
    spelling = name_similarity("Jeans Knit Private Ltd Unit 3", "JEANS KNIT PVT LTD UNIT 3")

    assert spelling == 1.0
    assert units < 0.75


def test_chinese_and_pinyin_addresses_compare_equal() -> None:
    assert (
        address_similarity(
            "福建省莆田市荔城区黄石镇荔园路88号",
            "No. 88 Liyuan Road, Huangshi Town, Licheng District, Putian, Fujian",
        )
        == 1.0
    )


def test_different_house_numbers_discount_the_address() -> None:
    assert address_similarity(
        "No. 8 Shuangbao West Road, Ouhai", "No. 26 Shuangbao West Road, Ouhai"
    ) == (pytest.approx(0.85))


def test_distance_is_haversine_kilometres() -> None:
    assert distance_km(0.0, 0.0, 1.0, 0.0) == pytest.approx(111.195, abs=0.001)
    assert distance_km(25.43, 119.01, 25.43, 119.01) == 0.0


def test_score_combines_name_address_and_distance() -> None:
    a = FirmRecord(
        "a", "Hengwei Shoes Co., Ltd.", address="No. 8 Liyuan Road, Putian", lat=25.4, lng=119.0
    )
    b = FirmRecord(
        "b", "HENGWEI SHOES LTD", address="No. 8 Liyuan Road, Putian", lat=25.4, lng=119.0
    )
    far = FirmRecord(
        "c", "HENGWEI SHOES LTD", address="No. 8 Liyuan Road, Putian", lat=26.4, lng=119.0
    )

    near_pair = score_pair(a, b)
    far_pair = score_pair(a, far)

    assert near_pair.score == 1.0
    assert near_pair.reasons == ("name:same-core", "address:1.00", "distance:0.0km")
    assert far_pair.score == pytest.approx(0.8)
    assert far_pair.distance_km == pytest.approx(111.195, abs=0.01)


def test_english_name_is_compared_too() -> None:
    chinese_only = FirmRecord("a", "恒威鞋业有限公司")
    translated = FirmRecord("b", "金帝鞋业有限公司", name_en="Hengwei Shoes Co., Ltd.")

    assert score_pair(chinese_only, translated).name_score == 1.0


def test_record_validation() -> None:
    with pytest.raises(ValueError, match="name is empty"):
        FirmRecord("a", "  ")
    with pytest.raises(ValueError, match="both lat and lng"):
        FirmRecord("a", "Hengwei", lat=25.0)
    with pytest.raises(ValueError, match=r"lat 95\.0 out of range"):
        FirmRecord("a", "Hengwei", lat=95.0, lng=0.0)


_WORDS = st.sampled_from(
    [
        "Putian",
        "Jinjiang",
        "Hengwei",
        "Heng",
        "Wei",
        "Xinxing",
        "Shoes",
        "Footwear",
        "Socks",
        "Co.,Ltd",
        "Company Limited",
        "Unit 2",
        "Cutting",
        "II",
        "Golden",
        "Empire",
        "莆田",
        "晋江",
        "恒威",
        "鸿达",
        "鞋业",
        "袜业",
        "有限公司",
        "厂",
        "长城",
        "Ｈｅｎｇｗｅｉ",
        "&",
        "-",
    ]
)
_NAMES = st.lists(_WORDS, min_size=1, max_size=6).map(" ".join)
_ADDRESSES = st.one_of(
    st.none(),
    st.lists(
        st.sampled_from(
            ["No. 8", "88号", "Liyuan Road", "荔园路", "Putian", "黄石镇", "Zone 2", "Ouhai"]
        ),
        min_size=1,
        max_size=5,
    ).map(", ".join),
)
_POINTS = st.one_of(st.none(), st.tuples(st.floats(-60, 60), st.floats(-179, 179)))


@st.composite
def _records(draw: st.DrawFn) -> FirmRecord:
    point = draw(_POINTS)
    return FirmRecord(
        key=draw(st.integers(0, 9)),
        name=draw(_NAMES),
        name_en=draw(st.one_of(st.none(), _NAMES)),
        address=draw(_ADDRESSES),
        lat=None if point is None else point[0],
        lng=None if point is None else point[1],
    )


@settings(max_examples=60, deadline=None)
@given(_records(), _records())
def test_pair_score_is_symmetric_and_bounded(a: FirmRecord, b: FirmRecord) -> None:
    forward, backward = score_pair(a, b), score_pair(b, a)

    assert forward.score == backward.score
    assert forward.name_score == backward.name_score
    assert forward.reasons == backward.reasons
    assert 0.0 <= forward.score <= 1.0


@settings(max_examples=60, deadline=None)
@given(_records())
def test_a_record_matches_itself_with_score_one(a: FirmRecord) -> None:
    assert score_pair(a, a).score == 1.0
