"""Browser: an operator runs the engine, brand and factory accept → agreement and reservation;
a declined proposal books nothing and a repair run re-plans what it leaves open.

The run is a background task on the database backend, as in production, and the test is its
worker: it runs `db_worker --batch` while the run page is open and polling. The in-memory
test database has one connection for the live server's thread and the test's, so the polls
pass a gate (ProgressGate) that the test opens only while it waits for the page.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import translation
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from clusterlink.agreements.models import Agreement
from clusterlink.directory.models import CapacityWeek, Category
from clusterlink.market.models import Demand
from clusterlink.matching.models import MatchRun, Proposal
from tests.directory.factories import next_week
from tests.market.factories import DemandFactory
from tests.matching.factories import MatchingWorld, matching_world

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("CLUSTERLINK_SCREENSHOTS", "")


def shot(page: Any, name: str) -> None:
    """Screenshots for a human to look at, when CLUSTERLINK_SCREENSHOTS names a folder."""
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Pages are read in English; names the test computes (display_name) must match them."""
    with translation.override("en"):
        yield


@pytest.fixture
def world(taxonomy: None) -> tuple[MatchingWorld, Demand]:
    """The matching world (700 pairs on 600 cheap and 600 dear capacity, optimum 7,200 RMB)
    and a casual-shoe order no factory makes (50 pairs, 5,000 RMB of penalty)."""
    built = matching_world()
    casual = DemandFactory(
        owner=built.brand,
        category=Category.objects.get(code="casual-shoes"),
        pairs=50,
        delivery_week=next_week(3),
        title="休闲鞋 50",
    )
    return built, casual


@pytest.fixture
def new_page(browser: Any, live_server: Any) -> Iterator[Callable[[], Any]]:
    """Pages in contexts of their own: one login per actor, side by side."""
    contexts: list[Any] = []

    def open_page() -> Any:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


class ProgressGate:
    """Routes the run page's progress polls through Playwright. The gate is closed except
    while the test waits for the page to change by itself: then no poll reaches the live
    server while the test thread works on the database (its worker, its checks)."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.closed = True
        self.in_flight = 0
        self.held: list[Any] = []
        page.route("**/progress/", self._route)
        page.on("requestfinished", self._done)
        page.on("requestfailed", self._done)

    def _route(self, route: Any) -> None:
        if self.closed:
            self.held.append(route)
        else:
            self.in_flight += 1
            route.continue_()

    def _done(self, request: Any) -> None:
        if request.url.endswith("/progress/"):
            self.in_flight -= 1

    def open_until(self, selector: str) -> None:
        """Let the polls through until `selector` shows, then close and drain."""
        self.closed = False
        held, self.held = self.held, []
        for route in held:
            self.in_flight += 1
            route.continue_()
        self.page.wait_for_selector(selector)
        self.closed = True
        while self.in_flight > 0:
            self.page.wait_for_timeout(20)  # lets Playwright deliver the finished events


def work_the_queue() -> None:
    """What `manage.py db_worker --batch` does: run every queued task, then stop. The worker
    installs its own signal handlers; pytest's are put back afterwards."""
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


def tid(name: str) -> str:
    return f'[data-testid="{name}"]'


def open_proposal(page: Any, url: Callable[..., str], section: str, text: str) -> None:
    page.goto(url("matching:proposal_list"))
    row = page.locator(f"{tid(section)} tr", has_text=text)
    with page.expect_navigation():
        row.locator(tid("proposal-link")).click()


