"""The public pages in a real browser: search, htmx filters, language switch, phone layout."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

# Screenshots for a human to look at; tests never compare pixels.
SHOTS = Path(os.environ.get("CLUSTERLINK_SCREENSHOTS", "/tmp/clusterlink-screenshots"))


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def result_names(page: Any) -> list[str]:
    return page.locator("[data-testid='enterprise-result'] .result__title").all_inner_texts()


def test_logged_in_user_searches_putian_then_switches_to_japanese(
    page: Any,
    url: Callable[..., str],
    login: Callable[..., None],
    browser_user: Any,
    directory_firms: dict[str, Any],
) -> None:
    login(page, browser_user)
    assert page.locator("[data-testid='logout']").is_visible()

    page.goto(url("directory:enterprise_list", lang="en"))
    with page.expect_response(
        lambda r: "q=putian" in r.url and r.request.headers.get("hx-request") == "true"
    ):
        page.fill("#id_q", "putian")
    page.wait_for_function("!document.querySelector('#results').matches('.htmx-request')")

    assert result_names(page) == ["莆田市荔城区鸿达鞋业有限公司"]
    assert page.locator("[data-testid='result-count']").inner_text() == "1 firm"
    assert "q=putian" in page.url  # htmx pushed the filter into the address
    shot(page, "directory-search-en")

    page.select_option("#language-select", "ja")
    page.wait_for_url("**/ja/enterprises/**")

    assert page.url.endswith("/ja/enterprises/?q=putian")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert result_names(page) == ["莆田市荔城区鸿达鞋业有限公司"]
    assert page.locator("#language-select").input_value() == "ja"
    shot(page, "directory-search-ja")


def test_filter_change_refreshes_results_without_reloading(
    page: Any, url: Callable[..., str], directory_firms: dict[str, Any]
) -> None:
    page.goto(url("directory:enterprise_list", lang="en"))
    assert len(result_names(page)) == 3
    page.evaluate("window.__sameDocument = true")

    with page.expect_response(lambda r: "cluster=xiaobeihe" in r.url):
        page.select_option("#id_cluster", "xiaobeihe")
    page.wait_for_function(
        "document.querySelectorAll('[data-testid=enterprise-result]').length === 1"
    )

    assert result_names(page) == ["辽阳县小北河袜业有限公司"]
    assert page.evaluate("window.__sameDocument") is True
    assert "cluster=xiaobeihe" in page.url


def test_filters_work_without_javascript(
    browser: Any, url: Callable[..., str], directory_firms: dict[str, Any]
) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        no_js = context.new_page()
        no_js.goto(url("directory:enterprise_list", lang="en"))
        no_js.click("#more-filters > summary")  # closed without the script that opens it
        no_js.select_option("#id_role", "brand")
        no_js.click("#directory-filters button[type='submit']")
        no_js.wait_for_url("**role=brand**")
        no_js.wait_for_load_state()

        assert sorted(result_names(no_js)) == sorted(
            ["晋江市华丰鞋业有限公司", "辽阳县小北河袜业有限公司"]
        )
    finally:
        context.close()


def test_home_cluster_page_and_profile_render(
    page: Any, url: Callable[..., str], directory_firms: dict[str, Any]
) -> None:
    page.goto(url("directory:home", lang="zh-hans"))
    assert page.locator("[data-testid='cluster-card']").count() == 2
    assert page.locator("text=22亿").count() == 1
    shot(page, "home-zh")

    page.click("text=小北河棉袜集群")
    page.wait_for_selector("#roles-chart svg")
    assert page.locator("[data-testid='live-firms']").inner_text() == "1"
    shot(page, "cluster-zh")

    page.goto(url("directory:enterprise_detail", directory_firms["shoe_factory"].pk, lang="en"))
    assert page.locator("h1").inner_text() == "莆田市荔城区鸿达鞋业有限公司"
    assert page.locator("[data-testid='contacts']").count() == 0
    assert "13912345678" not in page.content()
    shot(page, "profile-public-en")


def test_member_sees_private_part_of_own_profile(
    page: Any, url: Callable[..., str], login: Callable[..., None], directory_firms: dict[str, Any]
) -> None:
    from tests.accounts.factories import MembershipFactory

    member = MembershipFactory(enterprise=directory_firms["shoe_factory"]).user
    login(page, member)

    page.goto(url("directory:enterprise_detail", directory_firms["shoe_factory"].pk, lang="en"))

    assert page.locator("[data-testid='contacts']").is_visible()
    assert "13912345678" in page.locator("[data-testid='contacts']").inner_text()
    assert page.locator("[data-testid='capacity'] tbody tr").count() == 1
    shot(page, "profile-member-en")


def test_phone_viewport_collapses_and_opens_the_nav(
    phone_page: Any, url: Callable[..., str], directory_firms: dict[str, Any]
) -> None:
    phone_page.goto(url("directory:home", lang="en"))
    toggle = phone_page.locator("label.nav-toggle__button")
    directory_link = phone_page.locator("#site-nav a", has_text="Directory")

    assert toggle.is_visible()
    assert not directory_link.is_visible()
    shot(phone_page, "phone-home-closed")

    toggle.click()

    assert directory_link.is_visible()
    assert phone_page.locator("#language-select").is_visible()
    # Nothing is wider than the screen: no sideways scrolling on a 375 px phone.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    shot(phone_page, "phone-home-open")

    directory_link.click()
    phone_page.wait_for_url("**/en/enterprises/")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    shot(phone_page, "phone-directory")
