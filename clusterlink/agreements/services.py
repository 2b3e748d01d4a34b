"""Writes of agreements: record one, move it along the pipeline. Every write leaves a history row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from clusterlink.agreements.models import (
    NEXT_STATUSES,
    Agreement,
    AgreementStatus,
    AgreementType,
)
from clusterlink.agreements.signals import agreement_cancelled
from clusterlink.common import clock
from clusterlink.common.errors import ApplicationError
from clusterlink.common.validation import FieldErrors, full_clean_into
from clusterlink.directory.models import Enterprise
from clusterlink.events.models import Event, EventSession, Meeting, Participant, Registration


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
    """Record a cooperation intention between `buyer` and `supplier`.

    `actor` is the user who records it (None for system work such as the demo); it is written on
    the first history row. Raises ApplicationError naming every invalid field; writes nothing then.
    With a `meeting`, the parties must be the two firms that met and the event is the meeting's;
    with an `event`, both parties must be registered at it. Access (who may record an agreement
    for whom) is checked by the caller's selector.
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
    _check_sources(agreement, errors)
    full_clean_into(agreement, errors, exclude=["created_by"])
    errors.raise_if_any()
    agreement._history_user = agreement.created_by  # type: ignore[attr-defined]
    agreement._change_reason = agreement.note[:100]  # type: ignore[attr-defined]
    agreement.save()
    return agreement


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
        registered = set(
            Registration.objects.filter(
                event_id=agreement.event_id,
                enterprise_id__in=[agreement.buyer_id, agreement.supplier_id],
            )
            .exclude(status=Registration.Status.REJECTED)
            .values_list("enterprise_id", flat=True)
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
    """Move `agreement` one step along intention → signed → in production → delivered, or to
    cancelled from any status that is not final. Locks the row so two concurrent moves cannot
    both start from the same status. Moving to signed records the signing day (`signed_on`,
    by default a day already recorded or today; never in the future) and who marked it.
    Raises ApplicationError with code `agreement_illegal_transition` (or
    `agreement_unknown_status`, `agreement_signed_in_future`); writes nothing then.
    """
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if to_status not in AgreementStatus.values:
        raise ApplicationError(
            _("Unknown agreement status: %(status)s") % {"status": to_status},
            code=AgreementErrorCode.UNKNOWN_STATUS,
            details={"to_status": [str(_("Unknown status."))]},
        )
    if to_status not in NEXT_STATUSES[locked.status]:
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
                            if s in NEXT_STATUSES[locked.status]
                        )
                        or "—"
                    }
                ]
            },
        )
    if to_status == AgreementStatus.SIGNED:
        if signed_on is not None and signed_on > clock.today():
            raise ApplicationError(
                _("The signing date cannot be in the future."),
                code=AgreementErrorCode.SIGNED_IN_FUTURE,
                details={"signed_on": [str(_("Enter today or an earlier day."))]},
            )
        locked.signed_on = signed_on or locked.signed_on or clock.today()
        locked.signed_by = actor if getattr(actor, "pk", None) else None
    locked.status = to_status
    locked._history_user = actor if getattr(actor, "pk", None) else None  # type: ignore[attr-defined]
    locked._change_reason = (note or "").strip()[:100]  # type: ignore[attr-defined]
    locked.save()
    if to_status == AgreementStatus.CANCELLED:
        agreement_cancelled.send(sender=Agreement, actor=actor, agreement=locked)
    return locked


@transaction.atomic
def agreement_ceremony_order(
    *, actor: Any, session: EventSession, agreement_ids: list[int]
) -> list[Agreement]:
    """Set the running order of a signing ceremony: `agreement_ids` in the order they are signed on
    stage. Agreements of the session that are left out leave the stage. Every agreement must be of
    the session's event and not cancelled; each appears once. Writes a history row for every
    agreement whose place changed; writes nothing when anything is wrong.
    """
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
