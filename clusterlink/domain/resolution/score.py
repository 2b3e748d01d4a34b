"""Similarity of two firm records: name, address, distance, and their combination.

All scores are in [0, 1], symmetric in their two arguments, and 1 for a record compared
with itself. Scoring is columnar: a list of records becomes a :class:`RecordTable` once,
and :func:`score_index_pairs` scores many pairs at a time with rapidfuzz's ``cpdist``
(C++, all cores) and NumPy, which is what makes 100,000 × 100,000 screening fit in a
minute. :func:`score_pair` is the same computation for a single pair.

The score, for names N and addresses A (each in [0, 1]):

* core similarity C of the distinctive name parts: the best of the ratio of the compact
  cores ("heng wei" = "hengwei"), the token-sort ratio and 0.9 × the token-set ratio
  (containment, "Hanes Choloma" in "Hanes Choloma Cutting", counts a little less). When a
  side has no distinctive core ("莆田鞋业有限公司") the whole normalised names are compared.
  Two cores written in Chinese compare by their characters (ratio), not their pinyin:
  homophones (恒威 / 恒伟, both "hengwei") are different firms.
* N = (C' + 0.15·R + 0.10·I) / (1 + weights present), R and I the Jaccard overlap of the
  region and industry sets, each counted only when both sides have one; C' is C × 0.6
  when the names differ in site or unit words ("Unit 3" / "Unit 4", "Cutting" /
  "Sewing", "分厂"), which in facility lists mark another plant of the same group. Equal
  normalised names give N = 1. N is the best over ``name``/``name_en`` of both sides.
* With both addresses: S = N^0.55 · max(A, 0.3)^0.45 (geometric, so a shared building
  does not lift a different name and a different address pulls a same name down);
  otherwise S = N.
* With both coordinates more than 25 km apart: S × 0.8. Nearness adds nothing: units of
  one group share a park and its geocode.

The weights were chosen on the labelled Open Supply Hub pairs
(tests/fixtures/osh_duplicate_pairs.csv, a small grid over address weight, unit-word and
distance factors); the fixture test pins the resulting counts.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from clusterlink.domain.resolution.lexicon import INDUSTRY_BITS, REGION_BITS
from clusterlink.domain.resolution.normalise import parse_address, parse_name
from clusterlink.domain.resolution.records import FirmRecord

__all__ = [
    "PairScore",
    "RecordTable",
    "ScoreColumns",
    "address_similarity",
    "distance_km",
    "name_similarity",
    "record_table",
    "record_tables",
    "score_index_pairs",
    "score_pair",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
BitArray = npt.NDArray[np.uint64]
TextArray = npt.NDArray[np.object_]

# Relative weights inside the name score: the core decides, a shared city or trade only
# nudges (every firm of a cluster shares both).
_CORE_WEIGHT = 1.0
_REGION_WEIGHT = 0.15
_INDUSTRY_WEIGHT = 0.10
# A name that merely contains the other ("Hanes Choloma" in "Hanes Choloma Cutting") is
# often another unit of the same group, so containment counts less than equality.
_SUBSET_DISCOUNT = 0.9
_MARKER_FACTOR = 0.6
# Share of the address in the combined score when both sides have one.
_ADDRESS_WEIGHT = 0.45
# Addresses that share nothing still leave the name some say (lists abbreviate freely).
_ADDRESS_FLOOR = 0.3
# Geocodes in facility lists are often off by kilometres (city-centre fallbacks), and
# units of one group share a park and a geocode, so nearness proves nothing; only sites
# far apart discount the score.
_FAR_KM = 25.0
_FAR_FACTOR = 0.8
_NUMBER_MISMATCH_FACTOR = 0.85
# Below this many words, one address containing the other says little ("Shanghai").
_MIN_CONTAINED_WORDS = 3
_EARTH_RADIUS_KM = 6371.0088
_HASHED_REGION_BITS = 128 - len(REGION_BITS)


@dataclass(frozen=True, slots=True)
class PairScore:
    """The parts of a pair's score, each in [0, 1] (or None when not measurable)."""

    score: float
    name_score: float
    address_score: float | None
    distance_km: float | None
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RecordTable:
    """Columnar features of a list of records, computed once and reused for every pair.

    Name columns have one row per (record, name): a record with an English name has two.
    ``entry_start[r]``/``entry_count[r]`` locate record r's rows. Region and industry sets
    are bit masks (regions in two 64-bit words). Missing coordinates are NaN.
    """

    entry_record: IntArray
    compact: TextArray
    hanzi: TextArray
    core_text: TextArray
    full_text: TextArray
    has_core: BoolArray
    region_lo: BitArray
    region_hi: BitArray
    industry: BitArray
    markers: BitArray
    entry_start: IntArray
    entry_count: IntArray
    address_text: TextArray
    address_words: IntArray
    has_address: BoolArray
    numbers: BitArray
    lat: FloatArray
    lng: FloatArray

    def __len__(self) -> int:
        return len(self.entry_start)


