"""solve_gap on instances whose optimum is known, on every back-end."""

import csv
import time
from pathlib import Path

import numpy as np
import pytest

from clusterlink.domain.allocation.gap import (
    GapInstance,
    GapResult,
    Method,
    SolveStatus,
    read_orlib_gap,
    solve_gap,
)
from clusterlink.domain.allocation.gap.check import check_gap
from clusterlink.domain.allocation.gap.solve import (
    _ChildProcess,
    _far_from_lp_pairs,
    _patterns_pay,
)
from clusterlink.domain.allocation.gap.solvers.cpsat import solve_cpsat
from clusterlink.domain.allocation.gap.solvers.highs import solve_highs_mip

BACKENDS: list[Method] = ["ours", "cpsat", "highs"]
# Public instances shipped with the benchmark (bench/instances/gap/NOTICE.md).
DATA = Path(__file__).resolve().parents[4] / "bench" / "instances" / "gap"


def assert_checked(instance: GapInstance, result: GapResult) -> None:
    """The assignment keeps every rule of the GAP and is worth what the solver says."""
    report = check_gap(
        instance, result.assignment, objective=result.objective, lower_bound=result.lower_bound
    )
    assert report.ok, report.summary()


@pytest.mark.parametrize("method", BACKENDS)
def test_capacity_forces_one_job_off_its_cheapest_agent(method: Method) -> None:
    # Given agent 0 can hold one job of weight 2; jobs 0 and 2 are cheapest there.
    # Keeping job 0 (1) and sending job 2 to agent 1 (3) costs 1 + 1 + 3 = 5; the other
    # way round costs 2 + 4 + 1 = 7.
    instance = GapInstance.from_lists(
        costs=[[1, 5, 2], [4, 1, 3]], weights=[[2, 2, 2], [2, 2, 2]], capacities=[2, 4]
    )

    result = solve_gap(instance, time_limit_s=1.0, method=method)

    assert_checked(instance, result)
    assert result.assignment == (0, 1, 1)
    assert result.objective == 5
    assert result.status == SolveStatus.OPTIMAL
    assert result.lower_bound == 5


@pytest.mark.parametrize("method", BACKENDS)
def test_jobs_with_the_largest_regret_keep_the_cheap_agent(method: Method) -> None:
    # Given agent 0 takes two of four unit jobs; agent 1 is dearer by 4, 5, 6 and 7.
    # The two largest regrets (jobs 2 and 3) stay on agent 0: 3 + 4 + 5 + 7 = 19.
    instance = GapInstance.from_lists(
        costs=[[1, 2, 3, 4], [5, 7, 9, 11]],
        weights=[[1, 1, 1, 1], [1, 1, 1, 1]],
        capacities=[2, 4],
    )

    result = solve_gap(instance, time_limit_s=1.0, method=method)

    assert_checked(instance, result)
    assert result.assignment == (1, 1, 0, 0)
    assert result.objective == 19
    assert result.status == SolveStatus.OPTIMAL


@pytest.mark.parametrize("method", BACKENDS)
def test_overfull_instance_is_infeasible(method: Method) -> None:
    # Given one agent of capacity 3 and two jobs of weight 2: they cannot both fit.
    instance = GapInstance.from_lists(costs=[[1, 1]], weights=[[2, 2]], capacities=[3])

    result = solve_gap(instance, time_limit_s=1.0, method=method)

    assert result.status == SolveStatus.INFEASIBLE
    assert result.assignment == ()
    assert result.objective is None


@pytest.mark.parametrize("method", BACKENDS)
def test_job_heavier_than_every_agent_is_infeasible(method: Method) -> None:
    instance = GapInstance.from_lists(
        costs=[[1, 1], [1, 1]], weights=[[1, 9], [1, 8]], capacities=[5, 5]
    )

    result = solve_gap(instance, time_limit_s=1.0, method=method)

    assert result.status == SolveStatus.INFEASIBLE


def _proven_minimum(name: str) -> int:
    with (DATA / "best_known.csv").open() as handle:
        for row in csv.DictReader(handle):
            if row["instance"] == name and row["objective_sense"] == "min":
                assert row["proven_optimal"] == "yes"
                return int(row["best_known"])
    raise LookupError(name)


@pytest.mark.parametrize("name", ["gap1-0", "gap4-2"])
def test_or_library_small_instance_reaches_its_proven_optimum(name: str) -> None:
    instance = read_orlib_gap(DATA / f"{name}.txt")

    result = solve_gap(instance, time_limit_s=3.0, seed=0, threads=2)

    assert result.objective == _proven_minimum(name)
    assert_checked(instance, result)
    assert result.status == SolveStatus.OPTIMAL


def test_same_seed_and_threads_give_the_same_assignment() -> None:
    instance = read_orlib_gap(DATA / "gap4-2.txt")

    # A generous limit: the search ends on its own work counters long before, so no
    # wall-clock safety stop (the one source of variation) can fire on a busy machine.
    first = solve_gap(instance, time_limit_s=5.0, seed=3, threads=2)
    second = solve_gap(instance, time_limit_s=5.0, seed=3, threads=2)

    assert first.assignment == second.assignment


def _answer_after_a_minute() -> str:
    time.sleep(60)
    return "answer"


