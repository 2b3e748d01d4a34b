"""The seeded taxonomy of footwear and hosiery products, processes and certifications.

Codes are stable identifiers used by imports, the API and the allocation engine; names are
(zh, en, ja). The data migration `seed_taxonomy` writes these rows.
"""

from __future__ import annotations

CATEGORIES: list[tuple[str, str, tuple[str, str, str]]] = [
    ("sports-shoes", "footwear", ("运动鞋", "Sports shoes", "スポーツシューズ")),
    ("casual-shoes", "footwear", ("休闲鞋", "Casual shoes", "カジュアルシューズ")),
    ("leather-shoes", "footwear", ("皮鞋", "Leather shoes", "革靴")),
    ("childrens-shoes", "footwear", ("童鞋", "Children's shoes", "子供靴")),
    ("slippers", "footwear", ("拖鞋", "Slippers", "スリッパ")),
    ("sandals", "footwear", ("凉鞋", "Sandals", "サンダル")),
    ("outdoor-boots", "footwear", ("户外靴", "Outdoor boots", "アウトドアブーツ")),
    ("cotton-socks", "hosiery", ("棉袜", "Cotton socks", "綿靴下")),
    ("sports-socks", "hosiery", ("运动袜", "Sports socks", "スポーツソックス")),
    ("dress-socks", "hosiery", ("商务袜", "Dress socks", "ビジネスソックス")),
    ("childrens-socks", "hosiery", ("童袜", "Children's socks", "子供用靴下")),
    ("no-show-socks", "hosiery", ("船袜", "No-show socks", "フットカバー")),
    ("pantyhose", "hosiery", ("连裤袜", "Pantyhose", "パンティストッキング")),
]

PROCESSES: list[tuple[str, str, tuple[str, str, str]]] = [
    ("cutting", "footwear", ("裁断", "Cutting", "裁断")),
    ("stitching", "footwear", ("针车", "Stitching", "縫製")),
    ("lasting", "footwear", ("成型", "Lasting", "つり込み")),
    ("cementing", "footwear", ("胶粘", "Cementing", "セメント製法")),
    ("vulcanising", "footwear", ("硫化", "Vulcanising", "加硫製法")),
    ("injection", "footwear", ("注塑", "Injection moulding", "射出成形")),
    ("knit-uppers", "footwear", ("飞织鞋面", "Knit uppers", "ニットアッパー")),
    ("sole-making", "footwear", ("鞋底制造", "Sole making", "ソール製造")),
    ("needle-144", "hosiery", ("144针", "144 needles", "144針")),
    ("needle-168", "hosiery", ("168针", "168 needles", "168針")),
    ("needle-200", "hosiery", ("200针", "200 needles", "200針")),
    ("needle-240", "hosiery", ("240针", "240 needles", "240針")),
    ("single-cylinder", "hosiery", ("单针筒", "Single cylinder", "シングルシリンダー")),
    ("double-cylinder", "hosiery", ("双针筒", "Double cylinder", "ダブルシリンダー")),
    ("auto-toe-closing", "hosiery", ("自动缝头", "Automatic toe closing", "自動つま先縫製")),
    ("hand-linking", "hosiery", ("手工缝头", "Hand-linked toe", "手かがりつま先")),
    ("dyeing", "hosiery", ("染色", "Dyeing", "染色")),
    ("setting", "hosiery", ("定型", "Setting (boarding)", "セット（型入れ）")),
]

CERTIFICATIONS: list[tuple[str, tuple[str, str, str]]] = [
    (
        "iso9001",
        ("ISO 9001 质量管理体系", "ISO 9001 quality management", "ISO 9001 品質マネジメント"),
    ),
    (
        "iso14001",
        (
            "ISO 14001 环境管理体系",
            "ISO 14001 environmental management",
            "ISO 14001 環境マネジメント",
        ),
    ),
    (
        "iso45001",
        (
            "ISO 45001 职业健康安全",
            "ISO 45001 occupational health and safety",
            "ISO 45001 労働安全衛生",
        ),
    ),
    ("bsci", ("amfori BSCI 社会责任", "amfori BSCI", "amfori BSCI")),
    ("smeta", ("SMETA 审核", "Sedex SMETA", "Sedex SMETA")),
    ("wrap", ("WRAP 认证", "WRAP", "WRAP")),
    ("oeko-tex", ("OEKO-TEX 100 生态纺织品", "OEKO-TEX Standard 100", "OEKO-TEX スタンダード100")),
    (
        "grs",
        (
            "GRS 全球回收标准",
            "Global Recycled Standard (GRS)",
            "GRS グローバル・リサイクル・スタンダード",
        ),
    ),
    ("bluesign", ("bluesign 蓝标认证", "bluesign", "bluesign")),
]
