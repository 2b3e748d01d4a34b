"""The JSON instance and plan formats of the standalone command (issue 3).

The reader is strict: every field is checked for type and range, unknown fields and
unknown categories are errors, and the first problem found is raised as an
AllocationInputError whose one-line message names the item and the field.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from clusterlink.domain.allocation.problem import (
    AllocationInputError,
    AllocationProblem,
    CategoryOffer,
    Factory,
    Order,
)
from clusterlink.domain.allocation.result import (
    AllocationResult,
    CostBreakdown,
    Explanation,
    Placement,
    SolveStatus,
    Unplaced,
    UnplacedReason,
)

_TOP_FIELDS = {
    "periods",
    "transport_rmb_per_pair_km",
    "unplaced_penalty_rmb_per_pair",
    "factories",
    "orders",
}
_FACTORY_FIELDS = {
    "id",
    "lat",
    "lng",
    "lead_time_periods",
    "capabilities",
    "certifications",
    "categories",
}
_FACTORY_OPTIONAL = {"quality", "small_firm", "cluster", "name"}
_OFFER_FIELDS = {"unit_cost", "capacity"}
_ORDER_FIELDS = {
    "id",
    "lat",
    "lng",
    "category",
    "pairs",
    "due_period",
    "requires",
    "certifications",
    "min_lot",
    "split",
    "max_factories",
}
_ORDER_OPTIONAL = {"cluster", "target_price", "name"}


def _fail(message: str) -> AllocationInputError:
    return AllocationInputError(message)


def _object(value: Any, what: str, required: set[str], optional: set[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(f"{what} must be a JSON object")
    missing = sorted(required - value.keys())
    if missing:
        raise _fail(f"{what}: missing field {missing[0]!r}")
    unknown = sorted(value.keys() - required - optional)
    if unknown:
        raise _fail(f"{what}: unknown field {unknown[0]!r}")
    return value


def _money(value: Any, what: str) -> Decimal:
    # Amounts are strings so that no binary float ever touches money; plain JSON numbers
    # are accepted too when they are integers (an operator's hand-written "0" price).
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _fail(f'{what} must be a decimal string such as "18.50", got {value!r}')
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise _fail(f"{what} is not a decimal amount: {value!r}") from None
    if not amount.is_finite() or amount < 0:
        raise _fail(f"{what} must be a finite amount >= 0, got {value!r}")
    return amount


def _integer(value: Any, what: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(f"{what} must be an integer, got {value!r}")
    if value < minimum:
        raise _fail(f"{what} must be >= {minimum}, got {value}")
    return value


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(f"{what} must be a number, got {value!r}")
    return float(value)


def _labels(value: Any, what: str) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(x, str) and x for x in value):
        raise _fail(f"{what} must be a list of non-empty strings")
    return frozenset(value)


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise _fail(f"{what} must be a non-empty string, got {value!r}")
    return value


def _factory(raw: Any, index: int, periods: int) -> Factory:
    where = f"factories[{index}]"
    _object(raw, where, _FACTORY_FIELDS, _FACTORY_OPTIONAL)
    fid = _text(raw["id"], f"{where}.id")
    what = f"factory {fid}"
    categories = raw["categories"]
    if not isinstance(categories, dict):
        raise _fail(f"{what}: categories must be an object")
    offers: dict[str, CategoryOffer] = {}
    for name, offer_raw in categories.items():
        if not name:
            raise _fail(f"{what}: empty category name")
        _object(offer_raw, f"{what} category {name}", _OFFER_FIELDS, set())
        capacity = offer_raw["capacity"]
        if not isinstance(capacity, list):
            raise _fail(f"{what} category {name}: capacity must be a list")
        if len(capacity) != periods:
            raise _fail(
                f"{what} category {name}: capacity has {len(capacity)} periods, expected {periods}"
            )
        offers[name] = CategoryOffer(
            unit_cost=_money(offer_raw["unit_cost"], f"{what} category {name} unit_cost"),
            capacity=tuple(
                _integer(x, f"{what} category {name} capacity[{t}]", 0)
                for t, x in enumerate(capacity)
            ),
        )
    quality = _number(raw.get("quality", 1.0), f"{what}.quality")
    if not 0.0 <= quality <= 1.0:
        raise _fail(f"{what}.quality must be in [0, 1], got {quality}")
    small = raw.get("small_firm", False)
    if not isinstance(small, bool):
        raise _fail(f"{what}.small_firm must be true or false")
    return Factory(
        id=fid,
        lat=_number(raw["lat"], f"{what}.lat"),
        lng=_number(raw["lng"], f"{what}.lng"),
        lead_time_periods=_integer(raw["lead_time_periods"], f"{what}.lead_time_periods", 0),
        capabilities=_labels(raw["capabilities"], f"{what}.capabilities"),
        certifications=_labels(raw["certifications"], f"{what}.certifications"),
        categories=offers,
        quality=quality,
        small_firm=small,
        cluster=str(raw.get("cluster", "")),
    )


def _order(raw: Any, index: int) -> Order:
    where = f"orders[{index}]"
    _object(raw, where, _ORDER_FIELDS, _ORDER_OPTIONAL)
    oid = _text(raw["id"], f"{where}.id")
    what = f"order {oid}"
    split = raw["split"]
    if not isinstance(split, bool):
        raise _fail(f"{what}.split must be true or false, got {split!r}")
    return Order(
        id=oid,
        lat=_number(raw["lat"], f"{what}.lat"),
        lng=_number(raw["lng"], f"{what}.lng"),
        category=_text(raw["category"], f"{what}.category"),
        pairs=_integer(raw["pairs"], f"{what}.pairs", 1),
        due_period=_integer(raw["due_period"], f"{what}.due_period", 0),
        requires=_labels(raw["requires"], f"{what}.requires"),
        certifications=_labels(raw["certifications"], f"{what}.certifications"),
        min_lot=_integer(raw["min_lot"], f"{what}.min_lot", 0),
        split=split,
        max_factories=_integer(raw["max_factories"], f"{what}.max_factories", 1),
        cluster=str(raw.get("cluster", "")),
    )


def problem_from_json(text: str | bytes) -> AllocationProblem:
    """Parse and validate an instance; raises AllocationInputError naming the first problem."""
    try:
        raw = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        message = str(error).splitlines()[0]
        raise _fail(f"bad JSON: {message}") from None
    _object(raw, "instance", _TOP_FIELDS, set())
    periods = _integer(raw["periods"], "periods", 1)
    if not isinstance(raw["factories"], list):
        raise _fail("factories must be a list")
    if not isinstance(raw["orders"], list):
        raise _fail("orders must be a list")
    factories = tuple(_factory(f, i, periods) for i, f in enumerate(raw["factories"]))
    orders = tuple(_order(o, i) for i, o in enumerate(raw["orders"]))
    offered = {name for factory in factories for name in factory.categories}
    for order in orders:
        # In a file an unknown category is a typo, not an order nobody can make: the
        # Python API (match runs over a subset of factories) reports it as unplaced instead.
        if order.category not in offered:
            raise _fail(f"order {order.id}: unknown category {order.category!r}")
    return AllocationProblem(
        periods=periods,
        transport_rmb_per_pair_km=_money(
            raw["transport_rmb_per_pair_km"], "transport_rmb_per_pair_km"
        ),
        unplaced_penalty_rmb_per_pair=_money(
            raw["unplaced_penalty_rmb_per_pair"], "unplaced_penalty_rmb_per_pair"
        ),
        factories=factories,
        orders=orders,
    )


def problem_to_json(problem: AllocationProblem) -> dict[str, Any]:
    """The instance as JSON-ready data (the benchmark's generator writes files with it)."""
    return {
        "periods": problem.periods,
        "transport_rmb_per_pair_km": str(problem.transport_rmb_per_pair_km),
        "unplaced_penalty_rmb_per_pair": str(problem.unplaced_penalty_rmb_per_pair),
        "factories": [
            {
                "id": f.id,
                "lat": f.lat,
                "lng": f.lng,
                "lead_time_periods": f.lead_time_periods,
                "capabilities": sorted(f.capabilities),
                "certifications": sorted(f.certifications),
                "categories": {
                    name: {"unit_cost": str(offer.unit_cost), "capacity": list(offer.capacity)}
                    for name, offer in f.categories.items()
                },
                **({"cluster": f.cluster} if f.cluster else {}),
                **({"small_firm": True} if f.small_firm else {}),
                **({"quality": f.quality} if f.quality != 1.0 else {}),
            }
            for f in problem.factories
        ],
        "orders": [
            {
                "id": o.id,
                "lat": o.lat,
                "lng": o.lng,
                "category": o.category,
                "pairs": o.pairs,
                "due_period": o.due_period,
                "requires": sorted(o.requires),
                "certifications": sorted(o.certifications),
                "min_lot": o.min_lot,
                "split": o.split,
                "max_factories": o.max_factories,
                **({"cluster": o.cluster} if o.cluster else {}),
            }
            for o in problem.orders
        ],
    }


def result_to_json(result: AllocationResult) -> dict[str, Any]:
    """The plan in the command's output format, plus the explanations and cost breakdown."""
    return {
        "placements": [
            {"order": p.order_id, "factory": p.factory_id, "period": p.period, "pairs": p.pairs}
            for p in result.placements
        ],
        "unplaced": [
            {"order": u.order_id, "pairs": u.pairs, "reason": u.reason.value}
            for u in result.unplaced
        ],
        "objective": str(result.objective),
        "lower_bound": str(result.lower_bound),
        "status": result.status.value,
        "seconds": round(result.seconds, 3),
        "backend": result.backend,
        "costs": {
            "production": str(result.costs.production_rmb),
            "transport": str(result.costs.transport_rmb),
            "unplaced_penalty": str(result.costs.unplaced_penalty_rmb),
            "weighted_terms": str(result.costs.weighted_terms_rmb),
        },
        "explanations": [
            {
                "order": e.order_id,
                "factory": e.factory_id,
                "pairs": e.pairs,
                "unit_cost": str(e.unit_cost_rmb),
                "transport_per_pair": str(e.transport_rmb_per_pair),
                "distance_km": round(e.distance_km, 3),
                "rank": e.rank,
                "eligible_factories": e.eligible_factories,
                "runner_up": e.runner_up_factory_id,
                "runner_up_extra_per_pair": (
                    None
                    if e.runner_up_extra_rmb_per_pair is None
                    else str(e.runner_up_extra_rmb_per_pair)
                ),
            }
            for e in result.explanations
        ],
    }


def result_from_json(data: dict[str, Any]) -> AllocationResult:
    """A plan written by result_to_json, read back (the benchmark checks the command's
    output files with it). Trusts the file's shape: a missing field is a KeyError."""
    costs = data["costs"]
    return AllocationResult(
        status=SolveStatus(data["status"]),
        placements=tuple(
            Placement(
                order_id=p["order"], factory_id=p["factory"], period=p["period"], pairs=p["pairs"]
            )
            for p in data["placements"]
        ),
        unplaced=tuple(
            Unplaced(order_id=u["order"], pairs=u["pairs"], reason=UnplacedReason(u["reason"]))
            for u in data["unplaced"]
        ),
        objective=Decimal(data["objective"]),
        lower_bound=Decimal(data["lower_bound"]),
        costs=CostBreakdown(
            production_rmb=Decimal(costs["production"]),
            transport_rmb=Decimal(costs["transport"]),
            unplaced_penalty_rmb=Decimal(costs["unplaced_penalty"]),
            weighted_terms_rmb=Decimal(costs["weighted_terms"]),
        ),
        explanations=tuple(
            Explanation(
                order_id=e["order"],
                factory_id=e["factory"],
                pairs=e["pairs"],
                unit_cost_rmb=Decimal(e["unit_cost"]),
                transport_rmb_per_pair=Decimal(e["transport_per_pair"]),
                distance_km=e["distance_km"],
                rank=e["rank"],
                eligible_factories=e["eligible_factories"],
                runner_up_factory_id=e["runner_up"],
                runner_up_extra_rmb_per_pair=(
                    None
                    if e["runner_up_extra_per_pair"] is None
                    else Decimal(e["runner_up_extra_per_pair"])
                ),
            )
            for e in data["explanations"]
        ),
        seconds=float(data["seconds"]),
        backend=str(data["backend"]),
    )
