"""Cluster membership: the operators' queue of firms asking to join, their decision, and the
owner's request from "my enterprise". Thin: parse, call a service or selector, render; access is
decided in clusterlink.directory.access, called by the services and selectors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from clusterlink.accounts.access import viewer_for
from clusterlink.common.errors import ApplicationError, NotFoundError
from clusterlink.directory.selectors import membership_request_list
from clusterlink.directory.services import (
    enterprise_membership_request,
    enterprise_membership_review,
)


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """Firms waiting for the viewer's decision; an empty queue for people who decide none."""
    viewer = viewer_for(request.user)
    if not viewer.is_operator:
        raise Http404()
    firms = Paginator(membership_request_list(viewer=viewer), 50).get_page(request.GET.get("page"))
    return render(request, "memberships/queue.html", {"firms": firms})


@login_required
@require_POST
def decide(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    viewer = viewer_for(request.user)
    action = request.POST.get("action")
    if action not in ("approve", "reject"):
        messages.error(request, _("Choose to approve or to reject."))
        return redirect("memberships:queue")
    try:
        firm = enterprise_membership_review(
            viewer=viewer,
            actor=request.user,
            enterprise_id=enterprise_id,
            approve=action == "approve",
            reason=request.POST.get("reason", ""),
        )
    except NotFoundError as exc:
        raise Http404 from exc
    except ApplicationError as error:
        reasons = error.details.get("reason") if isinstance(error.details, dict) else None
        messages.error(request, str(reasons[0]) if reasons else str(error.message))
        return redirect("memberships:queue")
    if action == "approve":
        messages.success(request, _("%(firm)s is now a member of the cluster.") % {"firm": firm})
    else:
        messages.success(request, _("The request of %(firm)s was rejected.") % {"firm": firm})
    return redirect("memberships:queue")


@login_required
@require_POST
def ask(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    """The owner asks again for the firm to join its cluster (after a rejection, say)."""
    try:
        enterprise_membership_request(
            viewer=viewer_for(request.user),
            enterprise_id=enterprise_id,
            note=request.POST.get("note", "")[:500],
        )
    except NotFoundError as exc:
        raise Http404 from exc
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Your request was sent to the cluster's operators."))
    return redirect("mine:overview", enterprise_id=enterprise_id)
