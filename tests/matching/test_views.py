"""Match run pages as operator, brand and factory; quotes beside proposals."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from clusterlink.agreements.models import Agreement
from clusterlink.directory.models import CapacityWeek
from clusterlink.market.models import Demand, DemandShare, Quote, Visibility
from clusterlink.matching.models import MatchRun, Proposal
from clusterlink.matching.services import match_run_execute
from tests.accounts.factories import UserFactory
from tests.matching.factories import MatchingWorld, matching_world

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def run_via_page(world: MatchingWorld, capture: Any) -> MatchRun:
    with capture(execute=False) as callbacks:
        response = client_for(world.operator).post(
            "/en/matching/runs/new/",
            {
                "scope": "cluster",
                "cluster": world.cluster.pk,
                "transport_rmb_per_pair_km": "0.0005",
                "unplaced_penalty_rmb": "100.00",
                "time_limit_s": "5",
                "seed": "0",
            },
        )
    run = MatchRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/en/matching/runs/{run.pk}/"
    assert len(callbacks) == 1
    return run


def test_operator_starts_a_run_and_reads_the_result(
    django_capture_on_commit_callbacks: Any,
) -> None:
    world = matching_world()
    run = run_via_page(world, django_capture_on_commit_callbacks)
    operator = client_for(world.operator)
    # while queued, the page polls its progress fragment and offers cancel
    page = operator.get(f"/en/matching/runs/{run.pk}/").content.decode()
    assert f'hx-get="/en/matching/runs/{run.pk}/progress/"' in page
    assert 'data-testid="cancel-run"' in page
    match_run_execute(run_id=run.pk)
    fragment = operator.get(f"/en/matching/runs/{run.pk}/progress/", HTTP_HX_REQUEST="true")
    assert fragment["HX-Refresh"] == "true"
    assert "7,200.00" in fragment.content.decode()
    page = operator.get(f"/en/matching/runs/{run.pk}/").content.decode()
    for piece in (
        "Placements by order",
        "Placements by factory",
        "Factory utilisation by week",
        "Flows between clusters",
        "flows-chart",
        "<strong>7,200.00</strong>",
        '<dd data-testid="solver-status">Optimal within rounding: at most 0.0002 RMB per pair '
        "above the proven bound</dd>",
        "300/300",
    ):
        assert piece in page
    # in Chinese too the figures are grouped and the solver's status is words, not a code
    page = operator.get(f"/zh-hans/matching/runs/{run.pk}/").content.decode()
    assert "<strong>7,200.00</strong>" in page
    assert (
        '<dd data-testid="solver-status">在取整误差内最优：每双至多比已证明的下界高 0.0002 元</dd>'
        in page
    )
    # the export holds the same placements
    export = operator.get(f"/en/matching/runs/{run.pk}/export.xlsx")
    book = load_workbook(io.BytesIO(export.content))
    rows = list(book["Placements"].iter_rows(min_row=2, values_only=True))
    assert sorted(r[4] for r in rows) == [100, 300, 300]


def test_start_form_names_the_invalid_fields() -> None:
    world = matching_world()
    response = client_for(world.operator).post(
        "/en/matching/runs/new/",
        {
            "scope": "selected",
            "transport_rmb_per_pair_km": "-1",
            "unplaced_penalty_rmb": "1.234",
            "time_limit_s": "0",
            "seed": "0",
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"transport_rmb_per_pair_km", "unplaced_penalty_rmb", "time_limit_s"}
    assert MatchRun.objects.count() == 0


def test_brand_and_factory_accept_through_the_pages(
    django_capture_on_commit_callbacks: Any,
) -> None:
    world = matching_world()
    run = run_via_page(world, django_capture_on_commit_callbacks)
    match_run_execute(run_id=run.pk)
    proposal = Proposal.objects.get(run=run, factory=world.dear)
    brand = client_for(world.brand_user)
    listing = brand.get("/en/matching/proposals/").content.decode()
    assert "Rank 2 of 2 able factories by landed cost." in listing
    brand.post(
        f"/en/matching/proposals/{proposal.pk}/decide/", {"side": "brand", "decision": "accept"}
    )
    factory = client_for(world.dear_user)
    page = factory.get(f"/en/matching/proposals/{proposal.pk}/").content.decode()
    assert 'data-testid="accept-factory"' in page
    response = factory.post(
        f"/en/matching/proposals/{proposal.pk}/decide/", {"side": "factory", "decision": "accept"}
    )
    assert response.status_code == 302
    page = factory.get(f"/en/matching/proposals/{proposal.pk}/").content.decode()
    assert "Reserved" in page
    assert Agreement.objects.count() == 1
    assert (
        sum(
            CapacityWeek.objects.filter(enterprise=world.dear).values_list(
                "reserved_pairs", flat=True
            )
        )
        == 100
    )


def test_proposals_are_hidden_from_others(django_capture_on_commit_callbacks: Any) -> None:
    world = matching_world()
    run = run_via_page(world, django_capture_on_commit_callbacks)
    match_run_execute(run_id=run.pk)
    proposal = Proposal.objects.get(run=run, factory=world.dear)
    stranger = client_for(UserFactory())
    assert stranger.get(f"/en/matching/proposals/{proposal.pk}/").status_code == 404
    assert stranger.get(f"/en/matching/runs/{run.pk}/").status_code == 404
    assert (
        stranger.post(
            f"/en/matching/proposals/{proposal.pk}/decide/", {"side": "brand", "decision": "accept"}
        ).status_code
        == 404
    )
    # the cheap factory sees its own work, not the dear factory's proposal
    assert (
        client_for(world.cheap_user).get(f"/en/matching/proposals/{proposal.pk}/").status_code
        == 404
    )
    proposal.refresh_from_db()
    assert proposal.brand_decision == "pending"


def test_factory_quotes_and_brand_compares(django_capture_on_commit_callbacks: Any) -> None:
    world = matching_world()
    run = run_via_page(world, django_capture_on_commit_callbacks)
    match_run_execute(run_id=run.pk)
    brand = client_for(world.brand_user)
    # the brand asks the dear factory for a quote
    brand.post(f"/en/market/demands/{world.big.pk}/quotes/request/", {"factory": world.dear.pk})
    assert Quote.objects.get().status == "requested"
    factory = client_for(world.dear_user)
    bad = factory.post(
        f"/en/market/demands/{world.big.pk}/quotes/",
        {"factory": world.dear.pk, "unit_price_rmb": "11.555", "weeks": "0"},
    )
    assert bad.status_code == 400
    assert set(bad.context["form"].errors) == {"unit_price_rmb", "weeks"}
    assert Quote.objects.get().unit_price_rmb is None
    factory.post(
        f"/en/market/demands/{world.big.pk}/quotes/",
        {
            "factory": world.dear.pk,
            "unit_price_rmb": "11.50",
            "weeks": "4",
            "conditions": "30% deposit",
        },
    )
    quote = Quote.objects.get()
    assert (quote.status, quote.unit_price_rmb, quote.weeks) == ("submitted", Decimal("11.50"), 4)
    page = brand.get(f"/en/market/demands/{world.big.pk}/quotes/").content.decode()
    assert (
        "Quotes beside the engine&#x27;s proposals" in page
        or "Quotes beside the engine's proposals" in page
    )
    assert "11.50" in page and "30% deposit" in page and "12.00" in page


@pytest.mark.parametrize(
    ("extra", "sentence"),
    [
        ("0.4500", "Runner-up: Putian Runner-up Shoes, 0.45 RMB per pair more."),
        (
            "-1.0800",
            "Runner-up: Putian Runner-up Shoes, 1.08 RMB per pair less, "
            "but the whole plan costs less without it.",
        ),
    ],
)
def test_explanation_names_the_runner_up_dearer_or_cheaper(extra: str, sentence: str) -> None:
    from django.template.loader import render_to_string

    from tests.directory.factories import EnterpriseFactory

    proposal = Proposal(
        rank=2,
        eligible_factories=5,
        runner_up=EnterpriseFactory(name_en="Putian Runner-up Shoes"),
        runner_up_extra_rmb_per_pair=Decimal(extra),
    )
    proposal.runner_up_shown = True  # type: ignore[attr-defined]  # as for the brand
    text = " ".join(render_to_string("matching/_why.html", {"p": proposal}).split())
    assert text == f"Rank 2 of 5 able factories by landed cost. {sentence}"


def test_pair_counts_are_grouped_in_thousands(django_capture_on_commit_callbacks: Any) -> None:
    # given a run whose proposal to the dear factory is for 12,300 pairs over two weeks
    world = matching_world()
    world.big.pairs = 85000
    world.big.save()
    run = run_via_page(world, django_capture_on_commit_callbacks)
    match_run_execute(run_id=run.pk)
    proposal = Proposal.objects.get(run=run, factory=world.dear)
    Proposal.objects.filter(pk=proposal.pk).update(pairs=12300)
    first, second = proposal.placements.order_by("week")
    type(first).objects.filter(pk=first.pk).update(pairs=1500)
    type(second).objects.filter(pk=second.pk).update(pairs=2300)
    brand, factory = client_for(world.brand_user), client_for(world.dear_user)
    # then every page writes them with separators
    listing = brand.get("/en/matching/proposals/").content.decode()
    assert "<td>12,300</td>" in listing
    assert "<td>12,300</td>" in factory.get("/en/matching/proposals/").content.decode()
    detail = factory.get(f"/en/matching/proposals/{proposal.pk}/").content.decode()
    assert '<dd data-testid="proposal-pairs">12,300</dd>' in detail
    assert "<td>1,500</td>" in detail and "<td>2,300</td>" in detail
    quotes = brand.get(f"/en/market/demands/{world.big.pk}/quotes/").content.decode()
    assert " · 85,000 pairs</p>" in quotes
    assert ">12,300</a></td>" in quotes
    start = client_for(world.operator).get("/en/matching/runs/new/").content.decode()
    assert "跑鞋 400 · " in start and " · 85,000" in start


def test_quotes_page_names_no_pairs_for_a_demand_without_them() -> None:
    world = matching_world()
    world.big.pairs = None
    world.big.save()
    page = client_for(world.brand_user).get(f"/en/market/demands/{world.big.pk}/quotes/")
    assert "pairs</p>" not in page.content.decode()


def test_decline_asks_for_confirmation_and_frees_the_weeks(
    django_capture_on_commit_callbacks: Any,
) -> None:
    world = matching_world()
    run = run_via_page(world, django_capture_on_commit_callbacks)
    match_run_execute(run_id=run.pk)
    proposal = Proposal.objects.get(run=run, factory=world.dear)
    brand = client_for(world.brand_user)
    # the decline button asks before it posts; accepting does not
    page = brand.get(f"/en/matching/proposals/{proposal.pk}/").content.decode()
    assert (
        'data-testid="decline-brand" '
        'data-confirm="Decline this proposal? It cannot be undone."' in page
    )
    assert 'value="accept" data-testid="accept-brand">' in page
    # when the brand declines, the page says so and its weeks no longer read as planned
    response = brand.post(
        f"/en/matching/proposals/{proposal.pk}/decide/",
        {"side": "brand", "decision": "decline"},
        follow=True,
    )
    page = response.content.decode()
    assert "You declined the proposal." in page
    assert "Planned, not reserved" not in page
    assert page.count("Not held: the proposal is closed") == proposal.placements.count()


def test_accepting_says_so(django_capture_on_commit_callbacks: Any) -> None:
    world = matching_world()
    run = run_via_page(world, django_capture_on_commit_callbacks)
    match_run_execute(run_id=run.pk)
    proposal = Proposal.objects.get(run=run, factory=world.dear)
    response = client_for(world.brand_user).post(
        f"/en/matching/proposals/{proposal.pk}/decide/",
        {"side": "brand", "decision": "accept"},
        follow=True,
    )
    assert "You accepted. Waiting for the other side." in response.content.decode()


@pytest.mark.parametrize("side", ["brand", "factory"])
def test_a_declined_factory_no_longer_sees_the_private_order(
    side: str, django_capture_on_commit_callbacks: Any
) -> None:
    # given a private order with a target price, proposed by a run to the dear factory
    world = matching_world()
    Demand.objects.filter(pk=world.big.pk).update(
        visibility=Visibility.PRIVATE, target_unit_price_rmb=Decimal("45.50")
    )
    run = run_via_page(world, django_capture_on_commit_callbacks)
    match_run_execute(run_id=run.pk)
    proposal = Proposal.objects.get(run=run, factory=world.dear, demand=world.big)
    factory = client_for(world.dear_user)
    page = factory.get(f"/en/market/demands/{world.big.pk}/")
    assert page.status_code == 200
    assert "45.50" in page.content.decode()
    # when either side declines the proposal
    user = world.brand_user if side == "brand" else world.dear_user
    client_for(user).post(
        f"/en/matching/proposals/{proposal.pk}/decide/", {"side": side, "decision": "decline"}
    )
    # then the factory may no longer open the order, nor its quotes
    assert factory.get(f"/en/market/demands/{world.big.pk}/").status_code == 404
    assert factory.get(f"/en/market/demands/{world.big.pk}/quotes/").status_code == 404
    assert not DemandShare.objects.filter(demand=world.big, enterprise=world.dear).exists()


def test_a_declined_factory_no_longer_sees_the_target_price_of_a_listed_order(
    django_capture_on_commit_callbacks: Any,
) -> None:
    world = matching_world()
    Demand.objects.filter(pk=world.big.pk).update(
        visibility=Visibility.CLUSTER, target_unit_price_rmb=Decimal("45.50")
    )
    run = run_via_page(world, django_capture_on_commit_callbacks)
    match_run_execute(run_id=run.pk)
    proposal = Proposal.objects.get(run=run, factory=world.dear, demand=world.big)
    factory = client_for(world.dear_user)
    client_for(world.dear_user).post(
        f"/en/matching/proposals/{proposal.pk}/decide/", {"side": "factory", "decision": "decline"}
    )
    page = factory.get(f"/en/market/demands/{world.big.pk}/").content.decode()
    assert 'data-testid="private-part"' not in page
    assert "45.50" not in page


def test_repair_validates_its_time_limit(django_capture_on_commit_callbacks: Any) -> None:
    world = matching_world()
    run = run_via_page(world, django_capture_on_commit_callbacks)
    match_run_execute(run_id=run.pk)
    operator = client_for(world.operator)
    page = operator.get(f"/en/matching/runs/{run.pk}/").content.decode()
    assert 'name="time_limit_s" value="5"' in page
    # a limit that is not a number is refused on its field and no run is queued
    response = operator.post(f"/en/matching/runs/{run.pk}/repair/", {"time_limit_s": "abc"})
    assert response.status_code == 400
    assert response.context["repair_form"].errors == {"time_limit_s": ["Enter a whole number."]}
    assert 'data-testid="error-time_limit_s"' in response.content.decode()
    response = operator.post(f"/en/matching/runs/{run.pk}/repair/", {"time_limit_s": "601"})
    assert response.status_code == 400
    assert MatchRun.objects.count() == 1
    # a valid limit is the repair run's
    with django_capture_on_commit_callbacks(execute=False):
        response = operator.post(f"/en/matching/runs/{run.pk}/repair/", {"time_limit_s": "30"})
    repair = MatchRun.objects.get(repair_of=run)
    assert response["Location"] == f"/en/matching/runs/{repair.pk}/"
    assert repair.time_limit_s == 30


def unwrapped_tables(page: str) -> int:
    """Tables not directly inside a .table-wrap, which scrolls them on a phone."""
    return sum(1 for wrap in re.findall(r'(<div class="table-wrap">\s*)?<table', page) if not wrap)


def test_every_table_scrolls_inside_the_page_on_a_phone(
    django_capture_on_commit_callbacks: Any,
) -> None:
    world = matching_world()
    world.big.pairs = 1000  # some pairs stay unplaced
    world.big.save()
    run = run_via_page(world, django_capture_on_commit_callbacks)
    match_run_execute(run_id=run.pk)
    operator = client_for(world.operator)
    detail = operator.get(f"/en/matching/runs/{run.pk}/").content.decode()
    for testid in ("unplaced-table", "flows-table", "by-factory-table"):
        assert f'data-testid="{testid}"' in detail
    pages = [
        operator.get("/en/matching/runs/").content.decode(),
        detail,
        client_for(world.brand_user).get("/en/matching/proposals/").content.decode(),
        client_for(world.dear_user).get("/en/matching/proposals/").content.decode(),
    ]
    assert [unwrapped_tables(page) for page in pages] == [0, 0, 0, 0]


def test_gap_is_shown_in_rmb_beside_a_percentage_with_enough_digits(
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a finished run whose plan lies 125.05 RMB above its bound of forty million
    world = matching_world()
    run = run_via_page(world, django_capture_on_commit_callbacks)
    match_run_execute(run_id=run.pk)
    MatchRun.objects.filter(pk=run.pk).update(
        progress_objective_rmb=Decimal("40901146.21"), progress_bound_rmb=Decimal("40901021.16")
    )
    # then the gap is not rounded away to 0.000 %
    page = client_for(world.operator).get(f"/en/matching/runs/{run.pk}/").content.decode()
    assert '<dd data-testid="progress-gap">125.05 RMB (0.0003 %)</dd>' in page
    page = client_for(world.operator).get(f"/zh-hans/matching/runs/{run.pk}/").content.decode()
    assert '<dd data-testid="progress-gap">125.05 元（0.0003 %）</dd>' in page


@pytest.mark.parametrize(
    ("reason", "words"),
    [
        (
            "capacity_taken",
            "its weeks before the due date are taken by other orders that save more there",
        ),
        (
            "below_min_lot",
            "the room it has left before the due date is less than the order's minimum lot",
        ),
        ("factory_limit", "the order already uses as many factories as it allows"),
    ],
)
def test_explanation_says_why_a_cheaper_runner_up_is_unused(reason: str, words: str) -> None:
    from django.template.loader import render_to_string

    from tests.directory.factories import EnterpriseFactory

    proposal = Proposal(
        rank=2,
        eligible_factories=5,
        runner_up=EnterpriseFactory(name_en="Putian Runner-up Shoes"),
        runner_up_extra_rmb_per_pair=Decimal("-18.6600"),
        runner_up_reason=reason,
    )
    proposal.runner_up_shown = True  # type: ignore[attr-defined]  # as for the brand
    text = " ".join(render_to_string("matching/_why.html", {"p": proposal}).split())
    assert text == (
        "Rank 2 of 5 able factories by landed cost. Runner-up: Putian Runner-up Shoes, "
        f"18.66 RMB per pair less, but not used: {words}."
    ).replace("'", "&#x27;")
