"""Pages of docking events. Thin: parse, call a selector or a service, render.

Rows the user may not see answer 404 (the selectors raise NotFoundError); operator pages answer
404 to everyone who does not operate the event.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import parse_qs, urlparse

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clusterlink.accounts.access import Viewer, viewer_for
from clusterlink.common import clock
from clusterlink.common.errors import ApplicationError, NotFoundError
from clusterlink.common.validation import parse_id
from clusterlink.directory.models import Cluster
from clusterlink.directory.selectors import enterprise_list_member_of
from clusterlink.events import calendar, scheduling, selectors, services
from clusterlink.events.forms import (
    CheckInForm,
    DecisionForm,
    EventForm,
    MeetingChangeForm,
    OutcomeForm,
    RegistrationForm,
    RepresentativeForm,
    RequestForm,
    RunForm,
    SessionForm,
    SlotsForm,
    UnitForm,
    WalkInForm,
)
from clusterlink.events.models import (
    Event,
    EventSession,
    Meeting,
    Participant,
    ScheduleRun,
    Slot,
)

REPRESENTATIVE_ROWS = 3


def not_found_as_404(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(*args, **kwargs)
        except NotFoundError as exc:
            raise Http404 from exc

    return wrapper


def _operated(request: HttpRequest, slug: str) -> tuple[Viewer, Event]:
    viewer = viewer_for(request.user)
    return viewer, selectors.event_operated_get_for(viewer, slug)


def _as_id(request: HttpRequest) -> int | None:
    return parse_id(request.GET.get("as") or request.POST.get("as"))


def _posted_id(request: HttpRequest, name: str) -> int:
    """The id posted as `name`; a missing, non-numeric or absurd one is a 404 (never a 500)."""
    value = parse_id(request.POST.get(name))
    if value is None:
        raise Http404
    return value


def _back(request: HttpRequest, default: str) -> str:
    """The page to return to: the posted `next` if it is a path of this site, else `default`."""
    back = request.POST.get("next") or ""
    if back.startswith("/") and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return back
    return default


def _operator_clusters(viewer: Viewer) -> Any:
    if viewer.is_platform_admin:
        return Cluster.objects.all()
    return Cluster.objects.filter(pk__in=viewer.operator_cluster_ids)


# --- Public pages -----------------------------------------------------------------------------


def event_list(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    context = {
        "upcoming": selectors.event_list(viewer=viewer, upcoming=True),
        "past": selectors.event_list(viewer=viewer, upcoming=False),
        "may_create": viewer.is_operator,
    }
    return render(request, "events/event_list.html", context)


@not_found_as_404
def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = viewer_for(request.user)
    event = selectors.event_get_for(viewer, slug)
    mine = list(selectors.my_participants(viewer=viewer, event=event)) if viewer.user_id else []
    registered = {p.registration.enterprise_id for p in mine}
    firms = list(enterprise_list_member_of(viewer=viewer)) if viewer.user_id else []
    context = {
        "event": event,
        "units_by_part": selectors.event_units_by_part(event),
        "sessions": event.sessions.all(),
        "firms": selectors.event_public_firms(event),
        "operates": selectors.event_operates(viewer, event),
        "mine": mine,
        "my_registrations": {p.registration for p in mine},
        "may_register": event.status == Event.Status.REGISTRATION_OPEN
        and any(f.pk not in registered for f in firms),
    }
    return render(request, "events/event_detail.html", context)


# --- Operator: event, units, agenda, slots ----------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    if not viewer.is_operator:
        raise Http404
    form = EventForm(request.POST or None, clusters=_operator_clusters(viewer))
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(
                viewer=viewer, created_by=request.user, **form.service_arguments()
            )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The event is created. Add its units, agenda and slots."))
            return redirect("events:manage", slug=event.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "events/event_form.html", {"form": form}, status=status)


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, slug: str) -> HttpResponse:
    viewer, event = _operated(request, slug)
    clusters = _operator_clusters(viewer) | event.clusters.all()
    form = EventForm(request.POST or None, instance=event, clusters=clusters.distinct())
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_update(event=event, viewer=viewer, **form.service_arguments())
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The event is saved."))
            return redirect("events:manage", slug=event.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "events/event_form.html", {"form": form, "event": event}, status=status)


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def event_manage(request: HttpRequest, slug: str) -> HttpResponse:
    """Units, agenda and slots on one page; each form posts here with its `form` name."""
    viewer, event = _operated(request, slug)
    which = request.POST.get("form") if request.method == "POST" else None
    unit_form = UnitForm(request.POST if which == "unit" else None, prefix="unit")
    session_form = SessionForm(request.POST if which == "session" else None, prefix="session")
    slots_form = SlotsForm(request.POST if which == "slots" else None, prefix="slots", event=event)
    if which == "unit" and unit_form.is_valid():
        try:
            services.event_unit_add(viewer=viewer, event=event, **unit_form.cleaned_data)
        except ApplicationError as error:
            unit_form.add_error(None, str(error.message))
            for messages_ in error.details.values():
                for message in messages_:
                    unit_form.add_error(None, message)
        else:
            messages.success(request, _("Unit added."))
            return redirect(reverse("events:manage", args=[slug]) + "#units")
    if which == "session" and session_form.is_valid():
        try:
            services.event_session_save(viewer=viewer, event=event, **session_form.cleaned_data)
        except ApplicationError as error:
            session_form.add_service_error(error)
        else:
            messages.success(request, _("Session added to the agenda."))
            return redirect(reverse("events:manage", args=[slug]) + "#agenda")
    if which == "slots" and slots_form.is_valid():
        try:
            created = services.slots_generate(viewer=viewer, event=event, **slots_form.cleaned_data)
        except ApplicationError as error:
            slots_form.add_service_error(error)
        else:
            messages.success(request, _("%(count)s slots added.") % {"count": len(created)})
            return redirect(reverse("events:manage", args=[slug]) + "#slots")
    context = {
        "event": event,
        "units_by_part": selectors.event_units_by_part(event),
        "sessions": event.sessions.all(),
        "slots": event.slots.select_related("session"),
        "unit_form": unit_form,
        "session_form": session_form,
        "slots_form": slots_form,
        "which": which,
    }
    return render(request, "events/event_manage.html", context, status=400 if which else 200)


@login_required
@not_found_as_404
@require_POST
def unit_delete(request: HttpRequest, slug: str, unit_id: int) -> HttpResponse:
    viewer, event = _operated(request, slug)
    unit = event.units.filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    services.event_unit_delete(viewer=viewer, unit=unit)
    return redirect(reverse("events:manage", args=[slug]) + "#units")


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, slug: str, session_id: int) -> HttpResponse:
    viewer, event = _operated(request, slug)
    session: EventSession | None = event.sessions.filter(pk=session_id).first()
    if session is None:
        raise Http404
    if request.method == "POST" and request.POST.get("delete"):
        services.event_session_delete(viewer=viewer, session=session)
        messages.success(request, _("Session removed from the agenda."))
        return redirect(reverse("events:manage", args=[slug]) + "#agenda")
    initial = {
        name: getattr(session, name) for name in SessionForm.base_fields if name != "description"
    }
    initial["description"] = session.description
    form = SessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_session_save(
                viewer=viewer, event=event, session=session, **form.cleaned_data
            )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The session is saved."))
            return redirect(reverse("events:manage", args=[slug]) + "#agenda")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "events/session_form.html",
        {"event": event, "form": form, "session": session},
        status=status,
    )


@login_required
@not_found_as_404
@require_POST
def slot_delete(request: HttpRequest, slug: str, slot_id: int) -> HttpResponse:
    viewer, event = _operated(request, slug)
    slot: Slot | None = event.slots.filter(pk=slot_id).first()
    if slot is None:
        raise Http404
    try:
        services.slot_delete(viewer=viewer, slot=slot)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    return redirect(reverse("events:manage", args=[slug]) + "#slots")


# --- Registration -----------------------------------------------------------------------------


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, slug: str) -> HttpResponse:
    """A firm member registers the firm and up to three representatives at once."""
    viewer = viewer_for(request.user)
    event = selectors.event_get_for(viewer, slug)
    taken = set(event.registrations.values_list("enterprise_id", flat=True))
    free = [f for f in enterprise_list_member_of(viewer=viewer) if f.pk not in taken]
    firms = [(f.pk, f.display_name) for f in free]
    # Each firm's likely role (a factory sells, a brand buys); the page's script follows
    # the chosen firm, the first one is the default without script.
    role_by_firm = {str(f.pk): selectors.participant_role_for(f) for f in free}
    first_role = role_by_firm[str(free[0].pk)] if free else None
    data = request.POST if request.method == "POST" else None
    form = RegistrationForm(data, firms=firms)
    reps = [
        RepresentativeForm(
            data,
            prefix=f"rep{i}",
            event=event,
            initial={"role": first_role},
            use_required_attribute=False,
        )
        for i in range(REPRESENTATIVE_ROWS)
    ]
    if request.method == "POST" and form.is_valid() and all(r.is_valid() for r in reps):
        people = [
            services.RepresentativeInput(
                name=r.cleaned_data["name"],
                role=r.cleaned_data["role"],
                title=r.cleaned_data["title"],
                email=r.cleaned_data["email"],
                phone=r.cleaned_data["phone"],
                max_meetings=r.cleaned_data["max_meetings"],
                slot_ids=r.cleaned_data["available_slots"],
                user=request.user if i == 0 else None,
            )
            for i, r in enumerate(reps)
            if r.cleaned_data.get("name")
        ]
        try:
            enterprise = next(
                f
                for f in enterprise_list_member_of(viewer=viewer)
                if f.pk == form.cleaned_data["enterprise"]
            )
            services.registration_create(
                event=event,
                enterprise=enterprise,
                viewer=viewer,
                registered_by=request.user,
                representatives=people,
                note=form.cleaned_data["note"],
            )
        except StopIteration as exc:
            raise Http404 from exc
        except ApplicationError as error:
            form.add_service_error(error)
            for name, msgs in error.details.items():
                if name.startswith("representatives."):
                    _prefix, index, field = name.split(".", 2)
                    target = reps[int(index)]
                    for message in msgs:
                        target.add_error(field if field in target.fields else None, message)
        else:
            messages.success(
                request,
                _("Your registration is sent. The organisers will validate it."),
            )
            return redirect("events:detail", slug=slug)
    status = 400 if request.method == "POST" else 200
    context = {
        "event": event,
        "form": form,
        "reps": reps,
        "firms": firms,
        "role_by_firm": role_by_firm,
    }
    return render(request, "events/register.html", context, status=status)


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def participant_edit(request: HttpRequest, slug: str, participant_id: int) -> HttpResponse:
    viewer = viewer_for(request.user)
    event = selectors.event_get_for(viewer, slug)
    participant = selectors.participant_get_for(viewer, event, participant_id)
    initial = {
        "name": participant.name,
        "title": participant.title,
        "role": participant.role,
        "email": participant.email,
        "phone": participant.phone,
        "max_meetings": participant.max_meetings,
        "available_slots": list(participant.available_slots.values_list("pk", flat=True)),
    }
    form = RepresentativeForm(request.POST or None, initial=initial, event=event)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.participant_update(
                viewer=viewer,
                participant=participant,
                name=data["name"],
                role=data["role"],
                title=data["title"],
                email=data["email"],
                phone=data["phone"],
                max_meetings=data["max_meetings"],
                slot_ids=data["available_slots"],
            )
        except ApplicationError as error:
            for name, msgs in error.details.items():
                for message in msgs:
                    form.add_error(name if name in form.fields else None, message)
        else:
            messages.success(request, _("Saved."))
            return redirect(reverse("events:requests", args=[slug]) + f"?as={participant.pk}")
    status = 400 if request.method == "POST" else 200
    context = {"event": event, "form": form, "participant": participant}
    return render(request, "events/participant_form.html", context, status=status)


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def registrations(request: HttpRequest, slug: str) -> HttpResponse:
    """The operators' list: validate or reject each firm's registration."""
    viewer, event = _operated(request, slug)
    if request.method == "POST":
        registration = selectors.registration_get_for(
            viewer, event, _posted_id(request, "registration")
        )
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                services.registration_decide(
                    viewer=viewer,
                    registration=registration,
                    decided_by=request.user,
                    validate=form.cleaned_data["decision"] == "validate",
                    reason=form.cleaned_data["reason"],
                )
            except ApplicationError as error:
                for msgs in error.details.values():
                    for message in msgs:
                        messages.error(
                            request, f"{registration.enterprise.display_name}: {message}"
                        )
            else:
                messages.success(
                    request,
                    _("%(firm)s: %(status)s.")
                    % {
                        "firm": registration.enterprise.display_name,
                        "status": registration.get_status_display(),
                    },
                )
        return redirect("events:registrations", slug=slug)
    rows = list(selectors.registration_list(viewer=viewer, event=event))
    counts = {
        status: sum(1 for r in rows if r.status == status)
        for status in ("pending", "validated", "rejected")
    }
    return render(
        request,
        "events/registrations.html",
        {"event": event, "rows": rows, "counts": counts},
    )


# --- Requests and suggestions -----------------------------------------------------------------


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def requests_page(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = viewer_for(request.user)
    event = selectors.event_get_for(viewer, slug)
    participant = selectors.participant_acting_for(viewer, event, _as_id(request))
    if request.method == "POST":
        form = RequestForm(request.POST)
        url = reverse("events:requests", args=[slug]) + f"?as={participant.pk}"
        if not form.is_valid():
            messages.error(request, _("The request could not be read; nothing was changed."))
            return redirect(url)
        target_id = form.cleaned_data["to_participant"]
        # Only a validated representative may be asked or named; any other id answers alike.
        target = selectors.request_target_get(event, target_id)
        try:
            if target is None:
                raise ApplicationError(_("No participant of this event has this id."))
            if form.cleaned_data["preference"] == "clear":
                services.meeting_request_withdraw(
                    viewer=viewer, from_participant=participant, to_participant=target
                )
            else:
                services.meeting_request_set(
                    viewer=viewer,
                    from_participant=participant,
                    to_participant=target,
                    preference=form.cleaned_data["preference"],
                )
        except ApplicationError as error:
            messages.error(request, str(error.message))
        return redirect(url + f"#p{target_id}")
    marks = selectors.requests_of(participant)
    validated = participant.registration.status == "validated"
    context = {
        "event": event,
        "participant": participant,
        "mine": selectors.my_participants(viewer=viewer, event=event),
        "validated": validated,
        "suggestions": selectors.suggestion_list(viewer=viewer, participant=participant)
        if validated
        else [],
        "counterparts": [
            (p, marks.get(p.pk)) for p in selectors.counterpart_list(participant=participant)
        ]
        if validated
        else [],
        "received": selectors.requests_received(participant),
        "open_count": services.open_request_count(participant),
        "now": clock.now(),
        "preferences": [("must", _("Must meet")), ("meet", _("Meet")), ("no", _("No thanks"))],
    }
    return render(request, "events/requests.html", context)


# --- Schedule ---------------------------------------------------------------------------------


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def schedule(request: HttpRequest, slug: str) -> HttpResponse:
    """The operators' schedule: run the optimiser (or cancel its run), read its result, edit
    meetings, walk-ins. Reading the page reaps a run whose worker stopped."""
    viewer, event = _operated(request, slug)
    run_form = RunForm(request.POST if request.POST.get("form") == "run" else None)
    if request.method == "POST" and request.POST.get("form") == "cancel_run":
        run = selectors.schedule_run_get_for(viewer, event, _posted_id(request, "run"))
        run = scheduling.schedule_run_cancel(viewer=viewer, run=run, cancelled_by=request.user)
        if run.status == ScheduleRun.Status.CANCELLED:
            messages.success(request, _("The schedule run is cancelled; nothing was written."))
        else:
            messages.error(request, _("The schedule run was already over."))
        return redirect("events:schedule", slug=slug)
    if request.method == "POST" and request.POST.get("form") == "run" and run_form.is_valid():
        try:
            scheduling.schedule_run_start(
                viewer=viewer, event=event, requested_by=request.user, **run_form.cleaned_data
            )
        except ApplicationError as error:
            messages.error(request, str(error.message))
            for msgs in error.details.values():
                for message in msgs:
                    messages.error(request, message)
        else:
            messages.success(
                request, _("The schedule run is queued; this page shows its result when done.")
            )
        return redirect("events:schedule", slug=slug)
    scheduling.schedule_runs_reap(event=event)
    meetings = list(selectors.meeting_list_for_event(event=event))
    slots = list(event.slots.all())
    active = [m for m in meetings if m.is_active]
    grid = [
        (
            slot,
            [
                next((m for m in active if m.slot_id == slot.pk and m.table == t), None)
                for t in range(1, event.meeting_tables + 1)
            ],
        )
        for slot in slots
    ]
    people = list(
        Participant.objects.filter(registration__event=event, registration__status="validated")
        .select_related("registration__enterprise")
        .order_by("name", "pk")
    )
    context = {
        "event": event,
        "run_form": run_form,
        "run": selectors.schedule_run_latest(event=event),
        "grid": grid,
        "tables": range(1, event.meeting_tables + 1),
        "meetings": meetings,
        "change_form": MeetingChangeForm(event=event),
        "walk_in_form": WalkInForm(event=event, people=people),
        "unbooked": scheduling.unbooked_participants(event).select_related(
            "registration__enterprise"
        ),
    }
    return render(request, "events/schedule.html", context)


@login_required
@not_found_as_404
@require_POST
def meeting_change(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    """Move, confirm, cancel, mark a no-show, reinstate (who may do what: access). A stale
    version (someone changed it meanwhile) is a clear conflict."""
    viewer = viewer_for(request.user)
    event = selectors.event_get_for(viewer, slug)
    meeting = selectors.meeting_get_for(viewer, event, meeting_id)
    form = MeetingChangeForm(request.POST, event=event)
    back = _back(request, reverse("events:schedule", args=[slug]))
    if not form.is_valid():
        messages.error(request, _("The change could not be read; nothing was changed."))
        return redirect(back)
    action = form.cleaned_data["action"]
    slot = None
    if action == "move":
        slot = event.slots.filter(pk=form.cleaned_data["slot"] or 0).first()
        if slot is None:
            messages.error(request, _("Choose the slot to move the meeting to."))
            return redirect(back)
    try:
        services.meeting_change(
            viewer=viewer,
            meeting=meeting,
            slot=slot,
            table=form.cleaned_data["table"] if action == "move" else None,
            status=None if action == "move" else action,
            expected_version=form.cleaned_data["version"],
        )
    except NotFoundError:
        raise
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The meeting is updated on both agendas."))
    return redirect(back)


@login_required
@not_found_as_404
@require_POST
def walk_in(request: HttpRequest, slug: str) -> HttpResponse:
    viewer, event = _operated(request, slug)
    people = list(
        Participant.objects.filter(registration__event=event).select_related(
            "registration__enterprise"
        )
    )
    form = WalkInForm(request.POST, event=event, people=people)
    if form.is_valid():
        by_id = {p.pk: p for p in people}
        try:
            meeting = services.meeting_walk_in(
                viewer=viewer,
                event=event,
                participant_a=by_id[form.cleaned_data["participant_a"]],
                participant_b=by_id[form.cleaned_data["participant_b"]],
                slot=event.slots.get(pk=form.cleaned_data["slot"]),
                table=form.cleaned_data["table"],
            )
        except ApplicationError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(
                request, _("Walk-in meeting booked at table %(table)s.") % {"table": meeting.table}
            )
    else:
        messages.error(request, _("Choose two participants and a slot."))
    return redirect(reverse("events:schedule", args=[slug]) + "#walk-in")


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def meeting_outcome(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    viewer = viewer_for(request.user)
    event = selectors.event_get_for(viewer, slug)
    meeting = selectors.meeting_get_for(viewer, event, meeting_id)
    initial = {
        "interest_level": meeting.interest_level or Meeting.Interest.MEDIUM,
        "next_step": meeting.next_step or Meeting.NextStep.NONE,
        "notes": meeting.notes,
        "version": meeting.version,
    }
    form = OutcomeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_record_outcome(
                viewer=viewer,
                meeting=meeting,
                interest_level=form.cleaned_data["interest_level"],
                next_step=form.cleaned_data["next_step"],
                notes=form.cleaned_data["notes"],
                expected_version=form.cleaned_data["version"],
            )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The outcome is saved."))
            return redirect("events:meeting", slug=slug, meeting_id=meeting.pk)
    status = 400 if request.method == "POST" else 200
    context = {
        "event": event,
        "meeting": meeting,
        "form": form,
        "history": meeting.history.order_by("-history_date")[:20],
    }
    return render(request, "events/meeting.html", context, status=status)


# --- Agendas ----------------------------------------------------------------------------------


def _agenda_context(request: HttpRequest, slug: str, participant_id: int | None) -> dict[str, Any]:
    viewer = viewer_for(request.user)
    event = selectors.event_get_for(viewer, slug)
    participant = selectors.participant_acting_for(viewer, event, participant_id)
    check_in_url = request.build_absolute_uri(
        reverse("events:check_in", args=[slug]) + f"?code={participant.qr_token}"
    )
    qr = segno.make(check_in_url, error="m")
    return {
        "event": event,
        "participant": participant,
        "mine": selectors.my_participants(viewer=viewer, event=event),
        "meetings": selectors.agenda_meetings(participant=participant),
        "sessions": event.sessions.all(),
        "qr_svg": qr.svg_inline(scale=4, title=_("Check-in code")),
        "operates": selectors.event_operates(viewer, event),
    }


@login_required
@not_found_as_404
def agenda(request: HttpRequest, slug: str) -> HttpResponse:
    context = _agenda_context(request, slug, _as_id(request))
    return render(request, "events/agenda.html", context)


@login_required
@not_found_as_404
def agenda_print(request: HttpRequest, slug: str, participant_id: int) -> HttpResponse:
    context = _agenda_context(request, slug, participant_id)
    return render(request, "events/agenda_print.html", context)


@login_required
@not_found_as_404
def agenda_ics(request: HttpRequest, slug: str, participant_id: int) -> HttpResponse:
    context = _agenda_context(request, slug, participant_id)
    body = calendar.agenda_ics(
        event=context["event"],
        participant=context["participant"],
        meetings=list(context["meetings"]),
        sessions=list(context["sessions"]),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{context["event"].slug}-{participant_id}.ics"'
    )
    return response


# --- Check-in ---------------------------------------------------------------------------------


def _token_from(code: str) -> str:
    """The token from what a scanner typed: the bare token or the agenda's check-in address."""
    code = (code or "").strip()
    if "code=" in code:
        values = parse_qs(urlparse(code).query).get("code")
        if values:
            return values[0]
    return code


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def check_in(request: HttpRequest, slug: str) -> HttpResponse:
    viewer, event = _operated(request, slug)
    form = CheckInForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        try:
            person, fresh = services.participant_check_in(
                viewer=viewer,
                event=event,
                checked_in_by=request.user,
                qr_token=_token_from(form.cleaned_data["code"]) or None,
                participant_id=form.cleaned_data["participant"],
            )
        except ApplicationError as error:
            messages.error(request, str(error.message))
        else:
            text = (
                _("%(name)s (%(firm)s) is checked in.")
                if fresh
                else _("%(name)s (%(firm)s) was already checked in.")
            )
            messages.success(
                request,
                text % {"name": person.name, "firm": person.registration.enterprise.display_name},
            )
        return redirect(reverse("events:check_in", args=[slug]) + "?q=" + request.POST.get("q", ""))
    q = request.GET.get("q", "")
    scanned = None
    token = _token_from(request.GET.get("code", ""))
    if token:
        scanned = selectors.participant_search(event=event, q="").filter(qr_token=token).first()
    people = selectors.participant_search(event=event, q=q)
    total = people.count() if not q else selectors.participant_search(event=event, q="").count()
    checked = (
        selectors.participant_search(event=event, q="").filter(checked_in_at__isnull=False).count()
    )
    context = {
        "event": event,
        "form": form,
        "q": q,
        "people": people[:50],
        "scanned": scanned,
        "total": total,
        "checked": checked,
    }
    return render(request, "events/check_in.html", context)
