"""Capacity-week and demand imports of one firm: located errors for every bad cell, nothing
written unless all rows pass, the services' own rules applied."""

from __future__ import annotations

import datetime as dt

import pytest

from clusterlink.accounts.access import viewer_for
from clusterlink.common import clock
from clusterlink.common.errors import NotFoundError
from clusterlink.directory.imports.service import import_capacity, import_demands
from clusterlink.directory.models import CapacityWeek, ImportJob
from clusterlink.market.models import Demand
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.directory.factories import CapacityWeekFactory, EnterpriseFactory, next_week
from tests.directory.test_imports_files import CAPACITY_HEADER, csv_bytes, english, week_label, xlsx

pytestmark = pytest.mark.django_db
in_english = pytest.fixture(autouse=True)(english)

DEMAND_HEADER = [
    "需求类型",
    "标题",
    "产品类别",
    "数量（双）",
    "目标单价（元）",
    "交货周",
    "要求工艺",
]


label = week_label


@pytest.fixture
def factory():
    return EnterpriseFactory()


def capacity(factory, rows, **kwargs):
    job = import_capacity(
        source=xlsx([CAPACITY_HEADER, *rows]),
        file_name="capacity.xlsx",
        enterprise=factory,
        **kwargs,
    )
    return job, [(e["row"], e["column"], e["reason"]) for e in job.report["errors"]]


def test_capacity_weeks_from_iso_weeks_real_dates_and_iso_date_text(factory) -> None:
    monday = next_week(2)
    job, errors = capacity(factory, [
        ["sports-shoes", label(1), 20000, 38.5, "45", 3000, 15],
        ["运动鞋", dt.datetime.combine(monday + dt.timedelta(days=2), dt.time()), 1500.0, None, None, None, None],
        ["Casual shoes", (monday + dt.timedelta(weeks=1)).isoformat(), "1,200", None, None, None, None],
    ])  # fmt: skip

    assert (errors, job.status, job.rows_written) == ([], ImportJob.Status.IMPORTED, 3)
    rows = list(
        CapacityWeek.objects.filter(enterprise=factory)
        .order_by("week")
        .values_list("category__code", "week", "free_pairs", "unit_price_min_rmb")
    )
    assert [(c, w, p) for c, w, p, _ in rows] == [
        ("sports-shoes", next_week(1), 20000),
        ("sports-shoes", monday, 1500),
        ("casual-shoes", monday + dt.timedelta(weeks=1), 1200),
    ]
    assert str(rows[0][3]) == "38.50"


def test_capacity_bad_cells_are_located_and_nothing_is_written(factory) -> None:
    _job, errors = capacity(factory, [
        ["sports-shoes", label(1), 0, None, None, None, None],
        ["sports-shoes", label(2), -5, None, None, None, None],
        ["sports-shoes", label(3), 1500.5, None, None, None, None],
        ["sports-shoes", clock.iso_week_label(clock.current_week() - dt.timedelta(weeks=1)), 100, None, None, None, None],
        ["spaceships", label(4), 100, None, None, None, None],
        ["sports-shoes", label(5), 100, 18.505, None, None, None],
        ["sports-shoes", "12/07/2026", 100, None, None, None, None],
        ["sports-shoes", label(1), 100, None, None, None, None],
        ["sports-shoes", label(6), 100, 50, 40, None, None],
    ])  # fmt: skip

    past = clock.iso_week_label(clock.current_week() - dt.timedelta(weeks=1))
    assert errors == [
        (
            2,
            "空闲产能（双）",
            "Pairs must be at least 1 (got 0).",
        ),
        (
            3,
            "空闲产能（双）",
            "Pairs must be at least 1 (got -5).",
        ),
        (
            4,
            "空闲产能（双）",
            "1500.5 is not a whole number.",
        ),
        (5, "周", f"The week {past} is in the past."),
        (6, "产品类别", "Unknown product category: “spaceships”."),
        (
            7,
            "最低单价（元）",
            "18.505 has more than two decimals; RMB amounts stop at the fen (0.01).",
        ),
        (
            8,
            "周",
            "Cannot tell which week “12/07/2026” means: write an ISO week such as 2026-W49, a date such as 2026-12-07, or use a real date cell.",
        ),
        (10, "最高单价（元）", "The highest price is below the lowest price."),
    ]
    assert CapacityWeek.objects.count() == 0


