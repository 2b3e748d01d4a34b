from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from clusterlink.accounts.access import ANONYMOUS, viewer_for
from clusterlink.common.errors import ApplicationError
from clusterlink.directory.models import CapacityWeek, Enterprise
from clusterlink.directory.selectors import EnterpriseFilters, enterprise_list
from clusterlink.directory.services import CapacityCell, capacity_weeks_save, enterprise_create
from tests.accounts.factories import MembershipFactory, OperatorScopeFactory, UserFactory
from tests.directory.factories import (
    CapacityWeekFactory,
    ClusterFactory,
    EnterpriseFactory,
    next_week,
)

pytestmark = pytest.mark.django_db

VALID_CODE = "91350100M000100Y43"


def test_enterprise_create_stores_roles_taxonomy_and_search_keys() -> None:
    cluster = ClusterFactory(slug="putian")
    enterprise = enterprise_create(
        cluster_status=Enterprise.ClusterStatus.APPROVED,
        legal_name="莆田鞋业有限公司",
        name_en="Putian Xieye Co., Ltd.",
        credit_code=VALID_CODE,
        cluster=cluster,
        roles=["oem_factory"],
        categories=["sports-shoes"],
        processes=["injection"],
        certifications=["bsci"],
    )
    assert enterprise.role_codes == ["oem_factory"]
    assert [c.code for c in enterprise.categories.all()] == ["sports-shoes"]
    assert "putian" in enterprise.search_keys
    assert list(enterprise_list(viewer=ANONYMOUS, filters=EnterpriseFilters(q="putian"))) == [
        enterprise
    ]
    assert list(enterprise_list(viewer=ANONYMOUS, filters=EnterpriseFilters(q="莆田"))) == [
        enterprise
    ]


def test_enterprise_create_reports_every_bad_field_and_writes_nothing() -> None:
    with translation.override("en"), pytest.raises(ApplicationError) as caught:
        enterprise_create(
            cluster_status=Enterprise.ClusterStatus.APPROVED,
            legal_name="坏数据有限公司",
            credit_code="91350100M000100Y44",
            roles=["pirate"],
            categories=["spaceships"],
        )
    assert set(caught.value.details) == {"credit_code", "roles", "categories"}
    assert "check character" in caught.value.details["credit_code"][0]
    assert Enterprise.objects.count() == 0


def test_capacity_cannot_drop_below_reserved_and_nothing_is_written() -> None:
    row = CapacityWeekFactory(free_pairs=1000, reserved_pairs=800)
    cells = [
        CapacityCell(category="sports-shoes", week=row.week, free_pairs=700),
        CapacityCell(
            category="sports-shoes",
            week=next_week(2),
            free_pairs=300,
            unit_price_min_rmb=Decimal("18.505"),
        ),
    ]
    with pytest.raises(ApplicationError) as caught:
        capacity_weeks_save(enterprise=row.enterprise, cells=cells)
    assert len(caught.value.details) == 2
    assert CapacityWeek.objects.get(pk=row.pk).free_pairs == 1000
    assert CapacityWeek.objects.count() == 1


def test_capacity_filter_only_counts_capacity_the_viewer_may_see() -> None:
    row = CapacityWeekFactory(free_pairs=5000)
    member = MembershipFactory(enterprise=row.enterprise).user
    operator = OperatorScopeFactory(cluster=row.enterprise.cluster).user
    outsider = UserFactory()
    filters = EnterpriseFilters(capacity_from=row.week, capacity_to=row.week, min_free_pairs=1000)
    assert list(enterprise_list(viewer=viewer_for(member), filters=filters)) == [row.enterprise]
    assert list(enterprise_list(viewer=viewer_for(operator), filters=filters)) == [row.enterprise]
    assert list(enterprise_list(viewer=viewer_for(outsider), filters=filters)) == []
    admin = UserFactory(is_superuser=True)
    unlisted = EnterpriseFactory(is_listed=False)
    assert unlisted in enterprise_list(viewer=viewer_for(admin))
    assert unlisted not in enterprise_list(viewer=viewer_for(outsider))
