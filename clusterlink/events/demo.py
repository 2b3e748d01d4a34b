"""Demo docking events (DESIGN.md §1 and §5), built on the firms the directory demo creates.

- `putian-quanzhou-docking`: the past provincial "hand in hand" supply–demand docking day. The
  three Quanzhou brands (361 Degrees, Peak, Hongxing Erke) met six Putian factories in 1:1
  meetings, all held, with outcomes (six factories left with a cooperation intention).
- `xiaobeihe-2024`: the five-day sock-cluster promotion of 20–24 July 2024 with its guiding,
  hosting and organising units, the founding of the sock research institute, the e-commerce
  selection centre, a signing ceremony and the 8-firm brand joint exhibition; 20 firms.
- `putian-quanzhou-docking-<year>`: an upcoming docking day with open registration: the demo
  brand and factory logins are registered, requests are marked, the schedule is left for the
  operator to run.

Idempotent: an event whose slug exists is left alone. The agreements demo adds the agreements of
the first two, finding them by slug and their firms through the registrations.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo

from django.db import transaction

from clusterlink.accounts.models import User
from clusterlink.common import clock
from clusterlink.directory.models import Cluster, Enterprise
from clusterlink.events.models import (
    Event,
    EventSession,
    EventUnit,
    Meeting,
    MeetingRequest,
    Participant,
    Registration,
    Slot,
)

CHINA = ZoneInfo("Asia/Shanghai")
PUTIAN_EVENT = "putian-quanzhou-docking"
XIAOBEIHE_EVENT = "xiaobeihe-2024"
QUANZHOU_BRANDS = (
    "三六一度（中国）有限公司",
    "匹克（中国）有限公司",
    "鸿星尔克（厦门）实业有限公司",
)
SURNAMES = "林陈黄王李张吴刘郑许蔡杨何周赵徐孙马朱胡"
GIVEN = (
    "志强",
    "建华",
    "丽娟",
    "海峰",
    "秀英",
    "文斌",
    "晓东",
    "美玲",
    "国庆",
    "雅婷",
    "明辉",
    "春燕",
)
# (brand, factory) pairs of the docking day whose meeting ended in a cooperation intention; the
# agreements demo signs its intentions between the same firms.
INTENTION_PAIRS = {(0, 0), (1, 1), (2, 2), (0, 1)}
TITLES = ("采购总监", "生产厂长", "总经理", "业务经理", "开发部经理", "电商负责人")
# The halls and rooms of the demo agendas: Chinese → (English, Japanese).
PLACES = {
    "主会场": ("Main hall", "メイン会場"),
    "洽谈区": ("Meeting area", "商談エリア"),
    "会议中心": ("Conference centre", "会議センター"),
    "袜业产业园广场": ("Sock industrial park square", "靴下産業園広場"),
    "袜业产业园展厅": ("Sock industrial park showroom", "靴下産業園ショールーム"),
    "袜业研究院": ("Sock research institute", "靴下研究院"),
    "电商选品中心": ("E-commerce selection centre", "EC選品センター"),
}


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=CHINA)


class _Builder:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def name(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)

    def event(self, clusters: Sequence[Cluster], **fields: object) -> Event:
        event = Event(**fields)
        event.full_clean()
        event.save()
        event.clusters.set(clusters)
        return event

    def units(self, event: Event, units: Sequence[tuple[str, str, str, str]]) -> None:
        for position, (part, zh, en, ja) in enumerate(units):
            EventUnit.objects.create(
                event=event, part=part, name_zh=zh, name_en=en, name_ja=ja, position=position
            )

    def sessions(
        self, event: Event, rows: Sequence[tuple[str, dt.datetime, dt.datetime, str, str, str, str]]
    ) -> list[EventSession]:
        made = []
        for kind, start, end, zh, en, ja, place in rows:
            place_en, place_ja = PLACES[place]
            session = EventSession(
                event=event,
                kind=kind,
                title_zh=zh,
                title_en=en,
                title_ja=ja,
                starts_at=start,
                ends_at=end,
                place_zh=place,
                place_en=place_en,
                place_ja=place_ja,
            )
            session.full_clean()
            session.save()
            made.append(session)
        return made

    def slots(
        self, event: Event, session: EventSession, count: int, minutes: int, pause: int
    ) -> list[Slot]:
        slots = []
        start = session.starts_at
        for _ in range(count):
            slots.append(
                Slot.objects.create(
                    event=event,
                    session=session,
                    starts_at=start,
                    ends_at=start + dt.timedelta(minutes=minutes),
                )
            )
            start += dt.timedelta(minutes=minutes + pause)
        return slots

    def register(
        self,
        event: Event,
        firm: Enterprise,
        role: str,
        slots: Sequence[Slot],
        *,
        status: str = Registration.Status.VALIDATED,
        decided_by: User | None = None,
        people: int = 1,
        user: User | None = None,
        note: str = "",
    ) -> list[Participant]:
        registration = Registration.objects.create(
            event=event,
            enterprise=firm,
            status=status,
            validated_by=decided_by if status != Registration.Status.PENDING else None,
            decided_at=clock.now() if status != Registration.Status.PENDING else None,
            note=note,
        )
        made = []
        for i in range(people):
            participant = Participant.objects.create(
                registration=registration,
                user=user if i == 0 else None,
                name=self.name(),
                title=self.rng.choice(TITLES),
                role=role,
                phone=f"13{self.rng.randint(100000000, 999999999)}",
                max_meetings=event.default_max_meetings,
            )
            participant.available_slots.set(slots)
            made.append(participant)
        return made


def _putian_factories(count: int, exclude: Sequence[int] = ()) -> list[Enterprise]:
    """Generated Putian OEM factories with a full profile (processes, capacity), by id."""
    return list(
        Enterprise.objects.filter(
            cluster__slug="putian",
            roles__role="oem_factory",
            processes__isnull=False,
            capacity_weeks__isnull=False,
        )
        .exclude(source=Enterprise.Source.OSH)
        .exclude(pk__in=list(exclude))
        .exclude(legal_name__in=QUANZHOU_BRANDS)
        .distinct()
        .order_by("pk")[:count]
    )


def _demo_factories() -> list[Enterprise]:
    return list(Enterprise.objects.filter(memberships__user__username="factory"))


def _brands() -> list[Enterprise]:
    by_name = {e.legal_name: e for e in Enterprise.objects.filter(legal_name__in=QUANZHOU_BRANDS)}
    return [by_name[name] for name in QUANZHOU_BRANDS if name in by_name]


OUTCOMES = (
    ("high", "intention", "达成加工合作意向，下周验厂后签订单"),
    ("medium", "samples", "对方寄送样鞋，评估工艺后再议"),
    ("medium", "quote", "按款式报价，重点在单价和交期"),
    ("low", "none", "产能与品类暂不匹配"),
    ("high", "factory_visit", "约定月底到厂参观生产线"),
)


def _docking_day(b: _Builder, operator: User | None) -> Event:
    putian = Cluster.objects.get(slug="putian")
    quanzhou = Cluster.objects.get(slug="quanzhou-jinjiang")
    day = dt.date(2023, 6, 16)
    event = b.event(
        [putian, quanzhou],
        slug=PUTIAN_EVENT,
        name_zh="莆田—泉州鞋业“携手”供需对接会",
        name_en="Putian–Quanzhou footwear “hand in hand” supply–demand docking",
        name_ja="莆田・泉州 靴産業「手を携えて」需給マッチング会",
        theme_zh="产能对接、原材料集中采购、大中小企业融通发展",
        theme_en="Capacity docking, centralised material purchasing, large and small firms together",
        theme_ja="生産能力のマッチング、原材料の共同購入、大中小企業の連携",
        description_zh="泉州品牌企业与莆田代工企业面对面洽谈，科研院所展示新型鞋材、智能生产线和鞋业互联网平台。",
        description_en="Quanzhou brands meet Putian OEM factories face to face; research institutes present new shoe materials, intelligent production lines and a shoe-industry internet platform.",
        description_ja="泉州のブランド企業と莆田のOEM工場が対面で商談。研究機関が新素材・スマート生産ライン・靴産業インターネットプラットフォームを紹介。",
        starts_on=day,
        ends_on=day,
        venue_zh="福建省莆田市会展中心",
        venue_en="Putian Convention and Exhibition Center, Fujian",
        venue_ja="福建省莆田市コンベンションセンター",
        status=Event.Status.FINISHED,
        visibility=Event.Visibility.PUBLIC,
        meeting_tables=6,
        default_max_meetings=6,
        created_by=operator,
    )
    b.units(
        event,
        [
            (
                "guiding",
                "福建省工业和信息化厅",
                "Fujian Department of Industry and Information Technology",
                "福建省工業情報化庁",
            ),
            (
                "hosting",
                "莆田市工业和信息化局",
                "Putian Bureau of Industry and Information Technology",
                "莆田市工業情報化局",
            ),
            (
                "hosting",
                "泉州市工业和信息化局",
                "Quanzhou Bureau of Industry and Information Technology",
                "泉州市工業情報化局",
            ),
            ("organising", "莆田市鞋业协会", "Putian Footwear Association", "莆田市靴業協会"),
            (
                "co_organising",
                "泉州市鞋业商会",
                "Quanzhou Footwear Chamber of Commerce",
                "泉州市靴業商会",
            ),
        ],
    )
    sessions = b.sessions(
        event,
        [
            (
                "opening",
                _at(day, 9),
                _at(day, 9, 30),
                "开幕致辞",
                "Opening address",
                "開会挨拶",
                "主会场",
            ),
            (
                "speech",
                _at(day, 9, 30),
                _at(day, 10),
                "产能对接与供应链协同",
                "Capacity docking and supply-chain cooperation",
                "生産能力マッチングとサプライチェーン連携",
                "主会场",
            ),
            (
                "technology_showcase",
                _at(day, 10),
                _at(day, 10, 45),
                "新型鞋材、智能生产线与鞋业互联网平台展示",
                "New shoe materials, intelligent lines and the shoe-industry internet platform",
                "新素材・スマート生産ライン・靴産業プラットフォームの紹介",
                "主会场",
            ),
            (
                "matchmaking",
                _at(day, 11),
                _at(day, 16, 20),
                "品牌与工厂一对一洽谈",
                "Brand–factory 1:1 meetings",
                "ブランドと工場の1対1商談",
                "洽谈区",
            ),
            (
                "signing_ceremony",
                _at(day, 16, 30),
                _at(day, 17, 30),
                "合作意向签约仪式",
                "Signing of cooperation intentions",
                "協力意向書の調印式",
                "主会场",
            ),
        ],
    )
    slots = b.slots(event, sessions[3], 6, 40, 10)
    brands = _brands()
    # The demo factory login stays out of the past event, so the brands may meet it next time.
    factories = _putian_factories(6, exclude=[f.pk for f in _demo_factories()])
    brand_people = [
        b.register(event, firm, "buyer", slots, decided_by=operator, note="寻找代工产能")[0]
        for firm in brands
    ]
    factory_people = [
        b.register(event, firm, "supplier", slots, decided_by=operator, note="有闲置产能")[0]
        for firm in factories
    ]
    # Round robin: at slot s brand i meets factory (i + s) mod 6 — every brand meets every factory.
    for s, slot in enumerate(slots):
        for i, buyer in enumerate(brand_people):
            supplier = factory_people[(i + s) % len(factory_people)]
            for who, to in ((buyer, supplier), (supplier, buyer)):
                MeetingRequest.objects.get_or_create(
                    event=event,
                    from_participant=who,
                    to_participant=to,
                    defaults={
                        "preference": "must" if who is buyer else "meet",
                        "expires_at": slot.starts_at,
                    },
                )
            a, c = sorted([buyer, supplier], key=lambda p: p.pk)
            factory = (i + s) % len(factory_people)
            interest, step, note = (
                OUTCOMES[0] if (i, factory) in INTENTION_PAIRS else OUTCOMES[1 + (i + s) % 4]
            )
            Meeting.objects.create(
                event=event,
                participant_a=a,
                participant_b=c,
                slot=slot,
                table=i + 1,
                status=Meeting.Status.HELD,
                source=Meeting.Source.SCHEDULED,
                weight=4,
                interest_level=interest,
                next_step=step,
                notes=note,
            )
    for person in brand_people + factory_people:
        person.checked_in_at = _at(day, 8, 40)
        person.save(update_fields=["checked_in_at"])
    return event


def _xiaobeihe(b: _Builder, operator: User | None) -> Event:
    cluster = Cluster.objects.get(slug="xiaobeihe")
    first = dt.date(2024, 7, 20)
    d = [first + dt.timedelta(days=k) for k in range(5)]
    event = b.event(
        [cluster],
        slug=XIAOBEIHE_EVENT,
        name_zh="2024中国·小北河袜业产业推介活动",
        name_en="2024 China Xiaobeihe Sock Industry Promotion",
        name_ja="2024 中国・小北河靴下産業プロモーション",
        theme_zh="创新、品牌、绿色——缩小与领先袜业产区的差距",
        theme_en="Innovation, brands and green development: closing the gap to the leading sock region",
        theme_ja="イノベーション・ブランド・グリーン発展で先進産地との差を縮める",
        description_zh="小北河镇有袜企226家，年产棉袜22亿双、产值35亿元，棉袜产量全国第二，2021年获“中国袜业名镇”称号。",
        description_en="Xiaobeihe has 226 sock firms making 2.2 billion pairs a year (3.5 billion RMB), second in China for cotton socks, “China Famous Sock Town” since 2021.",
        description_ja="小北河鎮には靴下企業226社があり、年産22億足・生産額35億元、綿靴下の生産量は全国2位。2021年「中国靴下名鎮」。",
        starts_on=d[0],
        ends_on=d[4],
        venue_zh="辽宁省辽阳县小北河镇袜业产业园",
        venue_en="Sock Industrial Park, Xiaobeihe, Liaoyang County, Liaoning",
        venue_ja="遼寧省遼陽県小北河鎮 靴下産業パーク",
        status=Event.Status.FINISHED,
        visibility=Event.Visibility.PUBLIC,
        meeting_tables=8,
        default_max_meetings=6,
        created_by=operator,
    )
    b.units(
        event,
        [
            (
                "guiding",
                "中国纺织工业联合会",
                "China National Textile and Apparel Council",
                "中国紡織工業連合会",
            ),
            (
                "guiding",
                "辽宁省工业和信息化厅",
                "Liaoning Department of Industry and Information Technology",
                "遼寧省工業情報化庁",
            ),
            ("hosting", "辽阳县人民政府", "Liaoyang County People's Government", "遼陽県人民政府"),
            (
                "organising",
                "中国针织工业协会",
                "China Knitting Industry Association",
                "中国ニット工業協会",
            ),
            (
                "organising",
                "辽阳县袜业协会",
                "Liaoyang County Sock Industry Association",
                "遼陽県靴下業協会",
            ),
            (
                "co_organising",
                "小北河镇人民政府",
                "Xiaobeihe Town People's Government",
                "小北河鎮人民政府",
            ),
        ],
    )
    sessions = b.sessions(
        event,
        [
            (
                "opening",
                _at(d[0], 9),
                _at(d[0], 10, 30),
                "开幕式",
                "Opening ceremony",
                "開幕式",
                "袜业产业园广场",
            ),
            (
                "other",
                _at(d[0], 10, 30),
                _at(d[0], 11, 30),
                "袜业研究院揭牌成立",
                "Founding of the sock research institute",
                "靴下研究院の設立",
                "袜业研究院",
            ),
            (
                "speech",
                _at(d[0], 14),
                _at(d[0], 16),
                "袜业高质量发展论坛",
                "Forum on the quality development of the sock industry",
                "靴下産業の高品質発展フォーラム",
                "会议中心",
            ),
            (
                "other",
                _at(d[1], 9),
                _at(d[1], 11),
                "电商选品中心启动",
                "Launch of the e-commerce selection centre",
                "EC選定センターの始動",
                "电商选品中心",
            ),
            (
                "matchmaking",
                _at(d[1], 14),
                _at(d[1], 17),
                "产销对接洽谈",
                "Buyer–maker 1:1 meetings",
                "売り手と買い手の1対1商談",
                "会议中心",
            ),
            (
                "signing_ceremony",
                _at(d[2], 9, 30),
                _at(d[2], 11, 30),
                "重点项目签约仪式（15个项目）",
                "Signing ceremony of 15 projects",
                "重点プロジェクト15件の調印式",
                "会议中心",
            ),
            (
                "exhibition",
                _at(d[3], 9),
                _at(d[4], 17),
                "8家企业品牌联展",
                "Joint exhibition of 8 sock brands",
                "8社ブランド合同展示",
                "袜业产业园展厅",
            ),
        ],
    )
    slots = b.slots(event, sessions[4], 6, 25, 5)
    sock_brands = list(
        Enterprise.objects.filter(cluster=cluster, roles__role="brand")
        .distinct()
        .order_by("pk")[:5]
    )
    makers = list(
        Enterprise.objects.filter(cluster=cluster, roles__role="oem_factory")
        .exclude(pk__in=[f.pk for f in sock_brands])
        .distinct()
        .order_by("pk")[:15]
    )
    buyers = [
        b.register(event, firm, "buyer", slots, decided_by=operator, note="电商选品、品牌代工")[0]
        for firm in sock_brands
    ]
    suppliers = [
        b.register(event, firm, "supplier", slots, decided_by=operator, note="棉袜生产")[0]
        for firm in makers
    ]
    for s, slot in enumerate(slots):
        for i, buyer in enumerate(buyers):
            supplier = suppliers[(i * 3 + s) % len(suppliers)]
            a, c = sorted([buyer, supplier], key=lambda p: p.pk)
            interest, step, note = OUTCOMES[(i + s) % len(OUTCOMES)]
            Meeting.objects.create(
                event=event,
                participant_a=a,
                participant_b=c,
                slot=slot,
                table=i + 1,
                status=Meeting.Status.HELD,
                weight=3,
                interest_level=interest,
                next_step=step,
                notes=note,
            )
    return event


def _upcoming(b: _Builder, operator: User | None) -> Event:
    putian = Cluster.objects.get(slug="putian")
    quanzhou = Cluster.objects.get(slug="quanzhou-jinjiang")
    day = clock.today() + dt.timedelta(days=21)
    event = b.event(
        [putian, quanzhou],
        slug=f"{PUTIAN_EVENT}-{day.year}",
        name_zh=f"{day.year}莆田—泉州鞋业产能对接会",
        name_en=f"{day.year} Putian–Quanzhou footwear capacity docking day",
        name_ja=f"{day.year} 莆田・泉州 靴産業 生産能力マッチング会",
        theme_zh="闲置产能对接品牌订单",
        theme_en="Idle factory capacity meets brand orders",
        theme_ja="遊休生産能力とブランド受注のマッチング",
        starts_on=day,
        ends_on=day,
        venue_zh="福建省莆田市会展中心",
        venue_en="Putian Convention and Exhibition Center, Fujian",
        venue_ja="福建省莆田市コンベンションセンター",
        status=Event.Status.REGISTRATION_OPEN,
        visibility=Event.Visibility.PUBLIC,
        meeting_tables=6,
        default_max_meetings=6,
        max_requests=15,
        created_by=operator,
    )
    b.units(
        event,
        [
            (
                "guiding",
                "福建省工业和信息化厅",
                "Fujian Department of Industry and Information Technology",
                "福建省工業情報化庁",
            ),
            (
                "hosting",
                "莆田市工业和信息化局",
                "Putian Bureau of Industry and Information Technology",
                "莆田市工業情報化局",
            ),
            ("organising", "莆田市鞋业协会", "Putian Footwear Association", "莆田市靴業協会"),
        ],
    )
    sessions = b.sessions(
        event,
        [
            (
                "opening",
                _at(day, 9),
                _at(day, 9, 30),
                "开幕致辞",
                "Opening address",
                "開会挨拶",
                "主会场",
            ),
            (
                "matchmaking",
                _at(day, 9, 30),
                _at(day, 12, 10),
                "一对一洽谈（上午）",
                "1:1 meetings (morning)",
                "1対1商談（午前）",
                "洽谈区",
            ),
            (
                "matchmaking",
                _at(day, 14),
                _at(day, 16, 40),
                "一对一洽谈（下午）",
                "1:1 meetings (afternoon)",
                "1対1商談（午後）",
                "洽谈区",
            ),
            (
                "signing_ceremony",
                _at(day, 17),
                _at(day, 18),
                "合作意向签约",
                "Signing of intentions",
                "協力意向の調印",
                "主会场",
            ),
        ],
    )
    slots = b.slots(event, sessions[1], 4, 30, 10) + b.slots(event, sessions[2], 4, 30, 10)
    brand_user = User.objects.filter(username="brand").first()
    factory_user = User.objects.filter(username="factory").first()
    demo_factory = next(iter(_demo_factories()), None)
    # One factory that met the brands at the docking day: its pairs are suppressed (met before).
    met_before = list(
        Enterprise.objects.filter(
            event_registrations__event__slug=PUTIAN_EVENT, cluster__slug="putian"
        ).order_by("pk")[:1]
    )
    buyers = [
        b.register(
            event,
            firm,
            "buyer",
            slots,
            decided_by=operator,
            user=brand_user if i == 0 else None,
            people=2 if i == 0 else 1,
        )[0]
        for i, firm in enumerate(_brands())
    ]
    past = Enterprise.objects.filter(event_registrations__event__slug=PUTIAN_EVENT).values_list(
        "pk", flat=True
    )
    factories = (
        ([demo_factory] if demo_factory else [])
        + met_before
        + _putian_factories(10, exclude=[*past, *([demo_factory.pk] if demo_factory else [])])
    )
    suppliers = []
    for i, firm in enumerate(factories):
        morning_only = slots[:4] if i % 4 == 3 else slots
        suppliers.append(
            b.register(
                event,
                firm,
                "supplier",
                morning_only,
                decided_by=operator,
                user=factory_user if firm == demo_factory else None,
            )[0]
        )
    for firm in _putian_factories(2, exclude=[*past, *[f.pk for f in factories]]):
        b.register(
            event,
            firm,
            "supplier",
            slots,
            status=Registration.Status.PENDING,
            note="希望承接运动鞋订单",
        )
    rng = b.rng
    expires = clock.now() + dt.timedelta(days=event.request_valid_days)
    for buyer in buyers[1:]:  # the demo brand's own requests are left for the visitor to make
        for supplier in rng.sample(suppliers, 6):
            MeetingRequest.objects.create(
                event=event,
                from_participant=buyer,
                to_participant=supplier,
                preference=rng.choice(["must", "must", "meet"]),
                expires_at=expires,
            )
    for supplier in suppliers[1:]:
        for buyer in rng.sample(buyers, 2):
            MeetingRequest.objects.create(
                event=event,
                from_participant=supplier,
                to_participant=buyer,
                preference=rng.choice(["must", "meet", "meet"]),
                expires_at=expires,
            )
    MeetingRequest.objects.update_or_create(
        from_participant=suppliers[-1],
        to_participant=buyers[-1],
        defaults={"event": event, "preference": "no", "expires_at": expires},
    )
    return event


@transaction.atomic
def load_events_demo(progress: Callable[[str], None] = print) -> list[str]:
    """Create the demo events that are not there yet; returns the slugs created."""
    rng = random.Random(2024)
    b = _Builder(rng)
    operator = User.objects.filter(username="operator").first()
    created = []
    if not Event.objects.filter(slug=PUTIAN_EVENT).exists():
        created.append(_docking_day(b, operator).slug)
    if not Event.objects.filter(slug=XIAOBEIHE_EVENT).exists():
        created.append(_xiaobeihe(b, operator).slug)
    if not Event.objects.filter(
        status=Event.Status.REGISTRATION_OPEN, slug__startswith=f"{PUTIAN_EVENT}-"
    ).exists():
        created.append(_upcoming(b, operator).slug)
    progress(f"events: {', '.join(created) or 'already loaded'}")
    return created
