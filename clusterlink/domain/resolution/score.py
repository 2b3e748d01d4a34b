"""Similarity of two firm records: name, address, distance, and their combination.

All scores are in [0, 1], symmetric in their two arguments, and 1 for a record compared
with itself. The weights below were set by reading the labelled Open Supply Hub pairs
(tests/fixtures/osh_duplicate_pairs.csv); the fixture test pins their effect.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rapidfuzz import fuzz

from clusterlink.domain.resolution.normalise import (
    AddressParts,
    NameParts,
    parse_address,
    parse_name,
)
from clusterlink.domain.resolution.records import FirmRecord

__all__ = [
    "PairScore",
    "address_similarity",
    "distance_km",
    "name_similarity",
    "score_pair",
]

# Relative weights inside the name score: the core decides, a shared city or trade only
# nudges (every firm of a cluster shares both).
_CORE_WEIGHT = 1.0
_REGION_WEIGHT = 0.15
_INDUSTRY_WEIGHT = 0.10
# A name that merely contains the other ("Hanes Choloma" in "Hanes Choloma Cutting") is
# often another unit of the same group, so containment counts less than equality.
_SUBSET_DISCOUNT = 0.9
# Share of the address in the combined score when both sides have one.
_ADDRESS_WEIGHT = 0.35
# Geocodes in facility lists are often off by kilometres (city-centre fallbacks), so
# distance only confirms when very close and only discounts when far apart.
_NEAR_KM = 0.5
_FAR_KM = 25.0
_NEAR_BONUS = 0.3  # share of the remaining gap to 1 closed when the sites are near
_FAR_FACTOR = 0.9
_NUMBER_MISMATCH_FACTOR = 0.85
_EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True, slots=True)
class PairScore:
    """The parts of a pair's score, each in [0, 1] (or None when not measurable)."""

    score: float
    name_score: float
    address_score: float | None
    distance_km: float | None
    reasons: tuple[str, ...]


def _core_similarity(a: NameParts, b: NameParts) -> float:
    if not a.core or not b.core:
        # One side is all region/industry words ("莆田鞋业有限公司"): compare everything.
        return fuzz.ratio(a.full_text, b.full_text) / 100.0
    compact = fuzz.ratio(a.compact, b.compact)
    ordered = fuzz.token_sort_ratio(a.core_text, b.core_text)
    subset = fuzz.token_set_ratio(a.core_text, b.core_text) * _SUBSET_DISCOUNT
    return max(compact, ordered, subset) / 100.0


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b)


def name_parts_similarity(a: NameParts, b: NameParts) -> float:
    """Weighted similarity of two parsed names (see module constants for the weights)."""
    if a.tokens == b.tokens:
        return 1.0
    total = _CORE_WEIGHT * _core_similarity(a, b)
    weight = _CORE_WEIGHT
    if a.regions and b.regions:
        total += _REGION_WEIGHT * _jaccard(a.regions, b.regions)
        weight += _REGION_WEIGHT
    if a.industries and b.industries:
        total += _INDUSTRY_WEIGHT * _jaccard(a.industries, b.industries)
        weight += _INDUSTRY_WEIGHT
    return total / weight


def name_similarity(a: str, b: str) -> float:
    """Similarity in [0, 1] of two firm names in any script (symmetric; equal names → 1)."""
    return name_parts_similarity(parse_name(a), parse_name(b))


def _record_names(record: FirmRecord) -> tuple[str, ...]:
    if record.name_en and record.name_en.strip():
        return (record.name, record.name_en)
    return (record.name,)


def address_parts_similarity(a: AddressParts, b: AddressParts) -> float:
    """Token similarity of two parsed addresses, discounted when house numbers differ."""
    if not a.words and not b.words:
        text = 1.0 if a.numbers == b.numbers else 0.0
    elif not a.words or not b.words:
        text = 0.0
    else:
        # token_set rewards one address containing the other (one list adds the town),
        # but for very short addresses containment says little, so average with sort.
        shorter = min(len(a.words), len(b.words))
        contained = fuzz.token_set_ratio(a.text, b.text)
        ordered = fuzz.token_sort_ratio(a.text, b.text)
        text = (contained if shorter >= 3 else (contained + ordered) / 2) / 100.0
    if a.numbers and b.numbers and not (a.numbers & b.numbers):
        text *= _NUMBER_MISMATCH_FACTOR
    return text


def address_similarity(a: str, b: str) -> float:
    """Similarity in [0, 1] of two addresses in any script (symmetric; equal → 1)."""
    return address_parts_similarity(parse_address(a), parse_address(b))


def distance_km(lat_a: float, lng_a: float, lat_b: float, lng_b: float) -> float:
    """Great-circle (haversine) distance in kilometres."""
    phi_a, phi_b = math.radians(lat_a), math.radians(lat_b)
    d_phi = phi_b - phi_a
    d_lambda = math.radians(lng_b - lng_a)
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi_a) * math.cos(phi_b) * math.sin(d_lambda / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def score_pair(a: FirmRecord, b: FirmRecord) -> PairScore:
    """Score two records; symmetric, and 1.0 for a record against an equal one.

    Name score: best over the names of each side (``name`` and ``name_en``). With two
    addresses: ``(1 - 0.35) * name + 0.35 * address``; otherwise the name alone. Sites
    within 0.5 km close 30% of the gap to 1; sites over 25 km apart multiply by 0.9.
    """
    reasons: list[str] = []
    best_name = 0.0
    for name_a in _record_names(a):
        for name_b in _record_names(b):
            best_name = max(best_name, name_similarity(name_a, name_b))
    parts_a, parts_b = parse_name(a.name), parse_name(b.name)
    if parts_a.core and parts_a.core == parts_b.core:
        reasons.append("name:same-core")
    elif best_name >= 0.9:
        reasons.append("name:similar")
    if parts_a.regions and parts_b.regions and not (parts_a.regions & parts_b.regions):
        reasons.append("name:different-region")

    address: float | None = None
    score = best_name
    if a.address and b.address and a.address.strip() and b.address.strip():
        address = address_similarity(a.address, b.address)
        score = (1.0 - _ADDRESS_WEIGHT) * best_name + _ADDRESS_WEIGHT * address
        reasons.append(f"address:{address:.2f}")

    km: float | None = None
    if a.lat is not None and a.lng is not None and b.lat is not None and b.lng is not None:
        km = distance_km(a.lat, a.lng, b.lat, b.lng)
        reasons.append(f"distance:{km:.1f}km")
        if km <= _NEAR_KM:
            score += _NEAR_BONUS * (1.0 - score)
        elif km > _FAR_KM:
            score *= _FAR_FACTOR
    score = min(1.0, max(0.0, score))
    return PairScore(
        score=score,
        name_score=best_name,
        address_score=address,
        distance_km=km,
        reasons=tuple(reasons),
    )
