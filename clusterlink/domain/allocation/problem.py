"""The platform allocation problem: orders to place on factories over weekly periods.

Everything here is a frozen dataclass that validates itself on construction, so a solver
never sees an impossible instance (negative pairs, a capacity list of the wrong length,
duplicate ids). Money is Decimal RMB; quantities are integer pairs; periods are 0-based.

A factory may take an order only if it makes the order's category, has every required
process among its capabilities and holds every required certification. Pairs made in
period t must satisfy t <= due_period - lead_time_periods. An order's total at one factory
is 0 or at least min_lot; an unsplittable order uses one factory (its pairs may still span
several periods); no order uses more than max_factories factories.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType


class AllocationInputError(ValueError):
    """An instance breaks a rule of the format; the message names the offending item."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise AllocationInputError(message)


def _is_int(value: object) -> bool:
    # JSON booleans are ints in Python; a pair count of `true` is a mistake, not 1.
    return isinstance(value, int) and not isinstance(value, bool)


def _check_decimal(value: object, what: str) -> None:
    _require(isinstance(value, Decimal), f"{what} must be a Decimal, got {value!r}")
    assert isinstance(value, Decimal)
    _require(value.is_finite() and value >= 0, f"{what} must be a finite amount >= 0: {value}")


def _check_labels(labels: object, what: str) -> None:
    _require(isinstance(labels, frozenset), f"{what} must be a frozenset of strings")
    assert isinstance(labels, frozenset)
    _require(all(isinstance(x, str) and x for x in labels), f"{what} must hold non-empty strings")


def _check_location(lat: object, lng: object, what: str) -> None:
    _require(
        isinstance(lat, int | float) and not isinstance(lat, bool) and -90.0 <= lat <= 90.0,
        f"{what}: lat must be a number in [-90, 90], got {lat!r}",
    )
    _require(
        isinstance(lng, int | float) and not isinstance(lng, bool) and -180.0 <= lng <= 180.0,
        f"{what}: lng must be a number in [-180, 180], got {lng!r}",
    )


@dataclass(frozen=True, slots=True)
class CategoryOffer:
    """What a factory charges for one category and how many pairs it can make per period."""

    unit_cost: Decimal
    capacity: tuple[int, ...]

    def __post_init__(self) -> None:
        _check_decimal(self.unit_cost, "unit_cost")
        _require(isinstance(self.capacity, tuple), "capacity must be a tuple of pairs per period")
        for pairs in self.capacity:
            _require(_is_int(pairs) and pairs >= 0, f"capacity must be pairs >= 0, got {pairs!r}")


@dataclass(frozen=True, slots=True)
class Factory:
    """A maker with its processes, certifications, location and per-category offers.

    quality (0..1), small_firm and cluster only matter when the operator weighs them
    (see Weights); the spec's cost ignores them.
    """

    id: str
    lat: float
    lng: float
    lead_time_periods: int
    capabilities: frozenset[str]
    certifications: frozenset[str]
    categories: Mapping[str, CategoryOffer]
    quality: float = 1.0
    small_firm: bool = False
    cluster: str = ""

    def __post_init__(self) -> None:
        _require(
            isinstance(self.id, str) and bool(self.id), f"factory id must be text: {self.id!r}"
        )
        what = f"factory {self.id}"
        _check_location(self.lat, self.lng, what)
        _require(
            _is_int(self.lead_time_periods) and self.lead_time_periods >= 0,
            f"{what}: lead_time_periods must be an integer >= 0",
        )
        _check_labels(self.capabilities, f"{what}: capabilities")
        _check_labels(self.certifications, f"{what}: certifications")
        _require(isinstance(self.categories, Mapping), f"{what}: categories must be a mapping")
        for name, offer in self.categories.items():
            _require(isinstance(name, str) and bool(name), f"{what}: empty category name")
            _require(isinstance(offer, CategoryOffer), f"{what}: category {name} needs an offer")
        _require(
            isinstance(self.quality, int | float) and 0.0 <= self.quality <= 1.0,
            f"{what}: quality must be in [0, 1]",
        )
        # A read-only view: the dataclass is frozen, its offers must not change under a solver.
        object.__setattr__(self, "categories", MappingProxyType(dict(self.categories)))


