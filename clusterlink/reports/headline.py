"""The headline of an outcome report, written the way the press writes it:

    "6 firms reached cooperation intentions; processing orders exceeded 6.5 million pairs,
     about 300 million RMB"

Pure functions (no Django, no database): the language is an argument.

Rounding, as press releases do it:
- pairs are rounded DOWN to two significant figures and introduced by "exceeded" (6,540,000 →
  "exceeded 6.5 million"); when nothing was cut off the verb is "reached";
- money is rounded HALF UP to two significant figures and introduced by "about"
  (299,700,000 → "about 300 million"; 246,000,000 → "about 250 million").
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

LANGUAGES = ("zh-hans", "en", "ja")

# (size, suffix) from the largest; the first size the number reaches names it.
_UNITS: dict[str, tuple[tuple[int, str], ...]] = {
    "zh-hans": ((100_000_000, "亿"), (10_000, "万")),
    "ja": ((100_000_000, "億"), (10_000, "万")),
    "en": ((1_000_000_000, " billion"), (1_000_000, " million")),
}


def _round_significant(value: Decimal, figures: int, rounding: str) -> Decimal:
    if value <= 0:
        return Decimal(0)
    exponent = value.adjusted() - figures + 1  # place of the last kept digit
    quantum = Decimal(1).scaleb(exponent)
    return (value / quantum).quantize(Decimal(1), rounding=rounding) * quantum


def press_floor(value: int | Decimal) -> Decimal:
    """Down to two significant figures: 6,540,000 → 6,500,000; 99 → 99; 0 → 0."""
    return _round_significant(Decimal(value), 2, ROUND_DOWN)


def press_about(value: int | Decimal) -> Decimal:
    """Half up to two significant figures: 299,700,000 → 300,000,000; 245,000,000 → 250,000,000."""
    return _round_significant(Decimal(value), 2, ROUND_HALF_UP)


def _language(language: str) -> str:
    code = (language or "zh-hans").lower()
    if code.startswith("en"):
        return "en"
    if code.startswith("ja"):
        return "ja"
    return "zh-hans"


def _plain(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text


def press_number(value: Decimal, language: str) -> str:
    """6500000 → '650万' (zh-hans, ja) or '6.5 million' (en); small numbers with separators in
    English (9,800) and without in Chinese and Japanese (9800)."""
    lang = _language(language)
    for size, suffix in _UNITS[lang]:
        if value >= size:
            return f"{_plain(value / size)}{suffix}"
    if lang == "en":
        return f"{int(value):,}"
    return str(int(value))


def outcome_headline(
    *,
    firms: int,
    processing_pairs: int,
    processing_amount_rmb: Decimal,
    signed_projects: int = 0,
    language: str,
) -> str:
    """The headline sentence of an event's outcome report in `language` (zh-hans, en or ja).

    `firms`: distinct firms party to an intention or a signed agreement of the event;
    `processing_pairs` and `processing_amount_rmb`: totals of its processing orders;
    `signed_projects`: agreements signed (or further along), said only when there are any.
    """
    lang = _language(language)
    parts: list[str] = []
    if firms <= 0:
        parts.append(
            {
                "en": "No firm has reached a cooperation intention yet",
                "zh-hans": "尚无企业达成合作意向",
                "ja": "協業意向に合意した企業はまだありません",
            }[lang]
        )
    else:
        parts.append(
            {
                "en": f"{firms} firm reached cooperation intentions"
                if firms == 1
                else f"{firms} firms reached cooperation intentions",
                "zh-hans": f"{firms}家企业达成合作意向",
                "ja": f"{firms}社が協業意向に合意",
            }[lang]
        )
    pairs_part = ""
    if processing_pairs > 0:
        floored = press_floor(processing_pairs)
        number = press_number(floored, lang)
        exceeded = floored < processing_pairs
        pairs_part = {
            "en": f"processing orders {'exceeded' if exceeded else 'reached'} {number} pairs",
            "zh-hans": f"加工订单{'超过' if exceeded else '达'}{number}双",
            "ja": f"加工発注は{number}足{'を超え' if exceeded else 'に達し'}",
        }[lang]
    amount_part = ""
    if processing_amount_rmb > 0:
        number = press_number(press_about(processing_amount_rmb), lang)
        amount_part = {
            "en": f"about {number} RMB",
            "zh-hans": f"约{number}元",
            "ja": f"約{number}人民元",
        }[lang]
    if pairs_part and amount_part:
        parts.append(pairs_part + {"en": ", ", "zh-hans": "，", "ja": "、"}[lang] + amount_part)
    elif pairs_part:
        parts.append(pairs_part)
    elif amount_part:
        parts.append(
            {
                "en": f"processing orders worth {amount_part}",
                "zh-hans": f"加工订单金额{amount_part}",
                "ja": f"加工発注は{amount_part}",
            }[lang]
        )
    if signed_projects > 0:
        parts.append(
            {
                "en": "1 project was signed"
                if signed_projects == 1
                else f"{signed_projects} projects were signed",
                "zh-hans": f"签约项目{signed_projects}个",
                "ja": f"調印プロジェクト{signed_projects}件",
            }[lang]
        )
    separator = {"en": "; ", "zh-hans": "；", "ja": "；"}[lang]
    return separator.join(parts)
