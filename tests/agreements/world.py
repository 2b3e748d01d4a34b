"""Small copies of the two demo events, for tests that must not depend on the events demo."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from clusterlink.directory.models import Enterprise
from clusterlink.events.models import Event, EventSession, Participant
from tests.directory.factories import ClusterFactory, EnterpriseFactory
from tests.events.factories import (
    CST,
    EventFactory,
    ParticipantFactory,
    RegistrationFactory,
    SessionFactory,
)

BRANDS = ("三六一度（中国）有限公司", "匹克（中国）有限公司", "鸿星尔克（厦门）实业有限公司")


@dataclass
class DockingWorld:
    event: Event
    brands: list[Enterprise]
    factories: list[Enterprise]


def putian_docking(**event_fields: object) -> DockingWorld:
    putian = ClusterFactory(
        slug="putian", name_zh="莆田鞋业", name_en="Putian footwear", name_ja="莆田靴産業"
    )
    quanzhou = ClusterFactory(
        slug="quanzhou-jinjiang",
        name_zh="泉州鞋业",
        name_en="Quanzhou footwear",
        name_ja="泉州靴産業",
    )
    fields = {
        "slug": "putian-quanzhou-docking",
        "status": Event.Status.FINISHED,
        "starts_on": dt.date(2024, 5, 16),
        "ends_on": dt.date(2024, 5, 16),
        **event_fields,
    }
    event = EventFactory(clusters=[putian, quanzhou], **fields)
    brands = [
        EnterpriseFactory(legal_name=name, cluster=quanzhou, roles=["brand"]) for name in BRANDS
    ]
    factories = [EnterpriseFactory(cluster=putian) for _ in range(4)]
    for brand in brands:
        ParticipantFactory(
            registration=RegistrationFactory(event=event, enterprise=brand),
            role=Participant.Role.BUYER,
        )
    for factory in factories:
        ParticipantFactory(
            registration=RegistrationFactory(event=event, enterprise=factory),
            role=Participant.Role.SUPPLIER,
        )
    return DockingWorld(event=event, brands=brands, factories=factories)


@dataclass
class CeremonyWorld:
    event: Event
    session: EventSession
    firms: list[Enterprise]


def xiaobeihe_ceremony(**event_fields: object) -> CeremonyWorld:
    xiaobeihe = ClusterFactory(
        slug="xiaobeihe", name_zh="小北河袜业", name_en="Xiaobeihe socks", trade="hosiery"
    )
    fields = {
        "slug": "xiaobeihe-2024",
        "status": Event.Status.FINISHED,
        "starts_on": dt.date(2024, 7, 20),
        "ends_on": dt.date(2024, 7, 24),
        **event_fields,
    }
    event = EventFactory(clusters=[xiaobeihe], **fields)
    session = SessionFactory(
        event=event,
        kind=EventSession.Kind.SIGNING_CEREMONY,
        title_zh="重点项目签约仪式",
        title_en="Signing ceremony",
        title_ja="調印式",
        starts_at=dt.datetime(2024, 7, 20, 10, 0, tzinfo=CST),
        ends_at=dt.datetime(2024, 7, 20, 11, 0, tzinfo=CST),
    )
    firms = [EnterpriseFactory(cluster=xiaobeihe) for _ in range(8)]
    for i, firm in enumerate(firms):  # three buyers (brands, platforms), five sock makers
        ParticipantFactory(
            registration=RegistrationFactory(event=event, enterprise=firm),
            role=Participant.Role.BUYER if i < 3 else Participant.Role.SUPPLIER,
        )
    return CeremonyWorld(event=event, session=session, firms=firms)
