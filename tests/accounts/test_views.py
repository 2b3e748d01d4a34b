from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation

from clusterlink.accounts.models import Membership, User
from clusterlink.directory.models import Enterprise
from tests.accounts.factories import UserFactory
from tests.directory.factories import ClusterFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-42"
NEW_PASSWORD = "Fresh-Lasting-2026"


@pytest.fixture(autouse=True)
def _clean_cache_fast_passwords(settings: Any) -> None:
    cache.clear()  # the throttle counts live in the cache
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def url(name: str, lang: str = "en", **kwargs: object) -> str:
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


def sign_up_data(**overrides: str) -> dict[str, str]:
    data = {
        "username": "lin.factory",
        "email": "lin@example.cn",
        "display_name": "林厂长",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "language": "en",
        "firm_name": "",
        "firm_cluster": "",
        "firm_role": "",
    }
    data.update(overrides)
    return data


# Sign-up ------------------------------------------------------------------------------------


def test_sign_up_page_renders_in_each_language(client: Client) -> None:
    for lang, title in [
        ("zh-hans", '<html lang="zh-hans">'),
        ("en", '<html lang="en">'),
        ("ja", '<html lang="ja">'),
    ]:
        response = client.get(url("accounts:signup", lang))
        assert response.status_code == 200
        assert title in response.content.decode()


def test_sign_up_without_firm_creates_user_logs_in_and_redirects_in_chosen_language(
    client: Client,
) -> None:
    response = client.post(url("accounts:signup", "zh-hans"), sign_up_data(language="ja"))

    assert response.status_code == 302
    assert response["Location"] == "/ja/"
    user = User.objects.get()
    assert (user.username, user.email, user.display_name, user.language) == (
        "lin.factory",
        "lin@example.cn",
        "林厂长",
        "ja",
    )
    assert user.check_password(NEW_PASSWORD)
    assert Membership.objects.count() == 0
    assert Enterprise.objects.count() == 0
    assert client.session["_auth_user_id"] == str(user.pk)
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ja"


def test_sign_up_with_firm_creates_enterprise_and_owner_membership(client: Client) -> None:
    cluster = ClusterFactory(slug="putian")

    response = client.post(
        url("accounts:signup"),
        sign_up_data(
            firm_name="莆田市荔城区新鞋业有限公司",
            firm_cluster=str(cluster.pk),
            firm_role="oem_factory",
        ),
    )

    assert response.status_code == 302
    enterprise = Enterprise.objects.get()
    assert (enterprise.legal_name, enterprise.cluster_id, enterprise.role_codes) == (
        "莆田市荔城区新鞋业有限公司",
        cluster.pk,
        ["oem_factory"],
    )
    membership = Membership.objects.get()
    assert (membership.user.username, membership.enterprise_id, membership.role) == (
        "lin.factory",
        enterprise.pk,
        "owner",
    )


def test_sign_up_with_mismatched_passwords_writes_nothing(client: Client) -> None:
    response = client.post(
        url("accounts:signup"), sign_up_data(password2="Other-Password-99", firm_name="某鞋厂")
    )

    assert response.status_code == 400
    assert "The two passwords differ." in response.content.decode()
    assert User.objects.count() == 0
    assert Enterprise.objects.count() == 0


def test_sign_up_with_taken_email_in_other_case_writes_nothing(client: Client) -> None:
    UserFactory(username="first", email="lin@example.cn")

    response = client.post(url("accounts:signup"), sign_up_data(email="LIN@example.cn"))

    assert response.status_code == 400
    assert "An account with this e-mail address already exists." in response.content.decode()
    assert User.objects.count() == 1


def test_sign_up_with_weak_password_writes_nothing(client: Client) -> None:
    response = client.post(
        url("accounts:signup"), sign_up_data(password1="12345678", password2="12345678")
    )

    assert response.status_code == 400
    assert "This password is entirely numeric." in response.content.decode()
    assert User.objects.count() == 0


