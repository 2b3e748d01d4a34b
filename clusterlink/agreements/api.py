"""The agreements API: list and read agreements you may see, record one, move it along the
pipeline, set a signing ceremony's running order. Access is decided by the selectors: an agreement
you may not see is a 404."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Status
from ninja.pagination import paginate
from ninja.params import functions as param_functions

from clusterlink.accounts.access import Viewer, viewer_for
from clusterlink.accounts.tokens import AUTH_OPTIONAL, AUTH_REQUIRED
from clusterlink.agreements import selectors, services
from clusterlink.agreements.models import Agreement
from clusterlink.agreements.schemas import (
    AgreementDetailOut,
    AgreementIn,
    AgreementOut,
    AgreementQuery,
    RunningOrderIn,
    TransitionIn,
)
from clusterlink.common.errors import NotFoundError
from clusterlink.common.schemas import ERROR_STATUSES, MAX_ID, ApiPagination, ErrorOut
from clusterlink.common.validation import FieldErrors
from clusterlink.directory.models import Enterprise
from clusterlink.market.selectors import demand_get_for

# Reads answer anonymous callers too (an empty list, 404 for any id); writes need a user.
router = Router(tags=["agreements"], auth=AUTH_OPTIONAL)

ERRORS: dict[Any, Any] = {ERROR_STATUSES: ErrorOut}
ObjectId: Any = param_functions.Path(..., ge=1, le=MAX_ID)


def _viewer(request: HttpRequest) -> Viewer:
    return viewer_for(request.user)


def _detail(viewer: Viewer, agreement_id: int) -> dict[str, Any]:
    agreement = selectors.agreement_get_for(viewer, agreement_id)
    source = selectors.agreement_source(agreement)
    return {
        **AgreementOut.from_orm(agreement).model_dump(),
        "history": selectors.agreement_history(agreement),
        "match_run_id": getattr(source["match_run"], "pk", None),
    }


@router.get(
    "/agreements", response={200: list[AgreementOut], **ERRORS}, summary="Agreements you may see"
)
@paginate(ApiPagination)
def agreement_list(request: HttpRequest, filters: Query[AgreementQuery]) -> QuerySet[Agreement]:
    """Agreements of your firms and of the clusters you operate (all for the admin), newest first."""
    return selectors.agreement_list(
        viewer=_viewer(request), filters=selectors.AgreementFilters(**filters.model_dump())
    )


@router.get(
    "/agreements/{agreement_id}",
    response={200: AgreementDetailOut, **ERRORS},
    summary="One agreement with its history",
)
def agreement_detail(request: HttpRequest, agreement_id: int = ObjectId) -> dict[str, Any]:
    return _detail(_viewer(request), agreement_id)


def _firm(viewer: Viewer, enterprise_id: int, field: str, errors: FieldErrors) -> Enterprise | None:
    firm = Enterprise.objects.select_related("cluster").filter(pk=enterprise_id).first()
    if firm is None:
        errors.add(field, _("Unknown enterprise."))
    return firm


@router.post(
    "/agreements",
    response={201: AgreementDetailOut, **ERRORS},
    auth=AUTH_REQUIRED,
    summary="Record a cooperation intention",
)
def agreement_create(request: HttpRequest, payload: AgreementIn) -> Status[dict[str, Any]]:
    """A member of one of the two firms, or an operator of one of their clusters, records an
    intention, optionally at an event, from a meeting or answering a demand."""
    viewer = _viewer(request)
    errors = FieldErrors()
    buyer = _firm(viewer, payload.buyer_id, "buyer_id", errors)
    supplier = _firm(viewer, payload.supplier_id, "supplier_id", errors)
    if (
        buyer
        and supplier
        and not (selectors.may_act_for(viewer, buyer) or selectors.may_act_for(viewer, supplier))
    ):
        errors.add("buyer_id", _("You can only record agreements your firm or cluster is part of."))
    sources: dict[str, Any] = {}
    try:
        if payload.meeting_id is not None:
            sources["meeting"] = selectors.meeting_for_agreements(viewer, payload.meeting_id)
        if payload.event is not None:
            sources["event"] = selectors.event_for_agreements(viewer, payload.event)
    except NotFoundError:
        errors.add("meeting_id" if payload.meeting_id else "event", _("Not found."))
    if payload.demand_id is not None:
        try:
            sources["demand"] = demand_get_for(viewer, payload.demand_id)
        except NotFoundError:
            errors.add("demand_id", _("Not found."))
    errors.raise_if_any()
    assert buyer is not None and supplier is not None
    agreement = services.agreement_create(
        actor=request.user,
        agreement_type=payload.agreement_type,
        buyer=buyer,
        supplier=supplier,
        pairs=payload.pairs,
        amount_rmb=payload.amount_rmb,
        title=payload.title,
        note=payload.note,
        **sources,
    )
    return Status(201, _detail(viewer, agreement.pk))


@router.post(
    "/agreements/{agreement_id}/transitions",
    response={200: AgreementDetailOut, **ERRORS},
    auth=AUTH_REQUIRED,
    summary="Move an agreement along the pipeline",
)
def agreement_transition(
    request: HttpRequest, payload: TransitionIn, agreement_id: int = ObjectId
) -> dict[str, Any]:
    """intention → signed → in_production → delivered; any of the first three → cancelled. An
    illegal move is a 400 with code agreement_illegal_transition."""
    viewer = _viewer(request)
    agreement = selectors.agreement_get_for(viewer, agreement_id)
    services.agreement_transition(
        actor=request.user,
        agreement=agreement,
        to_status=payload.to_status,
        note=payload.note,
        signed_on=payload.signed_on,
    )
    return _detail(viewer, agreement_id)


@router.put(
    "/ceremonies/{session_id}/running-order",
    response={200: list[AgreementOut], **ERRORS},
    auth=AUTH_REQUIRED,
    summary="Set a signing ceremony's running order",
)
def ceremony_running_order(
    request: HttpRequest, payload: RunningOrderIn, session_id: int = ObjectId
) -> list[Agreement]:
    """Operators of the event's clusters. The list replaces the running order."""
    viewer = _viewer(request)
    session = selectors.ceremony_get_for(viewer, session_id)
    visible = set(
        selectors.agreement_list(viewer=viewer)
        .filter(pk__in=payload.agreement_ids)
        .values_list("pk", flat=True)
    )
    hidden = [pk for pk in payload.agreement_ids if pk not in visible]
    if hidden:
        errors = FieldErrors()
        errors.add(
            "agreement_ids",
            _("Not an agreement of this event: %(ids)s") % {"ids": ", ".join(map(str, hidden))},
        )
        errors.raise_if_any()
    services.agreement_ceremony_order(
        actor=request.user, session=session, agreement_ids=payload.agreement_ids
    )
    return selectors.ceremony_running_order(session)


@router.get(
    "/ceremonies/{session_id}/running-order",
    response={200: list[AgreementOut], **ERRORS},
    summary="A signing ceremony's running order",
)
def ceremony_running_order_get(request: HttpRequest, session_id: int = ObjectId) -> list[Agreement]:
    session = selectors.ceremony_get_for(_viewer(request), session_id)
    return selectors.ceremony_running_order(session)
