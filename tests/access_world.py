"""The world both access matrices plant: two clusters, one firm per role, canary rows.

Roles (one user each): anonymous, outsider (a firm of another cluster), cluster_peer (another
firm of Putian), owner (owns Putian's factory and brand), shared_partner (a firm of another
cluster the brand's private demand is shared with), operator (of Putian), other_operator (of the
other cluster), admin (platform superuser).

`plant_world()` plants what the read matrix crawls; `plant_write_canaries()` adds the rows the
write matrix tries to change (match runs and proposals, an agreement, a quote, meetings, a
pending registration, an import job, a duplicate candidate, a firm awaiting approval, tokens).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.test import Client

from clusterlink.accounts.models import Membership, OperatorScope, User
from clusterlink.common import clock
from clusterlink.directory.models import CapacityWeek, Category, Enterprise
from clusterlink.market.models import Demand, DemandShare, DemandType, Visibility
from tests.directory.factories import ClusterFactory, EnterpriseFactory

ROLES = [
    "anonymous",
    "outsider",
    "cluster_peer",
    "owner",
    "shared_partner",
    "operator",
    "other_operator",
    "admin",
]
# Users log in with force_login: no password, so that planting does not spend seconds hashing.
PASSWORD = None


@dataclass
class Planted:
    # factory_boy's factories are typed as themselves, not as the rows they make.
    clusters: dict[str, Any]
    firms: dict[str, Any]
    users: dict[str, User | None]
    demands: dict[str, Demand]
    capacity: CapacityWeek
    # Filled by plant_events / plant_write_canaries: name → row.
    rows: dict[str, Any] = field(default_factory=dict)


def login(user: User | None) -> Client:
    """A client of the user; a view's exception is answered 500 (as in production) instead of
    being raised into the test, so that one broken route does not hide the rest of the matrix."""
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def plant_world() -> Planted:
    """Firms, users, a capacity week and four demands of every visibility, then the events."""
    putian, other = ClusterFactory(slug="putian"), ClusterFactory(slug="elsewhere")
    factory = EnterpriseFactory(
        cluster=putian, contact_email="canary-contact@secret.cn", roles=["oem_factory"]
    )
    brand = EnterpriseFactory(cluster=putian, roles=["brand"])
    peer = EnterpriseFactory(cluster=putian)
    outsider_firm = EnterpriseFactory(cluster=other)
    partner = EnterpriseFactory(cluster=other)
    unlisted = EnterpriseFactory(
        cluster=putian,
        legal_name="CANARY-UNLISTED-FIRM",
        name_en="CANARY-UNLISTED-FIRM",
        is_listed=False,
    )
    category = Category.objects.get(code="sports-shoes")
    week = clock.current_week() + dt.timedelta(weeks=2)
    capacity = CapacityWeek.objects.create(
        enterprise=factory,
        category=category,
        week=week,
        free_pairs=7000,
        unit_price_min_rmb=Decimal("66.61"),
        unit_price_max_rmb=Decimal("70.00"),
    )
    common = dict(
        owner=brand,
        demand_type=DemandType.PROCESSING_ORDER,
        category=category,
        pairs=10_000,
        delivery_week=week + dt.timedelta(weeks=4),
    )
    private = Demand.objects.create(
        title="CANARY-PRIVATE-DEMAND",
        visibility=Visibility.PRIVATE,
        target_unit_price_rmb=Decimal("55.51"),
        **common,
    )
    cluster_only = Demand.objects.create(
        title="CANARY-CLUSTER-DEMAND", visibility=Visibility.CLUSTER, **common
    )
    public = Demand.objects.create(
        title="Public running shoes order",
        visibility=Visibility.PUBLIC,
        target_unit_price_rmb=Decimal("44.41"),
        **common,
    )
    draft = Demand.objects.create(
        title="CANARY-DRAFT-DEMAND",
        visibility=Visibility.PUBLIC,
        status=Demand.Status.DRAFT,
        **common,
    )
    DemandShare.objects.create(demand=private, enterprise=partner)
    DemandShare.objects.create(demand=cluster_only, enterprise=partner)

    users: dict[str, User | None] = {"anonymous": None}
    for role in ROLES[1:]:
        users[role] = User.objects.create_user(
            role,
            f"{role}@example.cn",
            PASSWORD,
            is_superuser=role == "admin",
            is_staff=role == "admin",
        )
    Membership.objects.create(user=users["outsider"], enterprise=outsider_firm)
    Membership.objects.create(user=users["cluster_peer"], enterprise=peer)
    Membership.objects.create(user=users["owner"], enterprise=factory, role=Membership.Role.OWNER)
    Membership.objects.create(user=users["owner"], enterprise=brand, role=Membership.Role.OWNER)
    Membership.objects.create(user=users["shared_partner"], enterprise=partner)
    OperatorScope.objects.create(user=users["operator"], cluster=putian)
    OperatorScope.objects.create(user=users["other_operator"], cluster=other)
    planted = Planted(
        clusters={"putian": putian, "elsewhere": other},
        firms={
            "factory": factory,
            "brand": brand,
            "peer": peer,
            "outsider_firm": outsider_firm,
            "partner": partner,
            "unlisted": unlisted,
        },
        users=users,
        demands={"private": private, "cluster": cluster_only, "public": public, "draft": draft},
        capacity=capacity,
    )
    plant_events(planted)
    return planted


def plant_events(planted: Planted) -> None:
    """A private event of Putian's cluster where the factory and the partner firm are registered,
    with a representative's e-mail and a meeting note; and a draft event."""
    from clusterlink.events.models import Event, Meeting, Participant, Registration, Slot

    putian = planted.clusters["putian"]
    common = dict(starts_on=dt.date(2026, 12, 10), ends_on=dt.date(2026, 12, 10), venue_zh="莆田")
    event = Event.objects.create(
        slug="canary-private",
        name_zh="CANARY-PRIVATE-EVENT",
        name_en="CANARY-PRIVATE-EVENT",
        name_ja="CANARY-PRIVATE-EVENT",
        visibility=Event.Visibility.PRIVATE,
        status=Event.Status.REGISTRATION_OPEN,
        **common,
    )
    draft = Event.objects.create(
        slug="canary-draft",
        name_zh="CANARY-DRAFT-EVENT",
        name_en="CANARY-DRAFT-EVENT",
        name_ja="CANARY-DRAFT-EVENT",
        status=Event.Status.DRAFT,
        **common,
    )
    for row in (event, draft):
        row.clusters.set([putian])
    start = dt.datetime(2026, 12, 10, 6, 0, tzinfo=dt.UTC)
    slot = Slot.objects.create(
        event=event, starts_at=start, ends_at=start + dt.timedelta(minutes=20)
    )
    people = []
    registrations = []
    for firm, email in (
        (planted.firms["factory"], "canary-participant@secret.cn"),
        (planted.firms["partner"], ""),
    ):
        registration = Registration.objects.create(
            event=event, enterprise=firm, status=Registration.Status.VALIDATED
        )
        registrations.append(registration)
        people.append(
            Participant.objects.create(
                registration=registration, name="代表", role="supplier", email=email
            )
        )
    meeting = Meeting.objects.create(
        event=event,
        participant_a=people[0],
        participant_b=people[1],
        slot=slot,
        table=1,
        status=Meeting.Status.HELD,
        notes="CANARY-MEETING-NOTE",
    )
    planted.rows.update(
        event=event,
        draft_event=draft,
        slot=slot,
        factory_registration=registrations[0],
        partner_registration=registrations[1],
        factory_participant=people[0],
        partner_participant=people[1],
        held_meeting=meeting,
    )


