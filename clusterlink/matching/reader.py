"""Rows → the domain's AllocationProblem (the reader end of reader → solver → writer).

- Orders: the run's demands that are still open orders of approved firms (matching.access:
  a pending or rejected firm's order is never placed). Period 0 is the run's first week; an order is due in the
  period of its delivery week (the last week when no delivery week is set). Pairs already
  accepted in weeks outside the horizon are taken off the order. A factory whose proposal
  for the demand was declined (by either side, in any run) is excluded from the order.
- Factories: firms with capacity weeks in the horizon for the orders' categories, among
  those whose private data the run's operator may see as his rights stand now
  (matching.access.run_taken_q): without a selection, listed firms (listed, not merged,
  approved); with one, the selected firms that are still approved and not merged. Factories
  of accepted placements the operator may see are kept so those placements stay fixed
  (accepted pairs elsewhere stay where they are, outside the plan). Free capacity per week
  is free − reserved; for pairs accepted in this horizon (kept fixed) their own reservation
  is given back, because the engine consumes their capacity itself. Unit cost per category:
  the mean of the quoted price range over the horizon's weeks (weeks without a price do not
  count; a category with no price at all is left out). Lead time: the longest lead time of
  those weeks, in whole weeks. Location: the firm's, else its cluster's; firms with neither
  are left out.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from clusterlink.directory.models import CapacityWeek, Enterprise
from clusterlink.domain.allocation import (
    AllocationProblem,
    CategoryOffer,
    Factory,
    Order,
    Placement,
    Weights,
)
from clusterlink.market.models import Demand
from clusterlink.matching import access
from clusterlink.matching.models import (
    RUNNABLE_STATUSES,
    MatchPlacement,
    MatchRun,
    Proposal,
    Reservation,
)

CENT = Decimal("0.01")


@dataclass
class BuiltProblem:
    problem: AllocationProblem
    fixed: list[Placement]
    demands: dict[str, Demand]
    factories: dict[str, Enterprise]
    category_of: dict[str, int]  # order id → category id
    left_out: dict[str, str] = field(default_factory=dict)  # factory id → why
    # Pairs of each demand accepted by both sides when the rows were read: the writer drops
    # the plan of a demand whose accepted pairs changed meanwhile.
    accepted_pairs: dict[int, int] = field(default_factory=dict)

    def week(self, first_week: dt.date, period: int) -> dt.date:
        return first_week + dt.timedelta(weeks=period)


def _location(firm: Enterprise) -> tuple[float, float] | None:
    if firm.lat is not None and firm.lng is not None:
        return float(firm.lat), float(firm.lng)
    cluster = firm.cluster
    if cluster is not None and cluster.lat is not None and cluster.lng is not None:
        return float(cluster.lat), float(cluster.lng)
    return None


def period_of(run: MatchRun, week: dt.date) -> int:
    return (week - run.first_week).days // 7


def build_problem(run: MatchRun) -> BuiltProblem:
    demands = list(
        run.demands.filter(access.DEMAND_TAKEN_Q, status__in=RUNNABLE_STATUSES)
        .select_related("owner", "owner__cluster", "category")
        .prefetch_related("required_processes", "required_certifications")
    )
    last = run.first_week + dt.timedelta(weeks=run.weeks - 1)
    accepted = list(
        MatchPlacement.objects.filter(
            proposal__demand__in=demands, proposal__status=Proposal.Status.ACCEPTED
        ).select_related("proposal")
    )
    fixed_in: dict[tuple[int, int, int], int] = defaultdict(int)  # (demand, factory, period)
    before: dict[int, int] = defaultdict(int)  # outside the horizon, in fact
    accepted_pairs: dict[int, int] = defaultdict(int)
    for placed in accepted:
        accepted_pairs[placed.proposal.demand_id] += placed.pairs
        p = period_of(run, placed.week)
        if 0 <= p < run.weeks:
            fixed_in[(placed.proposal.demand_id, placed.proposal.factory_id, p)] += placed.pairs
        else:
            before[placed.proposal.demand_id] += placed.pairs
    categories = {d.category_id for d in demands if d.category_id is not None}
    weeks = CapacityWeek.objects.filter(
        category_id__in=categories, week__gte=run.first_week, week__lte=last
    ).select_related("category")
    selected = list(run.factories.values_list("pk", flat=True))
    operator = access.run_operator(run)
    taken = Enterprise.objects.filter(access.run_taken_q(operator, selected=bool(selected)))
    if selected:
        weeks = weeks.filter(enterprise_id__in=selected, enterprise__in=taken)
    fixed_factories = {f for (_, f, _) in fixed_in}
    fixed_pairs = {(d, f) for (d, f, _) in fixed_in}
    declined: dict[int, set[str]] = defaultdict(set)
    for demand_id, factory_id in Proposal.objects.filter(
        demand__in=demands, status=Proposal.Status.DECLINED
    ).values_list("demand_id", "factory_id"):
        if (demand_id, factory_id) not in fixed_pairs:
            declined[demand_id].add(str(factory_id))
    if not selected:
        kept = Enterprise.objects.filter(access.run_kept_q(operator), pk__in=fixed_factories)
        weeks = weeks.filter(enterprise__in=taken) | weeks.filter(enterprise__in=kept)
    given_back: dict[int, int] = dict(
        Reservation.objects.filter(
            proposal__demand__in=demands,
            proposal__status=Proposal.Status.ACCEPTED,
            released_at__isnull=True,
            capacity_week__week__gte=run.first_week,
            capacity_week__week__lte=last,
        )
        .values_list("capacity_week_id")
        .annotate(total=Sum("pairs"))
        .values_list("capacity_week_id", "total")
    )
    rows_by_firm: dict[int, list[CapacityWeek]] = defaultdict(list)
    for capacity_row in weeks:
        rows_by_firm[capacity_row.enterprise_id].append(capacity_row)
    firms = Enterprise.objects.select_related("cluster").prefetch_related(
        "processes", "certifications"
    )
    factories: dict[str, Enterprise] = {}
    domain_factories: list[Factory] = []
    left_out: dict[str, str] = {}
    for firm in firms.filter(pk__in=rows_by_firm).order_by("pk"):
        fid = str(firm.pk)
        where = _location(firm)
        if where is None:
            left_out[fid] = "no location"
            continue
        offers: dict[str, CategoryOffer] = {}
        lead_days = 0
        by_category: dict[str, list[CapacityWeek]] = defaultdict(list)
        for capacity_row in rows_by_firm[firm.pk]:
            by_category[capacity_row.category.code].append(capacity_row)
        for code, rows in sorted(by_category.items()):
            prices = [
                (r.unit_price_min_rmb + r.unit_price_max_rmb) / 2
                if r.unit_price_min_rmb is not None and r.unit_price_max_rmb is not None
                else (r.unit_price_min_rmb or r.unit_price_max_rmb)
                for r in rows
            ]
            known = [x for x in prices if x is not None]
            if not known:
                continue
            capacity = [0] * run.weeks
            for r in rows:
                capacity[period_of(run, r.week)] = (
                    r.free_pairs - r.reserved_pairs + given_back.get(r.pk, 0)
                )
                lead_days = max(lead_days, r.lead_time_days)
            offers[code] = CategoryOffer(
                unit_cost=(sum(known, Decimal(0)) / len(known)).quantize(CENT),
                capacity=tuple(capacity),
            )
        if not offers:
            left_out[fid] = "no price"
            continue
        factories[fid] = firm
        domain_factories.append(
            Factory(
                id=fid,
                lat=where[0],
                lng=where[1],
                lead_time_periods=math.ceil(lead_days / 7),
                capabilities=frozenset(p.code for p in firm.processes.all()),
                certifications=frozenset(c.code for c in firm.certifications.all()),
                categories=offers,
                small_firm=firm.size in (Enterprise.Size.MICRO, Enterprise.Size.SMALL),
                cluster=firm.cluster.slug if firm.cluster else "",
            )
        )
    orders: list[Order] = []
    by_id: dict[str, Demand] = {}
    category_of: dict[str, int] = {}
    fixed: list[Placement] = []
    for demand in sorted(demands, key=lambda d: d.pk):
        # Accepted pairs at a factory the run cannot model (no price left) stay where they are.
        unmodelled = sum(
            x for (d, f, _), x in fixed_in.items() if d == demand.pk and str(f) not in factories
        )
        pairs = (demand.pairs or 0) - before.get(demand.pk, 0) - unmodelled
        where = _location(demand.owner)
        if pairs <= 0 or where is None or demand.category is None:
            continue
        oid = str(demand.pk)
        due = (
            run.weeks - 1
            if demand.delivery_week is None
            else min(run.weeks - 1, max(0, period_of(run, demand.delivery_week)))
        )
        orders.append(
            Order(
                id=oid,
                lat=where[0],
                lng=where[1],
                category=demand.category.code,
                pairs=pairs,
                due_period=due,
                requires=frozenset(p.code for p in demand.required_processes.all()),
                certifications=frozenset(c.code for c in demand.required_certifications.all()),
                min_lot=min(demand.min_lot_pairs, pairs),
                split=demand.split_allowed,
                max_factories=demand.max_factories if demand.split_allowed else 1,
                cluster=demand.owner.cluster.slug if demand.owner.cluster else "",
                excluded_factories=frozenset(declined[demand.pk]),
            )
        )
        by_id[oid] = demand
        category_of[oid] = demand.category.pk
        for (d, f, p), x in sorted(fixed_in.items()):
            if d == demand.pk and str(f) in factories:
                fixed.append(Placement(order_id=oid, factory_id=str(f), period=p, pairs=x))
    problem = AllocationProblem(
        periods=run.weeks,
        transport_rmb_per_pair_km=run.transport_rmb_per_pair_km,
        unplaced_penalty_rmb_per_pair=run.unplaced_penalty_rmb,
        factories=tuple(domain_factories),
        orders=tuple(orders),
        weights=Weights(
            quality_rmb_per_pair=run.quality_rmb,
            large_firm_rmb_per_pair=run.large_firm_rmb,
            same_cluster_rmb_per_pair=run.same_cluster_rmb,
        ),
    )
    return BuiltProblem(
        problem=problem,
        fixed=fixed,
        demands=by_id,
        factories=factories,
        category_of=category_of,
        left_out=left_out,
        accepted_pairs=dict(accepted_pairs),
    )
