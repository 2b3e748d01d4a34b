"""Agent-subset large neighbourhood search and how the portfolio combines the MIP's answer."""

import time
from pathlib import Path
from typing import cast

import numpy as np
import numpy.typing as npt

from clusterlink.domain.allocation.gap import GapResult, SolveStatus, read_orlib_gap
from clusterlink.domain.allocation.gap.check import check_gap
from clusterlink.domain.allocation.gap.lns import agent_subset_lns, restricted_mip_lns
from clusterlink.domain.allocation.gap.local_search import SearchOutcome
from clusterlink.domain.allocation.gap.solve import _BackgroundMip, _finish_with_mip, _merge
from clusterlink.domain.allocation.gap.solvers.cpsat import solve_cpsat
from clusterlink.domain.allocation.gap.solvers.highs import HighsOutcome, solve_restricted_mip

# Public instances shipped with the benchmark (bench/instances/gap/NOTICE.md).
DATA = Path(__file__).resolve().parents[4] / "bench" / "instances" / "gap"


IntArray = npt.NDArray[np.int64]


def _chain_instance() -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """3 agents of capacity 4 and 5 jobs; the start puts jobs 0 and 1 (weight 2 each) on agent 0
    and job 2 (weight 4) on agent 1, jobs 3 and 4 (weight 2 each) on agent 2: cost 14. The
    optimum (cost 5) needs job 2 on agent 0, jobs 0 and 1 on agent 1: three jobs at once.
    Returns costs, weights, capacities and the start."""
    costs = np.array([[3, 3, 1, 9, 9], [1, 1, 3, 9, 9], [9, 9, 9, 1, 1]], dtype=np.int64)
    weights = np.full((3, 5), 2, dtype=np.int64)
    weights[:, 2] = 4
    capacities = np.array([4, 4, 4], dtype=np.int64)
    start = np.array([0, 0, 1, 2, 2], dtype=np.int64)
    return costs, weights, capacities, start


def test_lns_moves_a_chain_of_jobs_that_no_single_shift_or_swap_improves() -> None:
    costs, weights, capacities, start = _chain_instance()

    outcome = agent_subset_lns(
        costs,
        weights,
        capacities,
        start,
        reduced_costs=None,
        seed=0,
        deadline=time.monotonic() + 30.0,
        max_steps=20,
        stop_at=5,
    )

    assert outcome.assignment.tolist() == [1, 1, 0, 2, 2]
    assert outcome.cost == 5
    assert outcome.improvements >= 1


def test_restricted_mip_lns_moves_the_same_chain() -> None:
    costs, weights, capacities, start = _chain_instance()

    outcome = restricted_mip_lns(
        costs,
        weights,
        capacities,
        start,
        reduced_costs=None,
        seed=0,
        deadline=time.monotonic() + 30.0,
        stop_at=5,
    )

    assert outcome.assignment.tolist() == [1, 1, 0, 2, 2]
    assert outcome.cost == 5
    assert outcome.improvements >= 1


def test_restricted_mip_finds_the_cheaper_assignment_among_the_allowed_pairs_only() -> None:
    # Given 2 agents of capacity 4 and 2 jobs of weight 3 (one job per agent): assignment
    # (0, 1) costs 2 + 2, (1, 0) costs 1 + 1, but pair (1, 0) is not allowed.
    costs = np.array([[2, 1], [1, 2]], dtype=np.int64)
    weights = np.full((2, 2), 3, dtype=np.int64)
    capacities = np.array([4, 4], dtype=np.int64)
    everything = np.ones((2, 2), dtype=bool)
    without_one_zero = np.array([[True, True], [False, True]])

    cheaper = solve_restricted_mip(
        costs, weights, capacities, everything, objective_below=4, time_limit_s=10.0
    )
    none_cheaper = solve_restricted_mip(
        costs, weights, capacities, without_one_zero, objective_below=4, time_limit_s=10.0
    )

    assert cheaper.assignment is not None
    assert (cheaper.assignment.tolist(), cheaper.cost, cheaper.proved) == ([1, 0], 2, True)
    assert (none_cheaper.assignment, none_cheaper.cost, none_cheaper.proved) == (None, None, True)


def test_lns_keeps_every_answer_feasible_and_its_cost_exact() -> None:
    instance = read_orlib_gap(DATA / "gap4-2.txt")
    costs = np.array(instance.costs, dtype=np.int64)
    weights = np.array(instance.weights, dtype=np.int64)
    capacities = np.array(instance.capacities, dtype=np.int64)
    # A feasible but dear start: the dearest assignment CP-SAT finds (costs negated).
    dear = solve_cpsat(-costs, weights, capacities, time_limit_s=5.0, workers=1, seed=0)
    assert dear.assignment is not None
    start = dear.assignment
    start_cost = instance.assignment_cost(start.tolist())

    outcome = agent_subset_lns(
        costs,
        weights,
        capacities,
        start,
        reduced_costs=None,
        seed=1,
        deadline=time.monotonic() + 30.0,
        max_steps=30,
    )

    report = check_gap(instance, outcome.assignment.tolist(), objective=outcome.cost)
    assert report.ok, report.summary()
    assert outcome.cost < start_cost


