"""Deterministic, realistic allocation instances for the platform-scale benchmark.

Three clusters with their real coordinates: Putian (OEM shoe factories), Jinjiang /
Quanzhou (shoe factories and brands, some hosiery) and Xiaobeihe, Liaoyang (cotton socks).
Brands order from Fujian, Guangdong, Shanghai, Zhejiang, Beijing and Liaoning. About half
of the orders are unsplittable, most carry a minimum lot, some require processes and
certifications that only part of the factories hold, and each category's capacity is set
so that demand fills 30–60 % of it, tighter in some categories than others.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np

from clusterlink.domain.allocation.problem import AllocationProblem, CategoryOffer, Factory, Order

CLUSTERS = {
    "putian": (25.45, 119.00),
    "jinjiang": (24.78, 118.55),
    "xiaobeihe": (41.27, 123.17),
}
BRAND_CITIES = [
    ("jinjiang", 24.87, 118.60),
    ("putian", 25.43, 119.01),
    ("", 24.48, 118.09),  # Xiamen
    ("", 23.13, 113.26),  # Guangzhou
    ("", 31.23, 121.47),  # Shanghai
    ("", 30.27, 120.15),  # Hangzhou (e-commerce sellers)
    ("", 39.90, 116.40),  # Beijing
    ("xiaobeihe", 41.80, 123.43),  # Shenyang / Liaoyang
]
SHOES = {  # category: (median unit cost RMB, median pairs per order)
    "sports_shoes": (48.0, 4000),
    "casual_shoes": (36.0, 3000),
    "leather_shoes": (72.0, 1500),
    "childrens_shoes": (28.0, 2500),
    "slippers": (9.0, 8000),
}
SOCKS = {
    "cotton_socks": (1.6, 30000),
    "sports_socks": (2.4, 20000),
    "dress_socks": (2.0, 15000),
    "pantyhose": (3.2, 10000),
}
SHOE_PROCESSES = ["cementing", "vulcanising", "injection", "knit_uppers"]
SOCK_PROCESSES = ["toe_closing", "dyeing", "setting", "needle_200"]
CERTIFICATIONS = ["ISO9001", "BSCI", "OEKO-TEX", "WRAP"]
CERT_SHARE = [0.6, 0.35, 0.3, 0.15]


def generate(factories: int, orders: int, *, periods: int = 12, seed: int = 0) -> AllocationProblem:
    rng = np.random.default_rng(seed)
    fac_rows: list[dict[str, Any]] = []
    for j in range(factories):
        roll = rng.random()
        cluster = "putian" if roll < 0.33 else "jinjiang" if roll < 0.6 else "xiaobeihe"
        lat0, lng0 = CLUSTERS[cluster]
        socks = cluster == "xiaobeihe" or (cluster == "jinjiang" and rng.random() < 0.15)
        menu = SOCKS if socks else SHOES
        names = list(menu)
        n_cat = int(rng.integers(1, 4))
        cats = sorted(rng.choice(names, size=min(n_cat, len(names)), replace=False).tolist())
        pool = SOCK_PROCESSES if socks else SHOE_PROCESSES
        caps = ["knitting"] if socks else ["cutting", "stitching", "lasting"]
        caps += [p for p in pool if rng.random() < 0.5]
        certs = [
            c for c, share in zip(CERTIFICATIONS, CERT_SHARE, strict=True) if rng.random() < share
        ]
        size = float(rng.lognormal(0.0, 0.7))
        offers = {}
        for cat in cats:
            cost = menu[cat][0] * float(rng.uniform(0.85, 1.2)) * (1.04 if size < 0.7 else 1.0)
            weekly = size * float(rng.uniform(0.6, 1.4))
            # Booked weeks: some periods have no free capacity at all, others part of it.
            free = rng.choice([0.0, 0.5, 1.0], size=periods, p=[0.15, 0.25, 0.6])
            offers[cat] = (Decimal(f"{cost:.2f}"), weekly * free)
        fac_rows.append(
            dict(
                id=f"F{j:05d}",
                lat=round(lat0 + float(rng.normal(0, 0.08)), 5),
                lng=round(lng0 + float(rng.normal(0, 0.08)), 5),
                lead=int(rng.choice([0, 1, 1, 2])),
                caps=frozenset(caps),
                certs=frozenset(certs),
                offers=offers,
                cluster=cluster,
                small=size < 0.7,
                quality=round(float(rng.uniform(0.6, 1.0)), 2),
            )
        )

    offered: dict[str, int] = {}
    for row in fac_rows:
        for cat in row["offers"]:
            offered[cat] = offered.get(cat, 0) + 1
    cat_names = sorted(offered)
    cat_weight = np.asarray([offered[c] for c in cat_names], dtype=float)
    cat_weight /= cat_weight.sum()
    order_rows: list[dict[str, Any]] = []
    demand: dict[str, int] = dict.fromkeys(cat_names, 0)
    for i in range(orders):
        cat = str(rng.choice(cat_names, p=cat_weight))
        menu = SOCKS if cat in SOCKS else SHOES
        pool = SOCK_PROCESSES if cat in SOCKS else SHOE_PROCESSES
        cluster, lat, lng = BRAND_CITIES[int(rng.integers(len(BRAND_CITIES)))]
        pairs = int(max(200, round(menu[cat][1] * float(rng.lognormal(0.0, 0.8)), -2)))
        split = bool(rng.random() < 0.5)
        lot_share = float(rng.choice([0.0, 0.1, 0.2, 0.3, 0.5]))
        order_rows.append(
            dict(
                id=f"O{i:06d}",
                lat=lat,
                lng=lng,
                cat=cat,
                pairs=pairs,
                due=int(rng.integers(2, periods)),
                requires=frozenset(p for p in pool if rng.random() < 0.15),
                certs=frozenset(c for c in CERTIFICATIONS[:2] if rng.random() < 0.2),
                min_lot=int(round(pairs * lot_share, -2)),
                split=split,
                max_factories=int(rng.integers(2, 5)) if split else 1,
                cluster=cluster,
            )
        )
        demand[cat] += pairs

    # Scale each category's capacity so that demand fills 30–60 % of it.
    fill = {c: float(rng.uniform(0.3, 0.6)) for c in cat_names}
    raw_total: dict[str, float] = dict.fromkeys(cat_names, 0.0)
    for row in fac_rows:
        for cat, (_, weekly) in row["offers"].items():
            raw_total[cat] += float(weekly.sum())
    problem_factories = []
    for row in fac_rows:
        category_offers: dict[str, CategoryOffer] = {}
        for cat, (cost, weekly) in row["offers"].items():
            factor = demand[cat] / fill[cat] / max(raw_total[cat], 1e-9)
            capacity = tuple(int(round(x * factor, -1)) for x in weekly)
            category_offers[cat] = CategoryOffer(unit_cost=cost, capacity=capacity)
        problem_factories.append(
            Factory(
                id=row["id"],
                lat=row["lat"],
                lng=row["lng"],
                lead_time_periods=row["lead"],
                capabilities=row["caps"],
                certifications=row["certs"],
                categories=category_offers,
                quality=row["quality"],
                small_firm=row["small"],
                cluster=row["cluster"],
            )
        )
    problem_orders = tuple(
        Order(
            id=row["id"],
            lat=row["lat"],
            lng=row["lng"],
            category=row["cat"],
            pairs=row["pairs"],
            due_period=row["due"],
            requires=row["requires"],
            certifications=row["certs"],
            min_lot=row["min_lot"],
            split=row["split"],
            max_factories=row["max_factories"],
            cluster=row["cluster"],
        )
        for row in order_rows
    )
    return AllocationProblem(
        periods=periods,
        transport_rmb_per_pair_km=Decimal("0.0005"),
        unplaced_penalty_rmb_per_pair=Decimal("100.00"),
        factories=tuple(problem_factories),
        orders=problem_orders,
    )
