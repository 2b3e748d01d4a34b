"""The directory's API: clusters, taxonomy, enterprises and their capacity calendar.

Thin: parse, call a selector or service, shape the answer. Access is decided by the selectors;
private fields are filled only when the Viewer may see them.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.decorators import decorate_view
from ninja.pagination import paginate
from ninja.params import functions as param_functions

from clusterlink.accounts.access import Viewer, viewer_for
from clusterlink.accounts.tokens import AUTH_OPTIONAL, AUTH_REQUIRED
from clusterlink.common.schemas import ERROR_STATUSES, MAX_ID, ApiPagination, ErrorOut
from clusterlink.directory import selectors, services
from clusterlink.directory.models import (
    CapacityWeek,
    Certification,
    Cluster,
    Enterprise,
    Process,
)
from clusterlink.directory.public_cache import public_cached
from clusterlink.directory.schemas import (
    CapacityQuery,
    CapacitySaveIn,
    CapacityWeekOut,
    ClusterDetailOut,
    ClusterOut,
    EnterpriseIn,
    EnterpriseListOut,
    EnterpriseOut,
    EnterprisePatch,
    EnterpriseQuery,
    MembershipAskIn,
    MembershipDecisionIn,
    MembershipRequestOut,
    TaxonomyOut,
    TradeQuery,
    TradeTaxonomyOut,
)

router = Router(tags=["directory"], auth=AUTH_OPTIONAL)

ERRORS: dict[Any, Any] = {ERROR_STATUSES: ErrorOut}
EnterpriseId: Any = param_functions.Path(..., ge=1, le=MAX_ID)
Slug: Any = param_functions.Path(..., max_length=60, pattern=r"^[-a-zA-Z0-9_]+$")


def _viewer(request: HttpRequest) -> Viewer:
    return viewer_for(request.user)


# ---- clusters and taxonomy ----------------------------------------------------------------------


@router.get("/clusters", response={200: list[ClusterOut], **ERRORS}, summary="List clusters")
@paginate(ApiPagination)
def cluster_list(request: HttpRequest) -> QuerySet[Cluster]:
    return selectors.cluster_list().order_by("slug")


@router.get(
    "/clusters/{slug}",
    response={200: ClusterDetailOut, **ERRORS},
    summary="One cluster with live directory figures",
)
def cluster_detail(request: HttpRequest, slug: str = Slug) -> dict[str, Any]:
    cluster = selectors.cluster_get(slug=slug)
    return {
        **ClusterOut.from_orm(cluster).model_dump(),
        **selectors.cluster_headline(cluster=cluster),
    }


@router.get(
    "/taxonomy/categories",
    response={200: list[TradeTaxonomyOut], **ERRORS},
    summary="Product categories",
)
def category_list(request: HttpRequest, filters: Query[TradeQuery]) -> QuerySet[Any]:
    return selectors.category_list(trade=filters.trade)


@router.get(
    "/taxonomy/processes",
    response={200: list[TradeTaxonomyOut], **ERRORS},
    summary="Processes and technical capabilities",
)
def process_list(request: HttpRequest, filters: Query[TradeQuery]) -> QuerySet[Any]:
    qs = Process.objects.all()
    return qs.filter(trade=filters.trade) if filters.trade else qs


@router.get(
    "/taxonomy/certifications",
    response={200: list[TaxonomyOut], **ERRORS},
    summary="Certifications",
)
def certification_list(request: HttpRequest) -> QuerySet[Any]:
    return Certification.objects.order_by("code")


# ---- enterprises --------------------------------------------------------------------------------


def enterprise_out(enterprise: Enterprise, viewer: Viewer) -> dict[str, Any]:
    """Public fields for everyone who may see the firm; contacts only for those who may see its
    private data."""
    sees_private = viewer.may_see_private_of(enterprise.pk, enterprise.cluster_id)
    return {
        **EnterpriseListOut.model_validate(selectors.enterprise_row(enterprise)).model_dump(),
        "credit_code": enterprise.credit_code,
        "lat": enterprise.lat,
        "lng": enterprise.lng,
        "description": enterprise.description,
        "website": enterprise.website,
        "is_listed": enterprise.is_listed,
        "certifications": [c.code for c in enterprise.certifications.all()],
        "categories": [c.code for c in enterprise.categories.all()],
        "processes": [p.code for p in enterprise.processes.all()],
        "contacts": (
            {
                "contact_name": enterprise.contact_name,
                "contact_phone": enterprise.contact_phone,
                "contact_email": enterprise.contact_email,
            }
            if sees_private
            else None
        ),
        "may_edit": viewer.may_edit_enterprise(enterprise.pk, enterprise.cluster_id),
        "membership": (
            {
                "status": enterprise.cluster_status,
                "note": enterprise.cluster_request_note,
                "reason": enterprise.cluster_review_reason,
                "reviewed_at": enterprise.cluster_reviewed_at,
            }
            if sees_private
            else None
        ),
    }


@router.get(
    "/enterprises",
    response={200: list[EnterpriseListOut], **ERRORS},
    summary="Search the directory",
)
@paginate(ApiPagination)
@decorate_view(public_cached)
def enterprise_list(
    request: HttpRequest, filters: Query[EnterpriseQuery]
) -> QuerySet[Enterprise, dict[str, Any]]:
    """Firms you may see, filtered; ordered by legal name then id. The capacity filter only
    considers capacity you may see."""
    wanted = selectors.EnterpriseFilters(**filters.model_dump())
    firms = selectors.enterprise_list(viewer=_viewer(request), filters=wanted)
    return selectors.enterprise_rows(firms)


@router.post(
    "/enterprises",
    response={201: EnterpriseOut, **ERRORS},
    auth=AUTH_REQUIRED,
    summary="Register a firm",
)
def enterprise_create(request: HttpRequest, payload: EnterpriseIn) -> Status[dict[str, Any]]:
    """An operator of the cluster adds a firm to the directory; anyone else registers their own
    firm and becomes its owner."""
    fields = payload.model_dump()
    enterprise = services.enterprise_register(
        user=request.user, viewer=_viewer(request), cluster_slug=fields.pop("cluster"), **fields
    )
    # Membership may have changed: build the viewer afresh.
    request.user._clusterlink_viewer = None  # type: ignore[union-attr]
    viewer = _viewer(request)
    return Status(201, enterprise_out(selectors.enterprise_get_for(viewer, enterprise.pk), viewer))


@router.get(
    "/enterprises/{enterprise_id}", response={200: EnterpriseOut, **ERRORS}, summary="One firm"
)
def enterprise_detail(request: HttpRequest, enterprise_id: int = EnterpriseId) -> dict[str, Any]:
    viewer = _viewer(request)
    return enterprise_out(selectors.enterprise_get_for(viewer, enterprise_id), viewer)


@router.patch(
    "/enterprises/{enterprise_id}",
    response={200: EnterpriseOut, **ERRORS},
    auth=AUTH_REQUIRED,
    summary="Change a firm's profile",
)
def enterprise_update(
    request: HttpRequest, payload: EnterprisePatch, enterprise_id: int = EnterpriseId
) -> dict[str, Any]:
    """Owners of the firm and operators of its cluster. Only the fields sent change."""
    viewer = _viewer(request)
    enterprise = selectors.enterprise_get_editable(viewer, enterprise_id)
    changes = payload.model_dump(exclude_unset=True)
    for name in (
        "legal_name",
        "name_en",
        "credit_code",
        "address",
        "description",
        "website",
        "contact_name",
        "contact_phone",
        "contact_email",
    ):
        if name in changes and changes[name] is None:
            changes[name] = ""
    if changes.get("is_listed", True) is None:
        del changes["is_listed"]
    services.enterprise_update(viewer=viewer, enterprise=enterprise, **changes)
    return enterprise_out(selectors.enterprise_get_for(viewer, enterprise_id), viewer)


# ---- cluster membership -------------------------------------------------------------------------


@router.get(
    "/membership-requests",
    response={200: list[MembershipRequestOut], **ERRORS},
    auth=AUTH_REQUIRED,
    summary="Firms asking to join your clusters",
)
@paginate(ApiPagination)
def membership_request_list(request: HttpRequest) -> QuerySet[Enterprise]:
    """Firms waiting for your decision (operators of their cluster; the platform admin for firms
    without one), oldest first, with the credit code, address and contacts they gave. Empty for
    everyone else."""
    return selectors.membership_request_list(viewer=_viewer(request))


@router.post(
    "/enterprises/{enterprise_id}/membership/decision",
    response={200: EnterpriseOut, **ERRORS},
    auth=AUTH_REQUIRED,
    summary="Approve or reject a firm's membership",
)
def membership_decide(
    request: HttpRequest, payload: MembershipDecisionIn, enterprise_id: int = EnterpriseId
) -> dict[str, Any]:
    """Operators of the firm's cluster; a rejection needs a reason. 409 once decided."""
    viewer = _viewer(request)
    services.enterprise_membership_review(
        viewer=viewer,
        actor=request.user,
        enterprise_id=enterprise_id,
        approve=payload.approve,
        reason=payload.reason,
    )
    return enterprise_out(selectors.enterprise_get_for(viewer, enterprise_id), viewer)


