"""Every readable API endpoint × every role: private values reach only those allowed to see them.

Each private value is a distinctive marker. For each role the bodies of all GET endpoints (lists and
every detail, including rows the role may not see) are read together; a marker the role may not see
must appear in none of them, and one it may see must appear in at least one.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from clusterlink.market.models import Offer
from tests.api_fixtures import World, client_for, index_for_search
from tests.directory.factories import CapacityWeekFactory, EnterpriseFactory
from tests.market.factories import DemandFactory

pytest_plugins = ["tests.api_fixtures"]
pytestmark = pytest.mark.django_db

MARKERS = {
    "factory_phone": "13900000001",  # contacts of the Putian factory
    "brand_phone": "13900000002",  # contacts of the Putian brand
    "capacity_price": "17.77",  # the factory's capacity calendar
    "offer_price": "28.80",  # the factory's private offer and its price
    "private_demand": "秘密订单XYZ",  # the brand's private demand
    "cluster_demand": "集群订单QRS",  # the brand's cluster-only demand
    "public_target": "41.25",  # target price of the brand's public demand
    "private_target": "42.50",  # target price of the brand's private demand
    "hidden_firm": "隐藏鞋厂ABC",  # an unlisted Putian firm
}
ALL = set(MARKERS)
# Markers each role may see; every other marker must never reach it.
ALLOWED = {
    "anonymous": set(),
    "outsider": set(),
    "other_operator": set(),
    "owner": {"factory_phone", "capacity_price", "offer_price", "cluster_demand"},
    "operator": ALL,
    "admin": ALL,
}


def _world_with_secrets(world: World) -> list[str]:
    CapacityWeekFactory(enterprise=world.factory, unit_price_min_rmb=Decimal("17.77"))
    offer = Offer.objects.create(
        owner=world.factory,
        offer_type=Offer.OfferType.CAPACITY,
        title="私有产能",
        visibility="private",
        unit_price_rmb=Decimal("28.80"),
    )
    public = DemandFactory(owner=world.brand, title="公开订单", target_unit_price_rmb="41.25")
    private = DemandFactory(
        owner=world.brand,
        title=MARKERS["private_demand"],
        visibility="private",
        target_unit_price_rmb="42.50",
    )
    cluster = DemandFactory(
        owner=world.brand, title=MARKERS["cluster_demand"], visibility="cluster"
    )
    hidden = index_for_search(
        EnterpriseFactory(cluster=world.putian, legal_name=MARKERS["hidden_firm"], is_listed=False)
    )
    firms = [world.factory, world.brand, world.outsider_firm, hidden]
    paths = ["/clusters", "/clusters/putian", "/enterprises", "/enterprises?q=鞋", "/demands"]
    paths += ["/offers", "/me", "/taxonomy/categories"]
    paths += [f"/enterprises/{firm.pk}" for firm in firms]
    paths += [f"/enterprises/{firm.pk}/capacity" for firm in firms]
    paths += [f"/demands/{demand.pk}" for demand in (public, private, cluster)]
    paths += [f"/offers/{offer.pk}"]
    return paths


@pytest.mark.parametrize("role", list(ALLOWED))
def test_private_values_reach_only_those_allowed(world: World, role: str) -> None:
    paths = _world_with_secrets(world)
    client = client_for(world.role_users()[role])
    bodies = []
    for path in paths:
        path, _, query = path.partition("?")
        params = dict([query.split("=")]) if query else {}
        response = client.get(path, **params)
        assert response.status_code in (200, 401, 404), (path, response.status_code)
        # Compare decoded text, whatever the JSON escaping.
        bodies.append(json.dumps(response.json(), ensure_ascii=False))
    everything = "\n".join(bodies)
    for name, marker in MARKERS.items():
        if name in ALLOWED[role]:
            assert marker in everything, (role, name)
        else:
            assert marker not in everything, (role, name)
