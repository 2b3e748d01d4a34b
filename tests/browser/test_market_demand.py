"""Browser: a brand posts a demand, is told its week is past, fixes it and finds it on the board."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from typing import Any

import pytest

from clusterlink.common import clock
from clusterlink.market.models import Demand
from tests.accounts.factories import MembershipFactory
from tests.directory.factories import EnterpriseFactory

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("CLUSTERLINK_SCREENSHOTS", "")


def shot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def week_label(offset: int) -> str:
    return clock.iso_week_label(clock.current_week() + dt.timedelta(weeks=offset))


@pytest.fixture
def brand_user(transactional_db: None) -> Any:
    brand = EnterpriseFactory(
        legal_name="泉州市峰速体育用品有限公司", name_en="Quanzhou Fengsu Sports", roles=["brand"]
    )
    return MembershipFactory(enterprise=brand, user__username="buyer").user


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_brand_posts_a_demand_with_a_past_week_fixes_it_and_sees_it_on_the_board(
    page: Any, login: Callable[..., None], url: Callable[..., str], brand_user: Any, lang: str
) -> None:
    # given a brand member on the demand board
    login(page, brand_user, lang=lang)
    page.goto(url("market:demand_list", lang=lang))
    page.click('[data-testid="post-demand"]')
    page.wait_for_selector('[data-testid="demand-form"]')
    # when the demand is posted with a delivery week already past
    page.select_option("select[name='demand_type']", "processing_order")
    page.fill("input[name='title']", "跑鞋代工 3 万双")
    page.select_option("select[name='category']", "sports-shoes")
    page.fill("input[name='pairs']", "30000")
    page.fill("input[name='target_unit_price_rmb']", "45.50")
    page.fill("input[name='delivery_week']", week_label(-2))
    page.check("input[name='required_processes'][value='injection']")
    page.click('[data-testid="save-demand"]')
    page.wait_for_load_state("networkidle")
    # then the error is shown next to the delivery week and nothing was written
    error = page.locator('[data-testid="error-delivery_week"]')
    assert error.is_visible()
    if lang == "en":
        assert error.inner_text() == "This week is in the past."
    assert page.input_value("input[name='title']") == "跑鞋代工 3 万双"
    assert Demand.objects.count() == 0
    shot(page, f"demand-error-{lang}")

    # when the week is fixed
    page.fill("input[name='delivery_week']", week_label(6))
    page.click('[data-testid="save-demand"]')
    page.wait_for_load_state("networkidle")
    # then the demand is stored and its page shows it, with the private target price
    demand = Demand.objects.get()
    assert (demand.pairs, str(demand.target_unit_price_rmb)) == (30000, "45.50")
    assert page.locator('[data-testid="delivery-week"]').inner_text() == week_label(6)
    price = page.locator('[data-testid="target-price"]').inner_text()
    assert price == {"en": "RMB 45.50", "zh-hans": "45.50 元"}[lang]
    shot(page, f"demand-detail-{lang}")
    # and it is on the board
    page.goto(url("market:demand_list", lang=lang))
    assert page.locator('[data-testid="demand-results"]').inner_text().count("跑鞋代工 3 万双") == 1
    shot(page, f"demand-board-{lang}")


def test_demand_board_on_a_phone(phone_page: Any, url: Callable[..., str], brand_user: Any) -> None:
    from tests.market.factories import DemandFactory

    for n in range(3):
        DemandFactory(
            owner=brand_user.memberships.get().enterprise, title=f"运动鞋代工订单 {n + 1}"
        )
    phone_page.goto(url("market:demand_list", lang="zh-hans"))
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    assert phone_page.locator('[data-testid="demand-results"] li.result').count() == 3
    shot(phone_page, "board-phone-zh-hans")
