"""Property-based run of the whole API against its own OpenAPI schema (schemathesis, in-process
WSGI).

Every operation gets a bounded number of generated requests (valid and invalid ones), sent with the
bearer token of a factory owner and pointing part of the time at rows that exist. No response may be
a server error, and every response must match the status codes and bodies the schema documents.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from clusterlink.accounts.models import Membership
from clusterlink.accounts.tokens import api_token_create
from clusterlink.market.models import Offer
from config.wsgi import application
from tests.accounts.factories import MembershipFactory, OperatorScopeFactory
from tests.directory.factories import CapacityWeekFactory, ClusterFactory, EnterpriseFactory
from tests.market.factories import DemandFactory

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
schema.config.generation.update(deterministic=True)
# Fuzzing (valid and invalid requests) only: the coverage phase's exhaustive boundary cases for
# every field double the run time for little more; run it by hand with `enabled = True`.
schema.config.phases.coverage.enabled = False

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
PATH_IDS = ("enterprise_id", "demand_id", "offer_id", "token_id")


@pytest.fixture
def in_test_transaction() -> Iterator[None]:
    """Keep the test's transaction open across in-process WSGI requests, as the test client does:
    Django closes the connection at the start and end of each request when it is inside a
    transaction, which on PostgreSQL would end the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def api_world(db: None, in_test_transaction: None) -> dict[str, Any]:
    """A cluster with a factory (whose owner holds the token), a brand with demands, capacity and
    an offer."""
    cluster = ClusterFactory(slug="putian")
    factory = EnterpriseFactory(cluster=cluster, roles=["oem_factory"])
    brand = EnterpriseFactory(cluster=cluster, roles=["brand"])
    # No password: hashing one costs more than the rest of the fixture.
    user = MembershipFactory(
        enterprise=factory, role=Membership.Role.OWNER, user__password=None
    ).user
    OperatorScopeFactory(cluster=ClusterFactory(slug="jinjiang"), user__password=None)
    CapacityWeekFactory(enterprise=factory)
    public = DemandFactory(owner=brand)
    private = DemandFactory(owner=factory, visibility="private", target_unit_price_rmb="42.50")
    offer = Offer.objects.create(
        owner=factory,
        offer_type=Offer.OfferType.CAPACITY,
        title="空闲产能",
        pairs=1000,
        unit_price_rmb="30.00",
    )
    _token, raw = api_token_create(user=user, name="schemathesis")
    return {
        "headers": {"Authorization": f"Bearer {raw}"},
        "ids": {
            "enterprise_id": [factory.pk, brand.pk],
            "demand_id": [public.pk, private.pk],
            "offer_id": [offer.pk],
            "token_id": [_token.pk],
        },
    }


@schema.parametrize()
@settings(max_examples=20, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case: Any, api_world: dict[str, Any]) -> None:
    # Half of the generated ids are redirected to rows that exist, so detail and write paths run.
    for name in PATH_IDS:
        value = (case.path_parameters or {}).get(name)
        if isinstance(value, int) and not isinstance(value, bool) and value % 2 == 0:
            ids = api_world["ids"][name]
            case.path_parameters[name] = ids[value % len(ids)]
    case.call_and_validate(headers=api_world["headers"], checks=CHECKS)


def test_openapi_and_docs_are_served_without_a_cdn(client: Any) -> None:
    schema_response = client.get("/api/openapi.json")
    assert schema_response.status_code == 200
    assert "/api/enterprises" in schema_response.json()["paths"]
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
    assert '"validatorUrl": null' in html
    from django.contrib.staticfiles import finders

    assert finders.find("ninja/swagger-ui-bundle.js")
    assert finders.find("ninja/swagger-ui.css")


def test_no_two_schemas_share_a_component_name(monkeypatch) -> None:
    """django-ninja files each model and enum of the OpenAPI schema under its class name and
    silently keeps the last of two that share one (two `Status` enums, two `PartyOut` models),
    so the documented bodies would be another operation's."""
    from ninja.openapi.schema import OpenAPISchema

    from config.api import api

    seen: dict[str, Any] = {}
    clashes: set[str] = set()
    add = OpenAPISchema.add_schema_definitions

    def add_checked(self: OpenAPISchema, definitions: dict[str, Any]) -> None:
        for name, definition in definitions.items():
            if seen.setdefault(name, definition) != definition:
                clashes.add(name)
        add(self, definitions)

    monkeypatch.setattr(OpenAPISchema, "add_schema_definitions", add_checked)

    components = api.get_openapi_schema()["components"]["schemas"]

    assert clashes == set()
    assert {"DemandStatus", "MeetingStatus", "ParticipantRole"} <= {
        d.get("title") for d in _inline_enums(components)
    }


def _inline_enums(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if "enum" in node:
            yield node
        for value in node.values():
            yield from _inline_enums(value)
    elif isinstance(node, list):
        for value in node:
            yield from _inline_enums(value)
