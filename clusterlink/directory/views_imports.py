"""Import pages: upload, report, duplicate review queue, templates and exports. Thin: parse,
call a service or selector, render. Access lives in the services and selectors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clusterlink.accounts.access import viewer_for
from clusterlink.common import clock
from clusterlink.common.errors import ApplicationError, NotFoundError, PermissionError_
from clusterlink.common.validation import parse_id
from clusterlink.directory.forms_imports import ImportForm
from clusterlink.directory.imports import exports
from clusterlink.directory.imports.duplicates import (
    duplicate_candidate_decide,
    duplicate_candidate_list,
    duplicate_candidate_merge,
)
from clusterlink.directory.imports.report import stored_error_counts
from clusterlink.directory.imports.service import (
    import_capacity,
    import_demands,
    import_enterprises,
)
from clusterlink.directory.imports.specs import SPECS
from clusterlink.directory.models import ImportJob
from clusterlink.directory.selectors import EnterpriseFilters, enterprise_list

KINDS = ("enterprises", "capacity", "demands", "osh")


def _jobs_for(request: HttpRequest) -> Any:
    viewer = viewer_for(request.user)
    if viewer.is_platform_admin:
        return ImportJob.objects.all()
    return ImportJob.objects.filter(
        Q(uploaded_by_id=viewer.user_id) | Q(cluster_id__in=viewer.operator_cluster_ids)
    )


@login_required
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    form = ImportForm(request.POST or None, request.FILES or None, viewer=viewer)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        common: dict[str, Any] = {
            "source": upload,
            "file_name": upload.name,
            "actor": request.user,
            "viewer": viewer,
            "good_rows_only": data["good_rows_only"],
        }
        try:
            if data["kind"] in ("enterprises", "osh"):
                job = import_enterprises(
                    cluster=data.get("cluster"), osh=data["kind"] == "osh", **common
                )
            elif data["kind"] == "capacity":
                job = import_capacity(enterprise=data["enterprise"], **common)
            else:
                job = import_demands(enterprise=data["enterprise"], **common)
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            return redirect("imports:report", job_id=job.pk)
    context = {
        "form": form,
        "jobs": _jobs_for(request).select_related("cluster")[:20],
        "kinds": [(kind, SPECS[kind].title) for kind in KINDS],
        "export_kinds": [
            (kind, SPECS[kind].title) for kind in ("enterprises", "capacity", "demands")
        ],
        "pending_duplicates": duplicate_candidate_list(viewer=viewer).count()
        if viewer.is_operator
        else None,
    }
    return render(request, "imports/home.html", context)


@login_required
@require_GET
def report(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _jobs_for(request).filter(pk=job_id).select_related("cluster", "uploaded_by").first()
    if job is None:
        raise Http404()
    body = job.report or {}
    page = Paginator(body.get("errors", []), 500).get_page(request.GET.get("page"))
    duplicates = body.get("duplicates", [])[:LISTED_ROWS]
    existing = body.get("existing", [])[:LISTED_ROWS]
    # The firms these rows point to, by name, as far as the viewer may see them.
    ids = {d["existing_id"] for d in duplicates} | {e["enterprise_id"] for e in existing}
    firms = enterprise_list(viewer=viewer_for(request.user)).filter(pk__in=ids - {None}).in_bulk()
    error_rows, file_problems = stored_error_counts(body.get("errors", []))
    context = {
        "job": job,
        "report": body,
        "error_rows": error_rows,
        "file_problems": file_problems,
        "errors_page": page,
        "duplicates": [{**d, "firm": firms.get(d["existing_id"])} for d in duplicates],
        "existing": [{**e, "firm": firms.get(e["enterprise_id"])} for e in existing],
    }
    return render(request, "imports/report.html", context)


# Rows of the duplicates and already-there lists a report page shows (the rest are counted).
LISTED_ROWS = 200


@login_required
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    if not viewer.is_operator:
        raise Http404()
    candidates = Paginator(duplicate_candidate_list(viewer=viewer), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "imports/review.html", {"candidates": candidates})


@login_required
@require_POST
def review_decide(request: HttpRequest, candidate_id: int) -> HttpResponse:
    viewer = viewer_for(request.user)
    action = request.POST.get("action")
    try:
        if action in ("confirm", "reject"):
            duplicate_candidate_decide(
                viewer=viewer,
                actor=request.user,
                candidate_id=candidate_id,
                same=action == "confirm",
            )
            messages.success(
                request, _("Decision saved; it will be remembered for future imports.")
            )
        elif action == "merge":
            keep_id = parse_id(request.POST.get("keep"))
            if keep_id is None:
                return HttpResponseBadRequest(_("Choose the firm to keep."))
            keep = duplicate_candidate_merge(
                viewer=viewer, actor=request.user, candidate_id=candidate_id, keep_id=keep_id
            )
            messages.success(request, _("Merged into %(name)s.") % {"name": keep.legal_name})
        else:
            raise Http404()
    except NotFoundError as exc:
        raise Http404() from exc
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return redirect("imports:review")


def _file_response(content: bytes, *, file_format: str, stem: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{stem}.{file_format}"'
    return response


@require_GET
def template(request: HttpRequest, kind: str, file_format: str) -> HttpResponse:
    if kind not in SPECS or file_format not in exports.FORMATS:
        raise Http404()
    language = translation.get_language() or "zh-hans"
    content = exports.template_file(kind, file_format=file_format, language=language)
    return _file_response(content, file_format=file_format, stem=f"clusterlink-{kind}-template")


@require_GET
def export(request: HttpRequest, kind: str, file_format: str) -> HttpResponse:
    """Every row of a list the viewer may see (the selectors decide), as .xlsx or CSV; the
    directory's access rules send an anonymous visitor to sign in."""
    if kind not in ("enterprises", "capacity", "demands") or file_format not in exports.FORMATS:
        raise Http404()
    viewer = viewer_for(request.user)
    raw_enterprise = request.GET.get("enterprise")
    enterprise_id = parse_id(raw_enterprise)
    filters = EnterpriseFilters(
        cluster=request.GET.get("cluster") or None,
        role=request.GET.get("role") or None,
        q=request.GET.get("q") or None,
    )
    if raw_enterprise and enterprise_id is None:
        raise Http404()
    try:
        content = exports.export_file(
            kind, viewer=viewer, file_format=file_format, language=translation.get_language() or "zh-hans",
            enterprise_id=enterprise_id, filters=filters,
        )  # fmt: skip
    except PermissionError_:
        return redirect_to_login(request.get_full_path())
    return _file_response(
        content, file_format=file_format, stem=f"clusterlink-{kind}-{clock.today().isoformat()}"
    )
