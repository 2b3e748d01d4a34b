"""Every access rule of the matching app, written once.

Services and selectors call these; views, API endpoints, forms, schemas and templates never
decide access themselves (they read the flags the selectors annotate).

Runs
- A run is operated (seen, cancelled, repaired, exported) by the operators of its cluster
  and by the platform admin; a run without a cluster (over several clusters, or all) by the
  platform admin only. Anyone else is told it does not exist.
- Starting a run: operators only. The demands it may place are open orders of approved firms
  in clusters the operator runs (every cluster for the admin). The factories it may be
  narrowed to are firms the operator may see in the directory that are approved members of
  their cluster. An id outside either set gets the same error as an id that does not exist,
  so a run cannot be used to find out which unlisted firms or private orders exist.
- Which factories a run takes: without a selection, listed firms only (listed, not merged,
  approved: directory.models.LISTED); with a selection, the selected firms that are still
  approved and not merged when the run solves. A pending or rejected firm is never taken.

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

from django.db.models import BooleanField, ExpressionWrapper, Q

from clusterlink.accounts.access import MATCH_ALL, Viewer
from clusterlink.directory.access import enterprise_visible_q
from clusterlink.directory.models import LISTED, ClusterStatus

if TYPE_CHECKING:
    from clusterlink.matching.models import MatchRun, Proposal

NOTHING = Q(pk__in=[])


class Side(StrEnum):
    BRAND = "brand"
    FACTORY = "factory"


# ---- runs ---------------------------------------------------------------------------------------

# What a run solves with, checked again when it solves (a firm rejected or merged after the
# run started is not taken): without a selection, listed firms; with one, approved firms.
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
    """Runs the viewer operates (sees, cancels, repairs, exports)."""
    if viewer.is_platform_admin:
        return MATCH_ALL
    if not viewer.operator_cluster_ids:
        return NOTHING
    return Q(cluster_id__in=viewer.operator_cluster_ids)


def may_operate_run(viewer: Viewer, run: MatchRun) -> bool:
    """The same rule as run_visible_q, for a run already loaded."""
    if run.cluster_id is None:
        return viewer.is_platform_admin
    return viewer.operates(run.cluster_id)


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
    offers): firms it may see in the directory that are approved members, not merged."""
    return enterprise_visible_q(viewer) & TAKEN_WHEN_SELECTED


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
    """Proposals whose runner-up and price gap the viewer may read: the brand's and those of
    orders in clusters the viewer operates; never the proposed factory's own view."""
    if viewer.is_platform_admin:
        return MATCH_ALL
    return Q(demand__owner_id__in=viewer.enterprise_ids) | Q(
        demand__owner__cluster_id__in=viewer.operator_cluster_ids
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