@dataclass(frozen=True, slots=True)
class ScoreColumns:
    """Scores of many pairs; ``address`` and ``distance_km`` are NaN where not measurable."""

    score: FloatArray
    name: FloatArray
    address: FloatArray
    distance_km: FloatArray
    same_core: BoolArray
    different_region: BoolArray


def _region_mask(regions: frozenset[str]) -> tuple[int, int]:
    lo = hi = 0
    for region in regions:
        bit = REGION_BITS.get(region)
        if bit is None:
            bit = len(REGION_BITS) + zlib.crc32(region.encode()) % _HASHED_REGION_BITS
        if bit < 64:
            lo |= 1 << bit
        else:
            hi |= 1 << (bit - 64)
    return lo, hi


def _number_mask(numbers: frozenset[str]) -> int:
    # A hash collision can only make two different numbers look shared, i.e. withhold a
    # small discount; it never invents a difference.
    mask = 0
    for number in numbers:
        mask |= 1 << (zlib.crc32(number.encode()) % 64)
    return mask


def _record_names(record: FirmRecord) -> tuple[str, ...]:
    if record.name_en and record.name_en.strip():
        return (record.name, record.name_en)
    return (record.name,)


def record_table(records: Sequence[FirmRecord]) -> RecordTable:
    """Parse every name and address of ``records`` once into columns for the scorer."""
    entry_record: list[int] = []
    compact: list[str] = []
    hanzi: list[str] = []
    core_text: list[str] = []
    full_text: list[str] = []
    has_core: list[bool] = []
    region_lo: list[int] = []
    region_hi: list[int] = []
    industry: list[int] = []
    markers: list[int] = []
    entry_start: list[int] = []
    entry_count: list[int] = []
    address_text: list[str] = []
    address_words: list[int] = []
    has_address: list[bool] = []
    numbers: list[int] = []
    lat: list[float] = []
    lng: list[float] = []
    for index, record in enumerate(records):
        names = _record_names(record)
        entry_start.append(len(entry_record))
        entry_count.append(len(names))
        for name in names:
            parts = parse_name(name)
            entry_record.append(index)
            compact.append(parts.compact)
            hanzi.append(parts.hanzi)
            core_text.append(parts.core_text)
            full_text.append(parts.full_text)
            has_core.append(bool(parts.core))
            lo, hi = _region_mask(parts.regions)
            region_lo.append(lo)
            region_hi.append(hi)
            mask = 0
            for item in parts.industries:
                mask |= 1 << INDUSTRY_BITS[item]
            industry.append(mask)
            markers.append(_number_mask(parts.markers))
        address = record.address.strip() if record.address else ""
        address_parts = parse_address(address) if address else None
        has_address.append(address_parts is not None)
        address_text.append(address_parts.text if address_parts else "")
        address_words.append(len(address_parts.words) if address_parts else 0)
        numbers.append(_number_mask(address_parts.numbers) if address_parts else 0)
        lat.append(math.nan if record.lat is None else record.lat)
        lng.append(math.nan if record.lng is None else record.lng)

    def texts(values: list[str]) -> TextArray:
        column = np.empty(len(values), dtype=object)
        column[:] = values
        return column

    return RecordTable(
        entry_record=np.asarray(entry_record, dtype=np.int64),
        compact=texts(compact),
        hanzi=texts(hanzi),
        core_text=texts(core_text),
        full_text=texts(full_text),
        has_core=np.asarray(has_core, dtype=np.bool_),
        region_lo=np.asarray(region_lo, dtype=np.uint64),
        region_hi=np.asarray(region_hi, dtype=np.uint64),
        industry=np.asarray(industry, dtype=np.uint64),
        markers=np.asarray(markers, dtype=np.uint64),
        entry_start=np.asarray(entry_start, dtype=np.int64),
        entry_count=np.asarray(entry_count, dtype=np.int64),
        address_text=texts(address_text),
        address_words=np.asarray(address_words, dtype=np.int64),
        has_address=np.asarray(has_address, dtype=np.bool_),
        numbers=np.asarray(numbers, dtype=np.uint64),
        lat=np.asarray(lat, dtype=np.float64),
        lng=np.asarray(lng, dtype=np.float64),
    )


