"""Quotes: a factory answers a demand with price, weeks and conditions; bad input is refused
field by field and writes nothing; the brand compares quotes beside the engine's proposals."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from clusterlink.common.errors import ApplicationError
from clusterlink.directory.models import Enterprise
from clusterlink.market.models import DemandShare, Quote
from clusterlink.market.services import quote_request, quote_submit
from clusterlink.matching.models import MatchRun
from clusterlink.matching.services import match_run_execute, match_run_start
from tests.accounts.factories import UserFactory
from tests.directory.factories import ClusterFactory
from tests.matching.factories import MatchingWorld, matching_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def quotes_url(world: MatchingWorld) -> str:
    return f"/en/market/demands/{world.big.pk}/quotes/"


def finished_run(world: MatchingWorld, capture: Any) -> MatchRun:
    with capture(execute=False):
        run = match_run_start(
            operator=world.operator,
            viewer=world.viewer(world.operator),
            scope=MatchRun.Scope.CLUSTER,
            cluster=world.cluster,
            time_limit_s=5,
        )
    return match_run_execute(run_id=run.pk)


@pytest.mark.parametrize(
    ("price", "weeks", "errors"),
    [
        (Decimal("11.555"), 4, {"unit_price_rmb"}),
        (Decimal("-1.00"), 4, {"unit_price_rmb"}),
        (Decimal("11.50"), 0, {"weeks"}),
        (Decimal("11.50"), -2, {"weeks"}),
        (Decimal("-0.001"), -1, {"unit_price_rmb", "weeks"}),
        (None, None, {"unit_price_rmb", "weeks"}),
    ],
)
def test_bad_quote_names_every_field_and_writes_nothing(
    price: Decimal | None, weeks: int | None, errors: set[str]
) -> None:
    # given a quote the brand asked for
    world = matching_world()
    asked = quote_request(actor=world.brand_user, demand=world.big, factory=world.dear)
    history = Quote.history.count()
    # when the factory answers with bad values
    with pytest.raises(ApplicationError) as raised:
        quote_submit(
            actor=world.dear_user,
            demand=world.big,
            factory=world.dear,
            unit_price_rmb=price,
            weeks=weeks,
            conditions="30% deposit",
        )
    # then every bad field is named and the quote is as it was
    assert set(raised.value.details) == errors
    quote = Quote.objects.get()
    assert (quote.pk, quote.status, quote.unit_price_rmb, quote.weeks, quote.conditions) == (
        asked.pk,
        "requested",
        None,
        None,
        "",
    )
    assert Quote.history.count() == history


def test_bad_first_quote_writes_no_row() -> None:
    world = matching_world()
    with pytest.raises(ApplicationError) as raised:
        quote_submit(
            actor=world.dear_user,
            demand=world.big,
            factory=world.dear,
            unit_price_rmb=Decimal("9.999"),
            weeks=3,
        )
    assert raised.value.details == {
        "unit_price_rmb": ["Ensure that there are no more than 2 decimal places."]
    }
    assert Quote.objects.count() == 0 and Quote.history.count() == 0


def test_a_firm_cannot_quote_for_its_own_demand() -> None:
    world = matching_world()
    with pytest.raises(ApplicationError) as raised:
        quote_submit(
            actor=world.brand_user,
            demand=world.big,
            factory=world.brand,
            unit_price_rmb=Decimal("10.00"),
            weeks=3,
        )
    assert set(raised.value.details) == {"factory"}
    assert Quote.objects.count() == 0


def test_second_answer_replaces_the_first() -> None:
    world = matching_world()
    for price, weeks in (("11.50", 4), ("11.20", 5)):
        quote_submit(
            actor=world.dear_user,
            demand=world.big,
            factory=world.dear,
            unit_price_rmb=Decimal(price),
            weeks=weeks,
            conditions=" FOB Putian ",
        )
    quote = Quote.objects.get()
    assert (quote.status, quote.unit_price_rmb, quote.weeks, quote.conditions) == (
        "submitted",
        Decimal("11.20"),
        5,
        "FOB Putian",
    )
    assert quote.submitted_by == world.dear_user


def test_quote_form_locates_each_error_on_the_page_and_writes_nothing(
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given the dear factory, proposed for the big order, on the quote page
    world = matching_world()
    finished_run(world, django_capture_on_commit_callbacks)
    factory = client_for(world.dear_user)
    assert factory.get(quotes_url(world)).status_code == 200
    # when it sends a price with three decimals and a delivery already past (0 weeks)
    response = factory.post(
        quotes_url(world),
        {"factory": world.dear.pk, "unit_price_rmb": "11.555", "weeks": "0"},
    )
    # then each error stands next to its field and nothing is written
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="error-unit_price_rmb"' in page and 'data-testid="error-weeks"' in page
    assert "Use at most two decimals (yuan and fen)." in page
    assert response.context["form"].errors["weeks"] == [
        "Ensure this value is greater than or equal to 1."
    ]
    assert Quote.objects.count() == 0
    # and a negative price is refused the same way
    response = factory.post(
        quotes_url(world),
        {"factory": world.dear.pk, "unit_price_rmb": "-11.50", "weeks": "4"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "unit_price_rmb": ["An amount in RMB cannot be negative."]
    }
    assert Quote.objects.count() == 0


def test_brand_compares_quotes_beside_the_engines_proposals(
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a finished run (cheap factory 10.00, dear 12.00) and a quote from each factory
    world = matching_world()
    finished_run(world, django_capture_on_commit_callbacks)
    for firm, user, price, weeks in (
        (world.cheap, world.cheap_user, "10.80", 3),
        (world.dear, world.dear_user, "11.50", 4),
    ):
        response = client_for(user).post(
            quotes_url(world),
            {"factory": firm.pk, "unit_price_rmb": price, "weeks": weeks, "conditions": "定金三成"},
        )
        assert response.status_code == 302
    # when the brand opens the comparison
    response = client_for(world.brand_user).get(quotes_url(world))
    # then each factory's row holds the engine's landed cost beside its quoted price
    rows = {row["factory"].pk: row for row in response.context["rows"]}
    assert set(rows) == {world.cheap.pk, world.dear.pk}
    assert (rows[world.cheap.pk]["proposal"].pairs, rows[world.dear.pk]["proposal"].pairs) == (
        300,
        100,
    )
    assert rows[world.dear.pk]["proposal"].landed_rmb_per_pair == Decimal("12.00")
    assert rows[world.dear.pk]["quote"].unit_price_rmb == Decimal("11.50")
    page = response.content.decode()
    assert page.count('data-testid="quoted-price"') == 2
    assert "11.50" in page and "10.80" in page and "定金三成" in page


def test_quotes_are_private(django_capture_on_commit_callbacks: Any) -> None:
    world = matching_world()
    finished_run(world, django_capture_on_commit_callbacks)
    quote_submit(
        actor=world.dear_user,
        demand=world.big,
        factory=world.dear,
        unit_price_rmb=Decimal("11.50"),
        weeks=4,
    )
    # the other proposed factory sees the demand but not its competitor's price
    page = client_for(world.cheap_user).get(quotes_url(world)).content.decode()
    assert "11.50" not in page
    # a firm that may not see the demand gets 404 and cannot quote
    world.big.visibility = "private"
    world.big.save()
    stranger = client_for(UserFactory())
    assert stranger.get(quotes_url(world)).status_code == 404
    assert DemandShare.objects.filter(demand=world.big).count() == 2


def _quote_request_url(world: MatchingWorld) -> str:
    return f"/en/market/demands/{world.big.pk}/quotes/request/"


def test_a_quote_request_to_a_firm_the_brand_may_not_see_is_refused_like_a_missing_one() -> None:
    from clusterlink.directory.models import ClusterStatus
    from tests.directory.factories import EnterpriseFactory

    # given an unlisted firm and a firm awaiting approval, neither seen by the brand
    world = matching_world()
    unlisted = EnterpriseFactory(is_listed=False)
    pending = EnterpriseFactory(cluster_status=ClusterStatus.PENDING)
    client = client_for(world.brand_user)
    # when the brand asks them, and a firm that does not exist, for a quote
    answers = [
        client.post(_quote_request_url(world), {"factory": str(pk)})
        for pk in (unlisted.pk, pending.pk, pending.pk + 1000)
    ]
    # then every answer is the same 404, and nothing is written
    assert [a.status_code for a in answers] == [404, 404, 404]
    assert Quote.objects.count() == 0 and Quote.history.count() == 0
    assert DemandShare.objects.filter(demand=world.big).count() == 0
    # and the service refuses them alike
    from clusterlink.common.errors import NotFoundError

    for firm in (unlisted, pending):
        with pytest.raises(NotFoundError):
            quote_request(actor=world.brand_user, demand=world.big, factory=firm)
    assert Quote.objects.count() == 0


@pytest.mark.parametrize("factory", ["abc", "", "1e3", "-1", "9" * 40, "²", "9" * 17])
def test_a_factory_that_is_not_a_number_is_a_404_never_a_500(factory: str) -> None:
    world = matching_world()
    response = client_for(world.brand_user).post(_quote_request_url(world), {"factory": factory})
    assert response.status_code == 404
    assert Quote.objects.count() == 0
    assert DemandShare.objects.filter(demand=world.big).count() == 0


def test_a_firm_awaiting_approval_may_not_quote() -> None:
    from clusterlink.common.errors import NotFoundError
    from clusterlink.directory.models import ClusterStatus, Enterprise

    world = matching_world()
    Enterprise.objects.filter(pk=world.dear.pk).update(cluster_status=ClusterStatus.PENDING)
    world.dear.refresh_from_db()
    with pytest.raises(NotFoundError):
        quote_submit(
            actor=world.dear_user,
            demand=world.big,
            factory=world.dear,
            unit_price_rmb=Decimal("11.50"),
            weeks=4,
        )
    assert Quote.objects.count() == 0
    page = client_for(world.dear_user).get(quotes_url(world))
    assert page.status_code == 200
    assert page.context["form"] is None


def test_a_demand_of_a_firm_awaiting_approval_is_seen_only_by_those_who_manage_it() -> None:
    from clusterlink.accounts.access import ANONYMOUS, viewer_for
    from clusterlink.directory.models import ClusterStatus, Enterprise
    from clusterlink.market.access import demand_visible_q, may_see_demand
    from clusterlink.market.models import Demand, Visibility

    # given a public open demand of a brand whose membership awaits approval
    world = matching_world()
    Enterprise.objects.filter(pk=world.brand.pk).update(cluster_status=ClusterStatus.PENDING)
    assert (world.big.visibility, world.big.status) == (Visibility.PUBLIC, "open")
    # then the public and another firm do not see it; its own people and operators do
    seen = {
        name: may_see_demand(viewer, world.big)
        for name, viewer in (
            ("anonymous", ANONYMOUS),
            ("other firm", viewer_for(world.cheap_user)),
            ("owner", viewer_for(world.brand_user)),
            ("operator", viewer_for(world.operator)),
        )
    }
    assert seen == {"anonymous": False, "other firm": False, "owner": True, "operator": True}
    assert Demand.objects.filter(demand_visible_q(ANONYMOUS)).count() == 0
    assert (
        client_for(world.cheap_user).get(f"/en/market/demands/{world.big.pk}/").status_code == 404
    )


def test_an_operator_reads_no_landed_cost_of_another_clusters_factory_beside_the_quotes(
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a finished run whose dear factory (12.00 a pair) then belongs to another cluster
    world = matching_world()
    finished_run(world, django_capture_on_commit_callbacks)
    Enterprise.objects.filter(pk=world.dear.pk).update(cluster=ClusterFactory(slug="elsewhere"))
    # when the order's cluster operator opens the comparison
    page = client_for(world.operator).get(quotes_url(world)).content.decode()
    # then the cheap factory of his cluster shows its landed cost, the other cluster's does not
    assert "10.00" in page
    assert "12.00" not in page
