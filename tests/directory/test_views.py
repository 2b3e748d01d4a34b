from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from clusterlink.directory.models import Certification, Enterprise, Process
from clusterlink.directory.services import enterprise_create
from tests.accounts.factories import MembershipFactory, OperatorScopeFactory, UserFactory
from tests.directory.factories import EnterpriseFactory
from tests.directory.worlds import (
    CONTACT_EMAIL,
    CONTACT_NAME,
    CONTACT_PHONE,
    putian_cluster,
    putian_shoe_factory,
    xiaobeihe_cluster,
    xiaobeihe_sock_maker,
)

pytestmark = pytest.mark.django_db

LANGUAGES = ["zh-hans", "en", "ja"]


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def url(name: str, lang: str = "en", *args: object, query: str = "") -> str:
    with translation.override(lang):
        path = reverse(name, args=args or None)
    return f"{path}?{query}" if query else path


@pytest.fixture
def clusters() -> dict[str, Any]:
    return {"putian": putian_cluster(), "xiaobeihe": xiaobeihe_cluster()}


@pytest.fixture
def putian_factory(clusters: dict[str, Any]) -> Any:
    return putian_shoe_factory(clusters["putian"])


@pytest.fixture
def sock_firm(clusters: dict[str, Any]) -> Any:
    return xiaobeihe_sock_maker(clusters["xiaobeihe"])


def names_in(html: str, *firms: Any) -> list[str]:
    return [firm.legal_name for firm in firms if firm.legal_name in html]


# Home and cluster page ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "cluster_name", "pairs"),
    [
        ("zh-hans", "小北河棉袜集群", "22亿"),
        ("en", "Xiaobeihe cotton-sock cluster", "2.2 billion"),
        ("ja", "小北河綿靴下クラスター", "22億"),
    ],
)
def test_home_lists_clusters_with_figures_in_each_language(
    client: Client,
    clusters: dict[str, Any],
    sock_firm: Any,
    lang: str,
    cluster_name: str,
    pairs: str,
) -> None:
    response = client.get(url("directory:home", lang))

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in html
    assert html.count('data-testid="cluster-card"') == 2
    assert cluster_name in html
    assert pairs in html
    assert url("directory:cluster_detail", lang, "xiaobeihe") in html


@pytest.mark.parametrize("lang", LANGUAGES)
def test_cluster_page_shows_headline_figures_and_live_counts(
    client: Client, clusters: dict[str, Any], sock_firm: Any, lang: str
) -> None:
    response = client.get(url("directory:cluster_detail", lang, "xiaobeihe"))

    html = response.content.decode()
    assert response.status_code == 200
    assert {
        "zh-hans": "小北河棉袜集群",
        "en": "Xiaobeihe cotton-sock cluster",
        "ja": "小北河綿靴下クラスター",
    }[lang] in html
    assert {"zh-hans": "中国袜业名镇", "en": "China Famous Sock Town", "ja": "中国靴下名鎮"}[
        lang
    ] in html
    assert {"zh-hans": "35亿", "en": "3.5 billion", "ja": "35億"}[lang] in html
    assert '<dd data-testid="live-firms">1</dd>' in html
    assert 'id="roles-chart"' in html
    assert "vendor/echarts.min.js" in html
    assert f"{url('directory:enterprise_list', lang)}?cluster=xiaobeihe" in html


def test_cluster_page_of_unknown_cluster_is_404(client: Client) -> None:
    assert client.get(url("directory:cluster_detail", "en", "atlantis")).status_code == 404


def test_cluster_capacity_total_only_for_its_operators(
    client: Client, putian_factory: Any, clusters: dict[str, Any]
) -> None:
    operator = OperatorScopeFactory(cluster=clusters["putian"]).user
    outsider_operator = OperatorScopeFactory(cluster=clusters["xiaobeihe"]).user

    anonymous_html = client.get(url("directory:cluster_detail", "en", "putian")).content.decode()
    client.force_login(outsider_operator)
    outsider_html = client.get(url("directory:cluster_detail", "en", "putian")).content.decode()
    client.force_login(operator)
    operator_html = client.get(url("directory:cluster_detail", "en", "putian")).content.decode()

    assert 'data-testid="cluster-capacity"' not in anonymous_html
    assert 'data-testid="cluster-capacity"' not in outsider_html
    assert 'data-testid="cluster-capacity"' in operator_html
    assert "43,217" not in anonymous_html


