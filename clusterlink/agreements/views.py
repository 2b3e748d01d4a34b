"""Agreement pages: the list, one agreement with its history and source, recording one (from a
meeting, an event, a demand, or by an operator), moving it along the pipeline, and the running
order of a signing ceremony. Thin views: parse, call, render. The services and selectors decide
access through clusterlink.agreements.access (404 for what may not be seen) and the rules."""

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
from clusterlink.agreements.models import AgreementStatus, Party
from clusterlink.common import clock
from clusterlink.common.errors import ApplicationError, NotFoundError
from clusterlink.common.validation import id_or_404
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
    moves = selectors.agreement_moves_for(viewer, agreement)
    awaiting = None
    if agreement.awaiting_status:
        awaited_firm = (
            agreement.buyer if agreement.awaiting_party == Party.BUYER else agreement.supplier
        )
        awaiting = {
            "status": agreement.awaiting_status,
            "status_label": AgreementStatus(agreement.awaiting_status).label,
            "firm": awaited_firm,
            # The Confirm button: the viewer may make the awaited move now.
            "confirm": agreement.awaiting_status in moves,
        }
    return render(
        request,
        "agreements/agreement_detail.html",
        {
            "agreement": agreement,
            "history": selectors.agreement_history(agreement),
            "confirmations": selectors.agreement_confirmations(agreement),
            "source": selectors.agreement_source(agreement),
            "may_act": bool(moves),
            "next_statuses": [(s, AgreementStatus(s).label) for s in moves],
            "awaiting": awaiting,
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
            moved = services.agreement_transition(
                actor=request.user,
                agreement=agreement,
                to_status=form.cleaned_data["to_status"],
                note=form.cleaned_data["note"],
                signed_on=form.cleaned_data["signed_on"],
            )
        except NotFoundError as exc:
            raise Http404 from exc
        except ApplicationError as error:
            form.add_error(None, str(error.message))  # the move refused; details name the field
            form.add_service_error(error)
        else:
            if moved.awaiting_status:
                messages.success(
                    request,
                    _("Your confirmation is recorded; it awaits the other party's confirmation."),
                )
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
        meeting = _or_404(selectors.meeting_for_agreements, viewer, id_or_404(meeting_id))
        return {"meeting": meeting, "event": meeting.event}, selectors.meeting_firms(meeting)
    if event_slug:
        event = _or_404(selectors.event_for_agreements, viewer, event_slug)
        return {"event": event}, selectors.event_registered_firms(viewer, event)
    if demand_id:
        demand = _or_404(demand_get_for, viewer, id_or_404(demand_id))
        return {"demand": demand}, selectors.demand_firms(viewer, demand)
    if not viewer.is_operator:
        raise Http404
    return {}, selectors.operated_firms(viewer)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_create_view(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    context, firms = _firms_for_create(request, viewer)
    choices = [(f.pk, f"{f.display_name}") for f in firms]
    form = AgreementForm(request.POST or None, firm_choices=choices)
    if request.method == "POST" and form.is_valid():
        meeting, event, demand = (context.get(k) for k in ("meeting", "event", "demand"))
        try:
            agreement = services.agreement_record(
                actor=request.user,
                agreement_type=form.cleaned_data["agreement_type"],
                buyer_id=form.cleaned_data["buyer"],
                supplier_id=form.cleaned_data["supplier"],
                pairs=form.cleaned_data["pairs"],
                amount_rmb=form.cleaned_data["amount_rmb"],
                title=form.cleaned_data["title"],
                note=form.cleaned_data["note"],
                meeting_id=meeting.pk if meeting is not None else None,
                event_slug=event.slug if event is not None and meeting is None else None,
                demand_id=demand.pk if demand is not None else None,
            )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The agreement was recorded as a cooperation intention."))
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
            except NotFoundError as exc:
                raise Http404 from exc
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
