"""Account pages in a real browser: sign-up with a firm, throttled login, logout."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings

from tests.browser.test_directory import shot

pytestmark = pytest.mark.browser


def test_sign_up_with_firm_then_log_out(
    page: Any, url: Callable[..., str], directory_firms: dict[str, Any]
) -> None:
    from clusterlink.accounts.models import Membership

    page.goto(url("accounts:signup", lang="en"))
    page.fill("#id_username", "zheng.brand")
    page.fill("#id_email", "zheng@brand.example.cn")
    page.fill("#id_password1", "Lasting-Machine-88")
    page.fill("#id_password2", "Lasting-Machine-88")
    page.select_option("#id_language", "en")
    page.fill("#id_firm_name", "晋江市郑氏体育用品有限公司")
    page.select_option("#id_firm_cluster", label="Putian footwear cluster")
    page.select_option("#id_firm_role", "brand")
    shot(page, "signup-en")
    page.click("form.signup-form button[type='submit']")
    page.wait_for_url("**/en/")

    assert page.locator(".message--success").inner_text() == "Welcome to ClusterLink, zheng.brand."
    membership = Membership.objects.select_related("enterprise", "user").get()
    assert (membership.user.username, membership.enterprise.legal_name, membership.role) == (
        "zheng.brand",
        "晋江市郑氏体育用品有限公司",
        "owner",
    )

    with page.expect_navigation():
        page.click("[data-testid='logout']")
    assert page.locator("[data-testid='login']").is_visible()


def test_login_is_refused_after_too_many_failures(
    page: Any, url: Callable[..., str], browser_user: Any
) -> None:
    page.goto(url("accounts:login", lang="en"))
    for attempt in range(settings.CLUSTERLINK_LOGIN_ATTEMPTS):
        page.fill("input[name='username']", browser_user.username)
        page.fill("input[name='password']", f"wrong-{attempt}")
        with page.expect_navigation():
            page.click("form.login-form button[type='submit']")

    assert (
        page.locator("[data-testid='throttled']")
        .inner_text()
        .startswith("Too many failed sign-in attempts.")
    )
    shot(page, "login-throttled-en")
    page.fill("input[name='username']", browser_user.username)
    page.fill("input[name='password']", "correct-horse-42")
    with page.expect_navigation():
        page.click("form.login-form button[type='submit']")
    assert page.locator("[data-testid='throttled']").is_visible()
    assert page.locator("[data-testid='logout']").count() == 0