def test_operator_runs_the_engine_brand_and_factory_accept_into_an_agreement(
    page: Any,
    new_page: Callable[[], Any],
    login: Callable[..., None],
    url: Callable[..., str],
    world: tuple[MatchingWorld, Demand],
    tmp_path: Any,
) -> None:
    w, casual = world
    # given the operator on the start form, choosing the orders, the factories and weights
    login(page, w.operator)
    page.goto(url("matching:run_list"))
    with page.expect_navigation():
        page.click(tid("start-run"))
    page.check("input[name='scope'][value='selected']")
    for demand in (w.big, w.certified, casual):
        page.check(f"input[name='demands'][value='{demand.pk}']")
    page.click(f"{tid('choose-factories')} summary")
    for factory in (w.cheap, w.dear):
        page.check(f"input[name='factories'][value='{factory.pk}']")
    page.fill("input[name='transport_rmb_per_pair_km']", "0.0005")
    page.fill("input[name='unplaced_penalty_rmb']", "100.00")
    page.fill("input[name='time_limit_s']", "5")
    page.fill("input[name='seed']", "7")
    shot(page, "matching-start")
    gate = ProgressGate(page)
    # when the run is started
    with page.expect_navigation():
        page.click(tid("submit-run"))
    # then it waits in the queue, its progress panel polling
    run = MatchRun.objects.get()
    assert page.url == url("matching:run_detail", run_id=run.pk)
    assert (run.status, run.seed, run.scope) == ("queued", 7, "selected")
    assert sorted(run.factories.values_list("pk", flat=True)) == sorted([w.cheap.pk, w.dear.pk])
    assert page.inner_text(tid("run-status")) == "Queued"
    assert page.inner_text(tid("progress-objective")) == "—"
    assert page.get_attribute(tid("run-progress"), "hx-get") == (
        f"/en/matching/runs/{run.pk}/progress/"
    )
    shot(page, "matching-queued")

    # when the worker solves it
    work_the_queue()
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    # then the page, polling its progress, turns into the result by itself
    gate.open_until(tid("by-order"))
    assert page.inner_text(tid("run-status")) == "Finished"
    assert page.inner_text(tid("progress-objective")) == "12,200.00"
    breakdown = page.inner_text(tid("cost-breakdown"))
    for figure in ("7,200.00", "0.00", "5,000.00", "12,200.00", "Optimal within rounding"):
        assert figure in breakdown
    by_order = page.inner_text(tid("by-order"))
    assert "跑鞋 400" in by_order and "BSCI 跑鞋 300" in by_order
    by_factory = page.locator(f"{tid('by-factory')} tbody tr")
    assert by_factory.count() == 2
    assert "600" in by_factory.filter(has_text=w.cheap.display_name).inner_text()
    assert page.locator(f"{tid('utilisation')} td", has_text="300/300").count() == 2
    unplaced = page.inner_text(f"{tid('unplaced')} tbody")
    assert "休闲鞋 50" in unplaced and "No factory makes this category" in unplaced
    page.wait_for_selector(f"{tid('flows-chart')} svg")
    shot(page, "matching-result")
    # and the export downloads a workbook with the same placements
    with page.expect_download() as download:
        page.click(tid("export-xlsx"))
    workbook_path = tmp_path / "run.xlsx"
    download.value.save_as(workbook_path)
    book = load_workbook(workbook_path)
    placed = list(book["Placements"].iter_rows(min_row=2, values_only=True))
    assert sorted((row[0], row[2], row[4]) for row in placed) == sorted(
        [
            ("BSCI 跑鞋 300", w.cheap.display_name, 300),
            ("跑鞋 400", w.cheap.display_name, 300),
            ("跑鞋 400", w.dear.display_name, 100),
        ]
    )
    by_factory_rows = book["Placements by factory"].iter_rows(min_row=2, values_only=True)
    assert sorted((row[0], row[2]) for row in by_factory_rows) == sorted(
        [(w.cheap.display_name, 600), (w.dear.display_name, 100)]
    )
    assert list(book["Unplaced"].iter_rows(min_row=2, values_only=True)) == [
        ("休闲鞋 50", 50, "No factory makes this category")
    ]

    # when the brand opens the factories proposed for its order and accepts the dear one
    brand = new_page()
    login(brand, w.brand_user)
    open_proposal(brand, url, "brand-proposals", w.dear.display_name)
    assert " ".join(brand.inner_text(tid("explanation")).split()) == (
        "Rank 2 of 2 able factories by landed cost. No other able factory is left unused."
    )
    with brand.expect_navigation():
        brand.click(tid("accept-brand"))
    # then it waits for the factory
    assert brand.inner_text(tid("brand-decision")) == "Accepted"
    assert brand.inner_text(tid("proposal-status")) == "Open"
    assert "Waiting for the other side" in brand.inner_text(".messages")
    shot(brand, "matching-brand-accepted")
    dear_weeks = CapacityWeek.objects.filter(enterprise=w.dear, week=next_week(1))
    assert dear_weeks.get().reserved_pairs == 0

    # when the dear factory sees the work proposed to it and accepts
    factory = new_page()
    login(factory, w.dear_user)
    open_proposal(factory, url, "factory-proposals", "跑鞋 400")
    assert factory.inner_text(tid("proposal-pairs")) == "100"
    with factory.expect_navigation():
        factory.click(tid("accept-factory"))
    # then both have accepted: an agreement exists and the week is reserved
    assert factory.inner_text(tid("proposal-status")) == "Accepted by both"
    assert factory.inner_text(tid("capacity-state")) == "Reserved"
    agreement = Agreement.objects.get()
    assert (agreement.buyer, agreement.supplier, agreement.pairs) == (w.brand, w.dear, 100)
    assert agreement.amount_rmb == 1200
    shot(factory, "matching-factory-accepted")
    with factory.expect_navigation():
        factory.click(tid("agreement-link"))
    assert factory.url == url("agreements:detail", agreement_id=agreement.pk)
    # when the factory marks the agreement signed, it awaits the brand's confirmation
    factory.select_option("#id_to_status", "signed")
    with factory.expect_navigation():
        factory.click(f"{tid('transition-form')} button[type=submit]")
    assert factory.inner_text(tid("agreement-status")) == "Cooperation intention"
    assert factory.inner_text(tid("agreement-awaiting")) == (
        "Signed: awaiting the other party's confirmation"
    )
    assert factory.locator(tid("confirm-form")).count() == 0
    # and the brand confirms it: only then is it signed
    brand.goto(url("agreements:detail", agreement_id=agreement.pk))
    with brand.expect_navigation():
        brand.click(f"{tid('confirm-form')} button")
    assert brand.inner_text(tid("agreement-status")) == "Signed"
    assert brand.locator(tid("agreement-awaiting")).count() == 0
    agreement.refresh_from_db()
    assert (agreement.status, agreement.signed_by) == ("signed", w.brand_user)
    factory.goto(url("agreements:list"))
    assert "跑鞋 400" in factory.inner_text(tid("agreement-results"))
    # and the factory's free capacity that week is 100 pairs lower
    week = dear_weeks.get()
    assert (week.free_pairs, week.reserved_pairs) == (300, 100)
    factory.goto(url("mine:capacity", enterprise_id=w.dear.pk))
    reserved = factory.locator(f'td[data-cell^="sports-shoes@"] {tid("reserved")}')
    assert reserved.all_inner_texts() == ["100 reserved"]
    shot(factory, "matching-capacity-reserved")

    # when the cheap factory declines the 300 pairs of the big order
    cheap = new_page()
    login(cheap, w.cheap_user)
    open_proposal(cheap, url, "factory-proposals", "跑鞋 400")
    # (the page asks first: declining cannot be undone)
    questions: list[str] = []

    def answer(dialog: Any) -> None:
        questions.append(dialog.message)
        dialog.accept()

    cheap.once("dialog", answer)
    with cheap.expect_navigation():
        cheap.click(tid("decline-factory"))
    assert questions == ["Decline this proposal? It cannot be undone."]
    # then the proposal is declined and nothing of the cheap factory is booked
    assert cheap.inner_text(tid("proposal-status")) == "Declined"
    assert "You declined the proposal." in cheap.inner_text(".messages")
    assert set(cheap.locator(tid("capacity-state")).all_inner_texts()) == {
        "Not held: the proposal is closed"
    }
    assert cheap.locator(tid("decide")).count() == 0
    assert (
        sum(
            CapacityWeek.objects.filter(enterprise=w.cheap).values_list("reserved_pairs", flat=True)
        )
        == 0
    )
    assert Agreement.objects.count() == 1

    # when the operator starts a repair run from the result page
    page.goto(url("matching:run_detail", run_id=run.pk))
    with page.expect_navigation():
        page.click(tid("repair-run"))
    repair = MatchRun.objects.get(repair_of=run)
    assert page.url == url("matching:run_detail", run_id=repair.pk)
    work_the_queue()
    gate.open_until(tid("by-order"))
    # then the accepted 100 pairs stay where they are (no new proposal for them), the other
    # 600 are planned anew without the factory that declined them, and the first run's open
    # proposals are superseded
    repaired = Proposal.objects.filter(run=repair).select_related("demand", "factory")
    assert sorted((p.demand.title, p.factory_id, p.pairs, p.status) for p in repaired) == [
        ("BSCI 跑鞋 300", w.cheap.pk, 300, "open"),
        ("跑鞋 400", w.dear.pk, 300, "open"),
    ]
    assert sorted(Proposal.objects.filter(run=run).values_list("status", flat=True)) == [
        "accepted",
        "declined",
        "superseded",
    ]
    assert page.inner_text(tid("objective")) == "12,800.00"  # 300 pairs at 12 instead of 10 RMB
    shot(page, "matching-repair")
