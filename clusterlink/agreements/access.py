"""Who may do what with an agreement, decided once. The services and selectors call these (the
`access_*` checks first, then the write); views and API endpoints only parse, call and render.

- **See** an agreement: members of either party, operators of either party's cluster, the
  platform admin (`agreement_visible_q`). For anyone else it does not exist (NotFoundError).
- **Name a firm** as a party: only firms the actor may see in the directory (approved, listed
  firms, and those whose private data he sees). An unseen firm is refused with the very error a
  missing one gets, so that unlisted firms cannot be enumerated (`access_party`).
- **Record** an agreement: the actor acts for at least one of the two parties (a member of the
  firm, an operator of its cluster, the admin) and both parties are approved members of their
  clusters; a firm awaiting approval records nothing, or it would inflate the public outcome
  figures (`access_agreement_record`).
- **Move** an agreement: whoever may act for either party moves it to "in production" or cancels
  it. A signature and a delivery are confirmed by **both parties**, each by a member of its own
  firm and never twice by the same person: one party's mark leaves the agreement awaiting the
  other's confirmation (`access_agreement_move`, `agreement_moves_for`).
- **Operators and the signing ceremony.** Operators may record agreements for the firms of their
  clusters, so the question arises whether they may confirm a signature. They may not confirm for
  a party in general: one operator of a cluster both parties belong to would otherwise sign alone.
  The one exception is the stage: an operator of the event confirms a signature of an agreement
  on the running order of one of its signing ceremonies, because the parties sign there in
  public and the operator records what the hall witnessed. Each party's confirmation row then
  says `at_ceremony`. He does so only (`ceremony_parties`):
  - for the parties of clusters he operates: for both when he operates both parties' clusters;
    a party of another cluster confirms itself, as anywhere else. An operator could otherwise
    create an event, register a firm of another cluster and sign for it alone;
  - when both parties' registrations for the event are validated (a pending registration is no
    source of an agreement either: `registration_sources_q`);
  - once the ceremony session has started (clusterlink.common.clock.now), not before.
- **Running order**: operators of the event's clusters (and the admin) set it, with agreements
  they may see (`access_ceremony`, `access_ceremony_agreements`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clusterlink.accounts.access import MATCH_ALL, Viewer
from clusterlink.agreements.models import (
    CONFIRMED_STATUSES,
    NEXT_STATUSES,
    Agreement,
    AgreementConfirmation,
    AgreementStatus,
    Party,
)
from clusterlink.common import clock
from clusterlink.common.errors import ApplicationError, NotFoundError, PermissionError_
from clusterlink.common.validation import FieldErrors
from clusterlink.directory.access import enterprise_visible_q, is_cluster_member
from clusterlink.directory.models import Enterprise
from clusterlink.events.models import Event, EventSession, Registration

NOTHING = Q(pk__in=[])


class AgreementAccessCode(StrEnum):
    NOT_A_PARTY = "agreement_not_a_party"
    PARTY_CONFIRMS = "agreement_party_confirms"
    ALREADY_CONFIRMED = "agreement_already_confirmed"
    CEREMONY_NOT_STARTED = "agreement_ceremony_not_started"
    REGISTRATION_NOT_VALIDATED = "agreement_registration_not_validated"


# ---- see -------------------------------------------------------------------------------------


def agreement_visible_q(viewer: Viewer, prefix: str = "") -> Q:
    """Agreements (or rows reached through `prefix`) the viewer may see."""
    if viewer.is_platform_admin:
        return MATCH_ALL
    if not viewer.is_authenticated:
        return NOTHING
    return (
        Q(**{f"{prefix}buyer_id__in": viewer.enterprise_ids})
        | Q(**{f"{prefix}supplier_id__in": viewer.enterprise_ids})
        | Q(**{f"{prefix}buyer__cluster_id__in": viewer.operator_cluster_ids})
        | Q(**{f"{prefix}supplier__cluster_id__in": viewer.operator_cluster_ids})
    )


# ---- name a firm, record ---------------------------------------------------------------------


def may_act_for(viewer: Viewer, enterprise: Enterprise) -> bool:
    """Whether the viewer may record or move agreements on behalf of this firm (not confirm a
    signature for it: see `confirmable_parties`)."""
    return viewer.is_member_of(enterprise.pk) or viewer.operates(enterprise.cluster_id)


def access_party(
    viewer: Viewer, enterprise_id: int, field: str, errors: FieldErrors
) -> Enterprise | None:
    """The firm `enterprise_id` if the viewer may name it; otherwise None, with "Unknown
    enterprise." on `field`, the same for a firm that exists unseen as for one that does not."""
    firm = (
        Enterprise.objects.filter(enterprise_visible_q(viewer))
        .select_related("cluster")
        .filter(pk=enterprise_id)
        .first()
    )
    if firm is None:
        errors.add(field, _("Unknown enterprise."))
    return firm


