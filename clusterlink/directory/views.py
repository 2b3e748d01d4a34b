"""Public pages of the directory: home, cluster page, directory with filters, enterprise profile.

Views parse, call a selector and render. What a viewer may see is decided by the selectors;
a firm the viewer may not see is a 404, never a 403.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from clusterlink.accounts.access import viewer_for
from clusterlink.common import clock
from clusterlink.common.errors import NotFoundError
from clusterlink.directory import selectors
from clusterlink.directory.filters import EnterpriseFilterForm
from clusterlink.directory.models import Role

RESULTS_PER_PAGE = 20
CAPACITY_WEEKS_SHOWN = 12


def not_found_as_404(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFoundError as exc:
            raise Http404(str(exc.message)) from exc

    return wrapper


def _role_rows(counts: dict[str, int]) -> list[dict[str, Any]]:
    """Roles in their fixed order with translated labels, for lists and the chart."""
    return [
        {"code": code, "label": str(label), "firms": counts.get(code, 0)}
        for code, label in Role.choices
    ]


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    clusters = [
        {"cluster": cluster, "live": selectors.cluster_headline(cluster=cluster)}
        for cluster in selectors.cluster_list()
    ]
    return render(
        request,
        "directory/home.html",
        {
            "clusters": clusters,
            "totals": selectors.directory_headline(),
            "search_form": EnterpriseFilterForm(),
        },
    )


@require_GET
@not_found_as_404
def cluster_detail(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = viewer_for(request.user)
    cluster = selectors.cluster_get(slug=slug)
    this_week = clock.current_week()
    last_week = this_week + dt.timedelta(weeks=CAPACITY_WEEKS_SHOWN - 1)
    roles = _role_rows(selectors.cluster_role_counts(cluster=cluster))
    return render(
        request,
        "directory/cluster_detail.html",
        {
            "cluster": cluster,
            "live": selectors.cluster_headline(cluster=cluster),
            "roles": roles,
            "chart_roles": [row for row in roles if row["firms"]],
            "chart_height": 40 + 44 * sum(1 for row in roles if row["firms"]),
            # None unless the viewer operates this cluster.
            "capacity_total": selectors.cluster_capacity_total(
                viewer=viewer, cluster=cluster, week_from=this_week, week_to=last_week
            ),
            "capacity_from": this_week,
            "capacity_to": last_week,
        },
    )


@require_GET
def enterprise_list(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    form = EnterpriseFilterForm(request.GET or None)
    if form.is_bound:
        form.is_valid()  # errors are shown beside the fields; the valid filters still apply
    filters = form.to_filters()
    enterprises = selectors.enterprise_list(viewer=viewer, filters=filters)
    if form.search_refused:
        enterprises = enterprises.none()
    enterprises = enterprises.prefetch_related("roles", "categories", "certifications")
    page = Paginator(enterprises, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "viewer": viewer,
        # Phones keep the filters folded so the results come first; errors must be seen.
        "filters_open": bool(form.errors),
    }
    # htmx swaps only the results; a history restore or a plain request gets the whole page.
    partial = request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )
    template = "directory/_enterprise_results.html" if partial else "directory/enterprise_list.html"
    response = render(request, template, context)
    response["Vary"] = "HX-Request"
    return response


@require_GET
@not_found_as_404
def enterprise_detail(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    viewer = viewer_for(request.user)
    enterprise = selectors.enterprise_get_for(viewer, enterprise_id)
    context: dict[str, Any] = {"enterprise": enterprise, "sees_private": False}
    if viewer.may_see_private_of(enterprise.pk, enterprise.cluster_id):
        this_week = clock.current_week()
        context.update(
            sees_private=True,
            may_edit=viewer.may_edit_enterprise(enterprise.pk, enterprise.cluster_id),
            capacity_weeks=list(
                selectors.capacity_week_list(
                    viewer=viewer,
                    enterprise_id=enterprise.pk,
                    week_from=this_week,
                    week_to=this_week + dt.timedelta(weeks=CAPACITY_WEEKS_SHOWN - 1),
                )
            ),
        )
    return render(request, "directory/enterprise_detail.html", context)
