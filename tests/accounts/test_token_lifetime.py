"""API tokens expire when asked to, and every token dies when its user's password is reset or
changed."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from clusterlink.accounts.models import ApiToken
from clusterlink.accounts.tokens import api_token_authenticate, api_token_create
from clusterlink.common import clock
from clusterlink.common.errors import ApplicationError
from tests.accounts.factories import UserFactory
from tests.api_fixtures import ApiClient, World

pytest_plugins = ["tests.api_fixtures"]
pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-42"
NEW_PASSWORD = "Fresh-Lasting-2026"
NOON = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_a_token_works_until_its_expiry_and_is_refused_after(world: World) -> None:
    # given a token that expires at one o'clock
    with clock.frozen(NOON):
        token, raw = api_token_create(
            user=world.factory_owner, name="erp", expires_at=NOON + dt.timedelta(hours=1)
        )

    # when it is presented a minute before and a second after
    with clock.frozen(NOON + dt.timedelta(minutes=59)):
        before = api_token_authenticate(raw=raw)
    with clock.frozen(NOON + dt.timedelta(hours=1, seconds=1)):
        after = api_token_authenticate(raw=raw)
        token.refresh_from_db()
        active_after = token.is_active

    # then it worked before and is refused after
    assert before == world.factory_owner
    assert after is None
    assert active_after is False


def test_an_expired_token_is_refused_by_the_api(world: World) -> None:
    token, raw = api_token_create(
        user=world.factory_owner, name="erp", expires_at=clock.now() + dt.timedelta(hours=1)
    )
    ApiToken.objects.filter(pk=token.pk).update(expires_at=clock.now() - dt.timedelta(seconds=1))

    response = ApiClient(raw, **{"Accept-Language": "en"}).get("/me")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert (
        response.json()["message"] == "The API token is not valid, has expired or has been revoked."
    )


def test_a_token_cannot_be_created_already_expired(world: World) -> None:
    with clock.frozen(NOON), pytest.raises(ApplicationError) as info:
        api_token_create(user=world.factory_owner, name="erp", expires_at=NOON)

    assert list(info.value.details) == ["expires_at"]
    assert ApiToken.objects.filter(user=world.factory_owner).count() == 0


def test_a_password_reset_revokes_every_token_of_the_user(client: Client) -> None:
    # given a user with two tokens, and another user with one
    user = UserFactory(username="resetme", email="reset@example.cn")
    bystander = UserFactory(username="bystander")
    _, first = api_token_create(user=user, name="erp")
    _, second = api_token_create(
        user=user, name="bi", expires_at=clock.now() + dt.timedelta(days=9)
    )
    _, theirs = api_token_create(user=bystander, name="erp")

    # when the user resets the password through the e-mailed link
    with translation.override("en"):
        client.post(reverse("accounts:password_reset"), {"email": "reset@example.cn"})
    link = re.search(
        r"http://testserver(/en/accounts/password/reset/[^/\s]+/[^/\s]+/)", mail.outbox[0].body
    )
    assert link is not None
    set_url = client.get(link.group(1), follow=True).redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    # then the password changed, the user's tokens are revoked and the bystander's is not
    user.refresh_from_db()
    assert done.status_code == 302
    assert user.check_password(NEW_PASSWORD)
    assert api_token_authenticate(raw=first) is None
    assert api_token_authenticate(raw=second) is None
    assert api_token_authenticate(raw=theirs) == bystander
    assert ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() == 0


def test_changing_ones_password_in_the_admin_revokes_ones_tokens(client: Client) -> None:
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    _, raw = api_token_create(user=root, name="erp")
    client.force_login(root)

    with translation.override("en"):
        change_url = reverse("admin:password_change")
    response = client.post(
        change_url,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    root.refresh_from_db()
    assert change_url == "/en/admin/password_change/"
    assert response.status_code == 302
    assert root.check_password(NEW_PASSWORD)
    assert api_token_authenticate(raw=raw) is None
    assert client.get("/en/admin/").status_code == 200  # this session stays signed in


def test_an_admin_setting_a_users_password_revokes_that_users_tokens(client: Client) -> None:
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    user = UserFactory(username="lin")
    _, raw = api_token_create(user=user, name="erp")
    client.force_login(root)

    response = client.post(
        f"/en/admin/accounts/user/{user.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )

    user.refresh_from_db()
    assert response.status_code == 302
    assert user.check_password(NEW_PASSWORD)
    assert api_token_authenticate(raw=raw) is None
