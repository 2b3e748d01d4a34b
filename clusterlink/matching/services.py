"""Writes of match runs and proposals. Who may do what is matching.access; every service
that acts for a user takes its Viewer and checks it there.

match_run_start validates the operator's choice and queues the solve on commit;
match_run_execute (the task) reads rows into a domain problem, solves it with progress and
cancellation, and writes the result back (idempotent). Whatever goes wrong in it, the run
ends FAILED with its reason; a run whose worker died is reaped by match_runs_reap.
proposal_decide records a brand's or a factory's answer; when both have accepted,
proposal_reserve books the factory's weeks and records the agreement. Reservations lock the
capacity rows in primary-key order and collect every shortfall before raising, so concurrent
acceptances can never overbook a week.

Locks are always taken in one order: the run, then demands (by primary key), then proposals
(by primary key), then capacity weeks (by primary key). A run's writer and an acceptance
both lock the demand first, so a result is never written over an acceptance in progress,
and a demand is never ordered twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Q, Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from clusterlink.accounts.access import Viewer
from clusterlink.common import clock
from clusterlink.common.errors import ApplicationError, ConflictError, NotFoundError
from clusterlink.common.validation import FieldErrors, full_clean_into
from clusterlink.directory.models import CapacityWeek, Cluster, Enterprise
from clusterlink.domain.allocation import AllocationInputError, AllocationResult, Progress
from clusterlink.market.models import Demand, DemandShare
from clusterlink.matching import access
from clusterlink.matching.access import Side
from clusterlink.matching.models import (
    RUNNABLE_STATUSES,
    Decision,
    MatchPlacement,
    MatchRun,
    Proposal,
    Reservation,
    UnplacedPairs,
)

log = logging.getLogger(__name__)

PROPOSAL_LIFETIME = dt.timedelta(days=14)
MAX_WEEKS = 26
PROGRESS_EVERY_S = 0.3
CANCEL_POLL_S = 0.5
# A run still `running` this long after its time limit has lost its worker: reading the rows
# and writing the result of the demo's largest run take seconds, so five minutes leaves room
# for a slow database without leaving a dead run on the page for long.
REAP_MARGIN = dt.timedelta(minutes=5)
# Stored untranslated and translated where shown ({% translate run.error %}): whoever's read
# reaps a run, every reader sees the reason in their own language.
WORKER_STOPPED = gettext_noop(
    "The worker stopped: the run was still running long after its time limit."
)
WORKER_SHUT_DOWN = gettext_noop("The worker stopped while the run was solving.")


class MatchingErrorCode(StrEnum):
    NO_DEMANDS = "matching_no_demands"
    NOT_ACTIVE = "matching_run_not_active"
    PROPOSAL_CLOSED = "matching_proposal_closed"
    OVERBOOKED = "matching_capacity_short"
    NOT_FINISHED = "matching_run_not_finished"
    ORDER_CLOSED = "matching_order_closed"
    ORDER_PLACED = "matching_order_placed"


# ---- runs ---------------------------------------------------------------------------------------


def _horizon(demands: list[Demand]) -> tuple[dt.date, int]:
    first = clock.current_week()
    due = [d.delivery_week for d in demands if d.delivery_week is not None]
    last = max(due, default=first + dt.timedelta(weeks=11))
    weeks = (last - first).days // 7 + 1
    return first, max(1, min(MAX_WEEKS, weeks))


def match_run_start(
    *,
    operator: Any,
    viewer: Viewer,
    scope: str,
    demand_ids: list[int] | None = None,
    cluster: Cluster | None = None,
    factory_ids: list[int] | None = None,
    transport_rmb_per_pair_km: Decimal = Decimal("0.0005"),
    unplaced_penalty_rmb: Decimal = Decimal("100.00"),
    quality_rmb: Decimal = Decimal(0),
    large_firm_rmb: Decimal = Decimal(0),
    same_cluster_rmb: Decimal = Decimal(0),
    time_limit_s: int = 10,
    seed: int = 0,
    repair_of: MatchRun | None = None,
) -> MatchRun:
    """Create a queued run and enqueue its solve after commit.

    scope "selected": the given open order demands, all of one cluster the viewer operates;
    "cluster": every open order demand of `cluster` (which the viewer operates); "all": every
    open order demand (platform admin only). Only orders of approved firms are placed.
    factory_ids narrows the factories to approved firms whose private data (prices, free
    capacity) the viewer sees (default: every such firm that is listed and has priced free
    capacity; matching.access.run_factory_q, applied again with the operator's rights when
    the run solves). A demand or factory id the viewer may not use gets the same error as
    one that does not exist. Raises ApplicationError naming every invalid field; writes
    nothing then. Runs whose worker died are reaped first."""
    match_runs_reap()
    return _start(
        operator=operator,
        viewer=viewer,
        scope=scope,
        demand_ids=demand_ids,
        cluster=cluster,
        factory_ids=factory_ids,
        repair_of=repair_of,
        weights={
            "transport_rmb_per_pair_km": transport_rmb_per_pair_km,
            "unplaced_penalty_rmb": unplaced_penalty_rmb,
            "quality_rmb": quality_rmb,
            "large_firm_rmb": large_firm_rmb,
            "same_cluster_rmb": same_cluster_rmb,
            "time_limit_s": time_limit_s,
            "seed": seed,
        },
    )


@transaction.atomic
def _start(
    *,
    operator: Any,
    viewer: Viewer,
    scope: str,
    demand_ids: list[int] | None,
    cluster: Cluster | None,
    factory_ids: list[int] | None,
    repair_of: MatchRun | None,
    weights: dict[str, Any],
) -> MatchRun:
    from clusterlink.matching.selectors import runnable_demand_list

    errors = FieldErrors()
    runnable = runnable_demand_list(viewer=viewer).select_related("owner")
    demands: list[Demand] = []
    run_cluster: Cluster | None = None
    if scope == MatchRun.Scope.SELECTED:
        wanted = sorted(set(demand_ids or []))
        demands = list(runnable.filter(pk__in=wanted))
        found = {d.pk for d in demands}
        # An order the viewer may not place reads exactly like one that does not exist.
        for missing in [i for i in wanted if i not in found]:
            errors.add("demand_ids", _("Demand %(id)s is not an open order.") % {"id": missing})
        clusters = {d.owner.cluster_id for d in demands}
        if len(clusters) > 1 and not access.may_run_over_several_clusters(viewer):
            errors.add("demand_ids", _("Select demands of one cluster."))
        if len(clusters) == 1:
            only = next(iter(clusters))
            run_cluster = Cluster.objects.filter(pk=only).first() if only else None
    elif scope == MatchRun.Scope.CLUSTER:
        if cluster is None or not viewer.operates(cluster.pk):
            errors.add("cluster", _("Choose a cluster you operate."))
        else:
            run_cluster = cluster
            demands = list(runnable.filter(owner__cluster=cluster))
    elif scope == MatchRun.Scope.ALL:
        if not access.may_run_over_all_clusters(viewer):
            errors.add("scope", _("Only the platform admin may run over all clusters."))
        demands = list(runnable)
    else:
        errors.add("scope", _("Unknown scope."))
    if not errors and not demands:
        errors.add("demand_ids", _("There is no open order to place."))
    wanted_factories = sorted(set(factory_ids or []))
    factories = list(
        Enterprise.objects.filter(access.run_factory_q(viewer), pk__in=wanted_factories)
    )
    found_factories = {f.pk for f in factories}
    # A firm the viewer may not see reads exactly like one that does not exist.
    for missing in [i for i in wanted_factories if i not in found_factories]:
        errors.add(
            "factory_ids",
            _("Factory %(id)s is not an approved firm you may choose.") % {"id": missing},
        )
    first_week, weeks = _horizon(demands)
    run = MatchRun(
        operator=operator,
        cluster=run_cluster,
        scope=scope,
        first_week=first_week,
        weeks=weeks,
        repair_of=repair_of,
        **weights,
    )
    # Scope errors are already named on their field; the model's constraint would repeat them.
    full_clean_into(
        run, errors, exclude=["operator"], constraints="cluster" not in errors.as_dict()
    )
    errors.raise_if_any()
    run._history_user = operator  # type: ignore[attr-defined]
    run.save()
    run.demands.set(demands)
    run.factories.set(factories)
    transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    from clusterlink.matching.tasks import run_match

    run_match.enqueue(run_id=run_id)


REPAIRABLE_STATUSES = (MatchRun.Status.FINISHED, MatchRun.Status.FAILED, MatchRun.Status.CANCELLED)


def match_run_repair_start(
    *, operator: Any, viewer: Viewer, run: MatchRun, time_limit_s: int | None = None
) -> MatchRun:
    """A new run over the same demands, factories and weights that keeps every accepted
    placement fixed and re-plans what was declined, expired or left open. Any run that has
    ended may be repaired: finished, cancelled, or failed (then it is simply run again).
    time_limit_s None keeps the first run's limit; a limit out of range is refused on its
    field. A run the viewer does not operate is NotFoundError."""
    if not access.may_operate_run(viewer, run):
        raise NotFoundError()
    match_runs_reap()
    run = MatchRun.objects.get(pk=run.pk)
    if run.status not in REPAIRABLE_STATUSES:
        raise ApplicationError(
            _("Only a run that has ended can be repaired."),
            code=MatchingErrorCode.NOT_FINISHED,
            status=409,
        )
    return match_run_start(
        operator=operator,
        viewer=viewer,
        scope=MatchRun.Scope.SELECTED,
        demand_ids=list(run.demands.values_list("pk", flat=True)),
        factory_ids=list(run.factories.values_list("pk", flat=True)),
        transport_rmb_per_pair_km=run.transport_rmb_per_pair_km,
        unplaced_penalty_rmb=run.unplaced_penalty_rmb,
        quality_rmb=run.quality_rmb,
        large_firm_rmb=run.large_firm_rmb,
        same_cluster_rmb=run.same_cluster_rmb,
        time_limit_s=run.time_limit_s if time_limit_s is None else time_limit_s,
        seed=run.seed,
        repair_of=run,
    )


@transaction.atomic
def match_run_cancel(*, actor: Any, viewer: Viewer, run: MatchRun) -> MatchRun:
    """Cancel a queued or running run, at once: its row is CANCELLED in this transaction,
    whether or not a worker is alive. A queued run then never runs; a running one stops at
    the solver's next check, and whatever result it still delivers is discarded. Cancelling
    a cancelled run changes nothing; a finished or failed run is refused (409). A run the
    viewer does not operate is NotFoundError."""
    run = MatchRun.objects.select_for_update().get(pk=run.pk)
    if not access.may_operate_run(viewer, run):
        raise NotFoundError()
    if run.status == MatchRun.Status.CANCELLED:
        return run
    if not run.is_active:
        raise ApplicationError(
            _("The run has already ended."), code=MatchingErrorCode.NOT_ACTIVE, status=409
        )
    run.cancel_requested = True
    run.status = MatchRun.Status.CANCELLED
    run.finished_at = clock.now()
    run._history_user = actor  # type: ignore[attr-defined]
    run.save()
    return run


def _is_stale(run: MatchRun, now: dt.datetime) -> bool:
    if run.status != MatchRun.Status.RUNNING or run.started_at is None:
        return False
    return run.started_at + dt.timedelta(seconds=run.time_limit_s) + REAP_MARGIN < now


def match_runs_reap() -> int:
    """Mark FAILED ("the worker stopped") every run still RUNNING longer than its time limit
    plus REAP_MARGIN: its worker died (killed, restarted, out of memory) without a word. If
    that worker was only slow, its result is discarded when it arrives. Returns how many were
    reaped. Called when run pages are read, when a run starts, and by `reap_stale_runs`."""
    now = clock.now()
    candidates = MatchRun.objects.filter(
        status=MatchRun.Status.RUNNING, started_at__lt=now - REAP_MARGIN
    ).only("pk", "status", "started_at", "time_limit_s")
    reaped = 0
    for candidate in candidates.order_by("pk"):
        if not _is_stale(candidate, now):
            continue
        with transaction.atomic():
            run = MatchRun.objects.select_for_update().get(pk=candidate.pk)
            if not _is_stale(run, now):
                continue
            run.status = MatchRun.Status.FAILED
            run.error = WORKER_STOPPED
            run.finished_at = now
            run.save()
            reaped += 1
    return reaped


def match_run_execute(*, run_id: int) -> MatchRun:
    """The task's body: solve one run and write its result. Safe to call twice: a run that
    has ended is returned as it is; a run left `running` by a dead worker is solved again
    and its earlier rows are replaced.

    It never leaves the run RUNNING behind an error: any exception ends the run FAILED with
    its reason (and is not raised: the run's row is where the failure is read); the worker
    being stopped (SystemExit, KeyboardInterrupt) fails the run too, then stops the worker.
    A worker killed outright is reaped later (match_runs_reap)."""
    try:
        return _execute(run_id)
    except (AllocationInputError, ValueError) as exc:
        log.exception("match run %s failed", run_id)
        return _fail(run_id, str(exc))
    except Exception as exc:
        log.exception("match run %s failed", run_id)
        return _fail(run_id, f"{type(exc).__name__}: {exc}")
    except BaseException:
        log.exception("match run %s stopped with its worker", run_id)
        _fail(run_id, WORKER_SHUT_DOWN)
        raise


def _fail(run_id: int, reason: str) -> MatchRun:
    """Record the failure on the run's row (a history row with it). Tried twice, the second
    time on a fresh connection, since the failure may have been the connection's own."""
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                run = MatchRun.objects.select_for_update().get(pk=run_id)
                if run.is_active:
                    run.status = MatchRun.Status.FAILED
                    run.error = reason[:2000]
                    run.finished_at = clock.now()
                    run.save()
                return run
        except Exception:
            if attempt == 2:
                log.exception("match run %s: the failure could not be recorded", run_id)
                raise
            connection.close()
    raise AssertionError("unreachable")


def _execute(run_id: int) -> MatchRun:
    from clusterlink.domain.allocation.solve import solve
    from clusterlink.matching.reader import build_problem

    with transaction.atomic():
        run = MatchRun.objects.select_for_update().get(pk=run_id)
        if run.status not in (MatchRun.Status.QUEUED, MatchRun.Status.RUNNING):
            return run
        if run.cancel_requested:
            run.status = MatchRun.Status.CANCELLED
            run.finished_at = clock.now()
            run.save()
            return run
        run.status = MatchRun.Status.RUNNING
        run.started_at = clock.now()
        run.save()
    built = build_problem(run)
    reporter = _Reporter(run.pk)
    result = solve(
        built.problem,
        time_limit_s=run.time_limit_s,
        seed=run.seed,
        threads=1,
        fixed=built.fixed,
        on_progress=reporter.progress,
        should_stop=reporter.stop_requested,
    )
    reporter.flush()
    return _write_result(run_id, built, result)


class _Reporter:
    """Progress written at most every PROGRESS_EVERY_S (by update(): no history row per
    report); whether to stop (cancelled, or no longer running: reaped) read at most every
    CANCEL_POLL_S."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.last_write = 0.0
        self.last_poll = 0.0
        self.pending: Progress | None = None
        self.cancelled = False

    def progress(self, report: Progress) -> None:
        self.pending = report
        if time.monotonic() - self.last_write >= PROGRESS_EVERY_S:
            self.flush()

    def flush(self) -> None:
        report, self.pending = self.pending, None
        if report is None:
            return
        self.last_write = time.monotonic()
        MatchRun.objects.filter(pk=self.run_id, status=MatchRun.Status.RUNNING).update(
            progress_objective_rmb=report.objective,
            progress_bound_rmb=report.lower_bound,
            progress_phase=report.phase,
            progress_seconds=report.seconds,
        )

    def stop_requested(self) -> bool:
        if not self.cancelled and time.monotonic() - self.last_poll >= CANCEL_POLL_S:
            self.last_poll = time.monotonic()
            self.cancelled = (
                MatchRun.objects.filter(pk=self.run_id)
                .filter(Q(cancel_requested=True) | ~Q(status=MatchRun.Status.RUNNING))
                .exists()
            )
        return self.cancelled


def _accepted_pairs(demand_ids: list[int]) -> dict[int, int]:
    """Pairs of each demand accepted by both sides (in any run): what is already ordered."""
    return dict(
        MatchPlacement.objects.filter(
            proposal__demand_id__in=demand_ids, proposal__status=Proposal.Status.ACCEPTED
        )
        .values_list("proposal__demand_id")
        .annotate(total=Sum("pairs"))
        .values_list("proposal__demand_id", "total")
    )


@transaction.atomic
def _write_result(run_id: int, built: Any, result: AllocationResult) -> MatchRun:
    """Write the plan as proposals, and supersede the open proposals it replaces.

    A run no longer RUNNING (cancelled, or reaped as failed) keeps nothing of its result.
    The run's demands are locked (by primary key), so that no acceptance and no other run's
    writer acts on them meanwhile. The plan of an order that changed since the run read it
    (pairs accepted or withdrawn, the order cancelled or closed, or a newer run's live
    proposals on it) is dropped and recorded as unplaced ORDER_CHANGED: it would order pairs
    twice, or undo the newer plan. Every other open proposal of the orders written is
    superseded (locked by primary key; one accepted meanwhile is left accepted)."""
    run = MatchRun.objects.select_for_update().get(pk=run_id)
    if run.status != MatchRun.Status.RUNNING:
        log.info("match run %s is %s: its result is discarded", run_id, run.status)
        return run
    # Idempotent: a second write replaces the first (no one can have decided yet, the run
    # was not finished).
    MatchPlacement.objects.filter(run=run).delete()
    Proposal.objects.filter(run=run).delete()
    UnplacedPairs.objects.filter(run=run).delete()
    demand_ids = sorted(d.pk for d in built.demands.values())
    locked = {
        d.pk: d for d in Demand.objects.select_for_update().filter(pk__in=demand_ids).order_by("pk")
    }
    accepted_now = _accepted_pairs(demand_ids)
    planned_by_newer = set(
        Proposal.objects.filter(
            demand_id__in=demand_ids,
            run__pk__gt=run.pk,
            status__in=LIVE_PROPOSAL_STATUSES,
        ).values_list("demand_id", flat=True)
    )
    changed = {
        oid
        for oid, demand in built.demands.items()
        if locked[demand.pk].status not in RUNNABLE_STATUSES
        or accepted_now.get(demand.pk, 0) != built.accepted_pairs.get(demand.pk, 0)
        or demand.pk in planned_by_newer
    }
    fixed: dict[tuple[str, str, int], int] = defaultdict(int)
    for p in built.fixed:
        fixed[(p.order_id, p.factory_id, p.period)] += p.pairs
    cells: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for p in result.placements:
        pairs = p.pairs - fixed.get((p.order_id, p.factory_id, p.period), 0)
        if pairs > 0 and p.order_id not in changed:
            cells[(p.order_id, p.factory_id)].append((p.period, pairs))
    explained = {(e.order_id, e.factory_id): e for e in result.explanations}
    expires = clock.now() + PROPOSAL_LIFETIME
    shareable = set(
        Enterprise.objects.filter(
            access.SHARE_RECIPIENT_Q, pk__in=[int(fid) for (_, fid) in cells]
        ).values_list("pk", flat=True)
    )
    for (oid, fid), weeks in sorted(cells.items()):
        e = explained[(oid, fid)]
        demand = built.demands[oid]
        runner = built.factories.get(e.runner_up_factory_id) if e.runner_up_factory_id else None
        proposal = Proposal(
            run=run,
            demand=demand,
            factory=built.factories[fid],
            category_id=built.category_of[oid],
            pairs=sum(x for _, x in weeks),
            unit_cost_rmb=e.unit_cost_rmb,
            transport_rmb_per_pair=e.transport_rmb_per_pair,
            distance_km=round(e.distance_km, 1),
            rank=e.rank,
            eligible_factories=e.eligible_factories,
            runner_up=runner,
            runner_up_extra_rmb_per_pair=e.runner_up_extra_rmb_per_pair,
            runner_up_reason=str(e.runner_up_reason or ""),
            expires_at=expires,
        )
        proposal._history_user = run.operator  # type: ignore[attr-defined]
        proposal.save()
        MatchPlacement.objects.bulk_create(
            MatchPlacement(run=run, proposal=proposal, week=built.week(run.first_week, t), pairs=x)
            for t, x in sorted(weeks)
        )
        # The proposed factory may now see the order (market's visibility rule), if it is an
        # approved member of its cluster (matching.access).
        if int(fid) in shareable:
            DemandShare.objects.get_or_create(
                demand=demand,
                enterprise_id=int(fid),
                defaults={"reason": DemandShare.Reason.MATCHED},
            )
    orders = {o.id: o for o in built.problem.orders}
    UnplacedPairs.objects.bulk_create(
        [
            UnplacedPairs(
                run=run, demand=built.demands[u.order_id], pairs=u.pairs, reason=str(u.reason)
            )
            for u in result.unplaced
            if u.order_id not in changed
        ]
        + [
            UnplacedPairs(
                run=run,
                demand=built.demands[oid],
                pairs=orders[oid].pairs,
                reason=UnplacedPairs.Reason.ORDER_CHANGED,
            )
            for oid in sorted(changed, key=int)
            if orders[oid].pairs > 0
        ]
    )
    # This plan replaces every other open proposal of the orders it wrote.
    written = [built.demands[oid].pk for oid in built.demands if oid not in changed]
    replaced = (
        Proposal.objects.select_for_update(of=("self",))
        .filter(demand_id__in=written, status=Proposal.Status.OPEN)
        .exclude(run=run)
        .order_by("pk")
    )
    for old in replaced:
        if old.status != Proposal.Status.OPEN:  # accepted, declined, expired meanwhile
            continue
        old.status = Proposal.Status.SUPERSEDED
        old._history_user = run.operator  # type: ignore[attr-defined]
        old.save()
        _release_matched_share(old)
    costs = result.costs
    run.status = (
        MatchRun.Status.CANCELLED if result.status == "CANCELLED" else MatchRun.Status.FINISHED
    )
    run.solver_status = str(result.status)
    run.objective_rmb = result.objective
    run.lower_bound_rmb = result.lower_bound
    run.progress_objective_rmb = result.objective
    run.progress_bound_rmb = result.lower_bound
    run.gap = result.gap if result.gap != float("inf") else None
    run.seconds = round(result.seconds, 3)
    run.production_rmb = costs.production_rmb
    run.transport_rmb = costs.transport_rmb
    run.penalty_rmb = costs.unplaced_penalty_rmb
    run.weighted_rmb = costs.weighted_terms_rmb
    run.finished_at = clock.now()
    run.save()
    return run


# ---- proposals ----------------------------------------------------------------------------------


LIVE_PROPOSAL_STATUSES = (Proposal.Status.OPEN, Proposal.Status.ACCEPTED)


def _release_matched_share(proposal: Proposal) -> None:
    """A proposal that closed without agreement no longer lets its factory see the order:
    remove the share the match run created, unless the factory holds another live proposal
    for the same order or the owner shared the order with it (those shares stay)."""
    if (
        Proposal.objects.filter(
            demand_id=proposal.demand_id,
            factory_id=proposal.factory_id,
            status__in=LIVE_PROPOSAL_STATUSES,
        )
        .exclude(pk=proposal.pk)
        .exists()
    ):
        return
    DemandShare.objects.filter(
        demand_id=proposal.demand_id,
        enterprise_id=proposal.factory_id,
        reason=DemandShare.Reason.MATCHED,
    ).delete()


def _lapse_if_due(proposal: Proposal) -> bool:
    if proposal.status == Proposal.Status.OPEN and proposal.expires_at <= clock.now():
        proposal.status = Proposal.Status.EXPIRED
        proposal.save()
        _release_matched_share(proposal)
        return True
    return False


def proposal_decide(
    *, actor: Any, viewer: Viewer, proposal: Proposal, side: str, accept: bool
) -> Proposal:
    """Record the brand's or the factory's answer. The brand side is decided by members of
    the demand's owner, the factory side by members of the factory (matching.access); anyone
    else is NotFoundError. An acceptance is refused (409) when the order was cancelled or
    closed, or when the pairs already accepted for it leave no room for this proposal's. When
    both have accepted, the factory's weeks are reserved and an agreement (cooperation
    intention) is created in the same transaction; if any week lacks room, ConflictError
    lists every shortfall and nothing is written (the answer included)."""
    expired = False
    try:
        with transaction.atomic():
            return _decide(actor, viewer, proposal, side, accept)
    except _Expired:
        expired = True
    if expired:
        with transaction.atomic():
            locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
            _lapse_if_due(locked)
    raise ApplicationError(
        _("This proposal has expired."), code=MatchingErrorCode.PROPOSAL_CLOSED, status=409
    )


class _Expired(Exception):
    pass


def _decide(actor: Any, viewer: Viewer, proposal: Proposal, side: str, accept: bool) -> Proposal:
    # The demand first (the lock order a run's writer takes too), then the proposal.
    demand_id = Proposal.objects.filter(pk=proposal.pk).values_list("demand_id", flat=True)
    demand = Demand.objects.select_for_update().get(pk__in=demand_id)
    proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("demand", "demand__owner", "factory")
        .get(pk=proposal.pk)
    )
    if not access.may_decide(viewer, proposal, side):
        raise NotFoundError()
    if proposal.status == Proposal.Status.OPEN and proposal.expires_at <= clock.now():
        raise _Expired()
    if proposal.status != Proposal.Status.OPEN:
        raise ApplicationError(
            _("This proposal is no longer open."),
            code=MatchingErrorCode.PROPOSAL_CLOSED,
            status=409,
        )
    if accept:
        _check_order_takes(demand, proposal)
    decision = Decision.ACCEPTED if accept else Decision.DECLINED
    now = clock.now()
    if side == Side.BRAND:
        proposal.brand_decision, proposal.brand_decided_by, proposal.brand_decided_at = (
            decision,
            actor,
            now,
        )
    else:
        proposal.factory_decision, proposal.factory_decided_by, proposal.factory_decided_at = (
            decision,
            actor,
            now,
        )
    if not accept:
        proposal.status = Proposal.Status.DECLINED
        _release_matched_share(proposal)
    elif (
        proposal.brand_decision == Decision.ACCEPTED
        and proposal.factory_decision == Decision.ACCEPTED
    ):
        _reserve(actor, proposal)
        proposal.agreement = _agreement(actor, proposal)
        proposal.status = Proposal.Status.ACCEPTED
    proposal._history_user = actor  # type: ignore[attr-defined]
    proposal.save()
    return proposal


def _check_order_takes(demand: Demand, proposal: Proposal) -> None:
    """Refuse an acceptance the order can no longer take (the demand is locked): a cancelled
    or closed order, or one whose accepted pairs leave less room than the proposal's."""
    if demand.status not in RUNNABLE_STATUSES:
        raise ApplicationError(
            _("The order was cancelled or closed: it takes no more acceptances."),
            code=MatchingErrorCode.ORDER_CLOSED,
            status=409,
        )
    if demand.pairs is None:
        return
    accepted = (
        Proposal.objects.filter(demand=demand, status=Proposal.Status.ACCEPTED)
        .exclude(pk=proposal.pk)
        .aggregate(total=Sum("pairs"))["total"]
        or 0
    )
    if accepted + proposal.pairs > demand.pairs:
        raise ConflictError(
            _(
                "The order is already placed: %(accepted)s of its %(pairs)s pairs are "
                "accepted, so the %(wanted)s pairs of this proposal do not fit."
            )
            % {"accepted": accepted, "pairs": demand.pairs, "wanted": proposal.pairs},
            code=MatchingErrorCode.ORDER_PLACED,
        )


