"""The relaxation as a min-cost flow: the engine's proven lower bound and its LP guide.

Dropping minimum lots, split rules and factory limits leaves a transportation problem with
prefix time windows, which is a network: order → (factory, deadline) → (factory, deadline
− 1) → … → sink, each (factory, d) → sink arc carrying period d's capacity, plus an order
→ sink arc at the unplaced penalty. Its optimum equals the LP relaxation of the full MIP
(with z continuous, min_lot·z ≤ x ≤ pairs·z and Σz ≤ k never bind), and network simplex /
cost scaling solve it exactly and fast. The flow is integral, so it is also a start for
rounding. It is solved on every eligible arc, never on a pruned set, so the bound is honest.

One consequence of the factory limit is kept: an order can place at most its `placeable`
pairs (its `limit` largest capacities before the deadline, candidates.py), so only those
enter the flow and the rest counts as unplaced. Without it an unsplittable order larger
than any factory's room would be spread over several factories at production cost.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from clusterlink.domain.allocation.candidates import CategoryArcs, IntArray


@dataclass(slots=True)
class FlowRelaxation:
    """Optimal relaxation of one category: cost in model units (a valid lower bound of the
    category's optimum) and the optimal pairs on each arc."""

    bound_units: int
    arc_pairs: IntArray


class FlowError(RuntimeError):
    pass


def solve_relaxation(
    arcs: CategoryArcs,
    *,
    arc_ids: IntArray | None = None,
    demand: IntArray | None = None,
    capacity: IntArray | None = None,
) -> FlowRelaxation:
    """Min-cost flow over the category's arcs; raises FlowError if OR-Tools fails.

    By default every arc, every order's placeable pairs (the rest counts as unplaced in
    bound_units, as in every plan) and the full capacity: the bound. The rounding passes
    a subset of arcs, the orders' missing pairs and the capacity per period left by what
    it has fixed; arc_pairs is then indexed like arc_ids and bound_units is the flow's
    cost alone."""
    n_orders = arcs.orders.shape[0]
    n_fac, periods = arcs.capacity.shape
    ids = np.arange(arcs.arc_count, dtype=np.int64) if arc_ids is None else arc_ids
    need = arcs.placeable if demand is None else demand
    forced = 0 if demand is not None else int((arcs.pairs - arcs.placeable).sum())
    sink = n_orders + n_fac * periods
    flow = min_cost_flow.SimpleMinCostFlow()
    fac_node = n_orders + arcs.arc_factory[ids] * periods + arcs.arc_deadline[ids]
    order_of = arcs.arc_order[ids]
    flow.add_arcs_with_capacity_and_unit_cost(
        order_of, fac_node, need[order_of], arcs.arc_units[ids]
    )
    _unplaced_arcs(flow, arcs, need, sink)
    _capacity_chain(flow, arcs.capacity if capacity is None else capacity, n_orders, need, sink)
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[:n_orders] = need
    supplies[sink] = -int(need.sum())
    flow.set_nodes_supplies(np.arange(sink + 1, dtype=np.int64), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise FlowError(f"min-cost flow of category {arcs.category} ended with status {status}")
    pairs = np.asarray(flow.flows(np.arange(ids.size, dtype=np.int64)), dtype=np.int64)
    return FlowRelaxation(
        bound_units=int(flow.optimal_cost()) + forced * arcs.penalty_units, arc_pairs=pairs
    )


def _unplaced_arcs(
    flow: min_cost_flow.SimpleMinCostFlow, arcs: CategoryArcs, need: IntArray, sink: int
) -> None:
    """Every pair may stay unplaced at the penalty, so the network is always feasible."""
    n_orders = arcs.orders.shape[0]
    flow.add_arcs_with_capacity_and_unit_cost(
        np.arange(n_orders, dtype=np.int64),
        np.full(n_orders, sink, dtype=np.int64),
        need,
        np.full(n_orders, arcs.penalty_units, dtype=np.int64),
    )


def _capacity_chain(
    flow: min_cost_flow.SimpleMinCostFlow,
    capacity: IntArray,
    n_orders: int,
    need: IntArray,
    sink: int,
) -> None:
    """Pairs due by d may be made in any period ≤ d: node (f, d) passes flow to (f, d − 1)
    freely, and each (f, d) sends at most period d's capacity to the sink."""
    n_fac, periods = capacity.shape
    base = n_orders + np.arange(n_fac, dtype=np.int64)[:, None] * periods
    nodes = base + np.arange(periods, dtype=np.int64)[None, :]
    big = int(need.sum()) + 1
    if periods > 1:
        tails = nodes[:, 1:].ravel()
        heads = nodes[:, :-1].ravel()
        flow.add_arcs_with_capacity_and_unit_cost(
            tails,
            heads,
            np.full(tails.size, big, dtype=np.int64),
            np.zeros(tails.size, dtype=np.int64),
        )
    flow.add_arcs_with_capacity_and_unit_cost(
        nodes.ravel(),
        np.full(nodes.size, sink, dtype=np.int64),
        capacity.ravel(),
        np.zeros(nodes.size, dtype=np.int64),
    )
