"""Market pages: the demand board, demand and offer details, posting an offer.

Thin views: parse the request, call a selector or service, render. Rows the user may not see are
answered 404 (the selectors raise NotFoundError), never 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clusterlink.accounts.access import viewer_for
from clusterlink.common.errors import ApplicationError, NotFoundError
from clusterlink.directory.selectors import (
    cluster_list,
    enterprise_get_for,
    enterprise_list_member_of,
)
from clusterlink.market.access import may_manage_demand
from clusterlink.market.forms import DemandFilterForm, OfferForm
from clusterlink.market.models import Demand, Offer
from clusterlink.market.selectors import (
    DemandFilters,
    demand_get_for,
    demand_list,
    demand_sees_private,
    offer_get_for,
    offer_list,
    offer_sees_private,
)
from clusterlink.market.services import offer_create

PAGE_SIZE = 20


def _page(request: HttpRequest, items: Any) -> Any:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def demand_board(request: HttpRequest) -> HttpResponse:
    """Open demands the visitor may see (anonymous visitors: public ones), filtered and paged."""
    viewer = viewer_for(request.user)
    form = DemandFilterForm(
        request.GET or None, cluster_choices=[(c.slug, c.name) for c in cluster_list()]
    )
    filters = DemandFilters(
        demand_type=form.value("demand_type"),
        category=form.value("category"),
        cluster=form.value("cluster"),
        status=Demand.Status.OPEN,
        q=form.value("q"),
    )
    page = _page(request, demand_list(viewer=viewer, filters=filters))
    context = {
        "form": form,
        "page": page,
        "query": _query_without_page(request),
        "filters_active": any([filters.demand_type, filters.category, filters.cluster]),
    }
    template = (
        "market/_demand_results.html"
        if request.headers.get("HX-Request")
        else "market/demand_board.html"
    )
    return render(request, template, context)


def demand_detail(request: HttpRequest, demand_id: int) -> HttpResponse:
    viewer = viewer_for(request.user)
    try:
        demand = demand_get_for(viewer, demand_id)
    except NotFoundError as exc:
        raise Http404 from exc
    sees_private = demand_sees_private(viewer, demand)
    context = {
        "demand": demand,
        "sees_private": sees_private,
        "may_edit": may_manage_demand(viewer, demand),
        "owner": demand.owner,
    }
    return render(request, "market/demand_detail.html", context)


@login_required
def demand_create_start(request: HttpRequest) -> HttpResponse:
    """'Post a demand' from the board: straight to the user's firm's form, or pick a firm."""
    firms = list(enterprise_list_member_of(viewer=viewer_for(request.user)))
    if len(firms) == 1:
        return redirect("mine:demand_create", enterprise_id=firms[0].pk)
    return render(
        request, "market/pick_firm.html", {"firms": firms, "next_name": "mine:demand_create"}
    )


def offer_list_view(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    offer_type = request.GET.get("offer_type") or None
    if offer_type not in Offer.OfferType.values:
        offer_type = None
    page = _page(request, offer_list(viewer=viewer, offer_type=offer_type))
    context = {
        "page": page,
        "offer_type": offer_type,
        "offer_types": Offer.OfferType.choices,
        "query": _query_without_page(request),
    }
    return render(request, "market/offer_list.html", context)


def offer_detail(request: HttpRequest, offer_id: int) -> HttpResponse:
    viewer = viewer_for(request.user)
    try:
        offer = offer_get_for(viewer, offer_id)
    except NotFoundError as exc:
        raise Http404 from exc
    return render(
        request,
        "market/offer_detail.html",
        {"offer": offer, "sees_private": offer_sees_private(viewer, offer)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def offer_create_view(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    firms = list(enterprise_list_member_of(viewer=viewer))
    if not firms:
        return render(request, "market/pick_firm.html", {"firms": [], "next_name": None})
    form = OfferForm(
        request.POST or None, owner_choices=[(str(f.pk), f.display_name) for f in firms]
    )
    if request.method == "POST" and form.is_valid():
        try:
            owner = enterprise_get_for(viewer, int(form.cleaned_data["owner"]))
            offer = offer_create(owner=owner, created_by=request.user, **form.service_arguments())
        except NotFoundError as exc:
            raise Http404 from exc
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Your offer is posted."))
            return redirect(reverse("market:offer_detail", args=[offer.pk]))
    status = 400 if request.method == "POST" else 200
    return render(request, "market/offer_form.html", {"form": form}, status=status)
