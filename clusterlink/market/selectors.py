"""Reads of the market. Who sees a demand, and who sees it in full (target price, contacts), is
clusterlink.market.access's rule (`demand_visible_q`, `demand_private_q`); these reads apply it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from clusterlink.accounts.access import MATCH_ALL, Viewer
from clusterlink.common.errors import NotFoundError
from clusterlink.market.access import (
    LISTED_STATUSES,
    demand_private_q,
    demand_visible_q,
    may_manage_demand,
    may_see_demand_private,
    offer_visible_q,
)
from clusterlink.market.models import Demand, DemandShare, Offer, Quote

# The rule's names as other apps import them from here.
demand_privileged_q = demand_private_q
demand_sees_private = may_see_demand_private
__all__ = ["LISTED_STATUSES", "demand_privileged_q", "demand_sees_private", "demand_visible_q"]


@dataclass(frozen=True)
class DemandFilters:
    demand_type: str | None = None
    category: str | None = None
    cluster: str | None = None
    status: str | None = None
    owner_id: int | None = None
    q: str | None = None


def demand_list(*, viewer: Viewer, filters: DemandFilters | None = None) -> QuerySet[Demand]:
    filters = filters or DemandFilters()
    ids = Demand.objects.filter(demand_visible_q(viewer)).values("pk")
    qs = Demand.objects.filter(pk__in=ids).select_related("owner", "owner__cluster", "category")
    if filters.demand_type:
        qs = qs.filter(demand_type=filters.demand_type)
    if filters.category:
        qs = qs.filter(category__code=filters.category)
    if filters.cluster:
        qs = qs.filter(owner__cluster__slug=filters.cluster)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.owner_id is not None:
        qs = qs.filter(owner_id=filters.owner_id)
    if filters.q:
        qs = qs.filter(Q(title__icontains=filters.q) | Q(description__icontains=filters.q))
    return qs.order_by("-created_at", "-id")


def demand_get_for(viewer: Viewer, demand_id: int) -> Demand:
    try:
        return (
            demand_list(viewer=viewer)
            .prefetch_related("required_processes", "required_certifications")
            .get(pk=demand_id)
        )
    except Demand.DoesNotExist as exc:
        raise NotFoundError() from exc


def offer_list(*, viewer: Viewer, offer_type: str | None = None) -> QuerySet[Offer]:
    qs = Offer.objects.filter(offer_visible_q(viewer)).select_related("owner", "category")
    if offer_type:
        qs = qs.filter(offer_type=offer_type)
    return qs.order_by("-created_at", "-id")


def offer_get_for(viewer: Viewer, offer_id: int) -> Offer:
    try:
        return offer_list(viewer=viewer).get(pk=offer_id)
    except Offer.DoesNotExist as exc:
        raise NotFoundError() from exc


def demand_get_editable(viewer: Viewer, demand_id: int) -> Demand:
    """A demand the viewer may change: its owner's members and the owner cluster's operators.
    Firms it was only shared with see it but may not change it; for them, as for everyone else
    who may not change it, it is NotFoundError."""
    demand = demand_get_for(viewer, demand_id)
    if not may_manage_demand(viewer, demand):
        raise NotFoundError()
    return demand


def demand_share_list(*, demand: Demand) -> QuerySet[DemandShare]:
    """Firms a demand is shared with (call only after demand_get_editable)."""
    return (
        DemandShare.objects.filter(demand=demand)
        .select_related("enterprise")
        .order_by("enterprise__legal_name", "pk")
    )


def offer_sees_private(viewer: Viewer, offer: Offer) -> bool:
    """Whether the viewer may see the offer's unit price and the owner's contacts."""
    return viewer.may_see_private_of(offer.owner_id, offer.owner.cluster_id)


# ---- API: privacy computed in the query (appended for the JSON API) ----------------------------


def demand_list_with_privacy(
    *, viewer: Viewer, filters: DemandFilters | None = None
) -> QuerySet[Demand]:
    """demand_list, each row annotated with `sees_private` (the rule of demand_sees_private), so that a
    page of demands needs no query per row to decide whether its target price may be shown."""
    from django.db.models import Exists, OuterRef

    privileged = Demand.objects.filter(pk=OuterRef("pk")).filter(demand_private_q(viewer))
    return demand_list(viewer=viewer, filters=filters).annotate(sees_private=Exists(privileged))


# ---- quotes --------------------------------------------------------------------------------------


def quote_visible_q(viewer: Viewer) -> Q:
    """Quotes are private to the brand, the quoting factory, operators of either's cluster and
    the admin."""
    if viewer.is_platform_admin:
        return MATCH_ALL
    ids, clusters = viewer.enterprise_ids, viewer.operator_cluster_ids
    return (
        Q(demand__owner_id__in=ids)
        | Q(factory_id__in=ids)
        | Q(demand__owner__cluster_id__in=clusters)
        | Q(factory__cluster_id__in=clusters)
    )


def quote_list(*, viewer: Viewer, demand: Demand) -> QuerySet[Quote]:
    """Quotes of a demand the viewer may see (call after demand_get_for)."""
    return (
        Quote.objects.filter(demand=demand)
        .filter(quote_visible_q(viewer))
        .select_related("factory", "factory__cluster")
        .order_by("unit_price_rmb", "pk")
    )