def concat_tables(parts: Sequence[RecordTable]) -> RecordTable:
    """One table of several, as if their record lists had been concatenated in order."""
    if len(parts) == 1:
        return parts[0]
    record_offsets = np.cumsum([0, *[len(p) for p in parts[:-1]]])
    entry_offsets = np.cumsum([0, *[len(p.entry_record) for p in parts[:-1]]])
    return RecordTable(
        entry_record=np.concatenate(
            [p.entry_record + off for p, off in zip(parts, record_offsets, strict=True)]
        ),
        compact=np.concatenate([p.compact for p in parts]),
        hanzi=np.concatenate([p.hanzi for p in parts]),
        core_text=np.concatenate([p.core_text for p in parts]),
        full_text=np.concatenate([p.full_text for p in parts]),
        has_core=np.concatenate([p.has_core for p in parts]),
        region_lo=np.concatenate([p.region_lo for p in parts]),
        region_hi=np.concatenate([p.region_hi for p in parts]),
        industry=np.concatenate([p.industry for p in parts]),
        markers=np.concatenate([p.markers for p in parts]),
        entry_start=np.concatenate(
            [p.entry_start + off for p, off in zip(parts, entry_offsets, strict=True)]
        ),
        entry_count=np.concatenate([p.entry_count for p in parts]),
        address_text=np.concatenate([p.address_text for p in parts]),
        address_words=np.concatenate([p.address_words for p in parts]),
        has_address=np.concatenate([p.has_address for p in parts]),
        numbers=np.concatenate([p.numbers for p in parts]),
        lat=np.concatenate([p.lat for p in parts]),
        lng=np.concatenate([p.lng for p in parts]),
    )


