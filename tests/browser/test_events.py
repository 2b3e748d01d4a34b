"""Browser: an operator runs a new docking event from creation to its outcome report.

One walk-through, as the people involved would do it: the operator creates the event (units,
agenda with a matchmaking round and a signing ceremony, slots); a Quanzhou brand and a Putian
factory register representatives; the operator validates them; the representatives mark each
other (must meet, meet, no thanks); the operator runs the optimiser (the background worker
solves it); both agendas show the meeting and its .ics; the desk checks people in; the outcome
of the meeting is recorded and a cooperation intention is signed from it at the ceremony; the
outcome report shows the figures and its headline, as a page, a PDF and a workbook.

Every click that loads a page waits for that navigation (`expect_navigation`), never for a
fixed time: on PostgreSQL a read right after a click raced the request before.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from clusterlink.agreements.models import Agreement
from clusterlink.events.models import (
    Event,
    EventSession,
    Meeting,
    MeetingRequest,
    Participant,
    Registration,
    ScheduleRun,
)
from tests.accounts.factories import MembershipFactory, OperatorScopeFactory
from tests.directory.factories import ClusterFactory, EnterpriseFactory

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("CLUSTERLINK_SCREENSHOTS", "")
SLUG = "hand-in-hand-2026"


def shot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


@pytest.fixture
def people(transactional_db: None) -> dict[str, Any]:
    """A Quanzhou brand and a Putian factory, each with a member, and the operator of both
    clusters."""
    putian = ClusterFactory(
        slug="putian",
        name_zh="莆田鞋业集群",
        name_en="Putian footwear cluster",
        name_ja="莆田靴産業クラスター",
    )
    quanzhou = ClusterFactory(
        slug="quanzhou",
        name_zh="泉州鞋服集群",
        name_en="Quanzhou footwear cluster",
        name_ja="泉州靴・アパレルクラスター",
    )
    operator = OperatorScopeFactory(cluster=putian, user__username="op-putian").user
    OperatorScopeFactory(cluster=quanzhou, user=operator)
    brand = EnterpriseFactory(
        cluster=quanzhou,
        legal_name="晋江市华丰鞋业有限公司",
        name_en="Jinjiang Huafeng Shoes",
        roles=["brand"],
    )
    factory = EnterpriseFactory(
        cluster=putian,
        legal_name="莆田市荔城区鸿达鞋业有限公司",
        name_en="Putian Hongda Footwear",
        roles=["oem_factory"],
    )
    return {
        "putian": putian,
        "quanzhou": quanzhou,
        "operator": operator,
        "brand": brand,
        "factory": factory,
        "brand_user": MembershipFactory(enterprise=brand, user__username="huafeng").user,
        "factory_user": MembershipFactory(enterprise=factory, user__username="hongda").user,
    }


@pytest.fixture
def open_as(
    browser: Any, login: Callable[..., None], live_server: Any
) -> Iterator[Callable[..., Any]]:
    """A logged-in page for a user, each in its own browser context (own cookies)."""
    contexts: list[Any] = []

    def open_page(user: Any, lang: str = "en") -> Any:
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, locale="en-US", accept_downloads=True
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        user_page = context.new_page()
        login(user_page, user, lang=lang)
        return user_page

    yield open_page
    for context in contexts:
        context.close()


def click_and_wait(page: Any, selector: str) -> None:
    """Click something that loads a page and wait for that page (never a fixed sleep)."""
    with page.expect_navigation():
        page.click(selector)


def day(offset: int) -> dt.date:
    # The event lies ahead of today: registration and requests work on the real clock here.
    return dt.date.today() + dt.timedelta(days=offset)


def test_operator_runs_a_new_event_from_creation_to_outcome_report(
    page: Any,
    login: Callable[..., None],
    url: Callable[..., str],
    open_as: Callable[..., Any],
    people: dict[str, Any],
    tmp_path: Path,
) -> None:
    first, last = day(30), day(31)
    d1 = first.isoformat()

    # --- the operator creates the event -------------------------------------------------------
    login(page, people["operator"])
    page.goto(url("events:create"))
    page.fill("input[name='name_zh']", "泉州品牌莆田工厂携手对接会")
    page.fill("input[name='name_en']", "Hand in hand: Quanzhou brands meet Putian factories")
    page.fill("input[name='slug']", SLUG)
    page.fill("input[name='theme_zh']", "产业协同 携手共进")
    page.fill("input[name='starts_on']", first.isoformat())
    page.fill("input[name='ends_on']", last.isoformat())
    page.fill("input[name='venue_zh']", "莆田市会展中心")
    page.fill("input[name='venue_en']", "Putian Convention Centre")
    page.check(f"input[name='clusters'][value='{people['putian'].pk}']")
    page.check(f"input[name='clusters'][value='{people['quanzhou'].pk}']")
    page.select_option("select[name='visibility']", "public")
    page.select_option("select[name='status']", "registration_open")
    page.fill("input[name='meeting_tables']", "2")
    page.fill("input[name='default_max_meetings']", "4")
    page.fill("input[name='max_requests']", "10")
    page.fill("input[name='request_valid_days']", "14")
    click_and_wait(page, '[data-testid="save-event"]')
    event = Event.objects.get(slug=SLUG)
    assert page.url.endswith(f"/events/{SLUG}/manage/")
    assert (event.starts_on, event.ends_on, event.meeting_tables) == (first, last, 2)
    assert set(event.clusters.values_list("slug", flat=True)) == {"putian", "quanzhou"}

    # units
    for part, name in (
        ("guiding", "福建省工业和信息化厅"),
        ("hosting", "莆田市人民政府"),
        ("organising", "莆田市鞋业协会"),
    ):
        page.select_option("select[name='unit-part']", part)
        page.fill("input[name='unit-name_zh']", name)
        click_and_wait(page, '[data-testid="add-unit"]')
    assert list(event.units.order_by("part").values_list("part", flat=True)) == [
        "guiding",
        "hosting",
        "organising",
    ]

    # agenda: opening, matchmaking round, signing ceremony
    for kind, title, start, end in (
        ("opening", "开幕式", "09:00", "09:30"),
        ("matchmaking", "一对一洽谈", "14:00", "16:00"),
        ("signing_ceremony", "集中签约仪式", "16:30", "17:30"),
    ):
        page.select_option("select[name='session-kind']", kind)
        page.fill("input[name='session-title_zh']", title)
        page.fill("input[name='session-starts_at']", f"{d1}T{start}")
        page.fill("input[name='session-ends_at']", f"{d1}T{end}")
        click_and_wait(page, '[data-testid="add-session"]')
    assert page.locator('[data-testid="session-row"]').count() == 3

    # an overlapping session is refused where it was typed, and nothing is written
    page.select_option("select[name='session-kind']", "speech")
    page.fill("input[name='session-title_zh']", "主旨演讲")
    page.fill("input[name='session-starts_at']", f"{d1}T09:15")
    page.fill("input[name='session-ends_at']", f"{d1}T10:00")
    click_and_wait(page, '[data-testid="add-session"]')
    assert (
        "Overlaps the session 开幕式" in page.locator('[data-testid="session-form"]').inner_text()
    )
    assert event.sessions.count() == 3

    # three 20-minute slots in the matchmaking round
    matchmaking = event.sessions.get(kind=EventSession.Kind.MATCHMAKING)
    ceremony = event.sessions.get(kind=EventSession.Kind.SIGNING_CEREMONY)
    page.fill("input[name='slots-starts_at']", f"{d1}T14:00")
    page.fill("input[name='slots-minutes']", "20")
    page.fill("input[name='slots-count']", "3")
    page.fill("input[name='slots-break_minutes']", "0")
    page.select_option("select[name='slots-session']", str(matchmaking.pk))
    click_and_wait(page, '[data-testid="add-slots"]')
    assert page.locator('[data-testid="slot"]').count() == 3
    slots = list(event.slots.order_by("starts_at"))
    assert [s.session_id for s in slots] == [matchmaking.pk] * 3
    shot(page, "event-manage")

    # the public event page shows the organisers and the agenda
    page.goto(url("events:detail", slug=SLUG))
    assert page.locator('[data-testid="event-name"]').inner_text() == (
        "Hand in hand: Quanzhou brands meet Putian factories"
    )
    assert "莆田市人民政府" in page.locator("#units").inner_text()
    assert "集中签约仪式" in page.locator("#agenda").inner_text()

    # --- the firms register representatives --------------------------------------------------
    brand_page = open_as(people["brand_user"])
    brand_page.goto(url("events:detail", slug=SLUG))
    click_and_wait(brand_page, '[data-testid="register"]')
    brand_page.fill("textarea[name='note']", "寻找跑鞋代工")
    brand_page.fill("input[name='rep0-name']", "王采购")
    brand_page.select_option("select[name='rep0-role']", "buyer")
    click_and_wait(brand_page, '[data-testid="send-registration"]')
    assert "Your registration is sent" in brand_page.content()

    factory_page = open_as(people["factory_user"])
    factory_page.goto(url("events:register", slug=SLUG))
    factory_page.fill("input[name='rep0-name']", "林厂长")
    factory_page.select_option("select[name='rep0-role']", "supplier")
    factory_page.fill("input[name='rep1-name']", "陈业务")
    factory_page.select_option("select[name='rep1-role']", "supplier")
    # the second representative cannot attend the last slot
    factory_page.uncheck(f"input[name='rep1-available_slots'][value='{slots[2].pk}']")
    click_and_wait(factory_page, '[data-testid="send-registration"]')
    registrations = Registration.objects.filter(event=event)
    assert sorted(registrations.values_list("status", flat=True)) == ["pending", "pending"]
    buyer = Participant.objects.get(name="王采购")
    maker, second = Participant.objects.get(name="林厂长"), Participant.objects.get(name="陈业务")
    assert (maker.user, second.user) == (people["factory_user"], None)
    assert list(second.available_slots.order_by("starts_at")) == slots[:2]

    # before validation, requests are closed
    brand_page.goto(url("events:requests", slug=SLUG))
    assert "not validated yet" in brand_page.content()

    # --- the operator validates both registrations --------------------------------------------
    page.goto(url("events:registrations", slug=SLUG))
    for _ in range(2):
        click_and_wait(page, '[data-testid="validate"] >> nth=0')
    assert page.locator('[data-testid="validate"]').count() == 0
    assert sorted(registrations.values_list("status", flat=True)) == ["validated", "validated"]

    # --- requests: must meet, meet, and a no-thanks (a veto) ---------------------------------
    brand_page.goto(url("events:requests", slug=SLUG))
    click_and_wait(brand_page, f'#everyone [data-testid="mark-must-{maker.pk}"]')
    click_and_wait(brand_page, f'#everyone [data-testid="mark-meet-{second.pk}"]')
    factory_page.goto(url("events:requests", slug=SLUG, query=f"as={maker.pk}"))
    click_and_wait(factory_page, f'#everyone [data-testid="mark-meet-{buyer.pk}"]')
    factory_page.goto(url("events:requests", slug=SLUG, query=f"as={second.pk}"))
    click_and_wait(factory_page, f'#everyone [data-testid="mark-no-{buyer.pk}"]')
    marks = set(
        MeetingRequest.objects.filter(event=event).values_list(
            "from_participant__name", "to_participant__name", "preference"
        )
    )
    assert marks == {
        ("王采购", "林厂长", "must"),
        ("王采购", "陈业务", "meet"),
        ("林厂长", "王采购", "meet"),
        ("陈业务", "王采购", "no"),
    }
    # the brand's page, reloaded after each mark, shows its must-meet pressed
    must = brand_page.locator(f'#everyone [data-testid="mark-must-{maker.pk}"]')
    assert must.get_attribute("aria-pressed") == "true"

    # --- the operator runs the optimiser; the background worker solves it ---------------------
    page.goto(url("events:schedule", slug=SLUG))
    page.select_option("select[name='mode']", "full")
    page.fill("input[name='time_limit_s']", "10")
    click_and_wait(page, '[data-testid="run-schedule"]')
    assert page.locator('[data-testid="run-status"]').inner_text() == "Queued"
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    run = ScheduleRun.objects.get(event=event)
    assert (run.status, run.objective, run.upper_bound) == ("done", 4, 4)
    page.reload()
    assert page.locator('[data-testid="run-status"]').inner_text() == "Done"
    assert page.locator('[data-testid="run-objective"]').inner_text() == "4"
    assert page.locator('[data-testid="run-ratio"]').inner_text() == "100.0 %"
    # the vetoed pair (brand buyer and the second factory representative) is not scheduled
    meeting = Meeting.objects.get(event=event)
    assert {meeting.participant_a, meeting.participant_b} == {buyer, maker}
    assert (meeting.weight, meeting.status) == (4, "scheduled")
    assert page.locator('[data-testid="grid-meeting"]').count() == 1
    shot(page, "event-schedule")

    # --- both agendas show the meeting; the .ics holds it -------------------------------------
    for user_page, who, other in ((brand_page, buyer, maker), (factory_page, maker, buyer)):
        user_page.goto(url("events:agenda", slug=SLUG, query=f"as={who.pk}"))
        item = user_page.locator('[data-testid="agenda-meeting"]')
        assert item.count() == 1
        assert f"Table {meeting.table}" in item.inner_text()
        assert other.name in item.inner_text()
        assert user_page.locator('[data-testid="qr"] svg').count() == 1
        with user_page.expect_download() as download_info:
            user_page.click('[data-testid="ics"]')
        ics = Path(download_info.value.path()).read_text(encoding="utf-8")
        assert ics.count("BEGIN:VEVENT") == 1 + 3  # the meeting and the three sessions
        assert other.name in ics.replace("\r\n ", "")
    shot(brand_page, "event-agenda")

    # --- on the day: the desk checks people in (scanned code, then search) --------------------
    page.goto(url("events:check_in", slug=SLUG))
    assert page.locator('[data-testid="checked-count"]').inner_text() == "0 / 3 checked in"
    scanned = f"{url('events:check_in', slug=SLUG)}?code={buyer.qr_token}"
    page.fill("#id_code", scanned)
    click_and_wait(page, '[data-testid="scan-form"] button[type="submit"]')
    with translation.override("en"):
        firm_name = people["brand"].display_name
    assert f"王采购 ({firm_name}) is checked in." in page.inner_text("body")
    page.fill("#q", "林厂长")
    click_and_wait(page, "form.search-bar button[type='submit']")
    assert page.locator('[data-testid="desk-person"]').count() == 1
    click_and_wait(page, '[data-testid="desk-person"] button[type="submit"]')
    assert page.locator('[data-testid="checked-count"]').inner_text() == "2 / 3 checked in"
    assert set(
        Participant.objects.filter(checked_in_at__isnull=False).values_list("name", flat=True)
    ) == {"王采购", "林厂长"}

    # --- the factory records the meeting's outcome --------------------------------------------
    factory_page.goto(url("events:agenda", slug=SLUG, query=f"as={maker.pk}"))
    click_and_wait(factory_page, '[data-testid="agenda-meeting"] a')
    factory_page.select_option("select[name='interest_level']", "high")
    factory_page.select_option("select[name='next_step']", "intention")
    factory_page.fill("textarea[name='notes']", "首单 125 万双跑鞋，1 月打样")
    click_and_wait(factory_page, '[data-testid="save-outcome"]')
    assert factory_page.locator('[data-testid="meeting-status"]').inner_text() == "Held"
    meeting.refresh_from_db()
    assert (meeting.status, meeting.interest_level, meeting.next_step) == (
        "held",
        "high",
        "intention",
    )

    # --- a cooperation intention is recorded from the meeting ---------------------------------
    click_and_wait(factory_page, '[data-testid="record-agreement"]')
    factory_page.select_option("select[name='agreement_type']", "processing_order")
    factory_page.fill("input[name='title']", "跑鞋代工意向")
    factory_page.select_option("select[name='buyer']", str(people["brand"].pk))
    factory_page.select_option("select[name='supplier']", str(people["factory"].pk))
    factory_page.fill("input[name='pairs']", "1250000")
    factory_page.fill("input[name='amount_rmb']", "56000000.00")
    click_and_wait(factory_page, '[data-testid="agreement-form"] button[type="submit"]')
    agreement = Agreement.objects.get()
    assert (agreement.status, agreement.pairs, agreement.amount_rmb) == (
        "intention",
        1_250_000,
        Decimal("56000000.00"),
    )
    assert (agreement.event_id, agreement.meeting_id) == (event.pk, meeting.pk)

    # --- the operator puts it on the signing ceremony's running order -------------------------
    page.goto(url("events:manage", slug=SLUG))
    click_and_wait(page, '[data-testid="running-order"]')
    page.click(f'#candidates li[data-id="{agreement.pk}"] button[data-move="add"]')
    assert page.input_value("#id_order") == str(agreement.pk)
    on_stage = page.locator(f'#running-order li[data-id="{agreement.pk}"] button[data-move]')
    assert [b.get_attribute("data-move") for b in on_stage.all()] == ["up", "down", "remove"]
    click_and_wait(page, '[data-testid="running-order-form"] button[type="submit"]')
    assert page.locator("#running-order li").count() == 1
    agreement.refresh_from_db()
    assert (agreement.ceremony_session_id, agreement.ceremony_position) == (ceremony.pk, 1)

    # --- the outcome report: page, PDF and workbook -------------------------------------------
    page.goto(url("events:schedule", slug=SLUG))
    click_and_wait(page, '[data-testid="outcome-report"]')
    headline = (
        "2 firms reached cooperation intentions; "
        "processing orders exceeded 1.2 million pairs, about 56 million RMB"
    )
    assert page.locator('[data-testid="outcome-headline"]').inner_text() == headline
    page.wait_for_selector('[data-testid="sankey-chart"] svg')
    # node labels: the cluster, then its side on a line of its own
    sankey = page.locator('[data-testid="sankey-chart"] svg text').all_text_contents()
    assert sankey == ["Quanzhou footwear cluster", "buyers", "Putian footwear cluster", "suppliers"]
    shot(page, "event-outcome")

    # WeasyPrint subsets the CJK font: slower than a page on a busy machine
    with page.expect_download(timeout=90_000) as pdf_info:
        page.click('[data-testid="download-pdf"]')
    pdf_path = tmp_path / "outcome.pdf"
    pdf_info.value.save_as(pdf_path)
    assert pdf_info.value.suggested_filename == f"outcome-{SLUG}-en.pdf"
    text = " ".join(
        (p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf_path.read_bytes())).pages
    )
    flat = " ".join(text.split())
    assert headline in flat
    assert "Hand in hand: Quanzhou brands meet Putian factories" in flat

    with page.expect_download(timeout=30_000) as xlsx_info:
        page.click('[data-testid="download-xlsx"]')
    xlsx_path = tmp_path / "outcome.xlsx"
    xlsx_info.value.save_as(xlsx_path)
    workbook = load_workbook(xlsx_path)
    summary = {row[0]: row[1] for row in workbook["Summary"].iter_rows(values_only=True)}
    assert summary["Headline"] == headline
    assert (
        summary["Firms with agreements"],
        summary["Cooperation intentions"],
        summary["Signed agreements"],
        summary["Pairs"],
        summary["Amount (RMB)"],
        summary["Meetings held"],
        summary["Registered firms"],
    ) == (2, 1, 0, 1_250_000, 56_000_000, 1, 2)
    flows = list(workbook["Flows between clusters"].iter_rows(values_only=True))
    assert flows[1] == (
        "Quanzhou footwear cluster",
        "Putian footwear cluster",
        1,
        1_250_000,
        56_000_000,
    )

    # --- the same report in Chinese: page and PDF text (the embedded CJK font maps to Unicode) -
    page.goto(url("reports:event_outcome", slug=SLUG, lang="zh-hans"))
    headline_zh = "2家企业达成合作意向；加工订单超过120万双，约5600万元"
    assert page.locator('[data-testid="outcome-headline"]').inner_text() == headline_zh
    with page.expect_download(timeout=90_000) as pdf_zh_info:
        page.click('[data-testid="download-pdf"]')
    assert pdf_zh_info.value.suggested_filename == f"outcome-{SLUG}-zh-hans.pdf"
    pdf_zh = Path(pdf_zh_info.value.path()).read_bytes()
    text_zh = "".join(
        "".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf_zh)).pages
    )
    assert headline_zh in text_zh
    assert "泉州品牌莆田工厂携手对接会" in text_zh
