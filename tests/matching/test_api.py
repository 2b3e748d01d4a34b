"""The matching API: same rules as the pages."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from clusterlink.matching.models import MatchRun, Proposal
from clusterlink.matching.services import match_run_execute
from tests.accounts.factories import UserFactory
from tests.matching.factories import MatchingWorld, matching_world

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    # The API speaks the request's language (Simplified Chinese by default); messages are
    # asserted in English.
    client = Client(enforce_csrf_checks=False, headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


def post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


def finished(world: MatchingWorld, capture: Any) -> MatchRun:
    with capture(execute=False):
        response = post(
            client_for(world.operator),
            "/api/matching/runs",
            {"scope": "cluster", "cluster_id": world.cluster.pk, "time_limit_s": 5},
        )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "queued"
    return match_run_execute(run_id=response.json()["id"])


def test_run_and_proposals_over_the_api(django_capture_on_commit_callbacks: Any) -> None:
    world = matching_world()
    run = finished(world, django_capture_on_commit_callbacks)
    body = client_for(world.operator).get(f"/api/matching/runs/{run.pk}").json()
    assert (body["status"], body["objective_rmb"], body["production_rmb"]) == (
        "finished",
        "7200.00",
        "7200.00",
    )
    mine = client_for(world.dear_user).get("/api/matching/proposals?side=factory").json()
    assert [(p["factory_id"], p["pairs"], p["rank"]) for p in mine["items"]] == [
        (world.dear.pk, 100, 2)
    ]
    proposal_id = mine["items"][0]["id"]
    assert (
        post(
            client_for(world.brand_user),
            f"/api/matching/proposals/{proposal_id}/decision",
            {"side": "brand", "accept": True},
        ).status_code
        == 200
    )
    done = post(
        client_for(world.dear_user),
        f"/api/matching/proposals/{proposal_id}/decision",
        {"side": "factory", "accept": True},
    ).json()
    assert done["status"] == "accepted" and done["agreement_id"] is not None


def test_outsiders_get_404_and_nothing_changes(django_capture_on_commit_callbacks: Any) -> None:
    world = matching_world()
    run = finished(world, django_capture_on_commit_callbacks)
    stranger = client_for(UserFactory())
    proposal = Proposal.objects.filter(run=run).first()
    assert proposal is not None
    assert stranger.get(f"/api/matching/runs/{run.pk}").status_code == 404
    assert stranger.get(f"/api/matching/proposals/{proposal.pk}").status_code == 404
    assert stranger.get("/api/matching/proposals").json()["count"] == 0
    response = post(
        stranger,
        f"/api/matching/proposals/{proposal.pk}/decision",
        {"side": "brand", "accept": True},
    )
    assert response.status_code == 404
    proposal.refresh_from_db()
    assert proposal.brand_decision == "pending"
    refused = post(
        stranger, "/api/matching/runs", {"scope": "cluster", "cluster_id": world.cluster.pk}
    )
    assert refused.status_code == 400
    assert refused.json()["details"] == {"cluster": ["Choose a cluster you operate."]}
    assert MatchRun.objects.count() == 1


def test_quotes_over_the_api(django_capture_on_commit_callbacks: Any) -> None:
    world = matching_world()
    finished(world, django_capture_on_commit_callbacks)
    factory = client_for(world.dear_user)
    bad = post(
        factory,
        f"/api/matching/demands/{world.big.pk}/quotes",
        {"factory_id": world.dear.pk, "unit_price_rmb": "11.555", "weeks": 4},
    )
    assert bad.status_code == 422
    ok = post(
        factory,
        f"/api/matching/demands/{world.big.pk}/quotes",
        {"factory_id": world.dear.pk, "unit_price_rmb": "11.50", "weeks": 4},
    )
    assert ok.status_code == 201
    assert ok.json()["unit_price_rmb"] == "11.50"
    listed = client_for(world.brand_user).get(f"/api/matching/demands/{world.big.pk}/quotes").json()
    assert [(q["factory_id"], q["unit_price_rmb"], q["weeks"]) for q in listed] == [
        (world.dear.pk, "11.50", 4)
    ]
    # the cheap factory sees the demand (proposed to it) but not the dear factory's quote
    assert (
        client_for(world.cheap_user).get(f"/api/matching/demands/{world.big.pk}/quotes").json()
        == []
    )
