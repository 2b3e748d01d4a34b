"""Who may do what at a docking event: every rule of the events app, written once.

The services call the `access_*` functions before they write (the Zulip pattern: `access_*`
then `do_*`), the selectors build their filters from the `*_q` functions, and the templates ask
`meeting_actions` which buttons to show; views and API endpoints decide nothing themselves.

- Operating an event: the operators of any of its clusters, and the platform admin. An event's
  clusters are ones its creator operates (every one of them); whoever changes them adds only
  clusters he operates. Otherwise an operator could attach a cluster that is not his and make
  its firms' registrations his to decide (`access_event_clusters`).
- Seeing an event page: public events (not drafts) for everyone; members-only events for the
  approved members and the operators of its clusters; registered-only events for the people of
  an approved firm registered for it; every event, drafts too, for its operators. A firm whose
  cluster membership is pending or refused sees what the public sees.
- Registering a firm: its own people, or an operator of the event on behalf of a firm of a
  cluster he operates (the admin: any firm). Another cluster's firm is refused like a missing
  one: an operator registering it would make it sign at his event without its consent.
- Requesting a meeting: the people of a validated firm (or the event's operators acting for
  them), towards a validated representative of another approved firm; a registration still
  pending, or a firm whose cluster membership is not approved, is not named to anyone but its
  own people and the operators (`requestable_participant_q`).
- Changing a meeting: the operators move it and give it any status the state machine allows;
  its two parties may confirm or cancel it and record its outcome.
- A factory's free capacity (and whether it covers an order) only for whom the directory shows
  it: the firm's own people and its cluster's operators.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clusterlink.accounts.access import MATCH_ALL, Viewer
from clusterlink.common.errors import ApplicationError, ConflictError, NotFoundError
from clusterlink.common.validation import FieldErrors
from clusterlink.directory.access import enterprise_visible_q, is_cluster_member
from clusterlink.directory.models import Cluster, ClusterStatus, Enterprise
from clusterlink.events.errors import EventErrorCode
from clusterlink.events.models import Event, Meeting, Participant, Registration

# --- Events -----------------------------------------------------------------------------------


def event_operated_q(viewer: Viewer) -> Q:
    """Events the viewer operates."""
    if viewer.is_platform_admin:
        return MATCH_ALL
    return Q(clusters__in=viewer.operator_cluster_ids)


def event_visible_q(viewer: Viewer) -> Q:
    """Events whose page the viewer may see (see the module's docstring)."""
    listed = ~Q(status=Event.Status.DRAFT)
    public = listed & Q(visibility=Event.Visibility.PUBLIC)
    if not viewer.is_authenticated:
        return public
    # member_cluster_ids counts only clusters that approved the viewer's firm.
    clusters = (
        listed
        & Q(visibility=Event.Visibility.CLUSTERS)
        & Q(clusters__in=viewer.member_cluster_ids | viewer.operator_cluster_ids)
    )
    # A registration opens the event only to an approved firm: a pending firm registered by
    # anyone would otherwise read a members-only event through its own registration.
    registered = listed & Q(
        registrations__enterprise_id__in=viewer.enterprise_ids,
        registrations__enterprise__cluster_status=ClusterStatus.APPROVED,
    )
    return public | clusters | registered | event_operated_q(viewer)


def operates_event(viewer: Viewer, event: Event) -> bool:
    if viewer.is_platform_admin:
        return True
    return any(c.pk in viewer.operator_cluster_ids for c in event.clusters.all())


def access_event_operated(viewer: Viewer, event: Event) -> None:
    """NotFoundError unless the viewer operates the event (never a 403 that confirms it)."""
    if not operates_event(viewer, event):
        raise NotFoundError()


def access_event_clusters(
    viewer: Viewer,
    clusters: Iterable[Cluster],
    errors: FieldErrors,
    *,
    already: Iterable[Cluster] = (),
) -> None:
    """The clusters `viewer` gives an event (creating it, or changing them; `already`: the event's
    clusters before the change). At least one; every cluster he adds must be one he operates (the
    admin may add any), so that an event's clusters are all its creator's. A cluster the event
    already has may stay when a co-operator of another of its clusters edits it. Adds the
    reason on "clusters" to `errors`."""
    clusters = list(clusters)
    if not clusters:
        errors.add("clusters", _("Choose at least one cluster."))
        return
    if viewer.is_platform_admin:
        return
    kept = {c.pk for c in already}
    if any(c.pk not in kept and not viewer.operates(c.pk) for c in clusters):
        errors.add("clusters", _("You can only choose clusters you operate."))
    elif not any(viewer.operates(c.pk) for c in clusters):
        errors.add("clusters", _("You must operate at least one of the event's clusters."))


# --- Registration and representatives ---------------------------------------------------------


def registrable_enterprise_q(viewer: Viewer, event: Event) -> Q:
    """Firms the viewer may register for the event: his own; for its operators, the firms of
    the clusters they operate (any firm the directory shows the admin). Not another cluster's
    firm, which its own people register: see the module's docstring."""
    own = Q(pk__in=viewer.enterprise_ids)
    if viewer.is_platform_admin:
        return own | enterprise_visible_q(viewer)
    if operates_event(viewer, event):
        return own | Q(cluster_id__in=viewer.operator_cluster_ids)
    return own


def access_registration_create(viewer: Viewer, event: Event, enterprise: Enterprise | None) -> None:
    """Refuse a firm the viewer may not register; an unknown id gets the same answer as a firm
    the viewer may not name, so that ids cannot be told apart."""
    if (
        enterprise is None
        or not Enterprise.objects.filter(registrable_enterprise_q(viewer, event))
        .filter(pk=enterprise.pk)
        .exists()
    ):
        raise ApplicationError(
            _("Some fields are not valid."),
            code=EventErrorCode.NOT_REGISTERED,
            details={
                "enterprise_id": [str(_("You can only register a firm you are a member of."))]
            },
        )


def may_manage_participant(viewer: Viewer, participant: Participant) -> bool:
    """A representative's details, agenda and requests: his firm's people and the operators."""
    return viewer.is_member_of(participant.registration.enterprise_id) or operates_event(
        viewer, participant.registration.event
    )


def access_participant(viewer: Viewer, participant: Participant) -> None:
    if not may_manage_participant(viewer, participant):
        raise NotFoundError()


# --- Meeting requests -------------------------------------------------------------------------


def requestable_participant_q(event: Event) -> Q:
    """Representatives others may see named and ask to meet: those of firms whose registration
    is validated and whose cluster membership is approved (a pending firm is not listed
    anywhere, at an event neither)."""
    return Q(
        registration__event=event,
        registration__status=Registration.Status.VALIDATED,
        registration__enterprise__cluster_status=ClusterStatus.APPROVED,
    )


def is_requestable(participant: Participant) -> bool:
    """`requestable_participant_q` for one representative already read."""
    registration = participant.registration
    return registration.status == Registration.Status.VALIDATED and is_cluster_member(
        registration.enterprise
    )


def access_meeting_request(viewer: Viewer, sender: Participant, target: Participant) -> None:
    """Whether the viewer may have `sender` ask to meet `target`.

    The sender must be one the viewer manages and validated; the target a validated
    representative of another firm at the same event. A target who is unknown, at another event
    or not validated gets one answer, which names nobody: a pending registrant stays unnamed."""
    access_participant(viewer, sender)
    event = sender.registration.event
    if sender.registration.status != Registration.Status.VALIDATED:
        raise ApplicationError(
            _("Your firm's registration for this event is not validated yet."),
            code=EventErrorCode.NOT_REGISTERED,
            details={"from_participant": [str(_("The firm's registration is not validated."))]},
        )
    if target.registration.event_id != event.pk or not is_requestable(target):
        raise ApplicationError(
            _("Some fields are not valid."),
            code=EventErrorCode.NOT_REGISTERED,
            details={"to_participant": [str(_("No participant of this event has this id."))]},
        )
    if (
        sender.pk == target.pk
        or sender.registration.enterprise_id == target.registration.enterprise_id
    ):
        raise ApplicationError(
            _("You cannot ask to meet yourself or a colleague of your own firm."),
            code=EventErrorCode.REQUEST_TO_SELF,
            details={"to_participant": [str(_("Choose a representative of another firm."))]},
        )


def suggestion_firm_q() -> Q:
    """Firms an event may suggest meeting: approved members of their cluster only."""
    return Q(registration__enterprise__cluster_status=ClusterStatus.APPROVED)


def may_see_capacity_of(viewer: Viewer, enterprise_id: int, cluster_id: int | None) -> bool:
    """A factory's free capacity, and whether it covers an order: the directory's rule."""
    return viewer.may_see_private_of(enterprise_id, cluster_id)


# --- Meetings ---------------------------------------------------------------------------------

# The meeting's state machine: the statuses each status may become through a status change.
# Recording an outcome makes any meeting but a cancelled one held (see OUTCOME_STATUSES).
STATUS_MOVES: dict[str, tuple[str, ...]] = {
    Meeting.Status.SCHEDULED: (
        Meeting.Status.CONFIRMED,
        Meeting.Status.CANCELLED,
        Meeting.Status.NO_SHOW,
    ),
    Meeting.Status.CONFIRMED: (Meeting.Status.CANCELLED, Meeting.Status.NO_SHOW),
    Meeting.Status.CANCELLED: (Meeting.Status.SCHEDULED,),
    Meeting.Status.NO_SHOW: (Meeting.Status.SCHEDULED,),
    Meeting.Status.HELD: (),
}
# Statuses from which a meeting may be moved to another slot or table.
MOVABLE_STATUSES = (Meeting.Status.SCHEDULED, Meeting.Status.CONFIRMED)
# Statuses from which an outcome may be recorded.
OUTCOME_STATUSES = tuple(s for s in Meeting.Status.values if s != Meeting.Status.CANCELLED)
# What a party (not an operator) may do to its own meeting's status.
PARTY_STATUSES = (Meeting.Status.CONFIRMED, Meeting.Status.CANCELLED)
MOVE = "move"


def is_meeting_party(viewer: Viewer, meeting: Meeting) -> bool:
    return viewer.is_member_of(
        meeting.participant_a.registration.enterprise_id
    ) or viewer.is_member_of(meeting.participant_b.registration.enterprise_id)


def meeting_visible_q(viewer: Viewer, event: Event) -> Q:
    """Meetings of the event the viewer may see: his firms' ones, every one for its operators."""
    if operates_event(viewer, event):
        return MATCH_ALL
    return Q(participant_a__registration__enterprise_id__in=viewer.enterprise_ids) | Q(
        participant_b__registration__enterprise_id__in=viewer.enterprise_ids
    )


def meeting_actions(viewer: Viewer, event: Event, meeting: Meeting) -> tuple[str, ...]:
    """What the viewer may do to the meeting now: MOVE and the statuses it may become, in the
    order of STATUS_MOVES. The pages show exactly these buttons."""
    operates = operates_event(viewer, event)
    if not operates and not is_meeting_party(viewer, meeting):
        return ()
    statuses = STATUS_MOVES.get(meeting.status, ())
    if not operates:
        return tuple(s for s in statuses if s in PARTY_STATUSES)
    return ((MOVE,) if meeting.status in MOVABLE_STATUSES else ()) + statuses


def access_meeting_change(
    viewer: Viewer, event: Event, meeting: Meeting, *, move: bool, status: str | None
) -> None:
    """Whether the viewer may make this change, judged on the meeting as it stands.

    Who: NotFoundError for a meeting the viewer may not see, for a move by a non-operator and
    for a status a party may not give (as if the action did not exist). What: ConflictError for
    a move or a status the meeting's current status does not allow."""
    operates = operates_event(viewer, event)
    if not operates and not is_meeting_party(viewer, meeting):
        raise NotFoundError()
    if move and not operates:
        raise NotFoundError()
    if status is not None and not operates and status not in PARTY_STATUSES:
        raise NotFoundError()
    if move and meeting.status not in MOVABLE_STATUSES:
        raise ConflictError(
            _("Only scheduled or confirmed meetings can be moved."),
            code=EventErrorCode.SCHEDULE_CONFLICT,
            details={"slot": [str(_("This meeting cannot be moved."))]},
        )
    if status is not None and status not in STATUS_MOVES.get(meeting.status, ()):
        raise ConflictError(
            _("A meeting that is %(current)s cannot become %(new)s.")
            % {
                "current": meeting.get_status_display(),
                "new": dict(Meeting.Status.choices).get(status, status),
            },
            code=EventErrorCode.SCHEDULE_CONFLICT,
            details={"status": [str(_("Not allowed from the meeting's status."))]},
        )


def access_meeting_outcome(viewer: Viewer, event: Event, meeting: Meeting) -> None:
    """The two parties and the operators record a meeting's outcome (and read its notes)."""
    if not operates_event(viewer, event) and not is_meeting_party(viewer, meeting):
        raise NotFoundError()
