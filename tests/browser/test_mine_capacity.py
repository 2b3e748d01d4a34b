"""Browser: a factory member keeps the capacity calendar."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from typing import Any

import pytest

from clusterlink.accounts.models import Membership
from clusterlink.common import clock
from clusterlink.directory.models import CapacityWeek, Category, Enterprise
from tests.accounts.factories import MembershipFactory
from tests.directory.factories import EnterpriseFactory

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("CLUSTERLINK_SCREENSHOTS", "")


def shot(page: Any, name: str) -> None:
    """Screenshots for a human to look at, when CLUSTERLINK_SCREENSHOTS names a folder."""
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def week_label(offset: int) -> str:
    return clock.iso_week_label(clock.current_week() + dt.timedelta(weeks=offset))


def cell_input(category: str, offset: int, field: str = "free_pairs") -> str:
    return f'input[name="{category}@{week_label(offset)}.{field}"]'


def cell(category: str, offset: int) -> str:
    return f'td[data-cell="{category}@{week_label(offset)}"]'


@pytest.fixture
def factory_firm(transactional_db: None) -> Enterprise:
    firm = EnterpriseFactory(legal_name="莆田市华峰鞋业有限公司", name_en="Putian Huafeng Shoes")
    firm.categories.set(Category.objects.filter(code__in=["sports-shoes", "casual-shoes"]))
    return firm


@pytest.fixture
def factory_member(factory_firm: Enterprise) -> Any:
    return MembershipFactory(
        enterprise=factory_firm, role=Membership.Role.MEMBER, user__username="worker"
    ).user


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_member_fills_two_cells_saves_and_sees_them_then_a_bad_value_is_located(
    page: Any, login: Callable[..., None], url: Callable[..., str], factory_firm: Enterprise,
    factory_member: Any, lang: str,
) -> None:  # fmt: skip
    # given a factory member on the capacity calendar
    login(page, factory_member, lang=lang)
    page.goto(url("mine:capacity", factory_firm.pk, lang=lang))
    # when two cells are filled and saved
    page.fill(cell_input("sports-shoes", 1), "3000")
    page.fill(cell_input("casual-shoes", 2), "1500")
    page.click('[data-testid="save-capacity"]')
    page.wait_for_load_state("networkidle")
    # then the page shows them and they are stored
    assert page.input_value(cell_input("sports-shoes", 1)) == "3000"
    assert page.input_value(cell_input("casual-shoes", 2)) == "1500"
    stored = sorted(CapacityWeek.objects.values_list("category__code", "free_pairs"))
    assert stored == [("casual-shoes", 1500), ("sports-shoes", 3000)]
    shot(page, f"capacity-saved-{lang}")

    # when a fractional value is entered next to a good one
    page.fill(cell_input("sports-shoes", 3), "2.5")
    page.fill(cell_input("casual-shoes", 3), "800")
    page.click('[data-testid="save-capacity"]')
    page.wait_for_load_state("networkidle")
    # then the error sits on that very cell, the typed value is kept, and nothing was written
    error = page.locator(f'{cell("sports-shoes", 3)} [data-testid="cell-error"]')
    assert error.is_visible()
    if lang == "en":
        assert error.inner_text() == "Enter a whole number, e.g. 3000."
    assert page.locator('[data-testid="cell-error"]').count() == 1
    assert page.input_value(cell_input("sports-shoes", 3)) == "2.5"
    assert page.locator('[data-testid="grid-errors"]').is_visible()
    assert CapacityWeek.objects.count() == 2
    shot(page, f"capacity-error-{lang}")


def test_row_saves_in_place_with_htmx_and_details_errors_are_located(
    page: Any, login: Callable[..., None], url: Callable[..., str], factory_firm: Enterprise,
    factory_member: Any,
) -> None:  # fmt: skip
    login(page, factory_member)
    page.goto(url("mine:capacity", factory_firm.pk))
    # when one row is saved with its button, the row comes back marked saved, without a reload
    page.fill(cell_input("sports-shoes", 0), "1200")
    page.locator(f"{cell('sports-shoes', 0)} summary").click()
    page.fill(cell_input("sports-shoes", 0, "unit_price_min_rmb"), "18.50")
    page.evaluate("window.__marker = 'same page'")
    page.click('[data-testid="save-row-sports-shoes"]')
    page.wait_for_selector('#row-sports-shoes [data-testid="row-saved"]')
    assert page.evaluate("window.__marker") == "same page"
    row = CapacityWeek.objects.get()
    assert (row.free_pairs, str(row.unit_price_min_rmb)) == (1200, "18.50")
    # when a price has three decimals, the error is shown inside that cell's details
    page.locator(f"{cell('sports-shoes', 1)} summary").click()
    page.fill(cell_input("sports-shoes", 1), "900")
    page.fill(cell_input("sports-shoes", 1, "unit_price_max_rmb"), "22.125")
    page.click('[data-testid="save-row-sports-shoes"]')
    error = page.locator(f'{cell("sports-shoes", 1)} [data-testid="cell-error"]')
    error.wait_for()
    assert error.inner_text() == "Use at most two decimals (yuan and fen)."
    assert CapacityWeek.objects.count() == 1
    shot(page, "capacity-row-error-en")


def test_capacity_calendar_on_a_phone(
    phone_page: Any, login: Callable[..., None], url: Callable[..., str], factory_firm: Enterprise,
    factory_member: Any,
) -> None:  # fmt: skip
    CapacityWeek.objects.create(
        enterprise=factory_firm, category=Category.objects.get(code="sports-shoes"),
        week=clock.current_week() + dt.timedelta(weeks=1), free_pairs=5000, reserved_pairs=1200,
    )  # fmt: skip
    login(phone_page, factory_member, lang="zh-hans")
    phone_page.goto(url("mine:capacity", factory_firm.pk, lang="zh-hans"))
    # the page itself does not scroll sideways; only the grid does
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    assert phone_page.locator(cell_input("sports-shoes", 1)).input_value() == "5000"
    assert phone_page.locator(f'{cell("sports-shoes", 1)} [data-testid="reserved"]').is_visible()
    shot(phone_page, "capacity-phone-zh-hans")
