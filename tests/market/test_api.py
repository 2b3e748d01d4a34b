"""Market API: demand visibility and target prices per role, posting and changing demands with
located errors, sharing, offers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from clusterlink.common import clock
from clusterlink.directory.models import Enterprise
from clusterlink.market.models import Demand, DemandShare, Offer
from tests.api_fixtures import ApiClient, World, client_for
from tests.directory.factories import next_week
from tests.market.factories import DemandFactory

pytest_plugins = ["tests.api_fixtures"]
pytestmark = pytest.mark.django_db

ALL_ROLES = ("anonymous", "outsider", "owner", "operator", "other_operator", "admin")
PRICE = Decimal("42.50")


def _demand(world: World, visibility: str) -> Demand:
    return DemandFactory(  # type: ignore[no-untyped-call, return-value]
        owner=world.brand,
        title=f"{visibility} 跑鞋订单",
        visibility=visibility,
        target_unit_price_rmb=PRICE,
    )


def _as(world: World, role: str) -> ApiClient:
    """`owner` here is a member of the brand that posted the demands."""
    users = world.role_users()
    users["owner"] = world.brand_owner
    return client_for(users[role])


# Who sees a demand at all; who sees its target price (and the owner's contacts).
VISIBLE = {
    "public": set(ALL_ROLES),
    "cluster": {"owner", "operator", "admin"},
    "private": {"owner", "operator", "admin"},
}
PRIVILEGED = {"owner", "operator", "admin"}


@pytest.mark.parametrize("visibility", ["public", "cluster", "private"])
@pytest.mark.parametrize("role", ALL_ROLES)
def test_demand_access_and_target_price_per_role(world: World, visibility: str, role: str) -> None:
    demand = _demand(world, visibility)
    client = _as(world, role)
    detail = client.get(f"/demands/{demand.pk}")
    listed = [d["id"] for d in client.get("/demands").json()["items"]]
    if role not in VISIBLE[visibility]:
        assert detail.status_code == 404
        assert demand.pk not in listed
        assert demand.title not in detail.content.decode()
        return
    assert detail.status_code == 200
    assert listed == [demand.pk]
    body = detail.json()
    list_item = client.get("/demands").json()["items"][0]
    if role in PRIVILEGED:
        assert body["target_unit_price_rmb"] == list_item["target_unit_price_rmb"] == "42.50"
        assert body["owner_contacts"]["contact_phone"] == "13900000002"
    else:
        assert body["target_unit_price_rmb"] is None and list_item["target_unit_price_rmb"] is None
        assert body["owner_contacts"] is None
        assert "42.5" not in detail.content.decode()
        assert "13900000002" not in detail.content.decode()


def test_cluster_demand_is_visible_to_other_firms_of_the_cluster(world: World) -> None:
    demand = _demand(world, "cluster")
    response = client_for(world.factory_owner).get(f"/demands/{demand.pk}")
    assert response.status_code == 200
    assert response.json()["target_unit_price_rmb"] is None


def test_sharing_a_private_demand_opens_it_in_full_to_that_firm(world: World) -> None:
    demand = _demand(world, "private")
    outsider = client_for(world.outsider)
    assert outsider.get(f"/demands/{demand.pk}").status_code == 404
    owner = client_for(world.brand_owner)
    response = owner.post(f"/demands/{demand.pk}/shares", {"enterprise_id": world.outsider_firm.pk})
    assert response.status_code == 201
    assert response.json()["enterprise"]["id"] == world.outsider_firm.pk
    body = outsider.get(f"/demands/{demand.pk}").json()
    assert body["target_unit_price_rmb"] == "42.50"
    assert body["shared_with"] is None  # only the owner's side sees who else it went to
    assert owner.get(f"/demands/{demand.pk}").json()["shared_with"] == [
        {"id": world.outsider_firm.pk, "name": world.outsider_firm.legal_name}
    ]


def test_a_share_taken_back_closes_the_demand_to_that_firm_again(world: World) -> None:
    demand = _demand(world, "private")
    outsider = client_for(world.outsider)
    owner = client_for(world.brand_owner)
    owner.post(f"/demands/{demand.pk}/shares", {"enterprise_id": world.outsider_firm.pk})
    assert outsider.get(f"/demands/{demand.pk}").status_code == 200
    # only the owner's members may take it back (the firm it was shared with sees the demand)
    refused = outsider.delete(f"/demands/{demand.pk}/shares/{world.outsider_firm.pk}")
    assert refused.status_code == 403
    response = owner.delete(f"/demands/{demand.pk}/shares/{world.outsider_firm.pk}")
    assert response.status_code == 204
    detail = outsider.get(f"/demands/{demand.pk}")
    assert detail.status_code == 404
    assert "42.5" not in detail.content.decode()
    # a firm it was not shared with, or a share a match run made, is not the owner's to take back
    assert owner.delete(f"/demands/{demand.pk}/shares/{world.outsider_firm.pk}").status_code == 404
    DemandShare.objects.create(
        demand=demand, enterprise=world.factory, reason=DemandShare.Reason.MATCHED
    )
    assert owner.delete(f"/demands/{demand.pk}/shares/{world.factory.pk}").status_code == 404
    assert DemandShare.objects.filter(enterprise=world.factory).exists()


def test_only_the_owners_members_and_its_clusters_operators_may_share_or_change(
    world: World,
) -> None:
    # given a public demand of the Putian brand
    demand = _demand(world, "public")
    # an operator of another cluster sees it but may not change it, and nothing is written
    other = client_for(world.other_operator)
    shared = other.post(f"/demands/{demand.pk}/shares", {"enterprise_id": world.factory.pk})
    assert shared.status_code == 403
    assert shared.json()["code"] == "permission_denied"
    assert other.patch(f"/demands/{demand.pk}", {"title": "改"}).status_code == 403
    private = _demand(world, "private")
    outsider = client_for(world.outsider)
    assert outsider.patch(f"/demands/{private.pk}", {"title": "改"}).status_code == 404
    assert not DemandShare.objects.exists()
    assert set(Demand.objects.values_list("title", flat=True)) == {
        "public 跑鞋订单",
        "private 跑鞋订单",
    }
    # the Putian operator manages it, as the pages let him (clusterlink.market.access)
    operator = client_for(world.operator)
    shared = operator.post(f"/demands/{demand.pk}/shares", {"enterprise_id": world.factory.pk})
    assert shared.status_code == 201
    changed = operator.patch(f"/demands/{demand.pk}", {"title": "改"})
    assert (changed.status_code, changed.json()["title"], changed.json()["may_edit"]) == (
        200,
        "改",
        True,
    )


def test_sharing_with_an_unknown_firm_is_a_field_error(world: World) -> None:
    demand = _demand(world, "private")
    response = client_for(world.brand_owner).post(
        f"/demands/{demand.pk}/shares", {"enterprise_id": 999_999}
    )
    assert response.status_code == 400
    assert list(response.json()["details"]) == ["enterprise_id"]


# ---- posting demands ----------------------------------------------------------------------------


def _order(**overrides: Any) -> dict[str, Any]:
    return {
        "demand_type": "processing_order",
        "title": "儿童运动鞋 OEM",
        "category": "sports-shoes",
        "pairs": 30000,
        "target_unit_price_rmb": "35.5",
        "delivery_week": next_week(8).isoformat(),
        "required_processes": ["injection"],
        **overrides,
    }


def test_post_a_demand(world: World) -> None:
    response = client_for(world.brand_owner).post("/demands", _order())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["owner"] == {"id": world.brand.pk, "name": world.brand.legal_name}
    assert (body["pairs"], body["target_unit_price_rmb"]) == (30000, "35.50")
    assert body["required_processes"] == ["injection"]
    demand = Demand.objects.get(pk=body["id"])
    assert demand.target_unit_price_rmb == Decimal("35.50")
    assert demand.created_by == world.brand_owner


@pytest.mark.parametrize(
    ("overrides", "status", "field"),
    [
        ({"pairs": 0}, 422, "body.pairs"),
        ({"pairs": -5}, 422, "body.pairs"),
        ({"pairs": 2.5}, 422, "body.pairs"),
        ({"pairs": 2.0}, 422, "body.pairs"),
        ({"pairs": "30000"}, 422, "body.pairs"),
        ({"pairs": True}, 422, "body.pairs"),
        ({"pairs": "many"}, 422, "body.pairs"),
        ({"target_unit_price_rmb": "12.345"}, 422, "body.target_unit_price_rmb"),
        ({"target_unit_price_rmb": 12.345}, 422, "body.target_unit_price_rmb"),
        ({"target_unit_price_rmb": "-1"}, 422, "body.target_unit_price_rmb"),
        ({"demand_type": "piracy"}, 422, "body.demand_type"),
        ({"delivery_week": "next tuesday"}, 422, "body.delivery_week"),
        ({"colour": "red"}, 422, "body.colour"),
        (
            {"delivery_week": (clock.current_week() - dt.timedelta(weeks=1)).isoformat()},
            400,
            "delivery_week",
        ),
        ({"category": "spaceships"}, 400, "category"),
        ({"pairs": 100_000_001}, 422, "body.pairs"),  # the schema's bound is the models'
        ({"pairs": 10**12}, 422, "body.pairs"),
        ({"required_processes": ["teleport"]}, 400, "required_processes"),
        ({"owner_id": 999_999}, 400, "owner_id"),
    ],
)
def test_bad_demands_get_located_errors_and_write_nothing(
    world: World, overrides: dict[str, Any], status: int, field: str
) -> None:
    response = client_for(world.brand_owner).post("/demands", _order(**overrides))
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "details"}
    assert body["code"] == "validation_error"
    assert field in body["details"], body
    assert not Demand.objects.exists()


def test_posting_for_a_firm_one_is_not_a_member_of_is_refused(world: World) -> None:
    response = client_for(world.outsider).post("/demands", _order(owner_id=world.brand.pk))
    assert response.status_code == 400
    assert list(response.json()["details"]) == ["owner_id"]
    # An operator belongs to no firm: the owner must be named, and must be one he operates.
    assert client_for(world.operator).post("/demands", _order()).status_code == 400
    other = client_for(world.other_operator).post("/demands", _order(owner_id=world.brand.pk))
    assert (other.status_code, list(other.json()["details"])) == (400, ["owner_id"])
    assert not Demand.objects.exists()


def test_update_a_demand(world: World) -> None:
    demand = _demand(world, "public")
    client = client_for(world.brand_owner)
    response = client.patch(f"/demands/{demand.pk}", {"pairs": 12000, "status": "closed"})
    assert response.status_code == 200
    assert (response.json()["pairs"], response.json()["status"]) == (12000, "closed")
    bad = client.patch(f"/demands/{demand.pk}", {"pairs": 0})
    assert bad.status_code == 422
    demand.refresh_from_db()
    assert demand.pairs == 12000


# ---- offers -------------------------------------------------------------------------------------


def test_offers_hide_the_unit_price_from_outsiders(world: World) -> None:
    offer = Offer.objects.create(
        owner=world.factory,
        offer_type=Offer.OfferType.CAPACITY,
        title="八月空闲产能",
        pairs=50000,
        unit_price_rmb=Decimal("28.80"),
    )
    for role, user in world.role_users().items():
        response = client_for(user).get(f"/offers/{offer.pk}")
        assert response.status_code == 200
        expected = "28.80" if role in PRIVILEGED else None
        assert response.json()["unit_price_rmb"] == expected, role
    listed = ApiClient().get("/offers", offer_type="capacity").json()
    assert [o["id"] for o in listed["items"]] == [offer.pk]
    assert "28.8" not in str(listed)


def test_a_firm_awaiting_approval_advertises_to_nobody_but_its_own_side(world: World) -> None:
    # given the factory's membership is not approved yet, and it posts a public capacity offer
    Enterprise.objects.filter(pk=world.factory.pk).update(
        cluster_status=Enterprise.ClusterStatus.PENDING
    )
    posted = client_for(world.factory_owner).post(
        "/offers", {"offer_type": "capacity", "title": "CHEAP-PENDING", "visibility": "public"}
    )
    assert posted.status_code == 201, posted.content
    offer_id = posted.json()["id"]
    # then the public and the other firms neither list nor open it; its owner and operator do
    for role, user in world.role_users().items():
        client = client_for(user)
        listed = [o["id"] for o in client.get("/offers").json()["items"]]
        opened = client.get(f"/offers/{offer_id}").status_code
        expected = role in PRIVILEGED
        assert (offer_id in listed, opened) == (expected, 200 if expected else 404), role
    assert offer_id not in [o["id"] for o in ApiClient().get("/offers").json()["items"]]


def test_post_an_offer(world: World) -> None:
    client = client_for(world.factory_owner)
    response = client.post(
        "/offers",
        {"offer_type": "capacity", "title": "九月产能", "pairs": 20000, "unit_price_rmb": 31},
    )
    assert response.status_code == 201, response.content
    assert response.json()["unit_price_rmb"] == "31.00"
    bad = client.post("/offers", {"offer_type": "capacity", "title": "x", "pairs": 1.5})
    assert bad.status_code == 422
    assert Offer.objects.count() == 1