def party_approval_errors(parties: Iterable[tuple[str, Enterprise]], errors: FieldErrors) -> bool:
    """Every party must be an approved member of its cluster (the parties are already firms the
    caller may see, so naming the reason reveals nothing). True when all are."""
    approved = True
    for field, firm in parties:
        if not is_cluster_member(firm):
            errors.add(
                field,
                _(
                    "This firm's membership of its cluster awaits an operator's approval; "
                    "it can record agreements once approved."
                ),
            )
            approved = False
    return approved


def access_agreement_record(
    viewer: Viewer, *, buyer_id: int, supplier_id: int, errors: FieldErrors
) -> tuple[Enterprise | None, Enterprise | None]:
    """The two parties of an agreement the viewer records, each None when refused, with the
    reason added to `errors` on `buyer_id` / `supplier_id`: a firm he may not see (worded as a
    missing one), neither firm one he acts for, a party that is not an approved member of its
    cluster. The caller raises once every field is checked."""
    buyer = access_party(viewer, buyer_id, "buyer_id", errors)
    supplier = access_party(viewer, supplier_id, "supplier_id", errors)
    if buyer is None or supplier is None:
        return buyer, supplier
    if not (may_act_for(viewer, buyer) or may_act_for(viewer, supplier)):
        errors.add("buyer_id", _("You can only record agreements your firm or cluster is part of."))
        return None, None
    if not party_approval_errors([("buyer_id", buyer), ("supplier_id", supplier)], errors):
        return None, None
    return buyer, supplier


def registration_sources_q(prefix: str = "") -> Q:
    """Registrations (or rows reached through `prefix`) through which a firm counts as registered
    at an event, for recording an agreement there and for signing it on the event's stage:
    validated ones only. A pending registration is anyone's claim (an operator's for a firm that
    never agreed to come)."""
    return Q(**{f"{prefix}status": Registration.Status.VALIDATED})


def validated_at_event(event_id: int, enterprise_ids: Iterable[int]) -> set[int]:
    """The firms of `enterprise_ids` whose registration for the event is validated."""
    return set(
        Registration.objects.filter(registration_sources_q())
        .filter(event_id=event_id, enterprise_id__in=list(enterprise_ids))
        .values_list("enterprise_id", flat=True)
    )


# ---- move ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    """What a move does: the parties it confirms (empty for a move one party makes alone; None
    for system work, which confirms every party still missing) and whether it is made at the
    signing ceremony."""

    to_status: str
    parties: tuple[str, ...] | None = ()
    at_ceremony: bool = False


def operates_event(viewer: Viewer, event: Event) -> bool:
    if viewer.is_platform_admin:
        return True
    return event.clusters.filter(pk__in=viewer.operator_cluster_ids).exists()


def _confirmed(agreement: Agreement, to_status: str) -> list[AgreementConfirmation]:
    return list(agreement.confirmations.filter(to_status=to_status).order_by("pk"))


def confirmable_parties(viewer: Viewer, agreement: Agreement, to_status: str) -> list[str]:
    """Parties of `agreement` for which the viewer may confirm `to_status` now: a party of which
    he is a member, that has not confirmed yet, when he has not confirmed for the other party."""
    done = _confirmed(agreement, to_status)
    if any(c.confirmed_by_id == viewer.user_id for c in done):
        return []
    confirmed_parties = {c.party for c in done}
    return [
        party
        for party in Party.values
        if party not in confirmed_parties and viewer.is_member_of(agreement.party_firm_id(party))
    ]


def _on_stage(viewer: Viewer, agreement: Agreement, to_status: str) -> bool:
    """A signature of an agreement on the running order of a signing ceremony of an event the
    viewer operates (what he may then confirm is `ceremony_parties`)."""
    session = agreement.ceremony_session
    return (
        to_status == AgreementStatus.SIGNED
        and session is not None
        and session.kind == EventSession.Kind.SIGNING_CEREMONY
        and operates_event(viewer, session.event)
    )


def _ceremony_refusal(agreement: Agreement) -> PermissionError_ | None:
    """Why a signature of this agreement cannot be recorded on its ceremony's stage now: the
    session has not started, or a party's registration for the event is not validated."""
    session = agreement.ceremony_session
    assert session is not None
    if session.starts_at > clock.now():
        return PermissionError_(
            _("The signing ceremony has not started yet; signatures are recorded on its stage."),
            code=AgreementAccessCode.CEREMONY_NOT_STARTED,
        )
    firms = {agreement.buyer_id, agreement.supplier_id}
    if validated_at_event(session.event_id, firms) != firms:
        return PermissionError_(
            _(
                "Both parties' registrations for the event must be validated before their "
                "signature is recorded on the stage."
            ),
            code=AgreementAccessCode.REGISTRATION_NOT_VALIDATED,
        )
    return None


