"""Agreement pages: the list, one agreement with its history and source, recording one (from a
meeting, an event, a demand, or by an operator), moving it along the pipeline, and the running
order of a signing ceremony. Thin views: the selectors decide access (404 for what may not be
seen), the services decide the rules."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clusterlink.accounts.access import Viewer, viewer_for
from clusterlink.agreements import selectors, services
from clusterlink.agreements.forms import (
    AgreementFilterForm,
    AgreementForm,
    RunningOrderForm,
    TransitionForm,
)
from clusterlink.agreements.models import NEXT_STATUSES, AgreementStatus
from clusterlink.common import clock
from clusterlink.common.errors import ApplicationError, NotFoundError
from clusterlink.directory.models import Enterprise
from clusterlink.directory.selectors import cluster_list
from clusterlink.events.models import Event
from clusterlink.market.selectors import demand_get_for

PAGE_SIZE = 25


def _or_404(call: Any, *args: Any) -> Any:
    try:
        return call(*args)
    except NotFoundError as exc:
        raise Http404 from exc


@login_required
def agreement_list_view(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    visible = selectors.agreement_list(viewer=viewer)
    events = Event.objects.filter(pk__in=visible.values("event_id")).order_by("-starts_on")
    form = AgreementFilterForm(
        request.GET or None,
        cluster_choices=[(c.slug, c.name) for c in cluster_list()],
        event_choices=[(e.slug, e.name) for e in events],
    )
    filters = selectors.AgreementFilters(
        agreement_type=form.value("agreement_type"),
        status=form.value("status"),
        cluster=form.value("cluster"),
        event=form.value("event"),
    )
    page = Paginator(selectors.agreement_list(viewer=viewer, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "agreements/agreement_list.html",
        {"form": form, "page": page, "query": params.urlencode()},
    )


def agreement_detail_view(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """No login wall: for anyone who may not see the agreement (anonymous visitors included) it
    is a 404, so an address never confirms that an agreement exists."""
    viewer = viewer_for(request.user)
    agreement = _or_404(selectors.agreement_get_for, viewer, agreement_id)
    return _render_detail(
        request, viewer, agreement, TransitionForm(initial={"signed_on": clock.today()})
    )


def _render_detail(
    request: HttpRequest, viewer: Viewer, agreement: Any, form: TransitionForm, status: int = 200
) -> HttpResponse:
    may_act = selectors.may_act_for(viewer, agreement.buyer) or selectors.may_act_for(
        viewer, agreement.supplier
    )
    next_statuses = [
        (s, AgreementStatus(s).label)
        for s in AgreementStatus.values
        if s in NEXT_STATUSES[agreement.status]
    ]
    return render(
        request,
        "agreements/agreement_detail.html",
        {
            "agreement": agreement,
            "history": selectors.agreement_history(agreement),
            "source": selectors.agreement_source(agreement),
            "may_act": may_act,
            "next_statuses": next_statuses,
            "form": form,
        },
        status=status,
    )


@login_required
@require_POST
def agreement_transition_view(request: HttpRequest, agreement_id: int) -> HttpResponse:
    viewer = viewer_for(request.user)
    agreement = _or_404(selectors.agreement_get_for, viewer, agreement_id)
    form = TransitionForm(request.POST)
    if form.is_valid():
        try:
            services.agreement_transition(
                actor=request.user,
                agreement=agreement,
                to_status=form.cleaned_data["to_status"],
                note=form.cleaned_data["note"],
                signed_on=form.cleaned_data["signed_on"],
            )
        except ApplicationError as error:
            form.add_error(None, str(error.message))  # the move refused; details name the field
            form.add_service_error(error)
        else:
            messages.success(request, _("The agreement's status was changed."))
            return redirect("agreements:detail", agreement_id=agreement.pk)
    return _render_detail(request, viewer, agreement, form, status=400)


def _firms_for_create(
    request: HttpRequest, viewer: Viewer
) -> tuple[dict[str, Any], QuerySet[Enterprise] | list[Enterprise]]:
    """The context the agreement is recorded in (meeting, event, demand, or none) and the firms that
    may be its parties there."""
    meeting_id = request.GET.get("meeting") or request.POST.get("meeting")
    event_slug = request.GET.get("event") or request.POST.get("event")
    demand_id = request.GET.get("demand") or request.POST.get("demand")
    if meeting_id:
        if not str(meeting_id).isdigit():
            raise Http404
        meeting = _or_404(selectors.meeting_for_agreements, viewer, int(meeting_id))
        return {"meeting": meeting, "event": meeting.event}, selectors.meeting_firms(meeting)
    if event_slug:
        event = _or_404(selectors.event_for_agreements, viewer, event_slug)
        return {"event": event}, selectors.event_registered_firms(event)
    if demand_id:
        if not str(demand_id).isdigit():
            raise Http404
        demand = _or_404(demand_get_for, viewer, int(demand_id))
        shared = Enterprise.objects.filter(demand_shares__demand=demand)
        firms = Enterprise.objects.filter(pk=demand.owner_id) | shared
        return {"demand": demand}, firms.select_related("cluster").distinct().order_by("legal_name")
    if not viewer.is_operator:
        raise Http404
    return {}, selectors.operated_firms(viewer)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_create_view(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    context, firms = _firms_for_create(request, viewer)
    by_id = {f.pk: f for f in firms}
    choices = [(f.pk, f"{f.display_name}") for f in by_id.values()]
    form = AgreementForm(request.POST or None, firm_choices=choices)
    if request.method == "POST" and form.is_valid():
        buyer = by_id[form.cleaned_data["buyer"]]
        supplier = by_id[form.cleaned_data["supplier"]]
        if not (selectors.may_act_for(viewer, buyer) or selectors.may_act_for(viewer, supplier)):
            form.add_error(
                None, _("You can only record agreements your firm or cluster is part of.")
            )
        else:
            try:
                agreement = services.agreement_create(
                    actor=request.user,
                    agreement_type=form.cleaned_data["agreement_type"],
                    buyer=buyer,
                    supplier=supplier,
                    pairs=form.cleaned_data["pairs"],
                    amount_rmb=form.cleaned_data["amount_rmb"],
                    title=form.cleaned_data["title"],
                    note=form.cleaned_data["note"],
                    demand=context.get("demand"),
                    event=context.get("event"),
                    meeting=context.get("meeting"),
                )
            except ApplicationError as error:
                form.add_service_error(error)
            else:
                messages.success(
                    request, _("The agreement was recorded as a cooperation intention.")
                )
                return redirect("agreements:detail", agreement_id=agreement.pk)
    return render(
        request,
        "agreements/agreement_form.html",
        {"form": form, **context},
        status=400 if request.method == "POST" else 200,
    )


# ---- signing ceremony ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def ceremony_view(request: HttpRequest, session_id: int) -> HttpResponse:
    viewer = viewer_for(request.user)
    session = _or_404(selectors.ceremony_get_for, viewer, session_id)
    form = RunningOrderForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.agreement_ceremony_order(
                    actor=request.user, session=session, agreement_ids=form.cleaned_data["order"]
                )
            except ApplicationError as error:
                for detail in error.details.values() if isinstance(error.details, dict) else []:
                    for message in detail:
                        form.add_error("order", message)
                if not error.details:
                    form.add_error("order", str(error.message))
            else:
                messages.success(request, _("The running order was saved."))
                return redirect("agreements:ceremony", session_id=session.pk)
        status = 400
    return render(
        request,
        "agreements/ceremony.html",
        {
            "session": session,
            "event": session.event,
            "running_order": selectors.ceremony_running_order(session),
            "candidates": selectors.ceremony_candidates(viewer, session),
            "form": form,
        },
        status=status,
    )


@login_required
def ceremony_print_view(request: HttpRequest, session_id: int) -> HttpResponse:
    viewer = viewer_for(request.user)
    session = _or_404(selectors.ceremony_get_for, viewer, session_id)
    return render(
        request,
        "agreements/ceremony_print.html",
        {
            "session": session,
            "event": session.event,
            "running_order": selectors.ceremony_running_order(session),
        },
    )
