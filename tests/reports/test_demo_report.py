"""The real demo (directory, events, agreements) gives the reports the press figures exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest

from clusterlink.agreements.demo import load_agreements_demo
from clusterlink.agreements.models import Agreement
from clusterlink.directory.demo import DemoLoader
from clusterlink.events.demo import load_events_demo
from clusterlink.events.models import Event
from clusterlink.reports.selectors import event_outcome


@pytest.mark.django_db
def test_demo_reports_reproduce_the_source_figures() -> None:
    # given the demo as load_demo builds it
    DemoLoader(seed=2024, progress=lambda line: None).load()
    load_events_demo(progress=lambda line: None)
    # when
    counts = load_agreements_demo()
    # then
    assert counts == {"putian-quanzhou-docking": 4, "xiaobeihe-2024": 15}
    putian = event_outcome(Event.objects.get(slug="putian-quanzhou-docking"))
    assert putian.headline("en") == (
        "6 firms reached cooperation intentions; processing orders exceeded 6.5 million pairs, "
        "about 300 million RMB"
    )
    assert putian.headline("zh-hans") == "6家企业达成合作意向；加工订单超过650万双，约3亿元"
    assert (putian.firms_with_agreements, putian.intentions, putian.signed) == (6, 4, 0)
    assert (putian.processing_pairs, putian.processing_amount_rmb) == (
        6_540_000,
        Decimal("299700000.00"),
    )
    # every intention comes from the held meeting of its two firms
    assert (
        Agreement.objects.filter(event__slug="putian-quanzhou-docking", meeting=None).count() == 0
    )

    xiaobeihe = event_outcome(Event.objects.get(slug="xiaobeihe-2024"))
    assert (xiaobeihe.signed, xiaobeihe.intentions) == (15, 0)
    assert {row.agreement_type: row.signed for row in xiaobeihe.by_type} == {
        "order_purchasing": 4,
        "brand_oem": 3,
        "industrial_investment": 4,
        "ecommerce_cooperation": 4,
    }
    assert (xiaobeihe.pairs, xiaobeihe.amount_rmb) == (12_800_000, Decimal("208500000.00"))
    on_stage = Agreement.objects.filter(ceremony_session__event__slug="xiaobeihe-2024")
    positions = on_stage.values_list("ceremony_position", flat=True)
    assert sorted(p or 0 for p in positions) == list(range(1, 16))
