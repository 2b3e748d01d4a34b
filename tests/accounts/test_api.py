"""API authentication (bearer tokens, CSRF-checked sessions), /me, tokens, errors, language."""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from clusterlink.accounts.models import ApiToken
from clusterlink.accounts.tokens import api_token_create, api_token_revoke
from clusterlink.market.models import Demand
from tests.api_fixtures import ApiClient, World, client_for

pytest_plugins = ["tests.api_fixtures"]
pytestmark = pytest.mark.django_db


def _error_shape(response: object) -> dict[str, object]:
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"code", "message", "details"}
    return body  # type: ignore[no-any-return]


def _session_client(user: object, *, csrf: bool = True) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)  # type: ignore[arg-type]
    return client


# ---- bearer tokens ------------------------------------------------------------------------------


def test_valid_token_authenticates_and_records_its_use(world: World) -> None:
    token, raw = api_token_create(user=world.factory_owner, name="erp")
    response = ApiClient(raw).get("/me")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == world.factory_owner.pk
    assert body["memberships"] == [
        {
            "enterprise_id": world.factory.pk,
            "enterprise_name": world.factory.legal_name,
            "role": "owner",
            "cluster_status": "approved",
        }
    ]
    assert body["operator_clusters"] == []
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_operator_and_admin_see_their_scope_in_me(world: World) -> None:
    assert client_for(world.operator).get("/me").json()["operator_clusters"] == ["putian"]
    admin = client_for(world.admin).get("/me").json()
    assert admin["is_platform_admin"] is True


def test_only_the_hash_of_a_token_is_stored(world: World) -> None:
    token, raw = api_token_create(user=world.factory_owner, name="erp")
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(
        ApiToken.objects.values_list("key_hash", "prefix", "name").get(pk=token.pk)
    )


def test_revoked_token_is_refused_even_for_public_reads(world: World) -> None:
    token, raw = api_token_create(user=world.factory_owner, name="erp")
    api_token_revoke(user=world.factory_owner, token_id=token.pk)
    for path in ("/me", "/clusters"):
        response = ApiClient(raw).get(path)
        assert response.status_code == 401
        assert _error_shape(response)["code"] == "not_authenticated"


def test_unknown_token_is_refused(world: World) -> None:
    response = ApiClient("cl_not-a-real-token").get("/clusters")
    assert response.status_code == 401
    assert _error_shape(response)["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_missing_authentication_is_401_on_private_endpoints_and_fine_on_public_ones(
    world: World,
) -> None:
    anonymous = ApiClient()
    response = anonymous.get("/me")
    assert response.status_code == 401
    assert _error_shape(response) == {
        "code": "not_authenticated",
        "message": str(response.json()["message"]),
        "details": {},
    }
    assert anonymous.get("/clusters").status_code == 200


def test_token_of_an_inactive_user_is_refused(world: World) -> None:
    _token, raw = api_token_create(user=world.factory_owner, name="erp")
    world.factory_owner.is_active = False
    world.factory_owner.save()
    assert ApiClient(raw).get("/me").status_code == 401


# ---- sessions and CSRF --------------------------------------------------------------------------


def test_session_reads_work_without_csrf(world: World) -> None:
    response = _session_client(world.factory_owner).get("/api/me")
    assert response.status_code == 200
    assert response.json()["id"] == world.factory_owner.pk


def test_session_write_without_csrf_token_is_refused_and_writes_nothing(world: World) -> None:
    client = _session_client(world.factory_owner)
    response = client.post("/api/me/tokens", {"name": "erp"}, content_type="application/json")
    assert response.status_code == 403
    assert _error_shape(response)["code"] == "permission_denied"
    assert ApiToken.objects.count() == 0