def record_tables(
    lists: Sequence[Sequence[FirmRecord]], *, processes: int = 1
) -> list[RecordTable]:
    """record_table of each list, parsing in ``processes`` worker processes when > 1.

    Parsing names (pinyin, lexicon) is pure Python and the slowest step of a large
    screen, so big inputs are split across processes. Workers are *spawned*, never
    forked: a forked child of a web or task process would inherit its database
    connections and could close them on exit.
    """
    if processes <= 1:
        return [record_table(records) for records in lists]
    chunks: list[Sequence[FirmRecord]] = []
    owners: list[int] = []
    for owner, records in enumerate(lists):
        size = max(1, -(-len(records) // processes))
        for start in range(0, max(len(records), 1), size):
            chunks.append(records[start : start + size])
            owners.append(owner)
    with ProcessPoolExecutor(max_workers=processes, mp_context=get_context("spawn")) as pool:
        tables = list(pool.map(record_table, chunks))
    return [
        concat_tables([t for t, o in zip(tables, owners, strict=True) if o == owner])
        for owner in range(len(lists))
    ]


def _pairwise(
    scorer: Callable[..., float], left: TextArray, right: TextArray, workers: int
) -> FloatArray:
    if len(left) == 0:
        return np.zeros(0, dtype=np.float64)
    scores = process.cpdist(
        left.tolist(), right.tolist(), scorer=scorer, dtype=np.float64, workers=workers
    )
    return np.asarray(scores, dtype=np.float64) / 100.0


def _bits(mask: BitArray) -> IntArray:
    return np.bitwise_count(mask).astype(np.int64)


def _name_scores(
    left: RecordTable, right: RecordTable, ea: IntArray, eb: IntArray, workers: int
) -> tuple[FloatArray, BoolArray, BoolArray]:
    """Name score per entry pair, plus whether the cores are equal / regions disjoint."""
    both_core = left.has_core[ea] & right.has_core[eb]
    compact_a, compact_b = left.compact[ea], right.compact[eb]
    core = _pairwise(fuzz.ratio, left.full_text[ea], right.full_text[eb], workers)
    if both_core.any():
        sel = np.flatnonzero(both_core)
        text_a, text_b = left.core_text[ea[sel]], right.core_text[eb[sel]]
        best = np.maximum(
            _pairwise(fuzz.ratio, compact_a[sel], compact_b[sel], workers),
            _pairwise(fuzz.token_sort_ratio, text_a, text_b, workers),
        )
        best = np.maximum(
            best, _SUBSET_DISCOUNT * _pairwise(fuzz.token_set_ratio, text_a, text_b, workers)
        )
        core[sel] = best
    # Two Chinese names compare by their characters: 恒威 and 恒伟 are both "hengwei" but
    # different firms. Pinyin is only the bridge between scripts.
    hanzi_a, hanzi_b = left.hanzi[ea], right.hanzi[eb]
    both_hanzi = (hanzi_a != "") & (hanzi_b != "")
    if both_hanzi.any():
        sel = np.flatnonzero(both_hanzi)
        core[sel] = _pairwise(fuzz.ratio, hanzi_a[sel], hanzi_b[sel], workers)
    # Different site or unit words ("Unit 3" / "Unit 4", "Cutting" / "Sewing"): another
    # facility of the same group, not a spelling variant.
    core = np.where(left.markers[ea] != right.markers[eb], core * _MARKER_FACTOR, core)

    lo_a, lo_b = left.region_lo[ea], right.region_lo[eb]
    hi_a, hi_b = left.region_hi[ea], right.region_hi[eb]
    union = _bits(lo_a | lo_b) + _bits(hi_a | hi_b)
    shared = _bits(lo_a & lo_b) + _bits(hi_a & hi_b)
    both_region = ((lo_a | hi_a) != 0) & ((lo_b | hi_b) != 0)
    ind_a, ind_b = left.industry[ea], right.industry[eb]
    both_industry = (ind_a != 0) & (ind_b != 0)
    ind_union = _bits(ind_a | ind_b)

    total = _CORE_WEIGHT * core
    weight = np.full(len(ea), _CORE_WEIGHT)
    region_overlap = np.divide(shared, union, out=np.zeros(len(ea)), where=union > 0)
    total += np.where(both_region, _REGION_WEIGHT * region_overlap, 0.0)
    weight += np.where(both_region, _REGION_WEIGHT, 0.0)
    ind_overlap = np.divide(
        _bits(ind_a & ind_b), ind_union, out=np.zeros(len(ea)), where=ind_union > 0
    )
    total += np.where(both_industry, _INDUSTRY_WEIGHT * ind_overlap, 0.0)
    weight += np.where(both_industry, _INDUSTRY_WEIGHT, 0.0)
    name = total / weight
    name[(left.full_text[ea] == right.full_text[eb]) & ~(both_hanzi & (hanzi_a != hanzi_b))] = 1.0
    same_core = both_core & (compact_a == compact_b)
    return name, same_core, both_region & (shared == 0)


def _haversine(
    lat_a: FloatArray, lng_a: FloatArray, lat_b: FloatArray, lng_b: FloatArray
) -> FloatArray:
    phi_a, phi_b = np.radians(lat_a), np.radians(lat_b)
    h = (
        np.sin((phi_b - phi_a) / 2) ** 2
        + np.cos(phi_a) * np.cos(phi_b) * np.sin(np.radians(lng_b - lng_a) / 2) ** 2
    )
    return np.asarray(
        2 * _EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h))), dtype=np.float64
    )


