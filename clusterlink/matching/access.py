"""Every access rule of the matching app, written once.

Services and selectors call these; views, API endpoints, forms, schemas and templates never
decide access themselves (they read the flags the selectors annotate).

Runs
- A run is operated (seen, cancelled, repaired, exported) by the operators of its cluster
  and by the platform admin; a run without a cluster (over several clusters, or all) by the
  platform admin only; a run that may take, took or ranked a factory of a cluster the viewer
  does not operate (its operator runs more clusters, or is the admin) only by those who
  operate that cluster too. Anyone else is told it does not exist.
- Starting a run: operators only. The demands it may place are open orders of approved firms
  in clusters the operator runs (every cluster for the admin). An id outside that set gets
  the same error as an id that does not exist, so a run cannot be used to find out which
  private orders exist.
- Factories: a run takes only firms whose private data (prices, free capacity) its operator
  may see (accounts.access.Viewer.private_enterprise_q: firms of the clusters it operates and
  its own firms; every firm for the admin), approved and not merged; without a selection,
  also listed (directory.models.LISTED). Hiding a foreign factory's figures on the run's
  pages is not enough: the run's totals (production, objective) divided by the pairs placed
  give its price, and an order larger than its free weeks saturates it, so the placements
  are its weekly free capacity. A cross-cluster docking is therefore run by an operator of
  both clusters, or by the admin. The start form offers, and a selection may name, only
  these firms; any other id gets the same error as an id that does not exist, so a run
  cannot be used to find out which unlisted firms exist either.
- The rule is applied again when the run solves, with the rights its operator (MatchRun.
  operator: a run solves with the rights of whoever started it) holds at that moment: an
  operator who lost a cluster meanwhile takes none of its firms, and a selected firm since
  rejected or merged is not taken. Factories of accepted placements are kept so that those
  stay fixed, but only those the operator may still see (the others' accepted pairs stay
  where they are, outside the plan). A pending or rejected firm is never taken.

Proposals
- Seen by the brand (members of the order's owner), the proposed factory's members, the
  operators of either's cluster, and the admin.
- Its price (the factory's unit cost, and the landed cost built from it) is shown to whom
  the directory shows the factory's prices (its members, its cluster's operators, the
  admin) and to the brand it is offered to, who needs it to decide.
- Its runner-up (a competitor) and the price gap to it are shown to the brand and to the
  operators of the order's cluster (and the admin), never to the proposed factory: a
  factory sees its own placement.
- The brand side is decided by members of the order's owner, the factory side by members of
  the factory.
- A proposal lets the factory see the order (a DemandShare) only if the factory is an
  approved member of its cluster.

Run pages and exports show another cluster's free capacity only to whom the directory shows
it (directory.selectors.capacity_week_list).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q

from clusterlink.accounts.access import MATCH_ALL, Viewer, viewer_for
from clusterlink.directory.access import enterprise_visible_q
from clusterlink.directory.models import LISTED, ClusterStatus

if TYPE_CHECKING:
    from clusterlink.matching.models import MatchRun, Proposal

NOTHING = Q(pk__in=[])


class Side(StrEnum):
    BRAND = "brand"
    FACTORY = "factory"


# ---- runs ---------------------------------------------------------------------------------------

# What a run solves with, beyond the operator's sight (run_factory_q, run_taken_q): without a
# selection, listed firms; with one, approved firms not merged.
TAKEN_BY_DEFAULT = LISTED
TAKEN_WHEN_SELECTED = Q(cluster_status=ClusterStatus.APPROVED, merged_into__isnull=True)


# Firms a proposal may let see the order it proposes (a DemandShare, which grants the target
# price and the brand's contacts): approved members of their cluster only.
SHARE_RECIPIENT_Q = Q(cluster_status=ClusterStatus.APPROVED)

# Orders a run places: those of approved firms (checked when the run starts and again when
# it reads its rows).
DEMAND_TAKEN_Q = Q(owner__cluster_status=ClusterStatus.APPROVED)


def may_start_runs(viewer: Viewer) -> bool:
    """Whether the viewer may open the run pages and start runs at all."""
    return viewer.is_operator


def run_visible_q(viewer: Viewer) -> Q:
    """Runs the viewer operates (sees, cancels, repairs, exports): those of clusters it
    operates, unless the run planned pairs at, or was narrowed to, a factory whose private data
    the viewer does not see. A docking run of an operator of two clusters is not for a
    co-operator of only one: its totals would give away the other cluster's factory's price
    and its weekly placements that factory's free capacity (the rule of run_factory_q)."""
    if viewer.is_platform_admin:
        return MATCH_ALL
    if not viewer.operator_cluster_ids:
        return NOTHING
    from clusterlink.accounts.models import OperatorScope
    from clusterlink.matching.models import MatchPlacement, MatchRun, Proposal

    theirs = viewer.operator_cluster_ids
    # What the run may take is its operator's clusters (run_taken_q): while it solves, before
    # it has placed anything, its progress figures already come from their factories' prices.
    started_wider = OperatorScope.objects.filter(user_id=OuterRef("operator_id")).exclude(
        cluster_id__in=theirs
    )
    foreign_placement = MatchPlacement.objects.filter(run=OuterRef("pk")).exclude(
        proposal__factory__cluster_id__in=theirs
    )
    foreign_selection = MatchRun.factories.through.objects.filter(
        matchrun_id=OuterRef("pk")
    ).exclude(enterprise__cluster_id__in=theirs)
    foreign_runner_up = Proposal.objects.filter(
        run=OuterRef("pk"), runner_up__isnull=False
    ).exclude(runner_up__cluster_id__in=theirs)
    return (
        Q(cluster_id__in=theirs)
        & ~Q(operator__is_superuser=True)  # the admin's runs take every cluster's factories
        & ~Exists(started_wider)
        & ~Exists(foreign_placement)
        & ~Exists(foreign_selection)
        & ~Exists(foreign_runner_up)
    )


