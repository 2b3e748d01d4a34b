"""Translations: the zh-hans and ja catalogs are complete, and no English UI text is left on pages.

Two checks:

* every entry of the zh_Hans and ja ``django.po`` has a translation, is not fuzzy, and keeps the
  msgid's placeholders and HTML tags (a lost ``%(pairs)s`` would raise at run time);
* the main pages rendered in zh-hans and ja carry none of the English msgids as visible text.
  Visible text is the page's text nodes plus the attributes people read (title, placeholder,
  aria-label, alt, button values, the meta description); scripts and styles are dropped. A
  msgid of two or more words (each literal run between placeholders and tags) must not appear
  anywhere in it; a one-word msgid must not be a whole text node or attribute. English that is
  also part of some translation (ClusterLink, Open Supply Hub, CSV UTF-8) is allowed. The test
  data is Chinese, so a data value cannot be taken for a msgid; the English name fields are empty.
  Each page is also rendered in English and must show some msgid, so the check cannot pass
  vacuously (a page that failed to render, or text the extraction misses).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from clusterlink.accounts.models import Membership
from clusterlink.common import clock
from clusterlink.common.translations import catalog_dirs
from clusterlink.directory.models import Category, Enterprise, ImportJob
from clusterlink.market.models import Demand
from tests.accounts.factories import MembershipFactory, OperatorScopeFactory
from tests.directory.factories import CapacityWeekFactory, ClusterFactory, EnterpriseFactory
from tests.directory.test_imports_files import BAD_CHECK_CODE, ENTERPRISE_HEADER_ZH, firm, xlsx
from tests.market.factories import DemandFactory

TRANSLATED = ["zh_Hans", "ja"]
PAGE_LANGUAGES = {"zh-hans": "zh_Hans", "ja": "ja"}

PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sd%]|\{\w*\}")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
KANA = re.compile(r"[\u3041-\u309f\u30a1-\u30fa]")
HAN = re.compile(r"[\u4e00-\u9fff]")
HAN_PUNCTUATION = " :.,;!?·—“”\"'：，。；！？、"
DEFAULT_CATALOG = "zh_Hans"  # LANGUAGE_CODE: the fallback of every other language


@cache
def catalog(language: str) -> Catalog:
    """The project catalog of `language` with every app catalog merged into it."""
    merged: Catalog | None = None
    for locale_dir in catalog_dirs():
        path = locale_dir / language / "LC_MESSAGES" / "django.po"
        if not path.exists():
            continue
        with path.open("rb") as handle:
            part = read_po(handle, locale=language)
        if merged is None:
            merged = part
            continue
        for message in part:
            if message.id and merged.get(message.id) is None:
                merged[message.id] = message
    assert merged is not None, f"no catalog for {language}"
    return merged


def entries(language: str) -> list[Any]:
    return [message for message in catalog(language) if message.id]


def ids_of(message: Any) -> list[str]:
    return list(message.id) if isinstance(message.id, tuple) else [message.id]


def strings_of(message: Any) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


# --- (a) the catalogs ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalog_is_complete_and_keeps_placeholders(language: str) -> None:
    cat = catalog(language)
    assert cat.num_plurals == 1, "Chinese and Japanese have one plural form"
    assert len(entries(language)) >= len(entries("en")) > 100
    problems = []
    for message in entries(language):
        msgid = ids_of(message)[0]
        strings = strings_of(message)
        if "fuzzy" in message.flags:
            problems.append(f"fuzzy: {msgid!r}")
        if not all(s.strip() for s in strings):
            problems.append(f"untranslated: {msgid!r}")
            continue
        if isinstance(message.id, tuple) and len(strings) != 1:
            problems.append(f"{len(strings)} plural forms instead of 1: {msgid!r}")
        for string in strings:
            # Every msgid form uses the same placeholders here (the plural adds none of its own).
            if sorted(PLACEHOLDER.findall(string)) != sorted(PLACEHOLDER.findall(msgid)):
                problems.append(f"placeholders differ: {msgid!r} -> {string!r}")
            if sorted(TAG.findall(string)) != sorted(TAG.findall(msgid)):
                problems.append(f"HTML differs: {msgid!r} -> {string!r}")
    problems += [f"{message.id!r}: {errors}" for message, errors in cat.check()]
    assert not problems, "\n".join(problems)


def test_every_language_has_the_same_messages() -> None:
    english = {ids_of(m)[0] for m in entries("en")}
    for language in TRANSLATED:
        assert {ids_of(m)[0] for m in entries(language)} == english, language


# --- (b) no English left on the pages -----------------------------------------------------------

READ_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}


class VisibleText(HTMLParser):
    """Text a person reads: text nodes and readable attributes, without scripts and styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self._skip += 1
        values = dict(attrs)
        for name, value in attrs:
            if value and name in READ_ATTRIBUTES:
                self.pieces.append(value)
        if tag == "input" and values.get("type") in ("submit", "button", "reset"):
            self.pieces.append(values.get("value") or "")
        if tag == "meta" and values.get("name") == "description":
            self.pieces.append(values.get("content") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.pieces.append(data)


def visible_pieces(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return [" ".join(piece.split()) for piece in parser.pieces if piece.strip()]


@dataclass(frozen=True)
class LeftoverCheck:
    phrases: re.Pattern[str]  # English of two words or more (and fallback Chinese), anywhere
    words: frozenset[str]  # one-word msgids, as a whole text node or attribute

    def find(self, pieces: list[str]) -> list[str]:
        text = "\n".join(pieces)
        found = {" ".join(match.group(0).split()) for match in self.phrases.finditer(text)}
        found |= {piece for piece in pieces if piece.strip(" :.·—") in self.words}
        return sorted(found)


def fragments(text: str) -> list[str]:
    """The literal runs of a message, between its placeholders and tags."""
    parts = PLACEHOLDER.split(TAG.sub("\n", text))
    return [" ".join(part.split()) for chunk in parts for part in chunk.split("\n")]


@cache
def leftover_check(language: str) -> LeftoverCheck:
    """Text that may not appear on a page translated into `language`.

    An untranslated message shows its English msgid on a zh-hans page; on a ja page Django falls
    back to the default language first, so it shows the zh-hans translation: for ja, the Chinese
    fragments (two Han characters or more) that no Japanese translation contains count too.
    """
    translations = " ".join(" ".join(strings_of(m)) for m in entries(language))
    lowered = translations.lower()
    phrases: set[str] = set()
    words: set[str] = set()
    for message in entries("en"):
        for msgid in ids_of(message):
            for fragment in fragments(msgid):
                count = len(WORD.findall(fragment))
                core = fragment.strip(" :.,;!?·—()“”\"'")
                if count == 0 or core.lower() in lowered:
                    continue
                if count >= 2:
                    phrases.add(core)
                elif core == fragment.strip(" :.·—") and WORD.fullmatch(core):
                    words.add(core)
    if language != DEFAULT_CATALOG:
        for message in entries(DEFAULT_CATALOG):
            for string in strings_of(message):
                for fragment in fragments(string):
                    core = fragment.strip(HAN_PUNCTUATION)
                    if len(HAN.findall(core)) >= 2 and core not in translations:
                        phrases.add(core)
    alternatives = sorted(phrases, key=len, reverse=True)
    pattern = "|".join(r"\s+".join(map(re.escape, p.split())) for p in alternatives)
    return LeftoverCheck(
        phrases=re.compile(rf"(?<![A-Za-z])(?:{pattern})(?![A-Za-z])", re.IGNORECASE),
        words=frozenset(words),
    )


def test_the_check_catches_an_untranslated_string() -> None:
    check = leftover_check("ja")
    html = (
        '<main><h1>需要掲示板</h1><p>Post a  demand</p><button aria-label="Menu">≡</button>'
        "<p>3 free pairs</p><script>var s = 'Skip to content';</script><p>ClusterLink</p>"
        "<p>空闲产能（双）</p></main>"
    )
    assert check.find(visible_pieces(html)) == [
        "Menu",
        "Post a demand",
        "free pairs",
        "空闲产能（双）",
    ]
    assert check.find(visible_pieces("<p>ログイン</p><p>Open Supply Hub 施設リスト</p>")) == []
    assert leftover_check("zh_Hans").find(visible_pieces("<p>空闲产能（双）</p><p>物流</p>")) == []


NOW = dt.datetime(2026, 11, 25, 4, 0, tzinfo=dt.UTC)  # Wednesday of ISO week 2026-W48


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    with clock.frozen(NOW):
        yield


@dataclass
class World:
    anonymous: Client
    member: Client
    operator: Client
    cluster_slug: str
    firm_id: int
    demand_id: int
    jobs: dict[str, int]  # an import job per language
    data: tuple[str, ...]  # values of the test data, removed from the text before the check

    def text(self, html: str) -> list[str]:
        pieces = visible_pieces(html)
        for value in self.data:
            pieces = [piece.replace(value, " ") for piece in pieces]
        return [piece for piece in pieces if piece.strip()]


@pytest.fixture
def world(db: Any) -> World:
    data = dict(
        cluster_name="莆田鞋业集群",
        region="福建省莆田市",
        address="福建省莆田市荔城区",
        contact="张经理",
        titles="中国鞋都",
        summary="莆田是全国重要的运动鞋生产基地。",
        firm="莆田市华峰鞋业有限公司",
        other_firm="晋江市恒达鞋材有限公司",
        firm_description="运动鞋代工，月产十万双。",
        demand="跑鞋代工订单",
        demand_description="网面跑鞋，EVA 大底。",
        draft="休闲鞋草稿",
        imported_firm="莆田市坏码鞋业有限公司",
        file_name="企业.xlsx",
        username="新用户",
    )
    cluster = ClusterFactory(
        slug="putian",
        name_zh=data["cluster_name"],
        name_en="",
        name_ja="莆田靴産業クラスター",
        region_zh=data["region"],
        region_en="",
        region_ja="福建省莆田市",
        firms_count=4200,
        annual_pairs=600_000_000,
        national_rank=3,
        titles_zh=data["titles"],
        titles_ja="中国靴の都",
        summary_zh=data["summary"],
        summary_ja="莆田は中国有数のスポーツシューズの生産拠点です。",
    )
    factory = EnterpriseFactory(
        legal_name=data["firm"],
        name_en="",
        cluster=cluster,
        address=data["address"],
        contact_name=data["contact"],
        roles=["oem_factory", "brand"],
        description=data["firm_description"],
    )
    factory.categories.set(Category.objects.filter(code__in=["sports-shoes", "casual-shoes"]))
    EnterpriseFactory(legal_name=data["other_firm"], name_en="", cluster=cluster)
    CapacityWeekFactory(enterprise=factory, week=dt.date(2026, 11, 30), free_pairs=8000)
    CapacityWeekFactory(enterprise=factory, week=dt.date(2026, 12, 7), reserved_pairs=1000)
    demand = DemandFactory(
        owner=factory,
        title=data["demand"],
        description=data["demand_description"],
        split_allowed=True,
    )
    DemandFactory(owner=factory, title=data["draft"], status=Demand.Status.DRAFT)
    member = MembershipFactory(
        enterprise=factory, role=Membership.Role.OWNER, user__password=None
    ).user
    operator = OperatorScopeFactory(cluster=cluster, user__password=None).user
    clients = {}
    for name, user in (("member", member), ("operator", operator)):
        clients[name] = Client()
        clients[name].force_login(user)
    # An import report keeps its messages in the language of the upload: one upload per language.
    bad_file = xlsx([ENTERPRISE_HEADER_ZH, firm(data["imported_firm"], code=BAD_CHECK_CODE)])
    jobs = {}
    for language in ("en", *PAGE_LANGUAGES):
        with translation.override(language):
            clients["operator"].post(
                reverse("imports:home"),
                {
                    "file": SimpleUploadedFile(data["file_name"], bad_file),
                    "kind": "enterprises",
                    "cluster": cluster.pk,
                },
            )
        jobs[language] = ImportJob.objects.latest("pk").pk
    return World(
        anonymous=Client(),
        member=clients["member"],
        operator=clients["operator"],
        cluster_slug=cluster.slug,
        firm_id=factory.pk,
        demand_id=demand.pk,
        jobs=jobs,
        # The report names a column as the file does (here in Chinese): that is data too.
        data=tuple(sorted([*data.values(), *ENTERPRISE_HEADER_ZH], key=len, reverse=True)),
    )


Page = Callable[[World], tuple[Client, str]]
PAGES: dict[str, Page] = {
    "home": lambda w: (w.anonymous, reverse("directory:home")),
    "cluster page": lambda w: (
        w.anonymous,
        reverse("directory:cluster_detail", args=[w.cluster_slug]),
    ),
    "directory": lambda w: (w.anonymous, reverse("directory:enterprise_list")),
    "directory, filtered": lambda w: (
        w.member,
        reverse("directory:enterprise_list")
        + "?q=华峰&week_from=2026-W50&week_to=2026-W49&min_pairs=1",
    ),
    "enterprise profile": lambda w: (
        w.anonymous,
        reverse("directory:enterprise_detail", args=[w.firm_id]),
    ),
    "enterprise profile, member": lambda w: (
        w.member,
        reverse("directory:enterprise_detail", args=[w.firm_id]),
    ),
    "demand board": lambda w: (w.anonymous, reverse("market:demand_list")),
    "demand detail": lambda w: (w.member, reverse("market:demand_detail", args=[w.demand_id])),
    "offers": lambda w: (w.anonymous, reverse("market:offer_list")),
    "post an offer": lambda w: (w.member, reverse("market:offer_create")),
    "login": lambda w: (w.anonymous, reverse("accounts:login")),
    "sign-up": lambda w: (w.anonymous, reverse("accounts:signup")),
    "password reset": lambda w: (w.anonymous, reverse("accounts:password_reset")),
    "preferences": lambda w: (w.member, reverse("accounts:preferences")),
    "my enterprise": lambda w: (w.member, reverse("mine:overview", args=[w.firm_id])),
    "my profile": lambda w: (w.member, reverse("mine:profile", args=[w.firm_id])),
    "capacity grid": lambda w: (w.member, reverse("mine:capacity", args=[w.firm_id])),
    "my demands": lambda w: (w.member, reverse("mine:demands", args=[w.firm_id])),
    "post a demand": lambda w: (w.member, reverse("mine:demand_create", args=[w.firm_id])),
    "edit a demand": lambda w: (
        w.member,
        reverse("mine:demand_edit", args=[w.firm_id, w.demand_id]),
    ),
    "share a demand": lambda w: (
        w.member,
        reverse("mine:demand_share", args=[w.firm_id, w.demand_id]),
    ),
    "imports": lambda w: (w.operator, reverse("imports:home")),
    "import report": lambda w: (
        w.operator,
        reverse("imports:report", args=[w.jobs[translation.get_language()]]),
    ),
    "duplicate review": lambda w: (w.operator, reverse("imports:review")),
}


def render(world: World, page: str, language: str) -> str:
    with translation.override(language):
        client, address = PAGES[page](world)
    response = client.get(address)
    assert response.status_code == 200, (page, language, address, response.status_code)
    assert address.startswith(f"/{language}/")
    html = response.content.decode()
    assert f'lang="{language}"' in html, (page, "the page is not marked as", language)
    return html


def test_pages_show_no_untranslated_text(world: World) -> None:
    # One test over every page: building the world (users, firms, an import) is the slow part.
    problems = []
    for page in PAGES:
        if not leftover_check("ja").find(world.text(render(world, page, "en"))):
            problems.append(f"{page}: the check finds no UI text even in English")
        for language, catalog_language in PAGE_LANGUAGES.items():
            pieces = world.text(render(world, page, language))
            left = leftover_check(catalog_language).find(pieces)
            if left:
                problems.append(f"{page} in {language} shows untranslated text: {left}")
            if any(KANA.search(piece) for piece in pieces) != (language == "ja"):
                problems.append(f"{page} in {language}: kana where not expected, or none in ja")
    assert not problems, "\n".join(problems)


def test_form_errors_are_translated(world: World) -> None:
    firms = Enterprise.objects.count()
    for language, catalog_language in PAGE_LANGUAGES.items():
        with translation.override(language):
            address = reverse("accounts:signup")
        response = Client().post(
            address,
            {"username": "新用户", "email": "x", "password1": "a", "password2": "b"},
        )
        assert response.status_code == 400  # the form is shown again with its errors
        assert "errorlist" in response.content.decode()
        pieces = world.text(response.content.decode())
        assert not leftover_check(catalog_language).find(pieces), language
    assert Enterprise.objects.count() == firms  # the failed sign-ups created nothing
