"""The two-cluster directory world: Putian footwear and Xiaobeihe cotton socks.

The directory view tests and the browser tests build their firms from these functions, each
taking only the pieces it needs. The taxonomy must be seeded (it is, except after a
transactional test flushed it; see tests/browser/conftest.py).
"""

from __future__ import annotations

from decimal import Decimal

from clusterlink.directory.models import Cluster, Enterprise
from clusterlink.directory.services import enterprise_create
from tests.directory.factories import CapacityWeekFactory, ClusterFactory

# Private values of the Putian shoe factory: pages may show them only to its members and to
# its cluster's operators.
CONTACT_NAME = "陈秘书"
CONTACT_PHONE = "13912345678"
CONTACT_EMAIL = "secret-contact@putian-shoes.cn"
FREE_PAIRS = 43217
PRICE_MIN = Decimal("37.45")


def putian_cluster() -> Cluster:
    return ClusterFactory(
        slug="putian",
        name_zh="莆田鞋业集群",
        name_en="Putian footwear cluster",
        name_ja="莆田靴産業クラスター",
        firms_count=4200,
        annual_pairs=900_000_000,
        output_value_rmb=Decimal("120000000000.00"),
        national_rank=3,
        titles_zh="中国鞋都",
        titles_en="China Shoe Capital",
        titles_ja="中国靴の都",
        summary_en="Skilled OEM factories for sports and casual shoes.",
    )


def xiaobeihe_cluster() -> Cluster:
    return ClusterFactory(
        slug="xiaobeihe",
        name_zh="小北河棉袜集群",
        name_en="Xiaobeihe cotton-sock cluster",
        name_ja="小北河綿靴下クラスター",
        region_code="211021",
        region_zh="辽宁省辽阳县",
        region_en="Liaoyang, Liaoning",
        region_ja="遼寧省遼陽県",
        trade="hosiery",
        firms_count=226,
        annual_pairs=2_200_000_000,
        output_value_rmb=Decimal("3500000000.00"),
        national_rank=2,
        titles_zh="中国袜业名镇",
        titles_en="China Famous Sock Town",
        titles_ja="中国靴下名鎮",
    )


def putian_shoe_factory(cluster: Cluster) -> Enterprise:
    """An injection-moulding OEM factory with private contacts and one week of free capacity
    (FREE_PAIRS from PRICE_MIN RMB a pair)."""
    firm = enterprise_create(
        cluster_status=Enterprise.ClusterStatus.APPROVED,
        legal_name="莆田市荔城区鸿达鞋业有限公司",
        name_en="Putian Hongda Footwear Co., Ltd.",
        cluster=cluster,
        roles=["oem_factory"],
        categories=["sports-shoes", "casual-shoes"],
        processes=["injection", "stitching"],
        certifications=["bsci"],
        address="福建省莆田市荔城区黄石镇",
        employees=420,
        description="运动鞋代工，注塑大底。",
        contact_name=CONTACT_NAME,
        contact_phone=CONTACT_PHONE,
        contact_email=CONTACT_EMAIL,
    )
    CapacityWeekFactory(enterprise=firm, free_pairs=FREE_PAIRS, unit_price_min_rmb=PRICE_MIN)
    return firm


def jinjiang_shoe_brand(cluster: Cluster) -> Enterprise:
    return enterprise_create(
        cluster_status=Enterprise.ClusterStatus.APPROVED,
        legal_name="晋江市华丰鞋业有限公司",
        name_en="Jinjiang Huafeng Shoes Co., Ltd.",
        cluster=cluster,
        roles=["brand"],
        categories=["sports-shoes"],
    )


def xiaobeihe_sock_maker(cluster: Cluster) -> Enterprise:
    """A sock factory that is also a brand, OEKO-TEX certified."""
    return enterprise_create(
        cluster_status=Enterprise.ClusterStatus.APPROVED,
        legal_name="辽阳县小北河袜业有限公司",
        name_en="Xiaobeihe Hosiery Co., Ltd.",
        cluster=cluster,
        roles=["oem_factory", "brand"],
        categories=["cotton-socks"],
        processes=["needle-200"],
        certifications=["oeko-tex"],
    )
