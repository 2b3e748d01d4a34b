"""My enterprise: overview, profile, capacity calendar and my demands.

Every page takes the firm from the address and asks a selector whether the user may act for it;
a firm the user may not see is a 404, never a 403.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clusterlink.accounts.access import Viewer, viewer_for
from clusterlink.common import clock
from clusterlink.common.errors import ApplicationError, NotFoundError
from clusterlink.directory.forms_mine import (
    CapacityGrid,
    ProfileForm,
    ShareForm,
    grid_start_bounds,
    grid_start_clamped,
)
from clusterlink.directory.models import Enterprise
from clusterlink.directory.selectors import (
    EnterpriseFilters,
    capacity_week_list,
    enterprise_get_editable,
    enterprise_get_for,
    enterprise_list,
    enterprise_list_member_of,
    enterprise_member_list,
    enterprise_private_get_for,
)
from clusterlink.directory.services import capacity_weeks_save, enterprise_update
from clusterlink.market.forms import DemandForm
from clusterlink.market.models import Demand
from clusterlink.market.selectors import (
    DemandFilters,
    demand_get_editable,
    demand_list,
    demand_share_list,
)
from clusterlink.market.services import (
    demand_create,
    demand_share,
    demand_unshare,
    demand_update,
)

View = Callable[..., HttpResponse]


def not_found_as_404(view: View) -> View:
    """Selectors raise NotFoundError for rows the user may not see; pages answer 404."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFoundError as exc:
            raise Http404 from exc

    return wrapper


def _firm(viewer: Viewer, enterprise_id: int) -> Enterprise:
    """A firm whose private side the user works on: its members and its cluster's operators."""
    return enterprise_private_get_for(viewer, enterprise_id)


def _public_profile_url(enterprise: Enterprise) -> str | None:
    try:
        return reverse("directory:enterprise_detail", args=[enterprise.pk])
    except NoReverseMatch:
        return None


