"""Ids in the agreement form's query string: anything but an id is a 404, never a 500."""

from __future__ import annotations

import pytest
from django.test import Client

from clusterlink.agreements.models import Agreement
from tests.accounts.factories import OperatorScopeFactory
from tests.agreements.world import putian_docking

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("parameter", ["meeting", "demand"])
@pytest.mark.parametrize("bad_id", ["abc", "²", "٣", "9" * 25, "0"])
def test_an_id_that_is_not_one_is_a_404(parameter: str, bad_id: str) -> None:
    world = putian_docking()
    client = Client()
    client.force_login(OperatorScopeFactory(cluster=world.event.clusters.get(slug="putian")).user)

    response = client.get("/en/agreements/new/", {parameter: bad_id})

    assert response.status_code == 404
    assert Agreement.objects.count() == 0
