"""Demo match runs: the Putian–Quanzhou shoe orders and the Xiaobeihe sock orders.

Both are started through match_run_start by the demo operator and solved by the real engine
(short time limit, fixed seed, one thread), exactly as a worker would; nothing here writes a
result by hand. Loading again is skipped (idempotent).

The directory demo's orders are written to what the clusters' factories make, but not to the
demo factory logins in particular. Before the runs, two docking orders are posted through the
market's demand_create, written to what those logins' firms make (category, processes, and
the certifications they hold, which narrows the factories able to take them), so that the
factory and the sock-factory accounts see work the engine proposes to them. The demo brand
then accepts its proposal for the docking order at the demo factory: the factory account
finds a proposal waiting only for its own answer (accept → agreement).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from clusterlink.accounts.access import viewer_for
from clusterlink.accounts.models import User
from clusterlink.common import clock
from clusterlink.directory.demo import SOCK_LOGIN_PROFILE
from clusterlink.directory.models import Cluster, Enterprise
from clusterlink.market.models import PAIRS_DEMAND_TYPES, Demand, DemandType, Visibility
from clusterlink.market.services import demand_create
from clusterlink.matching.models import MatchRun, Proposal
from clusterlink.matching.services import (
    match_run_execute,
    match_run_start,
    proposal_decide,
)

DEMO_TIME_LIMIT_S = 5
DEMO_SEED = 2024


@dataclass(frozen=True)
class DockingOrder:
    """An order written to a demo factory login's profile (category, processes it has; the
    certifications it holds are added when the order is posted)."""

    factory_login: str
    title: str
    category: str
    processes: tuple[str, ...]
    pairs: int
    target_unit_price_rmb: Decimal
    weeks_to_delivery: int


SHOE_DOCKING_ORDER = DockingOrder(
    factory_login="factory",
    title="硫化休闲鞋代工 10,000 双",
    category="casual-shoes",
    processes=("stitching", "vulcanising", "injection", "sole-making"),
    pairs=10_000,
    target_unit_price_rmb=Decimal("52.00"),
    weeks_to_delivery=10,
)
SOCK_DOCKING_ORDER = DockingOrder(
    factory_login="sockfactory",
    title="手工对目运动袜代工 9,000 双",
    category=SOCK_LOGIN_PROFILE[0],
    processes=SOCK_LOGIN_PROFILE[1],
    pairs=9_000,
    target_unit_price_rmb=Decimal("0.60"),
    weeks_to_delivery=8,
)


def _first_firm(username: str) -> Enterprise | None:
    user = User.objects.filter(username=username).first()
    membership = None if user is None else user.memberships.order_by("pk").first()
    return None if membership is None else membership.enterprise


def _docking_order(
    owner: Enterprise, created_by: User | None, spec: DockingOrder, factory: Enterprise
) -> Demand:
    return demand_create(
        owner=owner,
        created_by=created_by,
        demand_type=DemandType.PROCESSING_ORDER,
        title=spec.title,
        category=spec.category,
        pairs=spec.pairs,
        target_unit_price_rmb=spec.target_unit_price_rmb,
        delivery_week=clock.current_week() + dt.timedelta(weeks=spec.weeks_to_delivery),
        min_lot_pairs=1_000,
        split_allowed=True,
        max_factories=3,
        required_processes=spec.processes,
        required_certifications=sorted(c.code for c in factory.certifications.all()),
        visibility=Visibility.PUBLIC,
    )


def load_matching_demo(progress: Callable[[str], None] = lambda line: None) -> list[MatchRun]:
    operator = User.objects.filter(username="operator").first()
    if operator is None:
        progress("match runs: no demo operator, skipped")
        return []
    if MatchRun.objects.filter(operator=operator).exists():
        progress("match runs: already loaded")
        return list(MatchRun.objects.filter(operator=operator).order_by("pk"))
    viewer = viewer_for(operator)
    runs: list[MatchRun] = []
    shoe_brands = Cluster.objects.filter(slug="quanzhou-jinjiang").first()
    socks = Cluster.objects.filter(slug="xiaobeihe").first()
    brand_user = User.objects.filter(username="brand").first()
    brand = _first_firm("brand")
    factory = _first_firm(SHOE_DOCKING_ORDER.factory_login)
    docking = None
    if brand is not None and factory is not None:
        docking = _docking_order(brand, brand_user, SHOE_DOCKING_ORDER, factory)
    sock_brand = (
        Enterprise.objects.filter(cluster=socks, roles__role="brand").order_by("pk").first()
        if socks is not None
        else None
    )
    sock_factory = _first_firm(SOCK_DOCKING_ORDER.factory_login)
    if sock_brand is not None and sock_factory is not None:
        _docking_order(sock_brand, None, SOCK_DOCKING_ORDER, sock_factory)
    if shoe_brands is not None:
        # The docking event's question: the Quanzhou brands' open orders on the factories of
        # Putian and Quanzhou, at the least landed cost.
        demand_ids = list(
            Demand.objects.filter(
                owner__cluster=shoe_brands,
                status=Demand.Status.OPEN,
                demand_type__in=PAIRS_DEMAND_TYPES,
                category__trade="footwear",
            ).values_list("pk", flat=True)
        )
        if demand_ids:
            runs.append(
                match_run_start(
                    operator=operator,
                    viewer=viewer,
                    scope=MatchRun.Scope.SELECTED,
                    demand_ids=demand_ids,
                    time_limit_s=DEMO_TIME_LIMIT_S,
                    seed=DEMO_SEED,
                )
            )
    if socks is not None:
        runs.append(
            match_run_start(
                operator=operator,
                viewer=viewer,
                scope=MatchRun.Scope.CLUSTER,
                cluster=socks,
                time_limit_s=DEMO_TIME_LIMIT_S,
                seed=DEMO_SEED,
            )
        )
    finished = []
    for run in runs:
        run = match_run_execute(run_id=run.pk)
        finished.append(run)
        progress(
            f"match run #{run.pk}: {run.get_status_display()}, "
            f"{Proposal.objects.filter(run=run).count()} proposals, "
            f"cost {run.objective_rmb} RMB, bound {run.lower_bound_rmb} RMB"
        )
    if brand_user is not None and docking is not None:
        waiting = (
            Proposal.objects.filter(
                run__in=finished,
                demand=docking,
                factory=factory,
                status=Proposal.Status.OPEN,
            )
            .order_by("pk")
            .first()
        )
        if waiting is not None:
            proposal_decide(
                actor=brand_user,
                viewer=viewer_for(brand_user),
                proposal=waiting,
                side="brand",
                accept=True,
            )
            progress(f"proposal #{waiting.pk}: accepted by the brand, waiting for the factory")
    return finished
