"""Concurrent acceptances never overbook a factory week (PostgreSQL, real threads).

Run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/<own db name>; on SQLite the test
is skipped (SQLite has no row locks to prove anything with)."""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import threading
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from clusterlink.accounts.access import viewer_for
from clusterlink.accounts.models import Membership
from clusterlink.agreements.models import Agreement
from clusterlink.common import clock
from clusterlink.common.errors import ConflictError
from clusterlink.directory.models import CapacityWeek
from clusterlink.matching.models import (
    Decision,
    MatchPlacement,
    MatchRun,
    Proposal,
    Reservation,
)
from clusterlink.matching.services import proposal_decide
from tests.accounts.factories import UserFactory
from tests.directory.factories import EnterpriseFactory, next_week
from tests.market.factories import DemandFactory
from tests.matching.factories import capacity, sports_shoes


def _proposal(
    run: MatchRun,
    factory: Any,
    brand: Any,
    weeks: dict[Any, int],
    brand_decision: str = Decision.ACCEPTED,
) -> Proposal:
    demand = DemandFactory(owner=brand, pairs=sum(weeks.values()), delivery_week=next_week(4))
    proposal = Proposal.objects.create(
        run=run,
        demand=demand,
        factory=factory,
        category=sports_shoes(),
        pairs=sum(weeks.values()),
        unit_cost_rmb=Decimal("10.00"),
        transport_rmb_per_pair=Decimal("0"),
        distance_km=0.0,
        rank=1,
        eligible_factories=1,
        brand_decision=brand_decision,
        expires_at=clock.now() + dt.timedelta(days=7),
    )
    for week, pairs in weeks.items():
        MatchPlacement.objects.create(run=run, proposal=proposal, week=week, pairs=pairs)
    return proposal


def _finished_run() -> MatchRun:
    return MatchRun.objects.create(
        operator=UserFactory(),
        scope=MatchRun.Scope.ALL,
        first_week=clock.current_week(),
        weeks=5,
        transport_rmb_per_pair_km=Decimal("0.0005"),
        unplaced_penalty_rmb=Decimal("100.00"),
        time_limit_s=5,
        status=MatchRun.Status.FINISHED,
    )


def _member_of(firm: Any) -> Any:
    user = UserFactory()
    Membership.objects.create(user=user, enterprise=firm, role=Membership.Role.OWNER)
    return user


