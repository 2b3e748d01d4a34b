"""Plain records that go in and out of duplicate detection.

The Django side translates enterprise rows and import rows into :class:`FirmRecord`
and stores :class:`DuplicateCandidate` results in its review queue; nothing here knows
about the database.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

#: A pair scoring at least this is shown as "likely the same firm". On the 417 labelled
#: Open Supply Hub pairs: 22 of 34 duplicates score this high, and 4 of 383 non-duplicates
#: (sister units of one group at one address, "AKH Fashions" / "AKH Shirts").
LIKELY_THRESHOLD = 0.92
#: A pair scoring at least this (and below LIKELY) is shown as "possibly the same firm";
#: it is also the default cut-off of find_duplicates, so the operator reviews these. On the
#: labelled pairs: 33 of 34 duplicates and 12 of 383 non-duplicates reach it.
POSSIBLE_THRESHOLD = 0.75
DEFAULT_THRESHOLD = POSSIBLE_THRESHOLD


class Confidence(StrEnum):
    """How sure the detector is that two records are one firm (by score band)."""

    LIKELY = "likely"  # score >= LIKELY_THRESHOLD
    POSSIBLE = "possible"  # POSSIBLE_THRESHOLD <= score < LIKELY_THRESHOLD
    UNLIKELY = "unlikely"  # below POSSIBLE_THRESHOLD; never returned by default

    @classmethod
    def of(cls, score: float) -> Confidence:
        """Band a pair score into a confidence level."""
        if score >= LIKELY_THRESHOLD:
            return cls.LIKELY
        if score >= POSSIBLE_THRESHOLD:
            return cls.POSSIBLE
        return cls.UNLIKELY


@dataclass(frozen=True, slots=True)
class FirmRecord:
    """One firm as seen by duplicate detection.

    ``key`` is the caller's identifier (primary key, import row number, ...) and is only
    echoed back. ``name`` may be Chinese, Latin or pinyin; ``name_en`` is an optional
    second name (an enterprise's English name) that is compared too. ``lat``/``lng`` are
    WGS84 degrees; both must be given for distance to count.

    Raises ValueError for an empty name or coordinates out of range.
    """

    key: str | int
    name: str
    name_en: str | None = None
    address: str | None = None
    lat: float | None = None
    lng: float | None = None

    def __post_init__(self) -> None:
        if not self.name or not self.name.strip():
            raise ValueError(f"FirmRecord {self.key!r}: name is empty")
        if (self.lat is None) != (self.lng is None):
            raise ValueError(f"FirmRecord {self.key!r}: give both lat and lng or neither")
        if self.lat is not None and self.lng is not None:
            if not (math.isfinite(self.lat) and -90.0 <= self.lat <= 90.0):
                raise ValueError(f"FirmRecord {self.key!r}: lat {self.lat} out of range")
            if not (math.isfinite(self.lng) and -180.0 <= self.lng <= 180.0):
                raise ValueError(f"FirmRecord {self.key!r}: lng {self.lng} out of range")


@dataclass(frozen=True, slots=True)
class DuplicateCandidate:
    """A pair of records that may be the same firm, for the operator to review.

    ``score`` in [0, 1] combines ``name_score`` and ``address_score`` (and distance);
    ``address_score`` is None when either side has no address, ``distance_km`` is None
    when either side has no coordinates. ``reasons`` are short stable English codes with
    a detail (e.g. ``"name:same-core"``, ``"distance:0.3km"``) for the review screen.
    For find_duplicates_within, ``incoming_key`` is the earlier record of the pair.
    """

    incoming_key: str | int
    existing_key: str | int
    score: float
    name_score: float
    address_score: float | None
    distance_km: float | None
    reasons: tuple[str, ...]

    @property
    def confidence(self) -> Confidence:
        """The score band: LIKELY, POSSIBLE (or UNLIKELY below the default cut-off)."""
        return Confidence.of(self.score)
