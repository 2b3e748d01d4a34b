"""Browser fixtures: Playwright's sync API driving Debian's Chromium against the live server.

Every browser test uses `page` (a fresh context per test) and `live_server`; the database is
transactional because the live server runs in another thread. Helpers `login` and `url` keep
tests short: `url(live_server, "directory:home", lang="en")`.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a
# thread with a running loop unless told that this is deliberate (tests only).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CLUSTERLINK_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The password tests.accounts.factories.UserFactory gives every user.
PASSWORD = "correct-horse-42"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def taxonomy(transactional_db: None) -> None:
    """The seeded products, processes and certifications. A transactional test flushes every
    table afterwards, data migrations included, so each browser test seeds them again."""
    from django.apps import apps

    seed_migration = importlib.import_module("clusterlink.directory.migrations.0002_seed_taxonomy")
    seed_migration.seed(apps, None)


@pytest.fixture
def fresh_cache(transactional_db: None) -> None:
    """The database cache table is not flushed between transactional tests; login throttle
    counts would leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def page(browser: Any, taxonomy: None, fresh_cache: None, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.set_default_timeout(10_000)
    browser_page = context.new_page()
    yield browser_page
    context.close()


@pytest.fixture
def phone_page(browser: Any, taxonomy: None, fresh_cache: None, live_server: Any) -> Iterator[Any]:
    """A page with an iPhone-sized viewport (375 × 812)."""
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True, locale="en-US"
    )
    context.set_default_timeout(10_000)
    browser_page = context.new_page()
    yield browser_page
    context.close()


@pytest.fixture
def url(live_server: Any) -> Callable[..., str]:
    """Absolute live-server URL of a named route in a language: url("directory:home", lang="en")."""

    def build(name: str, *args: Any, lang: str = "en", query: str = "", **kwargs: Any) -> str:
        with translation.override(lang):
            path = reverse(name, args=args or None, kwargs=kwargs or None)
        return f"{live_server.url}{path}{'?' + query if query else ''}"

    return build


@pytest.fixture
def login(url: Callable[..., str]) -> Callable[..., None]:
    """Log `user` in through the login form (its password must be PASSWORD)."""

    def do_login(browser_page: Any, user: Any, *, lang: str = "en") -> None:
        browser_page.goto(url("accounts:login", lang=lang))
        browser_page.fill("input[name='username']", user.username)
        browser_page.fill("input[name='password']", PASSWORD)
        with browser_page.expect_navigation():
            browser_page.click("form.login-form button[type='submit']")

    return do_login


@pytest.fixture
def browser_user(transactional_db: None) -> Any:
    """A plain user whose password is PASSWORD."""
    from tests.accounts.factories import UserFactory

    return UserFactory(username="browser-user", email="browser@example.com")


@pytest.fixture
def directory_firms(taxonomy: None) -> dict[str, Any]:
    """Two clusters and three firms: a Putian shoe factory (with private contacts and capacity),
    a Jinjiang brand and a Xiaobeihe sock maker."""
    from tests.directory import worlds

    putian, xiaobeihe = worlds.putian_cluster(), worlds.xiaobeihe_cluster()
    return {
        "putian": putian,
        "xiaobeihe": xiaobeihe,
        "shoe_factory": worlds.putian_shoe_factory(putian),
        "brand": worlds.jinjiang_shoe_brand(putian),
        "sock_maker": worlds.xiaobeihe_sock_maker(xiaobeihe),
    }
