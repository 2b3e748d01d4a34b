"""Demo agreements of the two source events (DESIGN.md §5).

- `putian-quanzhou-docking`: processing-order intentions between the three Quanzhou brands and
  three Putian factories registered at the event. Their figures are chosen so that the outcome
  report reads exactly as the press did: "6 firms reached cooperation intentions; processing
  orders exceeded 6.5 million pairs, about 300 million RMB" (6,540,000 pairs; 299,700,000 RMB).
- `xiaobeihe-2024`: 15 projects of four kinds signed on stage at the signing ceremony, in a
  running order.

Idempotent: an event that already has agreements is left alone. Events that are not there are
skipped (the events demo creates them first).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from clusterlink.agreements.models import Agreement, AgreementStatus, AgreementType
from clusterlink.agreements.services import (
    agreement_ceremony_order,
    agreement_create,
    agreement_transition,
)
from clusterlink.common import clock
from clusterlink.directory.models import Enterprise
from clusterlink.events.models import Event, EventSession, Meeting, Participant, Registration

PUTIAN_EVENT = "putian-quanzhou-docking"
XIAOBEIHE_EVENT = "xiaobeihe-2024"

# Legal names as the directory demo has them.
QUANZHOU_BRANDS = (
    "三六一度（中国）有限公司",
    "匹克（中国）有限公司",
    "鸿星尔克（厦门）实业有限公司",
)


@dataclass(frozen=True)
class PlannedIntention:
    brand: int  # index into QUANZHOU_BRANDS
    factory: int  # index into the event's Putian factories
    pairs: int
    amount_rmb: Decimal
    title: str


PUTIAN_INTENTIONS = (
    PlannedIntention(0, 0, 1_800_000, Decimal("82800000.00"), "361°跑鞋加工订单"),
    PlannedIntention(1, 1, 1_650_000, Decimal("75900000.00"), "匹克篮球鞋加工订单"),
    PlannedIntention(2, 2, 1_500_000, Decimal("66000000.00"), "鸿星尔克休闲鞋加工订单"),
    PlannedIntention(0, 1, 1_590_000, Decimal("75000000.00"), "361°童鞋加工订单"),
)


@dataclass(frozen=True)
class PlannedProject:
    agreement_type: str
    title: str
    pairs: int | None
    amount_rmb: Decimal


XIAOBEIHE_PROJECTS = (
    PlannedProject(
        AgreementType.ORDER_PURCHASING, "精梳棉袜订单采购", 3_000_000, Decimal("9000000.00")
    ),
    PlannedProject(
        AgreementType.INDUSTRIAL_INVESTMENT, "智能织袜车间建设投资", None, Decimal("60000000.00")
    ),
    PlannedProject(AgreementType.BRAND_OEM, "运动袜品牌代工", 2_400_000, Decimal("8400000.00")),
    PlannedProject(
        AgreementType.ECOMMERCE_COOPERATION, "电商选品中心直播合作", None, Decimal("5000000.00")
    ),
    PlannedProject(
        AgreementType.ORDER_PURCHASING, "外贸棉袜订单采购", 2_000_000, Decimal("6600000.00")
    ),
    PlannedProject(
        AgreementType.INDUSTRIAL_INVESTMENT, "袜业印染废水处理项目", None, Decimal("30000000.00")
    ),
    PlannedProject(AgreementType.BRAND_OEM, "儿童袜品牌代工", 1_500_000, Decimal("4200000.00")),
    PlannedProject(
        AgreementType.ECOMMERCE_COOPERATION, "跨境电商平台入驻", None, Decimal("3000000.00")
    ),
    PlannedProject(
        AgreementType.ORDER_PURCHASING, "商超袜品年度采购", 1_800_000, Decimal("5400000.00")
    ),
    PlannedProject(
        AgreementType.INDUSTRIAL_INVESTMENT, "袜业研究院中试线投资", None, Decimal("20000000.00")
    ),
    PlannedProject(AgreementType.BRAND_OEM, "商务袜品牌代工", 1_200_000, Decimal("4800000.00")),
    PlannedProject(
        AgreementType.ECOMMERCE_COOPERATION, "短视频电商代运营合作", None, Decimal("2000000.00")
    ),
    PlannedProject(
        AgreementType.ORDER_PURCHASING, "户外袜订单采购", 900_000, Decimal("3600000.00")
    ),
    PlannedProject(
        AgreementType.INDUSTRIAL_INVESTMENT, "数字化仓储物流园投资", None, Decimal("45000000.00")
    ),
    PlannedProject(
        AgreementType.ECOMMERCE_COOPERATION, "品牌联合旗舰店合作", None, Decimal("1500000.00")
    ),
)


def _registered_by_role(event: Event) -> tuple[list[Enterprise], list[Enterprise]]:
    """Firms registered at the event (not rejected) whose people come as buyers, and as suppliers,
    each in the order they registered."""
    registrations = (
        Registration.objects.filter(event=event)
        .exclude(status=Registration.Status.REJECTED)
        .select_related("enterprise__cluster")
        .prefetch_related("participants")
        .order_by("pk")
    )
    buyers, suppliers = [], []
    for registration in registrations:
        roles = {p.role for p in registration.participants.all()}
        if Participant.Role.BUYER in roles:
            buyers.append(registration.enterprise)
        elif Participant.Role.SUPPLIER in roles:
            suppliers.append(registration.enterprise)
    return buyers, suppliers


def _meeting_between(event: Event, a: Enterprise, b: Enterprise) -> Meeting | None:
    """A meeting of the two firms at the event that was not cancelled, if the schedule has one."""
    candidates = Meeting.objects.filter(event=event, status__in=Meeting.ACTIVE_STATUSES)
    for meeting in candidates.select_related(
        "participant_a__registration", "participant_b__registration"
    ):
        firms = {
            meeting.participant_a.registration.enterprise_id,
            meeting.participant_b.registration.enterprise_id,
        }
        if firms == {a.pk, b.pk}:
            return meeting
    return None


def load_putian_intentions(event: Event) -> list[Agreement]:
    buyers, suppliers = _registered_by_role(event)
    by_name = {f.legal_name: f for f in buyers}
    missing = [name for name in QUANZHOU_BRANDS if name not in by_name]
    if missing:
        raise RuntimeError(f"{event.slug}: brands not registered as buyers: {', '.join(missing)}")
    brands = [by_name[name] for name in QUANZHOU_BRANDS]
    factories = [f for f in suppliers if f.cluster is not None and f.cluster.slug == "putian"][:3]
    if len(factories) < 3:
        raise RuntimeError(f"{event.slug}: needs three Putian factories registered as suppliers")
    created = []
    for plan in PUTIAN_INTENTIONS:
        brand, factory = brands[plan.brand], factories[plan.factory]
        meeting = _meeting_between(event, brand, factory)
        created.append(
            agreement_create(
                actor=None,
                agreement_type=AgreementType.PROCESSING_ORDER,
                buyer=brand,
                supplier=factory,
                pairs=plan.pairs,
                amount_rmb=plan.amount_rmb,
                title=plan.title,
                event=event,
                meeting=meeting,
                note="对接会现场达成合作意向",
            )
        )
    return created


def load_xiaobeihe_projects(event: Event) -> list[Agreement]:
    session = (
        EventSession.objects.filter(event=event, kind=EventSession.Kind.SIGNING_CEREMONY)
        .order_by("starts_at", "pk")
        .first()
    )
    if session is None:
        raise RuntimeError(f"{event.slug}: has no signing-ceremony session")
    buyers, suppliers = _registered_by_role(event)
    if not buyers or not suppliers:
        raise RuntimeError(f"{event.slug}: needs firms registered as buyers and as suppliers")
    with clock.frozen(session.starts_at):
        planned = [
            agreement_create(
                actor=None,
                agreement_type=plan.agreement_type,
                buyer=buyers[i % len(buyers)],
                supplier=suppliers[i % len(suppliers)],
                pairs=plan.pairs,
                amount_rmb=plan.amount_rmb,
                title=plan.title,
                event=event,
            )
            for i, plan in enumerate(XIAOBEIHE_PROJECTS)
        ]
        # On the running order first: the signature is then the ceremony's, confirmed for both
        # parties on stage (see clusterlink.agreements.access).
        agreement_ceremony_order(actor=None, session=session, agreement_ids=[a.pk for a in planned])
        signed = [
            agreement_transition(
                actor=None,
                agreement=agreement,
                to_status=AgreementStatus.SIGNED,
                note="签约仪式现场签约",
            )
            for agreement in planned
        ]
    return signed


LOADERS: dict[str, Callable[[Event], list[Agreement]]] = {
    PUTIAN_EVENT: load_putian_intentions,
    XIAOBEIHE_EVENT: load_xiaobeihe_projects,
}


@transaction.atomic
def load_agreements_demo(progress: Callable[[str], None] = lambda line: None) -> dict[str, int]:
    """Agreements of the demo events; returns how many each event got (0 when it already had
    some, or is not in the database)."""
    counts: dict[str, int] = {}
    for slug, loader in LOADERS.items():
        event = Event.objects.filter(slug=slug).first()
        if event is None or Agreement.objects.filter(event=event).exists():
            counts[slug] = 0
            continue
        counts[slug] = len(loader(event))
        progress(f"{slug}: {counts[slug]} agreements")
    return counts
