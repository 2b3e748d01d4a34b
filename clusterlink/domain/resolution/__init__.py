"""Duplicate detection (entity resolution) of firms by name, address and location.

Public API (pure Python, no Django):

* :class:`FirmRecord` – a firm to compare; :class:`DuplicateCandidate` – a scored pair.
* :func:`find_duplicates` (incoming × existing) and :func:`find_duplicates_within` (one
  list) – blocked, scored screening; default threshold 0.75.
* :class:`Confidence` – LIKELY (score >= 0.92), POSSIBLE (0.75 to 0.92), UNLIKELY.
* :func:`pair_fingerprint` – stable, order-independent id of a pair for remembered
  decisions.
* :func:`normalise_name`, :func:`normalise_address`, :func:`search_keys`,
  :func:`search_terms`, :func:`search_tokens`, :func:`address_search_tokens`,
  :func:`sort_name` – normal forms,
  directory-search keys (Chinese, pinyin, initials, English) and the directory's order.
* :func:`score_pair`, :func:`name_similarity`, :func:`address_similarity` – the scorer.
"""

from clusterlink.domain.resolution.normalise import (
    address_search_tokens,
    normalise_address,
    normalise_name,
    search_keys,
    search_terms,
    search_tokens,
    sort_name,
)
from clusterlink.domain.resolution.records import (
    DEFAULT_THRESHOLD,
    LIKELY_THRESHOLD,
    POSSIBLE_THRESHOLD,
    Confidence,
    DuplicateCandidate,
    FirmRecord,
)
from clusterlink.domain.resolution.resolve import (
    FINGERPRINT_VERSION,
    find_duplicates,
    find_duplicates_within,
    pair_fingerprint,
)
from clusterlink.domain.resolution.score import (
    PairScore,
    address_similarity,
    name_similarity,
    score_pair,
)

__all__ = [
    "DEFAULT_THRESHOLD",
    "FINGERPRINT_VERSION",
    "LIKELY_THRESHOLD",
    "POSSIBLE_THRESHOLD",
    "Confidence",
    "DuplicateCandidate",
    "FirmRecord",
    "PairScore",
    "address_search_tokens",
    "address_similarity",
    "find_duplicates",
    "find_duplicates_within",
    "name_similarity",
    "normalise_address",
    "normalise_name",
    "pair_fingerprint",
    "score_pair",
    "search_keys",
    "search_terms",
    "search_tokens",
    "sort_name",
]
