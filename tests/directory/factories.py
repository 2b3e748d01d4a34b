from __future__ import annotations

import datetime as dt

import factory

from clusterlink.common import clock
from clusterlink.directory.models import CapacityWeek, Category, Cluster, Enterprise, EnterpriseRole


class ClusterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cluster
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"cluster-{n}")
    name_zh = factory.Sequence(lambda n: f"产业集群{n}")
    name_en = factory.Sequence(lambda n: f"Cluster {n}")
    name_ja = factory.Sequence(lambda n: f"産業クラスター{n}")
    region_code = "350300"
    region_zh = "福建省莆田市"
    region_en = "Putian, Fujian"
    trade = "footwear"


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise
        skip_postgeneration_save = True

    legal_name = factory.Sequence(lambda n: f"莆田市测试鞋业有限公司{n}")
    name_en = factory.Sequence(lambda n: f"Putian Test Shoes Co., Ltd. {n}")
    cluster = factory.SubFactory(ClusterFactory)
    address = "福建省莆田市荔城区"
    contact_name = "张经理"
    contact_phone = "13800000000"
    contact_email = factory.Sequence(lambda n: f"contact{n}@example.cn")
    # Test firms are members their operators approved unless a test says otherwise.
    cluster_status = Enterprise.ClusterStatus.APPROVED

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create:
            for role in extracted or ["oem_factory"]:
                EnterpriseRole.objects.get_or_create(enterprise=self, role=role)


def next_week(offset: int = 1) -> dt.date:
    return clock.current_week() + dt.timedelta(weeks=offset)


class CapacityWeekFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CapacityWeek

    enterprise = factory.SubFactory(EnterpriseFactory)
    category = factory.LazyFunction(lambda: Category.objects.get(code="sports-shoes"))
    week = factory.LazyFunction(next_week)
    free_pairs = 5000
