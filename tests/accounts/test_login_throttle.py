"""The sign-in throttle on the site's and the admin's login pages: keyed on the account and on the
client address a trusted proxy reports, and never a way to lock a named user out from elsewhere."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation

from clusterlink.accounts.services import client_ip
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-42"
PROXY = "10.9.0.2"


@pytest.fixture(autouse=True)
def _throttle_settings(settings: Any) -> None:
    cache.clear()  # the throttle counts live in the cache
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CLUSTERLINK_LOGIN_ATTEMPTS = 3
    settings.CLUSTERLINK_LOGIN_ATTEMPTS_PER_ADDRESS = 6
    settings.CLUSTERLINK_TRUSTED_PROXY_NETWORKS = []


def url(name: str, lang: str = "en") -> str:
    with translation.override(lang):
        return reverse(name)


def trust_proxy(settings: Any) -> None:
    settings.CLUSTERLINK_TRUSTED_PROXY_NETWORKS = [ipaddress.ip_network("10.9.0.0/24")]


def via_proxy(client_address: str) -> Client:
    """A browser at `client_address` behind the reverse proxy at PROXY."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address)


def test_admin_login_is_throttled_like_the_sites_login(client: Client) -> None:
    # given a superuser whose password an attacker guesses at /admin/login/
    UserFactory(username="root", is_staff=True, is_superuser=True)
    admin_login = url("admin:login")

    # when three guesses fail, then the right password comes from the same address
    statuses = [
        client.post(admin_login, {"username": "root", "password": f"guess-{n}"}).status_code
        for n in range(3)
    ]
    refused = client.post(admin_login, {"username": "root", "password": PASSWORD})

    # then the third failure and the right password are refused, and nobody is logged in
    assert admin_login == "/en/admin/login/"
    assert statuses == [400, 400, 429]
    assert refused.status_code == 429
    assert "Too many failed sign-in attempts." in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_admin_and_site_login_share_one_count(client: Client) -> None:
    UserFactory(username="root2", is_staff=True, is_superuser=True)

    client.post(url("accounts:login"), {"username": "root2", "password": "guess-1"})
    client.post(url("accounts:login"), {"username": "root2", "password": "guess-2"})
    third = client.post(url("admin:login"), {"username": "root2", "password": "guess-3"})
    right = client.post(url("accounts:login"), {"username": "root2", "password": PASSWORD})

    assert third.status_code == 429
    assert right.status_code == 429


def test_admin_login_with_the_right_password_opens_the_admin(client: Client) -> None:
    UserFactory(username="root3", is_staff=True, is_superuser=True)

    response = client.post(url("admin:login"), {"username": "root3", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/en/admin/"
    assert client.get("/en/admin/").status_code == 200


def test_forwarded_for_is_ignored_from_a_client_that_is_not_a_trusted_proxy() -> None:
    # given no trusted proxy: a client writes a fresh X-Forwarded-For at every guess
    UserFactory(username="victim")
    statuses = [
        Client(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        .post(url("accounts:login"), {"username": "victim", "password": f"guess-{n}"})
        .status_code
        for n in range(4)
    ]

    # then its guesses still count against its own address
    assert statuses == [400, 400, 429, 429]
    assert client_ip({"REMOTE_ADDR": "203.0.113.7", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}) == (
        "203.0.113.7"
    )


def test_client_address_is_the_first_untrusted_hop_reported_by_trusted_proxies(
    settings: Any,
) -> None:
    trust_proxy(settings)

    # the client's own X-Forwarded-For (spoofed) is left of what our proxy appended
    spoofed = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.7"}
    two_proxies = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.8, 10.9.0.3"}
    direct = {"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}
    garbage = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "not-an-ip"}

    assert client_ip(spoofed) == "203.0.113.7"
    assert client_ip(two_proxies) == "203.0.113.8"
    assert client_ip(direct) == "203.0.113.9"
    assert client_ip(garbage) == PROXY


def test_behind_a_trusted_proxy_a_named_user_is_not_locked_out_from_elsewhere(
    settings: Any,
) -> None:
    # given the reverse proxy is trusted, and an attacker elsewhere fails on the user's account
    trust_proxy(settings)
    owner = UserFactory(username="lin")
    attacker = via_proxy("198.51.100.66")
    attacker_statuses = [
        attacker.post(
            url("accounts:login"), {"username": "lin", "password": f"guess-{n}"}
        ).status_code
        for n in range(5)
    ]

    # when the user signs in from their own address, through the same proxy
    user_browser = via_proxy("203.0.113.20")
    response = user_browser.post(url("accounts:login"), {"username": "lin", "password": PASSWORD})

    # then the attacker is blocked and the user is in
    assert attacker_statuses == [400, 400, 429, 429, 429]
    assert response.status_code == 302
    assert user_browser.session["_auth_user_id"] == str(owner.pk)


def test_an_address_guessing_many_accounts_is_blocked_on_every_account(client: Client) -> None:
    # given six failures from one address, two on each of three accounts (under the pair limit)
    for name in ("a1", "a2", "a3", "a4"):
        UserFactory(username=name)
    statuses = [
        client.post(url("accounts:login"), {"username": name, "password": f"guess-{n}"}).status_code
        for name in ("a1", "a2", "a3")
        for n in range(2)
    ]

    # then that address may not even try an account it has not guessed yet
    fourth_account = client.post(url("accounts:login"), {"username": "a4", "password": PASSWORD})
    elsewhere = Client(REMOTE_ADDR="203.0.113.30").post(
        url("accounts:login"), {"username": "a4", "password": PASSWORD}
    )

    assert statuses == [400, 400, 400, 400, 400, 429]
    assert fourth_account.status_code == 429
    assert elsewhere.status_code == 302


def test_signing_into_ones_own_account_does_not_reset_the_address_count(client: Client) -> None:
    UserFactory(username="mine")
    UserFactory(username="theirs")
    for n in range(2):
        client.post(url("accounts:login"), {"username": "theirs", "password": f"guess-{n}"})
    for n in range(2):
        client.post(url("accounts:login"), {"username": "other", "password": f"guess-{n}"})
    client.post(url("accounts:login"), {"username": "mine", "password": PASSWORD})
    client.post(url("accounts:logout"))

    fifth = client.post(url("accounts:login"), {"username": "third", "password": "guess"})
    sixth = client.post(url("accounts:login"), {"username": "fourth", "password": "guess"})

    assert fifth.status_code == 400
    assert sixth.status_code == 429
