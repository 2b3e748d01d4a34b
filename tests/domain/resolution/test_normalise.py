"""Normalisation: suffix variants, full width, pinyin, regions and trades, search keys."""

from __future__ import annotations

import pytest

from clusterlink.domain.resolution import (
    normalise_address,
    normalise_name,
    search_keys,
    search_terms,
    search_tokens,
)
from clusterlink.domain.resolution.normalise import parse_name


@pytest.mark.parametrize(
    "name",
    [
        "Putian Hengwei Shoes CO.,LTD",
        "Putian Hengwei Shoes Co. Ltd.",
        "Putian Hengwei Shoes Company Limited",
        "PUTIAN HENGWEI SHOES LTD",
        "Putian Hengwei Footwear Factory",
        "Putian Hengwei Xieye Co., Ltd.",
        "Putian City Hengwei Shoes Co Ltdd",
        "莆田恒威鞋业有限公司",
        "莆田市恒威鞋业有限责任公司",
        "莆田恒威鞋业股份有限公司",
        "莆田恒威鞋业厂",
        "ＰＵＴＩＡＮ　ＨＥＮＧＷＥＩ　ＳＨＯＥＳ　ＣＯ．，ＬＴＤ",
    ],
)
def test_suffix_script_and_width_variants_share_one_normal_form(name: str) -> None:
    assert normalise_name(name) == "putian hengwei footwear"


def test_name_made_only_of_region_and_trade_words_matches_across_scripts() -> None:
    assert normalise_name("福建省莆田市鞋业有限公司") == "fujian putian footwear"
    assert normalise_name("Fujian Putian Xieye Shoes Co., Ltd.") == "fujian putian footwear"
    assert normalise_name("PUTIAN XIEYE SHOES CO.,LTD") == "putian footwear"


def test_parts_separate_core_region_and_trade() -> None:
    parts = parse_name("晋江恒威鞋业有限公司")

    assert parts.core == ("hengwei",)
    assert parts.regions == frozenset({"jinjiang"})
    assert parts.industries == frozenset({"footwear"})
    assert parts.syllables == ("jin", "jiang", "heng", "wei", "xie", "ye")


def test_split_pinyin_keeps_the_same_compact_core() -> None:
    assert parse_name("Jin Jiang Heng Wei Footwear Company Limited").compact == "hengwei"
    assert parse_name("Jin Jiang Heng Wei Footwear Company Limited").regions == {"jinjiang"}


def test_region_word_inside_a_chinese_name_is_part_of_the_name() -> None:
    # 宙海宁 is a firm's name; 海宁 (Haining) only counts as a place at the head.
    assert parse_name("晋江宙海宁鞋业有限公司").core == ("zhouhaining",)
    assert parse_name("海宁宙达袜业有限公司").regions == {"haining"}


def test_unknown_place_before_an_administrative_character_is_a_region() -> None:
    assert parse_name("温岭市恒威鞋业有限责任公司").regions == {"wenling"}
    assert parse_name("Wenling City Hengwei Shoes").regions == {"wenling"}


def test_polyphonic_characters_are_read_in_phrase_context() -> None:
    assert parse_name("长城袜业有限公司").core == ("changcheng",)
    assert parse_name("绿叶服装厂").core == ("lvye",)


def test_typos_in_trade_and_legal_words_are_recognised() -> None:
    assert normalise_name("Shishi Xinli Foootwear Materiials CCo., Ltd") == (
        "shishi xinli footwear materials"
    )


def test_site_and_unit_words_are_markers() -> None:
    assert parse_name("Jeans Knit Private Ltd Unit 3").markers == {"unit", "3"}
    assert parse_name("恒威鞋业有限公司分厂").markers == {"branch"}
    assert parse_name("Hengwei Shoes Co., Ltd.").markers == frozenset()


def test_boilerplate_only_name_keeps_its_words() -> None:
    assert normalise_name("Factory") == "factory"
    assert normalise_name("有限公司") == "youxiangongsi"


def test_address_in_chinese_and_pinyin_share_tokens() -> None:
    chinese = normalise_address("福建省莆田市荔城区黄石镇荔园路88号")
    latin = normalise_address("No. 88 Liyuan Road, Huangshi Town, Licheng District, Putian, Fujian")

    assert chinese == "fujian putian licheng huangshi liyuan 88"
    assert sorted(latin.split()) == sorted(chinese.split())


def _found(query: str, name: str) -> bool:
    """The search index contract: every query term is a prefix of one of the stored tokens."""
    tokens = search_tokens(name)
    return all(any(token.startswith(term) for token in tokens) for term in search_terms(query))


@pytest.mark.parametrize(
    "query",
    [
        "putian",
        "莆田",
        "Putian Xieye",
        "putian shoes",
        "pu tian",
        "PTHW",
        "hengwei",
        "恒威",
        "ＰＵＴＩＡＮ",
        "鞋业",
        "恒威鞋",
        "hengweixie",
        "hwxy",
        "xieye",
    ],
)
def test_search_keys_find_a_chinese_name_from_pinyin_characters_and_english(query: str) -> None:
    assert _found(query, "莆田恒威鞋业有限公司")


def test_search_keys_find_jinjiang_shoes() -> None:
    assert _found("jinjiang shoes", "晋江市鸿星鞋业有限公司")
    assert _found("jinjiang footwear", "晋江市鸿星鞋业有限公司")


@pytest.mark.parametrize("query", ["quanzhou", "泉州", "socks", "hengda", "ian", "engwei"])
def test_search_keys_do_not_find_other_places_or_trades(query: str) -> None:
    assert not _found(query, "莆田恒威鞋业有限公司")


def test_search_keys_are_distinct_and_start_with_the_folded_name() -> None:
    keys = search_keys("莆田恒威鞋业有限公司")

    assert keys[0] == "莆田恒威鞋业有限公司"
    assert len(keys) == len(set(keys))
    assert "pu tian heng wei xie ye" in keys
    assert "ptxy" not in keys  # initials cover the whole name
    assert "pthwxy" in keys


def test_search_tokens_hold_every_chinese_suffix_and_the_pinyin_from_each_syllable() -> None:
    tokens = search_tokens("莆田鞋业有限公司")

    assert tokens[:8] == ["莆田鞋业有限公司", "田鞋业有限公司", "鞋业有限公司", "业有限公司",
                          "有限公司", "限公司", "公司", "司"]  # fmt: skip
    assert {"putian", "putianxieye", "tianxieye", "xieye", "ptxy", "txy"} <= set(tokens)
    assert len(tokens) == len(set(tokens))
