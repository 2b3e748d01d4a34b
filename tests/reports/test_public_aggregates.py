"""A public outcome report never shows a figure from fewer than PUBLIC_AGGREGATE_MINIMUM
agreements or firms; the event's operators see every figure exactly."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from openpyxl import load_workbook

from clusterlink.agreements.models import AgreementType
from clusterlink.reports.selectors import PUBLIC_AGGREGATE_MINIMUM
from tests.accounts.factories import OperatorScopeFactory
from tests.agreements.factories import AgreementFactory
from tests.agreements.world import DockingWorld, putian_docking

pytestmark = pytest.mark.django_db

REPORT = "/en/reports/events/putian-quanzhou-docking/"
# The one agreement the public must not be able to read.
LONE_PAIRS = 7_777
LONE_AMOUNT = Decimal("123456.78")


@pytest.fixture
def docking() -> DockingWorld:
    """Four processing orders, three material purchases and one lone brand-licensing deal between
    the Quanzhou brands and the Putian factories."""
    with translation.override("en"):
        world = putian_docking()
    brands, factories = world.brands, world.factories
    for n in range(4):
        AgreementFactory(
            event=world.event,
            buyer=brands[n % 3],
            supplier=factories[n],
            agreement_type=AgreementType.PROCESSING_ORDER,
            pairs=100_000,
            amount_rmb=Decimal("4500000.00"),
        )
    for n in range(3):
        AgreementFactory(
            event=world.event,
            buyer=brands[n],
            supplier=factories[n],
            agreement_type=AgreementType.MATERIAL_PROCUREMENT,
            pairs=None,
            amount_rmb=Decimal("200000.00"),
        )
    AgreementFactory(
        event=world.event,
        buyer=brands[0],
        supplier=factories[0],
        agreement_type=AgreementType.BRAND_OEM,
        pairs=LONE_PAIRS,
        amount_rmb=LONE_AMOUNT,
    )
    return world


def by_type(response: Any) -> list[tuple[str, int, int, int, Decimal]]:
    return [
        (row.agreement_type, row.intentions, row.signed, row.pairs, row.amount_rmb)
        for row in response.context["outcome"].by_type
    ]


def test_the_minimum_is_three() -> None:
    assert PUBLIC_AGGREGATE_MINIMUM == 3


def test_public_report_merges_a_lone_agreement_into_other_and_never_shows_it(
    docking: DockingWorld,
) -> None:
    # when the public reads the report
    response = Client().get(REPORT)
    html = response.content.decode()

    # then the lone deal is merged, with the smallest shown row (the material purchases) so that
    # "Other" itself comes from enough agreements; its pairs come from the lone deal alone, so
    # they are withheld, and with them every pairs figure that would give them away by
    # subtraction (the flow and the total); the processing orders stay exact
    outcome = response.context["outcome"]
    assert response.status_code == 200
    assert by_type(response) == [
        ("processing_order", 4, 0, 400_000, Decimal("18000000.00")),
        ("other", 4, 0, None, Decimal("600000.00") + LONE_AMOUNT),
    ]
    assert [(f.agreements, f.pairs, f.amount_rmb) for f in outcome.flows] == [
        (8, None, Decimal("18600000.00") + LONE_AMOUNT)
    ]
    assert (outcome.pairs, outcome.amount_rmb) == (None, Decimal("18600000.00") + LONE_AMOUNT)
    assert (outcome.processing_pairs, outcome.processing_amount_rmb) == (
        400_000,
        Decimal("18000000.00"),
    )
    assert "Brand OEM / licensing" not in html
    assert ">7,777<" not in html
    assert ">RMB 123,456.78<" not in html
    assert 'data-testid="outcome-suppression"' in html
    assert response.context["chart"]["types"] == [
        {"label": "Processing (OEM) order", "intentions": 4, "signed": 0},
        {"label": "Other", "intentions": 4, "signed": 0},
    ]


def test_operators_of_the_event_see_every_row_exactly(docking: DockingWorld) -> None:
    operator = OperatorScopeFactory(cluster=docking.event.clusters.get(slug="putian")).user
    client = Client()
    client.force_login(operator)

    response = client.get(REPORT)

    assert by_type(response) == [
        ("processing_order", 4, 0, 400_000, Decimal("18000000.00")),
        ("brand_oem", 1, 0, LONE_PAIRS, LONE_AMOUNT),
        ("material_procurement", 3, 0, 0, Decimal("600000.00")),
    ]
    assert 'data-testid="outcome-suppression"' not in response.content.decode()


def test_a_public_report_of_two_agreements_shows_no_amount_anywhere() -> None:
    # given only two agreements at the event
    with translation.override("en"):
        world = putian_docking()
    for n in range(2):
        AgreementFactory(
            event=world.event,
            buyer=world.brands[n],
            supplier=world.factories[n],
            pairs=50_000,
            amount_rmb=Decimal("2000000.00"),
        )

    # when the public reads the page and the spreadsheet
    page = Client().get(REPORT)
    sheet = Client().get(REPORT + "outcome.xlsx")
    summary = {
        row[0]: row[1]
        for row in load_workbook(BytesIO(sheet.content))["Summary"].iter_rows(values_only=True)
    }

    # then no row, total, flow or headline figure comes from them; the counts remain
    outcome = page.context["outcome"]
    assert (outcome.intentions, outcome.pairs, outcome.amount_rmb) == (2, None, None)
    assert outcome.by_type == []
    assert outcome.flows == []
    assert page.context["headline"] == "4 firms reached cooperation intentions"
    assert "100,000" not in page.content.decode()
    assert summary["Pairs"] is None
    assert summary["Amount (RMB)"] is None


def test_public_participant_rows_of_too_few_firms_are_merged() -> None:
    # given three Quanzhou buyers (shown) and four Putian suppliers (shown): nothing to merge
    with translation.override("en"):
        world = putian_docking()
    rows_before = [
        (p.cluster, p.role, p.firms, p.people)
        for p in Client().get(REPORT).context["outcome"].by_participant
    ]
    # when one Putian supplier also sends a buyer
    from clusterlink.events.models import Participant, Registration
    from tests.events.factories import ParticipantFactory

    registration = Registration.objects.get(event=world.event, enterprise=world.factories[0])
    ParticipantFactory(registration=registration, role=Participant.Role.BUYER)
    rows_after = [
        (p.cluster, p.role, p.firms, p.people)
        for p in Client().get(REPORT).context["outcome"].by_participant
    ]

    # then the one-firm row joins the smallest shown row under "Other"
    assert rows_before == [
        ("Putian footwear", "supplier", 4, 4),
        ("Quanzhou footwear", "buyer", 3, 3),
    ]
    assert rows_after == [
        ("Putian footwear", "supplier", 4, 4),
        ("Other", "other", 4, 4),
    ]
