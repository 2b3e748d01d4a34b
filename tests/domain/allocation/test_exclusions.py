"""An order's excluded factories (they or the brand declined it) never receive it, on every
back-end; when every capable factory is excluded the order is unplaced with that reason."""

from __future__ import annotations

from decimal import Decimal

import pytest

from clusterlink.domain.allocation.result import SolveStatus, UnplacedReason
from tests.domain.allocation.builders import make_factory, make_order, make_problem
from tests.domain.allocation.test_solve import BACKENDS, run, totals


@pytest.mark.parametrize("backend", BACKENDS)
def test_excluded_factory_is_passed_over_for_the_next_cheapest(backend: str) -> None:
    problem = make_problem(
        [make_factory("cheap", cost="10.00"), make_factory("dear", cost="12.00")],
        [
            make_order("o1", 50, excluded_factories=frozenset({"cheap"})),
            make_order("o2", 30),
        ],
    )

    result = run(problem, backend)

    assert totals(result) == {("o1", "dear"): 50, ("o2", "cheap"): 30}
    assert result.objective == Decimal("900.00") and result.lower_bound <= result.objective
    assert result.status is SolveStatus.OPTIMAL


@pytest.mark.parametrize("backend", BACKENDS)
def test_order_every_capable_factory_declined_is_unplaced_with_that_reason(
    backend: str,
) -> None:
    problem = make_problem(
        [make_factory("a"), make_factory("b"), make_factory("c", capabilities=("injection",))],
        [make_order("o1", 20, requires=("injection",), excluded_factories=frozenset({"c"}))],
    )

    result = run(problem, backend)

    assert result.placements == ()
    assert [(u.order_id, u.pairs, u.reason) for u in result.unplaced] == [
        ("o1", 20, UnplacedReason.ALL_CAPABLE_EXCLUDED)
    ]
    assert result.objective == Decimal("2000.00") and result.lower_bound <= result.objective