@dataclass(frozen=True, slots=True)
class Order:
    """A processing order: pairs of one category due by the end of period due_period."""

    id: str
    lat: float
    lng: float
    category: str
    pairs: int
    due_period: int
    requires: frozenset[str] = frozenset()
    certifications: frozenset[str] = frozenset()
    min_lot: int = 1
    split: bool = True
    max_factories: int = 1
    cluster: str = ""
    # Factories that may not take this order, whatever they can make (they or the brand
    # declined it in an earlier round).
    excluded_factories: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        _require(isinstance(self.id, str) and bool(self.id), f"order id must be text: {self.id!r}")
        what = f"order {self.id}"
        _check_location(self.lat, self.lng, what)
        _require(isinstance(self.category, str) and bool(self.category), f"{what}: no category")
        _require(_is_int(self.pairs) and self.pairs >= 1, f"{what}: pairs must be an integer >= 1")
        _require(
            _is_int(self.due_period) and self.due_period >= 0,
            f"{what}: due_period must be an integer >= 0",
        )
        _check_labels(self.requires, f"{what}: requires")
        _check_labels(self.certifications, f"{what}: certifications")
        _check_labels(self.excluded_factories, f"{what}: excluded_factories")
        _require(_is_int(self.min_lot) and self.min_lot >= 0, f"{what}: min_lot must be >= 0")
        _require(isinstance(self.split, bool), f"{what}: split must be true or false")
        _require(
            _is_int(self.max_factories) and self.max_factories >= 1,
            f"{what}: max_factories must be an integer >= 1",
        )

    @property
    def factory_limit(self) -> int:
        """How many factories the order may use: one when unsplittable."""
        return self.max_factories if self.split else 1

    @property
    def lot(self) -> int:
        """The smallest total a used factory may receive (a min_lot of 0 means 1)."""
        return max(1, self.min_lot)


@dataclass(frozen=True, slots=True)
class Weights:
    """Operator-weighted terms, each in RMB per pair added to the landed cost.

    All are zero by default, so the objective is exactly production + transport + penalty.
    They are per (order, factory) surcharges, which keeps the model linear and lets the
    categories still be solved independently:

    - quality_rmb_per_pair × (1 − factory.quality): prefer better-rated factories;
    - large_firm_rmb_per_pair on pairs placed at factories that are not small firms:
      spreads load towards small firms;
    - same_cluster_rmb_per_pair on pairs whose factory and order share a non-empty cluster
      label: prefers cross-cluster pairs (the point of docking events).
    """

    quality_rmb_per_pair: Decimal = Decimal(0)
    large_firm_rmb_per_pair: Decimal = Decimal(0)
    same_cluster_rmb_per_pair: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        _check_decimal(self.quality_rmb_per_pair, "quality weight")
        _check_decimal(self.large_firm_rmb_per_pair, "large firm weight")
        _check_decimal(self.same_cluster_rmb_per_pair, "same cluster weight")

    @property
    def is_zero(self) -> bool:
        return not (
            self.quality_rmb_per_pair
            or self.large_firm_rmb_per_pair
            or self.same_cluster_rmb_per_pair
        )


@dataclass(frozen=True, slots=True)
class AllocationProblem:
    """Orders and factories over `periods` weekly periods, with the operator's rates."""

    periods: int
    transport_rmb_per_pair_km: Decimal
    unplaced_penalty_rmb_per_pair: Decimal
    factories: tuple[Factory, ...]
    orders: tuple[Order, ...]
    weights: Weights = field(default_factory=Weights)

    def __post_init__(self) -> None:
        _require(_is_int(self.periods) and self.periods >= 1, "periods must be an integer >= 1")
        _check_decimal(self.transport_rmb_per_pair_km, "transport_rmb_per_pair_km")
        _check_decimal(self.unplaced_penalty_rmb_per_pair, "unplaced_penalty_rmb_per_pair")
        _require(isinstance(self.factories, tuple), "factories must be a tuple")
        _require(isinstance(self.orders, tuple), "orders must be a tuple")
        _require(isinstance(self.weights, Weights), "weights must be Weights")
        seen: set[str] = set()
        for factory in self.factories:
            _require(isinstance(factory, Factory), "factories must hold Factory items")
            _require(factory.id not in seen, f"duplicate factory id {factory.id}")
            seen.add(factory.id)
            for name, offer in factory.categories.items():
                _require(
                    len(offer.capacity) == self.periods,
                    f"factory {factory.id}: capacity of {name} has {len(offer.capacity)} "
                    f"periods, expected {self.periods}",
                )
        seen = set()
        for order in self.orders:
            _require(isinstance(order, Order), "orders must hold Order items")
            _require(order.id not in seen, f"duplicate order id {order.id}")
            seen.add(order.id)
