"""The tabu search's moves, its determinism and its candidate restriction, on tiny instances
whose optimum is known by hand."""

import time

import numpy as np
import numpy.typing as npt

from clusterlink.domain.allocation.gap.local_search import SearchOutcome, tabu_search

IntArray = npt.NDArray[np.int64]


def _chain_instance() -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """3 agents of capacity 4: jobs 0 and 1 (weight 2) start on agent 0, job 2 (weight 4) on
    agent 1, jobs 3 and 4 on agent 2, cost 14. The optimum, cost 5, has job 2 on agent 0 and
    jobs 0 and 1 on agent 1: no single feasible shift or swap leads there."""
    costs = np.array([[3, 3, 1, 9, 9], [1, 1, 3, 9, 9], [9, 9, 9, 1, 1]], dtype=np.int64)
    weights = np.full((3, 5), 2, dtype=np.int64)
    weights[:, 2] = 4
    return costs, weights, np.array([4, 4, 4], dtype=np.int64), np.array([0, 0, 1, 2, 2])


def _search(
    start: IntArray, *, seed: int = 0, excluded: npt.NDArray[np.bool_] | None = None
) -> SearchOutcome:
    costs, weights, capacities, _ = _chain_instance()
    return tabu_search(
        costs,
        weights,
        capacities,
        start,
        np.ones(3),
        work_budget=200_000,
        seed=seed,
        deadline=time.monotonic() + 60,
        excluded=excluded,
    )


def test_search_moves_three_jobs_at_once_through_the_penalised_space() -> None:
    _, _, _, start = _chain_instance()

    outcome = _search(start)

    assert outcome.cost == 5
    assert outcome.assignment is not None
    assert outcome.assignment.tolist() == [1, 1, 0, 2, 2]
    assert outcome.elite[0].tolist() == [1, 1, 0, 2, 2]


def test_search_repairs_an_overloaded_start() -> None:
    outcome = _search(np.zeros(5, dtype=np.int64))  # everything on agent 0: load 12 of 4

    assert outcome.cost == 5


def test_same_seed_and_budget_give_the_same_search() -> None:
    _, _, _, start = _chain_instance()

    first, second = _search(start, seed=3), _search(start, seed=3)

    assert first.iterations == second.iterations
    assert first.assignment is not None and second.assignment is not None
    assert first.assignment.tolist() == second.assignment.tolist()


def test_excluded_pairs_are_never_used() -> None:
    _, _, _, start = _chain_instance()
    excluded = np.zeros((3, 5), dtype=bool)
    excluded[0, 2] = True  # job 2 may not go to agent 0: the optimum becomes unreachable

    outcome = _search(start, excluded=excluded)

    assert outcome.assignment is not None
    assert outcome.assignment[2] != 0
    # Job 2 stays on agent 1 and jobs 0 and 1 share agent 0 (cost 3 + 3 + 3 + 1 + 1).
    assert outcome.cost == 11
