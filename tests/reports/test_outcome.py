"""The outcome report's sums, and the demo agreements reproducing the press figures exactly."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.utils import translation

from clusterlink.agreements.demo import load_agreements_demo
from clusterlink.agreements.models import Agreement, AgreementStatus
from clusterlink.agreements.services import agreement_transition
from clusterlink.reports.selectors import event_outcome
from tests.agreements.world import putian_docking, xiaobeihe_ceremony

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _chinese() -> Iterator[None]:
    """Cluster names come in the active language; another test may have left one active."""
    with translation.override("zh-hans"):
        yield


def test_demo_putian_report_reproduces_the_press_figures():
    # given
    world = putian_docking()
    # when
    counts = load_agreements_demo()
    outcome = event_outcome(world.event)
    # then
    assert counts == {"putian-quanzhou-docking": 4, "xiaobeihe-2024": 0}
    assert outcome.firms_with_agreements == 6
    assert outcome.intentions == 4
    assert outcome.signed == 0
    assert outcome.processing_pairs == 6_540_000
    assert outcome.processing_amount_rmb == Decimal("299700000.00")
    assert outcome.headline("en") == (
        "6 firms reached cooperation intentions; processing orders exceeded 6.5 million pairs, "
        "about 300 million RMB"
    )
    assert outcome.headline("zh-hans") == "6家企业达成合作意向；加工订单超过650万双，约3亿元"
    assert [
        (f.buyer_cluster, f.supplier_cluster, f.agreements, f.pairs) for f in outcome.flows
    ] == [("泉州鞋业", "莆田鞋业", 4, 6_540_000)]
    assert [(p.cluster, p.role, p.firms, p.people) for p in outcome.by_participant] == sorted(
        [("莆田鞋业", "supplier", 4, 4), ("泉州鞋业", "buyer", 3, 3)],
        key=lambda row: 0 if row[0] == "莆田鞋业" else 1,
    )


def test_demo_is_idempotent():
    putian_docking()
    load_agreements_demo()
    assert load_agreements_demo() == {"putian-quanzhou-docking": 0, "xiaobeihe-2024": 0}
    assert Agreement.objects.count() == 4


def test_demo_xiaobeihe_signs_fifteen_projects_of_four_kinds_in_a_running_order():
    world = xiaobeihe_ceremony()
    load_agreements_demo()
    outcome = event_outcome(world.event)
    assert outcome.signed == 15
    assert outcome.intentions == 0
    assert {row.agreement_type: row.signed for row in outcome.by_type} == {
        "order_purchasing": 4,
        "brand_oem": 3,
        "industrial_investment": 4,
        "ecommerce_cooperation": 4,
    }
    positions = list(
        Agreement.objects.filter(ceremony_session=world.session)
        .order_by("ceremony_position")
        .values_list("ceremony_position", flat=True)
    )
    assert positions == list(range(1, 16))
    assert set(Agreement.objects.values_list("signed_on", flat=True)) == {
        world.session.starts_at.date()
    }
    assert outcome.headline("en").endswith("; 15 projects were signed")


def test_cancelled_agreements_leave_the_report():
    world = putian_docking()
    load_agreements_demo()
    biggest = Agreement.objects.get(pairs=1_800_000)
    agreement_transition(actor=None, agreement=biggest, to_status=AgreementStatus.CANCELLED)
    outcome = event_outcome(world.event)
    assert outcome.processing_pairs == 6_540_000 - 1_800_000
    assert outcome.firms_with_agreements == 5