# Directory: filters, search, pagination, htmx ----------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_directory_renders_in_each_language(
    client: Client, putian_factory: Any, sock_firm: Any, lang: str
) -> None:
    response = client.get(url("directory:enterprise_list", lang))

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in html
    assert names_in(html, putian_factory, sock_firm) == [
        putian_factory.legal_name,
        sock_firm.legal_name,
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("cluster=xiaobeihe", ["sock"]),
        ("role=brand", ["sock"]),
        ("role=oem_factory", ["shoe", "sock"]),
        ("category=sports-shoes", ["shoe"]),
        ("certification=bsci", ["shoe"]),
        ("process=needle-200", ["sock"]),
        ("cluster=putian&certification=oeko-tex", []),
    ],
)
def test_directory_filters(
    client: Client, putian_factory: Any, sock_firm: Any, query: str, expected: list[str]
) -> None:
    firms = {"shoe": putian_factory, "sock": sock_firm}

    html = client.get(url("directory:enterprise_list", "en", query=query)).content.decode()

    assert names_in(html, putian_factory, sock_firm) == [firms[key].legal_name for key in expected]


@pytest.mark.parametrize("query", ["putian", "莆田", "Putian", "hongda", "putian hongda"])
def test_search_finds_chinese_name_from_pinyin_characters_or_english(
    client: Client, putian_factory: Any, sock_firm: Any, query: str
) -> None:
    html = client.get(url("directory:enterprise_list", "en"), {"q": query}).content.decode()

    assert names_in(html, putian_factory, sock_firm) == [putian_factory.legal_name]


def test_search_jinjiang_shoes_finds_the_jinjiang_shoe_firm(
    client: Client, putian_factory: Any
) -> None:
    jinjiang = enterprise_create(
        cluster_status=Enterprise.ClusterStatus.APPROVED,
        legal_name="晋江市华丰鞋业有限公司",
        roles=["brand"],
    )
    socks = enterprise_create(
        cluster_status=Enterprise.ClusterStatus.APPROVED,
        legal_name="晋江市华丰袜业有限公司",
        roles=["oem_factory"],
    )

    html = client.get(
        url("directory:enterprise_list", "zh-hans"), {"q": "jinjiang shoes"}
    ).content.decode()

    assert names_in(html, jinjiang, socks, putian_factory) == [jinjiang.legal_name]


def test_capacity_filter_for_operator_finds_firms_with_enough_free_pairs(
    client: Client, putian_factory: Any, clusters: dict[str, Any]
) -> None:
    client.force_login(OperatorScopeFactory(cluster=clusters["putian"]).user)
    week = putian_factory.capacity_weeks.get().week.strftime("%G-W%V")

    enough = client.get(
        url("directory:enterprise_list", "en"),
        {"week_from": week, "week_to": week, "min_pairs": "40000"},
    )
    too_much = client.get(
        url("directory:enterprise_list", "en"), {"week_from": week, "min_pairs": "50000"}
    )

    assert names_in(enough.content.decode(), putian_factory) == [putian_factory.legal_name]
    assert names_in(too_much.content.decode(), putian_factory) == []


def test_capacity_filter_never_reveals_capacity_of_others(
    client: Client, putian_factory: Any, sock_firm: Any
) -> None:
    client.force_login(MembershipFactory(enterprise=sock_firm).user)
    week = putian_factory.capacity_weeks.get().week.strftime("%G-W%V")

    html = client.get(
        url("directory:enterprise_list", "en"), {"week_from": week, "min_pairs": "1"}
    ).content.decode()

    assert names_in(html, putian_factory) == []


