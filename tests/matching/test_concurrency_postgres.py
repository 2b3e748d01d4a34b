"""Concurrent acceptances never overbook a factory week (PostgreSQL, real threads).

Run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/<own db name>; on SQLite the test
is skipped (SQLite has no row locks to prove anything with)."""

from __future__ import annotations

import contextlib
import datetime as dt
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


def _proposal(run: MatchRun, factory: Any, brand: Any, weeks: dict[Any, int]) -> Proposal:
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
        brand_decision=Decision.ACCEPTED,
        expires_at=clock.now() + dt.timedelta(days=7),
    )
    for week, pairs in weeks.items():
        MatchPlacement.objects.create(run=run, proposal=proposal, week=week, pairs=pairs)
    return proposal


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_acceptances_never_overbook() -> None:
    # given a factory with two contested weeks (100 pairs each) and one roomy week (1,000)
    factory = EnterpriseFactory()
    brand = EnterpriseFactory(roles=["brand"])
    a, b, c = (next_week(1), next_week(2), next_week(3))
    capacity(factory, "10.00", weeks=(1, 2), pairs=100)
    capacity(factory, "10.00", weeks=(3,), pairs=1000)
    operator = UserFactory()
    run = MatchRun.objects.create(
        operator=operator,
        scope=MatchRun.Scope.ALL,
        first_week=clock.current_week(),
        weeks=5,
        transport_rmb_per_pair_km=Decimal("0.0005"),
        unplaced_penalty_rmb=Decimal("100.00"),
        time_limit_s=5,
        status=MatchRun.Status.FINISHED,
    )
    # 12 proposals want 30 pairs in each contested week: at most 3 can fit;
    # 8 proposals want 100 pairs of the roomy week: all fit
    contested = [_proposal(run, factory, brand, {a: 30, b: 30}) for _ in range(12)]
    roomy = [_proposal(run, factory, brand, {c: 100}) for _ in range(8)]
    factory_user = UserFactory()
    Membership.objects.create(user=factory_user, enterprise=factory, role=Membership.Role.OWNER)
    everyone = contested + roomy

    # when every factory acceptance fires at once from its own thread and connection
    barrier = threading.Barrier(len(everyone))
    outcomes: dict[int, str] = {}
    lock = threading.Lock()

    def accept(proposal: Proposal) -> None:
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=30)
        try:
            proposal_decide(
                actor=factory_user,
                viewer=viewer_for(factory_user),
                proposal=proposal,
                side="factory",
                accept=True,
            )
            result = "accepted"
        except ConflictError:
            result = "short"
        except Exception as exc:
            result = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes[proposal.pk] = result

    threads = [threading.Thread(target=accept, args=(p,)) for p in everyone]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

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
