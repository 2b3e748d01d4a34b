"""The GAP's rules, checked on an assignment (see clusterlink/domain/checking.py).

    report = check_gap(instance, result.assignment, objective=result.objective)
    assert report.ok, report.summary()

An assignment gives each job j the 0-based agent assignment[j]. Rules:

- JOB_COUNT: one entry per job, so every job is on exactly one agent;
- AGENT: each entry is an integer agent index 0 <= i < agents;
- CAPACITY: the weights of each agent's jobs sum to at most its capacity;
- OBJECTIVE: a reported objective equals the sum of the chosen costs;
- BOUND: a reported lower bound does not exceed that sum.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from enum import StrEnum
from typing import SupportsIndex

from clusterlink.domain.allocation.gap.problem import GapInstance
from clusterlink.domain.checking import CheckResult, Violation


class GapRule(StrEnum):
    JOB_COUNT = "job_count"
    AGENT = "agent"
    CAPACITY = "capacity"
    OBJECTIVE = "objective"
    BOUND = "bound"


GapCheck = CheckResult[GapRule, int]


def check_gap(
    instance: GapInstance,
    assignment: Sequence[object],
    *,
    objective: int | None = None,
    lower_bound: int | None = None,
) -> GapCheck:
    """Every rule `assignment` breaks and the cost it is worth (jobs whose entry is no valid
    agent count nothing). `objective` and `lower_bound`, when given, are what the solver
    reported."""
    violations: list[Violation[GapRule]] = []
    if len(assignment) != instance.n_jobs:
        violations.append(
            Violation(
                GapRule.JOB_COUNT,
                f"{len(assignment)} entries for {instance.n_jobs} jobs",
            )
        )
    load = [0] * instance.n_agents
    cost = 0
    for job, entry in enumerate(assignment[: instance.n_jobs]):
        # Any integer type (NumPy's too), but not bool: True is no agent index.
        if not isinstance(entry, SupportsIndex) or isinstance(entry, bool):
            violations.append(Violation(GapRule.AGENT, f"job {job}: agent {entry!r}"))
            continue
        agent = operator.index(entry)
        if not 0 <= agent < instance.n_agents:
            violations.append(
                Violation(
                    GapRule.AGENT,
                    f"job {job}: agent {agent} outside 0..{instance.n_agents - 1}",
                )
            )
            continue
        load[agent] += instance.weights[agent][job]
        cost += instance.costs[agent][job]
    for agent, (used, capacity) in enumerate(zip(load, instance.capacities, strict=True)):
        if used > capacity:
            violations.append(
                Violation(GapRule.CAPACITY, f"agent {agent}: load {used} > capacity {capacity}")
            )
    if objective is not None and objective != cost:
        violations.append(
            Violation(GapRule.OBJECTIVE, f"reported {objective}, the assignment costs {cost}")
        )
    if lower_bound is not None and lower_bound > cost:
        violations.append(
            Violation(GapRule.BOUND, f"lower bound {lower_bound} above the cost {cost}")
        )
    return CheckResult(violations=tuple(violations), objective=cost)
