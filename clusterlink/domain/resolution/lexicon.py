"""Word lists that tell a firm name's distinctive part from its boilerplate.

Three kinds of words are not what makes a firm itself: legal-form suffixes (dropped),
industry words (many firms of one cluster share them) and region words (every firm of a
cluster carries the same city). Each word maps to a canonical form so that Chinese,
pinyin and English spellings of the same thing compare equal.
"""

from __future__ import annotations

from typing import Final


def _words(text: str) -> frozenset[str]:
    """A word set written as running text, so long lists stay readable."""
    return frozenset(text.split())


# Legal forms and boilerplate: carry no identity, dropped from the comparison.
SUFFIX_LATIN: Final[frozenset[str]] = _words(
    """
    co company companies corp corporation inc incorporated llc plc ltd limited ltda gmbh
    pvt private pte pt tbk sdn bhd sa sac srl sas spa cv bv nv ag kg oy ab as jsc
    factory factories manufactory mfg manufacturing manufacture manufacturer
    industrial industry industries ind group holdings holding trading trade enterprise
    enterprises international intl development products product the and of
    youxiangongsi youxianzerengongsi gufenyouxiangongsi gongsi youxian jituan shiye
    """
)

# Longest first matters: the tokenizer takes the longest match at each position.
SUFFIX_CJK: Final[tuple[str, ...]] = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "总公司",
    "公司",
    "集团",
    "工厂",
    "实业",
    "工贸",
    "贸易",
    "制品",
    "股份",
    "厂",
)

# Industry words → canonical class. Similar class on both sides adds a little; the class
# never dominates because every firm in a footwear cluster has it.
INDUSTRY: Final[dict[str, str]] = {
    # footwear
    "鞋业": "footwear",
    "鞋服": "footwear",
    "鞋材": "footwear",
    "制鞋": "footwear",
    "运动鞋": "footwear",
    "鞋": "footwear",
    "shoe": "footwear",
    "shoes": "footwear",
    "footwear": "footwear",
    "footwears": "footwear",
    "sneaker": "footwear",
    "sneakers": "footwear",
    "xieye": "footwear",
    "xiefu": "footwear",
    "zhixie": "footwear",
    # hosiery and knitting
    "袜业": "hosiery",
    "针织": "hosiery",
    "织袜": "hosiery",
    "袜": "hosiery",
    "sock": "hosiery",
    "socks": "hosiery",
    "hosiery": "hosiery",
    "knitting": "hosiery",
    "knitwear": "hosiery",
    "knit": "hosiery",
    "waye": "hosiery",
    "zhenzhi": "hosiery",
    # garments
    "服装": "garment",
    "服饰": "garment",
    "制衣": "garment",
    "时装": "garment",
    "garment": "garment",
    "garments": "garment",
    "garmen": "garment",
    "apparel": "garment",
    "apparels": "garment",
    "clothing": "garment",
    "clothes": "garment",
    "fashion": "garment",
    "fashions": "garment",
    "wear": "garment",
    "fuzhuang": "garment",
    "fushi": "garment",
    "zhiyi": "garment",
    # textiles
    "纺织": "textile",
    "textile": "textile",
    "textiles": "textile",
    "fangzhi": "textile",
    "weaving": "textile",
    "fabric": "textile",
    "fabrics": "textile",
    # leather, bags
    "皮革": "leather",
    "leather": "leather",
    "pige": "leather",
    "箱包": "bags",
    "bags": "bags",
    "bag": "bags",
    "luggage": "bags",
    # materials and generic making
    "鞋材料": "footwear",
    "材料": "materials",
    "materials": "materials",
    "material": "materials",
    "cailiao": "materials",
    "科技": "technology",
    "technology": "technology",
    "tech": "technology",
    "keji": "technology",
}

# Region words (Chinese and pinyin) → canonical pinyin. Clusters are regional, so the city
# in a name says little about which firm it is; a different city says a lot more.
_REGIONS: Final[tuple[tuple[str, str], ...]] = (
    ("福建", "fujian"),
    ("浙江", "zhejiang"),
    ("广东", "guangdong"),
    ("江苏", "jiangsu"),
    ("辽宁", "liaoning"),
    ("山东", "shandong"),
    ("上海", "shanghai"),
    ("北京", "beijing"),
    ("天津", "tianjin"),
    ("重庆", "chongqing"),
    ("河北", "hebei"),
    ("河南", "henan"),
    ("安徽", "anhui"),
    ("江西", "jiangxi"),
    ("湖南", "hunan"),
    ("湖北", "hubei"),
    ("四川", "sichuan"),
    ("广西", "guangxi"),
    ("莆田", "putian"),
    ("泉州", "quanzhou"),
    ("晋江", "jinjiang"),
    ("石狮", "shishi"),
    ("南安", "nanan"),
    ("惠安", "huian"),
    ("仙游", "xianyou"),
    ("涵江", "hanjiang"),
    ("荔城", "licheng"),
    ("城厢", "chengxiang"),
    ("秀屿", "xiuyu"),
    ("鲤城", "licheng"),
    ("丰泽", "fengze"),
    ("洛江", "luojiang"),
    ("陈埭", "chendai"),
    ("安海", "anhai"),
    ("磁灶", "cizao"),
    ("厦门", "xiamen"),
    ("福州", "fuzhou"),
    ("漳州", "zhangzhou"),
    ("温州", "wenzhou"),
    ("台州", "taizhou"),
    ("义乌", "yiwu"),
    ("诸暨", "zhuji"),
    ("海宁", "haining"),
    ("宁波", "ningbo"),
    ("杭州", "hangzhou"),
    ("绍兴", "shaoxing"),
    ("东莞", "dongguan"),
    ("广州", "guangzhou"),
    ("深圳", "shenzhen"),
    ("中山", "zhongshan"),
    ("佛山", "foshan"),
    ("汕头", "shantou"),
    ("南通", "nantong"),
    ("苏州", "suzhou"),
    ("无锡", "wuxi"),
    ("常州", "changzhou"),
    ("青岛", "qingdao"),
    ("大连", "dalian"),
    ("辽阳", "liaoyang"),
    ("小北河", "xiaobeihe"),
    ("成都", "chengdu"),
    ("武汉", "wuhan"),
)