def _decide_all_at_once(decisions: list[tuple[Proposal, Any, str]]) -> dict[int, str]:
    """Each (proposal, user, side) accepts from its own thread and connection, all released
    together by a barrier; returns the outcome per decision index."""
    barrier = threading.Barrier(len(decisions))
    outcomes: dict[int, str] = {}
    lock = threading.Lock()

    def accept(index: int, proposal: Proposal, user: Any, side: str) -> None:
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=30)
        try:
            proposal_decide(
                actor=user, viewer=viewer_for(user), proposal=proposal, side=side, accept=True
            )
            result = "accepted"
        except ConflictError:
            result = "short"
        except Exception as exc:
            result = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes[index] = result

    threads = [
        threading.Thread(target=accept, args=(i, *decision)) for i, decision in enumerate(decisions)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes


@pytest.mark.postgres
def test_concurrent_acceptances_never_overbook(taxonomy: None) -> None:
    # given a factory with two contested weeks (100 pairs each) and one roomy week (1,000)
    factory = EnterpriseFactory()
    brand = EnterpriseFactory(roles=["brand"])
    a, b, c = (next_week(1), next_week(2), next_week(3))
    capacity(factory, "10.00", weeks=(1, 2), pairs=100)
    capacity(factory, "10.00", weeks=(3,), pairs=1000)
    run = _finished_run()
    # 12 proposals want 30 pairs in each contested week: at most 3 can fit;
    # 8 proposals want 100 pairs of the roomy week: all fit
    contested = [_proposal(run, factory, brand, {a: 30, b: 30}) for _ in range(12)]
    roomy = [_proposal(run, factory, brand, {c: 100}) for _ in range(8)]
    factory_user = _member_of(factory)
    everyone = contested + roomy

    # when every factory acceptance fires at once from its own thread and connection
    by_index = _decide_all_at_once([(p, factory_user, "factory") for p in everyone])
    outcomes = {everyone[i].pk: result for i, result in by_index.items()}

    # then no week is above its capacity, and exactly the feasible acceptances succeeded
    assert len(outcomes) == len(everyone)
    assert Counter(outcomes[p.pk] for p in contested) == Counter({"accepted": 3, "short": 9})
    assert Counter(outcomes[p.pk] for p in roomy) == Counter({"accepted": 8})
    weeks = {w.week: w for w in CapacityWeek.objects.filter(enterprise=factory)}
    assert (weeks[a].reserved_pairs, weeks[b].reserved_pairs, weeks[c].reserved_pairs) == (
        90,
        90,
        800,
    )
    for week in weeks.values():
        assert week.reserved_pairs <= week.free_pairs
        assert week.reserved_pairs == sum(
            r.pairs for r in Reservation.objects.filter(capacity_week=week)
        )
    accepted = [pk for pk, r in outcomes.items() if r == "accepted"]
    assert sorted(
        Proposal.objects.filter(status=Proposal.Status.ACCEPTED).values_list("pk", flat=True)
    ) == sorted(accepted)
    assert Agreement.objects.count() == 11
    # the refused ones wrote nothing: still open, factory answer pending
    refused = Proposal.objects.exclude(pk__in=accepted)
    assert {(p.status, p.factory_decision) for p in refused} == {("open", "pending")}


@pytest.fixture
def taxonomy(transactional_db: None) -> None:
    """A transactional test flushes every table afterwards, the seeded taxonomy included."""
    from django.apps import apps

    importlib.import_module("clusterlink.directory.migrations.0002_seed_taxonomy").seed(apps, None)


@pytest.mark.postgres
def test_brand_and_factory_accepting_at_once_book_each_proposal_once(taxonomy: None) -> None:
    # given ten open proposals of 30 pairs on one week of 100 pairs, no side has answered
    factory = EnterpriseFactory()
    brand = EnterpriseFactory(roles=["brand"])
    week = next_week(1)
    capacity(factory, "10.00", weeks=(1,), pairs=100)
    run = _finished_run()
    proposals = [
        _proposal(run, factory, brand, {week: 30}, brand_decision=Decision.PENDING)
        for _ in range(10)
    ]
    brand_user, factory_user = _member_of(brand), _member_of(factory)

    # when brand and factory accept every proposal at the same moment (20 threads)
    decisions = [(p, brand_user, "brand") for p in proposals] + [
        (p, factory_user, "factory") for p in proposals
    ]
    outcomes = _decide_all_at_once(decisions)

    # then each proposal was booked at most once: the second answer of a proposal reserves,
    # three fit, the other seven second answers are refused and leave one side accepted
    assert len(outcomes) == 20
    assert not [r for r in outcomes.values() if r.startswith("error")]
    assert Counter(outcomes.values()) == Counter({"accepted": 13, "short": 7})
    capacity_week = CapacityWeek.objects.get(enterprise=factory, week=week)
    assert (capacity_week.free_pairs, capacity_week.reserved_pairs) == (100, 90)
    assert Reservation.objects.filter(capacity_week=capacity_week).count() == 3
    assert Agreement.objects.count() == 3
    states = Counter(
        (p.status, p.brand_decision, p.factory_decision)
        for p in Proposal.objects.filter(pk__in=[p.pk for p in proposals])
    )
    assert states[("accepted", "accepted", "accepted")] == 3
    assert states[("open", "accepted", "pending")] + states[("open", "pending", "accepted")] == 7
    assert sum(states.values()) == 10


@pytest.mark.postgres
@pytest.mark.parametrize("round_", range(3))
def test_results_written_during_an_acceptance_never_undo_it(taxonomy: None, round_: int) -> None:
    """A run's writer and an acceptance of a proposal it supersedes, at the same moment: the
    acceptance either wins (the proposal stays accepted, and the writer leaves its order
    alone) or loses cleanly (the proposal is superseded, and the acceptance is refused)."""
    from clusterlink.common.errors import ApplicationError
    from clusterlink.domain.allocation.solve import solve
    from clusterlink.matching.reader import build_problem
    from clusterlink.matching.services import _write_result, match_run_execute, match_run_start
    from tests.matching.factories import matching_world

    # given a finished run whose dear proposal the brand accepted, and a second run that has
    # read its rows and solved, about to write
    world = matching_world()
    operator = viewer_for(world.operator)
    first = match_run_start(
        operator=world.operator, viewer=operator, scope="cluster", cluster=world.cluster
    )
    first = match_run_execute(run_id=first.pk)
    dear = Proposal.objects.get(run=first, factory=world.dear)
    proposal_decide(
        actor=world.brand_user,
        viewer=viewer_for(world.brand_user),
        proposal=dear,
        side="brand",
        accept=True,
    )
    second = match_run_start(
        operator=world.operator, viewer=operator, scope="cluster", cluster=world.cluster
    )
    MatchRun.objects.filter(pk=second.pk).update(
        status=MatchRun.Status.RUNNING, started_at=clock.now()
    )
    second.refresh_from_db()
    built = build_problem(second)
    result = solve(built.problem, time_limit_s=5, seed=0, threads=1, fixed=built.fixed)

    # when the writer and the factory's acceptance start together
    barrier = threading.Barrier(2)
    outcome: dict[str, str] = {}

    def write() -> None:
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=30)
        try:
            _write_result(second.pk, built, result)
            outcome["write"] = "written"
        except Exception as exc:
            outcome["write"] = f"error: {exc!r}"
        finally:
            connection.close()

    def accept() -> None:
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=30)
        try:
            proposal_decide(
                actor=world.dear_user,
                viewer=viewer_for(world.dear_user),
                proposal=dear,
                side="factory",
                accept=True,
            )
            outcome["accept"] = "accepted"
        except ApplicationError as exc:  # (the thread speaks the default language: the code)
            outcome["accept"] = str(exc.code)
        except Exception as exc:
            outcome["accept"] = f"error: {exc!r}"
        finally:
            connection.close()

    threads = [threading.Thread(target=write), threading.Thread(target=accept)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    # then the write always happened, and the acceptance either stands or was refused whole
    assert outcome["write"] == "written"
    dear.refresh_from_db()
    if outcome["accept"] == "accepted":
        assert (dear.status, dear.agreement is not None) == ("accepted", True)
        assert Agreement.objects.count() == 1
        # the writer left the big order to the proposals it had, as changed under it
        assert not Proposal.objects.filter(run=second, demand=world.big).exists()
        assert list(second.unplaced.filter(demand=world.big).values_list("pairs", "reason")) == [
            (400, "order_changed_while_solving")
        ]
    else:
        assert outcome["accept"] == "matching_proposal_closed"  # no longer open
        assert (dear.status, dear.factory_decision, dear.agreement) == (
            "superseded",
            "pending",
            None,
        )
        assert Agreement.objects.count() == 0
        assert Reservation.objects.count() == 0
    # never two runs' live proposals on one order, never more accepted than ordered
    live: dict[int, set[int]] = {}
    for demand_id, run_id in Proposal.objects.filter(
        status__in=(Proposal.Status.OPEN, Proposal.Status.ACCEPTED)
    ).values_list("demand_id", "run_id"):
        live.setdefault(demand_id, set()).add(run_id)
    assert all(len(runs) == 1 for runs in live.values()), live
    accepted = sum(
        Proposal.objects.filter(demand=world.big, status="accepted").values_list("pairs", flat=True)
    )
    assert accepted <= 400