@router.post(
    "/enterprises/{enterprise_id}/membership/request",
    response={200: EnterpriseOut, **ERRORS},
    auth=AUTH_REQUIRED,
    summary="Ask again for your firm to join its cluster",
)
def membership_ask(
    request: HttpRequest, payload: MembershipAskIn, enterprise_id: int = EnterpriseId
) -> dict[str, Any]:
    """The firm's owners, after a rejection; 409 when the firm is already a member."""
    viewer = _viewer(request)
    services.enterprise_membership_request(
        viewer=viewer, enterprise_id=enterprise_id, note=payload.note
    )
    return enterprise_out(selectors.enterprise_get_for(viewer, enterprise_id), viewer)


# ---- capacity -----------------------------------------------------------------------------------


@router.get(
    "/enterprises/{enterprise_id}/capacity",
    response={200: list[CapacityWeekOut], **ERRORS},
    summary="A factory's capacity calendar",
)
@paginate(ApiPagination)
def capacity_list(
    request: HttpRequest, filters: Query[CapacityQuery], enterprise_id: int = EnterpriseId
) -> QuerySet[CapacityWeek]:
    """Members of the firm and operators of its cluster; 404 for everyone else."""
    viewer = _viewer(request)
    selectors.enterprise_private_get_for(viewer, enterprise_id)
    return selectors.capacity_week_list(
        viewer=viewer,
        enterprise_id=enterprise_id,
        week_from=filters.week_from,
        week_to=filters.week_to,
    )


@router.put(
    "/enterprises/{enterprise_id}/capacity",
    response={200: list[CapacityWeekOut], **ERRORS},
    auth=AUTH_REQUIRED,
    summary="Save capacity cells",
)
def capacity_save(
    request: HttpRequest, payload: CapacitySaveIn, enterprise_id: int = EnterpriseId
) -> list[CapacityWeek]:
    """Create or update cells (category × week). All or nothing: every invalid cell is reported
    under 'category@week.field' and nothing is written. Members of the firm and operators of its
    cluster."""
    viewer = _viewer(request)
    enterprise = selectors.enterprise_private_get_for(viewer, enterprise_id)
    cells = [services.CapacityCell(**cell.model_dump()) for cell in payload.cells]
    rows = services.capacity_weeks_save(enterprise=enterprise, cells=cells)
    return sorted(rows, key=lambda row: (row.category.position, row.category.code, row.week))
