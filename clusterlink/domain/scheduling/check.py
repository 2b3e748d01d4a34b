"""The meeting schedule's rules, checked on a schedule (see clusterlink/domain/checking.py).

    report = check_schedule(problem, result.meetings, objective=result.objective,
                            upper_bound=result.upper_bound)
    assert report.ok, report.summary()

Rules of SchedulingProblem (problem.py), each meeting a, b at slot s and table t:

- PARTICIPANT: a and b are participants of the event (a != b is refused by Meeting itself);
- SLOT, TABLE: 0 <= s < slots and 0 <= t < tables;
- VETOED: neither a nor b said "no" to the other;
- MET_BEFORE: a and b did not meet at an earlier event;
- PAIR_TWICE: a pair meets at most once;
- TABLE_TAKEN: one meeting per table and slot;
- UNAVAILABLE: both are available at s;
- DOUBLE_BOOKED: nobody has two meetings in one slot;
- MAX_MEETINGS: nobody has more meetings than their max_meetings;
- FIXED: every fixed (confirmed) meeting is in the schedule as booked, same slot and table;
- OBJECTIVE: a reported objective equals the sum of the pairs' weights (a pair's weight is
  the sum of its two directions' preferences, must 3 and meet 1; a pair nobody asked for
  weighs 0);
- BOUND: a reported upper bound is at least that sum.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from enum import StrEnum

from clusterlink.domain.checking import CheckResult, Violation
from clusterlink.domain.scheduling.problem import (
    PREFERENCE_WEIGHT,
    Meeting,
    Preference,
    SchedulingProblem,
    pair_key,
)


class ScheduleRule(StrEnum):
    PARTICIPANT = "participant"
    SLOT = "slot"
    TABLE = "table"
    VETOED = "vetoed"
    MET_BEFORE = "met_before"
    PAIR_TWICE = "pair_twice"
    TABLE_TAKEN = "table_taken"
    UNAVAILABLE = "unavailable"
    DOUBLE_BOOKED = "double_booked"
    MAX_MEETINGS = "max_meetings"
    FIXED = "fixed"
    OBJECTIVE = "objective"
    BOUND = "bound"


ScheduleCheck = CheckResult[ScheduleRule, int]


def check_schedule(
    problem: SchedulingProblem,
    meetings: Sequence[Meeting],
    *,
    objective: int | None = None,
    upper_bound: int | None = None,
    fixed: Sequence[Meeting] = (),
) -> ScheduleCheck:
    """Every rule `meetings` breaks and the total weight it is worth. `objective` and
    `upper_bound`, when given, are what the solver reported; `fixed` adds confirmed
    meetings to the problem's own (as solve's `fixed` does)."""
    people = {p.id: p for p in problem.participants}
    said_no = {
        pair_key(r.from_id, r.to_id) for r in problem.requests if r.preference is Preference.NO
    }
    met_before = {pair_key(a, b) for a, b in problem.met_before}
    weight: Counter[tuple[str, str]] = Counter()
    for request in problem.requests:
        weight[pair_key(request.from_id, request.to_id)] += PREFERENCE_WEIGHT[request.preference]

    violations: list[Violation[ScheduleRule]] = []

    def broken(rule: ScheduleRule, message: str) -> None:
        violations.append(Violation(rule, message))

    seen_pairs: set[tuple[str, str]] = set()
    tables: set[tuple[int, int]] = set()
    busy: set[tuple[str, int]] = set()
    count: Counter[str] = Counter()
    total = 0
    for m in meetings:
        label = f"meeting {m.a}-{m.b} at slot {m.slot} table {m.table}"
        pair = pair_key(m.a, m.b)
        known = [who for who in (m.a, m.b) if who in people]
        for who in (m.a, m.b):
            if who not in people:
                broken(ScheduleRule.PARTICIPANT, f"{label}: {who} is no participant")
        slot_exists = 0 <= m.slot < problem.slots
        if not slot_exists:
            broken(ScheduleRule.SLOT, f"{label}: slot outside 0..{problem.slots - 1}")
        if not 0 <= m.table < problem.tables:
            broken(ScheduleRule.TABLE, f"{label}: table outside 0..{problem.tables - 1}")
        if pair in said_no:
            broken(ScheduleRule.VETOED, f"{label}: one of them said no")
        if pair in met_before:
            broken(ScheduleRule.MET_BEFORE, f"{label}: they met at an earlier event")
        if pair in seen_pairs:
            broken(ScheduleRule.PAIR_TWICE, f"{label}: the pair already meets")
        else:
            # A pair's weight counts once, however many times it is (wrongly) booked.
            total += 0 if pair in said_no or pair in met_before else weight[pair]
        seen_pairs.add(pair)
        if (m.slot, m.table) in tables:
            broken(ScheduleRule.TABLE_TAKEN, f"{label}: the table is taken")
        tables.add((m.slot, m.table))
        for who in known:
            # Availability is only stated for slots that exist: a slot out of range is SLOT.
            if slot_exists and m.slot not in people[who].available:
                broken(ScheduleRule.UNAVAILABLE, f"{label}: {who} is not available")
            if (who, m.slot) in busy:
                broken(ScheduleRule.DOUBLE_BOOKED, f"{label}: {who} has another meeting")
            busy.add((who, m.slot))
            count[who] += 1
    for who, meetings_of in sorted(count.items()):
        cap = people[who].max_meetings
        if meetings_of > cap:
            broken(ScheduleRule.MAX_MEETINGS, f"{who}: {meetings_of} meetings > max {cap}")
    booked = {(m.pair, m.slot, m.table) for m in meetings}
    for m in (*problem.fixed, *fixed):
        if (m.pair, m.slot, m.table) not in booked:
            broken(
                ScheduleRule.FIXED,
                f"fixed meeting {m.a}-{m.b} at slot {m.slot} table {m.table} is not kept",
            )
    if objective is not None and objective != total:
        broken(ScheduleRule.OBJECTIVE, f"reported {objective}, the meetings weigh {total}")
    if upper_bound is not None and upper_bound < total:
        broken(ScheduleRule.BOUND, f"upper bound {upper_bound} below the weight {total}")
    return CheckResult(violations=tuple(violations), objective=total)
