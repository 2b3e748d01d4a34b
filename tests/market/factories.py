from __future__ import annotations

import factory

from clusterlink.directory.models import Category
from clusterlink.market.models import Demand, DemandType
from tests.directory.factories import EnterpriseFactory, next_week


class DemandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Demand

    owner = factory.SubFactory(EnterpriseFactory, roles=["brand"])
    demand_type = DemandType.PROCESSING_ORDER
    title = factory.Sequence(lambda n: f"跑鞋代工订单 {n}")
    category = factory.LazyFunction(lambda: Category.objects.get(code="sports-shoes"))
    pairs = 20000
    delivery_week = factory.LazyFunction(lambda: next_week(6))