def test_capacity_duplicate_rows_and_the_services_reserved_rule(factory) -> None:
    CapacityWeekFactory(enterprise=factory, week=next_week(3), free_pairs=5000, reserved_pairs=4000)

    _job, errors = capacity(factory, [
        ["sports-shoes", label(1), 100, None, None, None, None],
        ["运动鞋", label(1), 200, None, None, None, None],
        ["sports-shoes", label(3), 3000, None, None, None, None],
    ])  # fmt: skip

    assert errors == [
        (3, "周", "Same category and week as row 2."),
        (
            4,
            "空闲产能（双）",
            "4000 pairs are already reserved this week; free pairs cannot be lower.",
        ),
    ]
    assert CapacityWeek.objects.count() == 1 and CapacityWeek.objects.get().free_pairs == 5000


def test_capacity_reimport_counts_unchanged_rows(factory) -> None:
    rows = [["sports-shoes", label(1), 100, None, None, None, None]]
    capacity(factory, rows)

    job, _errors = capacity(
        factory, [*rows, ["sports-shoes", label(2), 300, None, None, None, None]]
    )

    assert (job.report["created"], job.report["updated"], job.report["unchanged"]) == (1, 0, 1)


def test_capacity_import_is_for_members_and_operators_only(factory) -> None:
    member = MembershipFactory(enterprise=factory, role="member").user
    outsider = UserFactory()
    content = xlsx([CAPACITY_HEADER, ["sports-shoes", label(1), 100, None, None, None, None]])

    import_capacity(
        source=content,
        file_name="c.xlsx",
        enterprise=factory,
        viewer=viewer_for(member),
        actor=member,
    )
    with pytest.raises(NotFoundError):
        import_capacity(
            source=content,
            file_name="c.xlsx",
            enterprise=factory,
            viewer=viewer_for(outsider),
            actor=outsider,
        )
    assert CapacityWeek.objects.count() == 1


def test_capacity_rows_of_another_enterprise_are_refused(factory) -> None:
    content = csv_bytes(
        [
            ["enterprise_id", "category", "week", "free_pairs"],
            [factory.pk + 1, "sports-shoes", label(1), 100],
        ]
    )

    job = import_capacity(source=content, file_name="c.csv", enterprise=factory)

    assert [(e["row"], e["column"]) for e in job.report["errors"]] == [(2, "enterprise_id")]
    assert CapacityWeek.objects.count() == 0


# --- demands --------------------------------------------------------------------------------------


def demands(brand, rows, **kwargs):
    job = import_demands(
        source=xlsx([DEMAND_HEADER, *rows]), file_name="demands.xlsx", enterprise=brand, **kwargs
    )
    return job, [(e["row"], e["column"], e["reason"]) for e in job.report["errors"]]


def test_demands_import_through_the_market_service() -> None:
    brand = EnterpriseFactory(roles=["brand"])

    job, errors = demands(brand, [
        ["processing_order", "跑鞋代工 2 万双", "sports-shoes", 20000, "42.00", label(6), "注塑、cutting"],
        ["Processing (OEM) order", "童鞋代工", "童鞋", 8000, None, next_week(8), ""],
        ["technology_need", "智能生产线改造", None, None, None, None, None],
    ])  # fmt: skip

    assert (errors, job.rows_written) == ([], 3)
    first = Demand.objects.get(title="跑鞋代工 2 万双")
    assert (first.owner, first.pairs, str(first.target_unit_price_rmb), first.delivery_week) == (
        brand,
        20000,
        "42.00",
        next_week(6),
    )
    assert sorted(p.code for p in first.required_processes.all()) == ["cutting", "injection"]


def test_demand_bad_cells_and_service_rules_are_located_and_nothing_is_written() -> None:
    brand = EnterpriseFactory(roles=["brand"])
    past = clock.iso_week_label(clock.current_week() - dt.timedelta(weeks=2))

    _job, errors = demands(brand, [
        ["processing_order", "零双", "sports-shoes", 0, None, label(6), None],
        ["processing_order", "小数", "sports-shoes", 10.5, None, label(6), None],
        ["processing_order", "过期", "sports-shoes", 1000, None, past, None],
        ["processing_order", "未知工艺", "sports-shoes", 1000, None, label(6), "teleporting"],
        ["processing_order", "三位小数", "sports-shoes", 1000, "12.345", label(6), None],
        ["processing_order", "缺数量", "sports-shoes", None, None, label(6), None],
        ["processing_order", "缺数量", "sports-shoes", None, None, label(6), None],
    ])  # fmt: skip

    assert errors == [
        (
            2,
            "数量（双）",
            "Pairs must be at least 1 (got 0).",
        ),
        (
            3,
            "数量（双）",
            "10.5 is not a whole number.",
        ),
        (4, "交货周", f"The delivery week {past} is in the past."),
        (5, "要求工艺", "Unknown process: “teleporting”."),
        (
            6,
            "目标单价（元）",
            "12.345 has more than two decimals; RMB amounts stop at the fen (0.01).",
        ),
        (7, "数量（双）", "An order needs a quantity in pairs."),
        (8, "标题", "Same demand as row 7: the row appears twice."),
        (8, "数量（双）", "An order needs a quantity in pairs."),
    ]
    assert Demand.objects.count() == 0


