"""The demo's generated calendars and orders: in proportion to the clusters' headline figures
and to what their factories make, so the demo's match runs place most pairs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Sum

from clusterlink.common import clock
from clusterlink.directory.demo import WEEKS_AHEAD, DemoLoader
from clusterlink.directory.models import CapacityWeek, Cluster, Enterprise
from clusterlink.market.models import PAIRS_DEMAND_TYPES, Demand

pytestmark = pytest.mark.django_db

SUPPLIERS = {"footwear": {"putian", "quanzhou-jinjiang"}, "hosiery": {"xiaobeihe"}}


def test_demo_capacity_and_orders_fit_the_clusters() -> None:
    # given / when
    DemoLoader(seed=2024, progress=lambda line: None).load()
    # then: Xiaobeihe has its 226 sock firms, and what they offer over the 12 weeks is a few
    # per cent of what the headline 2.2 billion pairs a year makes in 12 weeks
    xiaobeihe = Cluster.objects.get(slug="xiaobeihe")
    assert Enterprise.objects.filter(cluster=xiaobeihe).count() == xiaobeihe.firms_count == 226
    free = CapacityWeek.objects.filter(enterprise__cluster=xiaobeihe).aggregate(
        s=Sum("free_pairs")
    )["s"]
    made_in_horizon = xiaobeihe.annual_pairs * WEEKS_AHEAD / 52
    assert 0.03 * made_in_horizon <= free <= 0.06 * made_in_horizon
    # a sock factory offers thousands to tens of thousands of pairs a week, a shoe factory
    # hundreds to thousands
    for slug, low, high in (("xiaobeihe", 1_000, 40_000), ("putian", 100, 5_000)):
        cells = sorted(
            CapacityWeek.objects.filter(enterprise__cluster__slug=slug).values_list(
                "free_pairs", flat=True
            )
        )
        median = cells[len(cells) // 2]
        assert low <= median <= high, (slug, median)

    # every order asks for a category, processes and certifications that at least one factory of
    # its trade's clusters has, with free pairs before its due week
    orders = Demand.objects.filter(demand_type__in=PAIRS_DEMAND_TYPES).select_related(
        "category", "owner__cluster"
    )
    assert orders.count() == 27
    for order in orders:
        trade = order.category.trade
        due = order.delivery_week
        able = Enterprise.objects.filter(
            cluster__slug__in=SUPPLIERS[trade],
            capacity_weeks__category=order.category,
            capacity_weeks__week__lt=due,
        )
        for process in order.required_processes.all():
            able = able.filter(processes=process)
        for certification in order.required_certifications.all():
            able = able.filter(certifications=certification)
        assert able.exists(), order.title
        assert order.delivery_week <= clock.current_week() + dt.timedelta(weeks=WEEKS_AHEAD)

    # the orders' sizes are those of the docking: tens to hundreds of thousands of pairs
    by_trade = {
        trade: sorted(o.pairs or 0 for o in orders if o.category.trade == trade)
        for trade in ("footwear", "hosiery")
    }
    assert sum(by_trade["footwear"]) == 911_000 and sum(by_trade["hosiery"]) == 2_990_000
    assert by_trade["footwear"][0] >= 5_000 and by_trade["footwear"][-1] <= 200_000
    assert by_trade["hosiery"][0] >= 20_000 and by_trade["hosiery"][-1] <= 600_000