@pytest.mark.parametrize(
    ("lang", "password", "message"),
    [
        ("zh-hans", "Ab-3", "这个密码太短，至少要包含 8 个字符。"),
        ("ja", "Ab-3", "このパスワードは短すぎます。最低 8 文字以上必要です。"),
        ("zh-hans", "12345678901", "密码只包含数字。"),
        ("ja", "12345678901", "このパスワードは数字しか使われていません。"),
        ("zh-hans", "password", "这个密码太常见了。"),
        ("ja", "password", "このパスワードは一般的すぎます。"),
        ("zh-hans", "lin.factory1", "密码跟 用户名 太相似了。"),
        ("ja", "lin.factory1", "このパスワードは ユーザー名 と似すぎています。"),
    ],
)
def test_sign_up_password_rules_read_in_the_pages_language(
    client: Client, lang: str, password: str, message: str
) -> None:
    response = client.post(
        url("accounts:signup", lang), sign_up_data(password1=password, password2=password)
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert "This password" not in body and "The password" not in body
    assert User.objects.count() == 0


def test_sign_up_with_firm_fields_but_no_firm_name_writes_nothing(client: Client) -> None:
    cluster = ClusterFactory()

    response = client.post(url("accounts:signup"), sign_up_data(firm_cluster=str(cluster.pk)))

    assert response.status_code == 400
    assert (
        "Give your firm&#x27;s name, or leave the firm fields empty." in response.content.decode()
    )
    assert User.objects.count() == 0
    assert Enterprise.objects.count() == 0


# Login and logout ---------------------------------------------------------------------------


def test_login_by_username_redirects_to_next_in_users_language(client: Client) -> None:
    user = UserFactory(username="brand1", language="ja")

    response = client.post(
        url("accounts:login"),
        {
            "username": "brand1",
            "password": PASSWORD,
            "next": url("directory:enterprise_list", "en"),
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/ja/enterprises/"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_by_email_in_any_case(client: Client) -> None:
    user = UserFactory(username="brand2", email="buyer@brand.cn", language="en")

    response = client.post(
        url("accounts:login"), {"username": "Buyer@Brand.CN", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == "/en/"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_with_wrong_password_is_refused(client: Client) -> None:
    UserFactory(username="brand3")

    response = client.post(url("accounts:login"), {"username": "brand3", "password": "wrong"})

    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_login_is_throttled_after_too_many_failures(client: Client) -> None:
    UserFactory(username="target")
    attempts = settings.CLUSTERLINK_LOGIN_ATTEMPTS

    statuses = [
        client.post(
            url("accounts:login"), {"username": "target", "password": f"guess-{n}"}
        ).status_code
        for n in range(attempts)
    ]
    # Even the right password is refused while the window lasts.
    refused = client.post(url("accounts:login"), {"username": "target", "password": PASSWORD})

    assert statuses == [400] * (attempts - 1) + [429]
    assert refused.status_code == 429
    assert "Too many failed sign-in attempts." in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_throttle_message_is_translated(client: Client) -> None:
    UserFactory(username="target-zh")
    for n in range(settings.CLUSTERLINK_LOGIN_ATTEMPTS):
        client.post(
            url("accounts:login", "zh-hans"), {"username": "target-zh", "password": f"guess-{n}"}
        )

    response = client.post(
        url("accounts:login", "zh-hans"), {"username": "target-zh", "password": PASSWORD}
    )

    assert response.status_code == 429
    assert 'data-testid="throttled"' in response.content.decode()


def test_throttle_counts_per_username_and_address(client: Client) -> None:
    UserFactory(username="target2")
    other = UserFactory(username="bystander")
    for n in range(settings.CLUSTERLINK_LOGIN_ATTEMPTS):
        client.post(url("accounts:login"), {"username": "target2", "password": f"guess-{n}"})

    same_user_other_address = Client(REMOTE_ADDR="10.0.0.9").post(
        url("accounts:login"), {"username": "target2", "password": PASSWORD}
    )
    other_user_same_address = client.post(
        url("accounts:login"), {"username": "bystander", "password": PASSWORD}
    )

    assert same_user_other_address.status_code == 302
    assert other_user_same_address.status_code == 302
    assert client.session["_auth_user_id"] == str(other.pk)


def test_successful_login_resets_the_failure_count(client: Client) -> None:
    UserFactory(username="forgetful")
    attempts = settings.CLUSTERLINK_LOGIN_ATTEMPTS
    for n in range(attempts - 1):
        client.post(url("accounts:login"), {"username": "forgetful", "password": f"guess-{n}"})
    assert (
        client.post(
            url("accounts:login"), {"username": "forgetful", "password": PASSWORD}
        ).status_code
        == 302
    )
    client.post(url("accounts:logout"))

    after = [
        client.post(
            url("accounts:login"), {"username": "forgetful", "password": "again"}
        ).status_code
        for _ in range(attempts - 1)
    ]

    assert after == [400] * (attempts - 1)


def test_logout_needs_post_and_ends_the_session(client: Client) -> None:
    user = UserFactory()
    client.force_login(user)

    assert client.get(url("accounts:logout")).status_code == 405
    assert client.session["_auth_user_id"] == str(user.pk)
    response = client.post(url("accounts:logout"))

    assert response.status_code == 302
    assert response["Location"] == "/en/"
    assert "_auth_user_id" not in client.session


def test_nav_shows_login_for_anonymous_and_logout_for_users(client: Client) -> None:
    anonymous_html = client.get(url("directory:home")).content.decode()
    client.force_login(UserFactory(username="navuser"))
    user_html = client.get(url("directory:home")).content.decode()

    assert 'data-testid="login"' in anonymous_html
    assert 'data-testid="logout"' not in anonymous_html
    assert 'data-testid="logout"' in user_html
    assert "navuser" in user_html


# Password reset -----------------------------------------------------------------------------


def test_password_reset_sends_a_working_link(client: Client) -> None:
    user = UserFactory(username="resetme", email="reset@example.cn")

    response = client.post(url("accounts:password_reset"), {"email": "reset@example.cn"})

    assert response.status_code == 302
    assert response["Location"] == url("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["reset@example.cn"]
    assert message.subject == "Reset your ClusterLink password"
    link = re.search(
        r"http://testserver(/en/accounts/password/reset/[^/\s]+/[^/\s]+/)", message.body
    )
    assert link is not None

    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert done.status_code == 302
    assert done["Location"] == url("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_reset_for_unknown_address_sends_nothing_and_says_the_same(client: Client) -> None:
    response = client.post(url("accounts:password_reset"), {"email": "nobody@example.cn"})

    assert response.status_code == 302
    assert response["Location"] == url("accounts:password_reset_done")
    assert mail.outbox == []


# Language preference ------------------------------------------------------------------------


def test_preferences_saves_language_and_redirects_into_it(client: Client) -> None:
    user = UserFactory(language="zh-hans")
    client.force_login(user)

    response = client.post(url("accounts:preferences", "zh-hans"), {"language": "en"})

    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/preferences/"
    user.refresh_from_db()
    assert user.language == "en"


def test_preferences_rejects_unknown_language_and_keeps_the_old_one(client: Client) -> None:
    user = UserFactory(language="ja")
    client.force_login(user)

    response = client.post(url("accounts:preferences"), {"language": "fr"})

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.language == "ja"


def test_preferences_needs_login(client: Client) -> None:
    response = client.get(url("accounts:preferences"))

    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/?next=")


def test_throttle_counts_username_and_email_of_one_account_together(client: Client) -> None:
    UserFactory(username="dual", email="dual@example.cn")
    attempts = settings.CLUSTERLINK_LOGIN_ATTEMPTS
    for n in range(attempts - 1):
        client.post(url("accounts:login"), {"username": "dual", "password": f"guess-{n}"})

    by_email = client.post(url("accounts:login"), {"username": "DUAL@example.cn", "password": "x"})

    assert by_email.status_code == 429
    assert "_auth_user_id" not in client.session
