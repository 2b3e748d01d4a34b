"""Market pages: demand board, demand detail, offers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from clusterlink.common import clock
from clusterlink.directory.models import Category
from clusterlink.market.models import Demand, DemandShare, Offer
from tests.accounts.factories import MembershipFactory, OperatorScopeFactory, UserFactory
from tests.directory.factories import ClusterFactory, EnterpriseFactory
from tests.market.factories import DemandFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 25, 4, 0, tzinfo=dt.UTC)  # ISO week 2026-W48


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    with clock.frozen(NOW):
        yield


def url(name: str, *args: Any) -> str:
    with translation.override("en"):
        return reverse(f"market:{name}", args=args)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def board_titles(response: Any) -> list[str]:
    return [d.title for d in response.context["page"].object_list]


# --- demand board ------------------------------------------------------------------------------


def test_anonymous_board_lists_public_open_demands_only() -> None:
    DemandFactory(title="公开需求")
    DemandFactory(title="集群需求", visibility="cluster")
    DemandFactory(title="私密需求", visibility="private")
    DemandFactory(title="草稿需求", status=Demand.Status.DRAFT)
    DemandFactory(title="已取消需求", status=Demand.Status.CANCELLED)
    response = Client().get(url("demand_list"))
    assert response.status_code == 200
    assert board_titles(response) == ["公开需求"]
    body = response.content.decode()
    for hidden in ("集群需求", "私密需求", "草稿需求", "已取消需求"):
        assert hidden not in body


def test_board_shows_the_delivery_week_with_its_dates() -> None:
    DemandFactory(title="公开需求", delivery_week=dt.date(2027, 1, 18))
    body = Client().get(url("demand_list")).content.decode()
    assert "due 2027-W03 · 01-18–01-24" in body


def test_board_shows_cluster_demands_to_members_of_that_cluster() -> None:
    cluster = ClusterFactory(slug="jinjiang")
    DemandFactory(
        title="集群需求",
        visibility="cluster",
        owner=EnterpriseFactory(cluster=cluster, roles=["brand"]),
    )
    insider = MembershipFactory(enterprise=EnterpriseFactory(cluster=cluster)).user
    outsider = MembershipFactory(enterprise=EnterpriseFactory()).user
    assert board_titles(client_for(insider).get(url("demand_list"))) == ["集群需求"]
    assert board_titles(client_for(outsider).get(url("demand_list"))) == []


def test_board_filters_by_type_category_cluster_and_search() -> None:
    putian = ClusterFactory(slug="putian")
    xiaobeihe = ClusterFactory(slug="xiaobeihe", trade="hosiery")
    DemandFactory(title="跑鞋代工", owner=EnterpriseFactory(cluster=putian, roles=["brand"]))
    DemandFactory(
        title="棉袜采购",
        demand_type="order_purchasing",
        category=Category.objects.get(code="cotton-socks"),
        owner=EnterpriseFactory(cluster=xiaobeihe, roles=["brand"]),
    )
    DemandFactory(
        title="飞织技术",
        demand_type="technology_need",
        category=None,
        pairs=None,
        description="knit uppers",
    )
    client = Client()
    assert board_titles(client.get(url("demand_list"), {"demand_type": "order_purchasing"})) == [
        "棉袜采购"
    ]
    assert board_titles(client.get(url("demand_list"), {"category": "sports-shoes"})) == [
        "跑鞋代工"
    ]
    assert board_titles(client.get(url("demand_list"), {"cluster": "xiaobeihe"})) == ["棉袜采购"]
    assert board_titles(client.get(url("demand_list"), {"q": "knit"})) == ["飞织技术"]
    # An unknown filter value is ignored rather than failing the page.
    assert len(board_titles(client.get(url("demand_list"), {"category": "spaceships"}))) == 3


def test_board_paginates_by_20() -> None:
    for n in range(23):
        DemandFactory(title=f"需求 {n:02d}")
    client = Client()
    first = client.get(url("demand_list"))
    second = client.get(url("demand_list"), {"page": "2"})
    assert len(board_titles(first)) == 20
    assert len(board_titles(second)) == 3
    assert first.context["page"].paginator.count == 23
    assert "page=2" in first.content.decode()


def test_board_htmx_request_returns_only_the_results() -> None:
    DemandFactory(title="公开需求")
    response = Client().get(url("demand_list"), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "公开需求" in body
    assert "<html" not in body


# --- demand detail -----------------------------------------------------------------------------


def test_demand_detail_hides_target_price_and_contacts_from_the_public() -> None:
    demand = DemandFactory(target_unit_price_rmb=Decimal("45.50"))
    response = Client().get(url("demand_detail", demand.pk))
    assert response.status_code == 200
    body = response.content.decode()
    assert demand.title in body
    assert "45.50" not in body
    assert demand.owner.contact_phone not in body
    assert response.context["sees_private"] is False


@pytest.mark.parametrize("lang", ["zh-hans", "en", "ja"])
def test_demand_detail_groups_the_pairs_in_thousands_in_every_language(lang: str) -> None:
    # Django's own zh_Hans format has no separator; ours groups in threes with commas
    demand = DemandFactory(pairs=6_500_000, min_lot_pairs=25_000)
    with translation.override(lang):
        path = reverse("market:demand_detail", args=[demand.pk])
    body = Client().get(path).content.decode()
    assert '<dd data-testid="demand-pairs">6,500,000</dd>' in body
    assert "<dd>25,000</dd>" in body


@pytest.mark.parametrize("who", ["member", "operator", "shared"])
def test_demand_detail_shows_target_price_and_contacts_to_privileged_viewers(who: str) -> None:
    demand = DemandFactory(target_unit_price_rmb=Decimal("45.50"), visibility="private")
    if who == "member":
        user = MembershipFactory(enterprise=demand.owner).user
    elif who == "operator":
        user = OperatorScopeFactory(cluster=demand.owner.cluster).user
    else:
        partner = EnterpriseFactory()
        DemandShare.objects.create(demand=demand, enterprise=partner)
        user = MembershipFactory(enterprise=partner).user
    response = client_for(user).get(url("demand_detail", demand.pk))
    assert response.status_code == 200
    body = response.content.decode()
    assert "RMB 45.50" in body
    assert demand.owner.contact_phone in body


def test_private_demand_is_404_for_others_and_reveals_nothing() -> None:
    demand = DemandFactory(
        title="机密订单", visibility="private", target_unit_price_rmb=Decimal("45.50")
    )
    outsider = MembershipFactory(enterprise=EnterpriseFactory()).user
    for client in (Client(), client_for(outsider)):
        response = client.get(url("demand_detail", demand.pk))
        assert response.status_code == 404
        assert "机密订单" not in response.content.decode()


def test_post_a_demand_sends_a_single_firm_member_to_its_form() -> None:
    firm = EnterpriseFactory(roles=["brand"])
    user = MembershipFactory(enterprise=firm).user
    response = client_for(user).get(url("demand_create"))
    assert response.status_code == 302
    with translation.override("en"):
        assert response["Location"] == reverse("mine:demand_create", args=[firm.pk])


def test_post_a_demand_requires_login() -> None:
    response = Client().get(url("demand_create"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- offers ------------------------------------------------------------------------------------


@pytest.fixture
def factory_member() -> Any:
    return MembershipFactory(enterprise=EnterpriseFactory(legal_name="莆田市飞鞋业有限公司")).user


def offer_post(owner_id: int, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "owner": str(owner_id),
        "offer_type": "capacity",
        "title": "注塑运动鞋产能 2 万双",
        "description": "",
        "category": "sports-shoes",
        "pairs": "20000",
        "unit_price_rmb": "38.00",
        "available_from": "2026-W50",
        "available_to": "2027-W02",
        "visibility": "public",
    }
    data.update(overrides)
    return data


def test_member_creates_an_offer(factory_member: Any) -> None:
    firm_id = factory_member.memberships.get().enterprise_id
    response = client_for(factory_member).post(url("offer_create"), offer_post(firm_id))
    offer = Offer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("offer_detail", offer.pk)
    assert (
        offer.owner_id,
        offer.pairs,
        offer.unit_price_rmb,
        offer.available_from,
        offer.available_to,
    ) == (
        firm_id,
        20000,
        Decimal("38.00"),
        dt.date(2026, 12, 7),
        dt.date(2027, 1, 11),
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"pairs": "0"}, "pairs", "Pairs must be a whole number of at least 1."),
        ({"pairs": "-20"}, "pairs", "Pairs must be a whole number of at least 1."),
        ({"pairs": "19999.5"}, "pairs", "Pairs are counted in whole numbers, e.g. 20000."),
        ({"available_from": "2026-W40"}, "available_from", "This week is in the past."),
        (
            {"available_to": "2026-W49"},
            "available_to",
            "The last week comes before the first week.",
        ),
        ({"category": "spaceships"}, "category", "Unknown product category: spaceships."),
        (
            {"unit_price_rmb": "38.001"},
            "unit_price_rmb",
            "Use at most two decimals (yuan and fen).",
        ),
        ({"offer_type": "magic"}, "offer_type", "Unknown offer type: magic."),
    ],
)
def test_offer_form_rejects_bad_input_and_writes_nothing(
    factory_member: Any, overrides: dict[str, Any], field: str, message: str
) -> None:
    firm_id = factory_member.memberships.get().enterprise_id
    response = client_for(factory_member).post(
        url("offer_create"), offer_post(firm_id, **overrides)
    )
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert Offer.objects.count() == 0


def test_offer_for_a_firm_the_user_is_not_member_of_is_refused(factory_member: Any) -> None:
    other = EnterpriseFactory()
    response = client_for(factory_member).post(url("offer_create"), offer_post(other.pk))
    assert response.status_code == 400
    assert response.context["form"].errors["owner"] == ["Choose one of your firms."]
    assert Offer.objects.count() == 0


def test_offer_create_requires_login() -> None:
    response = Client().post(url("offer_create"), offer_post(1))
    assert response.status_code == 302
    assert Offer.objects.count() == 0


def test_offer_list_and_detail_hide_the_price_from_outsiders(factory_member: Any) -> None:
    firm = factory_member.memberships.get().enterprise
    offer = Offer.objects.create(
        owner=firm, offer_type="capacity", title="公开产能", unit_price_rmb=Decimal("38.00")
    )
    Offer.objects.create(owner=firm, offer_type="material", title="私密材料", visibility="private")
    anonymous = Client()
    listing = anonymous.get(url("offer_list"))
    assert [o.title for o in listing.context["page"].object_list] == ["公开产能"]
    detail = anonymous.get(url("offer_detail", offer.pk))
    assert detail.status_code == 200
    assert "38.00" not in detail.content.decode()
    own = client_for(factory_member).get(url("offer_detail", offer.pk))
    assert "RMB 38.00" in own.content.decode()
    private = Offer.objects.get(title="私密材料")
    assert anonymous.get(url("offer_detail", private.pk)).status_code == 404
    assert client_for(UserFactory()).get(url("offer_detail", private.pk)).status_code == 404


def test_offer_list_filters_by_type(factory_member: Any) -> None:
    firm = factory_member.memberships.get().enterprise
    Offer.objects.create(owner=firm, offer_type="capacity", title="产能")
    Offer.objects.create(owner=firm, offer_type="technology", title="技术")
    response = Client().get(url("offer_list"), {"offer_type": "technology"})
    assert [o.title for o in response.context["page"].object_list] == ["技术"]


@pytest.mark.parametrize("lang", ["zh-hans", "en", "ja"])
def test_market_pages_render_in_every_language(lang: str) -> None:
    demand = DemandFactory(title="跑鞋代工")
    client = Client()
    with translation.override(lang):
        pages = [
            reverse("market:demand_list"),
            reverse("market:demand_detail", args=[demand.pk]),
            reverse("market:offer_list"),
        ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200
        assert f'<html lang="{lang}">' in response.content.decode()
