"""A small matching world: one cluster, a brand with two orders, two factories whose
hand-checkable optimum is known (all firms at one spot, so transport costs nothing)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from clusterlink.accounts.access import Viewer, viewer_for
from clusterlink.accounts.models import Membership, OperatorScope, User
from clusterlink.directory.models import CapacityWeek, Category, Certification, Cluster, Enterprise
from clusterlink.market.models import Demand
from tests.accounts.factories import UserFactory
from tests.directory.factories import (
    CapacityWeekFactory,
    ClusterFactory,
    EnterpriseFactory,
    next_week,
)
from tests.market.factories import DemandFactory

HERE = {"lat": Decimal("25.430000"), "lng": Decimal("119.010000")}


@dataclass
class MatchingWorld:
    cluster: Cluster
    brand: Enterprise
    cheap: Enterprise
    dear: Enterprise
    big: Demand  # 400 pairs, any factory
    certified: Demand  # 300 pairs, BSCI: only the cheap factory
    operator: User
    brand_user: User
    cheap_user: User
    dear_user: User

    def viewer(self, user: User) -> Viewer:
        return viewer_for(User.objects.get(pk=user.pk))


def capacity(
    firm: Enterprise, price: str, weeks: tuple[int, ...] = (1, 2), pairs: int = 300
) -> list[CapacityWeek]:
    return [
        CapacityWeekFactory(
            enterprise=firm,
            week=next_week(w),
            free_pairs=pairs,
            unit_price_min_rmb=Decimal(price),
            unit_price_max_rmb=Decimal(price),
        )
        for w in weeks
    ]


def matching_world() -> MatchingWorld:
    cluster = ClusterFactory(slug="putian-test")
    brand = EnterpriseFactory(cluster=cluster, roles=["brand"], **HERE)
    cheap = EnterpriseFactory(cluster=cluster, **HERE)
    cheap.certifications.add(Certification.objects.get(code="bsci"))
    dear = EnterpriseFactory(cluster=cluster, **HERE)
    capacity(cheap, "10.00")
    capacity(dear, "12.00")
    big = DemandFactory(owner=brand, pairs=400, delivery_week=next_week(3), title="跑鞋 400")
    certified = DemandFactory(
        owner=brand, pairs=300, delivery_week=next_week(3), title="BSCI 跑鞋 300"
    )
    certified.required_certifications.add(Certification.objects.get(code="bsci"))
    operator = UserFactory()
    OperatorScope.objects.create(user=operator, cluster=cluster)
    users = []
    for firm in (brand, cheap, dear):
        user = UserFactory()
        Membership.objects.create(user=user, enterprise=firm, role=Membership.Role.OWNER)
        users.append(user)
    return MatchingWorld(
        cluster=cluster,
        brand=brand,
        cheap=cheap,
        dear=dear,
        big=big,
        certified=certified,
        operator=operator,
        brand_user=users[0],
        cheap_user=users[1],
        dear_user=users[2],
    )


def sports_shoes() -> Category:
    return Category.objects.get(code="sports-shoes")
