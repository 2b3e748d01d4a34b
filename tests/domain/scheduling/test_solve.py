"""Tiny events whose optimum is known by hand, solved by every back-end."""

from __future__ import annotations

import json
from collections.abc import Sequence

import pytest

from bench.scheduling_generator import generate
from clusterlink.domain.scheduling.check import check_schedule
from clusterlink.domain.scheduling.io import problem_from_json, result_to_json
from clusterlink.domain.scheduling.problem import (
    Meeting,
    Participant,
    Preference,
    ProblemError,
    Request,
    SchedulingProblem,
)
from clusterlink.domain.scheduling.result import ScheduleResult, SolveStatus
from clusterlink.domain.scheduling.solve import Backend, solve

BACKENDS = list(Backend)
MUST, MEET, NO = Preference.MUST, Preference.MEET, Preference.NO


def person(pid: str, available: range | list[int], cap: int = 9) -> Participant:
    return Participant(id=pid, available=frozenset(available), max_meetings=cap)


def ask(a: str, b: str, preference: Preference) -> Request:
    return Request(from_id=a, to_id=b, preference=preference)


def pairs(result: ScheduleResult) -> set[tuple[str, str]]:
    return {m.pair for m in result.meetings}


def assert_valid(
    problem: SchedulingProblem, result: ScheduleResult, fixed: Sequence[Meeting] = ()
) -> None:
    """Every rule of the problem, re-checked by the project's checker, not the solver."""
    report = check_schedule(
        problem,
        result.meetings,
        objective=result.objective,
        upper_bound=result.upper_bound,
        fixed=fixed,
    )
    assert report.ok, report.summary()


def run(problem: SchedulingProblem, backend: Backend, **kwargs: object) -> ScheduleResult:
    result = solve(problem, time_limit_s=20, seed=0, threads=2, backend=backend, **kwargs)  # type: ignore[arg-type]
    assert_valid(problem, result, fixed=kwargs.get("fixed", ()))  # type: ignore[arg-type]
    return result


@pytest.mark.parametrize("backend", BACKENDS)
def test_availability_decides_who_can_meet(backend: Backend) -> None:
    # given A and B never free at the same time, C free at both slots
    problem = SchedulingProblem(
        slots=2,
        tables=2,
        participants=(person("A", [0]), person("B", [1]), person("C", [0, 1])),
        requests=(ask("A", "B", MUST), ask("A", "C", MEET), ask("B", "C", MEET)),
    )
    # when
    result = run(problem, backend)
    # then C meets both, each at the only slot the other is free
    assert result.objective == 2
    assert result.status is SolveStatus.OPTIMAL
    assert {(m.pair, m.slot) for m in result.meetings} == {(("A", "C"), 0), (("B", "C"), 1)}


@pytest.mark.parametrize("backend", BACKENDS)
def test_table_limit_keeps_the_heavier_meeting(backend: Backend) -> None:
    problem = SchedulingProblem(
        slots=1,
        tables=1,
        participants=tuple(person(x, [0]) for x in "ABCD"),
        requests=(ask("A", "B", MUST), ask("C", "D", MEET), ask("D", "C", MEET)),
    )
    result = run(problem, backend)
    assert result.objective == 3
    assert result.upper_bound == 3
    assert pairs(result) == {("A", "B")}


@pytest.mark.parametrize("backend", BACKENDS)
def test_cap_of_one_takes_the_heaviest_partner(backend: Backend) -> None:
    problem = SchedulingProblem(
        slots=3,
        tables=3,
        participants=(person("A", range(3), cap=1), person("B", range(3)), person("C", range(3))),
        requests=(ask("A", "B", MEET), ask("B", "A", MEET), ask("C", "A", MUST)),
    )
    result = run(problem, backend)
    assert result.objective == 3
    assert pairs(result) == {("A", "C")}
    assert result.status is SolveStatus.OPTIMAL


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_no_in_either_direction_or_an_earlier_meeting_vetoes_the_pair(backend: Backend) -> None:
    problem = SchedulingProblem(
        slots=2,
        tables=4,
        participants=tuple(person(x, range(2)) for x in "ABCD"),
        requests=(
            ask("A", "B", MUST),
            ask("B", "A", NO),
            ask("C", "D", MUST),
            ask("A", "C", MEET),
        ),
        met_before=(("D", "C"),),
    )
    result = run(problem, backend)
    assert result.objective == 1
    assert pairs(result) == {("A", "C")}


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_pair_meets_once_however_many_free_slots(backend: Backend) -> None:
    problem = SchedulingProblem(
        slots=3,
        tables=3,
        participants=(person("A", range(3)), person("B", range(3))),
        requests=(ask("A", "B", MUST), ask("B", "A", MUST)),
    )
    result = run(problem, backend)
    assert result.objective == 6
    assert len(result.meetings) == 1
    assert result.status is SolveStatus.OPTIMAL


