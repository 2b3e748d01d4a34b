"""The problem in integer form, shared by every back-end.

Participants become 0..n-1, slot sets become bit masks, fixed meetings are taken out (they
use up availability, caps and tables), and only pairs that could still meet remain: positive
weight, not vetoed, not fixed, a common free slot and room under both caps. A schedule of the
free part is then `slot_of[pair]` (-1 when the pair does not meet).
"""

from __future__ import annotations

from dataclasses import dataclass

from clusterlink.domain.scheduling.problem import Meeting, SchedulingProblem


@dataclass(frozen=True, slots=True)
class IndexedProblem:
    slots: int
    ids: tuple[str, ...]
    cap: tuple[int, ...]  # meetings still allowed after the fixed ones
    free: tuple[int, ...]  # bit s set: available at slot s and not in a fixed meeting then
    tables_free: tuple[int, ...]  # per slot, tables not taken by fixed meetings
    pair_a: tuple[int, ...]
    pair_b: tuple[int, ...]
    weight: tuple[int, ...]
    common: tuple[int, ...]  # bit mask of slots where both ends of the pair are free
    incident: tuple[tuple[int, ...], ...]  # pair indexes per participant
    fixed: tuple[Meeting, ...]
    fixed_weight: int

    @property
    def n_pairs(self) -> int:
        return len(self.weight)


def bits(mask: int) -> list[int]:
    """Slot indexes set in `mask`, ascending."""
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


def index_problem(problem: SchedulingProblem) -> IndexedProblem:
    ids = tuple(p.id for p in problem.participants)
    position = {pid: i for i, pid in enumerate(ids)}
    cap = [p.max_meetings for p in problem.participants]
    free = [sum(1 << s for s in p.available) for p in problem.participants]
    tables_free = [problem.tables] * problem.slots
    weights = problem.pair_weights()
    fixed_weight = 0
    for meeting in problem.fixed:
        for who in (meeting.a, meeting.b):
            i = position[who]
            cap[i] -= 1
            free[i] &= ~(1 << meeting.slot)
        tables_free[meeting.slot] -= 1
        fixed_weight += weights.pop(meeting.pair, 0)
    pair_a: list[int] = []
    pair_b: list[int] = []
    weight: list[int] = []
    common: list[int] = []
    incident: list[list[int]] = [[] for _ in ids]
    # Sorted keys make pair indexes, and so every tie-break downstream, independent of the
    # order requests arrived in.
    for (a_id, b_id), w in sorted(weights.items()):
        a, b = position[a_id], position[b_id]
        mask = free[a] & free[b]
        for s in range(problem.slots):
            if tables_free[s] <= 0:
                mask &= ~(1 << s)
        if not mask or cap[a] <= 0 or cap[b] <= 0:
            continue
        k = len(weight)
        pair_a.append(a)
        pair_b.append(b)
        weight.append(w)
        common.append(mask)
        incident[a].append(k)
        incident[b].append(k)
    return IndexedProblem(
        slots=problem.slots,
        ids=ids,
        cap=tuple(cap),
        free=tuple(free),
        tables_free=tuple(tables_free),
        pair_a=tuple(pair_a),
        pair_b=tuple(pair_b),
        weight=tuple(weight),
        common=tuple(common),
        incident=tuple(tuple(x) for x in incident),
        fixed=problem.fixed,
        fixed_weight=fixed_weight,
    )


def to_meetings(indexed: IndexedProblem, slot_of: list[int]) -> tuple[Meeting, ...]:
    """Fixed meetings as booked plus the free part, each at the lowest table left in its slot."""
    taken: list[set[int]] = [set() for _ in range(indexed.slots)]
    for meeting in indexed.fixed:
        taken[meeting.slot].add(meeting.table)
    next_table = [0] * indexed.slots
    meetings = list(indexed.fixed)
    for k, s in enumerate(slot_of):
        if s < 0:
            continue
        t = next_table[s]
        while t in taken[s]:
            t += 1
        next_table[s] = t + 1
        meetings.append(
            Meeting(
                a=indexed.ids[indexed.pair_a[k]], b=indexed.ids[indexed.pair_b[k]], slot=s, table=t
            )
        )
    return tuple(meetings)


def check(indexed: IndexedProblem, slot_of: list[int]) -> int:
    """Total weight of the free part; raises AssertionError if it breaks a rule (a guard
    against solver bugs, cheap next to any solve)."""
    busy = [0] * len(indexed.ids)
    count = [0] * len(indexed.ids)
    used = [0] * indexed.slots
    total = 0
    for k, s in enumerate(slot_of):
        if s < 0:
            continue
        bit = 1 << s
        if not indexed.common[k] & bit:
            raise AssertionError(f"pair {k} at slot {s} outside its common slots")
        for v in (indexed.pair_a[k], indexed.pair_b[k]):
            if busy[v] & bit:
                raise AssertionError(f"participant {v} double-booked at slot {s}")
            busy[v] |= bit
            count[v] += 1
            if count[v] > indexed.cap[v]:
                raise AssertionError(f"participant {v} over cap")
        used[s] += 1
        if used[s] > indexed.tables_free[s]:
            raise AssertionError(f"slot {s} over its tables")
        total += indexed.weight[k]
    return total
