"""Quote pages: the brand compares factories' quotes side by side with the engine's
proposals; a factory that may see the demand answers with its price.

Thin views; access by the selectors (404 for what the user may not see).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clusterlink.accounts.access import Viewer, viewer_for
from clusterlink.common.errors import ApplicationError, NotFoundError
from clusterlink.directory.models import Enterprise
from clusterlink.market.forms import QuoteForm
from clusterlink.market.models import Demand
from clusterlink.market.selectors import demand_get_for, quote_list
from clusterlink.market.services import quote_request, quote_submit


def _demand(viewer: Viewer, demand_id: int) -> Demand:
    try:
        return demand_get_for(viewer, demand_id)
    except NotFoundError as exc:
        raise Http404 from exc


def _quoting_firms(viewer: Viewer, demand: Demand) -> list[Enterprise]:
    return list(
        Enterprise.objects.filter(pk__in=viewer.enterprise_ids)
        .exclude(pk=demand.owner_id)
        .order_by("legal_name")
    )


@login_required
@require_http_methods(["GET", "POST"])
def demand_quotes(request: HttpRequest, demand_id: int) -> HttpResponse:
    """GET: the comparison (brand, operators) and the quoting form (factories).
    POST: a factory submits its quote."""
    from clusterlink.matching.selectors import proposal_list

    viewer = viewer_for(request.user)
    demand = _demand(viewer, demand_id)
    manages = viewer.may_see_private_of(demand.owner_id, demand.owner.cluster_id)
    firms = _quoting_firms(viewer, demand)
    form = QuoteForm(
        request.POST or None, factory_choices=[(str(f.pk), f.display_name) for f in firms]
    )
    if request.method == "POST" and firms and form.is_valid():
        factory = next(f for f in firms if str(f.pk) == form.cleaned_data["factory"])
        try:
            quote_submit(
                actor=request.user,
                demand=demand,
                factory=factory,
                unit_price_rmb=form.cleaned_data["unit_price_rmb"],
                weeks=form.cleaned_data["weeks"],
                conditions=form.cleaned_data["conditions"],
            )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Your quote is sent to the brand."))
            return redirect("market:demand_quotes", demand_id=demand.pk)
    quotes = list(quote_list(viewer=viewer, demand=demand))
    proposals = [
        p
        for p in proposal_list(viewer=viewer).filter(demand=demand)
        if p.status in (p.Status.OPEN, p.Status.ACCEPTED)
    ]
    rows: dict[int, dict[str, Any]] = {}
    for p in proposals:
        rows.setdefault(p.factory_id, {"factory": p.factory})["proposal"] = p
    for q in quotes:
        rows.setdefault(q.factory_id, {"factory": q.factory})["quote"] = q
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "market/demand_quotes.html",
        {
            "demand": demand,
            "manages": manages,
            "rows": list(rows.values()),
            "form": form if firms else None,
        },
        status=status,
    )


@login_required
@require_POST
def demand_quote_request(request: HttpRequest, demand_id: int) -> HttpResponse:
    """The brand asks a factory (one the engine proposed, or any listed firm) for a quote."""
    viewer = viewer_for(request.user)
    demand = _demand(viewer, demand_id)
    if not viewer.is_member_of(demand.owner_id):
        raise Http404
    factory = Enterprise.objects.filter(pk=request.POST.get("factory") or 0).first()
    if factory is None:
        raise Http404
    try:
        quote_request(actor=request.user, demand=demand, factory=factory)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The factory is asked for a quote."))
    return redirect("market:demand_quotes", demand_id=demand.pk)