def _context(
    request: HttpRequest, enterprise: Enterprise, section: str, **extra: Any
) -> dict[str, Any]:
    viewer = viewer_for(request.user)
    return {
        "enterprise": enterprise,
        "section": section,
        "may_edit_profile": viewer.may_edit_enterprise(enterprise.pk, enterprise.cluster_id),
        "viewer_owner_ids": viewer.owner_enterprise_ids,
        "other_firms_count": len(viewer.enterprise_ids)
        - (1 if enterprise.pk in viewer.enterprise_ids else 0),
        **extra,
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Straight to the user's firm, or a choice when the user acts for several."""
    firms = list(enterprise_list_member_of(viewer=viewer_for(request.user)))
    if len(firms) == 1:
        return redirect("mine:overview", enterprise_id=firms[0].pk)
    return render(request, "mine/pick.html", {"firms": firms})


@login_required
@not_found_as_404
def overview(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    viewer = viewer_for(request.user)
    enterprise = _firm(viewer, enterprise_id)
    enterprise = enterprise_get_for(viewer, enterprise.pk)  # with roles and taxonomy prefetched
    this_week = clock.current_week()
    capacity = capacity_week_list(
        viewer=viewer,
        enterprise_id=enterprise.pk,
        week_from=this_week,
        week_to=this_week + dt.timedelta(weeks=11),
    )
    context = _context(
        request,
        enterprise,
        "overview",
        members=enterprise_member_list(viewer=viewer, enterprise=enterprise),
        public_url=_public_profile_url(enterprise),
        # Distinct weeks, not rows: a factory with two categories has two rows per week.
        capacity_weeks=len({row.week for row in capacity if row.available_pairs > 0}),
        capacity_free=sum(row.available_pairs for row in capacity),
        open_demands=demand_list(
            viewer=viewer, filters=DemandFilters(owner_id=enterprise.pk, status=Demand.Status.OPEN)
        ).count(),
    )
    return render(request, "mine/overview.html", context)


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    """Owners and the cluster's operators edit the profile; plain members get a 404."""
    viewer = viewer_for(request.user)
    enterprise = enterprise_get_editable(viewer, enterprise_id)
    form = ProfileForm(request.POST or None, initial=ProfileForm.initial_for(enterprise))
    if request.method == "POST" and form.is_valid():
        try:
            enterprise_update(viewer=viewer, enterprise=enterprise, **form.service_arguments())
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The profile is saved."))
            return redirect("mine:overview", enterprise_id=enterprise.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "mine/profile_form.html",
        _context(request, enterprise, "profile", form=form),
        status=status,
    )


def _grid_start(request: HttpRequest) -> dt.date:
    """The week the calendar starts on: the 'start' parameter kept within grid_start_bounds()
    (a week outside them is moved to the nearest bound, with a message), else this week."""
    label = request.POST.get("start") or request.GET.get("start") or ""
    try:
        asked = clock.parse_iso_week(label) if label else clock.current_week()
    except ValueError:
        return clock.current_week()
    start = grid_start_clamped(asked)
    if start != asked and request.method == "GET":
        first, last = grid_start_bounds()
        messages.info(
            request,
            _(
                "The capacity calendar covers the weeks from %(first)s to %(last)s; "
                "it shows %(start)s instead of %(asked)s."
            )
            % {
                "first": clock.iso_week_label(first),
                "last": clock.iso_week_label(last),
                "start": clock.iso_week_label(start),
                "asked": label.strip(),
            },
        )
    return start


def _grid(viewer: Viewer, enterprise: Enterprise, start: dt.date) -> CapacityGrid:
    end = start + dt.timedelta(weeks=11)
    rows = list(
        capacity_week_list(viewer=viewer, enterprise_id=enterprise.pk, week_from=start, week_to=end)
    )
    return CapacityGrid(enterprise=enterprise, start=start, rows=rows)


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def capacity(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    """The capacity calendar. POST saves every changed cell, all or nothing. With htmx a row's
    button (`row`=category code) saves that row in place and only that row comes back."""
    viewer = viewer_for(request.user)
    enterprise = _firm(viewer, enterprise_id)
    start = _grid_start(request)
    grid = _grid(viewer, enterprise, start)
    is_htmx = request.headers.get("HX-Request") == "true"
    # Without JavaScript a row's button submits the whole form: save every change then, so that
    # edits typed in other rows are not lost by the redirect.
    only_row = (request.POST.get("row") or None) if is_htmx else None
    if request.method == "POST":
        cells = grid.parse(request.POST, only_category=only_row)
        if not grid.has_errors:
            try:
                capacity_weeks_save(enterprise=enterprise, cells=cells)
            except ApplicationError as error:
                grid.add_service_error(error)
        if not grid.has_errors:
            if is_htmx and only_row:
                fresh = _grid(viewer, enterprise, start)
                row = fresh.row(only_row)
                if row is None:
                    raise NotFoundError()
                row.saved = True
                return render(
                    request,
                    "mine/_capacity_row.html",
                    {"grid": fresh, "row": row, "enterprise": enterprise},
                )
            messages.success(
                request, _("Capacity saved: %(count)s weeks changed.") % {"count": len(cells)}
            )
            # start_label writes the week as the calendar reads it ('2026-W48'): the start is
            # within grid_start_bounds(), so its year has four digits.
            query = urlencode({"start": grid.start_label})
            return redirect(f"{reverse('mine:capacity', args=[enterprise.pk])}?{query}")
        if is_htmx and only_row:
            row = grid.row(only_row)
            if row is None:
                raise NotFoundError()
            return render(
                request,
                "mine/_capacity_row.html",
                {"grid": grid, "row": row, "enterprise": enterprise},
            )
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "mine/capacity.html",
        _context(request, enterprise, "capacity", grid=grid),
        status=status,
    )


@login_required
@not_found_as_404
def demands(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    viewer = viewer_for(request.user)
    enterprise = _firm(viewer, enterprise_id)
    rows = demand_list(
        viewer=viewer, filters=DemandFilters(owner_id=enterprise.pk)
    ).prefetch_related("shares")
    return render(
        request, "mine/demands.html", _context(request, enterprise, "demands", demands=rows)
    )


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def demand_create_view(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    viewer = viewer_for(request.user)
    enterprise = _firm(viewer, enterprise_id)
    form = DemandForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            demand = demand_create(
                owner=enterprise, created_by=request.user, **form.service_arguments()
            )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Your demand is posted."))
            return redirect("market:demand_detail", demand_id=demand.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "mine/demand_form.html",
        _context(request, enterprise, "demands", form=form, demand=None),
        status=status,
    )


def _own_demand(viewer: Viewer, enterprise: Enterprise, demand_id: int) -> Demand:
    demand = demand_get_editable(viewer, demand_id)
    if demand.owner_id != enterprise.pk:
        raise NotFoundError()
    return demand


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def demand_edit(request: HttpRequest, enterprise_id: int, demand_id: int) -> HttpResponse:
    viewer = viewer_for(request.user)
    enterprise = _firm(viewer, enterprise_id)
    demand = _own_demand(viewer, enterprise, demand_id)
    form = DemandForm(request.POST or None, demand=demand)
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        arguments["category"] = arguments.get("category") or ""  # "" clears it; None would keep it
        try:
            demand_update(demand=demand, **arguments)
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The demand is saved."))
            return redirect("mine:demands", enterprise_id=enterprise.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "mine/demand_form.html",
        _context(request, enterprise, "demands", form=form, demand=demand),
        status=status,
    )


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def demand_share_view(request: HttpRequest, enterprise_id: int, demand_id: int) -> HttpResponse:
    """Find a firm by name (Chinese, pinyin or English) and let it see the demand in full."""
    viewer = viewer_for(request.user)
    enterprise = _firm(viewer, enterprise_id)
    demand = _own_demand(viewer, enterprise, demand_id)
    form = ShareForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        target = enterprise_get_for(viewer, form.cleaned_data["enterprise_id"])
        if target.pk == enterprise.pk:
            form.add_error(None, _("A demand is always visible to its own firm."))
        else:
            demand_share(demand=demand, enterprise=target)
            messages.success(request, _("Shared with %(firm)s.") % {"firm": target.display_name})
            return redirect("mine:demand_share", enterprise_id=enterprise.pk, demand_id=demand.pk)
    query = (request.GET.get("q") or "").strip()[:100]
    found = (
        list(
            enterprise_list(viewer=viewer, filters=EnterpriseFilters(q=query)).exclude(
                pk=enterprise.pk
            )[:20]
        )
        if query
        else []
    )
    context = _context(
        request,
        enterprise,
        "demands",
        demand=demand,
        form=form,
        query=query,
        found=found,
        shares=demand_share_list(demand=demand),
    )
    status = 400 if request.method == "POST" else 200
    return render(request, "mine/demand_share.html", context, status=status)


@login_required
@not_found_as_404
@require_POST
def demand_unshare_view(
    request: HttpRequest, enterprise_id: int, demand_id: int, firm_id: int
) -> HttpResponse:
    """Stop sharing the demand with a firm the owner shared it with."""
    viewer = viewer_for(request.user)
    enterprise = _firm(viewer, enterprise_id)
    demand = _own_demand(viewer, enterprise, demand_id)
    demand_unshare(demand=demand, enterprise_id=firm_id)
    messages.success(request, _("The firm no longer sees this demand."))
    return redirect("mine:demand_share", enterprise_id=enterprise.pk, demand_id=demand.pk)


@login_required
@not_found_as_404
@require_POST
def demand_cancel(request: HttpRequest, enterprise_id: int, demand_id: int) -> HttpResponse:
    viewer = viewer_for(request.user)
    enterprise = _firm(viewer, enterprise_id)
    demand = _own_demand(viewer, enterprise, demand_id)
    try:
        demand_update(demand=demand, status=Demand.Status.CANCELLED)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The demand is cancelled."))
    return redirect("mine:demands", enterprise_id=enterprise.pk)