def may_operate_run(viewer: Viewer, run: MatchRun) -> bool:
    """The same rule as run_visible_q, for a run already loaded."""
    from clusterlink.matching.models import MatchRun

    return MatchRun.objects.filter(run_visible_q(viewer), pk=run.pk).exists()


def run_demand_q(viewer: Viewer) -> Q:
    """Demands the viewer may put into a run: orders of approved firms in clusters it runs."""
    if viewer.is_platform_admin:
        return DEMAND_TAKEN_Q
    if not viewer.operator_cluster_ids:
        return NOTHING
    return DEMAND_TAKEN_Q & Q(owner__cluster_id__in=viewer.operator_cluster_ids)


def may_run_over_all_clusters(viewer: Viewer) -> bool:
    return viewer.is_platform_admin


def may_run_over_several_clusters(viewer: Viewer) -> bool:
    return viewer.is_platform_admin


def run_factory_q(viewer: Viewer) -> Q:
    """Firms the viewer may name in a run's factory selection (and that the start form
    offers): firms whose private data (prices, free capacity) it sees, approved, not merged.
    Not merely those the directory shows it: a run's totals and saturated placements would
    give away a foreign factory's price and free weeks."""
    return viewer.private_enterprise_q() & TAKEN_WHEN_SELECTED


def run_taken_q(operator: Viewer, *, selected: bool) -> Q:
    """Firms a run whose operator holds `operator`'s rights takes when it solves: with a
    selection, the selected ones still within run_factory_q; without one, also listed."""
    if selected:
        return run_factory_q(operator)
    return operator.private_enterprise_q() & TAKEN_BY_DEFAULT


def run_kept_q(operator: Viewer) -> Q:
    """Factories of accepted placements a run keeps in its plan (whatever their listing or
    status, so the placements stay fixed): only those whose private data `operator` sees."""
    return operator.private_enterprise_q()


