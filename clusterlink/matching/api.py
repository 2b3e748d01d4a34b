"""The matching API: match runs (operators), proposals (brand, factory, operators), quotes.
Same access rules as the pages (matching.access, called by the selectors and services):
what the caller may not see is 404."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from ninja.params import functions as param_functions

from clusterlink.accounts.access import Viewer, viewer_for
from clusterlink.accounts.tokens import AUTH_REQUIRED
from clusterlink.common.errors import NotFoundError
from clusterlink.common.schemas import ERROR_STATUSES, MAX_ID, ApiPagination, ErrorOut
from clusterlink.common.validation import FieldErrors
from clusterlink.directory.models import Cluster, Enterprise
from clusterlink.market import selectors as market_selectors
from clusterlink.market import services as market_services
from clusterlink.market.models import Quote
from clusterlink.matching import selectors, services
from clusterlink.matching.models import MatchRun, Proposal
from clusterlink.matching.schemas import (
    MatchRunIn,
    MatchRunOut,
    ProposalDecisionIn,
    ProposalOut,
    QuoteIn,
    QuoteOut,
    QuoteRequestIn,
)

router = Router(tags=["matching"], auth=AUTH_REQUIRED)

ERRORS: dict[Any, Any] = {ERROR_STATUSES: ErrorOut}
ObjectId: Any = param_functions.Path(..., ge=1, le=MAX_ID)


def _viewer(request: HttpRequest) -> Viewer:
    return viewer_for(request.user)


class ProposalQuery(Schema):
    side: str | None = None
    run_id: int | None = None


@router.get("/matching/runs", response={200: list[MatchRunOut], **ERRORS}, summary="Match runs")
@paginate(ApiPagination)
def run_list(request: HttpRequest) -> QuerySet[MatchRun]:
    """Runs of the clusters you operate (all for the platform admin), newest first."""
    return selectors.run_list(viewer=_viewer(request))


@router.post("/matching/runs", response={201: MatchRunOut, **ERRORS}, summary="Start a match run")
def run_start(request: HttpRequest, payload: MatchRunIn) -> Status[MatchRun]:
    """Queues a run; poll GET /matching/runs/{id} for progress (bound and best plan)."""
    viewer = _viewer(request)
    fields = payload.model_dump()
    cluster_id = fields.pop("cluster_id")
    cluster = Cluster.objects.filter(pk=cluster_id).first() if cluster_id else None
    if cluster_id and cluster is None:
        errors = FieldErrors()
        errors.add("cluster", _("Choose a cluster you operate."))
        errors.raise_if_any()
    run = services.match_run_start(operator=request.user, viewer=viewer, cluster=cluster, **fields)
    return Status(201, run)


@router.get("/matching/runs/{run_id}", response={200: MatchRunOut, **ERRORS}, summary="One run")
def run_detail(request: HttpRequest, run_id: int = ObjectId) -> MatchRun:
    return selectors.run_get_for(_viewer(request), run_id)


@router.post(
    "/matching/runs/{run_id}/cancel", response={200: MatchRunOut, **ERRORS}, summary="Cancel"
)
def run_cancel(request: HttpRequest, run_id: int = ObjectId) -> MatchRun:
    viewer = _viewer(request)
    run = selectors.run_get_for(viewer, run_id)
    return services.match_run_cancel(actor=request.user, viewer=viewer, run=run)


@router.post(
    "/matching/runs/{run_id}/repair",
    response={201: MatchRunOut, **ERRORS},
    summary="Repair run keeping accepted placements",
)
def run_repair(request: HttpRequest, run_id: int = ObjectId) -> Status[MatchRun]:
    viewer = _viewer(request)
    run = selectors.run_get_for(viewer, run_id)
    return Status(
        201, services.match_run_repair_start(operator=request.user, viewer=viewer, run=run)
    )


@router.get("/matching/proposals", response={200: list[ProposalOut], **ERRORS}, summary="Proposals")
@paginate(ApiPagination)
def proposal_list(request: HttpRequest, filters: Query[ProposalQuery]) -> QuerySet[Proposal]:
    """Proposals for your orders (side=brand), to your factories (side=factory), or all you
    may see (operators: those of your clusters)."""
    viewer = _viewer(request)
    qs = selectors.proposal_list(viewer=viewer, side=filters.side)
    if filters.run_id is not None:
        qs = qs.filter(run_id=filters.run_id)
    return qs.prefetch_related("placements")


@router.get(
    "/matching/proposals/{proposal_id}", response={200: ProposalOut, **ERRORS}, summary="One"
)
def proposal_detail(request: HttpRequest, proposal_id: int = ObjectId) -> Proposal:
    return selectors.proposal_get_for(_viewer(request), proposal_id)


@router.post(
    "/matching/proposals/{proposal_id}/decision",
    response={200: ProposalOut, **ERRORS},
    summary="Accept or decline a proposal",
)
def proposal_decide(
    request: HttpRequest, payload: ProposalDecisionIn, proposal_id: int = ObjectId
) -> Proposal:
    """As the brand (members of the order's firm) or the factory. When both accepted, the
    factory's weeks are reserved and an agreement is created; 409 lists every short week."""
    viewer = _viewer(request)
    proposal = selectors.proposal_get_for(viewer, proposal_id)
    services.proposal_decide(
        actor=request.user,
        viewer=viewer,
        proposal=proposal,
        side=payload.side,
        accept=payload.accept,
    )
    return selectors.proposal_get_for(viewer, proposal_id)


@router.get(
    "/matching/demands/{demand_id}/quotes",
    response={200: list[QuoteOut], **ERRORS},
    summary="Quotes of a demand",
)
def quote_list(request: HttpRequest, demand_id: int = ObjectId) -> list[Quote]:
    """The brand and operators see every quote; a factory sees its own."""
    viewer = _viewer(request)
    demand = market_selectors.demand_get_for(viewer, demand_id)
    return list(market_selectors.quote_list(viewer=viewer, demand=demand))


def _member_firm(viewer: Viewer, firm_id: int, field: str) -> Enterprise:
    firm = selectors.own_firm_for(viewer, firm_id)
    if firm is None:
        errors = FieldErrors()
        errors.add(field, _("Choose one of your firms."))
        errors.raise_if_any()
        raise AssertionError("unreachable")
    return firm


@router.post(
    "/matching/demands/{demand_id}/quotes",
    response={201: QuoteOut, **ERRORS},
    summary="Answer a demand with a quote",
)
def quote_submit(
    request: HttpRequest, payload: QuoteIn, demand_id: int = ObjectId
) -> Status[Quote]:
    viewer = _viewer(request)
    demand = market_selectors.demand_get_for(viewer, demand_id)
    factory = _member_firm(viewer, payload.factory_id, "factory_id")
    quote = market_services.quote_submit(
        actor=request.user,
        demand=demand,
        factory=factory,
        unit_price_rmb=payload.unit_price_rmb,
        weeks=payload.weeks,
        conditions=payload.conditions,
    )
    return Status(201, quote)


@router.post(
    "/matching/demands/{demand_id}/quote-requests",
    response={201: QuoteOut, **ERRORS},
    summary="Ask a factory for a quote",
)
def quote_request(
    request: HttpRequest, payload: QuoteRequestIn, demand_id: int = ObjectId
) -> Status[Quote]:
    viewer = _viewer(request)
    demand = market_selectors.demand_get_for(viewer, demand_id)
    if not viewer.is_member_of(demand.owner_id):
        raise NotFoundError()
    # A firm the brand may not see reads exactly like one that does not exist.
    factory = selectors.quote_factory_for(viewer, payload.factory_id)
    if factory is None:
        errors = FieldErrors()
        errors.add("factory_id", _("Unknown enterprise."))
        errors.raise_if_any()
        raise AssertionError("unreachable")
    return Status(
        201, market_services.quote_request(actor=request.user, demand=demand, factory=factory)
    )
