"""Who may do and see what in the matching app (matching.access), through the services,
pages, exports and API: the adversarial scenarios of issue 13 (findings 2, 4, 5, 7)."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from clusterlink.accounts.access import viewer_for
from clusterlink.accounts.models import Membership, OperatorScope
from clusterlink.common.errors import ApplicationError
from clusterlink.directory.models import CapacityWeek, Cluster, Enterprise
from clusterlink.market.models import Demand, DemandShare, Quote
from clusterlink.matching.models import MatchRun, Proposal
from clusterlink.matching.selectors import run_start_choices
from clusterlink.matching.services import match_run_execute, match_run_start, proposal_decide
from tests.accounts.factories import UserFactory
from tests.directory.factories import ClusterFactory, EnterpriseFactory, next_week
from tests.market.factories import DemandFactory
from tests.matching.factories import HERE, MatchingWorld, capacity, matching_world

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


def run_of_the_cluster(world: MatchingWorld, capture: Any) -> MatchRun:
    with capture(execute=False):
        run = match_run_start(
            operator=world.operator,
            viewer=world.viewer(world.operator),
            scope=MatchRun.Scope.CLUSTER,
            cluster=world.cluster,
            time_limit_s=5,
        )
    return match_run_execute(run_id=run.pk)


def plan(run: MatchRun) -> dict[tuple[int, int], int]:
    return {(p.demand_id, p.factory_id): p.pairs for p in Proposal.objects.filter(run=run)}


def test_a_self_registered_pending_firm_is_never_taken_into_a_default_run(
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a firm that signed up into the cluster (awaiting approval, listed by its owner)
    # with the cheapest capacity, and a private order of another pending firm
    world = matching_world()
    newcomer = EnterpriseFactory(
        cluster=world.cluster, cluster_status=Enterprise.ClusterStatus.PENDING, **HERE
    )
    newcomer.certifications.add(*world.cheap.certifications.all())
    capacity(newcomer, "5.00", pairs=1000)
    pending_brand = EnterpriseFactory(
        cluster=world.cluster, roles=["brand"], cluster_status="pending", **HERE
    )
    pending_order = DemandFactory(owner=pending_brand, pairs=200, delivery_week=next_week(3))
    # when the operator runs over the whole cluster
    run = run_of_the_cluster(world, django_capture_on_commit_callbacks)
    # then the plan is the approved firms' alone, and the newcomer sees no order
    assert sorted(run.demands.values_list("pk", flat=True)) == [world.big.pk, world.certified.pk]
    assert plan(run) == {
        (world.big.pk, world.cheap.pk): 300,
        (world.big.pk, world.dear.pk): 100,
        (world.certified.pk, world.cheap.pk): 300,
    }
    assert not Proposal.objects.filter(factory=newcomer).exists()
    assert not Proposal.objects.filter(demand=pending_order).exists()
    assert not DemandShare.objects.filter(enterprise=newcomer).exists()


def test_a_pending_firm_named_in_a_run_is_refused_like_a_missing_one() -> None:
    world = matching_world()
    newcomer = EnterpriseFactory(cluster=world.cluster, cluster_status="pending", **HERE)
    capacity(newcomer, "5.00")
    with pytest.raises(ApplicationError) as caught:
        match_run_start(
            operator=world.operator,
            viewer=world.viewer(world.operator),
            scope=MatchRun.Scope.CLUSTER,
            cluster=world.cluster,
            factory_ids=[newcomer.pk],
        )
    assert caught.value.details == {
        "factory_ids": [f"Factory {newcomer.pk} is not an approved firm you may choose."]
    }
    assert MatchRun.objects.count() == 0


def operator_of(*clusters: Cluster) -> Any:
    operator = UserFactory()
    for cluster in clusters:
        OperatorScope.objects.create(user=operator, cluster=cluster)
    return operator


def other_cluster_operator(world: MatchingWorld, pairs: int = 100) -> tuple[Any, Any]:
    """An operator of another cluster with an open order of his own cluster's brand."""
    other = ClusterFactory(slug="jinjiang-test")
    operator = operator_of(other)
    brand = EnterpriseFactory(cluster=other, roles=["brand"], **HERE)
    order = DemandFactory(owner=brand, pairs=pairs, delivery_week=next_week(3))
    return operator, order