def test_merge_takes_the_cheaper_assignment_and_the_larger_bound() -> None:
    own = GapResult((0, 0, 1), 12, 9, SolveStatus.FEASIBLE, 1.0)
    cheaper = HighsOutcome(np.array([1, 0, 1]), 10, 8, optimal=False, infeasible=False)
    dearer = HighsOutcome(np.array([1, 1, 1]), 15, 11, optimal=False, infeasible=False)

    took_mip = _merge(own, cheaper, started=time.monotonic())
    kept_own = _merge(own, dearer, started=time.monotonic())

    assert (took_mip.assignment, took_mip.objective, took_mip.lower_bound) == ((1, 0, 1), 10, 9)
    assert (kept_own.assignment, kept_own.objective, kept_own.lower_bound) == ((0, 0, 1), 12, 11)
    assert took_mip.status == kept_own.status == SolveStatus.FEASIBLE


def test_merge_with_a_proven_mip_optimum_is_optimal() -> None:
    own = GapResult((0, 0, 1), 10, 9, SolveStatus.FEASIBLE, 1.0)
    proven = HighsOutcome(np.array([1, 0, 0]), 10, 10, optimal=True, infeasible=False)

    merged = _merge(own, proven, started=time.monotonic())

    assert merged.assignment == (1, 0, 0)
    assert merged.lower_bound == 10
    assert merged.status == SolveStatus.OPTIMAL


class _FinishedMip:
    """Stands in for the MIP beside the pipeline: its outcome is ready at once."""

    def __init__(self, outcome: HighsOutcome) -> None:
        self.outcome = outcome
        self.asked = 0

    def outcome_for_pipeline(self, *, timeout: float) -> HighsOutcome | None:
        self.asked += 1
        return self.outcome


def _finish_on_two_blocks(mip: _FinishedMip) -> tuple[IntArray, int]:
    """`_finish_with_mip` on two independent blocks (agents 0-1 with jobs 0-2, agents 2-3 with
    jobs 3-5; any other pair costs 100), each the first test's instance: optimum 5 per block, 10
    in all. The pipeline has solved the first block (5 + 7): 12."""
    block = [[1, 5, 2], [4, 1, 3]]
    costs = np.full((4, 6), 100, dtype=np.int64)
    costs[0:2, 0:3] = block
    costs[2:4, 3:6] = block
    own = SearchOutcome(np.array([0, 1, 1, 3, 3, 2]), 12, 0, ())
    return _finish_with_mip(
        costs,
        np.full((4, 6), 2, dtype=np.int64),
        np.array([2, 4, 2, 4], dtype=np.int64),
        own,
        cast(_BackgroundMip, mip),
        np.zeros((4, 6), dtype=bool),
        None,
        None,
        deadline=time.monotonic() + 10.0,
        seed=0,
    )


def test_finish_combines_the_pipelines_and_the_mips_halves() -> None:
    # Given the pipeline's 12 on the two blocks and the MIP's 12, from the second block (7 + 5).
    mip = _FinishedMip(
        HighsOutcome(np.array([1, 1, 0, 2, 3, 3]), 12, None, optimal=False, infeasible=False)
    )

    assignment, cost = _finish_on_two_blocks(mip)

    assert mip.asked == 1
    assert assignment.tolist() == [0, 1, 1, 2, 3, 3]
    assert cost == 10


def test_merge_bounds_with_the_mips_dual_bound_even_when_it_says_optimal() -> None:
    # HiGHS calls a solution optimal within its gap tolerance (22380 on e20200, optimum 22379):
    # only its dual bound is a proof.
    own = GapResult((0, 0, 1), 12, 9, SolveStatus.FEASIBLE, 1.0)
    within_tolerance = HighsOutcome(np.array([1, 0, 0]), 10, 9, optimal=True, infeasible=False)

    merged = _merge(own, within_tolerance, started=time.monotonic())

    assert merged.objective == 10
    assert merged.lower_bound == 9
    assert merged.status == SolveStatus.FEASIBLE


def test_finish_returns_a_proven_mip_optimum_as_it_is() -> None:
    # Given the pipeline's 12 on the two blocks and the MIP's proven optimum 10.
    optimum = np.array([0, 1, 1, 2, 3, 3])
    mip = _FinishedMip(HighsOutcome(optimum, 10, 10, optimal=True, infeasible=False))

    assignment, cost = _finish_on_two_blocks(mip)

    assert assignment is optimum
    assert cost == 10
