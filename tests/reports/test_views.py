"""The outcome report page, PDF and xlsx: who may read them, what they say, the embedded font."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from clusterlink.agreements.demo import load_agreements_demo
from clusterlink.events.models import Event
from tests.accounts.factories import OperatorScopeFactory, UserFactory
from tests.agreements.world import putian_docking, xiaobeihe_ceremony

pytestmark = pytest.mark.django_db

EN_HEADLINE = (
    "6 firms reached cooperation intentions; processing orders exceeded 6.5 million pairs, "
    "about 300 million RMB"
)
ZH_HEADLINE = "6家企业达成合作意向；加工订单超过650万双，约3亿元"
JA_HEADLINE = "6社が協業意向に合意；加工発注は650万足を超え、約3億人民元"


def url(name: str, slug: str, language: str = "en") -> str:
    with translation.override(language):
        return reverse(f"reports:{name}", args=[slug])


@pytest.fixture
def putian() -> Any:
    world = putian_docking()
    load_agreements_demo()
    return world


def test_public_page_of_a_finished_event_shows_headline_and_aggregates(putian: Any) -> None:
    response = Client().get(url("event_outcome", putian.event.slug, "zh-hans"))
    assert response.status_code == 200
    html = response.content.decode()
    assert ZH_HEADLINE in html
    assert 'data-testid="sankey-chart"' in html
    chart = response.context["chart"]
    assert chart["sankey"]["links"] == [
        {"source": "泉州鞋业 · 买方", "target": "莆田鞋业 · 供方", "value": 29970.0}
    ]
    # aggregates only: no single agreement's title or amount
    assert "361°跑鞋加工订单" not in html
    assert "82,800,000" not in html


@pytest.mark.parametrize("status", [Event.Status.DRAFT, Event.Status.REGISTRATION_OPEN])
def test_unpublished_event_report_is_404_for_the_public_and_open_to_its_operators(status):
    world = putian_docking(status=status)
    load_agreements_demo()
    assert Client().get(url("event_outcome", world.event.slug)).status_code == 404
    assert Client().get(url("event_outcome_xlsx", world.event.slug)).status_code == 404
    operator = OperatorScopeFactory(cluster=world.event.clusters.get(slug="putian")).user
    client = Client()
    client.force_login(operator)
    assert client.get(url("event_outcome", world.event.slug)).status_code == 200
    stranger = Client()
    stranger.force_login(UserFactory())
    assert stranger.get(url("event_outcome", world.event.slug)).status_code == 404


def test_private_event_report_is_404_for_the_public():
    world = putian_docking(visibility=Event.Visibility.PRIVATE)
    assert Client().get(url("event_outcome", world.event.slug)).status_code == 404


def test_xlsx_has_one_sheet_per_table_with_the_sums(putian: Any) -> None:
    response = Client().get(url("event_outcome_xlsx", putian.event.slug, "en"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="outcome-putian-quanzhou-docking-en.xlsx"'
    )
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == [
        "Summary",
        "Participants",
        "Agreements by type",
        "Flows between clusters",
    ]
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["Headline"] == EN_HEADLINE
    assert summary["Firms with agreements"] == 6
    assert summary["Pairs"] == 6_540_000
    assert summary["Amount (RMB)"] == 299_700_000
    flows = list(book["Flows between clusters"].iter_rows(min_row=2, values_only=True))
    assert flows == [("Quanzhou footwear", "Putian footwear", 4, 6_540_000, 299_700_000)]


def _pdf(slug: str, language: str) -> PdfReader:
    response = Client().get(url("event_outcome_pdf", slug, language))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(BytesIO(response.content))


def _embedded_fonts(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"].get("/Font", {})
        for font in fonts.values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (
                descendants[0].get_object()["/FontDescriptor"]
                if descendants
                else font.get("/FontDescriptor")
            ).get_object()
            if any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                names.add(str(font["/BaseFont"]))
    return names


@pytest.mark.parametrize(
    ("language", "headline", "cluster"),
    [("zh-hans", ZH_HEADLINE, "莆田鞋业"), ("ja", JA_HEADLINE, "莆田靴産業")],
)
def test_pdf_embeds_the_cjk_font_and_carries_the_headline(
    putian: Any, language: str, headline: str, cluster: str
) -> None:
    reader = _pdf(putian.event.slug, language)
    fonts = _embedded_fonts(reader)
    assert fonts, "no embedded font"
    assert all("Source-Han-Sans-SC" in name for name in fonts)
    text = "".join(page.extract_text() for page in reader.pages)
    assert headline in text.replace("\n", "")
    assert cluster in text


def test_pdf_of_the_xiaobeihe_ceremony_lists_its_types():
    world = xiaobeihe_ceremony()
    load_agreements_demo()
    text = "".join(page.extract_text() for page in _pdf(world.event.slug, "en").pages)
    assert "15 projects were signed" in text.replace("\n", " ")
    for label in ("Order purchasing", "Industrial investment", "Brand OEM / licensing"):
        assert label in text


def test_xlsx_writes_a_formula_in_an_event_name_as_text(putian: Any) -> None:
    Event.objects.filter(pk=putian.event.pk).update(
        name_zh='=HYPERLINK("http://x","y")', name_en='=HYPERLINK("http://x","y")'
    )

    response = Client().get(url("event_outcome_xlsx", putian.event.slug, "en"))

    name = load_workbook(BytesIO(response.content)).worksheets[0]["B2"]
    assert (name.value, name.data_type) == ('\'=HYPERLINK("http://x","y")', "s")


def test_the_pdf_fetcher_serves_static_files_only() -> None:
    from clusterlink.reports.exports import static_file_fetcher

    fetcher = static_file_fetcher()
    font = fetcher.fetch("static:vendor/fonts/SourceHanSansSC-Regular.otf")
    data = fetcher.fetch("data:text/plain;base64,b2s=")

    assert font.read(4) == b"OTTO"  # an OpenType font with CFF outlines
    assert data.read() == b"ok"
    for refused in (
        "file:///etc/passwd",
        "https://example.com/logo.png",
        "http://127.0.0.1:8000/admin/",
        "static:../../config/settings.py",
        "static:/etc/passwd",
        "static:vendor/fonts/missing.otf",
    ):
        with pytest.raises(ValueError, match="static files"):
            fetcher.fetch(refused)