def test_demands_good_rows_only_and_reimport_skips_posted_demands() -> None:
    brand = EnterpriseFactory(roles=["brand"])
    rows = [
        ["processing_order", "跑鞋代工", "sports-shoes", 20000, None, label(6), None],
        ["processing_order", "坏行", "sports-shoes", -1, None, label(6), None],
    ]

    job, _errors = demands(brand, rows, good_rows_only=True)
    again, _errors = demands(brand, rows[:1])

    assert (job.status, job.report["skipped_rows"], job.rows_written) == (
        ImportJob.Status.PARTIAL,
        [3],
        1,
    )
    assert (again.rows_written, again.report["unchanged"], Demand.objects.count()) == (0, 1, 1)


def located(job):
    return [(e["row"], e["column"], e["cell"], e["reason"]) for e in job.report["errors"]]


def test_capacity_pairs_above_the_maximum_are_located_and_nothing_is_written(factory) -> None:
    job, _errors = capacity(factory, [
        ["sports-shoes", label(1), 5_000_000_000, None, None, None, None],
        ["sports-shoes", label(2), 100_000_000, None, None, None, None],
        ["sports-shoes", label(3), 1000, None, None, "100,000,001", None],
    ])  # fmt: skip

    assert located(job) == [
        (2, "空闲产能（双）", "C2", "At most 100,000,000 pairs (got 5,000,000,000)."),
        (4, "最小起订量（双）", "F4", "At most 100,000,000 pairs (got 100,000,001)."),
    ]
    assert CapacityWeek.objects.count() == 0


def test_demand_pairs_above_the_maximum_are_located_and_nothing_is_written() -> None:
    brand = EnterpriseFactory(roles=["brand"])

    job, _errors = demands(brand, [
        ["processing_order", "一万亿双", "sports-shoes", 1_000_000_000_000, None, label(6), None],
        ["processing_order", "负数", "sports-shoes", -500, None, label(6), None],
    ])  # fmt: skip

    assert located(job) == [
        (2, "数量（双）", "D2", "At most 100,000,000 pairs (got 1,000,000,000,000)."),
        (3, "数量（双）", "D3", "Pairs must be at least 1 (got -500)."),
    ]
    assert Demand.objects.count() == 0


def test_capacity_price_too_large_for_its_column_is_located_with_a_clear_reason(factory) -> None:
    job, _errors = capacity(factory, [
        ["sports-shoes", label(1), 1000, "123456789012", None, None, None],
    ])  # fmt: skip

    assert located(job) == [
        (
            2,
            "最低单价（元）",
            "D2",
            "123456789012 is too large: an amount here is at most 99,999,999.99 yuan.",
        )
    ]
    assert CapacityWeek.objects.count() == 0


def test_capacity_service_rules_and_repeats_are_located_on_their_cells(factory) -> None:
    CapacityWeekFactory(enterprise=factory, week=next_week(3), free_pairs=5000, reserved_pairs=4000)

    job, _errors = capacity(factory, [
        ["sports-shoes", label(1), 100, None, None, None, None],
        ["运动鞋", label(1), 200, None, None, None, None],
        ["sports-shoes", label(3), 3000, None, None, None, None],
        ["sports-shoes", label(4), 3000, None, None, None, 400],
    ])  # fmt: skip

    assert [(row, column, cell) for row, column, cell, _reason in located(job)] == [
        (3, "周", "B3"),
        (4, "空闲产能（双）", "C4"),
        (5, "交货周期（天）", "G5"),
    ]


def test_demand_service_rules_are_located_on_their_cells() -> None:
    brand = EnterpriseFactory(roles=["brand"])

    job, _errors = demands(brand, [
        ["processing_order", "缺数量", "sports-shoes", None, "99999999999", label(6), None],
        ["processing_order", "缺数量", "sports-shoes", None, None, label(6), None],
        ["processing_order", "缺数量", "sports-shoes", None, None, label(6), None],
    ])  # fmt: skip

    assert located(job) == [
        (
            2,
            "目标单价（元）",
            "E2",
            "99999999999 is too large: an amount here is at most 99,999,999.99 yuan.",
        ),
        (3, "数量（双）", "D3", "An order needs a quantity in pairs."),
        (4, "标题", "B4", "Same demand as row 3: the row appears twice."),
        (4, "数量（双）", "D4", "An order needs a quantity in pairs."),
    ]
