"""Entry points of duplicate detection: screen records, fingerprint pairs.

Typical use by an import:

    found = find_duplicates(rows_of_the_file, enterprises_of_the_cluster)
    found += find_duplicates_within(rows_of_the_file)
    for candidate in found:            # best first
        fingerprint = pair_fingerprint(row_by_key[candidate.incoming_key],
                                       enterprise_by_key[candidate.existing_key])
        # skip if a remembered decision has this fingerprint, else queue for review
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import time
import unicodedata
from collections.abc import Sequence

import numpy as np

from clusterlink.domain.resolution.blocking import candidate_pairs
from clusterlink.domain.resolution.records import (
    DEFAULT_THRESHOLD,
    DuplicateCandidate,
    FirmRecord,
)
from clusterlink.domain.resolution.score import (
    could_reach,
    reasons_of,
    record_tables,
    score_index_pairs,
)

__all__ = ["FINGERPRINT_VERSION", "find_duplicates", "find_duplicates_within", "pair_fingerprint"]

#: Part of every fingerprint; bump only together with a migration of stored decisions.
FINGERPRINT_VERSION = "v1"
_FINGERPRINT_TOKEN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[a-z0-9]+")


def _check_threshold(threshold: float) -> None:
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be in [0, 1], got {threshold}")


_log = logging.getLogger(__name__)


# Pairs are scored in chunks so that memory stays flat for very large screens.
_CHUNK = 500_000


def _screen(
    left: Sequence[FirmRecord],
    right: Sequence[FirmRecord] | None,
    threshold: float,
    processes: int,
) -> list[DuplicateCandidate]:
    started = time.perf_counter()
    tables = record_tables([left] if right is None else [left, right], processes=processes)
    left_table = tables[0]
    right_table = left_table if right is None else tables[1]
    parsed = time.perf_counter()
    pairs = candidate_pairs(left_table, None if right is None else right_table)
    blocked = time.perf_counter()
    other = left if right is None else right
    found: list[DuplicateCandidate] = []
    for start in range(0, len(pairs), _CHUNK):
        i = pairs[start : start + _CHUNK, 0]
        j = pairs[start : start + _CHUNK, 1]
        possible = could_reach(left_table, right_table, i, j, threshold)
        i, j = i[possible], j[possible]
        columns = score_index_pairs(left_table, right_table, i, j)
        for k in np.flatnonzero(columns.score >= threshold).tolist():
            address = float(columns.address[k])
            km = float(columns.distance_km[k])
            found.append(
                DuplicateCandidate(
                    incoming_key=left[int(i[k])].key,
                    existing_key=other[int(j[k])].key,
                    score=round(float(columns.score[k]), 4),
                    name_score=round(float(columns.name[k]), 4),
                    address_score=None if math.isnan(address) else round(address, 4),
                    distance_km=None if math.isnan(km) else round(km, 3),
                    reasons=reasons_of(columns, k),
                )
            )
    found.sort(key=lambda c: (-c.score, str(c.incoming_key), str(c.existing_key)))
    finished = time.perf_counter()
    _log.debug(
        "screened %d x %d records: parse %.2f s, blocking %.2f s (%d pairs), "
        "scoring %.2f s (%d candidates)",
        len(left),
        len(other),
        parsed - started,
        blocked - parsed,
        len(pairs),
        finished - blocked,
        len(found),
    )
    return found


def find_duplicates(
    incoming: Sequence[FirmRecord],
    existing: Sequence[FirmRecord],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    processes: int = 1,
) -> list[DuplicateCandidate]:
    """Pairs (incoming, existing) that may be the same firm, best score first.

    Every returned candidate has ``score >= threshold`` (default 0.75, the "possible"
    band; 0.92 and above is "likely", see :class:`Confidence`). An incoming record may
    appear with several existing ones; the caller decides (review queue). Records are
    compared on ``name``/``name_en``, ``address`` and coordinates; ``key`` is only echoed.
    Ties are ordered by the keys' string forms, so the result is deterministic.

    Only pairs whose names pass the blocking stage are scored (see
    :mod:`clusterlink.domain.resolution.blocking`); measured times for 100,000 × 100,000
    are in bench/results/resolution-*. Raises ValueError for a threshold outside [0, 1].

    ``processes`` > 1 parses names in that many *spawned* worker processes (see
    :func:`~clusterlink.domain.resolution.score.record_tables`); it pays only for
    very large lists on otherwise idle cores, so the default is 1. Stage timings are
    logged at DEBUG level on this module's logger.
    """
    _check_threshold(threshold)
    if not incoming or not existing:
        return []
    return _screen(incoming, existing, threshold, processes)


def find_duplicates_within(
    records: Sequence[FirmRecord],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    processes: int = 1,
) -> list[DuplicateCandidate]:
    """Pairs inside one list (e.g. one import file) that may be the same firm.

    Each pair appears once; ``incoming_key`` is the record that comes first in
    ``records``. Otherwise as :func:`find_duplicates`.
    """
    _check_threshold(threshold)
    if len(records) < 2:
        return []
    return _screen(records, None, threshold, processes)


def _fingerprint_text(text: str | None) -> str:
    # Deliberately independent of the lexicon and the scorer: only Unicode folding,
    # case and punctuation, so tuning the matcher never orphans a remembered decision.
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join(_FINGERPRINT_TOKEN_RE.findall(folded))


def pair_fingerprint(a: FirmRecord, b: FirmRecord) -> str:
    """A stable, order-independent id of a pair, for remembering an operator's decision.

    SHA-256 (hex, 64 characters) over the version tag and both records' folded name and
    address; ``key``, ``name_en`` and coordinates are not part of it, so the same two
    firms re-imported under new row numbers get the same fingerprint, and
    ``pair_fingerprint(a, b) == pair_fingerprint(b, a)``. Differences in case, full-width
    characters, spacing and punctuation ("Co.,Ltd" vs "CO LTD") do not change it; any
    other change of name or address does (the pair is then asked about again).
    """
    sides = sorted(
        f"{_fingerprint_text(record.name)}\x1f{_fingerprint_text(record.address)}"
        for record in (a, b)
    )
    payload = "\x1e".join([FINGERPRINT_VERSION, *sides])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