def score_index_pairs(
    left: RecordTable,
    right: RecordTable,
    i: IntArray,
    j: IntArray,
    *,
    workers: int = -1,
) -> ScoreColumns:
    """Score the record pairs (left[i[k]], right[j[k]]) for every k, vectorised.

    ``workers`` is passed to rapidfuzz (-1: all cores). Symmetric: swapping the tables and
    the index arrays gives the same scores.
    """
    n = len(i)
    # Every combination of the two sides' names, then the best per pair.
    pair_ids: list[IntArray] = []
    ea_parts: list[IntArray] = []
    eb_parts: list[IntArray] = []
    for na in (0, 1):
        for nb in (0, 1):
            ok = (left.entry_count[i] > na) & (right.entry_count[j] > nb)
            sel = np.flatnonzero(ok)
            pair_ids.append(sel)
            ea_parts.append(left.entry_start[i[sel]] + na)
            eb_parts.append(right.entry_start[j[sel]] + nb)
    pair_id = np.concatenate(pair_ids)
    ea = np.concatenate(ea_parts)
    eb = np.concatenate(eb_parts)
    entry_name, entry_same, entry_diff = _name_scores(left, right, ea, eb, workers)
    name = np.zeros(n)
    np.maximum.at(name, pair_id, entry_name)
    # Reasons come from the first names, as the review screen shows those.
    first = slice(0, len(pair_ids[0]))
    same_core = np.zeros(n, dtype=np.bool_)
    same_core[pair_id[first]] = entry_same[first]
    different_region = np.zeros(n, dtype=np.bool_)
    different_region[pair_id[first]] = entry_diff[first]

    address = np.full(n, np.nan)
    both_address = left.has_address[i] & right.has_address[j]
    if both_address.any():
        sel = np.flatnonzero(both_address)
        ai, bj = i[sel], j[sel]
        text_a, text_b = left.address_text[ai], right.address_text[bj]
        contained = _pairwise(fuzz.token_set_ratio, text_a, text_b, workers)
        ordered = _pairwise(fuzz.token_sort_ratio, text_a, text_b, workers)
        shorter = np.minimum(left.address_words[ai], right.address_words[bj])
        text = np.where(shorter >= _MIN_CONTAINED_WORDS, contained, (contained + ordered) / 2)
        empty_a, empty_b = left.address_words[ai] == 0, right.address_words[bj] == 0
        nums_a, nums_b = left.numbers[ai], right.numbers[bj]
        # Addresses of numbers only ("88") compare by their numbers alone.
        text = np.where(empty_a & empty_b, (nums_a == nums_b).astype(np.float64), text)
        text = np.where(empty_a ^ empty_b, 0.0, text)
        mismatch = (nums_a != 0) & (nums_b != 0) & ((nums_a & nums_b) == 0)
        address[sel] = np.where(mismatch, text * _NUMBER_MISMATCH_FACTOR, text)

    # Geometric, not arithmetic: a matching address must not lift a clearly different
    # name (two firms in one building), and a different address pulls a same name down.
    floor = np.maximum(np.nan_to_num(address, nan=1.0), _ADDRESS_FLOOR)
    score = np.where(both_address, name ** (1.0 - _ADDRESS_WEIGHT) * floor**_ADDRESS_WEIGHT, name)
    km = _haversine(left.lat[i], left.lng[i], right.lat[j], right.lng[j])
    known = ~np.isnan(km)
    score = np.where(known & (km > _FAR_KM), score * _FAR_FACTOR, score)
    return ScoreColumns(
        score=np.clip(score, 0.0, 1.0),
        name=name,
        address=address,
        distance_km=km,
        same_core=same_core,
        different_region=different_region,
    )