def run_operator(run: MatchRun) -> Viewer:
    """The rights a run solves with: its operator's, read afresh from the database when it
    solves (never a Viewer cached when it started), so a scope lost meanwhile no longer
    counts."""
    from django.contrib.auth import get_user_model

    return viewer_for(get_user_model().objects.get(pk=run.operator_id))


# ---- proposals ----------------------------------------------------------------------------------


def _prefixed(prefix: str, **lookups: object) -> Q:
    return Q(**{f"{prefix}{name}": value for name, value in lookups.items()})


def proposal_visible_q(viewer: Viewer, prefix: str = "") -> Q:
    """Proposals (or rows reached through `prefix`) the viewer may see."""
    if viewer.is_platform_admin:
        return MATCH_ALL
    ids, clusters = viewer.enterprise_ids, viewer.operator_cluster_ids
    return (
        _prefixed(prefix, demand__owner_id__in=ids)
        | _prefixed(prefix, factory_id__in=ids)
        | _prefixed(prefix, demand__owner__cluster_id__in=clusters)
        | _prefixed(prefix, factory__cluster_id__in=clusters)
    )


def proposal_price_visible_q(viewer: Viewer) -> Q:
    """Proposals whose price (the factory's unit cost) the viewer may read."""
    return viewer.private_enterprise_q(prefix="factory__") | Q(
        demand__owner_id__in=viewer.enterprise_ids
    )


def proposal_runner_up_visible_q(viewer: Viewer) -> Q:
    """Proposals whose runner-up and price gap the viewer may read: the brand's, and those of
    orders in clusters the viewer operates whose runner-up's prices the viewer sees too (the
    proposed factory's price plus the gap is the runner-up's price); never the proposed
    factory's own view."""
    if viewer.is_platform_admin:
        return MATCH_ALL
    runner_up_private = Q(runner_up__isnull=True) | viewer.private_enterprise_q(
        prefix="runner_up__"
    )
    return Q(demand__owner_id__in=viewer.enterprise_ids) | (
        Q(demand__owner__cluster_id__in=viewer.operator_cluster_ids) & runner_up_private
    )


def proposal_view_flags(viewer: Viewer) -> dict[str, Any]:
    """Annotations that say which parts of each proposal the viewer may read
    (`price_shown`, `runner_up_shown`); pages, exports and the API read only these."""
    return {
        "price_shown": ExpressionWrapper(
            proposal_price_visible_q(viewer), output_field=BooleanField()
        ),
        "runner_up_shown": ExpressionWrapper(
            proposal_runner_up_visible_q(viewer), output_field=BooleanField()
        ),
    }


def proposal_sides(viewer: Viewer, proposal: Proposal) -> list[str]:
    """Which sides of the proposal the viewer may decide for."""
    sides: list[str] = []
    if viewer.is_member_of(proposal.demand.owner_id):
        sides.append(Side.BRAND)
    if viewer.is_member_of(proposal.factory_id):
        sides.append(Side.FACTORY)
    return sides


def may_decide(viewer: Viewer, proposal: Proposal, side: str) -> bool:
    return side in proposal_sides(viewer, proposal)


def unplaced_visible_q(viewer: Viewer) -> Q:
    """Unplaced pairs of a run the viewer may see: of orders of its own firms or of clusters it
    operates (the brand's business, not the factories')."""
    if viewer.is_platform_admin:
        return MATCH_ALL
    return Q(demand__owner_id__in=viewer.enterprise_ids) | Q(
        demand__owner__cluster_id__in=viewer.operator_cluster_ids
    )


# ---- quotes -------------------------------------------------------------------------------------


def quote_factory_q(viewer: Viewer) -> Q:
    """Firms a brand may ask for a quote: firms it may see that are approved members."""
    return enterprise_visible_q(viewer) & TAKEN_WHEN_SELECTED


def own_firm_q(viewer: Viewer) -> Q:
    """Firms the viewer acts for (quotes as): those it is a member of."""
    return Q(pk__in=viewer.enterprise_ids)
