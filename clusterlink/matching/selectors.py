"""Reads of match runs and proposals. Who sees what is matching.access; this module only
applies it.

A run (its page, progress, placements, export) is seen by the platform admin and by the
operators of the run's cluster. A proposal and its placements are private to the brand
that owns the order, the proposed factory, the operators of either's cluster and the admin;
each proposal read here carries `price_shown` and `runner_up_shown`, which say whether the
viewer may read its price and its runner-up.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from clusterlink.accounts.access import Viewer
from clusterlink.common.errors import NotFoundError
from clusterlink.directory.models import Cluster, Enterprise
from clusterlink.directory.selectors import capacity_week_list
from clusterlink.market.models import PAIRS_DEMAND_TYPES, Demand
from clusterlink.matching import access
from clusterlink.matching.models import MatchPlacement, MatchRun, Proposal

# Kept importable from here: market's quote comparison reads proposals through this module.
proposal_visible_q = access.proposal_visible_q


def run_list(*, viewer: Viewer) -> QuerySet[MatchRun]:
    """Runs the viewer operates, newest first. A run left running by a dead worker is marked
    failed first (services.match_runs_reap), so no page shows it running forever."""
    from clusterlink.matching.services import match_runs_reap

    if access.may_start_runs(viewer):
        match_runs_reap()
    return (
        MatchRun.objects.filter(access.run_visible_q(viewer))
        .select_related("cluster", "operator", "repair_of")
        .order_by("-created_at", "-id")
    )


def run_get_for(viewer: Viewer, run_id: int) -> MatchRun:
    try:
        return run_list(viewer=viewer).get(pk=run_id)
    except MatchRun.DoesNotExist as exc:
        raise NotFoundError() from exc


def proposal_list(
    *, viewer: Viewer, side: str | None = None, run: MatchRun | None = None
) -> QuerySet[Proposal]:
    """Proposals the viewer may see; side "brand" keeps those for the viewer's own orders,
    "factory" those proposed to the viewer's firms."""
    qs = Proposal.objects.filter(access.proposal_visible_q(viewer)).annotate(
        **access.proposal_view_flags(viewer)
    )
    if side == "brand":
        qs = qs.filter(demand__owner_id__in=viewer.enterprise_ids)
    elif side == "factory":
        qs = qs.filter(factory_id__in=viewer.enterprise_ids)
    if run is not None:
        qs = qs.filter(run=run)
    return qs.select_related(
        "run",
        "demand",
        "demand__owner",
        "factory",
        "factory__cluster",
        "runner_up",
        "category",
        "agreement",
    ).order_by("-run_id", "demand_id", "factory_id")


def proposal_get_for(viewer: Viewer, proposal_id: int) -> Proposal:
    try:
        return proposal_list(viewer=viewer).prefetch_related("placements").get(pk=proposal_id)
    except Proposal.DoesNotExist as exc:
        raise NotFoundError() from exc


def proposal_sides(viewer: Viewer, proposal: Proposal) -> list[str]:
    """Which sides of the proposal the viewer may decide for."""
    return access.proposal_sides(viewer, proposal)


def runnable_demand_list(*, viewer: Viewer) -> QuerySet[Demand]:
    """Open orders (pairs of a category) the viewer may put into a run."""
    return Demand.objects.filter(
        access.run_demand_q(viewer),
        status__in=(Demand.Status.OPEN, Demand.Status.MATCHED),
        demand_type__in=PAIRS_DEMAND_TYPES,
        category__isnull=False,
        pairs__isnull=False,
    )


def run_start_choices(viewer: Viewer) -> dict[str, Any]:
    """What the start form offers: the viewer's clusters, their open orders, factories."""
    clusters = (
        Cluster.objects.all()
        if viewer.is_platform_admin
        else Cluster.objects.filter(pk__in=viewer.operator_cluster_ids)
    )
    demands = runnable_demand_list(viewer=viewer).select_related("owner", "category")
    factories = (
        Enterprise.objects.filter(access.run_factory_q(viewer), capacity_weeks__isnull=False)
        .distinct()
        .select_related("cluster")
        .order_by("cluster_id", "legal_name")
    )
    return {
        "clusters": list(clusters.order_by("pk")),
        "demands": list(demands.order_by("owner__cluster_id", "owner_id", "pk")),
        "factories": list(factories),
    }