def plant_write_canaries(planted: Planted) -> None:
    """Rows the write matrix tries to change, each in Putian unless said otherwise."""
    from clusterlink.accounts.tokens import api_token_create
    from clusterlink.agreements.models import Agreement, AgreementStatus, AgreementType
    from clusterlink.directory.models import DuplicateCandidate, ImportJob
    from clusterlink.events.models import (
        EventSession,
        EventUnit,
        Meeting,
        Registration,
        ScheduleRun,
        Slot,
    )
    from clusterlink.market.models import Quote
    from clusterlink.matching.models import MatchPlacement, MatchRun, Proposal

    firms, users, rows = planted.firms, planted.users, planted.rows
    putian = planted.clusters["putian"]
    operator = users["operator"]
    assert operator is not None
    category = Category.objects.get(code="sports-shoes")

    # A firm that asked to join Putian and waits for its operators; its owner has no role here.
    applicant = User.objects.create_user("applicant", "applicant@example.cn", PASSWORD)
    pending = EnterpriseFactory(
        cluster=putian,
        legal_name="CANARY-PENDING-FIRM",
        name_en="CANARY-PENDING-FIRM",
        cluster_status=Enterprise.ClusterStatus.PENDING,
    )
    Membership.objects.create(user=applicant, enterprise=pending, role=Membership.Role.OWNER)
    firms["pending"] = pending
    # A firm the other cluster's operators keep out of the directory.
    firms["foreign_unlisted"] = EnterpriseFactory(
        cluster=planted.clusters["elsewhere"],
        legal_name="CANARY-FOREIGN-UNLISTED-FIRM",
        name_en="CANARY-FOREIGN-UNLISTED-FIRM",
        is_listed=False,
    )

    # Match runs of Putian's operator: one still running (to cancel), one finished with an open
    # proposal of the brand's private demand to the factory (to decide, to repair).
    run_fields: dict[str, Any] = dict(
        operator=operator,
        cluster=putian,
        scope=MatchRun.Scope.CLUSTER,
        first_week=clock.current_week(),
        weeks=8,
        transport_rmb_per_pair_km=Decimal("0.0005"),
        unplaced_penalty_rmb=Decimal("100.00"),
        time_limit_s=5,
    )
    running = MatchRun.objects.create(status=MatchRun.Status.RUNNING, **run_fields)
    finished = MatchRun.objects.create(
        status=MatchRun.Status.FINISHED, finished_at=clock.now(), **run_fields
    )
    for run in (running, finished):
        run.demands.set([planted.demands["private"]])
    private = planted.demands["private"]
    proposal = Proposal.objects.create(
        run=finished,
        demand=private,
        factory=firms["factory"],
        category=category,
        pairs=7000,
        unit_cost_rmb=Decimal("66.61"),
        transport_rmb_per_pair=Decimal("0"),
        distance_km=0.0,
        rank=1,
        eligible_factories=1,
        expires_at=clock.now() + dt.timedelta(days=7),
    )
    MatchPlacement.objects.create(
        run=finished, proposal=proposal, week=planted.capacity.week, pairs=7000
    )

    agreement = Agreement.objects.create(
        agreement_type=AgreementType.PROCESSING_ORDER,
        title="CANARY-AGREEMENT",
        buyer=firms["brand"],
        supplier=firms["factory"],
        pairs=10_000,
        amount_rmb=Decimal("555555.00"),
        status=AgreementStatus.INTENTION,
        event=rows["event"],
    )
    # An agreement of the other cluster's two firms: nobody of Putian may see or order it.
    foreign_agreement = Agreement.objects.create(
        agreement_type=AgreementType.PROCESSING_ORDER,
        title="CANARY-FOREIGN-AGREEMENT",
        buyer=firms["outsider_firm"],
        supplier=firms["partner"],
        pairs=2_000,
        amount_rmb=Decimal("77777.00"),
        status=AgreementStatus.SIGNED,
        signed_on=dt.date(2026, 1, 5),
    )
    # The brand asked the partner firm (the demand is shared with it) for a quote.
    quote = Quote.objects.create(
        demand=private, factory=firms["partner"], requested_by=users["owner"]
    )

    event = rows["event"]
    ceremony = EventSession.objects.create(
        event=event,
        kind=EventSession.Kind.SIGNING_CEREMONY,
        title_zh="签约仪式",
        starts_at=dt.datetime(2026, 12, 10, 8, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2026, 12, 10, 9, 0, tzinfo=dt.UTC),
    )
    unit = EventUnit.objects.create(
        event=event, part=EventUnit.Part.choices[0][0], name_zh="主办单位"
    )
    start = dt.datetime(2026, 12, 10, 6, 20, tzinfo=dt.UTC)
    free_slot = Slot.objects.create(
        event=event, starts_at=start, ends_at=start + dt.timedelta(minutes=20)
    )
    later = start + dt.timedelta(minutes=20)
    late_slot = Slot.objects.create(
        event=event, starts_at=later, ends_at=later + dt.timedelta(minutes=20)
    )
    for person in (rows["factory_participant"], rows["partner_participant"]):
        person.available_slots.set([rows["slot"], free_slot, late_slot])
    meeting = Meeting.objects.create(
        event=event,
        participant_a=rows["factory_participant"],
        participant_b=rows["partner_participant"],
        slot=free_slot,
        table=2,
        status=Meeting.Status.SCHEDULED,
    )
    # The brand asked to take part; the operators have not decided.
    pending_registration = Registration.objects.create(
        event=event, enterprise=firms["brand"], status=Registration.Status.PENDING
    )
    job = ImportJob.objects.create(
        kind=ImportJob.Kind.CAPACITY,
        file_name="canary.csv",
        uploaded_by=operator,
        cluster=putian,
        status=ImportJob.Status.IMPORTED,
    )
    candidate = DuplicateCandidate.objects.create(
        enterprise=firms["unlisted"],
        existing=firms["peer"],
        score=Decimal("0.90"),
        fingerprint="canary-duplicate",
    )
    # A schedule run of the draft event (one of the live event would block starting another).
    schedule_run = ScheduleRun.objects.create(
        event=rows["draft_event"],
        requested_by=operator,
        mode=ScheduleRun.Mode.FULL,
        status=ScheduleRun.Status.RUNNING,
        time_limit_s=5,
        base_version=0,
        started_at=clock.now(),
    )
    owner = users["owner"]
    assert owner is not None
    token, _raw = api_token_create(user=owner, name="canary token")
    rows.update(
        running_run=running,
        finished_run=finished,
        proposal=proposal,
        agreement=agreement,
        foreign_agreement=foreign_agreement,
        quote=quote,
        ceremony=ceremony,
        unit=unit,
        free_slot=free_slot,
        late_slot=late_slot,
        meeting=meeting,
        pending_registration=pending_registration,
        import_job=job,
        candidate=candidate,
        token=token,
        schedule_run=schedule_run,
    )
