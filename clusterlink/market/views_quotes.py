"""Quote pages: the brand compares factories' quotes side by side with the engine's
proposals; a factory that may see the demand answers with its price.

Thin views: parse, call, render. Access is clusterlink.market.access's, checked by the selectors
and services (404 for what the user may not see).
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
from clusterlink.common.validation import id_or_404
from clusterlink.market.access import may_manage_demand, quoting_firms
from clusterlink.market.forms import QuoteForm
from clusterlink.market.models import Demand
from clusterlink.market.selectors import demand_get_for, quote_list
from clusterlink.market.services import quote_request, quote_submit


def _demand(viewer: Viewer, demand_id: int) -> Demand:
    try:
        return demand_get_for(viewer, demand_id)
    except NotFoundError as exc:
        raise Http404 from exc


@login_required
@require_http_methods(["GET", "POST"])
def demand_quotes(request: HttpRequest, demand_id: int) -> HttpResponse:
    """GET: the comparison (brand, operators) and the quoting form (factories).
    POST: a factory submits its quote."""
    from clusterlink.matching.selectors import proposal_list

    viewer = viewer_for(request.user)
    demand = _demand(viewer, demand_id)
    manages = may_manage_demand(viewer, demand)
    firms = quoting_firms(viewer, demand)
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
        except NotFoundError as exc:
            raise Http404 from exc
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
    """The brand asks a factory (one the engine proposed, or any firm it may see) for a quote. A
    firm it may not see is a 404, like a missing one or a `factory` that is not a number."""
    viewer = viewer_for(request.user)
    demand = _demand(viewer, demand_id)
    factory_id = id_or_404(request.POST.get("factory"))
    try:
        quote_request(actor=request.user, demand=demand, factory=factory_id)
    except NotFoundError as exc:
        raise Http404 from exc
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The factory is asked for a quote."))
    return redirect("market:demand_quotes", demand_id=demand.pk)