@dataclass
class RunReport:
    """A finished run's result as the result page and the export show it."""

    proposals: list[Proposal]
    by_order: list[dict[str, Any]]
    by_factory: list[dict[str, Any]]
    weeks: list[dt.date]
    utilisation: list[dict[str, Any]]
    flows: list[dict[str, Any]]
    unplaced: list[Any]
    totals: dict[str, Any] = field(default_factory=dict)


def run_report(*, viewer: Viewer, run: MatchRun) -> RunReport:
    """Placements grouped by order and by factory, use of each factory week, flows between
    clusters; only proposals the viewer may see (call after run_get_for)."""
    proposals = list(proposal_list(viewer=viewer, run=run).prefetch_related("placements"))
    weeks = [run.first_week + dt.timedelta(weeks=i) for i in range(run.weeks)]
    orders: dict[int, dict[str, Any]] = {}
    factories: dict[int, dict[str, Any]] = {}
    used: dict[tuple[int, int, dt.date], int] = defaultdict(int)
    flows: dict[tuple[str, str], int] = defaultdict(int)
    for p in proposals:
        order = orders.setdefault(
            p.demand_id, {"demand": p.demand, "pairs": p.demand.pairs, "placed": 0, "rows": []}
        )
        order["placed"] += p.pairs
        order["rows"].append(p)
        firm = factories.setdefault(p.factory_id, {"factory": p.factory, "pairs": 0, "rows": []})
        firm["pairs"] += p.pairs
        firm["rows"].append(p)
        for placement in p.placements.all():
            used[(p.factory_id, p.category_id, placement.week)] += placement.pairs
        source = p.demand.owner.cluster.name if p.demand.owner.cluster else "—"
        target = p.factory.cluster.name if p.factory.cluster else "—"
        flows[(source, target)] += p.pairs
    # Free capacity is shown only where the directory shows it to this viewer.
    free = {
        (c.enterprise_id, c.category_id, c.week): c.free_pairs
        for c in capacity_week_list(viewer=viewer).filter(
            enterprise_id__in=factories, week__in=weeks
        )
    }
    utilisation = []
    for fid, firm in factories.items():
        categories = sorted({p.category_id for p in firm["rows"]})
        cells = []
        for week in weeks:
            planned = sum(used.get((fid, c, week), 0) for c in categories)
            capacity = sum(free.get((fid, c, week), 0) for c in categories)
            share = None if not capacity else round(100 * planned / capacity)
            cells.append({"week": week, "pairs": planned, "free": capacity, "percent": share})
        utilisation.append({"factory": firm["factory"], "cells": cells})
    unplaced = list(
        run.unplaced.filter(access.unplaced_visible_q(viewer)).select_related(
            "demand", "demand__owner"
        )
    )
    totals = {
        "pairs": sum(p.pairs for p in proposals),
        "amount": sum(
            (p.unit_cost_rmb * p.pairs for p in proposals if getattr(p, "price_shown", False)),
            Decimal(0),
        ),
    }
    return RunReport(
        proposals=proposals,
        by_order=list(orders.values()),
        by_factory=list(factories.values()),
        weeks=weeks,
        utilisation=utilisation,
        flows=[{"source": s, "target": t, "pairs": x} for (s, t), x in sorted(flows.items())],
        unplaced=unplaced,
        totals=totals,
    )


def placement_list(*, viewer: Viewer, run: MatchRun) -> QuerySet[MatchPlacement]:
    return (
        MatchPlacement.objects.filter(run=run)
        .filter(access.proposal_visible_q(viewer, prefix="proposal__"))
        .select_related("proposal", "proposal__demand", "proposal__factory")
        .order_by("proposal__demand_id", "proposal__factory_id", "week")
    )


def quote_factory_for(viewer: Viewer, factory_id: int) -> Enterprise | None:
    """The firm the viewer may ask for a quote, or None, whether it does not exist or the
    viewer may not see it (the caller says so in one message)."""
    return Enterprise.objects.filter(access.quote_factory_q(viewer), pk=factory_id).first()


def own_firm_for(viewer: Viewer, firm_id: int) -> Enterprise | None:
    """One of the viewer's own firms (to quote as), or None."""
    return Enterprise.objects.filter(access.own_firm_q(viewer), pk=firm_id).first()