def start_and_execute(capture: Any, operator: Any, **arguments: Any) -> MatchRun:
    with capture(execute=False):
        run = match_run_start(
            operator=operator,
            viewer=viewer_for(operator),
            time_limit_s=5,
            **arguments,
        )
    return match_run_execute(run_id=run.pk)


def test_an_operator_of_another_cluster_cannot_name_this_clusters_hidden_factory() -> None:
    # given the cheap factory unlisted (only its people and its cluster's operators see it)
    world = matching_world()
    Enterprise.objects.filter(pk=world.cheap.pk).update(is_listed=False)
    operator, order = other_cluster_operator(world)
    missing = Enterprise.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1000

    def refusal(factory_id: int) -> dict[str, list[str]]:
        with pytest.raises(ApplicationError) as caught:
            match_run_start(
                operator=operator,
                viewer=world.viewer(operator),
                scope=MatchRun.Scope.SELECTED,
                demand_ids=[order.pk],
                factory_ids=[factory_id],
            )
        return caught.value.details

    # when he names it, or an id that does not exist
    hidden, absent = refusal(world.cheap.pk), refusal(missing)
    # then both get the same error, naming only the id he gave, and no run is written
    assert hidden == {
        "factory_ids": [f"Factory {world.cheap.pk} is not an approved firm you may choose."]
    }
    assert absent == {"factory_ids": [f"Factory {missing} is not an approved firm you may choose."]}
    assert MatchRun.objects.count() == 0


