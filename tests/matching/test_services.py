"""Match runs from rows to proposals, decisions, reservations and repair runs."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command

from clusterlink.agreements.models import Agreement
from clusterlink.agreements.services import agreement_transition
from clusterlink.common import clock
from clusterlink.common.errors import ApplicationError, ConflictError
from clusterlink.directory.models import CapacityWeek
from clusterlink.market.models import Demand, DemandShare
from clusterlink.market.services import quote_request
from clusterlink.matching.models import MatchPlacement, MatchRun, Proposal, Reservation
from clusterlink.matching.services import (
    match_run_cancel,
    match_run_execute,
    match_run_repair_start,
    match_run_start,
    proposal_decide,
    proposal_withdraw,
    proposals_expire,
)
from tests.directory.factories import next_week
from tests.matching.factories import MatchingWorld, matching_world

pytestmark = pytest.mark.django_db


def start(world: MatchingWorld, **kwargs: Any) -> MatchRun:
    kwargs.setdefault("scope", MatchRun.Scope.CLUSTER)
    kwargs.setdefault("cluster", world.cluster)
    kwargs.setdefault("time_limit_s", 5)
    return match_run_start(operator=world.operator, viewer=world.viewer(world.operator), **kwargs)


def finished_run(world: MatchingWorld, django_capture_on_commit_callbacks: Any) -> MatchRun:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = start(world)
    assert len(callbacks) == 1  # the task is queued only on commit
    return match_run_execute(run_id=run.pk)


def plan(run: MatchRun) -> dict[tuple[str, str], int]:
    return {
        (p.demand.title, p.factory.legal_name): p.pairs
        for p in Proposal.objects.filter(run=run).select_related("demand", "factory")
    }


def test_run_places_orders_at_least_cost(django_capture_on_commit_callbacks: Any) -> None:
    # given 700 pairs, 600 of cheap capacity (only it is BSCI-certified) and 600 dear
    world = matching_world()
    # when
    run = finished_run(world, django_capture_on_commit_callbacks)
    # then the certified order and 300 of the other fill the cheap factory
    assert run.status == MatchRun.Status.FINISHED
    assert run.solver_status == "OPTIMAL"
    assert plan(run) == {
        ("BSCI 跑鞋 300", world.cheap.legal_name): 300,
        ("跑鞋 400", world.cheap.legal_name): 300,
        ("跑鞋 400", world.dear.legal_name): 100,
    }
    assert run.objective_rmb == Decimal("7200.00")
    assert run.production_rmb == Decimal("7200.00")
    assert run.penalty_rmb == Decimal("0.00")
    assert Decimal("7199.90") <= run.lower_bound_rmb <= Decimal("7200.00")
    assert MatchPlacement.objects.filter(run=run).count() == 3
    dear = Proposal.objects.get(run=run, factory=world.dear)
    assert dear.rank == 2 and dear.eligible_factories == 2
    assert dear.runner_up is None  # the order uses both able factories
    assert [(p.week, p.pairs) for p in dear.placements.all()] == [(next_week(1), 100)]
    # the proposed factories may now see the orders
    assert DemandShare.objects.filter(reason=DemandShare.Reason.MATCHED).count() == 3


def test_unplaced_pairs_keep_their_reason(django_capture_on_commit_callbacks: Any) -> None:
    world = matching_world()
    world.big.pairs = 1000
    world.big.save()
    run = finished_run(world, django_capture_on_commit_callbacks)
    # which order keeps the 100 is a tie; how many and why is not
    assert [(u.pairs, u.reason) for u in run.unplaced.all()] == [(100, "capacity_exhausted")]
    assert run.penalty_rmb == Decimal("10000.00")


def test_start_refuses_a_cluster_the_operator_does_not_run() -> None:
    world = matching_world()
    with pytest.raises(ApplicationError) as caught:
        match_run_start(
            operator=world.brand_user,
            viewer=world.viewer(world.brand_user),
            scope=MatchRun.Scope.CLUSTER,
            cluster=world.cluster,
        )
    assert caught.value.details == {"cluster": ["Choose a cluster you operate."]}
    assert MatchRun.objects.count() == 0


def test_start_validates_weights_and_limits() -> None:
    world = matching_world()
    with pytest.raises(ApplicationError) as caught:
        start(world, time_limit_s=0, unplaced_penalty_rmb=Decimal("-1"))
    assert set(caught.value.details) == {"time_limit_s", "unplaced_penalty_rmb"}
    assert MatchRun.objects.count() == 0


def test_cancel_a_queued_run(django_capture_on_commit_callbacks: Any) -> None:
    world = matching_world()
    run = start(world)
    match_run_cancel(actor=world.operator, viewer=world.viewer(world.operator), run=run)
    run = match_run_execute(run_id=run.pk)
    assert run.status == MatchRun.Status.CANCELLED
    assert Proposal.objects.count() == 0
    assert run.history.count() == 2  # created, cancelled


def test_execute_twice_writes_once(django_capture_on_commit_callbacks: Any) -> None:
    world = matching_world()
    run = finished_run(world, django_capture_on_commit_callbacks)
    again = match_run_execute(run_id=run.pk)
    assert again.status == MatchRun.Status.FINISHED
    assert Proposal.objects.count() == 3
    assert MatchPlacement.objects.count() == 3


def accept_both(world: MatchingWorld, proposal: Proposal, factory_user: Any) -> Proposal:
    proposal_decide(
        actor=world.brand_user,
        viewer=world.viewer(world.brand_user),
        proposal=proposal,
        side="brand",
        accept=True,
    )
    return proposal_decide(
        actor=factory_user,
        viewer=world.viewer(factory_user),
        proposal=proposal,
        side="factory",
        accept=True,
    )


def test_mutual_acceptance_creates_agreement_and_reserves(
    django_capture_on_commit_callbacks: Any,
) -> None:
    world = matching_world()
    run = finished_run(world, django_capture_on_commit_callbacks)
    proposal = Proposal.objects.get(run=run, factory=world.dear)
    # when brand then factory accept
    proposal = accept_both(world, proposal, world.dear_user)
    # then
    assert proposal.status == Proposal.Status.ACCEPTED
    agreement = Agreement.objects.get()
    assert proposal.agreement == agreement
    assert (agreement.buyer, agreement.supplier, agreement.pairs, agreement.amount_rmb) == (
        world.brand,
        world.dear,
        100,
        Decimal("1200.00"),
    )
    week = CapacityWeek.objects.get(enterprise=world.dear, week=next_week(1))
    assert week.reserved_pairs == 100
    assert week.history.first().reserved_pairs == 100  # type: ignore[union-attr]
    assert Reservation.objects.get().pairs == 100
    assert proposal.history.count() == 3  # proposed, brand accepted, both accepted


def test_brand_alone_reserves_nothing(django_capture_on_commit_callbacks: Any) -> None:
    world = matching_world()
    run = finished_run(world, django_capture_on_commit_callbacks)
    proposal = Proposal.objects.get(run=run, factory=world.dear)
    proposal_decide(
        actor=world.brand_user,
        viewer=world.viewer(world.brand_user),
        proposal=proposal,
        side="brand",
        accept=True,
    )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.brand_decision, proposal.factory_decision) == (
        "open",
        "accepted",
        "pending",
    )
    assert Agreement.objects.count() == 0
    assert Reservation.objects.count() == 0


def test_other_side_cannot_decide(django_capture_on_commit_callbacks: Any) -> None:
    world = matching_world()
    run = finished_run(world, django_capture_on_commit_callbacks)
    proposal = Proposal.objects.get(run=run, factory=world.dear)
    with pytest.raises(ApplicationError) as caught:
        proposal_decide(
            actor=world.cheap_user,
            viewer=world.viewer(world.cheap_user),
            proposal=proposal,
            side="factory",
            accept=True,
        )
    assert caught.value.status == 404
    proposal.refresh_from_db()
    assert proposal.factory_decision == "pending"


def test_shortfalls_are_listed_and_nothing_is_written(
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given the cheap factory's weeks filled elsewhere after the run
    world = matching_world()
    run = finished_run(world, django_capture_on_commit_callbacks)
    proposal = Proposal.objects.get(run=run, demand=world.big, factory=world.cheap)
    # the proposal spans both weeks (300 in one, 10 more in the other)
    (only,) = proposal.placements.all()
    other = next_week(1) if only.week == next_week(2) else next_week(2)
    MatchPlacement.objects.create(run=run, proposal=proposal, week=other, pairs=10)
    CapacityWeek.objects.filter(enterprise=world.cheap).update(reserved_pairs=295)
    proposal_decide(
        actor=world.brand_user,
        viewer=world.viewer(world.brand_user),
        proposal=proposal,
        side="brand",
        accept=True,
    )
    weeks = sorted(p.week for p in proposal.placements.all())
    # when the factory accepts
    with pytest.raises(ConflictError) as caught:
        proposal_decide(
            actor=world.cheap_user,
            viewer=world.viewer(world.cheap_user),
            proposal=proposal,
            side="factory",
            accept=True,
        )
    # then every short week is named, and nothing changed
    wanted = {p.week: p.pairs for p in proposal.placements.all()}
    assert caught.value.details == {
        "capacity": [f"{clock.iso_week_label(w)}: {wanted[w]} pairs wanted, 5 free" for w in weeks]
    }
    assert len(caught.value.details["capacity"]) == 2
    proposal.refresh_from_db()
    assert (proposal.status, proposal.factory_decision) == ("open", "pending")
    assert Agreement.objects.count() == 0
    assert Reservation.objects.count() == 0
    assert set(
        CapacityWeek.objects.filter(enterprise=world.cheap).values_list("reserved_pairs", flat=True)
    ) == {295}


def test_expired_proposal_cannot_be_accepted(django_capture_on_commit_callbacks: Any) -> None:
    world = matching_world()
    run = finished_run(world, django_capture_on_commit_callbacks)
    later = clock.now() + dt.timedelta(days=15)
    with clock.frozen(later):
        proposal = Proposal.objects.get(run=run, factory=world.dear)
        with pytest.raises(ApplicationError) as caught:
            proposal_decide(
                actor=world.brand_user,
                viewer=world.viewer(world.brand_user),
                proposal=proposal,
                side="brand",
                accept=True,
            )
        assert caught.value.code == "matching_proposal_closed"
        proposal.refresh_from_db()
        assert (proposal.status, proposal.brand_decision) == ("expired", "pending")
        assert proposals_expire() == 2


def test_expire_command_records_lapsed_proposals_once(
    django_capture_on_commit_callbacks: Any,
) -> None:
    world = matching_world()
    run = finished_run(world, django_capture_on_commit_callbacks)
    out = io.StringIO()
    with clock.frozen(clock.now() + dt.timedelta(days=15)):
        call_command("expire_proposals", stdout=out)
        call_command("expire_proposals", stdout=out)

    assert out.getvalue().splitlines() == ["3 proposal(s) expired", "0 proposal(s) expired"]
    assert set(Proposal.objects.filter(run=run).values_list("status", flat=True)) == {"expired"}


def test_repair_run_keeps_accepted_and_replans_declined(
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given the certified order accepted at the cheap factory, the dear one declined
    world = matching_world()
    run = finished_run(world, django_capture_on_commit_callbacks)
    accept_both(world, Proposal.objects.get(run=run, demand=world.certified), world.cheap_user)
    declined = proposal_decide(
        actor=world.dear_user,
        viewer=world.viewer(world.dear_user),
        proposal=Proposal.objects.get(run=run, factory=world.dear),
        side="factory",
        accept=False,
    )
    assert declined.status == "declined"
    # when the operator repairs the run (the dear factory is now dearer)
    CapacityWeek.objects.filter(enterprise=world.dear).update(
        unit_price_min_rmb=Decimal("13.00"), unit_price_max_rmb=Decimal("13.00")
    )
    with django_capture_on_commit_callbacks(execute=False):
        repair = match_run_repair_start(
            operator=world.operator, viewer=world.viewer(world.operator), run=run
        )
    repair = match_run_execute(run_id=repair.pk)
    # then the accepted 300 stay fixed (no new proposal for them) and count in the cost, and the
    # 100 pairs the dear factory declined are not proposed to it again
    assert repair.repair_of == run
    assert plan(repair) == {("跑鞋 400", world.cheap.legal_name): 300}
    assert list(repair.unplaced.values_list("demand__title", "pairs", "reason")) == [
        ("跑鞋 400", 100, "capacity_exhausted")
    ]
    # (the first plan's 7,300 RMB with the dear factory's 1,300 replaced by 100 × 100 penalty)
    assert repair.objective_rmb == Decimal("16000.00")
    assert (
        Proposal.objects.get(run=run, demand=world.big, factory=world.cheap).status == "superseded"
    )


def test_withdrawing_a_cancelled_agreement_frees_its_weeks(
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given the dear factory's 100 pairs accepted by both, reserved in week 1
    world = matching_world()
    run = finished_run(world, django_capture_on_commit_callbacks)
    proposal = accept_both(
        world, Proposal.objects.get(run=run, factory=world.dear), world.dear_user
    )
    week = CapacityWeek.objects.get(enterprise=world.dear, week=next_week(1))
    assert week.reserved_pairs == 100
    # when its agreement is cancelled, which withdraws the proposal
    agreement_transition(actor=world.operator, agreement=proposal.agreement, to_status="cancelled")
    withdrawn = Proposal.objects.get(pk=proposal.pk)
    # then the week is free again, the reservation says when, history records both
    assert withdrawn is not None and withdrawn.status == Proposal.Status.WITHDRAWN
    week.refresh_from_db()
    assert (week.free_pairs, week.reserved_pairs) == (300, 0)
    assert week.history.first().history_change_reason == f"released by proposal {proposal.pk}"  # type: ignore[union-attr]
    assert Reservation.objects.get().released_at is not None
    assert withdrawn.history.first().status == "withdrawn"  # type: ignore[union-attr]
    # and a second call changes nothing
    assert proposal_withdraw(actor=world.operator, agreement=proposal.agreement) == withdrawn
    week.refresh_from_db()
    assert week.reserved_pairs == 0
    # and a repair run no longer keeps its placement fixed: all 700 pairs are planned anew
    with django_capture_on_commit_callbacks(execute=False):
        repair = match_run_repair_start(
            operator=world.operator, viewer=world.viewer(world.operator), run=run
        )
    repair = match_run_execute(run_id=repair.pk)
    assert sum(plan(repair).values()) == 700
    # an agreement that did not come from a match is left alone
    assert proposal_withdraw(actor=world.operator, agreement=None) is None


def test_expired_proposals_take_back_their_factories_sight(
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a run proposing three placements, each factory seeing its order by the match
    world = matching_world()
    run = finished_run(world, django_capture_on_commit_callbacks)
    # when they lapse: one found late by an answer, the others by the expiry task
    with clock.frozen(clock.now() + dt.timedelta(days=15)):
        with pytest.raises(ApplicationError):
            proposal_decide(
                actor=world.brand_user,
                viewer=world.viewer(world.brand_user),
                proposal=Proposal.objects.get(run=run, factory=world.dear),
                side="brand",
                accept=True,
            )
        assert DemandShare.objects.count() == 2
        assert proposals_expire() == 2
    # then no factory sees an order any more
    assert DemandShare.objects.count() == 0


def test_a_decline_keeps_the_owners_own_shares(django_capture_on_commit_callbacks: Any) -> None:
    # given a run; the brand has asked the dear factory for a quote and shared the certified
    # order with the cheap one by hand
    world = matching_world()
    run = finished_run(world, django_capture_on_commit_callbacks)
    quote_request(actor=world.brand_user, demand=world.big, factory=world.dear)
    DemandShare.objects.filter(demand=world.certified, enterprise=world.cheap).update(
        reason=DemandShare.Reason.SHARED
    )
    # when the brand declines every proposal
    for proposal in Proposal.objects.filter(run=run):
        proposal_decide(
            actor=world.brand_user,
            viewer=world.viewer(world.brand_user),
            proposal=proposal,
            side="brand",
            accept=False,
        )
    # then only the shares the run made are gone
    assert set(DemandShare.objects.values_list("demand__title", "enterprise_id", "reason")) == {
        ("跑鞋 400", world.dear.pk, "shared"),
        ("BSCI 跑鞋 300", world.cheap.pk, "shared"),
    }


def test_a_decline_keeps_the_share_of_another_live_proposal(
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given two open proposals of the big order to the cheap factory, from two runs
    world = matching_world()
    first = finished_run(world, django_capture_on_commit_callbacks)
    finished_run(world, django_capture_on_commit_callbacks)
    earlier = Proposal.objects.get(run=first, factory=world.cheap, demand=world.big)
    Proposal.objects.filter(pk=earlier.pk).update(status=Proposal.Status.OPEN)
    # when the factory declines the earlier one
    proposal_decide(
        actor=world.cheap_user,
        viewer=world.viewer(world.cheap_user),
        proposal=earlier,
        side="factory",
        accept=False,
    )
    # then it still sees the order through the later one
    assert DemandShare.objects.filter(demand=world.big, enterprise=world.cheap).exists()


def test_a_cheaper_unused_runner_up_comes_with_the_engines_reason(
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given the cheap factory with one week only, which the certified order (that only it
    # may make) fills
    world = matching_world()
    CapacityWeek.objects.filter(enterprise=world.cheap, week=next_week(2)).delete()
    # when
    run = finished_run(world, django_capture_on_commit_callbacks)
    # then the big order goes to the dear factory, and says why not to the cheaper one
    proposal = Proposal.objects.get(run=run, demand=world.big)
    assert (proposal.factory, proposal.runner_up) == (world.dear, world.cheap)
    assert proposal.runner_up_extra_rmb_per_pair == Decimal("-2.0000")
    assert proposal.runner_up_reason == "capacity_taken"


def test_runner_up_reasons_match_the_engines() -> None:
    from clusterlink.domain.allocation.result import RunnerUpReason as EngineReason
    from clusterlink.matching.models import RunnerUpReason

    assert set(RunnerUpReason.values) == {str(r) for r in EngineReason}


# ---- acceptances the order can no longer take (finding 9) -------------------------------------


def test_accepting_after_the_order_is_cancelled_is_refused(
    django_capture_on_commit_callbacks: Any,
) -> None:
    world = matching_world()
    run = finished_run(world, django_capture_on_commit_callbacks)
    Demand.objects.filter(pk=world.big.pk).update(status=Demand.Status.CANCELLED)
    proposal = Proposal.objects.get(run=run, factory=world.dear)
    with pytest.raises(ApplicationError) as caught:
        proposal_decide(
            actor=world.brand_user,
            viewer=world.viewer(world.brand_user),
            proposal=proposal,
            side="brand",
            accept=True,
        )
    assert (caught.value.code, caught.value.status, str(caught.value.message)) == (
        "matching_order_closed",
        409,
        "The order was cancelled or closed: it takes no more acceptances.",
    )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.brand_decision) == ("open", "pending")
    assert proposal.history.count() == 1
    assert Agreement.objects.count() == 0


def test_accepting_more_than_is_left_to_place_is_refused(
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given the big order cut to 300 pairs after the run, and the cheap factory's 300 accepted
    world = matching_world()
    run = finished_run(world, django_capture_on_commit_callbacks)
    Demand.objects.filter(pk=world.big.pk).update(pairs=300)
    accept_both(
        world,
        Proposal.objects.get(run=run, demand=world.big, factory=world.cheap),
        world.cheap_user,
    )
    # when the dear factory's 100 pairs are accepted too
    dear = Proposal.objects.get(run=run, demand=world.big, factory=world.dear)
    with pytest.raises(ConflictError) as caught:
        proposal_decide(
            actor=world.dear_user,
            viewer=world.viewer(world.dear_user),
            proposal=dear,
            side="factory",
            accept=True,
        )
    # then the order is full: refused, and nothing of the answer is written
    assert (caught.value.code, str(caught.value.message)) == (
        "matching_order_placed",
        "The order is already placed: 300 of its 300 pairs are accepted, so the 100 pairs of "
        "this proposal do not fit.",
    )
    dear.refresh_from_db()
    assert (dear.status, dear.factory_decision) == ("open", "pending")
    assert Agreement.objects.count() == 1
    assert Reservation.objects.filter(proposal=dear).count() == 0
    # declining stays possible
    declined = proposal_decide(
        actor=world.dear_user,
        viewer=world.viewer(world.dear_user),
        proposal=dear,
        side="factory",
        accept=False,
    )
    assert declined.status == "declined"


def live_runs_per_demand() -> dict[int, set[int]]:
    runs: dict[int, set[int]] = {}
    for demand_id, run_id in Proposal.objects.filter(
        status__in=(Proposal.Status.OPEN, Proposal.Status.ACCEPTED)
    ).values_list("demand_id", "run_id"):
        runs.setdefault(demand_id, set()).add(run_id)
    return runs


def test_two_runs_finishing_out_of_order_never_order_a_demand_twice(
    django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given two runs over the same orders: the first reads its rows, and while it solves the
    # second runs to the end and the big order's proposals of the second are accepted
    import clusterlink.domain.allocation.solve as engine

    world = matching_world()
    first, second = start(world), start(world)
    real_solve = engine.solve
    meanwhile: list[int] = []

    def solve_while_the_second_finishes(*args: Any, **kwargs: Any) -> Any:
        if not meanwhile:
            meanwhile.append(1)
            match_run_execute(run_id=second.pk)
            for proposal in Proposal.objects.filter(run=second, demand=world.big):
                user = world.cheap_user if proposal.factory == world.cheap else world.dear_user
                accept_both(world, proposal, user)
        return real_solve(*args, **kwargs)

    monkeypatch.setattr(engine, "solve", solve_while_the_second_finishes)
    # when the first finishes last
    first = match_run_execute(run_id=first.pk)
    # then it proposes nothing for the orders that changed under it, and says why
    assert first.status == MatchRun.Status.FINISHED
    assert Proposal.objects.filter(run=first).count() == 0
    assert sorted(first.unplaced.values_list("demand_id", "pairs", "reason")) == [
        (world.big.pk, 400, "order_changed_while_solving"),
        (world.certified.pk, 300, "order_changed_while_solving"),
    ]
    # every order has the live proposals of one run only, and the big one is ordered once
    assert live_runs_per_demand() == {world.big.pk: {second.pk}, world.certified.pk: {second.pk}}
    assert sum(Agreement.objects.values_list("pairs", flat=True)) == 400
    # and a repair of either run still solves (the accepted pairs are fixed, not doubled)
    with django_capture_on_commit_callbacks(execute=False):
        repair = match_run_repair_start(
            operator=world.operator, viewer=world.viewer(world.operator), run=first
        )
    repair = match_run_execute(run_id=repair.pk)
    assert repair.status == MatchRun.Status.FINISHED
    assert plan(repair) == {("BSCI 跑鞋 300", world.cheap.legal_name): 300}


# ---- runs that fail, hang or are cancelled (finding 11) ----------------------------------------


def test_a_run_whose_task_raises_is_failed_with_its_reason(
    django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import clusterlink.domain.allocation.solve as engine
    from clusterlink.matching.tasks import run_match

    def crash(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the solver crashed")

    monkeypatch.setattr(engine, "solve", crash)
    world = matching_world()
    run = start(world)
    # when the task runs it
    assert run_match.call(run_id=run.pk) == "failed"
    # then the run is failed with the reason, and its demands are free for a new run
    run.refresh_from_db()
    assert (run.status, run.error) == ("failed", "RuntimeError: the solver crashed")
    assert run.finished_at is not None
    assert run.history.first().status == "failed"  # type: ignore[union-attr]
    assert Proposal.objects.count() == 0
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=False):
        repair = match_run_repair_start(
            operator=world.operator, viewer=world.viewer(world.operator), run=run
        )
    assert match_run_execute(run_id=repair.pk).status == MatchRun.Status.FINISHED


def test_a_worker_stopped_mid_run_fails_the_run_then_stops(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import clusterlink.domain.allocation.solve as engine

    def stopped(*args: Any, **kwargs: Any) -> Any:
        raise SystemExit(143)

    monkeypatch.setattr(engine, "solve", stopped)
    world = matching_world()
    run = start(world)
    with pytest.raises(SystemExit):
        match_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert (run.status, run.error) == ("failed", "The worker stopped while the run was solving.")


def stale(run: MatchRun, seconds_past_limit: int) -> None:
    MatchRun.objects.filter(pk=run.pk).update(
        status=MatchRun.Status.RUNNING,
        started_at=clock.now() - dt.timedelta(seconds=run.time_limit_s + seconds_past_limit),
    )


def test_a_running_run_past_its_limit_is_reaped_and_a_new_run_starts(
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a run whose worker died 6 minutes after its limit, and one still within its margin
    world = matching_world()
    dead, alive = start(world), start(world)
    stale(dead, 6 * 60)
    stale(alive, 4 * 60)
    # when a new run starts
    with django_capture_on_commit_callbacks(execute=False):
        fresh = start(world)
    # then the dead one is failed, the live one left alone, and the new one solves
    dead.refresh_from_db()
    assert (dead.status, dead.error) == (
        "failed",
        "The worker stopped: the run was still running long after its time limit.",
    )
    assert MatchRun.objects.get(pk=alive.pk).status == "running"
    assert match_run_execute(run_id=fresh.pk).status == MatchRun.Status.FINISHED
    # and if the dead worker was only slow, what it delivers now is discarded
    assert match_run_execute(run_id=dead.pk).status == MatchRun.Status.FAILED
    assert Proposal.objects.filter(run=dead).count() == 0


def test_the_reap_command_and_the_run_pages_reap_stale_runs() -> None:
    from django.test import Client

    world = matching_world()
    first, second = start(world), start(world)
    stale(first, 10 * 60)
    out = io.StringIO()
    call_command("reap_stale_runs", stdout=out)
    call_command("reap_stale_runs", stdout=out)
    assert out.getvalue().splitlines() == ["1 stale run(s) reaped", "0 stale run(s) reaped"]
    assert MatchRun.objects.get(pk=first.pk).status == "failed"
    stale(second, 10 * 60)
    client = Client()
    client.force_login(world.operator)
    page = client.get(f"/en/matching/runs/{second.pk}/").content.decode()
    assert '<dd data-testid="run-status">Failed</dd>' in page
    assert "hx-trigger" not in page  # the page stops polling


def test_cancel_a_running_run_whose_worker_is_gone() -> None:
    # given a run the worker took and then died on
    world = matching_world()
    run = start(world)
    stale(run, 0)
    # when the operator cancels it
    cancelled = match_run_cancel(actor=world.operator, viewer=world.viewer(world.operator), run=run)
    # then it is cancelled at once, and cancelling again changes nothing
    assert (cancelled.status, cancelled.cancel_requested) == ("cancelled", True)
    assert cancelled.finished_at is not None
    again = match_run_cancel(actor=world.operator, viewer=world.viewer(world.operator), run=run)
    assert again.history.count() == cancelled.history.count()


def test_cancel_a_running_run_stops_it_and_discards_its_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given a run being solved, cancelled by the operator meanwhile
    import clusterlink.domain.allocation.solve as engine

    world = matching_world()
    run = start(world)
    real_solve = engine.solve
    stopped: list[bool] = []

    def cancelled_while_solving(*args: Any, **kwargs: Any) -> Any:
        match_run_cancel(actor=world.operator, viewer=world.viewer(world.operator), run=run)
        stopped.append(kwargs["should_stop"]())
        return real_solve(*args, **kwargs)

    monkeypatch.setattr(engine, "solve", cancelled_while_solving)
    done = match_run_execute(run_id=run.pk)
    # then the task noticed, and nothing of its result is written
    assert stopped == [True]
    assert done.status == MatchRun.Status.CANCELLED
    assert Proposal.objects.count() == 0
    assert DemandShare.objects.count() == 0


def test_only_an_operator_of_the_run_may_cancel_it() -> None:
    world = matching_world()
    run = start(world)
    with pytest.raises(ApplicationError) as caught:
        match_run_cancel(actor=world.brand_user, viewer=world.viewer(world.brand_user), run=run)
    assert caught.value.status == 404
    assert MatchRun.objects.get(pk=run.pk).status == "queued"
