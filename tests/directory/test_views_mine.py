"""My enterprise pages: overview, profile, capacity calendar grid and my demands."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from clusterlink.accounts.models import Membership
from clusterlink.common import clock
from clusterlink.directory.models import CapacityWeek, Category, Enterprise
from clusterlink.directory.search import search_fields
from clusterlink.market.models import Demand, DemandShare
from tests.accounts.factories import MembershipFactory, OperatorScopeFactory
from tests.directory.factories import CapacityWeekFactory, EnterpriseFactory
from tests.market.factories import DemandFactory

pytestmark = pytest.mark.django_db

# Wednesday of ISO week 2026-W48; its Monday is 2026-11-23.
NOW = dt.datetime(2026, 11, 25, 4, 0, tzinfo=dt.UTC)
W48 = dt.date(2026, 11, 23)
W49 = dt.date(2026, 11, 30)
W50 = dt.date(2026, 12, 7)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    with clock.frozen(NOW):
        yield


@pytest.fixture
def factory_firm() -> Enterprise:
    firm = EnterpriseFactory(
        legal_name="莆田市华峰鞋业有限公司", name_en="Putian Huafeng Shoes", roles=["oem_factory"]
    )
    firm.categories.set(Category.objects.filter(code__in=["sports-shoes", "casual-shoes"]))
    Enterprise.objects.filter(pk=firm.pk).update(
        search_keys=search_fields(legal_name=firm.legal_name, name_en=firm.name_en)[0]
    )
    return firm


@pytest.fixture
def member(factory_firm: Enterprise) -> Any:
    return MembershipFactory(
        enterprise=factory_firm, role=Membership.Role.MEMBER, user__username="worker"
    ).user


@pytest.fixture
def owner(factory_firm: Enterprise) -> Any:
    return MembershipFactory(
        enterprise=factory_firm, role=Membership.Role.OWNER, user__username="boss"
    ).user


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def mine_url(name: str, *args: Any) -> str:
    """English pages, so that Django's own messages read as asserted."""
    with translation.override("en"):
        return reverse(f"mine:{name}", args=args)


def cell(category: str, week: str, field: str = "free_pairs") -> str:
    return f"{category}@{week}.{field}"


# --- home and overview -------------------------------------------------------------------------


def test_home_redirects_a_single_firm_member_to_its_overview(
    member: Any, factory_firm: Enterprise
) -> None:
    response = client_for(member).get(mine_url("home"))
    assert response.status_code == 302
    assert response["Location"] == mine_url("overview", factory_firm.pk)


