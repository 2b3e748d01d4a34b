"""Demo match runs: the Putian–Quanzhou shoe orders and the Xiaobeihe sock orders.

Both are started through match_run_start by the demo operator and solved by the real engine
(short time limit, fixed seed), exactly as a worker would; nothing here writes a result by
hand. Runs again are skipped (idempotent).
"""

from __future__ import annotations

from collections.abc import Callable

from clusterlink.accounts.access import viewer_for
from clusterlink.accounts.models import User
from clusterlink.directory.models import Cluster
from clusterlink.market.models import PAIRS_DEMAND_TYPES, Demand
from clusterlink.matching.models import MatchRun, Proposal
from clusterlink.matching.services import match_run_execute, match_run_start

DEMO_TIME_LIMIT_S = 5
DEMO_SEED = 2024


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
    return finished
