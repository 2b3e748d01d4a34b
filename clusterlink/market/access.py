"""Who may see and do what in the market, decided once. The selectors and services call these;
views and API endpoints only parse, call and render. Other apps that read demands (events'
suggestions, matching) filter by `demand_visible_q` and `demand_private_q` too.

- **Who sees a demand** (`demand_visible_q`, `may_see_demand`): everyone sees a public demand
  that is open or matched; members and operators of the owner's cluster see a cluster demand that
  is open or matched (membership as the cluster's operators granted it); either only when the
  owner is an approved member of its cluster (a firm awaiting approval shows nothing to the
  public). Every demand, in any status and visibility, is seen by the owner's members, the
  owner cluster's operators, the platform admin and the firms it was shared with or proposed to
  (`demand_private_q`), who are also the ones who see it in full: target price and the owner's
  contacts (`may_see_demand_private`).
- **Who manages a demand** (`may_manage_demand`, `access_demand_change`, `access_demand_owner`):
  the owner's members and its cluster's operators (and the admin) post demands for the firm,
  change them, share them, compare their quotes; the pages and the API alike.
- **Who may be asked for a quote** (`access_quote_request`): the owner's members ask a firm they
  may see in the directory, an approved member of its cluster and not the owner; a firm they may
  not see is NotFoundError, like one that does not exist, so that unlisted firms cannot be
  enumerated.
- **Who may quote** (`quoting_firms`, `access_quote_submit`): the viewer's own firms that are
  approved members of their clusters, for a demand they may see, never the owner.
- **Who may be shared a demand** (`access_demand_share`): a firm the owner may see.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clusterlink.accounts.access import MATCH_ALL, Viewer
from clusterlink.common.errors import ApplicationError, NotFoundError, PermissionError_
from clusterlink.common.validation import FieldErrors
from clusterlink.directory.access import enterprise_visible_q, is_cluster_member
from clusterlink.directory.models import ClusterStatus, Enterprise
from clusterlink.market.models import Demand, Offer, Visibility

# Statuses in which a public or cluster demand is shown to those who do not manage it.
LISTED_STATUSES = (Demand.Status.OPEN, Demand.Status.MATCHED)


# ---- who sees a demand -----------------------------------------------------------------------


def demand_private_q(viewer: Viewer, prefix: str = "") -> Q:
    """Demands (or rows reached through `prefix`, e.g. "demand__") the viewer sees in full, in
    any status and visibility, target price and contacts included."""
    if viewer.is_platform_admin:
        return MATCH_ALL
    return (
        Q(**{f"{prefix}owner_id__in": viewer.enterprise_ids})
        | Q(**{f"{prefix}owner__cluster_id__in": viewer.operator_cluster_ids})
        | Q(**{f"{prefix}shares__enterprise_id__in": viewer.enterprise_ids})
    )


def demand_visible_q(viewer: Viewer, prefix: str = "") -> Q:
    """Demands (or rows reached through `prefix`) the viewer may see at all: the one rule every
    reader of demands applies."""
    listed = Q(
        **{
            f"{prefix}status__in": LISTED_STATUSES,
            f"{prefix}owner__cluster_status": ClusterStatus.APPROVED,
        }
    )
    public = listed & Q(**{f"{prefix}visibility": Visibility.PUBLIC})
    if not viewer.is_authenticated:
        return public
    cluster = listed & Q(
        **{
            f"{prefix}visibility": Visibility.CLUSTER,
            f"{prefix}owner__cluster_id__in": viewer.member_cluster_ids
            | viewer.operator_cluster_ids,
        }
    )
    return public | cluster | demand_private_q(viewer, prefix)


def offer_visible_q(viewer: Viewer) -> Q:
    """Offers the viewer may see: open public ones, and open cluster ones of the viewer's own
    clusters, of approved firms only (a firm awaiting approval advertises to nobody: cheap
    capacity from an unvetted firm is how a stranger would fish for private orders); every offer
    to its owner's members and its cluster's operators."""
    listed = Q(status=Offer.Status.OPEN, owner__cluster_status=ClusterStatus.APPROVED)
    public = listed & Q(visibility=Visibility.PUBLIC)
    if not viewer.is_authenticated:
        return public
    cluster = listed & Q(
        visibility=Visibility.CLUSTER,
        owner__cluster_id__in=viewer.member_cluster_ids | viewer.operator_cluster_ids,
    )
    return public | cluster | viewer.private_enterprise_q(prefix="owner__")


def may_see_demand(viewer: Viewer, demand: Demand) -> bool:
    """`demand_visible_q` for one demand."""
    return Demand.objects.filter(demand_visible_q(viewer)).filter(pk=demand.pk).exists()


def may_see_demand_private(viewer: Viewer, demand: Demand) -> bool:
    """Whether the viewer may see the target price and the owner's contacts (`demand_private_q`
    for one demand)."""
    return Demand.objects.filter(demand_private_q(viewer)).filter(pk=demand.pk).exists()


def may_manage_demand(viewer: Viewer, demand: Demand) -> bool:
    """The owner's members and the owner cluster's operators (and the admin)."""
    return viewer.may_see_private_of(demand.owner_id, demand.owner.cluster_id)


def access_demand_owner(viewer: Viewer, owner_id: int | None) -> Enterprise:
    """The firm a demand is posted for: one whose demands the viewer manages (a member's own firm
    when he names none and has one). ApplicationError on `owner_id` otherwise, with the same
    message whether the firm does not exist or is not his, so a body never confirms a firm."""
    errors = FieldErrors()
    if owner_id is None and len(viewer.enterprise_ids) == 1:
        owner_id = next(iter(viewer.enterprise_ids))
    if owner_id is None:
        errors.add("owner_id", _("Say which of your firms this is for."))
        errors.raise_if_any()
        raise AssertionError("unreachable")
    firm = Enterprise.objects.select_related("cluster").filter(pk=owner_id).first()
    if firm is None or not viewer.may_see_private_of(firm.pk, firm.cluster_id):
        errors.add("owner_id", _("You can only post for a firm you are a member of."))
        errors.raise_if_any()
    assert firm is not None
    return firm


def access_demand_change(viewer: Viewer, demand_id: int) -> Demand:
    """A demand the viewer may change: NotFoundError when he may not see it, PermissionError_
    (403: he sees it) when he does not manage it."""
    demand = access_demand(viewer, demand_id)
    if not may_manage_demand(viewer, demand):
        raise PermissionError_(
            _("Only the firm that posted this demand and its cluster's operators may change it.")
        )
    return demand


def access_demand(viewer: Viewer, demand_id: int) -> Demand:
    """The demand if the viewer may see it; NotFoundError otherwise (never a 403)."""
    demand = (
        Demand.objects.filter(demand_visible_q(viewer))
        .select_related("owner", "owner__cluster", "category")
        .filter(pk=demand_id)
        .first()
    )
    if demand is None:
        raise NotFoundError()
    return demand


# ---- quotes ----------------------------------------------------------------------------------


def _refuse_unapproved(firm: Enterprise, field: str) -> None:
    if not is_cluster_member(firm):
        raise ApplicationError(
            _("This firm's membership of its cluster awaits an operator's approval."),
            details={field: [str(_("Choose an approved member of a cluster."))]},
        )


def access_quote_request(viewer: Viewer, demand: Demand, factory_id: int) -> Enterprise:
    """The firm the viewer asks for a quote on `demand` (a demand he may see). Only the owner's
    members ask (NotFoundError for anyone else, as for a demand they may not change); the firm must
    be one the viewer may see (NotFoundError, exactly as for a missing firm), an approved member
    of its cluster and not the owner (ApplicationError)."""
    if not viewer.is_member_of(demand.owner_id):
        raise NotFoundError()
    factory = (
        Enterprise.objects.filter(enterprise_visible_q(viewer))
        .select_related("cluster")
        .filter(pk=factory_id)
        .first()
    )
    if factory is None:
        raise NotFoundError()
    if factory.pk == demand.owner_id:
        raise ApplicationError(
            _("A firm cannot quote for its own demand."),
            details={"factory": [str(_("A firm cannot quote for its own demand."))]},
        )
    _refuse_unapproved(factory, "factory")
    return factory


def quoting_firms(viewer: Viewer, demand: Demand) -> list[Enterprise]:
    """The viewer's firms that may quote for `demand` (a demand he may see): approved members of
    their clusters, not the owner."""
    return list(
        Enterprise.objects.filter(
            pk__in=viewer.enterprise_ids, cluster_status=ClusterStatus.APPROVED
        )
        .exclude(pk=demand.owner_id)
        .select_related("cluster")
        .order_by("legal_name", "pk")
    )


def access_quote_submit(viewer: Viewer, demand: Demand, factory_id: int) -> Enterprise:
    """The firm the viewer quotes for: one of `quoting_firms`. His own demand's owner is an
    ApplicationError on `factory`; any other id is NotFoundError."""
    if not may_see_demand(viewer, demand):
        raise NotFoundError()
    if factory_id == demand.owner_id and viewer.is_member_of(factory_id):
        raise ApplicationError(
            _("A firm cannot quote for its own demand."),
            details={"factory": [str(_("A firm cannot quote for its own demand."))]},
        )
    for firm in quoting_firms(viewer, demand):
        if firm.pk == factory_id:
            return firm
    raise NotFoundError()


# ---- sharing ---------------------------------------------------------------------------------


def access_demand_share(viewer: Viewer, enterprise_id: int) -> Enterprise:
    """A firm the viewer may share a demand with: one he may see; NotFoundError otherwise, the
    same as for a missing firm."""
    firm = (
        Enterprise.objects.filter(enterprise_visible_q(viewer))
        .select_related("cluster")
        .filter(pk=enterprise_id)
        .first()
    )
    if firm is None:
        raise NotFoundError()
    return firm
