"""The import/export commands: progress, printed report, non-zero exit when rejected."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from clusterlink.directory.models import CapacityWeek, Enterprise
from tests.directory.factories import ClusterFactory, EnterpriseFactory
from tests.directory.test_imports_files import (
    BAD_CHECK_CODE,
    CAPACITY_HEADER,
    ENTERPRISE_HEADER_ZH,
    english,
    firm,
    week_label,
    xlsx,
)

pytestmark = pytest.mark.django_db
in_english = pytest.fixture(autouse=True)(english)
OSH_DIR = Path(__file__).resolve().parents[2] / "clusterlink" / "directory" / "data" / "osh"


def test_import_enterprises_prints_errors_and_exits_non_zero(tmp_path: Path) -> None:
    ClusterFactory(slug="putian")
    path = tmp_path / "firms.xlsx"
    path.write_bytes(
        xlsx(
            [
                ENTERPRISE_HEADER_ZH,
                firm("莆田市恒威鞋业有限公司"),
                firm("莆田市坏码鞋业有限公司", code=BAD_CHECK_CODE),
            ]
        )
    )
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError) as caught:
        call_command(
            "import_enterprises",
            str(path),
            "--cluster",
            "putian",
            "--no-progress",
            stdout=out,
            stderr=err,
        )

    assert caught.value.returncode == 2
    assert (
        "row 3, 统一社会信用代码 (C3): The check character of this unified social credit code is wrong."
        in err.getvalue()
    )
    assert Enterprise.objects.count() == 0


def test_import_enterprises_good_rows_only_and_osh_format(tmp_path: Path) -> None:
    ClusterFactory(slug="putian")
    path = tmp_path / "firms.xlsx"
    path.write_bytes(
        xlsx(
            [
                ENTERPRISE_HEADER_ZH,
                firm("莆田市恒威鞋业有限公司"),
                firm("莆田市坏码鞋业有限公司", code=BAD_CHECK_CODE),
            ]
        )
    )
    out = io.StringIO()

    call_command(
        "import_enterprises",
        str(path),
        "--cluster",
        "putian",
        "--good-rows-only",
        stdout=out,
        stderr=io.StringIO(),
    )
    call_command(
        "import_enterprises",
        str(OSH_DIR / "3.csv"),
        "--format",
        "osh",
        "--no-progress",
        stdout=out,
        stderr=io.StringIO(),
    )

    assert "only the good rows were imported; rows left out: 3" in out.getvalue()
    assert Enterprise.objects.filter(source="import").count() == 1
    assert Enterprise.objects.filter(source="osh").count() > 10


def test_import_capacity_and_export_round_trip(tmp_path: Path) -> None:
    factory = EnterpriseFactory()
    source = tmp_path / "capacity.xlsx"
    source.write_bytes(
        xlsx([CAPACITY_HEADER, ["sports-shoes", week_label(1), 9000, None, None, None, None]])
    )
    exported = tmp_path / "out.csv"

    call_command(
        "import_capacity",
        str(source),
        "--enterprise",
        str(factory.pk),
        "--no-progress",
        stdout=io.StringIO(),
    )
    call_command(
        "export_capacity",
        "--format",
        "csv",
        "--output",
        str(exported),
        "--enterprise",
        str(factory.pk),
        stdout=io.StringIO(),
    )
    out = io.StringIO()
    call_command(
        "import_capacity",
        str(exported),
        "--enterprise",
        str(factory.pk),
        "--no-progress",
        stdout=out,
    )

    assert "9000" in exported.read_text(encoding="utf-8-sig")
    assert "0 created, 0 updated, 1 unchanged" in out.getvalue()
    assert CapacityWeek.objects.count() == 1
    with pytest.raises(CommandError):
        call_command("import_demands", str(source), "--enterprise", "999999", stdout=io.StringIO())


def test_export_enterprises_writes_xlsx(tmp_path: Path) -> None:
    EnterpriseFactory(legal_name="莆田市恒威鞋业有限公司")
    output = tmp_path / "firms.xlsx"

    call_command("export_enterprises", "--output", str(output), stdout=io.StringIO())

    import openpyxl

    sheet = openpyxl.load_workbook(output).worksheets[0]
    assert (sheet["A1"].value, sheet["A2"].value) == ("企业名称", "莆田市恒威鞋业有限公司")
