"""The market's API: demands (with sharing) and offers. Access is decided by the selectors; target
and unit prices and the owner's contacts are filled only for those who may see them."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Status
from ninja.pagination import paginate
from ninja.params import functions as param_functions

from clusterlink.accounts.access import Viewer, viewer_for
from clusterlink.accounts.tokens import AUTH_OPTIONAL, AUTH_REQUIRED
from clusterlink.common.errors import NotFoundError
from clusterlink.common.schemas import ERROR_STATUSES, MAX_ID, ApiPagination, ErrorOut
from clusterlink.common.validation import FieldErrors
from clusterlink.directory.models import Enterprise
from clusterlink.market import access, selectors, services
from clusterlink.market.models import Demand, Offer
from clusterlink.market.schemas import (
    DemandDetailOut,
    DemandIn,
    DemandOut,
    DemandPatch,
    DemandQuery,
    DemandShareIn,
    DemandShareOut,
    OfferIn,
    OfferOut,
    OfferQuery,
)

router = Router(tags=["market"], auth=AUTH_OPTIONAL)

ERRORS: dict[Any, Any] = {ERROR_STATUSES: ErrorOut}
ObjectId: Any = param_functions.Path(..., ge=1, le=MAX_ID)


def _viewer(request: HttpRequest) -> Viewer:
    return viewer_for(request.user)


def _acting_owner(viewer: Viewer, owner_id: int | None) -> Enterprise:
    """The firm the user posts for: one they are a member of. The same message whether the firm
    does not exist or is not theirs, so that a body never confirms another firm's existence."""
    errors = FieldErrors()
    if owner_id is None and len(viewer.enterprise_ids) == 1:
        owner_id = next(iter(viewer.enterprise_ids))
    if owner_id is None:
        errors.add("owner_id", _("Say which of your firms this is for."))
    elif owner_id not in viewer.enterprise_ids:
        errors.add("owner_id", _("You can only post for a firm you are a member of."))
    if owner_id is None or errors:
        errors.raise_if_any()
        raise AssertionError("unreachable")
    return Enterprise.objects.select_related("cluster").get(pk=owner_id)


# ---- demands ------------------------------------------------------------------------------------


def _demand_detail(viewer: Viewer, demand_id: int) -> dict[str, Any]:
    demand = (
        selectors.demand_list_with_privacy(viewer=viewer)
        .prefetch_related("required_processes", "required_certifications")
        .filter(pk=demand_id)
        .first()
    )
    if demand is None:
        raise NotFoundError()
    owner = demand.owner
    manages = access.may_manage_demand(viewer, demand)
    shared_with = None
    if manages:
        shares = demand.shares.select_related("enterprise").order_by(
            "enterprise__legal_name", "enterprise_id"
        )
        shared_with = [{"id": s.enterprise_id, "name": s.enterprise.display_name} for s in shares]
    return {
        **DemandOut.from_orm(demand).model_dump(),
        "owner_contacts": (
            {
                "contact_name": owner.contact_name,
                "contact_phone": owner.contact_phone,
                "contact_email": owner.contact_email,
            }
            if demand.sees_private  # type: ignore[attr-defined]
            else None
        ),
        "shared_with": shared_with,
        "may_edit": manages,
    }


def _editable_demand(viewer: Viewer, demand_id: int) -> Demand:
    """A demand the viewer may see (404 otherwise) and manage (403 otherwise)."""
    return access.access_demand_change(viewer, demand_id)


@router.get("/demands", response={200: list[DemandOut], **ERRORS}, summary="Demands you may see")
@paginate(ApiPagination)
def demand_list(request: HttpRequest, filters: Query[DemandQuery]) -> QuerySet[Demand]:
    """Public open demands for everyone; cluster demands for members and operators of the owner's
    cluster; every demand of your own firms, of the clusters you operate, and those shared with you.
    Newest first."""
    wanted = selectors.DemandFilters(**filters.model_dump())
    return selectors.demand_list_with_privacy(
        viewer=_viewer(request), filters=wanted
    ).prefetch_related("required_processes", "required_certifications")


@router.post(
    "/demands",
    response={201: DemandDetailOut, **ERRORS},
    auth=AUTH_REQUIRED,
    summary="Post a demand",
)
def demand_create(request: HttpRequest, payload: DemandIn) -> Status[dict[str, Any]]:
    viewer = _viewer(request)
    fields = payload.model_dump()
    owner = access.access_demand_owner(viewer, fields.pop("owner_id"))
    demand = services.demand_create(owner=owner, created_by=request.user, **fields)
    return Status(201, _demand_detail(viewer, demand.pk))