def _reserve(actor: Any, proposal: Proposal) -> None:
    """Book the proposal's weeks: lock the factory's capacity rows in primary-key order,
    check every week, raise one error listing every shortfall, then add with F()."""
    wanted = {p.week: p.pairs for p in proposal.placements.all()}
    rows = list(
        CapacityWeek.objects.select_for_update()
        .filter(
            enterprise_id=proposal.factory_id, category_id=proposal.category_id, week__in=wanted
        )
        .order_by("pk")
    )
    by_week = {r.week: r for r in rows}
    shortfalls: list[str] = []
    for week, pairs in sorted(wanted.items()):
        row = by_week.get(week)
        available = 0 if row is None else row.free_pairs - row.reserved_pairs
        if pairs > available:
            shortfalls.append(
                str(
                    _("%(week)s: %(wanted)s pairs wanted, %(available)s free")
                    % {
                        "week": clock.iso_week_label(week),
                        "wanted": pairs,
                        "available": max(available, 0),
                    }
                )
            )
    if shortfalls:
        raise ConflictError(
            _("The factory no longer has room for this proposal."),
            code=MatchingErrorCode.OVERBOOKED,
            details={"capacity": shortfalls},
        )
    for row in rows:
        CapacityWeek.objects.filter(pk=row.pk).update(
            reserved_pairs=F("reserved_pairs") + wanted[row.week]
        )
    Reservation.objects.bulk_create(
        Reservation(proposal=proposal, capacity_week=row, pairs=wanted[row.week]) for row in rows
    )
    fresh = list(CapacityWeek.objects.filter(pk__in=[r.pk for r in rows]).order_by("pk"))
    CapacityWeek.history.bulk_history_create(
        fresh,
        update=True,
        default_user=actor if getattr(actor, "pk", None) else None,
        default_change_reason=f"reserved by proposal {proposal.pk}",
    )


