"""Browser: an owner's tour of my enterprise — overview, profile checkboxes, sharing, cancelling."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest

from clusterlink.directory.models import Category, Enterprise
from clusterlink.directory.search import search_fields
from clusterlink.market.models import Demand, DemandShare
from tests.accounts.factories import MembershipFactory
from tests.directory.factories import EnterpriseFactory
from tests.market.factories import DemandFactory

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("CLUSTERLINK_SCREENSHOTS", "")


def shot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


@pytest.fixture
def brand(transactional_db: None) -> Enterprise:
    firm = EnterpriseFactory(
        legal_name="泉州市峰速体育用品有限公司", name_en="Quanzhou Fengsu Sports", roles=["brand"]
    )
    firm.categories.set(Category.objects.filter(code="sports-shoes"))
    return firm


@pytest.fixture
def partner(transactional_db: None) -> Enterprise:
    firm = EnterpriseFactory(legal_name="莆田市华峰鞋业有限公司", name_en="Putian Huafeng Shoes")
    Enterprise.objects.filter(pk=firm.pk).update(
        search_keys=search_fields(legal_name=firm.legal_name, name_en=firm.name_en)[0]
    )
    return firm


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_owner_edits_profile_shares_and_cancels_a_demand(
    page: Any, login: Callable[..., None], url: Callable[..., str], brand: Enterprise,
    partner: Enterprise, lang: str,
) -> None:  # fmt: skip
    owner = MembershipFactory(enterprise=brand, user__username="boss").user
    demand = DemandFactory(owner=brand, title="跑鞋代工订单", visibility="private")
    login(page, owner, lang=lang)

    # the overview shows the firm, its members and links
    page.goto(url("mine:home", lang=lang))
    assert page.locator('[data-testid="members"]').inner_text().count("boss") == 1
    shot(page, f"mine-overview-{lang}")

    # the profile's checkboxes change the firm's processes
    page.goto(url("mine:profile", brand.pk, lang=lang))
    page.check("input[name='processes'][value='injection']")
    page.check("input[name='certifications'][value='bsci']")
    shot(page, f"mine-profile-{lang}")
    page.click('[data-testid="save-profile"]')
    page.wait_for_load_state("networkidle")
    assert [p.code for p in brand.processes.all()] == ["injection"]
    assert [c.code for c in brand.certifications.all()] == ["bsci"]

    # the demand is shared with a firm found by pinyin
    page.goto(url("mine:demand_share", brand.pk, demand.pk, lang=lang))
    page.fill("input[name='q']", "huafeng")
    page.press("input[name='q']", "Enter")
    page.wait_for_selector('[data-testid="share-results"] button')
    page.click('[data-testid="share-results"] button')
    page.wait_for_load_state("networkidle")
    assert list(DemandShare.objects.values_list("enterprise_id", flat=True)) == [partner.pk]
    shared_with = page.locator('[data-testid="shared-with"]').inner_text()
    assert (partner.name_en if lang == "en" else partner.legal_name) in shared_with
    shot(page, f"mine-share-{lang}")

    # and cancelled from the list
    page.goto(url("mine:demands", brand.pk, lang=lang))
    shot(page, f"mine-demands-{lang}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click('[data-testid="cancel-demand"]')
    page.wait_for_load_state("networkidle")
    assert Demand.objects.get(pk=demand.pk).status == Demand.Status.CANCELLED


def test_offer_form_on_a_phone(
    phone_page: Any, login: Callable[..., None], url: Callable[..., str], brand: Enterprise
) -> None:
    owner = MembershipFactory(enterprise=brand, user__username="boss").user
    login(phone_page, owner, lang="zh-hans")
    phone_page.goto(url("market:offer_create", lang="zh-hans"))
    phone_page.fill("input[name='title']", "注塑产能")
    phone_page.fill("input[name='pairs']", "0")
    phone_page.click('[data-testid="save-offer"]')
    phone_page.wait_for_load_state("networkidle")
    assert phone_page.locator('[data-testid="error-pairs"]').is_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    shot(phone_page, "offer-form-phone-zh-hans")
