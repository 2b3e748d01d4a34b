"""The GAP checker: each rule broken alone by a tiny assignment is named; a valid one passes."""

from __future__ import annotations

import numpy as np
import pytest

from clusterlink.domain.allocation.gap import GapInstance
from clusterlink.domain.allocation.gap.check import GapRule, check_gap

# 2 agents x 3 jobs, every weight 2; agent 0 holds one job, agent 1 two.
INSTANCE = GapInstance.from_lists(
    costs=[[1, 5, 2], [4, 1, 3]], weights=[[2, 2, 2], [2, 2, 2]], capacities=[2, 4]
)


def test_a_valid_assignment_has_no_violation_and_its_cost() -> None:
    report = check_gap(INSTANCE, (0, 1, 1), objective=5, lower_bound=5)

    assert report.ok
    assert report.violations == ()
    assert report.objective == 5
    assert report.summary() == "OK objective 5"


def test_numpy_integers_are_agents() -> None:
    assert check_gap(INSTANCE, list(np.array([0, 1, 1]))).ok


@pytest.mark.parametrize(
    ("assignment", "objective", "lower_bound", "rule", "named"),
    [
        ((0, 1), None, None, GapRule.JOB_COUNT, "2 entries for 3 jobs"),
        ((0, 1, 1, 1), None, None, GapRule.JOB_COUNT, "4 entries for 3 jobs"),
        ((0, 1, 2), None, None, GapRule.AGENT, "job 2: agent 2 outside 0..1"),
        ((0, 1, -1), None, None, GapRule.AGENT, "job 2: agent -1"),
        ((0, True, 1), None, None, GapRule.AGENT, "job 1: agent True"),
        ((0, "1", 1), None, None, GapRule.AGENT, "job 1: agent '1'"),
        ((0, 0, 1), None, None, GapRule.CAPACITY, "agent 0: load 4 > capacity 2"),
        ((0, 1, 1), 4, None, GapRule.OBJECTIVE, "reported 4, the assignment costs 5"),
        ((0, 1, 1), None, 6, GapRule.BOUND, "lower bound 6 above the cost 5"),
    ],
)
def test_each_rule_broken_alone_is_named(
    assignment: tuple[object, ...],
    objective: int | None,
    lower_bound: int | None,
    rule: GapRule,
    named: str,
) -> None:
    report = check_gap(INSTANCE, assignment, objective=objective, lower_bound=lower_bound)

    assert report.broken == {rule}
    assert any(named in v.message for v in report.violations), report.summary()
    assert not report.ok


def test_every_violation_is_listed_not_only_the_first() -> None:
    # Both jobs 0 and 2 on agent 0 (over capacity), job 1 on no agent, a wrong objective.
    report = check_gap(INSTANCE, (0, 7, 0), objective=1)

    assert report.broken == {GapRule.AGENT, GapRule.CAPACITY, GapRule.OBJECTIVE}
    assert report.objective == 3
    assert report.summary().startswith("BROKEN (3): agent: job 1")