def _agreement(actor: Any, proposal: Proposal) -> Any:
    from clusterlink.agreements.models import AgreementType
    from clusterlink.agreements.services import agreement_create

    amount = (proposal.unit_cost_rmb * proposal.pairs).quantize(Decimal("0.01"))
    return agreement_create(
        actor=actor,
        agreement_type=AgreementType.PROCESSING_ORDER,
        buyer=proposal.demand.owner,
        supplier=proposal.factory,
        pairs=proposal.pairs,
        amount_rmb=amount,
        title=proposal.demand.title[:200],
        demand=proposal.demand,
        note=f"match run #{proposal.run_id}, proposal #{proposal.pk}",
    )


@transaction.atomic
def proposal_withdraw(*, actor: Any, agreement: Any) -> Proposal | None:
    """The agreement of an accepted proposal was cancelled: release its reservations (capacity
    rows locked in primary-key order, counters lowered with F(), a history row per week) and
    mark the proposal withdrawn, so that a repair run no longer keeps it fixed. Returns the
    proposal, or None when the agreement did not come from a match. Safe to call twice."""
    agreement_id = getattr(agreement, "pk", None)
    if agreement_id is None:
        return None
    proposal = Proposal.objects.select_for_update().filter(agreement_id=agreement_id).first()
    if proposal is None or proposal.status == Proposal.Status.WITHDRAWN:
        return proposal
    held = list(
        Reservation.objects.filter(proposal=proposal, released_at__isnull=True).order_by(
            "capacity_week_id"
        )
    )
    weeks = list(
        CapacityWeek.objects.select_for_update()
        .filter(pk__in=[r.capacity_week_id for r in held])
        .order_by("pk")
    )
    now = clock.now()
    for reservation in held:
        CapacityWeek.objects.filter(pk=reservation.capacity_week_id).update(
            reserved_pairs=F("reserved_pairs") - reservation.pairs
        )
        reservation.released_at = now
    Reservation.objects.bulk_update(held, ["released_at"])
    if weeks:
        CapacityWeek.history.bulk_history_create(
            list(CapacityWeek.objects.filter(pk__in=[w.pk for w in weeks]).order_by("pk")),
            update=True,
            default_user=actor if getattr(actor, "pk", None) else None,
            default_change_reason=f"released by proposal {proposal.pk}",
        )
    proposal.status = Proposal.Status.WITHDRAWN
    proposal._history_user = actor if getattr(actor, "pk", None) else None  # type: ignore[attr-defined]
    proposal.save()
    return proposal


@transaction.atomic
def proposals_expire(*, actor: Any = None) -> int:
    """Mark every open proposal past its expiry as expired (its planned capacity is free for
    a repair run). Returns how many lapsed."""
    due = Proposal.objects.select_for_update().filter(
        status=Proposal.Status.OPEN, expires_at__lte=clock.now()
    )
    count = 0
    for proposal in due.order_by("pk"):
        proposal.status = Proposal.Status.EXPIRED
        proposal._history_user = actor  # type: ignore[attr-defined]
        proposal.save()
        _release_matched_share(proposal)
        count += 1
    return count
