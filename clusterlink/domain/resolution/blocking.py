"""Candidate generation: which pairs are worth scoring at all.

Scoring every pair of 100,000 × 100,000 names is 10^10 comparisons. Instead each name
gets blocking keys and only names sharing a key are scored:

* ``d:`` the compact core (letters of the distinctive part, spaces removed, so "Heng Wei"
  and "恒威" both give "hengwei") and every string made from it by deleting one letter.
  Two cores within one edit (a typo: letter dropped, added or replaced) always share a
  key; this is the symmetric-deletion trick of SymSpell (cores up to 14 letters).
* ``p:``/``s:`` the first and last eight letters of a core of eight letters or more, so a
  misspelt word at one end of a long name does not hide it.
* ``t:`` each distinctive word of three letters or more (not a lone pinyin syllable), so a
  name with an extra word ("Hanes Choloma" / "Hanes Choloma Cutting") or in another order
  still meets.
* A name with no distinctive part ("莆田鞋业有限公司") blocks on its whole normal form.

Keys shared by very many names on both sides (over 20,000 pairs) are dropped like stop
words. Blind spots, by construction: two spellings that share no distinctive word and whose
compact cores are two or more edits apart (a translation rather than a transliteration,
"Golden Empire" / "金帝") are never compared.

The join is NumPy throughout (hash, sort, search), no Python loop over pairs.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from clusterlink.domain.resolution.normalise import PINYIN_SYLLABLES
from clusterlink.domain.resolution.score import RecordTable

__all__ = ["candidate_pairs"]

IntArray = npt.NDArray[np.int64]

_MAX_DELETION_CORE = 14
_LONG_AFFIX = 8
_MIN_CORE = 3
_MIN_TOKEN = 3
_MAX_BLOCK_PAIRS = 20_000


def _entry_keys(compact: str, core_text: str, full_text: str, has_core: bool) -> list[str]:
    if not has_core:
        flat = full_text.replace(" ", "")
        return [f"f:{flat}"] if flat else []
    keys: list[str] = [f"d:{compact}"]
    if _MIN_CORE <= len(compact) <= _MAX_DELETION_CORE:
        keys += [f"d:{compact[:k]}{compact[k + 1 :]}" for k in range(len(compact))]
    if len(compact) >= _LONG_AFFIX:
        keys += [f"p:{compact[:_LONG_AFFIX]}", f"s:{compact[-_LONG_AFFIX:]}"]
    keys += [f"t:{w}" for w in core_text.split() if _distinctive_word(w)]
    return keys


def _distinctive_word(word: str) -> bool:
    # A lone pinyin syllable ("xin", "hui", "sheng") is shared by thousands of names, so it
    # makes a useless block; "hengwei", "akh" or "sew" make good ones.
    return len(word) >= _MIN_TOKEN and not word.isdigit() and word not in PINYIN_SYLLABLES


def _key_columns(table: RecordTable) -> tuple[IntArray, IntArray]:
    """(key hash, entry row) for every key of every name row, duplicates removed."""
    hashes: list[int] = []
    rows: list[int] = []
    for row, (compact, core_text, full_text, has_core) in enumerate(
        zip(
            table.compact.tolist(),
            table.core_text.tolist(),
            table.full_text.tolist(),
            table.has_core.tolist(),
            strict=True,
        )
    ):
        # hash() is salted per process, which is fine: keys only meet within one call.
        keys = {hash(key) for key in _entry_keys(compact, core_text, full_text, has_core)}
        hashes.extend(keys)
        rows.extend([row] * len(keys))
    return np.asarray(hashes, dtype=np.int64), np.asarray(rows, dtype=np.int64)


def candidate_pairs(left: RecordTable, right: RecordTable | None = None) -> IntArray:
    """Record index pairs worth scoring, as an (n, 2) int64 array, sorted, no repeats.

    With ``right``: rows are (index into left's records, index into right's records).
    Without: pairs within ``left``, each once with the smaller index first, no self-pairs.
    """
    same = right is None
    other = left if right is None else right
    left_keys, left_rows = _key_columns(left)
    right_keys, right_rows = (left_keys, left_rows) if same else _key_columns(other)
    if len(left_keys) == 0 or len(right_keys) == 0:
        return np.empty((0, 2), dtype=np.int64)

    order = np.argsort(right_keys, kind="stable")
    sorted_keys, sorted_rows = right_keys[order], right_rows[order]
    low = np.searchsorted(sorted_keys, left_keys, side="left")
    high = np.searchsorted(sorted_keys, left_keys, side="right")
    matches = high - low
    _, inverse, left_counts = np.unique(left_keys, return_inverse=True, return_counts=True)
    block_pairs = left_counts[inverse] * matches
    keep = (matches > 0) & (block_pairs <= _MAX_BLOCK_PAIRS)
    low, matches, from_rows = low[keep], matches[keep], left_rows[keep]
    total = int(matches.sum())
    if total == 0:
        return np.empty((0, 2), dtype=np.int64)
    # Expand every (left row, block) into one pair per right row of the block.
    starts = np.repeat(low, matches)
    within = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(matches) - matches, matches)
    rec_left = left.entry_record[np.repeat(from_rows, matches)]
    rec_right = other.entry_record[sorted_rows[starts + within]]
    if same:
        rec_left, rec_right = np.minimum(rec_left, rec_right), np.maximum(rec_left, rec_right)
        distinct = rec_left != rec_right
        rec_left, rec_right = rec_left[distinct], rec_right[distinct]
    width = np.int64(max(len(other), 1))
    codes = np.unique(rec_left * width + rec_right)
    return np.stack([codes // width, codes % width], axis=1)