def test_home_lets_a_member_of_several_firms_pick_one(
    member: Any, factory_firm: Enterprise
) -> None:
    other = EnterpriseFactory(legal_name="晋江市第二鞋业有限公司")
    MembershipFactory(enterprise=other, user=member)
    response = client_for(member).get(mine_url("home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert mine_url("overview", factory_firm.pk) in body
    assert mine_url("overview", other.pk) in body


def test_home_requires_login() -> None:
    response = Client().get(mine_url("home"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_overview_shows_members_contacts_and_links(
    member: Any, owner: Any, factory_firm: Enterprise
) -> None:
    response = client_for(member).get(mine_url("overview", factory_firm.pk))
    assert response.status_code == 200
    body = response.content.decode()
    assert "worker" in body and "boss" in body
    assert factory_firm.contact_phone in body
    assert mine_url("capacity", factory_firm.pk) in body
    assert mine_url("demands", factory_firm.pk) in body
    # A plain member may not edit the profile, so the link is not offered.
    assert mine_url("profile", factory_firm.pk) not in body


def test_overview_of_another_firm_is_404_and_reveals_nothing(factory_firm: Enterprise) -> None:
    outsider = MembershipFactory(enterprise=EnterpriseFactory()).user
    response = client_for(outsider).get(mine_url("overview", factory_firm.pk))
    assert response.status_code == 404
    assert factory_firm.contact_phone not in response.content.decode()


def test_operator_of_the_cluster_sees_the_overview(factory_firm: Enterprise) -> None:
    operator = OperatorScopeFactory(cluster=factory_firm.cluster).user
    response = client_for(operator).get(mine_url("overview", factory_firm.pk))
    assert response.status_code == 200


# --- profile -----------------------------------------------------------------------------------


def profile_post(firm: Enterprise, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "legal_name": firm.legal_name,
        "name_en": firm.name_en,
        "credit_code": "",
        "address": firm.address,
        "employees": "350",
        "description": "",
        "website": "",
        "contact_name": "李厂长",
        "contact_phone": "13900000000",
        "contact_email": "li@example.cn",
        "is_listed": "on",
        "roles": ["oem_factory", "component_maker"],
        "categories": ["sports-shoes"],
        "processes": ["injection", "lasting"],
        "certifications": ["bsci"],
    }
    data.update(overrides)
    return data


def test_owner_saves_profile_with_checkboxes(owner: Any, factory_firm: Enterprise) -> None:
    response = client_for(owner).post(
        mine_url("profile", factory_firm.pk), profile_post(factory_firm)
    )
    assert response.status_code == 302
    firm = Enterprise.objects.get(pk=factory_firm.pk)
    assert firm.role_codes == ["component_maker", "oem_factory"]
    assert [c.code for c in firm.categories.all()] == ["sports-shoes"]
    assert sorted(p.code for p in firm.processes.all()) == ["injection", "lasting"]
    assert [c.code for c in firm.certifications.all()] == ["bsci"]
    assert firm.employees == 350
    assert firm.size == Enterprise.Size.MEDIUM
    assert firm.contact_name == "李厂长"


def test_profile_with_bad_credit_code_and_unknown_process_shows_errors_and_changes_nothing(
    owner: Any, factory_firm: Enterprise
) -> None:
    data = profile_post(
        factory_firm,
        credit_code="91350100M000100Y44",
        processes=["teleportation"],
        contact_name="改了",
    )
    response = client_for(owner).post(mine_url("profile", factory_firm.pk), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["processes"] == ["Unknown process: teleportation."]
    assert form.errors["credit_code"] == [
        "The check character of this unified social credit code is wrong."
    ]
    firm = Enterprise.objects.get(pk=factory_firm.pk)
    assert firm.contact_name == "张经理"
    assert firm.processes.count() == 0


def test_profile_credit_code_check_character_error_is_shown_on_the_field(
    owner: Any, factory_firm: Enterprise
) -> None:
    response = client_for(owner).post(
        mine_url("profile", factory_firm.pk),
        profile_post(factory_firm, credit_code="91350100M000100Y44"),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["credit_code"] == [
        "The check character of this unified social credit code is wrong."
    ]
    assert Enterprise.objects.get(pk=factory_firm.pk).credit_code == ""


def test_profile_reports_every_error_in_one_round(owner: Any, factory_firm: Enterprise) -> None:
    data = profile_post(
        factory_firm,
        legal_name="",
        credit_code="91350100M000100Y44",
        employees="many",
        website="not a url",
        contact_email="not-an-email",
    )
    response = client_for(owner).post(mine_url("profile", factory_firm.pk), data)
    assert response.status_code == 400
    assert sorted(response.context["form"].errors) == [
        "contact_email",
        "credit_code",
        "employees",
        "legal_name",
        "website",
    ]
    assert Enterprise.objects.get(pk=factory_firm.pk).legal_name == factory_firm.legal_name


PHONE_MESSAGE = (
    "Enter a phone number of 5 to 20 digits, e.g. 0594-2681234 or +86 139 0000 0000; "
    "spaces, hyphens, brackets and an extension (转 801) may be used."
)


@pytest.mark.parametrize(
    "phone",
    [
        "13900000000",
        "+86 139 0000 0000",
        "0594-2681234",
        "(0594) 2681234",
        "（0594）2681234",
        "0594-2681234-801",
        "0594-2681234 转 801",
        "0594-2681234 ext. 801",
    ],
)
def test_profile_accepts_chinese_mobile_and_landline_numbers(
    owner: Any, factory_firm: Enterprise, phone: str
) -> None:
    response = client_for(owner).post(
        mine_url("profile", factory_firm.pk), profile_post(factory_firm, contact_phone=phone)
    )
    assert response.status_code == 302
    assert Enterprise.objects.get(pk=factory_firm.pk).contact_phone == phone


@pytest.mark.parametrize(
    "phone", ["call me", "abc", "1234", "123456789012345678901", "13900000000转"]
)
def test_profile_refuses_a_phone_that_is_no_number(
    owner: Any, factory_firm: Enterprise, phone: str
) -> None:
    response = client_for(owner).post(
        mine_url("profile", factory_firm.pk), profile_post(factory_firm, contact_phone=phone)
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {"contact_phone": [PHONE_MESSAGE]}
    assert Enterprise.objects.get(pk=factory_firm.pk).contact_phone == factory_firm.contact_phone


def test_plain_member_cannot_edit_profile(member: Any, factory_firm: Enterprise) -> None:
    client = client_for(member)
    assert client.get(mine_url("profile", factory_firm.pk)).status_code == 404
    response = client.post(
        mine_url("profile", factory_firm.pk), profile_post(factory_firm, contact_name="入侵")
    )
    assert response.status_code == 404
    assert Enterprise.objects.get(pk=factory_firm.pk).contact_name == "张经理"


def test_operator_of_the_cluster_edits_profile(factory_firm: Enterprise) -> None:
    operator = OperatorScopeFactory(cluster=factory_firm.cluster).user
    response = client_for(operator).post(
        mine_url("profile", factory_firm.pk), profile_post(factory_firm, employees="12")
    )
    assert response.status_code == 302
    assert Enterprise.objects.get(pk=factory_firm.pk).employees == 12


# --- capacity calendar -------------------------------------------------------------------------


def test_capacity_grid_shows_categories_by_the_next_12_iso_weeks(
    member: Any, factory_firm: Enterprise
) -> None:
    CapacityWeekFactory(enterprise=factory_firm, week=W49, free_pairs=4200, reserved_pairs=1000)
    response = client_for(member).get(mine_url("capacity", factory_firm.pk))
    assert response.status_code == 200
    grid = response.context["grid"]
    assert [label for label, _monday, _past in grid.week_labels] == [
        f"2026-W{n}" for n in range(48, 54)
    ] + [f"2027-W0{n}" for n in range(1, 7)]
    assert [row.category.code for row in grid.rows] == ["sports-shoes", "casual-shoes"]
    body = response.content.decode()
    assert 'name="sports-shoes@2026-W49.free_pairs"' in body
    assert 'value="4200"' in body
    assert "1,000 reserved" in body
    assert '2026-W48 · <span class="muted">11-23</span>' in body


def test_capacity_saves_two_cells_with_details(member: Any, factory_firm: Enterprise) -> None:
    data = {
        "start": "2026-W48",
        cell("sports-shoes", "2026-W49"): "3000",
        cell("sports-shoes", "2026-W49", "unit_price_min_rmb"): "18.50",
        cell("sports-shoes", "2026-W49", "unit_price_max_rmb"): "22",
        cell("sports-shoes", "2026-W49", "min_lot_pairs"): "500",
        cell("sports-shoes", "2026-W49", "lead_time_days"): "14",
        cell("casual-shoes", "2026-W50"): "1,200",
    }
    response = client_for(member).post(mine_url("capacity", factory_firm.pk), data)
    assert response.status_code == 302
    assert response["Location"] == mine_url("capacity", factory_firm.pk) + "?start=2026-W48"
    rows = {
        (r.category.code, r.week): r for r in CapacityWeek.objects.filter(enterprise=factory_firm)
    }
    assert set(rows) == {("sports-shoes", W49), ("casual-shoes", W50)}
    sports = rows[("sports-shoes", W49)]
    assert (
        sports.free_pairs,
        sports.unit_price_min_rmb,
        sports.unit_price_max_rmb,
        sports.min_lot_pairs,
        sports.lead_time_days,
    ) == (3000, Decimal("18.50"), Decimal("22.00"), 500, 14)
    assert rows[("casual-shoes", W50)].free_pairs == 1200


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("free_pairs", "1.5", "Enter a whole number, e.g. 3000."),
        ("free_pairs", "-10", "Enter a whole number of zero or more."),
        ("free_pairs", "many", "Enter a whole number, e.g. 3000."),
        ("unit_price_min_rmb", "18.505", "Use at most two decimals (yuan and fen)."),
        ("unit_price_min_rmb", "-1", "An amount in RMB cannot be negative."),
        ("lead_time_days", "400", "Ensure this value is less than or equal to 365."),
        ("free_pairs", "5000000000", "At most 100,000,000 pairs (got 5,000,000,000)."),
        ("min_lot_pairs", "100000001", "At most 100,000,000 pairs (got 100,000,001)."),
    ],
)
def test_capacity_bad_cell_is_located_and_nothing_is_written(
    member: Any, factory_firm: Enterprise, field: str, value: str, message: str
) -> None:
    data = {
        "start": "2026-W48",
        cell("casual-shoes", "2026-W49"): "900",
        cell("sports-shoes", "2026-W50"): "500",
        cell("sports-shoes", "2026-W50", field): value,
    }
    response = client_for(member).post(mine_url("capacity", factory_firm.pk), data)
    assert response.status_code == 400
    grid = response.context["grid"]
    bad = grid.cells_by_key["sports-shoes@2026-W50"]
    assert next(i for i in bad.inputs if i.name == field).errors == [message]
    assert grid.cells_by_key["casual-shoes@2026-W49"].has_errors is False
    body = response.content.decode()
    assert f'value="{value}"' in body  # the typed value is kept for correction
    assert CapacityWeek.objects.count() == 0


def test_capacity_below_reserved_is_reported_on_the_cell_and_nothing_changes(
    member: Any, factory_firm: Enterprise
) -> None:
    row = CapacityWeekFactory(
        enterprise=factory_firm, week=W49, free_pairs=1000, reserved_pairs=800
    )
    data = {
        "start": "2026-W48",
        cell("sports-shoes", "2026-W49"): "700",
        cell("casual-shoes", "2026-W50"): "300",
    }
    response = client_for(member).post(mine_url("capacity", factory_firm.pk), data)
    assert response.status_code == 400
    errors = response.context["grid"].cells_by_key["sports-shoes@2026-W49"].free.errors
    assert errors == ["800 pairs are already reserved this week; free pairs cannot be lower."]
    assert CapacityWeek.objects.get(pk=row.pk).free_pairs == 1000
    assert CapacityWeek.objects.count() == 1


def test_capacity_price_range_reversed_is_reported_on_the_cell(
    member: Any, factory_firm: Enterprise
) -> None:
    data = {
        "start": "2026-W48",
        cell("sports-shoes", "2026-W49"): "100",
        cell("sports-shoes", "2026-W49", "unit_price_min_rmb"): "30",
        cell("sports-shoes", "2026-W49", "unit_price_max_rmb"): "20",
    }
    response = client_for(member).post(mine_url("capacity", factory_firm.pk), data)
    assert response.status_code == 400
    bad = response.context["grid"].cells_by_key["sports-shoes@2026-W49"]
    assert bad.inputs[2].errors == ["The highest price is below the lowest price."]
    assert CapacityWeek.objects.count() == 0


def test_capacity_past_weeks_are_read_only_and_posted_values_are_ignored(
    member: Any, factory_firm: Enterprise
) -> None:
    past = CapacityWeekFactory(
        enterprise=factory_firm, week=W48 - dt.timedelta(weeks=2), free_pairs=600
    )
    client = client_for(member)
    response = client.get(mine_url("capacity", factory_firm.pk), {"start": "2026-W44"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="sports-shoes@2026-W46.free_pairs"' not in body
    assert 'name="sports-shoes@2026-W48.free_pairs"' in body
    assert "600" in body
    response = client.post(
        mine_url("capacity", factory_firm.pk),
        {"start": "2026-W44", cell("sports-shoes", "2026-W46"): "9999"},
    )
    assert response.status_code == 302
    assert CapacityWeek.objects.get(pk=past.pk).free_pairs == 600


def test_capacity_navigation_moves_by_12_weeks(member: Any, factory_firm: Enterprise) -> None:
    response = client_for(member).get(mine_url("capacity", factory_firm.pk), {"start": "2026-W48"})
    grid = response.context["grid"]
    assert (grid.previous_start, grid.next_start) == ("2026-W36", "2027-W07")
    assert "?start=2027-W07" in response.content.decode()


def test_capacity_htmx_row_save_returns_the_row_and_saves_only_that_row(
    member: Any, factory_firm: Enterprise
) -> None:
    data = {
        "start": "2026-W48",
        "row": "sports-shoes",
        cell("sports-shoes", "2026-W49"): "2500",
        cell("casual-shoes", "2026-W49"): "800",
    }
    response = client_for(member).post(
        mine_url("capacity", factory_firm.pk), data, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<tr id="row-sports-shoes"')
    assert 'data-testid="row-saved"' in body
    assert list(CapacityWeek.objects.values_list("category__code", "week", "free_pairs")) == [
        ("sports-shoes", W49, 2500)
    ]


def test_capacity_htmx_row_with_error_comes_back_with_the_error_and_nothing_written(
    member: Any, factory_firm: Enterprise
) -> None:
    data = {
        "start": "2026-W48",
        "row": "sports-shoes",
        cell("sports-shoes", "2026-W49"): "2500",
        cell("sports-shoes", "2026-W50"): "2.5",
    }
    response = client_for(member).post(
        mine_url("capacity", factory_firm.pk), data, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-cell="sports-shoes@2026-W50"' in body
    assert "Enter a whole number, e.g. 3000." in body
    assert 'data-testid="row-saved"' not in body
    assert CapacityWeek.objects.count() == 0


def test_non_member_editing_another_firms_capacity_gets_404_and_nothing_changes(
    factory_firm: Enterprise,
) -> None:
    row = CapacityWeekFactory(enterprise=factory_firm, week=W49, free_pairs=1000)
    outsider = MembershipFactory(enterprise=EnterpriseFactory(cluster=factory_firm.cluster)).user
    client = client_for(outsider)
    assert client.get(mine_url("capacity", factory_firm.pk)).status_code == 404
    response = client.post(
        mine_url("capacity", factory_firm.pk),
        {
            "start": "2026-W48",
            cell("sports-shoes", "2026-W49"): "1",
            cell("sports-shoes", "2026-W50"): "77",
        },
    )
    assert response.status_code == 404
    assert "1000" not in response.content.decode()
    assert list(CapacityWeek.objects.values_list("pk", "free_pairs")) == [(row.pk, 1000)]


def test_unchanged_cells_are_not_saved_again(member: Any, factory_firm: Enterprise) -> None:
    row = CapacityWeekFactory(enterprise=factory_firm, week=W49, free_pairs=1000)
    history_before = row.history.count()
    data = {
        "start": "2026-W48",
        cell("sports-shoes", "2026-W49"): "1000",
        cell("sports-shoes", "2026-W49", "min_lot_pairs"): "0",
        cell("sports-shoes", "2026-W49", "lead_time_days"): "0",
    }
    response = client_for(member).post(mine_url("capacity", factory_firm.pk), data)
    assert response.status_code == 302
    assert CapacityWeek.objects.get(pk=row.pk).history.count() == history_before


# --- my demands --------------------------------------------------------------------------------


@pytest.fixture
def brand() -> Enterprise:
    return EnterpriseFactory(
        legal_name="泉州市峰速体育用品有限公司", name_en="Quanzhou Fengsu Sports", roles=["brand"]
    )


@pytest.fixture
def brand_user(brand: Enterprise) -> Any:
    return MembershipFactory(enterprise=brand, user__username="buyer").user


def demand_post(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "demand_type": "processing_order",
        "title": "跑鞋代工 3 万双",
        "description": "",
        "category": "sports-shoes",
        "pairs": "30000",
        "target_unit_price_rmb": "45.50",
        "delivery_week": "2027-W02",
        "min_lot_pairs": "5000",
        "split_allowed": "on",
        "max_factories": "3",
        "required_processes": ["injection"],
        "required_certifications": ["bsci"],
        "visibility": "public",
        "status": "open",
    }
    data.update(overrides)
    return data


def test_brand_posts_a_demand(brand_user: Any, brand: Enterprise) -> None:
    response = client_for(brand_user).post(mine_url("demand_create", brand.pk), demand_post())
    demand = Demand.objects.get()
    assert response.status_code == 302
    with translation.override("en"):
        assert response["Location"] == reverse("market:demand_detail", args=[demand.pk])
    assert (
        demand.owner,
        demand.created_by,
        demand.pairs,
        demand.target_unit_price_rmb,
        demand.delivery_week,
    ) == (brand, brand_user, 30000, Decimal("45.50"), dt.date(2027, 1, 11))
    assert [p.code for p in demand.required_processes.all()] == ["injection"]
    assert [c.code for c in demand.required_certifications.all()] == ["bsci"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"pairs": "0"}, "pairs", "Pairs must be a whole number of at least 1."),
        ({"pairs": "-5"}, "pairs", "Pairs must be a whole number of at least 1."),
        ({"pairs": "2.5"}, "pairs", "Pairs are counted in whole numbers, e.g. 20000."),
        (
            {"pairs": "1000000000000"},
            "pairs",
            "At most 100,000,000 pairs (got 1,000,000,000,000).",
        ),
        ({"delivery_week": "2026-W47"}, "delivery_week", "This week is in the past."),
        ({"delivery_week": "next week"}, "delivery_week", "Enter a week like 2026-W49."),
        ({"category": "spaceships"}, "category", "Unknown product category: spaceships."),
        (
            {"required_processes": ["teleportation"]},
            "required_processes",
            "Unknown process: teleportation.",
        ),
        (
            {"target_unit_price_rmb": "45.555"},
            "target_unit_price_rmb",
            "Use at most two decimals (yuan and fen).",
        ),
        ({"category": ""}, "category", "An order needs a product category."),
        (
            {"min_lot_pairs": "40000"},
            "min_lot_pairs",
            "The minimum lot cannot exceed the order's pairs.",
        ),
    ],
)
def test_demand_form_rejects_bad_input_and_writes_nothing(
    brand_user: Any, brand: Enterprise, overrides: dict[str, Any], field: str, message: str
) -> None:
    response = client_for(brand_user).post(
        mine_url("demand_create", brand.pk), demand_post(**overrides)
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {field: [message]}
    assert f'data-testid="error-{field}"' in response.content.decode()
    assert Demand.objects.count() == 0


def test_demand_list_shows_the_firms_demands_only(brand_user: Any, brand: Enterprise) -> None:
    mine = DemandFactory(owner=brand, title="我的需求", status=Demand.Status.DRAFT)
    DemandFactory(title="别人的需求")
    response = client_for(brand_user).get(mine_url("demands", brand.pk))
    assert response.status_code == 200
    assert [d.pk for d in response.context["demands"]] == [mine.pk]
    assert "别人的需求" not in response.content.decode()


def test_demand_edit_changes_fields_and_keeps_an_old_delivery_week(
    brand_user: Any, brand: Enterprise
) -> None:
    demand = DemandFactory(owner=brand, pairs=20000)
    Demand.objects.filter(pk=demand.pk).update(delivery_week=W48 - dt.timedelta(weeks=1))
    response = client_for(brand_user).post(
        mine_url("demand_edit", brand.pk, demand.pk),
        demand_post(delivery_week="2026-W47", pairs="25000"),
    )
    assert response.status_code == 302
    demand.refresh_from_db()
    assert (demand.pairs, demand.delivery_week) == (25000, dt.date(2026, 11, 16))


def test_demand_edit_to_a_past_week_is_refused(brand_user: Any, brand: Enterprise) -> None:
    demand = DemandFactory(owner=brand)
    before = demand.delivery_week
    response = client_for(brand_user).post(
        mine_url("demand_edit", brand.pk, demand.pk), demand_post(delivery_week="2026-W40")
    )
    assert response.status_code == 400
    assert response.context["form"].errors["delivery_week"] == ["This week is in the past."]
    demand.refresh_from_db()
    assert demand.delivery_week == before


def test_share_finds_a_firm_by_pinyin_and_shares(
    brand_user: Any, brand: Enterprise, factory_firm: Enterprise
) -> None:
    demand = DemandFactory(owner=brand, visibility="private")
    client = client_for(brand_user)
    response = client.get(mine_url("demand_share", brand.pk, demand.pk), {"q": "huafeng"})
    assert response.status_code == 200
    assert [f.pk for f in response.context["found"]] == [factory_firm.pk]
    response = client.post(
        mine_url("demand_share", brand.pk, demand.pk), {"enterprise_id": factory_firm.pk}
    )
    assert response.status_code == 302
    assert list(DemandShare.objects.values_list("demand_id", "enterprise_id")) == [
        (demand.pk, factory_firm.pk)
    ]


def test_share_taken_back_from_the_share_page(
    brand_user: Any, brand: Enterprise, factory_firm: Enterprise
) -> None:
    demand = DemandFactory(owner=brand, visibility="private")
    DemandShare.objects.create(demand=demand, enterprise=factory_firm)
    client = client_for(brand_user)
    page = client.get(mine_url("demand_share", brand.pk, demand.pk)).content.decode()
    assert f'data-testid="unshare-{factory_firm.pk}"' in page
    response = client.post(mine_url("demand_unshare", brand.pk, demand.pk, factory_firm.pk))
    assert response.status_code == 302
    assert not DemandShare.objects.exists()
    # a second time there is nothing to take back
    again = client.post(mine_url("demand_unshare", brand.pk, demand.pk, factory_firm.pk))
    assert again.status_code == 404


def test_share_with_an_unknown_firm_is_404_and_writes_nothing(
    brand_user: Any, brand: Enterprise
) -> None:
    demand = DemandFactory(owner=brand)
    response = client_for(brand_user).post(
        mine_url("demand_share", brand.pk, demand.pk), {"enterprise_id": 999999}
    )
    assert response.status_code == 404
    assert DemandShare.objects.count() == 0


def test_cancel_sets_the_status(brand_user: Any, brand: Enterprise) -> None:
    demand = DemandFactory(owner=brand)
    response = client_for(brand_user).post(mine_url("demand_cancel", brand.pk, demand.pk))
    assert response.status_code == 302
    assert Demand.objects.get(pk=demand.pk).status == Demand.Status.CANCELLED


def test_a_firm_a_demand_was_shared_with_cannot_edit_share_or_cancel_it(
    brand: Enterprise, factory_firm: Enterprise, member: Any
) -> None:
    demand = DemandFactory(owner=brand, title="原标题")
    DemandShare.objects.create(demand=demand, enterprise=factory_firm)
    client = client_for(member)
    assert client.get(mine_url("demand_edit", brand.pk, demand.pk)).status_code == 404
    assert client.get(mine_url("demand_edit", factory_firm.pk, demand.pk)).status_code == 404
    assert (
        client.post(
            mine_url("demand_edit", factory_firm.pk, demand.pk), demand_post(title="改掉")
        ).status_code
        == 404
    )
    assert client.post(mine_url("demand_cancel", factory_firm.pk, demand.pk)).status_code == 404
    assert (
        client.post(
            mine_url("demand_share", factory_firm.pk, demand.pk), {"enterprise_id": factory_firm.pk}
        ).status_code
        == 404
    )
    for firm in (brand, factory_firm):  # nor take its own share back
        unshare = mine_url("demand_unshare", firm.pk, demand.pk, factory_firm.pk)
        assert client.post(unshare).status_code == 404
    demand.refresh_from_db()
    assert (demand.title, demand.status, DemandShare.objects.count()) == (
        "原标题",
        Demand.Status.OPEN,
        1,
    )


def test_row_button_without_javascript_saves_every_change(
    member: Any, factory_firm: Enterprise
) -> None:
    data = {
        "start": "2026-W48",
        "row": "sports-shoes",
        cell("sports-shoes", "2026-W49"): "2500",
        cell("casual-shoes", "2026-W49"): "800",
    }
    response = client_for(member).post(mine_url("capacity", factory_firm.pk), data)
    assert response.status_code == 302
    stored = sorted(CapacityWeek.objects.values_list("category__code", "free_pairs"))
    assert stored == [("casual-shoes", 800), ("sports-shoes", 2500)]


def test_demand_edit_form_shows_the_stored_values_with_an_iso_week(
    brand_user: Any, brand: Enterprise
) -> None:
    demand = DemandFactory(owner=brand, pairs=20000, delivery_week=W50)
    demand.required_processes.set([])
    response = client_for(brand_user).get(mine_url("demand_edit", brand.pk, demand.pk))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'type="week" name="delivery_week" value="2026-W50"' in body
    assert 'name="pairs" value="20000"' in body


# --- capacity calendar: the start week stays within the calendar's window ----------------------


@pytest.mark.parametrize(
    ("asked", "shown"),
    [("0001-W01", "2023-W48"), ("9999-W52", "2029-W47"), ("2031-W10", "2029-W47")],
)
def test_capacity_start_outside_the_window_is_moved_to_its_edge_with_a_message(
    member: Any, factory_firm: Enterprise, asked: str, shown: str
) -> None:
    response = client_for(member).get(mine_url("capacity", factory_firm.pk), {"start": asked})
    assert response.status_code == 200
    grid = response.context["grid"]
    assert grid.start_label == shown
    notes = [str(m) for m in response.context["messages"]]
    assert notes == [
        "The capacity calendar covers the weeks from 2023-W48 to 2029-W47; "
        f"it shows {shown} instead of {asked}."
    ]


def test_capacity_navigation_stops_at_the_edges_of_the_window(
    member: Any, factory_firm: Enterprise
) -> None:
    client = client_for(member)
    first = client.get(mine_url("capacity", factory_firm.pk), {"start": "2023-W50"}).context["grid"]
    assert (first.previous_start, first.next_start) == ("2023-W48", "2024-W10")
    edge = client.get(mine_url("capacity", factory_firm.pk), {"start": "2023-W48"})
    assert (edge.context["grid"].previous_start, edge.context["grid"].next_start) == (
        None,
        "2024-W08",
    )
    assert 'data-testid="weeks-earlier"' not in edge.content.decode()
    last = client.get(mine_url("capacity", factory_firm.pk), {"start": "2029-W47"}).context["grid"]
    assert (last.previous_start, last.next_start) == ("2029-W35", None)


def test_capacity_save_with_a_start_outside_the_window_redirects_to_the_clamped_week(
    member: Any, factory_firm: Enterprise
) -> None:
    data = {"start": "0001-W01", cell("sports-shoes", "2026-W49"): "3000"}
    response = client_for(member).post(mine_url("capacity", factory_firm.pk), data)
    assert response.status_code == 302
    assert response["Location"] == mine_url("capacity", factory_firm.pk) + "?start=2023-W48"
    # The window starting at 2023-W48 does not reach 2026-W49: nothing to save there.
    assert CapacityWeek.objects.count() == 0


def test_demand_list_shows_the_delivery_week_with_its_dates(
    brand_user: Any, brand: Enterprise
) -> None:
    DemandFactory(owner=brand, title="我的需求", delivery_week=W50)
    body = client_for(brand_user).get(mine_url("demands", brand.pk)).content.decode()
    assert "2026-W50 · 12-07–12-13" in body
