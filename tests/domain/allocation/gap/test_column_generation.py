"""Column generation over agent patterns: the knapsack pricing and the dive, on tiny instances."""

import time

import numpy as np

from clusterlink.domain.allocation.gap.column_generation import best_patterns, pattern_search


def test_knapsack_pricing_takes_the_best_set_within_each_capacity() -> None:
    # Given two rows over three items: row 0 (capacity 5) can take items {0, 1} (3 + 2 weight,
    # profit 4 + 3) or {2} (weight 5, profit 6); row 1 (capacity 2) only item 1 fits, but it
    # has no profit there, so row 1 takes nothing.
    profits = np.array([[4.0, 3.0, 6.0], [1.0, -1.0, 2.0]])
    weights = np.array([[3, 2, 5], [3, 2, 3]], dtype=np.int64)
    capacities = np.array([5, 2], dtype=np.int64)

    values, chosen = best_patterns(profits, weights, capacities)

    assert values.tolist() == [7.0, 0.0]
    assert chosen.tolist() == [[True, True, False], [False, False, False]]


def test_pattern_search_dives_to_the_optimum_with_a_valid_bound() -> None:
    # Given agent 0 holds one job of weight 2; jobs 0 and 2 are cheapest there. The optimum
    # keeps job 0 on agent 0 and sends jobs 1 and 2 to agent 1: 1 + 1 + 3 = 5.
    costs = np.array([[1, 5, 2], [4, 1, 3]], dtype=np.int64)
    weights = np.full((2, 3), 2, dtype=np.int64)
    capacities = np.array([2, 4], dtype=np.int64)

    outcome = pattern_search(
        costs,
        weights,
        capacities,
        incumbents=[],
        initial_duals=None,
        max_iterations=100,
        deadline=time.monotonic() + 60.0,
    )

    assert outcome.assignment is not None
    assert outcome.assignment.tolist() == [0, 1, 1]
    assert outcome.cost == 5
    assert outcome.lagrangian_bound is not None
    assert 4.999 <= outcome.lagrangian_bound <= 5.0 + 1e-6


def test_pattern_search_starts_from_an_incumbent_and_never_reports_a_dearer_cost() -> None:
    # Given three agents of capacity 2 and four jobs of weight 1; the incumbent
    # (cost 4 + 4 + 4 + 4 = 16) puts everything on the dear agents; the optimum is
    # jobs 0, 1 on agent 0 (1 + 1), job 2 on agent 1 (2), job 3 on agent 2 (2): 6.
    costs = np.array([[1, 1, 5, 5], [4, 4, 2, 4], [4, 4, 4, 2]], dtype=np.int64)
    weights = np.ones((3, 4), dtype=np.int64)
    capacities = np.array([2, 2, 2], dtype=np.int64)
    incumbent = np.array([1, 1, 2, 2], dtype=np.int64)

    outcome = pattern_search(
        costs,
        weights,
        capacities,
        incumbents=[incumbent],
        initial_duals=None,
        max_iterations=100,
        deadline=time.monotonic() + 60.0,
    )

    assert outcome.cost == 6
    assert outcome.assignment is not None
    assert outcome.assignment.tolist() == [0, 0, 1, 2]
    assert outcome.lagrangian_bound is not None
    assert outcome.lagrangian_bound <= 6.0 + 1e-6