def test_session_write_with_csrf_token_creates_a_token_shown_once(world: World) -> None:
    client = _session_client(world.factory_owner)
    client.get("/api/me")  # any page; the CSRF cookie is set below
    from django.middleware.csrf import _get_new_csrf_string

    secret = _get_new_csrf_string()
    client.cookies["csrftoken"] = secret
    response = client.post(
        "/api/me/tokens",
        {"name": "ERP link"},
        content_type="application/json",
        headers={"X-CSRFToken": secret},
    )
    assert response.status_code == 201
    created = response.json()
    raw = created["token"]
    assert created["name"] == "ERP link"
    assert raw.startswith(created["prefix"])
    # The raw token works, and is never listed again.
    assert ApiClient(raw).get("/me").json()["id"] == world.factory_owner.pk
    listed = client.get("/api/me/tokens")
    assert listed.status_code == 200
    assert [t["name"] for t in listed.json()] == ["ERP link"]
    assert raw not in listed.content.decode()


def test_tokens_cannot_be_managed_with_a_token(world: World) -> None:
    client = client_for(world.factory_owner)
    assert client.post("/me/tokens", {"name": "another"}).status_code == 401
    assert client.get("/me/tokens").status_code == 401
    assert ApiToken.objects.count() == 1


def test_revoking_a_token_by_session(world: World) -> None:
    token, raw = api_token_create(user=world.factory_owner, name="erp")
    client = _session_client(world.factory_owner, csrf=False)
    response = client.delete(f"/api/me/tokens/{token.pk}")
    assert response.status_code == 204
    assert ApiClient(raw).get("/me").status_code == 401
    # Another user's token is not found (and stays active).
    other, _raw = api_token_create(user=world.outsider, name="theirs")
    response = client.delete(f"/api/me/tokens/{other.pk}")
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None


def test_token_creation_is_throttled(world: World) -> None:
    client = _session_client(world.factory_owner, csrf=False)
    statuses = [
        client.post(
            "/api/me/tokens", {"name": f"t{i}"}, content_type="application/json"
        ).status_code
        for i in range(11)
    ]
    assert statuses == [201] * 10 + [429]
    response = client.post("/api/me/tokens", {"name": "again"}, content_type="application/json")
    assert _error_shape(response)["code"] == "throttled"
    assert "Retry-After" in response
    assert ApiToken.objects.filter(user=world.factory_owner).count() == 10


def test_token_name_is_validated(world: World) -> None:
    client = _session_client(world.factory_owner, csrf=False)
    response = client.post("/api/me/tokens", {"name": ""}, content_type="application/json")
    assert response.status_code == 422
    assert list(_error_shape(response)["details"]) == ["body.name"]  # type: ignore[call-overload]
    assert ApiToken.objects.count() == 0


# ---- error shape and language -------------------------------------------------------------------


def test_malformed_json_body_gets_the_error_shape(world: World) -> None:
    client = client_for(world.brand_owner)
    response = client.client.post(
        "/api/demands", "{not json", content_type="application/json", headers=client.headers
    )
    assert response.status_code == 400
    assert _error_shape(response)["code"] == "bad_request"
    assert Demand.objects.count() == 0


def _required(language: str) -> str:
    with translation.override(language):
        return str(_("This field is required."))


@pytest.mark.parametrize("language", ["en", "zh-hans", "ja"])
def test_error_messages_follow_accept_language(world: World, language: str) -> None:
    _token, raw = api_token_create(user=world.brand_owner, name="erp")
    client = ApiClient(raw)
    client.headers["Accept-Language"] = language
    response = client.post("/demands", {"demand_type": "processing_order"})
    assert response.status_code == 422
    assert _error_shape(response)["details"]["body.title"] == [_required(language)]  # type: ignore[index]
    assert response["Content-Language"] == language


def test_messages_differ_between_languages() -> None:
    assert len({_required("en"), _required("zh-hans"), _required("ja")}) == 3


def test_error_messages_follow_the_users_language_without_accept_language(world: World) -> None:
    world.brand_owner.language = "ja"
    world.brand_owner.save()
    response = client_for(world.brand_owner).post("/demands", {"demand_type": "processing_order"})
    assert response.json()["details"]["body.title"] == [_required("ja")]
