"""Column specifications of every import kind: header names accepted (code, Chinese, English,
Japanese), which are required, what each holds (for the template's notes sheet), an example.

The same specs drive the readers' header check, the templates and the exports, so an exported
file always re-imports.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _lazy

from clusterlink.directory.models import Category, Certification, Process, Role


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    ja: str
    help: str | Promise
    example: Any = ""
    required: bool = False  # the header must be present (and the cell filled unless `blank_ok`)
    aliases: tuple[str, ...] = ()

    def label(self, language: str | None = None) -> str:
        """Header written in templates and exports for the language: Chinese, Japanese, or the key."""
        language = (language or get_language() or "zh-hans").lower()
        if language.startswith("zh"):
            return self.zh
        if language.startswith("ja"):
            return self.ja
        return self.key


@dataclass(frozen=True)
class Spec:
    kind: str
    title: str | Promise
    columns: tuple[Column, ...]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def header_index(self) -> dict[str, str]:
        index: dict[str, str] = {}
        for column in self.columns:
            for name in (column.key, column.zh, column.en, column.ja, *column.aliases):
                index[normalise_header(name)] = column.key
        return index


@lru_cache(maxsize=65536)
def normalise_header(name: str) -> str:
    """'企业名称*', 'Legal name', 'legal_name ' → one comparable form."""
    folded = unicodedata.normalize("NFKC", name or "").casefold().strip()
    folded = re.sub(r"[\s_\-*：:]+", "", folded)
    return folded


_LIST = _lazy("Several values are separated by commas (, or ，) or 、.")

ENTERPRISES = Spec(
    kind="enterprises",
    title=_lazy("Enterprises"),
    columns=(
        Column(
            "legal_name",
            "企业名称",
            "Legal name",
            "企業名",
            _lazy("Registered name of the firm, usually in Chinese. Required."),
            "莆田市荔城区恒威鞋业有限公司",
            required=True,
            aliases=("公司名称", "name"),
        ),
        Column(
            "name_en",
            "英文名称",
            "English name",
            "英語名",
            _lazy("Name used in English."),
            "Putian Hengwei Shoes Co., Ltd.",
        ),
        Column(
            "credit_code",
            "统一社会信用代码",
            "Unified social credit code",
            "統一社会信用コード",
            _lazy("18 characters (GB 32100-2015); the check character is verified."),
            "91350100M000100Y43",
        ),
        Column(
            "roles",
            "角色",
            "Roles",
            "役割",
            _lazy(
                "Codes or names of roles: brand, oem_factory, component_maker, material_supplier, ecommerce_seller, research_institute, technology_provider, logistics."
            ),
        ),
        Column(
            "address",
            "地址",
            "Address",
            "住所",
            _lazy("Street address as the firm writes it."),
            "福建省莆田市荔城区黄石镇工业园",
        ),
        Column(
            "lat",
            "纬度",
            "Latitude",
            "緯度",
            _lazy("Latitude in degrees (WGS 84); give both latitude and longitude or neither."),
            25.43,
        ),
        Column("lng", "经度", "Longitude", "経度", _lazy("Longitude in degrees (WGS 84)."), 119.02),
        Column(
            "employees",
            "员工人数",
            "Employees",
            "従業員数",
            _lazy("Number of employees, a whole number."),
            320,
        ),
        Column(
            "categories",
            "产品类别",
            "Product categories",
            "製品カテゴリー",
            _lazy("Codes or names of product categories, e.g. sports-shoes or 运动鞋."),
        ),
        Column(
            "processes",
            "工艺",
            "Processes",
            "工程",
            _lazy("Codes or names of processes, e.g. injection or 注塑."),
        ),
        Column(
            "certifications",
            "认证",
            "Certifications",
            "認証",
            _lazy("Codes of certifications, e.g. iso9001, bsci, oeko-tex."),
        ),
        Column(
            "website",
            "网站",
            "Website",
            "ウェブサイト",
            _lazy("Public website, starting with http:// or https://."),
        ),
        Column(
            "contact_name",
            "联系人",
            "Contact person",
            "担当者",
            _lazy("Private: seen only by the firm's members and the cluster's operators."),
            "张经理",
        ),
        Column(
            "contact_phone",
            "联系电话",
            "Contact phone",
            "電話番号",
            _lazy("Private contact phone."),
            "0594-1234567",
        ),
        Column(
            "contact_email",
            "联系邮箱",
            "Contact e-mail",
            "メールアドレス",
            _lazy("Private contact e-mail."),
            "sales@example.cn",
        ),
        Column(
            "description", "简介", "Description", "紹介", _lazy("Public description of the firm.")
        ),
    ),
)

CAPACITY = Spec(
    kind="capacity",
    title=_lazy("Capacity weeks"),
    columns=(
        Column(
            "enterprise_id",
            "企业编号",
            "Enterprise ID",
            "企業ID",
            _lazy(
                "Optional: the firm's number in ClusterLink; when given it must be the firm you import for."
            ),
        ),
        Column(
            "category",
            "产品类别",
            "Category",
            "製品カテゴリー",
            _lazy("Code or name of the product category, e.g. sports-shoes or 运动鞋. Required."),
            "sports-shoes",
            required=True,
        ),
        Column(
            "week",
            "周",
            "Week",
            "週",
            _lazy(
                "ISO week such as 2026-W49, or a date in that week (a real date cell or 2026-12-07). Not in the past. Required."
            ),
            "2026-W49",
            required=True,
        ),
        Column(
            "free_pairs",
            "空闲产能（双）",
            "Free pairs",
            "空き生産能力（足）",
            _lazy(
                "Pairs the factory can still take that week: a whole number of at least 1. Required."
            ),
            20000,
            required=True,
        ),
        Column(
            "unit_price_min_rmb",
            "最低单价（元）",
            "Lowest unit price (RMB)",
            "最低単価（元）",
            _lazy("RMB per pair, at most two decimals."),
            "38.50",
        ),
        Column(
            "unit_price_max_rmb",
            "最高单价（元）",
            "Highest unit price (RMB)",
            "最高単価（元）",
            _lazy("RMB per pair, at most two decimals; not below the lowest."),
            "45.00",
        ),
        Column(
            "min_lot_pairs",
            "最小起订量（双）",
            "Minimum lot (pairs)",
            "最小ロット（足）",
            _lazy("Smallest order accepted, a whole number."),
            3000,
        ),
        Column(
            "lead_time_days",
            "交货周期（天）",
            "Lead time (days)",
            "リードタイム（日）",
            _lazy("Days from order to first delivery, 0 to 365."),
            15,
        ),
    ),
)

DEMANDS = Spec(
    kind="demands",
    title=_lazy("Demands"),
    columns=(
        Column(
            "enterprise_id",
            "企业编号",
            "Enterprise ID",
            "企業ID",
            _lazy(
                "Optional: the firm's number in ClusterLink; when given it must be the firm you import for."
            ),
        ),
        Column(
            "demand_type",
            "需求类型",
            "Demand type",
            "需要の種類",
            _lazy(
                "processing_order, order_purchasing, material_purchase, brand_oem, industrial_investment, ecommerce_cooperation or technology_need (or their names). Required."
            ),
            "processing_order",
            required=True,
        ),
        Column(
            "title",
            "标题",
            "Title",
            "タイトル",
            _lazy("Short description shown in lists. Required."),
            "跑鞋代工订单 2 万双",
            required=True,
        ),
        Column(
            "category",
            "产品类别",
            "Category",
            "製品カテゴリー",
            _lazy("Code or name of the product category; required for orders."),
            "sports-shoes",
        ),
        Column(
            "pairs",
            "数量（双）",
            "Pairs",
            "数量（足）",
            _lazy("Quantity in pairs, a whole number of at least 1; required for orders."),
            20000,
        ),
        Column(
            "target_unit_price_rmb",
            "目标单价（元）",
            "Target unit price (RMB)",
            "目標単価（元）",
            _lazy("Private: RMB per pair, at most two decimals."),
            "42.00",
        ),
        Column(
            "delivery_week",
            "交货周",
            "Delivery week",
            "納期週",
            _lazy("ISO week such as 2026-W49 or a date in that week; not in the past."),
            "2026-W52",
        ),
        Column(
            "min_lot_pairs",
            "每厂最小量（双）",
            "Minimum lot per factory",
            "工場ごとの最小量",
            _lazy("Smallest quantity one factory may take, a whole number."),
            5000,
        ),
        Column(
            "split_allowed",
            "允许拆单",
            "Split allowed",
            "分割可",
            _lazy("Whether several factories may share the order: 是/否, yes/no."),
            "是",
        ),
        Column(
            "max_factories",
            "最多工厂数",
            "Maximum factories",
            "最大工場数",
            _lazy("Most factories the order may be split over."),
            3,
        ),
        Column(
            "required_processes",
            "要求工艺",
            "Required processes",
            "必要な工程",
            _lazy("Codes or names of processes every factory must have."),
        ),
        Column(
            "required_certifications",
            "要求认证",
            "Required certifications",
            "必要な認証",
            _lazy("Codes of certifications every factory must hold."),
        ),
        Column(
            "visibility",
            "可见范围",
            "Visibility",
            "公開範囲",
            _lazy("public, cluster or private."),
            "public",
        ),
        Column(
            "description",
            "说明",
            "Description",
            "説明",
            _lazy("Details, specifications, conditions."),
        ),
    ),
)

# Open Supply Hub facility lists: country,name,address,sector,lat,lng (lat/lng may be absent).
OSH = Spec(
    kind="osh",
    title=_lazy("Open Supply Hub facility list"),
    columns=(
        Column(
            "country",
            "国家",
            "country",
            "国",
            _lazy("Country name or ISO code."),
            "CN",
            required=True,
        ),
        Column(
            "name",
            "名称",
            "name",
            "名称",
            _lazy("Facility name."),
            "Fujian Jinjiang Example Shoes Co., Ltd.",
            required=True,
        ),
        Column(
            "address",
            "地址",
            "address",
            "住所",
            _lazy("Facility address."),
            "Jinjiang, Fujian",
            required=True,
        ),
        Column(
            "sector",
            "行业",
            "sector",
            "業種",
            _lazy("Sector as published by Open Supply Hub."),
            "Apparel",
        ),
        Column("lat", "纬度", "lat", "緯度", _lazy("Latitude (WGS 84)."), 24.78),
        Column("lng", "经度", "lng", "経度", _lazy("Longitude (WGS 84)."), 118.55),
    ),
)

SPECS: dict[str, Spec] = {s.kind: s for s in (ENTERPRISES, CAPACITY, DEMANDS, OSH)}


class Taxonomy:
    """Codes and names of roles, categories, processes and certifications, loaded once per import.

    A cell may hold a code ("sports-shoes") or a name in any interface language ("运动鞋",
    "Sports shoes", "スポーツシューズ"); lookups are case- and width-insensitive.
    """

    def __init__(self) -> None:
        self.categories = self._index(Category.objects.all())
        self.processes = self._index(Process.objects.all())
        self.certifications = self._index(Certification.objects.all())
        self.roles: dict[str, str] = {}
        from django.utils import translation

        for language in ("zh-hans", "en", "ja"):
            with translation.override(language):
                for code, label in Role.choices:
                    self.roles[normalise_header(code)] = code
                    self.roles[normalise_header(str(label))] = code
        self.roles.update({normalise_header(k): v for k, v in _ROLE_ALIASES.items()})

    @staticmethod
    def _index(rows: Any) -> dict[str, Any]:
        index: dict[str, Any] = {}
        for row in rows:
            for name in (row.code, row.name_zh, row.name_en, row.name_ja):
                if name:
                    index[normalise_header(name)] = row
        return index

    @staticmethod
    def find(index: dict[str, Any], word: str) -> Any:
        return index.get(normalise_header(word))


_ROLE_ALIASES = {
    "品牌": "brand", "品牌商": "brand", "代工厂": "oem_factory", "工厂": "oem_factory", "加工厂": "oem_factory",
    "配套企业": "component_maker", "部件": "component_maker", "材料供应商": "material_supplier", "原材料": "material_supplier",
    "电商": "ecommerce_seller", "电商卖家": "ecommerce_seller", "研究院": "research_institute", "科研院所": "research_institute",
    "技术服务商": "technology_provider", "物流": "logistics", "factory": "oem_factory", "oem": "oem_factory",
    "ブランド": "brand", "工場": "oem_factory",
}  # fmt: skip
