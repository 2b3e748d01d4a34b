"""The schedule checker: each rule broken alone by a tiny schedule is named; a valid one
passes with its weight."""

from __future__ import annotations

import pytest

from clusterlink.domain.scheduling.check import ScheduleRule, check_schedule
from clusterlink.domain.scheduling.problem import (
    Meeting,
    Participant,
    Preference,
    Request,
    SchedulingProblem,
)

# A, B, C free in slots 0 and 1, D only in slot 1, F only in slot 0, E only listens; two
# tables.
# A must meet B (3) and B would meet A (1): weight 4. C would meet A (1). A said no to D;
# C and D met before. A-B is confirmed at slot 0, table 0.
PROBLEM = SchedulingProblem(
    slots=2,
    tables=2,
    participants=(
        Participant(id="A", available=frozenset({0, 1}), max_meetings=2),
        Participant(id="B", available=frozenset({0, 1}), max_meetings=2),
        Participant(id="C", available=frozenset({0, 1}), max_meetings=1),
        Participant(id="D", available=frozenset({1}), max_meetings=2),
        Participant(id="E", available=frozenset({0, 1}), max_meetings=0),
        Participant(id="F", available=frozenset({0}), max_meetings=1),
    ),
    requests=(
        Request(from_id="A", to_id="B", preference=Preference.MUST),
        Request(from_id="B", to_id="A", preference=Preference.MEET),
        Request(from_id="C", to_id="A", preference=Preference.MEET),
        Request(from_id="A", to_id="D", preference=Preference.NO),
        Request(from_id="D", to_id="A", preference=Preference.MUST),
    ),
    met_before=(("C", "D"),),
    fixed=(Meeting(a="A", b="B", slot=0, table=0),),
)
AB = Meeting(a="A", b="B", slot=0, table=0)
AC = Meeting(a="C", b="A", slot=1, table=1)


def test_a_valid_schedule_has_no_violation_and_its_weight() -> None:
    report = check_schedule(PROBLEM, [AB, AC], objective=5, upper_bound=5)

    assert report.ok, report.summary()
    assert report.objective == 5


def test_a_meeting_nobody_asked_for_is_allowed_and_weighs_nothing() -> None:
    report = check_schedule(PROBLEM, [AB, Meeting(a="B", b="D", slot=1, table=0)])

    assert report.ok, report.summary()
    assert report.objective == 4


@pytest.mark.parametrize(
    ("meetings", "rule", "named"),
    [
        ([AB, Meeting(a="A", b="Z", slot=1, table=0)], ScheduleRule.PARTICIPANT, "Z is no"),
        ([AB, Meeting(a="A", b="C", slot=2, table=0)], ScheduleRule.SLOT, "slot outside 0..1"),
        ([AB, Meeting(a="A", b="C", slot=1, table=2)], ScheduleRule.TABLE, "table outside 0..1"),
        ([AB, Meeting(a="D", b="A", slot=1, table=0)], ScheduleRule.VETOED, "said no"),
        ([AB, Meeting(a="C", b="D", slot=1, table=0)], ScheduleRule.MET_BEFORE, "earlier event"),
        ([AB, Meeting(a="B", b="A", slot=1, table=0)], ScheduleRule.PAIR_TWICE, "already meets"),
        (
            [AB, Meeting(a="C", b="B", slot=0, table=1)],
            ScheduleRule.DOUBLE_BOOKED,
            "B has another",
        ),
        (
            [AB, Meeting(a="F", b="C", slot=1, table=0)],
            ScheduleRule.UNAVAILABLE,
            "F is not available",
        ),
        (
            [AB, Meeting(a="C", b="E", slot=1, table=0)],
            ScheduleRule.MAX_MEETINGS,
            "E: 1 meetings > max 0",
        ),
        (
            [Meeting(a="A", b="B", slot=1, table=0)],
            ScheduleRule.FIXED,
            "fixed meeting A-B at slot 0 table 0",
        ),
    ],
)
def test_each_rule_broken_alone_is_named(
    meetings: list[Meeting], rule: ScheduleRule, named: str
) -> None:
    report = check_schedule(PROBLEM, meetings)

    assert report.broken == {rule}, report.summary()
    assert any(named in v.message for v in report.violations), report.summary()


def test_a_table_used_twice_in_a_slot_is_named() -> None:
    three = SchedulingProblem(
        slots=1,
        tables=1,
        participants=tuple(
            Participant(id=x, available=frozenset({0}), max_meetings=1) for x in "ABCD"
        ),
    )

    report = check_schedule(
        three, [Meeting(a="A", b="B", slot=0, table=0), Meeting(a="C", b="D", slot=0, table=0)]
    )

    assert report.broken == {ScheduleRule.TABLE_TAKEN}
    assert "the table is taken" in report.violations[0].message


def test_a_wrong_objective_or_a_bound_below_it_is_named() -> None:
    assert check_schedule(PROBLEM, [AB, AC], objective=4).broken == {ScheduleRule.OBJECTIVE}
    assert check_schedule(PROBLEM, [AB, AC], upper_bound=4).broken == {ScheduleRule.BOUND}


def test_extra_fixed_meetings_must_be_kept_too() -> None:
    extra = Meeting(a="A", b="C", slot=1, table=0)

    report = check_schedule(PROBLEM, [AB, AC], fixed=[extra])

    assert report.broken == {ScheduleRule.FIXED}


def test_every_violation_is_listed_not_only_the_first() -> None:
    # A-B moved off its confirmed slot, then booked again, then A with D who is away.
    report = check_schedule(
        PROBLEM,
        [
            Meeting(a="A", b="B", slot=1, table=0),
            Meeting(a="A", b="B", slot=1, table=0),
            Meeting(a="A", b="D", slot=0, table=1),
        ],
    )

    assert report.broken >= {
        ScheduleRule.FIXED,
        ScheduleRule.PAIR_TWICE,
        ScheduleRule.TABLE_TAKEN,
        ScheduleRule.DOUBLE_BOOKED,
        ScheduleRule.VETOED,
        ScheduleRule.UNAVAILABLE,
        ScheduleRule.MAX_MEETINGS,
    }
    assert len(report.violations) >= 7
