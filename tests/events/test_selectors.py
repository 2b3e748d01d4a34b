"""Selectors of docking events: suggestions quote only what the viewer may see (finding 6)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, cast

import pytest
from django.utils import translation

from clusterlink.accounts.access import Viewer
from clusterlink.common import clock
from clusterlink.directory.models import Category, Enterprise
from clusterlink.events import selectors
from clusterlink.market.models import Demand, Visibility
from tests.directory.factories import CapacityWeekFactory, ClusterFactory, EnterpriseFactory
from tests.events.factories import EventFactory, ParticipantFactory
from tests.market.factories import DemandFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 25, 4, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    with clock.frozen(NOW), translation.override("en"):
        yield


def _firm(cluster: Any, role: str, **kwargs: Any) -> Enterprise:
    firm = cast(Enterprise, EnterpriseFactory(cluster=cluster, roles=[role], **kwargs))
    firm.categories.set([Category.objects.get(code="sports-shoes")])
    return firm


@pytest.fixture
def world() -> dict[str, Any]:
    """A brand and a factory of one cluster, both validated at an event; the factory has free
    capacity covering any 20,000-pair order of sports shoes before its delivery week."""
    putian = ClusterFactory(slug="putian")
    event = EventFactory(slug="expo", clusters=[putian])
    brand, factory = _firm(putian, "brand"), _firm(putian, "oem_factory")
    CapacityWeekFactory(enterprise=factory, free_pairs=30000)
    buyer = ParticipantFactory(
        registration__event=event, registration__enterprise=brand, role="buyer"
    )
    supplier = ParticipantFactory(
        registration__event=event, registration__enterprise=factory, role="supplier"
    )
    return dict(
        cluster=putian,
        event=event,
        brand=brand,
        factory=factory,
        buyer=buyer,
        supplier=supplier,
        brand_viewer=Viewer(
            user_id=1,
            enterprise_ids=frozenset({brand.pk}),
            member_cluster_ids=frozenset({putian.pk}),
        ),
        factory_viewer=Viewer(
            user_id=2,
            enterprise_ids=frozenset({factory.pk}),
            member_cluster_ids=frozenset({putian.pk}),
        ),
    )


def _reasons(suggestions: list[selectors.Suggestion]) -> list[tuple[int, list[str]]]:
    return [(s.participant.pk, s.reasons) for s in suggestions]


def test_a_private_demand_of_the_counterpart_is_never_quoted(world: dict[str, Any]) -> None:
    # given the brand's private order, shared with nobody, and its public one
    DemandFactory(
        owner=world["brand"], title="秘密新款订单", visibility=Visibility.PRIVATE, status="open"
    )
    DemandFactory(
        owner=world["brand"], title="公开跑鞋订单", visibility=Visibility.PUBLIC, status="open"
    )
    # when the factory's representative reads its suggestions
    suggestions = selectors.suggestion_list(
        viewer=world["factory_viewer"], participant=world["supplier"]
    )
    # then the brand is suggested for its public order only; its own capacity may be quoted
    assert _reasons(suggestions) == [
        (
            world["buyer"].pk,
            [
                "Open demand “公开跑鞋订单”: makes Sports shoes, "
                "free capacity covers the order before its delivery week.",
                "Directory: both work in 1 of the same product categories.",
            ],
        )
    ]
    assert Demand.objects.count() == 2  # a read: nothing written


def test_a_factorys_capacity_coverage_is_not_revealed_to_the_brand(world: dict[str, Any]) -> None:
    # given the brand's own open order, which the factory's free capacity covers
    DemandFactory(owner=world["brand"], title="跑鞋代工订单", status="open")
    # when the brand's representative reads its suggestions
    suggestions = selectors.suggestion_list(
        viewer=world["brand_viewer"], participant=world["buyer"]
    )
    # then the factory is suggested for its capability only: neither the reason nor the score
    # (0.4 + 0.3 for processes, none for capacity; + 1 per demand; + 0.6 for the directory)
    # tells whether its capacity covers the order
    assert _reasons(suggestions) == [
        (
            world["supplier"].pk,
            [
                "Open demand “跑鞋代工订单”: makes Sports shoes.",
                "Directory: both work in 1 of the same product categories.",
            ],
        )
    ]
    assert round(suggestions[0].score, 6) == round(1.0 + 0.7 + 0.6, 6)


def test_the_clusters_operator_sees_the_capacity_coverage(world: dict[str, Any]) -> None:
    # the rule is the directory's: the factory's cluster operator may see its capacity
    DemandFactory(owner=world["brand"], title="跑鞋代工订单", status="open")
    operator = Viewer(user_id=3, operator_cluster_ids=frozenset({world["cluster"].pk}))
    suggestions = selectors.suggestion_list(viewer=operator, participant=world["buyer"])
    assert suggestions[0].reasons[0] == (
        "Open demand “跑鞋代工订单”: makes Sports shoes, "
        "free capacity covers the order before its delivery week."
    )


def test_a_firm_awaiting_approval_is_never_suggested(world: dict[str, Any]) -> None:
    # given a second factory, validated at the event but not yet approved by its cluster
    pending = _firm(world["cluster"], "oem_factory", cluster_status="pending")
    CapacityWeekFactory(enterprise=pending, free_pairs=30000)
    ParticipantFactory(
        registration__event=world["event"], registration__enterprise=pending, role="supplier"
    )
    DemandFactory(owner=world["brand"], title="跑鞋代工订单", status="open")
    # when the brand reads its suggestions, then only the approved factory is among them
    suggestions = selectors.suggestion_list(
        viewer=world["brand_viewer"], participant=world["buyer"]
    )
    assert [s.participant.pk for s in suggestions] == [world["supplier"].pk]
