from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.utils import translation

from clusterlink.accounts.models import Membership, User
from clusterlink.accounts.services import (
    LoginThrottle,
    membership_add,
    user_language_set,
    user_sign_up,
)
from clusterlink.common.errors import ApplicationError
from clusterlink.directory.models import Enterprise
from tests.accounts.factories import UserFactory
from tests.directory.factories import ClusterFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Fresh-Lasting-2026"


@pytest.fixture(autouse=True)
def _clean_cache_fast_passwords(settings: Any) -> None:
    cache.clear()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_user_sign_up_with_firm_makes_the_user_its_owner() -> None:
    cluster = ClusterFactory(slug="xiaobeihe", trade="hosiery")

    user = user_sign_up(
        username="wang",
        email="Wang@Socks.example.CN",
        password=PASSWORD,
        language="ja",
        firm_name="  辽阳县王氏袜业有限公司 ",
        firm_cluster=cluster,
        firm_roles=("oem_factory",),
    )

    assert (user.username, user.email, user.language) == ("wang", "Wang@socks.example.cn", "ja")
    membership = Membership.objects.get(user=user)
    assert membership.role == Membership.Role.OWNER
    assert membership.enterprise.legal_name == "辽阳县王氏袜业有限公司"
    assert membership.enterprise.cluster_id == cluster.pk
    assert membership.enterprise.role_codes == ["oem_factory"]


def test_user_sign_up_with_invalid_firm_leaves_no_user_behind() -> None:
    with pytest.raises(ApplicationError) as caught:
        user_sign_up(
            username="wang",
            email="wang@example.cn",
            password=PASSWORD,
            firm_name="袜" * 201,
            firm_roles=("pirate",),
        )

    assert set(caught.value.details) == {"firm_legal_name", "firm_roles"}
    assert User.objects.count() == 0
    assert Enterprise.objects.count() == 0
    assert Membership.objects.count() == 0


def test_user_sign_up_reports_every_bad_field_at_once() -> None:
    UserFactory(username="Taken", email="taken@example.cn")

    # Messages are translated lazily; pin the language another test may have left active.
    with translation.override("en"), pytest.raises(ApplicationError) as caught:
        user_sign_up(username="taken", email="TAKEN@example.cn", password="123", language="fr")

    assert set(caught.value.details) == {"username", "email", "password", "language"}
    assert caught.value.details["username"] == ["This username is taken."]
    assert caught.value.details["email"] == ["An account with this e-mail address already exists."]
    assert User.objects.count() == 1


def test_membership_add_refuses_a_second_membership_and_unknown_roles() -> None:
    user = UserFactory()
    firm = EnterpriseFactory()
    membership_add(user=user, enterprise=firm, role=Membership.Role.MEMBER)

    with pytest.raises(ApplicationError) as twice:
        membership_add(user=user, enterprise=firm, role=Membership.Role.OWNER)
    with pytest.raises(ApplicationError) as unknown:
        membership_add(user=UserFactory(), enterprise=firm, role="boss")

    assert set(twice.value.details) == {"enterprise"}
    assert set(unknown.value.details) == {"role"}
    assert list(Membership.objects.values_list("user_id", "role")) == [(user.pk, "member")]


def test_user_language_set_rejects_unknown_language() -> None:
    user = UserFactory(language="en")

    with pytest.raises(ApplicationError):
        user_language_set(user=user, language="xx")
    user_language_set(user=user, language="zh-hans")

    user.refresh_from_db()
    assert user.language == "zh-hans"


def test_login_throttle_counts_per_username_and_address_case_insensitively(settings: Any) -> None:
    settings.CLUSTERLINK_LOGIN_ATTEMPTS = 3
    throttle = LoginThrottle(username="Lin", client_ip="10.1.1.1")

    counts = [
        LoginThrottle(username=name, client_ip="10.1.1.1").record_failure()
        for name in ("lin", "LIN", " Lin ")
    ]

    assert counts == [1, 2, 3]
    assert throttle.is_blocked() is True
    assert LoginThrottle(username="lin", client_ip="10.1.1.2").is_blocked() is False
    throttle.clear()
    assert throttle.failures() == 0