def test_invalid_filter_shows_error_and_keeps_other_filters(
    client: Client, putian_factory: Any, sock_firm: Any
) -> None:
    client.force_login(UserFactory())

    response = client.get(
        url("directory:enterprise_list", "en"), {"week_from": "next tuesday", "cluster": "putian"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a week like 2026-W49." in html
    assert names_in(html, putian_factory, sock_firm) == [putian_factory.legal_name]


def test_htmx_request_gets_only_the_results(
    client: Client, putian_factory: Any, sock_firm: Any
) -> None:
    response = client.get(
        url("directory:enterprise_list", "en"), {"q": "putian"}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="directory-filters"' not in html
    assert html.count('data-testid="enterprise-result"') == 1
    assert "1 firm" in html


def test_pagination_keeps_filters(client: Client, clusters: dict[str, Any]) -> None:
    for _ in range(23):
        EnterpriseFactory(cluster=clusters["putian"])

    first = client.get(
        url("directory:enterprise_list", "en"), {"cluster": "putian"}
    ).content.decode()
    second = client.get(
        url("directory:enterprise_list", "en"), {"cluster": "putian", "page": "2"}
    ).content.decode()

    assert first.count('data-testid="enterprise-result"') == 20
    assert "?cluster=putian&amp;page=2" in first
    assert second.count('data-testid="enterprise-result"') == 3
    assert "23 firms" in second


def test_unlisted_firm_is_hidden_from_the_public_directory(
    client: Client, clusters: dict[str, Any]
) -> None:
    hidden = EnterpriseFactory(cluster=clusters["putian"], is_listed=False)

    html = client.get(url("directory:enterprise_list", "en")).content.decode()

    assert hidden.legal_name not in html
    assert client.get(url("directory:enterprise_detail", "en", hidden.pk)).status_code == 404


# Enterprise profile: public and private parts ----------------------------------------------

PRIVATE_MARKERS = [
    CONTACT_NAME,
    CONTACT_PHONE,
    CONTACT_EMAIL,
    "43217",
    "37.45",
    'data-testid="capacity"',
    'data-testid="contacts"',
]


def profile_html(client: Client, firm: Any, lang: str = "en") -> str:
    response = client.get(url("directory:enterprise_detail", lang, firm.pk))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_profile_shows_public_part_to_anonymous_and_no_private_field(
    client: Client, putian_factory: Any, lang: str
) -> None:
    html = profile_html(client, putian_factory, lang)

    assert putian_factory.legal_name in html
    assert "Putian Hongda Footwear Co., Ltd." in html
    assert "福建省莆田市荔城区黄石镇" in html
    assert "420" in html
    assert "运动鞋代工，注塑大底。" in html
    assert {"zh-hans": "运动鞋", "en": "Sports shoes", "ja": "スポーツシューズ"}[lang] in html
    assert {
        "zh-hans": Process.objects.get(code="injection").name_zh,
        "en": "Injection moulding",
        "ja": "射出成形",
    }[lang] in html
    assert (
        Certification.objects.get(code="bsci").name_en in html
        or Certification.objects.get(code="bsci").name_zh in html
    )
    assert [marker for marker in PRIVATE_MARKERS if marker in html] == []


@pytest.mark.parametrize("who", ["member_of_other_firm", "operator_of_other_cluster", "plain_user"])
def test_profile_hides_private_fields_from_outsiders(
    client: Client, putian_factory: Any, sock_firm: Any, clusters: dict[str, Any], who: str
) -> None:
    user = {
        "member_of_other_firm": lambda: MembershipFactory(enterprise=sock_firm).user,
        "operator_of_other_cluster": lambda: (
            OperatorScopeFactory(cluster=clusters["xiaobeihe"]).user
        ),
        "plain_user": lambda: UserFactory(),
    }[who]()
    client.force_login(user)

    html = profile_html(client, putian_factory)

    assert [marker for marker in PRIVATE_MARKERS if marker in html] == []


@pytest.mark.parametrize("who", ["owner", "member", "operator", "platform_admin"])
def test_profile_shows_private_fields_to_members_and_operators(
    client: Client, putian_factory: Any, clusters: dict[str, Any], who: str
) -> None:
    user = {
        "owner": lambda: MembershipFactory(enterprise=putian_factory, role="owner").user,
        "member": lambda: MembershipFactory(enterprise=putian_factory, role="member").user,
        "operator": lambda: OperatorScopeFactory(cluster=clusters["putian"]).user,
        "platform_admin": lambda: UserFactory(is_superuser=True, is_staff=True),
    }[who]()
    client.force_login(user)

    html = profile_html(client, putian_factory)

    assert [marker for marker in PRIVATE_MARKERS if marker not in html] == []


def test_profile_of_unknown_firm_is_404(client: Client) -> None:
    assert client.get(url("directory:enterprise_detail", "en", 999999)).status_code == 404


def test_unlisted_firm_profile_is_visible_to_its_member(
    client: Client, clusters: dict[str, Any]
) -> None:
    hidden = EnterpriseFactory(
        cluster=clusters["putian"], is_listed=False, contact_phone=CONTACT_PHONE
    )
    client.force_login(MembershipFactory(enterprise=hidden).user)

    html = profile_html(client, hidden)

    assert CONTACT_PHONE in html


def test_folded_filter_panel_counts_the_filters_in_use(client: Client, putian_factory: Any) -> None:
    filters = {"cluster": "putian", "role": "oem_factory", "q": "x"}

    html = client.get(url("directory:enterprise_list", "en"), filters).content.decode()

    assert 'data-testid="filter-count" title="Filters in use">2</span>' in html
    assert '<details class="more-filters" id="more-filters" >' in html


@pytest.mark.parametrize("query", ["%", "!!!", "？。、", "_"])
def test_a_search_with_nothing_searchable_lists_no_firm_and_says_why(
    client: Client, putian_factory: Any, sock_firm: Any, query: str
) -> None:
    response = client.get(url("directory:enterprise_list", "en"), {"q": query})

    html = response.content.decode()
    assert response.status_code == 200
    assert names_in(html, putian_factory, sock_firm) == []
    assert response.context["form"].errors["q"] == ["Enter letters, digits or Chinese characters."]
    assert 'data-testid="search-refused"' in html


def test_a_search_over_100_characters_is_refused_like_the_api(
    client: Client, putian_factory: Any, sock_firm: Any
) -> None:
    response = client.get(
        url("directory:enterprise_list", "en"), {"q": "putian " * 43}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert names_in(html, putian_factory, sock_firm) == []
    assert "at most 100 characters" in html
    assert 'data-testid="search-refused"' in html
