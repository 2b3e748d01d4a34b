"""Directory API: clusters, taxonomy, enterprise search and profiles, capacity; access per role."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusterlink.accounts.models import Membership
from clusterlink.common import clock
from clusterlink.directory.models import CapacityWeek, Certification, Cluster, Enterprise, Process
from clusterlink.directory.search import common_lexemes
from tests.api_fixtures import ApiClient, World, client_for, index_for_search
from tests.directory.factories import CapacityWeekFactory, EnterpriseFactory, next_week

pytest_plugins = ["tests.api_fixtures"]
pytestmark = pytest.mark.django_db

VALID_CODE = "91350100M000100Y43"
PRIVATE_ROLES = {"owner", "operator", "admin"}
ALL_ROLES = ("anonymous", "outsider", "owner", "operator", "other_operator", "admin")


# ---- clusters and taxonomy ----------------------------------------------------------------------


def test_clusters_are_paginated_in_slug_order(world: World) -> None:
    client = ApiClient()
    first = client.get("/clusters", limit=1).json()
    second = client.get("/clusters", limit=1, offset=1).json()
    assert first["count"] == second["count"] == 2
    assert [c["slug"] for c in first["items"] + second["items"]] == ["jinjiang", "putian"]


def test_pagination_limit_is_bounded(world: World) -> None:
    response = ApiClient().get("/clusters", limit=100_000)
    assert response.status_code == 422
    assert list(response.json()["details"]) == ["query.limit"]
    assert ApiClient().get("/clusters", offset=-1).status_code == 422


def test_cluster_detail_has_live_figures_and_language(world: World) -> None:
    client = ApiClient()
    client.headers["Accept-Language"] = "en"
    body = client.get("/clusters/putian").json()
    assert body["name"] == "Putian footwear cluster"
    assert (body["firms_listed"], body["factories"], body["brands"]) == (2, 1, 1)
    assert client.get("/clusters/nowhere").status_code == 404


def test_cluster_figures_count_no_unlisted_or_pending_firm(world: World) -> None:
    cluster = Cluster.objects.get(slug="putian")
    EnterpriseFactory(cluster=cluster, is_listed=False)
    EnterpriseFactory(cluster=cluster, cluster_status=Enterprise.ClusterStatus.PENDING)
    body = ApiClient().get("/clusters/putian").json()
    assert (body["firms_listed"], body["factories"], body["brands"]) == (2, 1, 1)


def test_taxonomy_lists(world: World) -> None:
    client = ApiClient()
    categories = client.get("/taxonomy/categories", trade="hosiery").json()
    assert categories and {c["trade"] for c in categories} == {"hosiery"}
    assert len(client.get("/taxonomy/processes").json()) == Process.objects.count()
    codes = [c["code"] for c in client.get("/taxonomy/certifications").json()]
    assert codes == sorted(Certification.objects.values_list("code", flat=True))
    assert client.get("/taxonomy/categories", trade="cars").status_code == 422


# ---- enterprise search --------------------------------------------------------------------------


def _names(response: object) -> list[str]:
    return [e["legal_name"] for e in response.json()["items"]]  # type: ignore[attr-defined]


def test_enterprise_filters(world: World) -> None:
    world.factory.certifications.set([Certification.objects.get(code="bsci")])
    world.factory.processes.set([Process.objects.get(code="injection")])
    world.factory.categories.set([world.factory.categories.model.objects.get(code="sports-shoes")])
    client = ApiClient()
    putian = {world.factory.legal_name, world.brand.legal_name}
    assert set(_names(client.get("/enterprises", cluster="putian"))) == putian
    assert _names(client.get("/enterprises", role="brand")) == [world.brand.legal_name]
    assert _names(client.get("/enterprises", certification="bsci")) == [world.factory.legal_name]
    assert _names(client.get("/enterprises", process="injection")) == [world.factory.legal_name]
    assert _names(client.get("/enterprises", category="sports-shoes")) == [world.factory.legal_name]
    assert set(_names(client.get("/enterprises", q="莆田"))) == putian
    assert set(_names(client.get("/enterprises", q="putian"))) == putian
    assert _names(client.get("/enterprises", q="Jinjiang")) == [world.outsider_firm.legal_name]
    assert client.get("/enterprises", role="pirate").status_code == 422


@pytest.mark.parametrize("query", ["%", "!!!", "_"])
def test_a_search_with_nothing_searchable_is_an_empty_page(world: World, query: str) -> None:
    body = ApiClient().get("/enterprises", q=query).json()
    assert (body["items"], body["count"]) == ([], 0)


def test_a_search_over_100_characters_is_refused(world: World) -> None:
    assert ApiClient().get("/enterprises", q="putian " * 43).status_code == 422


def test_enterprise_list_is_paginated_with_stable_order(world: World) -> None:
    for i in range(5):
        index_for_search(
            EnterpriseFactory(cluster=world.putian, legal_name="同名鞋厂", name_en=f"Same {i}")
        )
    client = ApiClient()
    pages = [client.get("/enterprises", q="同名", limit=2, offset=o).json() for o in (0, 2, 4)]
    ids = [e["id"] for page in pages for e in page["items"]]
    assert pages[0]["count"] == 5
    assert pages[0]["count_capped"] is False
    assert ids == sorted(ids)
    assert len(set(ids)) == 5


def test_list_counts_stop_some_pages_past_the_offset(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("clusterlink.common.schemas.COUNT_PAGES_AHEAD", 2)
    for i in range(9):
        index_for_search(
            EnterpriseFactory(cluster=world.putian, legal_name="同名鞋厂", name_en=f"Same {i}")
        )
    client = ApiClient()

    def page(offset: int) -> tuple[int, bool, int]:
        body = client.get("/enterprises", q="同名", limit=2, offset=offset).json()
        return body["count"], body["count_capped"], len(body["items"])

    common_lexemes(max_age=0)  # the search's term statistics, read once per ten minutes
    with CaptureQueriesContext(connection) as queries:
        assert page(0) == (4, True, 2)  # two pages of two looked at, more beyond
    # The page and its count are one statement.
    assert sum("directory_enterprise" in q["sql"] for q in queries.captured_queries) == 1
    assert page(4) == (8, True, 2)
    assert page(6) == (9, False, 2)  # the count reached the end
    assert page(8) == (9, False, 1)  # the last page tells the count itself
    assert page(20) == (9, False, 0)  # past the end: still the exact count


def test_capacity_filter_only_uses_capacity_the_viewer_may_see(world: World) -> None:
    CapacityWeekFactory(enterprise=world.factory, week=next_week(2), free_pairs=8000)
    week_from, week_to = next_week(1).isoformat(), next_week(3).isoformat()
    params = {"capacity_from": week_from, "capacity_to": week_to, "min_free_pairs": 5000}
    expected: dict[str, list[str]] = {"anonymous": [], "outsider": [], "other_operator": []}
    for role, user in world.role_users().items():
        found = _names(client_for(user).get("/enterprises", **params))
        assert found == expected.get(role, [world.factory.legal_name]), role
    owner = client_for(world.factory_owner)
    assert _names(owner.get("/enterprises", **{**params, "min_free_pairs": 9000})) == []


def test_unlisted_enterprise_is_hidden_from_those_without_private_access(world: World) -> None:
    world.factory.is_listed = False
    world.factory.save()
    for role, user in world.role_users().items():
        client = client_for(user)
        detail = client.get(f"/enterprises/{world.factory.pk}")
        listed = world.factory.legal_name in _names(client.get("/enterprises"))
        if role in PRIVATE_ROLES:
            assert (detail.status_code, listed) == (200, True), role
        else:
            assert (detail.status_code, listed) == (404, False), role
            assert world.factory.legal_name not in detail.content.decode()


# ---- enterprise profile: private fields ---------------------------------------------------------


@pytest.mark.parametrize("role", ALL_ROLES)
def test_contacts_only_for_members_and_the_clusters_operators(world: World, role: str) -> None:
    response = client_for(world.role_users()[role]).get(f"/enterprises/{world.factory.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["legal_name"] == world.factory.legal_name
    if role in PRIVATE_ROLES:
        assert body["contacts"] == {
            "contact_name": "张经理",
            "contact_phone": "13900000001",
            "contact_email": world.factory.contact_email,
        }
    else:
        assert body["contacts"] is None
        content = response.content.decode()
        assert "13900000001" not in content and world.factory.contact_email not in content
    assert body["may_edit"] is (role in PRIVATE_ROLES)


# ---- enterprise create and update ---------------------------------------------------------------


def test_any_user_registering_a_firm_becomes_its_owner(world: World) -> None:
    client = client_for(world.outsider)
    response = client.post(
        "/enterprises",
        {
            "legal_name": "晋江新鞋业有限公司",
            "credit_code": VALID_CODE,
            "cluster": "jinjiang",
            "roles": ["oem_factory"],
            "categories": ["sports-shoes"],
            "contact_phone": "13700000000",
            "employees": 120,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["cluster"] == "jinjiang" and body["size"] == "small"
    assert body["contacts"]["contact_phone"] == "13700000000"
    enterprise = Enterprise.objects.get(pk=body["id"])
    assert enterprise.source == Enterprise.Source.API
    assert Membership.objects.get(enterprise=enterprise).user == world.outsider


def test_registering_a_firm_with_a_phone_that_is_no_number_is_a_located_error(
    world: World,
) -> None:
    client = client_for(world.outsider)
    client.headers["Accept-Language"] = "en"
    response = client.post(
        "/enterprises", {"legal_name": "晋江新鞋业有限公司", "contact_phone": "call me"}
    )
    assert response.status_code == 400
    assert list(response.json()["details"]) == ["contact_phone"]
    assert not Enterprise.objects.filter(legal_name="晋江新鞋业有限公司").exists()


def test_an_operator_adds_a_firm_to_their_cluster_without_joining_it(world: World) -> None:
    response = client_for(world.operator).post(
        "/enterprises", {"legal_name": "莆田新工厂", "cluster": "putian"}
    )
    assert response.status_code == 201
    assert not Membership.objects.filter(enterprise_id=response.json()["id"]).exists()


def test_create_rejects_unknown_fields_and_wrong_types_and_writes_nothing(world: World) -> None:
    client = client_for(world.outsider)
    client.headers["Accept-Language"] = "en"
    before = Enterprise.objects.count()
    response = client.post(
        "/enterprises", {"legal_name": "坏数据", "shoe_size": 42, "employees": "many", "lat": "x"}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["details"]["body.shoe_size"] == ["Unknown field."]
    assert set(body["details"]) == {"body.shoe_size", "body.employees", "body.lat"}
    assert Enterprise.objects.count() == before


def test_create_reports_service_errors_and_writes_nothing(world: World) -> None:
    client = client_for(world.outsider)
    before = (Enterprise.objects.count(), Membership.objects.count())
    response = client.post(
        "/enterprises",
        {"legal_name": "坏代码", "credit_code": "91350100M000100Y44", "categories": ["spaceships"]},
    )
    assert response.status_code == 400
    details = response.json()["details"]
    assert set(details) == {"credit_code", "categories"}
    unknown_cluster = client.post("/enterprises", {"legal_name": "无集群", "cluster": "atlantis"})
    assert unknown_cluster.status_code == 400
    assert list(unknown_cluster.json()["details"]) == ["cluster"]
    assert (Enterprise.objects.count(), Membership.objects.count()) == before


def test_create_needs_authentication(world: World) -> None:
    assert ApiClient().post("/enterprises", {"legal_name": "匿名"}).status_code == 401


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 401),
        ("outsider", 404),
        ("other_operator", 404),
        ("owner", 200),
        ("operator", 200),
        ("admin", 200),
    ],
)
def test_update_by_role(world: World, role: str, status: int) -> None:
    client = client_for(world.role_users()[role])
    response = client.patch(
        f"/enterprises/{world.factory.pk}", {"name_en": "Renamed", "processes": ["injection"]}
    )
    assert response.status_code == status
    world.factory.refresh_from_db()
    if status == 200:
        assert response.json()["processes"] == ["injection"]
        assert world.factory.name_en == "Renamed"
    else:
        assert world.factory.name_en == "Putian Licheng Shoes"
        assert "13900000001" not in response.content.decode()


# ---- capacity -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ALL_ROLES)
def test_capacity_is_private(world: World, role: str) -> None:
    CapacityWeekFactory(
        enterprise=world.factory, free_pairs=7777, unit_price_min_rmb=Decimal("18.5")
    )
    response = client_for(world.role_users()[role]).get(f"/enterprises/{world.factory.pk}/capacity")
    if role in PRIVATE_ROLES:
        assert response.status_code == 200
        (row,) = response.json()["items"]
        assert (row["free_pairs"], row["unit_price_min_rmb"]) == (7777, "18.50")
        assert row["iso_week"] == clock.iso_week_label(next_week())
    else:
        assert response.status_code == 404
        assert "7777" not in response.content.decode()


def test_capacity_bulk_upsert(world: World) -> None:
    CapacityWeekFactory(enterprise=world.factory, week=next_week(1), free_pairs=100)
    client = client_for(world.factory_owner)
    cells = [
        {"category": "sports-shoes", "week": next_week(1).isoformat(), "free_pairs": 3000},
        {
            "category": "sports-shoes",
            "week": next_week(2).isoformat(),
            "free_pairs": 4000,
            "unit_price_min_rmb": "20.5",
            "unit_price_max_rmb": 25,
            "lead_time_days": 14,
        },
    ]
    response = client.put(f"/enterprises/{world.factory.pk}/capacity", {"cells": cells})
    assert response.status_code == 200, response.content
    assert [(r["free_pairs"], r["unit_price_max_rmb"]) for r in response.json()] == [
        (3000, None),
        (4000, "25.00"),
    ]
    assert CapacityWeek.objects.filter(enterprise=world.factory).count() == 2


def _week(offset: int) -> str:
    return (clock.current_week() + dt.timedelta(weeks=offset)).isoformat()


@pytest.mark.parametrize(
    ("cell", "status", "key"),
    [
        ({"free_pairs": -1}, 422, "body.cells.0.free_pairs"),
        ({"free_pairs": 2.5}, 422, "body.cells.0.free_pairs"),
        ({"free_pairs": "lots"}, 422, "body.cells.0.free_pairs"),
        ({"unit_price_min_rmb": "12.345"}, 422, "body.cells.0.unit_price_min_rmb"),
        ({"colour": "red"}, 422, "body.cells.0.colour"),
        ({"week": _week(-2)}, 400, "sports-shoes@{week}.week"),
        ({"category": "spaceships"}, 400, "spaceships@{week}.category"),
        ({"free_pairs": 100_000_001}, 422, "body.cells.0.free_pairs"),
        ({"min_lot_pairs": 200_000_000}, 422, "body.cells.0.min_lot_pairs"),
        (
            {"unit_price_min_rmb": "30", "unit_price_max_rmb": "20"},
            400,
            "sports-shoes@{week}.unit_price_max_rmb",
        ),
    ],
)
def test_capacity_bad_cells_are_located_and_nothing_is_written(
    world: World, cell: dict[str, object], status: int, key: str
) -> None:
    good = {"category": "sports-shoes", "week": _week(1), "free_pairs": 10}
    bad = {**good, "week": _week(2), **cell}
    response = client_for(world.factory_owner).put(
        f"/enterprises/{world.factory.pk}/capacity", {"cells": [bad, good]}
    )
    assert response.status_code == status
    body = response.json()
    week = clock.iso_week_label(dt.date.fromisoformat(str(bad["week"])))
    assert list(body["details"]) == [key.format(week=week)], body
    assert not CapacityWeek.objects.exists()


@pytest.mark.parametrize("role", ["anonymous", "outsider", "other_operator"])
def test_capacity_cannot_be_written_by_others(world: World, role: str) -> None:
    cells = [{"category": "sports-shoes", "week": _week(1), "free_pairs": 10}]
    response = client_for(world.role_users()[role]).put(
        f"/enterprises/{world.factory.pk}/capacity", {"cells": cells}
    )
    assert response.status_code == (401 if role == "anonymous" else 404)
    assert not CapacityWeek.objects.exists()
