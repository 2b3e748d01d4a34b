"""`next=` sends people only to this site's own paths: another host, a scheme-relative or an
absolute address falls back to the page's default."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-42"
FOREIGN = ["//evil.example", "https://evil.example/", "/\\evil.example", "http:/evil.example"]


@pytest.fixture(autouse=True)
def _fast(settings: Any) -> None:
    cache.clear()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.parametrize("target", FOREIGN)
def test_login_never_redirects_to_another_site(client: Client, target: str) -> None:
    UserFactory(username="lin", language="en")

    response = client.post(
        "/en/accounts/login/", {"username": "lin", "password": PASSWORD, "next": target}
    )

    assert response.status_code == 302
    assert response["Location"] == "/en/"


def test_login_follows_a_path_of_this_site(client: Client) -> None:
    UserFactory(username="lin", language="en")

    response = client.post(
        "/en/accounts/login/",
        {"username": "lin", "password": PASSWORD, "next": "/en/events/?page=2"},
    )

    assert response["Location"] == "/en/events/?page=2"


@pytest.mark.parametrize("target", FOREIGN)
def test_admin_login_never_redirects_to_another_site(client: Client, target: str) -> None:
    UserFactory(username="root", is_staff=True, is_superuser=True)

    response = client.post(
        "/en/admin/login/", {"username": "root", "password": PASSWORD, "next": target}
    )

    assert response.status_code == 302
    assert response["Location"] == "/en/admin/"


@pytest.mark.parametrize("target", FOREIGN)
def test_language_switch_never_redirects_to_another_site(client: Client, target: str) -> None:
    response = client.post("/i18n/setlang/", {"language": "ja", "next": target})

    assert response.status_code == 302
    assert response["Location"] == "/"  # the home page, in the language just chosen (cookie)
