"""Candidate generation: which pairs are worth scoring at all.

Scoring every pair of 100,000 × 100,000 names is 10^10 comparisons; instead each name
gets a few blocking keys (its distinctive tokens, the first and last four letters of its
compact core), only names sharing a key are compared, and within a block rapidfuzz's
``process.cdist`` (C++, both cores) drops pairs whose names are clearly different before
the Python scorer sees them.

Known blind spot: two spellings that share no core token and differ in both the first
and the last four letters of the compact core (e.g. an English translation of a Chinese
name) are never compared.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from clusterlink.domain.resolution.normalise import parse_name
from clusterlink.domain.resolution.records import FirmRecord

__all__ = ["BLOCK_NAME_CUTOFF", "candidate_pairs"]

#: Pairs whose names score below this (0-100, best of compact-core ratio and token-set
#: ratio) in their block are not scored. A pair must be this close by name to be found;
#: only near-identical addresses could have lifted a lower name over the default threshold.
BLOCK_NAME_CUTOFF = 65.0
# Blocks larger than this many comparisons are keys so common they say nothing (like a
# stop word); their members are still compared through their other keys.
_MAX_BLOCK_PAIRS = 1_000_000
_KEY_AFFIX = 4
_MIN_TOKEN = 5

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class _Entries:
    """One entry per (record, name): records with an English name appear twice."""

    record: IntArray
    compact: list[str]
    text: list[str]
    keys: list[tuple[str, ...]]


def _name_keys(compact: str, core: tuple[str, ...]) -> tuple[str, ...]:
    keys = {f"t:{token}" for token in core if len(token) >= _MIN_TOKEN and not token.isdigit()}
    if compact:
        keys.add(f"p:{compact[:_KEY_AFFIX]}")
        keys.add(f"s:{compact[-_KEY_AFFIX:]}")
    return tuple(sorted(keys))


def _entries(records: Sequence[FirmRecord]) -> _Entries:
    record: list[int] = []
    compact: list[str] = []
    text: list[str] = []
    keys: list[tuple[str, ...]] = []
    for index, firm in enumerate(records):
        names = [firm.name]
        if firm.name_en and firm.name_en.strip():
            names.append(firm.name_en)
        for name in names:
            parts = parse_name(name)
            if parts.core:
                key_text, key_core = parts.compact, parts.core
            else:
                # All region/industry words: block on the whole normalised name instead.
                key_text, key_core = parts.full_text.replace(" ", ""), parts.tokens
            record.append(index)
            compact.append(key_text)
            text.append(" ".join(key_core))
            keys.append(_name_keys(key_text, key_core))
    return _Entries(np.asarray(record, dtype=np.int64), compact, text, keys)


def _blocks(entries: _Entries) -> dict[str, list[int]]:
    blocks: dict[str, list[int]] = defaultdict(list)
    for position, keys in enumerate(entries.keys):
        for key in keys:
            blocks[key].append(position)
    return blocks


def _close_in_block(
    left: _Entries, right: _Entries, rows: list[int], cols: list[int], cutoff: float
) -> tuple[IntArray, IntArray]:
    """Entry positions (rows[i], cols[j]) whose names pass the cutoff."""
    compact = process.cdist(
        [left.compact[i] for i in rows],
        [right.compact[j] for j in cols],
        scorer=fuzz.ratio,
        score_cutoff=cutoff,
        dtype=np.uint8,
        workers=-1,
    )
    tokens = process.cdist(
        [left.text[i] for i in rows],
        [right.text[j] for j in cols],
        scorer=fuzz.token_set_ratio,
        score_cutoff=cutoff,
        dtype=np.uint8,
        workers=-1,
    )
    hit_i, hit_j = np.nonzero((compact > 0) | (tokens > 0))
    return (
        np.asarray(rows, dtype=np.int64)[hit_i],
        np.asarray(cols, dtype=np.int64)[hit_j],
    )


def candidate_pairs(
    incoming: Sequence[FirmRecord],
    existing: Sequence[FirmRecord] | None = None,
    *,
    cutoff: float = BLOCK_NAME_CUTOFF,
) -> IntArray:
    """Index pairs worth scoring, as an (n, 2) int64 array, sorted and without repeats.

    With ``existing``: rows are (index into incoming, index into existing). Without it:
    pairs within ``incoming``, each once with the smaller index first, no self-pairs.
    """
    same = existing is None
    left = _entries(incoming)
    right = left if existing is None else _entries(existing)
    left_blocks = _blocks(left)
    right_blocks = left_blocks if same else _blocks(right)
    found_left: list[IntArray] = []
    found_right: list[IntArray] = []
    for key, rows in left_blocks.items():
        cols = right_blocks.get(key)
        if cols is None or (same and len(rows) < 2):
            continue
        if len(rows) * len(cols) > _MAX_BLOCK_PAIRS:
            continue
        hit_left, hit_right = _close_in_block(left, right, rows, cols, cutoff)
        found_left.append(hit_left)
        found_right.append(hit_right)
    if not found_left:
        return np.empty((0, 2), dtype=np.int64)
    rec_left = left.record[np.concatenate(found_left)]
    rec_right = right.record[np.concatenate(found_right)]
    if same:
        low, high = np.minimum(rec_left, rec_right), np.maximum(rec_left, rec_right)
        keep = low != high
        rec_left, rec_right = low[keep], high[keep]
    width = np.int64(max(len(right.record), 1))
    codes = np.unique(rec_left * width + rec_right)
    return np.stack([codes // width, codes % width], axis=1)
