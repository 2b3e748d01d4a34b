"""Directory search: broad terms are tested on the rows the rare ones find (PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusterlink.directory.models import Enterprise
from clusterlink.directory.search import common_lexemes, index_for_search, search_q
from tests.directory.factories import ClusterFactory, EnterpriseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _names(query: str) -> tuple[list[str], str]:
    """The legal names a query finds, and the SQL that found them."""
    with CaptureQueriesContext(connection) as captured:
        names = sorted(Enterprise.objects.filter(search_q(query)).values_list("name_en", flat=True))
    return names, captured.captured_queries[-1]["sql"]


def test_a_broad_term_beside_a_rare_one_is_tested_on_the_rare_ones_rows() -> None:
    # given 300 firms in Jinjiang, one of them Henglijia, and the table's statistics
    cluster = ClusterFactory()
    for n in range(300):
        firm = EnterpriseFactory.build(
            cluster=cluster,
            legal_name=f"晋江市测试鞋业有限公司{n}",
            name_en="Jinjiang Henglijia Shoes" if n == 0 else f"Jinjiang Test Shoes {n}",
            address="福建省泉州市晋江市陈埭镇",
        )
        index_for_search(firm)
        firm.save()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE directory_enterprise")
    lexemes, shares = common_lexemes(max_age=0)
    assert dict(zip(lexemes, shares, strict=True))["jinjiang"] == pytest.approx(1.0)

    # when a city and a name are searched, then only the name is looked up in the index
    names, sql = _names("jinjiang henglijia")
    assert names == ["Jinjiang Henglijia Shoes"]
    assert sql.count("ts_match_vq(") == 1
    assert sql.count("@@") == 1

    # and a query of broad terms only still looks its least broad term up in the index
    names, sql = _names("jinjiang shoes")
    assert len(names) == 300
    assert sql.count("@@") == 1
    assert sql.count("ts_match_vq(") == 1