def test_an_operator_of_another_cluster_cannot_take_this_clusters_listed_factory_into_a_run(
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a listed Putian factory with 777 free pairs a week at a private 9.37 RMB, and a
    # Jinjiang operator with an order of 100,000 pairs (which would saturate it: the run's
    # placements would be its free weeks, its production total / pairs its price)
    world = matching_world()
    saturable = EnterpriseFactory(cluster=world.cluster, **HERE)
    capacity(saturable, "9.37", pairs=777)
    operator, order = other_cluster_operator(world, pairs=100_000)
    missing = Enterprise.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1000
    jinjiang = client_for(operator)

    def posted(factory_id: int) -> Any:
        with django_capture_on_commit_callbacks(execute=False):
            return jinjiang.post(
                "/api/matching/runs",
                json.dumps(
                    {
                        "scope": "selected",
                        "demand_ids": [order.pk],
                        "factory_ids": [factory_id],
                        "time_limit_s": 5,
                    }
                ),
                content_type="application/json",
            )

    # when he posts a run naming it, or an id that does not exist
    listed, absent = posted(saturable.pk), posted(missing)
    # then both are refused alike, and nothing is written
    assert (listed.status_code, absent.status_code) == (400, 400)
    assert listed.json()["details"] == {
        "factory_ids": [f"Factory {saturable.pk} is not an approved firm you may choose."]
    }
    assert absent.json()["details"] == {
        "factory_ids": [f"Factory {missing} is not an approved firm you may choose."]
    }
    assert MatchRun.objects.count() == 0
    assert Proposal.objects.count() == 0
    # and the start form offers no Putian firm to him
    assert run_start_choices(viewer_for(operator))["factories"] == []


def test_a_default_run_of_an_operator_of_one_cluster_takes_only_its_clusters_factories(
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given Putian's listed factories at 10.00 and 12.00 RMB, and a Jinjiang operator whose
    # cluster has one factory at 15.00 RMB and an order of 100 pairs
    world = matching_world()
    operator, order = other_cluster_operator(world)
    home = EnterpriseFactory(cluster=order.owner.cluster, **HERE)
    capacity(home, "15.00")
    # when he runs over his cluster without naming factories
    run = start_and_execute(
        django_capture_on_commit_callbacks,
        operator,
        scope=MatchRun.Scope.CLUSTER,
        cluster=order.owner.cluster,
    )
    # then the run takes his cluster's factory alone: no Putian figure enters its totals
    assert run.status == MatchRun.Status.FINISHED
    assert plan(run) == {(order.pk, home.pk): 100}
    assert run.production_rmb == Decimal("1500.00")
    proposal = Proposal.objects.get(run=run)
    assert (proposal.eligible_factories, proposal.runner_up_id) == (1, None)


def test_an_operator_of_both_clusters_and_the_admin_match_across_clusters(
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a Jinjiang order of 100 pairs, Jinjiang's factory at 15.00 RMB, Putian's listed
    # factories at 10.00 and 12.00 RMB and a third cluster's listed factory at 8.00 RMB
    world = matching_world()
    _, order = other_cluster_operator(world)
    jinjiang = order.owner.cluster
    home = EnterpriseFactory(cluster=jinjiang, **HERE)
    capacity(home, "15.00")
    far = EnterpriseFactory(cluster=ClusterFactory(slug="xiaobeihe-test"), **HERE)
    capacity(far, "8.00")
    docking = operator_of(world.cluster, jinjiang)
    admin = UserFactory(is_superuser=True, is_staff=True)
    # when an operator of Putian and Jinjiang runs over Jinjiang, then the admin does
    both = start_and_execute(
        django_capture_on_commit_callbacks, docking, scope=MatchRun.Scope.CLUSTER, cluster=jinjiang
    )
    everything = start_and_execute(
        django_capture_on_commit_callbacks, admin, scope=MatchRun.Scope.CLUSTER, cluster=jinjiang
    )
    # then the docking operator's run takes Putian's cheapest factory, never the third
    # cluster's, and the admin's run takes the cheapest of all
    assert plan(both) == {(order.pk, world.cheap.pk): 100}
    assert both.production_rmb == Decimal("1000.00")
    assert plan(everything) == {(order.pk, far.pk): 100}
    # and he may name a Putian factory, but not the third cluster's
    named = match_run_start(
        operator=docking,
        viewer=viewer_for(docking),
        scope=MatchRun.Scope.SELECTED,
        demand_ids=[order.pk],
        factory_ids=[world.dear.pk],
    )
    assert list(named.factories.all()) == [world.dear]
    with pytest.raises(ApplicationError) as caught:
        match_run_start(
            operator=docking,
            viewer=viewer_for(docking),
            scope=MatchRun.Scope.SELECTED,
            demand_ids=[order.pk],
            factory_ids=[far.pk],
        )
    assert caught.value.details == {
        "factory_ids": [f"Factory {far.pk} is not an approved firm you may choose."]
    }
    assert MatchRun.objects.count() == 3


def test_a_run_solves_with_the_rights_its_operator_holds_when_it_solves(
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given an operator of Putian and Jinjiang who started a Jinjiang run naming Putian's
    # cheap factory and Jinjiang's own
    world = matching_world()
    _, order = other_cluster_operator(world)
    jinjiang = order.owner.cluster
    home = EnterpriseFactory(cluster=jinjiang, **HERE)
    capacity(home, "15.00")
    docking = operator_of(world.cluster, jinjiang)
    with django_capture_on_commit_callbacks(execute=False):
        run = match_run_start(
            operator=docking,
            viewer=viewer_for(docking),
            scope=MatchRun.Scope.SELECTED,
            demand_ids=[order.pk],
            factory_ids=[world.cheap.pk, home.pk],
            time_limit_s=5,
        )
    # when he loses his Putian scope before the run solves
    OperatorScope.objects.filter(user=docking, cluster=world.cluster).delete()
    run = match_run_execute(run_id=run.pk)
    # then the run takes nothing of Putian's
    assert run.status == MatchRun.Status.FINISHED
    assert plan(run) == {(order.pk, home.pk): 100}
    assert run.production_rmb == Decimal("1500.00")


def test_an_operator_of_another_cluster_cannot_name_this_clusters_orders() -> None:
    world = matching_world()
    operator, _ = other_cluster_operator(world)
    missing = world.certified.pk + 1000
    with pytest.raises(ApplicationError) as caught:
        match_run_start(
            operator=operator,
            viewer=world.viewer(operator),
            scope=MatchRun.Scope.SELECTED,
            demand_ids=[world.big.pk, missing],
        )
    assert caught.value.details == {
        "demand_ids": [
            f"Demand {world.big.pk} is not an open order.",
            f"Demand {missing} is not an open order.",
        ]
    }
    assert MatchRun.objects.count() == 0


def test_a_run_keeps_an_accepted_placement_at_a_factory_its_operator_may_not_see_out_of_its_plan(
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a docking run that placed 600 of a Jinjiang order's 700 pairs at Putian's cheap
    # factory (10.00 RMB), accepted by both sides, and 100 at Putian's dear one (12.00 RMB)
    # rather than Jinjiang's own (15.00 RMB)
    world = matching_world()
    jinjiang_operator, order = other_cluster_operator(world, pairs=700)
    jinjiang = order.owner.cluster
    home = EnterpriseFactory(cluster=jinjiang, **HERE)
    capacity(home, "15.00")
    docking = start_and_execute(
        django_capture_on_commit_callbacks,
        operator_of(world.cluster, jinjiang),
        scope=MatchRun.Scope.CLUSTER,
        cluster=jinjiang,
    )
    assert plan(docking) == {(order.pk, world.cheap.pk): 600, (order.pk, world.dear.pk): 100}
    buyer = UserFactory()
    Membership.objects.create(user=buyer, enterprise=order.owner, role=Membership.Role.OWNER)
    accepted = Proposal.objects.get(run=docking, factory=world.cheap)
    for actor, side in ((buyer, "brand"), (world.cheap_user, "factory")):
        proposal_decide(
            actor=actor,
            viewer=viewer_for(actor),
            proposal=Proposal.objects.get(pk=accepted.pk),
            side=side,
            accept=True,
        )
    assert Proposal.objects.get(pk=accepted.pk).status == Proposal.Status.ACCEPTED
    # when Jinjiang's own operator runs over his cluster again
    rerun = start_and_execute(
        django_capture_on_commit_callbacks,
        jinjiang_operator,
        scope=MatchRun.Scope.CLUSTER,
        cluster=jinjiang,
    )
    # then the accepted pairs stay where they are, outside his run: the Putian factory's
    # price and free weeks enter neither its plan nor its totals
    assert plan(rerun) == {(order.pk, home.pk): 100}
    assert rerun.production_rmb == Decimal("1500.00")
    assert Proposal.objects.get(pk=accepted.pk).status == Proposal.Status.ACCEPTED


def test_a_docking_run_across_clusters_is_not_shown_to_a_co_operator_of_one_of_them(
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a listed factory of another cluster, cheapest at 9.00 RMB, which a run of an
    # operator of both clusters (a docking) uses
    world = matching_world()
    other = ClusterFactory(slug="jinjiang-test")
    outsider = EnterpriseFactory(cluster=other, **HERE)
    capacity(outsider, "9.00")
    run = start_and_execute(
        django_capture_on_commit_callbacks,
        operator_of(world.cluster, other),
        scope=MatchRun.Scope.CLUSTER,
        cluster=world.cluster,
    )
    assert plan(run) == {
        (world.big.pk, outsider.pk): 400,
        (world.certified.pk, world.cheap.pk): 300,
    }
    operator = client_for(world.operator)
    # when this cluster's operator, who does not operate the outsider's cluster, asks for it
    # then the run is not his: its totals and weekly placements would give the outsider away
    assert operator.get(f"/en/matching/runs/{run.pk}/").status_code == 404
    assert operator.get(f"/en/matching/runs/{run.pk}/export.xlsx").status_code == 404
    assert operator.get(f"/api/matching/runs/{run.pk}").status_code == 404
    listed = operator.get("/api/matching/runs").json()
    assert run.pk not in [r["id"] for r in listed["items"]]
    # while his brand's proposals stay his to follow, without the outsider's price
    body = operator.get(f"/api/matching/proposals?run_id={run.pk}").json()
    assert {(p["factory_id"], p["unit_cost_rmb"]) for p in body["items"]} == {
        (outsider.pk, None),
        (world.cheap.pk, "10.00"),
    }
    # and the run's own operator (both clusters) and the admin read it whole
    for reader in (run.operator, UserFactory(is_superuser=True, is_staff=True)):
        page = client_for(reader).get(f"/en/matching/runs/{run.pk}/").content.decode()
        assert re.findall(r'data-testid="landed-cost">([^<]*)<', page) == ["9.00", "10.00"]
    export = client_for(run.operator).get(f"/en/matching/runs/{run.pk}/export.xlsx")
    book = load_workbook(io.BytesIO(export.content))
    prices = {row[2]: row[5] for row in book["Placements"].iter_rows(min_row=2, values_only=True)}
    assert prices == {outsider.display_name: 9, world.cheap.display_name: 10}


def runner_up_world(capture: Any) -> tuple[MatchingWorld, Proposal]:
    """The cheap factory has one week, which the certified order fills: the big order goes to
    the dear factory, and the cheap one is its runner-up, 2.00 RMB per pair less."""
    world = matching_world()
    CapacityWeek.objects.filter(enterprise=world.cheap, week=next_week(2)).delete()
    run = run_of_the_cluster(world, capture)
    proposal = Proposal.objects.get(run=run, demand=world.big)
    assert (proposal.factory, proposal.runner_up) == (world.dear, world.cheap)
    return world, proposal


def test_the_factory_never_sees_the_runner_up_nor_the_gap(
    django_capture_on_commit_callbacks: Any,
) -> None:
    world, proposal = runner_up_world(django_capture_on_commit_callbacks)
    factory = client_for(world.dear_user)
    # the page explains its own placement only
    page = factory.get(f"/en/matching/proposals/{proposal.pk}/").content.decode()
    explanation = re.search(r'data-testid="explanation">(.*?)</p>', page, re.S)
    assert explanation is not None
    assert " ".join(explanation.group(1).split()) == "Rank 2 of 2 able factories by landed cost."
    assert world.cheap.display_name not in page
    # and so does the API, one proposal or a list
    body = factory.get(f"/api/matching/proposals/{proposal.pk}").json()
    assert (body["runner_up_id"], body["runner_up_extra_rmb_per_pair"]) == (None, None)
    assert body["unit_cost_rmb"] == "12.00"  # its own price
    listing = factory.get("/api/matching/proposals?side=factory").json()["items"]
    assert [(p["runner_up_id"], p["runner_up_extra_rmb_per_pair"]) for p in listing] == [
        (None, None)
    ]


def test_the_brand_and_the_operator_see_the_runner_up_and_the_gap(
    django_capture_on_commit_callbacks: Any,
) -> None:
    world, proposal = runner_up_world(django_capture_on_commit_callbacks)
    for user in (world.brand_user, world.operator):
        client = client_for(user)
        page = client.get(f"/en/matching/proposals/{proposal.pk}/").content.decode()
        assert (
            f"Runner-up: {world.cheap.display_name}, 2.00 RMB per pair less, but not used:" in page
        )
        body = client.get(f"/api/matching/proposals/{proposal.pk}").json()
        assert body["runner_up_id"] == world.cheap.pk
        assert Decimal(body["runner_up_extra_rmb_per_pair"]) == Decimal("-2.0000")


def test_a_quote_request_names_only_a_firm_the_brand_may_see() -> None:
    # given a factory of another cluster that is not listed
    world = matching_world()
    hidden = EnterpriseFactory(cluster=ClusterFactory(slug="jinjiang-test"), is_listed=False)
    missing = hidden.pk + 1000
    brand = Client(headers={"Accept-Language": "en"})
    brand.force_login(world.brand_user)

    def ask(factory_id: int) -> Any:
        return brand.post(
            f"/api/matching/demands/{world.big.pk}/quote-requests",
            json.dumps({"factory_id": factory_id}),
            content_type="application/json",
        )

    # when the brand asks it for a quote, or a firm that does not exist
    hidden_answer, missing_answer = ask(hidden.pk), ask(missing)
    # then both are the same refusal, and no quote (nor share) is written
    assert (hidden_answer.status_code, missing_answer.status_code) == (400, 400)
    assert hidden_answer.json() == missing_answer.json()
    assert hidden_answer.json()["details"] == {"factory_id": ["Unknown enterprise."]}
    assert Quote.objects.count() == 0
    assert not DemandShare.objects.filter(enterprise=hidden).exists()
    # a listed, approved factory is asked
    assert ask(world.dear.pk).status_code == 201
    assert list(Quote.objects.values_list("factory_id", flat=True)) == [world.dear.pk]


def test_a_pending_factory_is_never_given_sight_of_a_proposed_order(
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a selected run over the dear factory, which is then suspended (pending again)
    world = matching_world()
    with django_capture_on_commit_callbacks(execute=False):
        run = match_run_start(
            operator=world.operator,
            viewer=world.viewer(world.operator),
            scope=MatchRun.Scope.CLUSTER,
            cluster=world.cluster,
            factory_ids=[world.cheap.pk, world.dear.pk],
            time_limit_s=5,
        )
    Enterprise.objects.filter(pk=world.dear.pk).update(cluster_status="pending")
    Membership.objects.filter(enterprise=world.dear).delete()
    # when it solves
    run = match_run_execute(run_id=run.pk)
    # then the suspended factory is not taken, nor shown the order
    assert set(Proposal.objects.filter(run=run).values_list("factory_id", flat=True)) == {
        world.cheap.pk
    }
    assert not DemandShare.objects.filter(enterprise=world.dear).exists()


def two_cluster_operator(world: MatchingWorld, price: str = "11.00") -> tuple[Any, Enterprise]:
    """An operator of the world's cluster and another, where a listed factory quotes `price`."""
    other = ClusterFactory(slug="other-c")
    foreign = EnterpriseFactory(cluster=other, **HERE)
    capacity(foreign, price, pairs=1000)
    return operator_of(world.cluster, other), foreign


def test_a_co_operator_never_sees_a_two_cluster_run_while_it_solves(
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given an operator of two clusters whose run of this cluster is solving (no plan yet), its
    # progress figures built from the other cluster's prices
    world = matching_world()
    dual, _ = two_cluster_operator(world)
    with django_capture_on_commit_callbacks(execute=False):
        run = match_run_start(
            operator=dual,
            viewer=viewer_for(dual),
            scope=MatchRun.Scope.CLUSTER,
            cluster=world.cluster,
            time_limit_s=5,
        )
    MatchRun.objects.filter(pk=run.pk).update(
        status=MatchRun.Status.RUNNING,
        progress_objective_rmb=Decimal("7777.00"),
        progress_bound_rmb=Decimal("7000.00"),
    )
    # when the operator of this cluster only asks for it
    co = client_for(world.operator)
    # then it is not his, on the page, its progress and the API
    assert co.get(f"/en/matching/runs/{run.pk}/").status_code == 404
    assert co.get(f"/en/matching/runs/{run.pk}/progress/").status_code == 404
    assert co.get(f"/api/matching/runs/{run.pk}").status_code == 404
    assert "7777" not in co.get("/api/matching/runs").content.decode()
    # while its operator reads it
    assert client_for(dual).get(f"/api/matching/runs/{run.pk}").status_code == 200


def test_an_operator_reads_no_runner_up_whose_price_he_may_not_see(
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a two-cluster run where the other cluster's factory (11.00) is runner-up to this
    # cluster's cheap factory (10.00) on the big order
    world = matching_world()
    Demand.objects.filter(pk=world.certified.pk).update(status=Demand.Status.CANCELLED)
    CapacityWeek.objects.filter(enterprise=world.dear).delete()
    dual, foreign = two_cluster_operator(world)
    run = start_and_execute(
        django_capture_on_commit_callbacks,
        dual,
        scope=MatchRun.Scope.CLUSTER,
        cluster=world.cluster,
    )
    proposal = Proposal.objects.get(run=run, demand=world.big)
    assert (proposal.factory, proposal.runner_up) == (world.cheap, foreign)
    # when this cluster's operator (only) reads his brand's proposals
    items = client_for(world.operator).get(f"/api/matching/proposals?run_id={run.pk}").json()
    # then the price of his cluster's factory is there, the foreign runner-up and gap are not
    [item] = items["items"]
    assert (item["unit_cost_rmb"], item["runner_up_id"]) == ("10.00", None)
    assert item["runner_up_extra_rmb_per_pair"] is None
    # while the run's operator and the brand read them
    for reader in (dual, world.brand_user):
        [mine] = client_for(reader).get(f"/api/matching/proposals?run_id={run.pk}").json()["items"]
        assert mine["runner_up_id"] == foreign.pk
