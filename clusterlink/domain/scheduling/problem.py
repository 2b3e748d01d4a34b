"""The 1:1 meeting scheduling problem of a docking event, as plain validated dataclasses.

A problem is valid on construction or it raises `ProblemError` naming the first broken rule,
so every solver back-end can trust ids, slot indexes and fixed meetings without re-checking.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum


class ProblemError(ValueError):
    """An instance breaks a rule of the problem; the message names the rule and the culprit."""


class Preference(str, Enum):  # noqa: UP042 - same style as SolveStatus
    MUST = "must"
    MEET = "meet"
    NO = "no"


# A pair's weight is the sum over its two directions; a "no" vetoes the pair whatever the
# other side asked, so it carries no weight of its own.
PREFERENCE_WEIGHT: Mapping[Preference, int] = {
    Preference.MUST: 3,
    Preference.MEET: 1,
    Preference.NO: 0,
}


@dataclass(frozen=True, slots=True)
class Participant:
    """One representative at the event.

    `available` holds the slot indexes at which they can meet; `max_meetings` caps how many
    meetings they get in total (0 means they only listen)."""

    id: str
    available: frozenset[int]
    max_meetings: int

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id:
            raise ProblemError(f"participant id must be a non-empty string, got {self.id!r}")
        if not isinstance(self.max_meetings, int) or isinstance(self.max_meetings, bool):
            raise ProblemError(f"participant {self.id}: max_meetings must be an integer")
        if self.max_meetings < 0:
            raise ProblemError(f"participant {self.id}: max_meetings {self.max_meetings} < 0")
        if not isinstance(self.available, frozenset):
            # Accept any iterable of ints from callers but store the canonical immutable form.
            object.__setattr__(self, "available", frozenset(self.available))
        for slot in self.available:
            if not isinstance(slot, int) or isinstance(slot, bool):
                raise ProblemError(f"participant {self.id}: slot {slot!r} is not an integer")


@dataclass(frozen=True, slots=True)
class Request:
    """`from_id` asks to meet `to_id` with a preference (a "no" vetoes the pair)."""

    from_id: str
    to_id: str
    preference: Preference

    def __post_init__(self) -> None:
        if not isinstance(self.preference, Preference):
            try:
                object.__setattr__(self, "preference", Preference(self.preference))
            except ValueError:
                raise ProblemError(
                    f"request {self.from_id}->{self.to_id}: unknown preference "
                    f"{self.preference!r} (must, meet or no)"
                ) from None
        if self.from_id == self.to_id:
            raise ProblemError(f"request from {self.from_id} to oneself")


@dataclass(frozen=True, slots=True)
class Meeting:
    """Participants `a` and `b` meet at `slot` at `table` (both 0-based)."""

    a: str
    b: str
    slot: int
    table: int

    def __post_init__(self) -> None:
        if self.a == self.b:
            raise ProblemError(f"meeting of {self.a} with oneself")
        for name in ("slot", "table"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool):
                raise ProblemError(f"meeting {self.a}-{self.b}: {name} {value!r} is not an integer")

    @property
    def pair(self) -> tuple[str, str]:
        return pair_key(self.a, self.b)


def pair_key(a: str, b: str) -> tuple[str, str]:
    """The canonical (sorted) key of an unordered pair."""
    return (a, b) if a < b else (b, a)


@dataclass(frozen=True, slots=True)
class SchedulingProblem:
    """A docking event's meeting problem.

    `fixed` holds confirmed meetings that a re-run must keep exactly as booked; they count
    towards the objective, the caps and the tables like any other meeting."""

    slots: int
    tables: int
    participants: tuple[Participant, ...]
    requests: tuple[Request, ...] = ()
    met_before: tuple[tuple[str, str], ...] = ()
    fixed: tuple[Meeting, ...] = ()
    _by_id: dict[str, Participant] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("slots", "tables"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ProblemError(f"{name} must be a non-negative integer, got {value!r}")
        for name in ("participants", "requests", "met_before", "fixed"):
            # Lists from callers become tuples so the frozen problem is really immutable.
            object.__setattr__(self, name, tuple(getattr(self, name)))
        by_id: dict[str, Participant] = {}
        for person in self.participants:
            if person.id in by_id:
                raise ProblemError(f"duplicate participant id {person.id}")
            by_id[person.id] = person
            for slot in person.available:
                if not 0 <= slot < self.slots:
                    raise ProblemError(
                        f"participant {person.id}: slot {slot} out of range 0..{self.slots - 1}"
                    )
        object.__setattr__(self, "_by_id", by_id)
        directions: set[tuple[str, str]] = set()
        for request in self.requests:
            for who in (request.from_id, request.to_id):
                if who not in by_id:
                    raise ProblemError(
                        f"request {request.from_id}->{request.to_id}: unknown participant {who}"
                    )
            # One preference per direction: a second one would make the pair's weight ambiguous.
            if (request.from_id, request.to_id) in directions:
                raise ProblemError(f"duplicate request {request.from_id}->{request.to_id}")
            directions.add((request.from_id, request.to_id))
        pairs: list[tuple[str, str]] = []
        for pair in self.met_before:
            if len(pair) != 2:
                raise ProblemError(f"met_before entry {list(pair)!r} is not a pair")
            a, b = pair
            for who in (a, b):
                if who not in by_id:
                    raise ProblemError(f"met_before {a}-{b}: unknown participant {who}")
            if a == b:
                raise ProblemError(f"met_before pair of {a} with oneself")
            pairs.append((a, b))
        object.__setattr__(self, "met_before", tuple(pairs))
        self._check_fixed()

    def _check_fixed(self) -> None:
        """Confirmed meetings must themselves obey every rule, or no schedule can keep them."""
        vetoed = self.vetoed_pairs()
        seen: set[tuple[str, str]] = set()
        busy: set[tuple[str, int]] = set()
        tables: set[tuple[int, int]] = set()
        count: dict[str, int] = {}
        for meeting in self.fixed:
            label = f"fixed meeting {meeting.a}-{meeting.b}"
            for who in (meeting.a, meeting.b):
                if who not in self._by_id:
                    raise ProblemError(f"{label}: unknown participant {who}")
            if not 0 <= meeting.slot < self.slots:
                raise ProblemError(f"{label}: slot {meeting.slot} out of range")
            if not 0 <= meeting.table < self.tables:
                raise ProblemError(f"{label}: table {meeting.table} out of range")
            if meeting.pair in vetoed:
                raise ProblemError(f"{label}: pair is vetoed or met before")
            if meeting.pair in seen:
                raise ProblemError(f"{label}: pair fixed twice")
            seen.add(meeting.pair)
            if (meeting.slot, meeting.table) in tables:
                raise ProblemError(f"{label}: table {meeting.table} taken at slot {meeting.slot}")
            tables.add((meeting.slot, meeting.table))
            for who in (meeting.a, meeting.b):
                person = self._by_id[who]
                if meeting.slot not in person.available:
                    raise ProblemError(f"{label}: {who} unavailable at slot {meeting.slot}")
                if (who, meeting.slot) in busy:
                    raise ProblemError(f"{label}: {who} double-booked at slot {meeting.slot}")
                busy.add((who, meeting.slot))
                count[who] = count.get(who, 0) + 1
                if count[who] > person.max_meetings:
                    raise ProblemError(f"{label}: {who} over max_meetings")

    def participant(self, participant_id: str) -> Participant:
        return self._by_id[participant_id]

    def vetoed_pairs(self) -> set[tuple[str, str]]:
        """Pairs that may never meet: a "no" in either direction, or met at an earlier event."""
        vetoed = {
            pair_key(r.from_id, r.to_id) for r in self.requests if r.preference is Preference.NO
        }
        vetoed.update(pair_key(a, b) for a, b in self.met_before)
        return vetoed

    def pair_weights(self) -> dict[tuple[str, str], int]:
        """Weight of every pair worth scheduling (positive weight, not vetoed), sorted keys."""
        vetoed = self.vetoed_pairs()
        weights: dict[tuple[str, str], int] = {}
        for request in self.requests:
            key = pair_key(request.from_id, request.to_id)
            if key not in vetoed:
                weights[key] = weights.get(key, 0) + PREFERENCE_WEIGHT[request.preference]
        return {key: w for key, w in weights.items() if w > 0}
