"""Tiny instances for the allocation tests: defaults that keep optima easy to do by hand
(all firms at one spot, so transport costs nothing unless a test moves them)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from clusterlink.domain.allocation.check import check_allocation
from clusterlink.domain.allocation.problem import (
    AllocationProblem,
    CategoryOffer,
    Factory,
    Order,
    Weights,
)
from clusterlink.domain.allocation.result import AllocationResult, Placement

HERE = (25.0, 119.0)


def make_factory(
    fid: str,
    *,
    cost: str = "10.00",
    capacity: tuple[int, ...] = (100, 100),
    category: str = "sports_shoes",
    lead: int = 0,
    capabilities: tuple[str, ...] = (),
    certifications: tuple[str, ...] = (),
    at: tuple[float, float] = HERE,
    **extra: Any,
) -> Factory:
    return Factory(
        id=fid,
        lat=at[0],
        lng=at[1],
        lead_time_periods=lead,
        capabilities=frozenset(capabilities),
        certifications=frozenset(certifications),
        categories={category: CategoryOffer(unit_cost=Decimal(cost), capacity=capacity)},
        **extra,
    )


def make_order(
    oid: str,
    pairs: int,
    *,
    due: int = 1,
    category: str = "sports_shoes",
    requires: tuple[str, ...] = (),
    certifications: tuple[str, ...] = (),
    min_lot: int = 0,
    split: bool = True,
    max_factories: int = 3,
    at: tuple[float, float] = HERE,
    **extra: Any,
) -> Order:
    return Order(
        id=oid,
        lat=at[0],
        lng=at[1],
        category=category,
        pairs=pairs,
        due_period=due,
        requires=frozenset(requires),
        certifications=frozenset(certifications),
        min_lot=min_lot,
        split=split,
        max_factories=max_factories,
        **extra,
    )


def make_problem(
    factories: list[Factory],
    orders: list[Order],
    *,
    periods: int = 2,
    rate: str = "0",
    penalty: str = "100.00",
    weights: Weights | None = None,
) -> AllocationProblem:
    return AllocationProblem(
        periods=periods,
        transport_rmb_per_pair_km=Decimal(rate),
        unplaced_penalty_rmb_per_pair=Decimal(penalty),
        factories=tuple(factories),
        orders=tuple(orders),
        weights=weights or Weights(),
    )


def checked(
    problem: AllocationProblem, result: AllocationResult, fixed: Sequence[Placement] = ()
) -> AllocationResult:
    """`result`, once the project's checker finds that its plan keeps every rule and is
    worth the objective and costs the solver reports."""
    report = check_allocation(problem, result, fixed=fixed)
    assert report.ok, report.summary()
    assert report.objective == result.objective
    return result
