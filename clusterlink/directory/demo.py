"""The demo data set: three real clusters, real Open Supply Hub facilities, generated firms.

Figures of the clusters come from DESIGN.md §5 (published by the clusters and the press).
Generated firms, capacity and demands are deterministic for a given seed and start week, so
two runs in the same week load the same data.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from pypinyin import lazy_pinyin
from stdnum.cn import uscc

from clusterlink.accounts.access import viewer_for
from clusterlink.accounts.models import Membership, OperatorScope, User
from clusterlink.accounts.services import user_sign_up
from clusterlink.common import clock
from clusterlink.directory.models import CapacityWeek, Cluster, Enterprise
from clusterlink.directory.services import (
    CapacityCell,
    capacity_weeks_save,
    enterprise_create,
    enterprise_update,
)
from clusterlink.market.models import DemandType, Visibility
from clusterlink.market.services import demand_create

DEMO_PASSWORD = "clusterlink-demo"
OSH_DIR = Path(__file__).resolve().parent / "data" / "osh"
WEEKS_AHEAD = 12

# Capacity calendars. A sock firm's weekly output is its headcount's share of its cluster's annual
# pairs (Xiaobeihe: 2.2 billion a year, about 1,500 pairs a worker a week); a shoe worker makes
# 40-70 pairs a week (a 100-worker Putian line: 4,000-7,000). Firms offer the platform part of a
# week's output: the sock town sells most of its output to standing customers and wholesale
# markets, a Putian OEM plant between brand seasons has more idle lines. Some weeks a firm is
# fully booked and offers nothing.
SHOE_PAIRS_PER_EMPLOYEE_WEEK = (40.0, 70.0)
SOCK_IDLE_SHARE = (0.02, 0.08)
SHOE_IDLE_SHARE = (0.15, 0.45)
FULLY_BOOKED_WEEK = 0.15
# Orders. Sizes are written round: (from pairs, round to a multiple of).
ORDER_ROUNDING = ((1_000_000, 50_000), (100_000, 10_000), (20_000, 5_000), (0, 1_000))
SHOE_ORDER_MIN_PAIRS = 5_000
SOCK_ORDER_MIN_PAIRS = 20_000
# The brands' product lines by category, for the orders' titles.
SHOE_LINES = {
    "sports-shoes": ("跑鞋", "篮球鞋", "飞织跑鞋", "户外徒步鞋"),
    "casual-shoes": ("休闲板鞋", "硫化帆布鞋"),
    "childrens-shoes": ("儿童运动鞋", "儿童学生鞋"),
}
SOCK_LINES = {
    "cotton-socks": ("精梳棉袜", "纯棉中筒袜"),
    "sports-socks": ("运动中筒袜", "毛圈运动袜", "隐形船袜"),
    "dress-socks": ("商务棉袜", "丝光棉商务袜"),
}
# How many factories a brand lets share a splittable order, and the clusters that make its trade.
SHOE_MAX_FACTORIES = (2, 5)
SOCK_MAX_FACTORIES = (3, 8)
SHOE_SUPPLIERS = ("putian", "quanzhou-jinjiang")
SOCK_SUPPLIERS = ("xiaobeihe",)
# The sock-factory login's line: a category and the processes its docking order asks for.
SOCK_LOGIN_PROFILE = ("sports-socks", ("hand-linking", "auto-toe-closing"))


@dataclass(frozen=True)
class ClusterSeed:
    slug: str
    names: tuple[str, str, str]
    region_code: str
    region: tuple[str, str, str]
    trade: str
    lat: float
    lng: float
    firms_count: int | None
    annual_pairs: int | None
    output_value_rmb: Decimal | None
    national_rank: int | None
    titles: tuple[str, str, str]
    summary: tuple[str, str, str]
    town_names: tuple[str, ...]  # Chinese place prefixes used for generated firm names
    generated_firms: int


CLUSTERS = [
    ClusterSeed(
        slug="putian",
        names=("莆田鞋业集群", "Putian Footwear Cluster", "莆田靴産業クラスター"),
        region_code="350300",
        region=("福建省莆田市", "Putian, Fujian", "福建省莆田市"),
        trade="footwear",
        lat=25.4540,
        lng=119.0078,
        firms_count=None,
        annual_pairs=None,
        output_value_rmb=None,
        national_rank=None,
        titles=(
            "福建省千亿产业集群（纺织鞋服）",
            "Fujian 100-billion-RMB cluster (textiles & footwear)",
            "福建省千億元産業クラスター（繊維・靴）",
        ),
        summary=(
            "莆田聚集了技术娴熟的运动鞋、休闲鞋代工（OEM）工厂，是福建省27个千亿产业集群之一（纺织鞋服）。",
            "Putian gathers skilled OEM factories for sports and casual shoes; its textile and footwear cluster is one of Fujian's 27 provincial 100-billion-RMB clusters.",
            "莆田には熟練したスポーツシューズ・カジュアルシューズのOEM工場が集まり、繊維・靴産業は福建省の27の千億元産業クラスターの一つです。",
        ),
        town_names=("莆田市荔城区", "莆田市城厢区", "莆田市涵江区", "莆田市秀屿区", "仙游县"),
        generated_firms=300,
    ),
    ClusterSeed(
        slug="quanzhou-jinjiang",
        names=(
            "泉州·晋江鞋业集群",
            "Quanzhou–Jinjiang Footwear Cluster",
            "泉州・晋江靴産業クラスター",
        ),
        region_code="350500",
        region=("福建省泉州市（晋江市）", "Quanzhou (Jinjiang), Fujian", "福建省泉州市（晋江市）"),
        trade="footwear",
        lat=24.7814,
        lng=118.5525,
        firms_count=None,
        annual_pairs=None,
        output_value_rmb=None,
        national_rank=None,
        titles=(
            "福建省千亿产业集群（鞋业）",
            "Fujian 100-billion-RMB cluster (footwear)",
            "福建省千億元産業クラスター（靴）",
        ),
        summary=(
            "泉州汇聚361度、匹克、鸿星尔克等运动品牌及完整的配套产业链，是福建省千亿鞋业集群。",
            "Quanzhou holds sports brands such as 361 Degrees, Peak and Hongxing Erke and a complete supporting industry; a Fujian 100-billion-RMB footwear cluster.",
            "泉州には361度、ピーク、鴻星爾克などのスポーツブランドと完全なサプライチェーンが集まる、福建省の千億元靴産業クラスターです。",
        ),
        town_names=(
            "晋江市陈埭镇",
            "晋江市池店镇",
            "晋江市安海镇",
            "泉州市丰泽区",
            "石狮市",
            "南安市",
        ),
        generated_firms=360,
    ),
    ClusterSeed(
        slug="xiaobeihe",
        names=("小北河袜业集群", "Xiaobeihe Hosiery Cluster", "小北河靴下産業クラスター"),
        region_code="211021",
        region=(
            "辽宁省辽阳市辽阳县小北河镇",
            "Xiaobeihe, Liaoyang County, Liaoning",
            "遼寧省遼陽市遼陽県小北河鎮",
        ),
        trade="hosiery",
        lat=41.2870,
        lng=123.1740,
        firms_count=226,
        annual_pairs=2_200_000_000,
        output_value_rmb=Decimal("3500000000.00"),
        national_rank=2,
        titles=("中国袜业名镇（2021）", "China Famous Sock Town (2021)", "中国靴下名鎮（2021年）"),
        summary=(
            "小北河镇有袜企226家，年产棉袜22亿双、产值35亿元，棉袜产量居全国第二。",
            "Xiaobeihe has 226 sock firms making 2.2 billion pairs a year worth 3.5 billion RMB, second in China for cotton socks.",
            "小北河鎮には靴下企業226社があり、年間22億足・35億元を生産し、綿靴下の生産量は全国第2位です。",
        ),
        town_names=("辽阳县小北河镇",),
        generated_firms=226,
    ),
]

BRANDS = [
    # (legal name, English name, cluster) — the brands named in the docking reports.
    ("三六一度（中国）有限公司", "361 Degrees (China) Co., Ltd.", "quanzhou-jinjiang"),
    ("匹克（中国）有限公司", "Peak (China) Co., Ltd.", "quanzhou-jinjiang"),
    (
        "鸿星尔克（厦门）实业有限公司",
        "Hongxing Erke (Xiamen) Industrial Co., Ltd.",
        "quanzhou-jinjiang",
    ),
]

SHOE_WORDS = (
    "鑫",
    "宏",
    "华",
    "隆",
    "盛",
    "丰",
    "达",
    "源",
    "泰",
    "兴",
    "晟",
    "恒",
    "利",
    "祥",
    "福",
    "顺",
    "嘉",
    "博",
    "锦",
    "荣",
)
SHOE_SUFFIXES = (
    ("鞋业有限公司", "Shoes Co., Ltd."),
    ("鞋服有限公司", "Footwear & Apparel Co., Ltd."),
    ("制鞋厂", "Shoe Factory"),
    ("鞋材有限公司", "Shoe Materials Co., Ltd."),
)
SOCK_SUFFIXES = (
    ("袜业有限公司", "Socks Co., Ltd."),
    ("针织有限公司", "Knitting Co., Ltd."),
    ("袜厂", "Sock Factory"),
)
FOOTWEAR_PROCESSES = (
    "cutting",
    "stitching",
    "lasting",
    "cementing",
    "vulcanising",
    "injection",
    "knit-uppers",
    "sole-making",
)
HOSIERY_PROCESSES = (
    "needle-144",
    "needle-168",
    "needle-200",
    "single-cylinder",
    "double-cylinder",
    "auto-toe-closing",
    "hand-linking",
    "dyeing",
    "setting",
)
FOOTWEAR_CATEGORIES = (
    "sports-shoes",
    "casual-shoes",
    "childrens-shoes",
    "leather-shoes",
    "slippers",
    "sandals",
    "outdoor-boots",
)
HOSIERY_CATEGORIES = (
    "cotton-socks",
    "sports-socks",
    "dress-socks",
    "childrens-socks",
    "no-show-socks",
    "pantyhose",
)
CERTIFICATIONS = ("iso9001", "bsci", "oeko-tex", "grs", "iso14001", "smeta", "bluesign")


@dataclass
class _Offer:
    """One factory's free pairs of one category by week, as the demand generator sizes orders:
    what earlier orders would take is taken off, so later orders fit what is left."""

    cluster: str
    category: str
    processes: frozenset[str]
    certifications: frozenset[str]
    lead_weeks: int
    free_by_week: list[int]

    def usable_weeks(self, due: int) -> int:
        """How many weeks from the first an order due in week `due` can use (lead time before
        it)."""
        return max(0, min(len(self.free_by_week), due - self.lead_weeks + 1))

    def free_before(self, due: int) -> int:
        """Free pairs in the weeks an order due in week `due` can use."""
        return sum(self.free_by_week[: self.usable_weeks(due)])

    def take(self, pairs: int, due: int) -> int:
        """Take up to `pairs` from the earliest usable weeks; return the pairs not taken."""
        for week in range(self.usable_weeks(due)):
            taken = min(pairs, self.free_by_week[week])
            self.free_by_week[week] -= taken
            pairs -= taken
        return pairs


def _round_pairs(pairs: float) -> int:
    """An order size as a brand writes it: 48,000, 65,000, 480,000, 1,250,000."""
    step = next(step for floor, step in ORDER_ROUNDING if pairs >= floor)
    return round(pairs / step) * step


def _headcount(firm: Enterprise) -> int:
    # Open Supply Hub rows carry no headcount: count them as a 50-worker plant.
    return max(firm.employees or 50, 20)


def credit_code(rng: random.Random, region_code: str) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "91" + region_code + "".join(rng.choice(alphabet) for _ in range(9))
    return body + uscc.calc_check_digit(body)


def english_name(words: str, place: str, suffix_en: str) -> str:
    city = "".join(
        lazy_pinyin(place.replace("市", "").replace("县", "").replace("区", "")[:2])
    ).title()
    return f"{city} {''.join(lazy_pinyin(words)).title()} {suffix_en}"


def _jitter(rng: random.Random, lat: float, lng: float, km: float) -> tuple[Decimal, Decimal]:
    d_lat = rng.uniform(-km, km) / 111.0
    d_lng = rng.uniform(-km, km) / (111.0 * math.cos(math.radians(lat)))
    return Decimal(f"{lat + d_lat:.6f}"), Decimal(f"{lng + d_lng:.6f}")


def _distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lng2 - lng1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def osh_shoe_and_sock_facilities() -> list[dict[str, str]]:
    """Chinese shoe and sock facilities of the Open Supply Hub lists (first listing of each name)."""
    keywords = ("shoe", "footwear", "sock", "hosiery")
    rows: list[dict[str, str]] = []
    for path in sorted(OSH_DIR.glob("*.csv"), key=lambda p: int(p.stem)):
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                text = (row["name"] + " " + row["address"]).lower()
                if row["country"].strip().upper() in {"CHINA", "CN"} and any(
                    k in text for k in keywords
                ):
                    rows.append(row)
    return rows


class DemoLoader:
    def __init__(
        self,
        *,
        seed: int = 2024,
        start_week: dt.date | None = None,
        progress: Callable[[str], None] = print,
    ) -> None:
        self.rng = random.Random(seed)
        self.start_week = start_week or clock.current_week()
        self.progress = progress
        self.clusters: dict[str, Cluster] = {}
        self.offers: list[_Offer] = []

    def already_loaded(self) -> bool:
        return User.objects.filter(username="operator").exists()

    @transaction.atomic
    def load(self) -> dict[str, str]:
        self._clusters()
        brands = self._brands()
        factories = self._osh_facilities() + self._generated_firms()
        self._capacity(factories)
        self._demands(brands)
        return self._users(brands, factories)

    def _clusters(self) -> None:
        for seed in CLUSTERS:
            cluster, _ = Cluster.objects.update_or_create(
                slug=seed.slug,
                defaults=dict(
                    name_zh=seed.names[0],
                    name_en=seed.names[1],
                    name_ja=seed.names[2],
                    region_code=seed.region_code,
                    region_zh=seed.region[0],
                    region_en=seed.region[1],
                    region_ja=seed.region[2],
                    trade=seed.trade,
                    lat=Decimal(f"{seed.lat:.6f}"),
                    lng=Decimal(f"{seed.lng:.6f}"),
                    firms_count=seed.firms_count,
                    annual_pairs=seed.annual_pairs,
                    output_value_rmb=seed.output_value_rmb,
                    national_rank=seed.national_rank,
                    titles_zh=seed.titles[0],
                    titles_en=seed.titles[1],
                    titles_ja=seed.titles[2],
                    summary_zh=seed.summary[0],
                    summary_en=seed.summary[1],
                    summary_ja=seed.summary[2],
                ),
            )
            self.clusters[seed.slug] = cluster
        self.progress(f"clusters: {len(self.clusters)}")

    def _brands(self) -> list[Enterprise]:
        brands = [
            enterprise_create(
                cluster_status=Enterprise.ClusterStatus.APPROVED,
                legal_name=legal,
                name_en=english,
                cluster=self.clusters[slug],
                roles=["brand"],
                categories=["sports-shoes", "casual-shoes"],
                address="福建省泉州市晋江市",
                employees=5000,
                description="运动品牌",
                contact_name="采购部",
                contact_phone="0595-0000000",
            )
            for legal, english, slug in BRANDS
        ]
        for _ in range(5):
            place = self.rng.choice(CLUSTERS[2].town_names)
            words = "".join(self.rng.sample(SHOE_WORDS, 2))
            brands.append(
                enterprise_create(
                    cluster_status=Enterprise.ClusterStatus.APPROVED,
                    legal_name=f"{place}{words}袜业品牌有限公司",
                    name_en=english_name(words, "辽阳", "Hosiery Brand Co., Ltd."),
                    credit_code=credit_code(self.rng, "211021"),
                    cluster=self.clusters["xiaobeihe"],
                    roles=["brand", "ecommerce_seller"],
                    categories=["cotton-socks", "sports-socks"],
                    address=f"辽宁省{place}",
                    employees=self.rng.randint(30, 300),
                    contact_name="电商部",
                    contact_phone=f"0419-{self.rng.randint(1000000, 9999999)}",
                )
            )
        self.progress(f"brands: {len(brands)}")
        return brands

    def _osh_facilities(self) -> list[Enterprise]:
        seen: set[str] = set()
        firms: list[Enterprise] = []
        for row in osh_shoe_and_sock_facilities():
            name = " ".join(row["name"].split())
            if name.upper() in seen:
                continue
            seen.add(name.upper())
            lat, lng = float(row["lat"]), float(row["lng"])
            cluster = None
            for seed in CLUSTERS:
                if _distance_km(lat, lng, seed.lat, seed.lng) <= 40:
                    cluster = self.clusters[seed.slug]
            hosiery = "sock" in name.lower() or "hosiery" in name.lower()
            firms.append(
                enterprise_create(
                    cluster_status=Enterprise.ClusterStatus.APPROVED,
                    legal_name=name,
                    name_en=name,
                    address=row["address"].strip(),
                    cluster=cluster,
                    source="osh",
                    lat=Decimal(f"{lat:.6f}"),
                    lng=Decimal(f"{lng:.6f}"),
                    roles=["oem_factory"],
                    categories=["cotton-socks"] if hosiery else ["sports-shoes", "casual-shoes"],
                )
            )
        self.progress(f"Open Supply Hub facilities: {len(firms)}")
        return firms

    def _generated_firms(self) -> list[Enterprise]:
        firms: list[Enterprise] = []
        for seed in CLUSTERS:
            hosiery = seed.trade == "hosiery"
            existing = Enterprise.objects.filter(cluster=self.clusters[seed.slug]).count()
            for i in range(seed.generated_firms - existing):
                place = self.rng.choice(seed.town_names)
                words = "".join(self.rng.sample(SHOE_WORDS, 2)) + (
                    "" if i % 3 else self.rng.choice(SHOE_WORDS)
                )
                suffix_zh, suffix_en = self.rng.choice(SOCK_SUFFIXES if hosiery else SHOE_SUFFIXES)
                legal = f"{place}{words}{suffix_zh}"
                if Enterprise.objects.filter(legal_name=legal).exists():
                    legal = f"{place}{words}{i}号{suffix_zh}"
                categories = self.rng.sample(
                    HOSIERY_CATEGORIES if hosiery else FOOTWEAR_CATEGORIES, self.rng.randint(1, 3)
                )
                processes = self.rng.sample(
                    HOSIERY_PROCESSES if hosiery else FOOTWEAR_PROCESSES, self.rng.randint(2, 5)
                )
                roles = (
                    ["oem_factory"]
                    if self.rng.random() < 0.8
                    else self.rng.choice(
                        [["component_maker"], ["material_supplier"], ["oem_factory", "brand"]]
                    )
                )
                lat, lng = _jitter(self.rng, seed.lat, seed.lng, 15)
                employees = int(self.rng.lognormvariate(4.6, 0.9))
                firms.append(
                    enterprise_create(
                        cluster_status=Enterprise.ClusterStatus.APPROVED,
                        legal_name=legal,
                        name_en=english_name(words, place, suffix_en),
                        credit_code=credit_code(self.rng, seed.region_code),
                        cluster=self.clusters[seed.slug],
                        roles=roles,
                        categories=categories,
                        processes=processes,
                        certifications=self.rng.sample(CERTIFICATIONS, self.rng.randint(0, 3)),
                        address=f"{seed.region[0].split('市')[0]}{place}工业区{self.rng.randint(1, 300)}号",
                        lat=lat,
                        lng=lng,
                        employees=max(employees, 8),
                        contact_name=self.rng.choice(["林", "陈", "黄", "王", "李", "张"]) + "经理",
                        contact_phone=f"1{self.rng.randint(3, 9)}{self.rng.randint(100000000, 999999999)}",
                        contact_email=f"sales{i}@{seed.slug}-demo.cn",
                    )
                )
        self.progress(f"generated firms: {len(firms)}")
        return firms

    def _capacity(self, factories: list[Enterprise]) -> None:
        """Each OEM factory's calendar of free pairs, from its weekly output.

        Weekly output: a sock firm's share of its cluster's annual pairs (by employees, so the
        cluster's factories together make the headline figure), a shoe firm's employees times
        SHOE_PAIRS_PER_EMPLOYEE_WEEK. It is split over the firm's categories, and each week the
        firm offers an idle share of it (none in a fully booked week). Lead time and minimum lot
        belong to the firm, not to the week.
        """
        weeks = [self.start_week + dt.timedelta(weeks=k) for k in range(WEEKS_AHEAD)]
        by_id = {cluster.pk: cluster for cluster in self.clusters.values()}
        makers: list[tuple[Enterprise, Cluster]] = []
        headcount: dict[str, int] = defaultdict(int)
        for firm in factories:
            if firm.cluster_id is None or not firm.roles.filter(role="oem_factory").exists():
                continue
            cluster = by_id[firm.cluster_id]
            makers.append((firm, cluster))
            headcount[cluster.slug] += _headcount(firm)
        rows = 0
        for firm, cluster in makers:
            hosiery = cluster.trade == "hosiery"
            if cluster.annual_pairs:
                per_employee = cluster.annual_pairs / 52 / headcount[cluster.slug]
                output = _headcount(firm) * per_employee * self.rng.uniform(0.8, 1.2)
            else:
                output = _headcount(firm) * self.rng.uniform(*SHOE_PAIRS_PER_EMPLOYEE_WEEK)
            idle_low, idle_high = SOCK_IDLE_SHARE if hosiery else SHOE_IDLE_SHARE
            lead_days = self.rng.choice([7, 7, 10, 14] if hosiery else [10, 14, 14, 21])
            min_lot = self.rng.choice([1000, 2000, 5000] if hosiery else [500, 1000, 2000])
            categories = list(firm.categories.all())
            shares = [self.rng.uniform(0.5, 1.5) for _ in categories]
            cells = []
            for category, share in zip(categories, shares, strict=True):
                category_output = output * share / sum(shares)
                base_price = Decimal(
                    self.rng.choice([4, 6, 9] if hosiery else [28, 35, 45, 60])
                ) / (10 if hosiery else 1)
                free_by_week = []
                for week in weeks:
                    booked = self.rng.random() < FULLY_BOOKED_WEEK
                    idle = self.rng.uniform(idle_low, idle_high)
                    free = 0 if booked else int(category_output * idle) // 100 * 100
                    free_by_week.append(free)
                    if free == 0:
                        continue
                    low = (
                        base_price * Decimal(str(round(self.rng.uniform(0.9, 1.1), 2)))
                    ).quantize(Decimal("0.01"))
                    cells.append(
                        CapacityCell(
                            category=category.code,
                            week=week,
                            free_pairs=free,
                            unit_price_min_rmb=low,
                            unit_price_max_rmb=(low * Decimal("1.15")).quantize(Decimal("0.01")),
                            min_lot_pairs=min_lot,
                            lead_time_days=lead_days,
                        )
                    )
                if any(free_by_week):
                    self.offers.append(
                        _Offer(
                            cluster=cluster.slug,
                            category=category.code,
                            processes=frozenset(p.code for p in firm.processes.all()),
                            certifications=frozenset(c.code for c in firm.certifications.all()),
                            lead_weeks=math.ceil(lead_days / 7),
                            free_by_week=free_by_week,
                        )
                    )
            capacity_weeks_save(enterprise=firm, cells=cells)
            rows += len(cells)
        self.progress(f"capacity weeks: {rows}")

    def _demands(self, brands: list[Enterprise]) -> None:
        """The brands' open orders, each written to what the cluster's factories make.

        An order takes its processes (and sometimes a certification) from one factory that makes
        its category, so some factory can always make it; its size is a round figure near what
        the factories able to make it can deliver before its due week within its factory limit,
        sometimes above it, so a run places most pairs and leaves a believable rest."""
        count = 0
        for brand in brands:
            hosiery = brand.cluster is not None and brand.cluster.trade == "hosiery"
            suppliers = SOCK_SUPPLIERS if hosiery else SHOE_SUPPLIERS
            lines = SOCK_LINES if hosiery else SHOE_LINES
            for k in range(4 if not hosiery else 3):
                category = self.rng.choice(sorted(lines))
                line = self.rng.choice(lines[category])
                makers = [
                    o
                    for o in self.offers
                    if o.category == category and o.cluster in suppliers and o.processes
                ]
                model = self.rng.choice(makers)
                processes = self.rng.sample(
                    sorted(model.processes), min(len(model.processes), self.rng.choice([1, 1, 2]))
                )
                certifications = (
                    self.rng.sample(sorted(model.certifications), 1)
                    if model.certifications and self.rng.random() < 0.25
                    else []
                )
                due = self.rng.randint(5, 12)
                split = self.rng.random() < (0.8 if hosiery else 0.7)
                limit = self.rng.randint(*(SOCK_MAX_FACTORIES if hosiery else SHOE_MAX_FACTORIES))
                limit = limit if split else 1
                able = sorted(
                    (
                        o
                        for o in makers
                        if set(processes) <= o.processes and set(certifications) <= o.certifications
                    ),
                    key=lambda o: -o.free_before(due),
                )
                # Earlier orders have taken part of these factories' weeks (see _Offer.take).
                fit = min(
                    sum(o.free_before(due) for o in able[:limit]),
                    sum(o.free_before(due) for o in able) // 2,
                ) * self.rng.uniform(0.6, 1.3)
                pairs = max(
                    _round_pairs(fit), SOCK_ORDER_MIN_PAIRS if hosiery else SHOE_ORDER_MIN_PAIRS
                )
                rest = pairs
                for offer in able[:limit]:
                    rest = offer.take(rest, due)
                demand_create(
                    owner=brand,
                    created_by=None,
                    demand_type=DemandType.PROCESSING_ORDER
                    if k < 3
                    else DemandType.ORDER_PURCHASING,
                    title=f"{line}代工 {pairs:,} 双",
                    category=category,
                    pairs=pairs,
                    target_unit_price_rmb=Decimal(
                        self.rng.choice(
                            ["3.20", "4.50", "5.80"] if hosiery else ["32.00", "45.00", "58.00"]
                        )
                    ),
                    delivery_week=self.start_week + dt.timedelta(weeks=due),
                    min_lot_pairs=min(
                        pairs // limit,
                        self.rng.choice([2_000, 5_000] if hosiery else [1_000, 2_000, 3_000]),
                    ),
                    split_allowed=split,
                    max_factories=limit,
                    required_processes=processes,
                    required_certifications=certifications,
                    visibility=self.rng.choice(
                        [
                            Visibility.PUBLIC,
                            Visibility.PUBLIC,
                            Visibility.CLUSTER,
                            Visibility.PRIVATE,
                        ]
                    ),
                )
                count += 1
            demand_create(
                owner=brand,
                created_by=None,
                demand_type=DemandType.ECOMMERCE_COOPERATION
                if hosiery
                else DemandType.TECHNOLOGY_NEED,
                title="直播电商渠道合作" if hosiery else "智能针车生产线技术改造",
                visibility=Visibility.PUBLIC,
            )
            count += 1
        self.progress(f"demands: {count}")

    def _sock_login_firm(self, factories: list[Enterprise]) -> Enterprise:
        """The sock-factory login's firm: of the Xiaobeihe firms that hand-link and close toes
        and offer sports socks, the one quoting them keenest, so the engine has work to propose
        to it (the matching demo posts it a docking order in its line, SOCK_LOGIN_PROFILE)."""
        category, processes = SOCK_LOGIN_PROFILE
        able = Enterprise.objects.filter(
            pk__in=[f.pk for f in factories], cluster=self.clusters["xiaobeihe"]
        )
        for process in processes:
            able = able.filter(processes__code=process)
        # Two queries, not a few for each of the cluster's 226 firms.
        keenest = (
            CapacityWeek.objects.filter(enterprise__in=able, category__code=category)
            .annotate(price=Coalesce("unit_price_min_rmb", Value(Decimal(0))))
            .order_by("price", "enterprise_id")
            .values_list("enterprise_id", flat=True)
            .first()
        )
        return next(f for f in factories if f.pk == keenest)

    def _users(self, brands: list[Enterprise], factories: list[Enterprise]) -> dict[str, str]:
        operator = User.objects.create_user(
            "operator", "operator@clusterlink.demo", DEMO_PASSWORD, display_name="集群运营 Operator"
        )
        for cluster in self.clusters.values():
            OperatorScope.objects.create(user=operator, cluster=cluster)
        brand_user = User.objects.create_user(
            "brand", "brand@clusterlink.demo", DEMO_PASSWORD, display_name="品牌采购 Brand buyer"
        )
        Membership.objects.create(user=brand_user, enterprise=brands[0], role=Membership.Role.OWNER)
        factory = next(
            f
            for f in factories
            # A generated factory: it has the full profile (contacts, processes) a demo should show.
            if f.cluster_id == self.clusters["putian"].pk
            and f.source != Enterprise.Source.OSH
            and f.capacity_weeks.exists()
            and f.processes.exists()
        )
        factory_user = User.objects.create_user(
            "factory",
            "factory@clusterlink.demo",
            DEMO_PASSWORD,
            display_name="工厂厂长 Factory manager",
        )
        Membership.objects.create(user=factory_user, enterprise=factory, role=Membership.Role.OWNER)
        sock = self._sock_login_firm(factories)
        sock_user = User.objects.create_user(
            "sockfactory", "sock@clusterlink.demo", DEMO_PASSWORD, display_name="袜厂 Sock factory"
        )
        Membership.objects.create(user=sock_user, enterprise=sock, role=Membership.Role.OWNER)
        User.objects.create_superuser(
            "admin", "admin@clusterlink.demo", DEMO_PASSWORD, display_name="平台管理员 Admin"
        )
        newcomer = self._newcomer()
        return {
            "operator (all three clusters)": "operator",
            f"brand ({brands[0].legal_name})": "brand",
            f"factory ({factory.legal_name})": "factory",
            f"sock factory ({sock.legal_name})": "sockfactory",
            "platform admin": "admin",
            f"newcomer ({newcomer.legal_name}, awaiting the operator's approval)": "newcomer",
        }

    def _newcomer(self) -> Enterprise:
        """A factory that signed up and asks to join Putian: the operator's membership queue
        has it, and until it is approved it sees what the public sees."""
        user = user_sign_up(
            username="newcomer",
            email="chen.factory@xinrui-shoes.demo",
            password=DEMO_PASSWORD,
            display_name="新入驻工厂 Newcomer",
            firm_name="莆田市城厢区新锐鞋业有限公司",
            firm_cluster=self.clusters["putian"],
            firm_roles=("oem_factory",),
        )
        firm = Enterprise.objects.get(memberships__user=user)
        enterprise_update(
            viewer=viewer_for(user),
            enterprise=firm,
            credit_code=credit_code(self.rng, "350302"),
            address="福建省莆田市城厢区华亭镇工业区",
            contact_name="陈厂长",
            contact_phone="13905941234",
            contact_email="chen@xinrui-shoes.demo",
        )
        firm.refresh_from_db()
        firm.cluster_request_note = "专做运动鞋帮面，每周可接 8,000 双代工。"
        firm.save(update_fields=["cluster_request_note"])
        return firm
