"""The demo's match runs: one for the Putian–Quanzhou shoe orders, one for Xiaobeihe, solved by
the engine, each account seeing its own view of them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from clusterlink.accounts.access import viewer_for
from clusterlink.accounts.models import User
from clusterlink.directory.demo import DemoLoader
from clusterlink.matching import selectors
from clusterlink.matching.demo import DEMO_SEED, load_matching_demo
from clusterlink.matching.models import MatchRun, Proposal, UnplacedPairs
from clusterlink.matching.services import match_run_execute, match_run_start

pytestmark = pytest.mark.django_db


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def firm_of(username: str) -> Any:
    return User.objects.get(username=username).memberships.get().enterprise


def plan_of(run: MatchRun) -> list[tuple[int, int, str, int]]:
    return sorted(
        (p.demand_id, p.factory_id, str(placement.week), placement.pairs)
        for p in Proposal.objects.filter(run=run)
        for placement in p.placements.all()
    )


def test_demo_has_a_finished_run_per_cluster_seen_by_each_account() -> None:
    # given the demo as load_demo builds it
    DemoLoader(seed=2024, progress=lambda line: None).load()
    # when
    runs = load_matching_demo()
    # then: one finished run per cluster, solved to optimality
    assert [(r.cluster.slug if r.cluster else None, r.status, r.solver_status) for r in runs] == [
        ("quanzhou-jinjiang", "finished", "OPTIMAL"),
        ("xiaobeihe", "finished", "OPTIMAL"),
    ]
    shoes, socks = runs
    assert shoes.demands.count() == 13 and socks.demands.count() == 16
    assert all(r.objective_rmb is not None and r.lower_bound_rmb is not None for r in runs)
    for run in runs:
        assert run.lower_bound_rmb <= run.objective_rmb
        assert Proposal.objects.filter(run=run).count() > 0
    assert {p.demand.owner.cluster.slug for p in Proposal.objects.filter(run=socks)} == {
        "xiaobeihe"
    }

    # the operator sees both runs and their result pages
    operator = viewer_for(User.objects.get(username="operator"))
    assert list(selectors.run_list(viewer=operator)) == [socks, shoes]
    page = client_for("operator").get(f"/en/matching/runs/{shoes.pk}/")
    assert page.status_code == 200
    assert b'data-testid="by-order"' in page.content and b'data-testid="unplaced"' in page.content

    # the brand sees the factories proposed for its orders, not the run page
    brand = firm_of("brand")
    brand_rows = selectors.proposal_list(viewer=viewer_for(User.objects.get(username="brand")))
    assert brand_rows.filter(demand__owner=brand).count() == brand_rows.count() > 0
    assert client_for("brand").get(f"/en/matching/runs/{shoes.pk}/").status_code == 404
    listing = client_for("brand").get("/en/matching/proposals/").content.decode()
    assert "Rank " in listing and "able factories by landed cost" in listing

    # the factory sees the work proposed to it, accepted by the brand, waiting for its answer
    factory = firm_of("factory")
    waiting = Proposal.objects.get(run=shoes, factory=factory)
    assert (waiting.demand.owner, waiting.demand.title) == (brand, "硫化休闲鞋代工 10,000 双")
    assert (waiting.status, waiting.brand_decision, waiting.factory_decision) == (
        "open",
        "accepted",
        "pending",
    )
    answer = client_for("factory").get(f"/en/matching/proposals/{waiting.pk}/").content.decode()
    assert 'data-testid="accept-factory"' in answer and 'data-testid="accept-brand"' not in answer
    assert client_for("factory").get(f"/en/matching/runs/{shoes.pk}/").status_code == 404

    # the sock factory sees the Xiaobeihe work proposed to it
    sock_factory = firm_of("sockfactory")
    sock_rows = Proposal.objects.filter(run=socks, factory=sock_factory)
    assert [p.demand.title for p in sock_rows] == ["手工对目运动袜代工 9,000 双"]
    listing = client_for("sockfactory").get("/en/matching/proposals/").content.decode()
    assert "手工对目运动袜代工 9,000 双" in listing

    # loading again adds nothing
    assert load_matching_demo() == [shoes, socks]
    assert MatchRun.objects.count() == 2

    # and the plan is deterministic: the same run with the same seed gives the same placements
    again = match_run_start(
        operator=User.objects.get(username="operator"),
        viewer=operator,
        scope=MatchRun.Scope.CLUSTER,
        cluster=socks.cluster,
        time_limit_s=socks.time_limit_s,
        seed=DEMO_SEED,
    )
    assert plan_of(match_run_execute(run_id=again.pk)) == plan_of(socks)


def test_demo_runs_place_most_pairs_and_say_why_the_rest_is_left() -> None:
    # given the demo as load_demo builds it
    DemoLoader(seed=2024, progress=lambda line: None).load()
    # when
    runs = load_matching_demo()
    # then: each run places at least 85 % of the pairs its orders ask for
    for run, demanded in zip(runs, (921_000, 2_999_000), strict=True):
        orders = list(run.demands.all())
        assert sum(d.pairs for d in orders) == demanded
        placed = {
            d.pk: sum(p.pairs for p in Proposal.objects.filter(run=run, demand=d)) for d in orders
        }
        unplaced = {u.demand_id: u for u in UnplacedPairs.objects.filter(run=run)}
        assert sum(placed.values()) >= 0.85 * demanded, run.cluster
        # every order is accounted for, and what is left carries a reason about capacity,
        # factory limits or lots, never an order no factory of the cluster could make at all
        for order in orders:
            rest = unplaced[order.pk].pairs if order.pk in unplaced else 0
            assert placed[order.pk] + rest == order.pairs, order.title
        assert {u.reason for u in unplaced.values()} <= {
            UnplacedPairs.Reason.CAPACITY_EXHAUSTED,
            UnplacedPairs.Reason.FACTORY_LIMIT_REACHED,
            UnplacedPairs.Reason.BELOW_MIN_LOT,
            UnplacedPairs.Reason.NO_CAPACITY_BEFORE_DUE,
        }
        # the factories it uses are busy: in the weeks it gives them work, the plan takes at
        # least 80 % of what they offered in the categories it uses them for
        report = selectors.run_report(
            viewer=viewer_for(User.objects.get(username="operator")), run=run
        )
        used = [cell for row in report.utilisation for cell in row["cells"] if cell["pairs"]]
        assert sum(c["pairs"] for c in used) >= 0.8 * sum(c["free"] for c in used)