@pytest.mark.parametrize("backend", BACKENDS)
def test_triangle_in_two_slots_fits_two_meetings(backend: Backend) -> None:
    # Three people who all must meet each other, two slots: a slot holds one of the three
    # meetings at most, so two meetings (12); the LP alone would promise 18.
    problem = SchedulingProblem(
        slots=2,
        tables=5,
        participants=tuple(person(x, range(2)) for x in "ABC"),
        requests=tuple(ask(a, b, MUST) for a in "ABC" for b in "ABC" if a != b),
    )
    result = run(problem, backend)
    assert result.objective == 12
    assert result.upper_bound == 12
    assert result.status is SolveStatus.OPTIMAL


@pytest.mark.parametrize("backend", BACKENDS)
def test_rerun_keeps_fixed_meetings_even_when_another_plan_would_be_better(
    backend: Backend,
) -> None:
    # given A-B confirmed at slot 0 table 0, while C-D (heavier) also wants that only table
    problem = SchedulingProblem(
        slots=2,
        tables=1,
        participants=(
            person("A", range(2)),
            person("B", [0]),
            person("C", [0]),
            person("D", [0, 1]),
        ),
        requests=(ask("A", "B", MEET), ask("C", "D", MUST), ask("A", "D", MEET)),
    )
    fixed = (Meeting(a="A", b="B", slot=0, table=0),)
    # when
    result = run(problem, backend, fixed=fixed)
    # then A-B stays as booked, C-D cannot meet, A-D takes slot 1
    assert fixed[0] in result.meetings
    assert {(m.pair, m.slot) for m in result.meetings} == {(("A", "B"), 0), (("A", "D"), 1)}
    assert result.objective == 2
    assert result.upper_bound == 2
    # and without the confirmation the heavier plan wins
    assert run(problem, backend).objective == 4


def test_fixed_meetings_from_the_instance_file_are_kept() -> None:
    problem = problem_from_json(
        '{"slots": 1, "tables": 1, "participants": ['
        '{"id": "A", "available": [0], "max_meetings": 1},'
        '{"id": "B", "available": [0], "max_meetings": 1},'
        '{"id": "C", "available": [0], "max_meetings": 1}],'
        '"requests": [{"from": "A", "to": "C", "preference": "must"},'
        '{"from": "A", "to": "B", "preference": "meet"}],'
        '"met_before": [], "fixed": [{"a": "A", "b": "B", "slot": 0, "table": 0}]}'
    )
    result = solve(problem, time_limit_s=10)
    assert_valid(problem, result)
    assert result.meetings == (Meeting(a="A", b="B", slot=0, table=0),)
    assert result.objective == 1


def test_fixed_meeting_breaking_a_rule_is_refused() -> None:
    problem = SchedulingProblem(
        slots=2, tables=1, participants=(person("A", [0]), person("B", range(2)))
    )
    with pytest.raises(ProblemError, match="A unavailable at slot 1"):
        solve(problem, time_limit_s=1, fixed=(Meeting(a="A", b="B", slot=1, table=0),))


@pytest.mark.parametrize("backend", BACKENDS)
def test_same_seed_same_schedule(backend: Backend) -> None:
    # Small enough for the exact back-end to finish well inside the limit on a busy machine:
    # a run cut by the wall clock is not reproducible, by design.
    problem = problem_from_json(json.dumps(generate(28, seed=7)))
    first = solve(problem, time_limit_s=60, seed=3, threads=2, backend=backend)
    second = solve(problem, time_limit_s=60, seed=3, threads=2, backend=backend)
    assert_valid(problem, first)
    assert result_to_json(first)["meetings"] == result_to_json(second)["meetings"]
    assert (first.objective, first.upper_bound) == (second.objective, second.upper_bound)
