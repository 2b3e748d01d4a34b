"""An event's outcome report: the page (ECharts), the PDF and the xlsx. Who may read it is
decided by reports.selectors.event_report_get_for (404 otherwise); only aggregates are shown."""

from __future__ import annotations

import contextlib
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from clusterlink.accounts.access import viewer_for
from clusterlink.agreements.selectors import ceremony_get_for, ceremony_sessions
from clusterlink.common.errors import NotFoundError
from clusterlink.reports import exports
from clusterlink.reports.selectors import EventOutcome, event_outcome, event_report_get_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _outcome(request: HttpRequest, slug: str) -> EventOutcome:
    viewer = viewer_for(request.user)
    try:
        event = event_report_get_for(viewer, slug)
    except NotFoundError as exc:
        raise Http404 from exc
    return event_outcome(event, viewer=viewer)


def _context(outcome: EventOutcome) -> dict[str, Any]:
    return {
        "event": outcome.event,
        "outcome": outcome,
        "headline": outcome.headline(get_language()),
    }


def _file_name(outcome: EventOutcome, extension: str) -> str:
    return f"outcome-{outcome.event.slug}-{get_language()}.{extension}"


def event_outcome_view(request: HttpRequest, slug: str) -> HttpResponse:
    outcome = _outcome(request, slug)
    links, measure = exports.sankey_links(outcome)
    viewer = viewer_for(request.user)
    ceremonies = []
    for session in ceremony_sessions(outcome.event):
        with contextlib.suppress(NotFoundError):  # only operators see the running order
            ceremonies.append(ceremony_get_for(viewer, session.pk))
    chart = {
        "sankey": {
            "measure": measure,
            "nodes": sorted({link.source for link in links})
            + sorted({link.target for link in links}),
            "links": [
                {"source": link.source, "target": link.target, "value": round(link.value, 2)}
                for link in links
            ],
        },
        "types": [
            {"label": row.label, "intentions": row.intentions, "signed": row.signed}
            for row in outcome.by_type
        ],
    }
    return render(
        request,
        "reports/event_outcome.html",
        {**_context(outcome), "chart": chart, "ceremonies": ceremonies},
    )


def event_outcome_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    outcome = _outcome(request, slug)
    response = HttpResponse(
        exports.report_pdf(outcome, _context(outcome)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{_file_name(outcome, "pdf")}"'
    return response


def event_outcome_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    outcome = _outcome(request, slug)
    response = HttpResponse(exports.report_xlsx(outcome), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_file_name(outcome, "xlsx")}"'
    return response