REGION_CJK: Final[dict[str, str]] = dict(_REGIONS)
REGION_LATIN: Final[frozenset[str]] = frozenset(
    {latin for _, latin in _REGIONS}
    | {"china", "prc", "hongkong", "hk", "fujiang"}
    # Countries, written in brackets after a subsidiary's name ("Eclat Textile (Vietnam)").
    | _words(
        """
        vietnam cambodia bangladesh indonesia india pakistan thailand myanmar malaysia
        srilanka philippines honduras guatemala salvador mexico turkey portugal italy
        """
    )
)
# "fujiang" is the commonest misspelling of Fujian in the lists we have seen.
REGION_ALIASES: Final[dict[str, str]] = {"fujiang": "fujian", "hk": "hongkong", "prc": "china"}

# Administrative suffixes that follow a region word ("莆田市", "Putian City"); dropped.
ADMIN_CJK: Final[frozenset[str]] = frozenset("省市县区镇乡村")
ADMIN_LATIN: Final[frozenset[str]] = frozenset(
    {"province", "city", "county", "district", "town", "shi", "sheng", "qu", "zhen"}
)

# Lexicon entries that are pinyin rather than English (never typo-corrected).
PINYIN_LEXICON_WORDS: Final[frozenset[str]] = _words(
    """
    xieye xiefu zhixie waye zhenzhi fuzhuang fushi zhiyi fangzhi pige cailiao keji
    youxiangongsi youxianzerengongsi gufenyouxiangongsi gongsi youxian jituan shiye
    """
)

# Multi-token Latin spellings of one lexicon word, joined before classification so that
# "Jin Jiang" is the region "jinjiang" and "Xie Ye" the industry word "xieye".
LATIN_WORDS: Final[frozenset[str]] = frozenset(
    REGION_LATIN | {w for w in INDUSTRY if w.isascii()} | SUFFIX_LATIN
)

# Words that tell one site of a firm from another ("Unit 2", "Cutting", "Second Branch",
# "分厂"). Two names that differ in these are different facilities of one group, which
# facility lists are full of, so a difference here weighs more than a typo.
UNIT_WORDS: Final[frozenset[str]] = _words(
    """
    unit units branch plant mill site cutting sewing sew laundry finishing washing dyeing
    printing embroidery north south east west first second third fourth fifth ii iii iv vi
    vii viii ix bldg building warehouse subsidiary new
    """
)
UNIT_CJK: Final[dict[str, str]] = {"分公司": "branch", "分厂": "branch", "二厂": "2", "三厂": "3"}

CJK_LEXICON: Final[dict[str, tuple[str, str]]] = {
    **{w: ("unit", u) for w, u in UNIT_CJK.items()},
    **{w: ("suffix", "") for w in SUFFIX_CJK},
    **{w: ("industry", c) for w, c in INDUSTRY.items() if not w.isascii()},
    **{w: ("region", r) for w, r in REGION_CJK.items()},
}
CJK_MAX_WORD = max(len(w) for w in CJK_LEXICON)

# Address words that every address has; they would make any two addresses look alike.
ADDRESS_STOPWORDS: Final[frozenset[str]] = _words(
    """
    no number china prc p r province city county district town village road rd street st
    avenue ave lane zone area industrial industry park estate economic development
    dev tech technology new block building bldg floor f room of the and sheng shi xian qu
    zhen cun lu jie hao
    """
)

ADDRESS_ALIASES: Final[dict[str, str]] = {
    "rd": "road",
    "st": "street",
    "ave": "avenue",
    "indus": "industrial",
    "ind": "industrial",
    "industial": "industrial",
    "inductrial": "industrial",
    "dist": "district",
    "prov": "province",
    "bldg": "building",
}

#: Fixed bit positions of the canonical regions and industry classes, so the scorer can
#: compare sets as bit masks (regions beyond the lexicon hash into the upper half).
REGION_BITS: Final[dict[str, int]] = {
    region: index
    for index, region in enumerate(
        sorted({REGION_ALIASES.get(r, r) for r in REGION_LATIN} | set(REGION_CJK.values()))
    )
}
INDUSTRY_BITS: Final[dict[str, int]] = {
    industry: index for index, industry in enumerate(sorted(set(INDUSTRY.values())))
}