def test_the_wait_for_the_pipeline_ends_once_the_mip_has_proved_its_answer() -> None:
    # Given a pipeline that would answer only after a minute, and a MIP whose proof is in.
    pipeline = _ChildProcess(_answer_after_a_minute, niceness=0)  # type: ignore[arg-type]
    try:
        # The wait gives up at once rather than after its timeout of a minute and more.
        assert pipeline.result(timeout=120.0, unless=lambda: True) is None
    finally:
        pipeline.stop()


def test_rejects_a_non_positive_time_limit() -> None:
    instance = GapInstance.from_lists(costs=[[1]], weights=[[1]], capacities=[1])

    with pytest.raises(ValueError, match="time_limit_s must be positive"):
        solve_gap(instance, time_limit_s=0)


def test_highs_started_from_a_dear_assignment_still_finds_the_optimum() -> None:
    # Given the instance of the first test and, as MIP start, the dearer feasible assignment
    # (job 2 on agent 0: 2 + 4 + 1 = 7), HiGHS returns the optimum 5 and proves it.
    costs = np.array([[1, 5, 2], [4, 1, 3]], dtype=np.int64)
    weights = np.full((2, 3), 2, dtype=np.int64)
    capacities = np.array([2, 4], dtype=np.int64)

    outcome = solve_highs_mip(
        costs, weights, capacities, time_limit_s=5.0, seed=0, hint=np.array([1, 1, 0])
    )

    assert outcome.objective == 5
    assert outcome.assignment is not None
    assert outcome.assignment.tolist() == [0, 1, 1]
    assert outcome.optimal


def test_column_generation_runs_only_with_few_jobs_per_agent_and_time_for_its_root() -> None:
    # Given 2 agents × 20 jobs (10 per agent) of capacity 100, and 2 × 21 jobs (over 10).
    few = np.ones((2, 20), dtype=np.int64)
    many = np.ones((2, 21), dtype=np.int64)
    capacities = np.array([100, 100], dtype=np.int64)

    assert _patterns_pay(few, capacities, search_seconds=10.0)
    assert not _patterns_pay(many, capacities, search_seconds=10.0)
    # 40 × 400 jobs with capacity 425 (d40400): its root would not fit in a 10 s run.
    assert not _patterns_pay(
        np.ones((40, 400), dtype=np.int64), np.full(40, 425, dtype=np.int64), search_seconds=8.5
    )


def test_near_lp_searches_keep_the_smallest_reduced_costs_and_the_lp_support() -> None:
    # Given 3 agents × 4 jobs: reduced costs 0 on agent 0, rising to 9 on agent 2, and job 3
    # split by the LP between agents 0 and 2 (reduced cost 9 on its agent 2 share).
    reduced = np.array([[0, 0, 0, 0], [1, 2, 3, 4], [5, 6, 7, 9]], dtype=np.float64)
    fractional = np.zeros((3, 4))
    fractional[0, :] = 1.0
    fractional[0, 3] = fractional[2, 3] = 0.5

    excluded = _far_from_lp_pairs(reduced, fractional, per_job=1.5)

    # The 6 pairs of smallest reduced cost (1.5 per job) stay, and so does the split job's
    # share on agent 2; every other pair is excluded.
    kept = {(int(a), int(j)) for a, j in zip(*np.nonzero(~excluded), strict=True)}
    assert kept == {(0, 0), (0, 1), (0, 2), (0, 3), (1, 0), (1, 1), (2, 3)}
    # Never fewer than one pair per job, whatever the width asked.
    assert (~_far_from_lp_pairs(reduced, fractional, per_job=0.1)).sum(axis=0).min() >= 1


def test_cpsat_with_one_allowed_agent_per_job_answers_without_searching() -> None:
    # Given pairs that leave each job one agent: the answer is that assignment when it fits
    # and is cheaper than asked, "infeasible" otherwise (CP-SAT itself aborted on such models).
    costs = np.array([[1, 5, 2], [4, 1, 3]], dtype=np.int64)
    weights = np.full((2, 3), 2, dtype=np.int64)
    capacities = np.array([2, 4], dtype=np.int64)
    allowed = np.array([[True, False, False], [False, True, True]])

    fits = solve_cpsat(
        costs, weights, capacities, time_limit_s=1.0, workers=1, seed=0, allowed=allowed
    )
    not_cheaper = solve_cpsat(
        costs,
        weights,
        capacities,
        time_limit_s=1.0,
        workers=1,
        seed=0,
        allowed=allowed,
        objective_below=5,
    )

    assert fits.assignment is not None
    assert fits.assignment.tolist() == [0, 1, 1]
    assert fits.objective == 5
    assert fits.optimal
    assert not_cheaper.infeasible


def test_exact_highs_proves_the_optimum_with_its_bound() -> None:
    costs = np.array([[1, 5, 2], [4, 1, 3]], dtype=np.int64)
    weights = np.full((2, 3), 2, dtype=np.int64)
    capacities = np.array([2, 4], dtype=np.int64)

    outcome = solve_highs_mip(costs, weights, capacities, time_limit_s=5.0, seed=0, exact=True)

    assert outcome.optimal
    assert outcome.objective == outcome.bound == 5