def ceremony_parties(viewer: Viewer, agreement: Agreement, to_status: str) -> list[str]:
    """Parties of `agreement` for which the viewer, an operator of the event, confirms the
    signature on its ceremony's stage now (see the module's docstring): those still unconfirmed
    whose cluster he operates, once the session has started and when both parties'
    registrations are validated. Empty when he made a confirmation of it already."""
    if not _on_stage(viewer, agreement, to_status) or _ceremony_refusal(agreement) is not None:
        return []
    done = _confirmed(agreement, to_status)
    if any(c.confirmed_by_id == viewer.user_id for c in done):
        return []
    confirmed_parties = {c.party for c in done}
    clusters = {Party.BUYER.value: agreement.buyer.cluster_id}
    clusters[Party.SUPPLIER.value] = agreement.supplier.cluster_id
    return [
        party
        for party in Party.values
        if party not in confirmed_parties and viewer.operates(clusters[party])
    ]


def _may_move(viewer: Viewer, agreement: Agreement) -> bool:
    return may_act_for(viewer, agreement.buyer) or may_act_for(viewer, agreement.supplier)


def agreement_moves_for(viewer: Viewer, agreement: Agreement) -> list[str]:
    """The statuses the viewer may move (or confirm a move of) `agreement` to now, in pipeline
    order. While a move awaits the other party, that move is the only one besides cancelling."""
    if not _may_move(viewer, agreement):
        return []
    allowed = NEXT_STATUSES[agreement.status]
    if agreement.awaiting_status:
        allowed = frozenset({agreement.awaiting_status, AgreementStatus.CANCELLED})
    moves = []
    for status in AgreementStatus.values:
        if status not in allowed:
            continue
        if status in CONFIRMED_STATUSES and not (
            confirmable_parties(viewer, agreement, status)
            or ceremony_parties(viewer, agreement, status)
        ):
            continue
        moves.append(status)
    return moves


def access_agreement_move(viewer: Viewer, agreement: Agreement) -> None:
    """Whether the viewer may move `agreement` at all: NotFoundError when he may not see it,
    PermissionError_ (403: the row is his to see) when he acts for neither party. Which move
    follows the pipeline is the service's check; who confirms one is `access_agreement_confirm`."""
    if not Agreement.objects.filter(agreement_visible_q(viewer)).filter(pk=agreement.pk).exists():
        raise NotFoundError()
    if not _may_move(viewer, agreement):
        raise PermissionError_(
            _("Only the parties and their clusters' operators may move this agreement."),
            code=AgreementAccessCode.NOT_A_PARTY,
        )


def access_agreement_confirm(viewer: Viewer, agreement: Agreement, to_status: str) -> Move:
    """What the viewer's move of `agreement` to `to_status` confirms (after
    `access_agreement_move`): nothing for a move one party makes alone; for signed and delivered,
    the party he confirms for as its member, or on the signing ceremony's stage the parties
    `ceremony_parties` gives him. ApplicationError (409) when he confirmed it already;
    PermissionError_ when he confirms for no party (with the reason when the stage is not open to
    him yet: the session has not started, a registration is not validated)."""
    if to_status not in CONFIRMED_STATUSES:
        return Move(to_status=to_status)
    parties = confirmable_parties(viewer, agreement, to_status)
    if parties:
        return Move(to_status=to_status, parties=(parties[0],))
    on_stage = ceremony_parties(viewer, agreement, to_status)
    if on_stage:
        return Move(to_status=to_status, parties=tuple(on_stage), at_ceremony=True)
    if any(viewer.is_member_of(agreement.party_firm_id(p)) for p in Party.values) or any(
        c.confirmed_by_id == viewer.user_id for c in _confirmed(agreement, to_status)
    ):
        raise ApplicationError(
            _("You have confirmed this already; it awaits the other party's confirmation."),
            code=AgreementAccessCode.ALREADY_CONFIRMED,
            status=409,
        )
    if _on_stage(viewer, agreement, to_status):
        refusal = _ceremony_refusal(agreement)
        if refusal is not None:
            raise refusal
    raise PermissionError_(
        _(
            "Each party confirms a signature or a delivery itself; an operator records a "
            "signature only on a signing ceremony's stage."
        ),
        code=AgreementAccessCode.PARTY_CONFIRMS,
    )


# ---- signing ceremony ------------------------------------------------------------------------


def access_ceremony(viewer: Viewer, session_id: int) -> EventSession:
    """A signing-ceremony session whose running order the viewer may see and set: operators of
    the event's clusters and the admin; NotFoundError for anyone else."""
    session = (
        EventSession.objects.select_related("event")
        .filter(pk=session_id, kind=EventSession.Kind.SIGNING_CEREMONY)
        .first()
    )
    if session is None or not operates_event(viewer, session.event):
        raise NotFoundError()
    return session


def access_ceremony_agreements(viewer: Viewer, agreement_ids: list[int]) -> None:
    """Every agreement of a running order must be one the viewer may see; the ones he may not see
    are named like agreements of another event, so an id never confirms that a row exists."""
    visible = set(
        Agreement.objects.filter(agreement_visible_q(viewer))
        .filter(pk__in=agreement_ids)
        .values_list("pk", flat=True)
    )
    hidden = [pk for pk in agreement_ids if pk not in visible]
    if hidden:
        errors = FieldErrors()
        errors.add(
            "agreement_ids",
            _("Not an agreement of this event: %(ids)s") % {"ids": ", ".join(map(str, hidden))},
        )
        errors.raise_if_any()
