"""The diving rounding on instances small enough to check by hand."""

from __future__ import annotations

import numpy as np

from clusterlink.domain.allocation.candidates import build_candidates
from clusterlink.domain.allocation.solvers.flow import solve_relaxation
from clusterlink.domain.allocation.solvers.greedy import CategoryPlan
from clusterlink.domain.allocation.solvers.rounding import (
    _make_room,
    place_along_flow,
    round_by_flow,
)
from tests.domain.allocation.builders import make_factory, make_order, make_problem


def totals(plan: CategoryPlan) -> dict[str, int]:
    arcs = plan.arcs
    ids = ["a", "b", "c"]
    return {ids[int(arcs.arc_factory[a])]: x for a, x in enumerate(plan.pairs) if x}


def three_factories_one_order() -> CategoryPlan:
    # a: 10 RMB, room 60; b: 11 RMB, room 30; c: 12 RMB, room 100. 100 pairs, two factories.
    problem = make_problem(
        [
            make_factory("a", cost="10.00", capacity=(30, 30)),
            make_factory("b", cost="11.00", capacity=(15, 15)),
            make_factory("c", cost="12.00", capacity=(50, 50)),
        ],
        [make_order("o1", 100, max_factories=2)],
    )
    return CategoryPlan(build_candidates(problem).categories[0])


def test_flow_over_the_factory_limit_is_rounded_to_factories_that_hold_the_order() -> None:
    # given the relaxation fills the two cheapest and puts the last 10 pairs at c
    plan = three_factories_one_order()
    relaxation = solve_relaxation(plan.arcs)
    assert totals(CategoryPlan(plan.arcs, relaxation.arc_pairs)) == {"a": 60, "b": 30, "c": 10}
    # when
    rounded, complete = round_by_flow(plan.arcs, relaxation.arc_pairs)
    # then keeping the two largest shares (a, b) would strand 10 pairs at 100 RMB; a + c
    # holds the order: 60 × 10 + 40 × 12 = 1,080 RMB, the optimum
    assert totals(rounded) == {"a": 60, "c": 40}
    assert complete is True


def test_place_along_flow_opens_factories_with_room_for_an_even_share() -> None:
    # given flow shares a 60, b 30, c 10 and two factories allowed
    plan = three_factories_one_order()
    arc_of = {int(plan.arcs.arc_factory[a]): a for a in range(3)}
    shares = [(arc_of[g], x) for g, x in enumerate((60, 30, 10))]
    # when
    place_along_flow(plan, 0, shares)
    # then a takes its 60, and the other 40 go where 40 fit (c), not to b with room 30
    assert totals(plan) == {"a": 60, "c": 40}


def test_place_along_flow_puts_an_unsplittable_order_where_it_fits_whole() -> None:
    # given an unsplittable order whose largest flow share is at a factory too small
    problem = make_problem(
        [
            make_factory("a", cost="10.00", capacity=(30, 30)),
            make_factory("b", cost="11.00", capacity=(15, 15)),
            make_factory("c", cost="12.00", capacity=(50, 50)),
        ],
        [make_order("o1", 80, split=False)],
    )
    plan = CategoryPlan(build_candidates(problem).categories[0])
    arc_of = {int(plan.arcs.arc_factory[a]): a for a in range(3)}
    # when
    place_along_flow(plan, 0, [(arc_of[0], 60), (arc_of[1], 20)])
    # then neither a (room 60) nor b (30) holds 80 pairs; c does
    assert totals(plan) == {"c": 80}


def test_unsplittable_order_without_room_evicts_the_smallest_orders_in_its_way() -> None:
    # given a (room 200) holds a small order of 50 and b has room 120: no factory has room
    # for the unsplittable order of 180 that the flow split over both
    problem = make_problem(
        [
            make_factory("a", cost="10.00", capacity=(100, 100)),
            make_factory("b", cost="11.00", capacity=(60, 60)),
        ],
        [make_order("big", 180, split=False), make_order("small", 50)],
    )
    plan = CategoryPlan(build_candidates(problem).categories[0])
    arc = {
        (int(plan.arcs.arc_order[a]), int(plan.arcs.arc_factory[a])): a
        for a in range(plan.arcs.arc_count)
    }
    plan.set(arc[(1, 0)], 50)
    anchored = np.zeros(2, dtype=bool)
    # when
    evicted = _make_room(plan, 0, [(arc[(0, 0)], 100), (arc[(0, 1)], 80)], anchored)
    # then the small order leaves a, to be planned again, and the big one takes a whole
    assert evicted == [1]
    assert totals(plan) == {"a": 180}
    assert anchored.tolist() == [True, False]