def could_reach(
    left: RecordTable,
    right: RecordTable,
    i: IntArray,
    j: IntArray,
    threshold: float,
    *,
    workers: int = -1,
) -> BoolArray:
    """False for pairs that certainly score below ``threshold``; a cheap exact pre-filter.

    Only pairs of two single Chinese names are judged (by their characters, one ratio);
    every other pair is kept for the full scorer.
    """
    keep = np.ones(len(i), dtype=np.bool_)
    single = (left.entry_count[i] == 1) & (right.entry_count[j] == 1)
    ea, eb = left.entry_start[i], right.entry_start[j]
    hanzi_a, hanzi_b = left.hanzi[ea], right.hanzi[eb]
    judged = np.flatnonzero(single & (hanzi_a != "") & (hanzi_b != ""))
    if len(judged) == 0:
        return keep
    core = _pairwise(fuzz.ratio, hanzi_a[judged], hanzi_b[judged], workers)
    best_name = (core + _REGION_WEIGHT + _INDUSTRY_WEIGHT) / (
        _CORE_WEIGHT + _REGION_WEIGHT + _INDUSTRY_WEIGHT
    )
    best_name = np.where(core >= 1.0, 1.0, best_name)
    ji, jj = i[judged], j[judged]
    # With two addresses the best case is a perfect address: S = N^(1 - w).
    both_address = left.has_address[ji] & right.has_address[jj]
    needed = np.where(both_address, threshold ** (1.0 / (1.0 - _ADDRESS_WEIGHT)), threshold)
    keep[judged] = best_name >= needed - 1e-9
    return keep


def reasons_of(columns: ScoreColumns, k: int) -> tuple[str, ...]:
    """Short stable codes explaining pair k, for the review screen."""
    reasons: list[str] = []
    if columns.same_core[k]:
        reasons.append("name:same-core")
    elif columns.name[k] >= 0.9:
        reasons.append("name:similar")
    if columns.different_region[k]:
        reasons.append("name:different-region")
    if not math.isnan(columns.address[k]):
        reasons.append(f"address:{columns.address[k]:.2f}")
    if not math.isnan(columns.distance_km[k]):
        reasons.append(f"distance:{columns.distance_km[k]:.1f}km")
    return tuple(reasons)


def score_pair(a: FirmRecord, b: FirmRecord) -> PairScore:
    """Score two records (see the module docstring); symmetric, equal records score 1.0."""
    pair = np.zeros(1, dtype=np.int64)
    columns = score_index_pairs(record_table([a]), record_table([b]), pair, pair, workers=1)
    address = float(columns.address[0])
    km = float(columns.distance_km[0])
    return PairScore(
        score=float(columns.score[0]),
        name_score=float(columns.name[0]),
        address_score=None if math.isnan(address) else address,
        distance_km=None if math.isnan(km) else km,
        reasons=reasons_of(columns, 0),
    )


def name_similarity(a: str, b: str) -> float:
    """Similarity in [0, 1] of two firm names in any script (symmetric; equal names → 1)."""
    return score_pair(FirmRecord(key=0, name=a), FirmRecord(key=1, name=b)).name_score


def address_similarity(a: str, b: str) -> float:
    """Similarity in [0, 1] of two addresses in any script (symmetric; equal → 1)."""
    scored = score_pair(FirmRecord(0, "-", address=a), FirmRecord(1, "-", address=b))
    return 0.0 if scored.address_score is None else scored.address_score


def distance_km(lat_a: float, lng_a: float, lat_b: float, lng_b: float) -> float:
    """Great-circle (haversine) distance in kilometres."""
    return float(
        _haversine(np.array([lat_a]), np.array([lng_a]), np.array([lat_b]), np.array([lng_b]))[0]
    )
