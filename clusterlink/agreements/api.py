"""The agreements API: list and read agreements you may see, record one, move it along the
pipeline, set a signing ceremony's running order. Endpoints parse, call and render: the services
and selectors decide access through clusterlink.agreements.access (an agreement you may not see
is a 404)."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
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
from clusterlink.common.schemas import ERROR_STATUSES, MAX_ID, ApiPagination, ErrorOut

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
        "confirmations": [
            {
                "to_status": c.to_status,
                "party": c.party,
                "user": str(c.confirmed_by) if c.confirmed_by else "",
                "at_ceremony": c.at_ceremony,
                "signed_on": c.signed_on,
                "at": c.created_at,
            }
            for c in selectors.agreement_confirmations(agreement)
        ],
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


@router.post(
    "/agreements",
    response={201: AgreementDetailOut, **ERRORS},
    auth=AUTH_REQUIRED,
    summary="Record a cooperation intention",
)
def agreement_create(request: HttpRequest, payload: AgreementIn) -> Status[dict[str, Any]]:
    """A member of one of the two firms, or an operator of one of their clusters, records an
    intention, optionally at an event, from a meeting or answering a demand. Both firms must be
    ones you may see and approved members of their clusters; a firm you may not see is answered
    like one that does not exist."""
    agreement = services.agreement_record(
        actor=request.user,
        agreement_type=payload.agreement_type,
        buyer_id=payload.buyer_id,
        supplier_id=payload.supplier_id,
        pairs=payload.pairs,
        amount_rmb=payload.amount_rmb,
        title=payload.title,
        note=payload.note,
        event_slug=payload.event,
        meeting_id=payload.meeting_id,
        demand_id=payload.demand_id,
    )
    return Status(201, _detail(_viewer(request), agreement.pk))


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
    illegal move is a 400 with code agreement_illegal_transition. Signed and delivered are
    confirmed by both parties: the first party's move leaves the agreement in its status with
    `awaiting_status` set and `awaiting_party` naming who must confirm; that party's same move
    makes it. A move that is not yours is a 403."""
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
    session = selectors.ceremony_get_for(_viewer(request), session_id)
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
