"""Writes of agreements: record one, move it along the pipeline, set a ceremony's running order.
Every write leaves a history row. The services that act for a user take the acting user, build
his Viewer and check it through clusterlink.agreements.access before writing (`access_*`, then
the write); `agreement_create` is the one write without an access check, for callers whose own
rule already decided (a match proposal both parties accepted, the demo loader)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from clusterlink.accounts.access import viewer_for
from clusterlink.agreements import access
from clusterlink.agreements.models import (
    CONFIRMED_STATUSES,
    NEXT_STATUSES,
    Agreement,
    AgreementConfirmation,
    AgreementStatus,
    AgreementType,
    Party,
)
from clusterlink.agreements.signals import agreement_cancelled
from clusterlink.common import clock
from clusterlink.common.errors import ApplicationError, NotFoundError
from clusterlink.common.validation import FieldErrors, full_clean_into
from clusterlink.directory.models import Enterprise
from clusterlink.events.models import Event, EventSession, Meeting, Participant


class AgreementErrorCode(StrEnum):
    ILLEGAL_TRANSITION = "agreement_illegal_transition"
    UNKNOWN_STATUS = "agreement_unknown_status"
    NOT_A_CEREMONY = "agreement_not_a_signing_ceremony"
    NOT_FOR_CEREMONY = "agreement_not_for_this_ceremony"
    SIGNED_IN_FUTURE = "agreement_signed_in_future"


def _check_figures(agreement: Agreement, errors: FieldErrors) -> None:
    """Checks full_clean would report less clearly (or not before the database does)."""
    if agreement.agreement_type not in AgreementType.values:
        errors.add(
            "agreement_type",
            _("Unknown agreement type: %(code)s") % {"code": agreement.agreement_type},
        )
    pairs = agreement.pairs
    if pairs is not None and (isinstance(pairs, bool) or not isinstance(pairs, int) or pairs < 1):
        errors.add("pairs", _("Pairs must be a whole number of at least 1."))
        agreement.pairs = None  # reported; keep full_clean from repeating it in other words
    amount = agreement.amount_rmb
    if amount is not None:
        if not isinstance(amount, Decimal):
            try:
                amount = Decimal(str(amount))
            except ArithmeticError:
                errors.add("amount_rmb", _("Enter an amount in RMB."))
                agreement.amount_rmb = None
                return
            agreement.amount_rmb = amount
        if not amount.is_finite():
            errors.add("amount_rmb", _("Enter an amount in RMB."))
            agreement.amount_rmb = None
        elif amount < 0:
            errors.add("amount_rmb", _("An amount in RMB cannot be negative."))
            agreement.amount_rmb = None
        elif amount != amount.quantize(Decimal("0.01")):
            errors.add("amount_rmb", _("An amount in RMB has at most two decimals."))
            agreement.amount_rmb = None
    if (
        agreement.buyer_id is not None
        and agreement.supplier_id is not None
        and agreement.buyer_id == agreement.supplier_id
    ):
        errors.add("supplier", _("The buyer and the supplier must be different firms."))


@transaction.atomic
def agreement_create(
    *,
    actor: Any,
    agreement_type: str,
    buyer: Enterprise,
    supplier: Enterprise,
    pairs: int | None = None,
    amount_rmb: Decimal | None = None,
    title: str = "",
    demand: Any = None,
    note: str = "",
    event: Event | None = None,
    meeting: Meeting | None = None,
) -> Agreement:
    """Record a cooperation intention between `buyer` and `supplier`, without an access check:
    for callers whose own rule decided who may record it (matching, once both parties accepted a
    proposal; the demo loader). A user's request goes through `agreement_record`.

    `actor` is the user who records it (None for system work such as the demo); it is written on
    the first history row. Both parties must be approved members of their clusters (an agreement
    of a firm awaiting approval would count in the public outcome figures). Raises
    ApplicationError naming every invalid field; writes nothing then. With a `meeting`, the
    parties must be the two firms that met and the event is the meeting's; with an `event`, both
    parties' registrations for it must be validated (a pending one is not accepted).
    """
    errors = FieldErrors()
    agreement = Agreement(
        agreement_type=agreement_type,
        title=(title or "").strip(),
        buyer=buyer,
        supplier=supplier,
        pairs=pairs,
        amount_rmb=amount_rmb,
        status=AgreementStatus.INTENTION,
        demand=demand,
        note=(note or "").strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
        event=event if event is not None else (meeting.event if meeting is not None else None),
        meeting=meeting,
    )
    _check_figures(agreement, errors)
    access.party_approval_errors([("buyer", buyer), ("supplier", supplier)], errors)
    _check_sources(agreement, errors)
    full_clean_into(agreement, errors, exclude=["created_by"])
    errors.raise_if_any()
    agreement._history_user = agreement.created_by  # type: ignore[attr-defined]
    agreement._change_reason = agreement.note[:100]  # type: ignore[attr-defined]
    agreement.save()
    return agreement


@transaction.atomic
def agreement_record(
    *,
    actor: Any,
    agreement_type: str,
    buyer_id: int,
    supplier_id: int,
    pairs: int | None = None,
    amount_rmb: Decimal | None = None,
    title: str = "",
    note: str = "",
    event_slug: str | None = None,
    meeting_id: int | None = None,
    demand_id: int | None = None,
) -> Agreement:
    """A user (`actor`) records a cooperation intention between two firms, optionally at an
    event, from a meeting or answering a demand, all named by id.

    Checks first (clusterlink.agreements.access): both firms are ones the actor may see, he acts
    for one of them, both are approved members of their clusters; the event, meeting and demand
    are ones he may record from. A firm, meeting, event or demand he may not see is reported on
    its field exactly like a missing one ("Unknown enterprise.", "Not found."). Raises one
    ApplicationError naming every field in error (`buyer_id`, `supplier_id`, `event`,
    `meeting_id`, `demand_id`, and the model's fields); writes nothing then.
    """
    from clusterlink.agreements import selectors
    from clusterlink.market.selectors import demand_get_for

    viewer = viewer_for(actor)
    errors = FieldErrors()
    buyer, supplier = access.access_agreement_record(
        viewer, buyer_id=buyer_id, supplier_id=supplier_id, errors=errors
    )
    sources: dict[str, Any] = {}
    lookups: list[tuple[str, Callable[[], Any] | None]] = [
        (
            "meeting_id",
            None
            if meeting_id is None
            else lambda: selectors.meeting_for_agreements(viewer, meeting_id),
        ),
        (
            "event",
            None
            if event_slug is None
            else lambda: selectors.event_for_agreements(viewer, event_slug),
        ),
        ("demand_id", None if demand_id is None else lambda: demand_get_for(viewer, demand_id)),
    ]
    for field, lookup in lookups:
        if lookup is None:
            continue
        try:
            sources[field] = lookup()
        except NotFoundError:
            errors.add(field, _("Not found."))
    errors.raise_if_any()
    assert buyer is not None and supplier is not None
    return agreement_create(
        actor=actor,
        agreement_type=agreement_type,
        buyer=buyer,
        supplier=supplier,
        pairs=pairs,
        amount_rmb=amount_rmb,
        title=title,
        note=note,
        meeting=sources.get("meeting_id"),
        event=sources.get("event"),
        demand=sources.get("demand_id"),
    )


def _check_sources(agreement: Agreement, errors: FieldErrors) -> None:
    meeting = agreement.meeting
    if meeting is not None:
        if agreement.event_id != meeting.event_id:
            errors.add("meeting", _("The meeting belongs to another event."))
        met = set(
            Participant.objects.filter(
                pk__in=[meeting.participant_a_id, meeting.participant_b_id]
            ).values_list("registration__enterprise_id", flat=True)
        )
        if {agreement.buyer_id, agreement.supplier_id} != met:
            errors.add("meeting", _("The parties must be the two firms that met."))
    elif agreement.event_id is not None:
        # Only validated registrations: a pending one may be an operator's claim for a firm that
        # never agreed to come (clusterlink.agreements.access.registration_sources_q).
        registered = access.validated_at_event(
            agreement.event_id, [agreement.buyer_id, agreement.supplier_id]
        )
        if agreement.buyer_id not in registered:
            errors.add("buyer", _("This firm is not registered at the event."))
        if agreement.supplier_id not in registered:
            errors.add("supplier", _("This firm is not registered at the event."))


@transaction.atomic
def agreement_transition(
    *,
    actor: Any,
    agreement: Agreement,
    to_status: str,
    note: str = "",
    signed_on: dt.date | None = None,
) -> Agreement:
    """The user `actor` moves `agreement` one step along intention → signed → in production →
    delivered, or to cancelled from any status that is not final. Locks the row so two concurrent
    moves cannot both start from the same status.

    Who may make which move is clusterlink.agreements.access's rule (NotFoundError for an
    agreement he may not see, PermissionError_ for a move that is not his). A signature and a
    delivery are confirmed by both parties: the first party's mark records its confirmation
    (AgreementConfirmation: who, which party, when, the day it says it signed) and leaves the
    status as it is, awaiting the other party (`awaiting_status`, `awaiting_party`); the other
    party's confirmation makes the move. An operator at a signing ceremony that has started
    confirms for the parties of the clusters he operates (both when he operates both), when both
    parties' registrations for the event are validated; see clusterlink.agreements.access.
    `actor=None` is system work (the demo loader), never a request: it confirms for both.
    While a move awaits, only it (confirmed by the other party) or cancelling may follow;
    cancelling clears it. The signing day is the one the first party gave (default today; never
    in the future); `signed_by` is who completed the signature.
    Raises ApplicationError with code `agreement_illegal_transition` (or
    `agreement_unknown_status`, `agreement_signed_in_future`, `agreement_already_confirmed`);
    writes nothing then.
    """
    locked = (
        # Lock the agreement only: PostgreSQL refuses FOR UPDATE on the nullable side of the
        # ceremony join, and the parties and the session are read, not changed.
        Agreement.objects.select_for_update(of=("self",))
        .select_related("buyer", "supplier", "ceremony_session__event")
        .get(pk=agreement.pk)
    )
    if actor is not None:  # None: system work (the demo loader), never a request
        viewer = viewer_for(actor)
        access.access_agreement_move(viewer, locked)
    if to_status not in AgreementStatus.values:
        raise ApplicationError(
            _("Unknown agreement status: %(status)s") % {"status": to_status},
            code=AgreementErrorCode.UNKNOWN_STATUS,
            details={"to_status": [str(_("Unknown status."))]},
        )
    allowed = NEXT_STATUSES[locked.status]
    if locked.awaiting_status:
        allowed = frozenset({locked.awaiting_status, AgreementStatus.CANCELLED})
    if to_status not in allowed:
        raise ApplicationError(
            _("An agreement cannot move from “%(from)s” to “%(to)s”.")
            % {
                "from": AgreementStatus(locked.status).label,
                "to": AgreementStatus(to_status).label,
            },
            code=AgreementErrorCode.ILLEGAL_TRANSITION,
            details={
                "to_status": [
                    str(_("Allowed next statuses: %(allowed)s"))
                    % {
                        "allowed": ", ".join(
                            str(AgreementStatus(s).label)
                            for s in AgreementStatus.values
                            if s in allowed
                        )
                        or "—"
                    }
                ]
            },
        )
    if to_status == AgreementStatus.SIGNED and signed_on is not None and signed_on > clock.today():
        raise ApplicationError(
            _("The signing date cannot be in the future."),
            code=AgreementErrorCode.SIGNED_IN_FUTURE,
            details={"signed_on": [str(_("Enter today or an earlier day."))]},
        )
    move = (
        access.access_agreement_confirm(viewer, locked, to_status)
        if actor is not None
        # System work confirms for both parties (on the ceremony's stage when it is on one).
        else access.Move(
            to_status=to_status, parties=None, at_ceremony=locked.ceremony_session_id is not None
        )
    )
    user = actor if getattr(actor, "pk", None) else None
    reason = (note or "").strip()[:100]
    if to_status in CONFIRMED_STATUSES and not _confirm(locked, move, user, reason, signed_on):
        locked._history_user = user  # type: ignore[attr-defined]
        locked._change_reason = reason  # type: ignore[attr-defined]
        locked.save()
        return locked
    if to_status == AgreementStatus.SIGNED:
        first = locked.confirmations.filter(to_status=to_status).order_by("pk").first()
        day = first.signed_on if first is not None else None
        locked.signed_on = day or signed_on or locked.signed_on or clock.today()
        locked.signed_by = user
    locked.awaiting_status = ""
    locked.awaiting_party = ""
    locked.status = to_status
    locked._history_user = user  # type: ignore[attr-defined]
    locked._change_reason = reason  # type: ignore[attr-defined]
    locked.save()
    if to_status == AgreementStatus.CANCELLED:
        agreement_cancelled.send(sender=Agreement, actor=actor, agreement=locked)
    return locked


def _confirm(
    agreement: Agreement,
    move: access.Move,
    user: Any,
    note: str,
    signed_on: dt.date | None,
) -> bool:
    """Record the confirmation(s) `move` makes; True when both parties have now confirmed it,
    else mark the agreement awaiting the party still missing (saved by the caller)."""
    to_status = move.to_status
    confirmed = set(
        agreement.confirmations.filter(to_status=to_status).values_list("party", flat=True)
    )
    parties = (
        list(move.parties)
        if move.parties is not None
        else [p for p in Party.values if p not in confirmed]
    )
    for party in parties:
        AgreementConfirmation.objects.create(
            agreement=agreement,
            to_status=to_status,
            party=party,
            confirmed_by=user,
            at_ceremony=move.at_ceremony,
            signed_on=(signed_on or clock.today()) if to_status == AgreementStatus.SIGNED else None,
            note=note,
        )
    missing = [p for p in Party.values if p not in confirmed | set(parties)]
    if not missing:
        return True
    agreement.awaiting_status = to_status
    agreement.awaiting_party = missing[0]
    return False


@transaction.atomic
def agreement_ceremony_order(
    *, actor: Any, session: EventSession, agreement_ids: list[int]
) -> list[Agreement]:
    """The user `actor` sets the running order of a signing ceremony: `agreement_ids` in the order
    they are signed on stage. Agreements of the session that are left out leave the stage.

    Access first (clusterlink.agreements.access): the session must be one whose event the actor
    operates (NotFoundError otherwise), and every agreement one he may see; one he may not see is
    named like an agreement of another event. Every agreement must be of the session's event and
    not cancelled; each appears once. Writes a history row for every agreement whose place
    changed; writes nothing when anything is wrong. `actor=None` is system work (the demo).
    """
    if actor is not None:
        viewer = viewer_for(actor)
        session = access.access_ceremony(viewer, session.pk)
        access.access_ceremony_agreements(viewer, agreement_ids)
    if session.kind != EventSession.Kind.SIGNING_CEREMONY:
        raise ApplicationError(
            _("Only a signing-ceremony session has a running order."),
            code=AgreementErrorCode.NOT_A_CEREMONY,
            details={"session": [str(_("Choose a signing-ceremony session."))]},
        )
    if len(set(agreement_ids)) != len(agreement_ids):
        raise ApplicationError(
            _("An agreement appears twice in the running order."),
            code=AgreementErrorCode.NOT_FOR_CEREMONY,
            details={"agreement_ids": [str(_("Each agreement may appear only once."))]},
        )
    wanted = {
        a.pk: a
        for a in Agreement.objects.select_for_update().filter(pk__in=agreement_ids).order_by("pk")
    }
    bad = [
        pk
        for pk in agreement_ids
        if pk not in wanted
        or wanted[pk].event_id != session.event_id
        or wanted[pk].status == AgreementStatus.CANCELLED
    ]
    if bad:
        raise ApplicationError(
            _("Only agreements of this event that are not cancelled can be signed on its stage."),
            code=AgreementErrorCode.NOT_FOR_CEREMONY,
            details={
                "agreement_ids": [
                    str(_("Not an agreement of this event: %(ids)s"))
                    % {"ids": ", ".join(str(pk) for pk in bad)}
                ]
            },
        )
    current = list(
        Agreement.objects.select_for_update().filter(ceremony_session=session).order_by("pk")
    )
    before = {a.pk: a.ceremony_position for a in current}
    # Free every place first: positions are unique per session, and SQLite cannot defer that check.
    Agreement.objects.filter(ceremony_session=session).update(
        ceremony_session=None, ceremony_position=None
    )
    history_user = actor if getattr(actor, "pk", None) else None
    for position, pk in enumerate(agreement_ids, start=1):
        agreement = wanted[pk]
        agreement.ceremony_session = session
        agreement.ceremony_position = position
        if before.get(pk) != position:
            agreement._history_user = history_user  # type: ignore[attr-defined]
            agreement._change_reason = ""  # type: ignore[attr-defined]
            agreement.save()
        else:
            agreement.save_without_historical_record()  # type: ignore[attr-defined]
    for agreement in current:
        if agreement.pk not in wanted:
            agreement.ceremony_session = None
            agreement.ceremony_position = None
            agreement._history_user = history_user  # type: ignore[attr-defined]
            agreement._change_reason = ""  # type: ignore[attr-defined]
            agreement.save()
    return [wanted[pk] for pk in agreement_ids]
