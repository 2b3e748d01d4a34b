"""The press-style headline: rounding and wording in the three languages (pure functions)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from clusterlink.reports.headline import outcome_headline, press_about, press_floor, press_number


@pytest.mark.parametrize(
    ("value", "floored", "about"),
    [
        (6_540_000, 6_500_000, 6_500_000),
        (6_599_999, 6_500_000, 6_600_000),
        (299_700_000, 290_000_000, 300_000_000),
        (245_000_000, 240_000_000, 250_000_000),
        (99, 99, 99),
        (0, 0, 0),
    ],
)
def test_press_rounding(value, floored, about):
    assert press_floor(value) == floored
    assert press_about(value) == about


@pytest.mark.parametrize(
    ("value", "language", "text"),
    [
        (Decimal(6_500_000), "en", "6.5 million"),
        (Decimal(6_500_000), "zh-hans", "650万"),
        (Decimal(6_500_000), "ja", "650万"),
        (Decimal(300_000_000), "en", "300 million"),
        (Decimal(300_000_000), "zh-hans", "3亿"),
        (Decimal(300_000_000), "ja", "3億"),
        (Decimal(1_200_000_000), "en", "1.2 billion"),
        (Decimal(9_800), "en", "9,800"),
        (Decimal(9_800), "zh-hans", "9800"),
    ],
)
def test_press_number(value, language, text):
    assert press_number(value, language) == text


def _putian(language):
    return outcome_headline(
        firms=6,
        processing_pairs=6_540_000,
        processing_amount_rmb=Decimal("299700000.00"),
        language=language,
    )


def test_the_putian_headline_in_three_languages():
    assert _putian("en") == (
        "6 firms reached cooperation intentions; processing orders exceeded 6.5 million pairs, "
        "about 300 million RMB"
    )
    assert _putian("zh-hans") == "6家企业达成合作意向；加工订单超过650万双，约3亿元"
    assert _putian("ja") == "6社が協業意向に合意；加工発注は650万足を超え、約3億人民元"


def test_exact_round_figures_are_reached_not_exceeded():
    text = outcome_headline(
        firms=2,
        processing_pairs=6_500_000,
        processing_amount_rmb=Decimal("0"),
        language="en",
    )
    assert (
        text
        == "2 firms reached cooperation intentions; processing orders reached 6.5 million pairs"
    )


def test_signed_projects_without_processing_orders():
    text = outcome_headline(
        firms=1,
        processing_pairs=0,
        processing_amount_rmb=Decimal(0),
        signed_projects=15,
        language="en",
    )
    assert text == "1 firm reached cooperation intentions; 15 projects were signed"
    assert (
        outcome_headline(
            firms=20,
            processing_pairs=0,
            processing_amount_rmb=Decimal(0),
            signed_projects=15,
            language="zh-hans",
        )
        == "20家企业达成合作意向；签约项目15个"
    )


def test_nothing_yet():
    assert (
        outcome_headline(
            firms=0, processing_pairs=0, processing_amount_rmb=Decimal(0), language="ja"
        )
        == "協業意向に合意した企業はまだありません"
    )
