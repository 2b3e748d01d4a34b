"""Match run pages: start a run, watch it, read and export its result; brands and factories
answer the proposals made to them.

Thin views: parse, call a selector or a service, render. Who may do what is decided in
matching.access, which the selectors and services call; rows the user may not see are 404.
"""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clusterlink.accounts.access import viewer_for
from clusterlink.common.errors import ApplicationError, NotFoundError
from clusterlink.directory.models import Cluster
from clusterlink.market.models import Quote
from clusterlink.matching import access, selectors, services
from clusterlink.matching.forms import MatchRunRepairForm, MatchRunStartForm
from clusterlink.matching.models import MatchRun


def _run_or_404(request: HttpRequest, run_id: int) -> MatchRun:
    try:
        return selectors.run_get_for(viewer_for(request.user), run_id)
    except NotFoundError as exc:
        raise Http404 from exc


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    if not access.may_start_runs(viewer):
        raise Http404
    runs = selectors.run_list(viewer=viewer)[:100]
    return render(request, "matching/run_list.html", {"runs": runs})


@login_required
@require_http_methods(["GET", "POST"])
def run_start(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    if not access.may_start_runs(viewer):
        raise Http404
    choices = selectors.run_start_choices(viewer)
    form = MatchRunStartForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        cluster_id = form.cleaned_data["cluster"]
        cluster = Cluster.objects.filter(pk=cluster_id).first() if cluster_id else None
        try:
            run = services.match_run_start(
                operator=request.user, viewer=viewer, cluster=cluster, **form.service_arguments()
            )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The match run is queued."))
            return redirect("matching:run_detail", run_id=run.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "matching/run_start.html", {"form": form, **choices}, status=status)


def _progress_context(run: MatchRun) -> dict[str, Any]:
    """The gap is shown in RMB beside the percentage: on a plan of tens of millions a
    visible difference of a hundred RMB is a few millionths."""
    gap = gap_rmb = None
    if run.progress_bound_rmb and run.progress_objective_rmb is not None:
        gap_rmb = run.progress_objective_rmb - run.progress_bound_rmb
        gap = 100 * float(gap_rmb / run.progress_bound_rmb)
    return {"run": run, "progress_gap": gap, "progress_gap_rmb": gap_rmb}


def _run_page(
    request: HttpRequest, run: MatchRun, repair_form: MatchRunRepairForm, status: int = 200
) -> HttpResponse:
    context: dict[str, Any] = _progress_context(run)
    if run.status in (MatchRun.Status.FINISHED, MatchRun.Status.CANCELLED):
        report = selectors.run_report(viewer=viewer_for(request.user), run=run)
        context["report"] = report
        context["flows"] = report.flows
    context["repair_form"] = repair_form
    return render(request, "matching/run_detail.html", context, status=status)


@login_required
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run_or_404(request, run_id)
    return _run_page(request, run, MatchRunRepairForm(initial={"time_limit_s": run.time_limit_s}))


@login_required
def run_progress(request: HttpRequest, run_id: int) -> HttpResponse:
    """The polled fragment: bound and best plan so far; once the run has ended, htmx is
    told to reload the page so that the result shows."""
    run = _run_or_404(request, run_id)
    response = render(request, "matching/_progress.html", _progress_context(run))
    if not run.is_active and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def run_cancel(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run_or_404(request, run_id)
    try:
        services.match_run_cancel(actor=request.user, viewer=viewer_for(request.user), run=run)
    except NotFoundError as exc:
        raise Http404 from exc
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The run is cancelled."))
    return redirect("matching:run_detail", run_id=run.pk)


@login_required
@require_POST
def run_repair(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run_or_404(request, run_id)
    form = MatchRunRepairForm(request.POST)
    if not form.is_valid():
        return _run_page(request, run, form, status=400)
    try:
        repair = services.match_run_repair_start(
            operator=request.user,
            viewer=viewer_for(request.user),
            run=run,
            time_limit_s=form.cleaned_data["time_limit_s"],
        )
    except NotFoundError as exc:
        raise Http404 from exc
    except ApplicationError as error:
        messages.error(request, str(error.message))
        return redirect("matching:run_detail", run_id=run.pk)
    messages.success(request, _("A repair run is queued: accepted placements stay fixed."))
    return redirect("matching:run_detail", run_id=repair.pk)


@login_required
def run_export(request: HttpRequest, run_id: int) -> HttpResponse:
    from clusterlink.matching.exports import run_workbook

    viewer = viewer_for(request.user)
    run = _run_or_404(request, run_id)
    report = selectors.run_report(viewer=viewer, run=run)
    buffer = io.BytesIO()
    run_workbook(run, report).save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="match-run-{run.pk}.xlsx"'
    return response


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    brand = list(selectors.proposal_list(viewer=viewer, side="brand")[:200])
    factory = list(selectors.proposal_list(viewer=viewer, side="factory")[:200])
    return render(
        request, "matching/proposal_list.html", {"brand_rows": brand, "factory_rows": factory}
    )


@login_required
def proposal_detail(request: HttpRequest, proposal_id: int) -> HttpResponse:
    viewer = viewer_for(request.user)
    try:
        proposal = selectors.proposal_get_for(viewer, proposal_id)
    except NotFoundError as exc:
        raise Http404 from exc
    sides = selectors.proposal_sides(viewer, proposal)
    quote = Quote.objects.filter(demand=proposal.demand, factory=proposal.factory).first()
    return render(
        request,
        "matching/proposal_detail.html",
        {
            "proposal": proposal,
            "sides": sides,
            "placements": list(proposal.placements.all()),
            "quote": quote,
            "open": proposal.status == proposal.Status.OPEN,
        },
    )


@login_required
@require_POST
def proposal_decide(request: HttpRequest, proposal_id: int) -> HttpResponse:
    viewer = viewer_for(request.user)
    try:
        proposal = selectors.proposal_get_for(viewer, proposal_id)
    except NotFoundError as exc:
        raise Http404 from exc
    side = request.POST.get("side", "")
    accept = request.POST.get("decision") == "accept"
    try:
        proposal = services.proposal_decide(
            actor=request.user, viewer=viewer, proposal=proposal, side=side, accept=accept
        )
    except NotFoundError as exc:
        raise Http404 from exc
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        if proposal.status == proposal.Status.ACCEPTED:
            messages.success(
                request, _("Both sides accepted: the cooperation intention is recorded.")
            )
        elif accept:
            messages.success(request, _("You accepted. Waiting for the other side."))
        else:
            messages.success(request, _("You declined the proposal."))
    return redirect("matching:proposal_detail", proposal_id=proposal_id)