@router.get("/demands/{demand_id}", response={200: DemandDetailOut, **ERRORS}, summary="One demand")
def demand_detail(request: HttpRequest, demand_id: int = ObjectId) -> dict[str, Any]:
    return _demand_detail(_viewer(request), demand_id)


@router.patch(
    "/demands/{demand_id}",
    response={200: DemandDetailOut, **ERRORS},
    auth=AUTH_REQUIRED,
    summary="Change a demand",
)
def demand_update(
    request: HttpRequest, payload: DemandPatch, demand_id: int = ObjectId
) -> dict[str, Any]:
    """Members of the owner firm. Only the fields sent change; null clears an optional field."""
    viewer = _viewer(request)
    demand = _editable_demand(viewer, demand_id)
    changes = payload.model_dump(exclude_unset=True)
    for name in (
        "demand_type",
        "title",
        "split_allowed",
        "max_factories",
        "visibility",
        "status",
        "min_lot_pairs",
    ):
        if name in changes and changes[name] is None:
            del changes[name]  # not nullable: null means "unchanged"
    for name in ("description",):
        if name in changes and changes[name] is None:
            changes[name] = ""
    if "category" in changes and changes["category"] is None:
        changes["category"] = ""  # demand_update reads None as "unchanged" and "" as "no category"
    services.demand_update(demand=demand, **changes)
    return _demand_detail(viewer, demand_id)


@router.post(
    "/demands/{demand_id}/shares",
    response={201: DemandShareOut, **ERRORS},
    auth=AUTH_REQUIRED,
    summary="Share a demand with a firm",
)
def demand_share(
    request: HttpRequest, payload: DemandShareIn, demand_id: int = ObjectId
) -> Status[dict[str, Any]]:
    """Members of the owner firm let another firm see the demand in full (idempotent)."""
    viewer = _viewer(request)
    demand = _editable_demand(viewer, demand_id)
    try:
        enterprise = access.access_demand_share(viewer, payload.enterprise_id)
    except NotFoundError:
        errors = FieldErrors()
        errors.add("enterprise_id", _("Unknown enterprise."))
        errors.raise_if_any()
        raise
    share = services.demand_share(demand=demand, enterprise=enterprise)
    return Status(
        201,
        {
            "enterprise": {"id": enterprise.pk, "name": enterprise.display_name},
            "reason": share.reason,
            "created_at": share.created_at,
        },
    )


@router.delete(
    "/demands/{demand_id}/shares/{enterprise_id}",
    response={204: None, **ERRORS},
    auth=AUTH_REQUIRED,
    summary="Stop sharing a demand with a firm",
)
def demand_unshare(
    request: HttpRequest, demand_id: int = ObjectId, enterprise_id: int = ObjectId
) -> Status[None]:
    """Members of the owner firm take back a share they made. A share made by a match run goes
    when its proposal is declined or lapses; it is answered 404 here, like a firm never shared."""
    demand = _editable_demand(_viewer(request), demand_id)
    services.demand_unshare(demand=demand, enterprise_id=enterprise_id)
    return Status(204, None)


# ---- offers -------------------------------------------------------------------------------------


@router.get("/offers", response={200: list[OfferOut], **ERRORS}, summary="Offers you may see")
@paginate(ApiPagination)
def offer_list(request: HttpRequest, filters: Query[OfferQuery]) -> QuerySet[Offer]:
    return selectors.offer_list(
        viewer=_viewer(request), offer_type=filters.offer_type
    ).select_related("owner__cluster")


@router.get("/offers/{offer_id}", response={200: OfferOut, **ERRORS}, summary="One offer")
def offer_detail(request: HttpRequest, offer_id: int = ObjectId) -> Offer:
    return selectors.offer_get_for(_viewer(request), offer_id)


@router.post(
    "/offers", response={201: OfferOut, **ERRORS}, auth=AUTH_REQUIRED, summary="Make an offer"
)
def offer_create(request: HttpRequest, payload: OfferIn) -> Status[Offer]:
    viewer = _viewer(request)
    fields = payload.model_dump()
    owner = _acting_owner(viewer, fields.pop("owner_id"))
    offer = services.offer_create(owner=owner, created_by=request.user, **fields)
    return Status(201, selectors.offer_get_for(viewer, offer.pk))
