"""Exports follow the viewer's access, use the import columns, and re-import to nothing new."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from clusterlink.accounts.access import ANONYMOUS, viewer_for
from clusterlink.common.errors import PermissionError_
from clusterlink.directory.imports.exports import export_file, template_file
from clusterlink.directory.imports.service import (
    import_capacity,
    import_demands,
    import_enterprises,
)
from clusterlink.directory.models import CapacityWeek, DuplicateCandidate, Enterprise
from clusterlink.market.models import Demand
from tests.accounts.factories import MembershipFactory, OperatorScopeFactory, UserFactory
from tests.directory.factories import CapacityWeekFactory, ClusterFactory, EnterpriseFactory
from tests.directory.test_imports_files import english
from tests.market.factories import DemandFactory

pytestmark = pytest.mark.django_db
in_english = pytest.fixture(autouse=True)(english)


@pytest.fixture
def stranger():
    """A signed-in user of no firm and no cluster: sees what the public sees."""
    return viewer_for(UserFactory())


def sheet_rows(content: bytes) -> list[tuple]:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return [tuple(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]


def test_enterprise_export_hides_contacts_from_those_who_may_not_see_them(stranger) -> None:
    firm = EnterpriseFactory(legal_name="莆田市恒威鞋业有限公司", contact_phone="13912345678")
    operator = OperatorScopeFactory(cluster=firm.cluster).user

    public = export_file(
        "enterprises", viewer=stranger, file_format="csv", language="zh-hans"
    ).decode("utf-8-sig")
    private = export_file(
        "enterprises", viewer=viewer_for(operator), file_format="csv", language="zh-hans"
    ).decode("utf-8-sig")

    assert next(csv.reader(io.StringIO(public)))[:3] == ["企业名称", "英文名称", "统一社会信用代码"]
    assert "莆田市恒威鞋业有限公司" in public and "13912345678" not in public
    assert "13912345678" in private


def test_capacity_and_demand_exports_follow_the_selectors(stranger) -> None:
    week = CapacityWeekFactory(free_pairs=7777)
    member = MembershipFactory(enterprise=week.enterprise).user
    DemandFactory(visibility="private", title="私密需求", target_unit_price_rmb="33.30")

    assert (
        len(sheet_rows(export_file("capacity", viewer=stranger, file_format="xlsx", language="en")))
        == 1
    )
    rows = sheet_rows(
        export_file("capacity", viewer=viewer_for(member), file_format="xlsx", language="en")
    )
    assert rows[0][:4] == ("enterprise_id", "category", "week", "free_pairs")
    assert rows[1][:4] == (week.enterprise_id, "sports-shoes", week.week.strftime("%G-W%V"), 7777)
    assert "私密需求" not in export_file(
        "demands", viewer=stranger, file_format="csv", language="en"
    ).decode("utf-8-sig")


def test_enterprise_export_reimports_as_nothing_new() -> None:
    cluster = ClusterFactory(slug="putian")
    EnterpriseFactory(
        legal_name="莆田市恒威鞋业有限公司", credit_code="91350100M000100Y43", cluster=cluster
    )
    EnterpriseFactory(
        legal_name="Putian Hongxin Shoes Co., Ltd.",
        name_en="",
        address="Huangshi, Putian",
        cluster=cluster,
        roles=["brand", "oem_factory"],
    )
    operator = OperatorScopeFactory(cluster=cluster).user
    before = (Enterprise.objects.count(), DuplicateCandidate.objects.count())

    for file_format in ("xlsx", "csv"):
        content = export_file(
            "enterprises", viewer=viewer_for(operator), file_format=file_format, language="zh-hans"
        )
        job = import_enterprises(
            source=content,
            file_name=f"export.{file_format}",
            cluster=cluster,
            viewer=viewer_for(operator),
        )

        assert (job.report["errors"], job.report["created"], len(job.report["existing"])) == (
            [],
            0,
            2,
        )
        assert (Enterprise.objects.count(), DuplicateCandidate.objects.count()) == before


def test_capacity_and_demand_exports_reimport_unchanged() -> None:
    week = CapacityWeekFactory(free_pairs=5000, unit_price_min_rmb="30.50")
    demand = DemandFactory(owner=week.enterprise, target_unit_price_rmb="42.10")
    member = MembershipFactory(enterprise=week.enterprise).user
    viewer = viewer_for(member)

    capacity = import_capacity(
        source=export_file(
            "capacity",
            viewer=viewer,
            file_format="xlsx",
            language="ja",
            enterprise_id=week.enterprise_id,
        ),
        file_name="c.xlsx",
        enterprise=week.enterprise,
        viewer=viewer,
    )
    demands = import_demands(
        source=export_file(
            "demands",
            viewer=viewer,
            file_format="csv",
            language="zh-hans",
            enterprise_id=demand.owner_id,
        ),
        file_name="d.csv",
        enterprise=demand.owner,
        viewer=viewer,
    )

    assert (
        capacity.report["errors"],
        capacity.report["unchanged"],
        CapacityWeek.objects.count(),
    ) == ([], 1, 1)
    assert (demands.report["errors"], demands.report["unchanged"], Demand.objects.count()) == (
        [],
        1,
        1,
    )


@pytest.mark.parametrize("language", ["zh-hans", "en", "ja"])
def test_templates_have_a_header_an_example_and_notes_and_import_cleanly(language: str) -> None:
    cluster = ClusterFactory(slug="putian")
    content = template_file("enterprises", file_format="xlsx", language=language)
    workbook = openpyxl.load_workbook(io.BytesIO(content))

    assert len(workbook.worksheets) == 2
    header = [c.value for c in workbook.worksheets[0][1]]
    assert header[0] == {"zh-hans": "企业名称", "en": "legal_name", "ja": "企業名"}[language]
    assert workbook.worksheets[1].max_row > 16  # one line per column, then the general notes
    job = import_enterprises(source=content, file_name="template.xlsx", cluster=cluster)
    assert (job.report["errors"], job.report["created"]) == ([], 1)
    for kind in ("capacity", "demands"):
        firm = EnterpriseFactory(cluster=cluster)
        runner = import_capacity if kind == "capacity" else import_demands
        for file_format in ("xlsx", "csv"):
            job = runner(
                source=template_file(kind, file_format=file_format, language=language),
                file_name=f"t.{file_format}",
                enterprise=firm,
            )
            assert job.report["errors"] == [], (kind, file_format, job.report["errors"])


FORMULA = '=HYPERLINK("http://x","y")'


@pytest.mark.parametrize("kind", ["enterprises", "demands"])
def test_a_formula_in_user_text_is_written_as_text_in_xlsx_and_csv(kind: str) -> None:
    firm = EnterpriseFactory(legal_name=FORMULA, description="+1 cmd|' /C calc'!A0")
    DemandFactory(owner=firm, title="@SUM(1+1)", visibility="public")
    operator = viewer_for(OperatorScopeFactory(cluster=firm.cluster).user)

    workbook = openpyxl.load_workbook(
        io.BytesIO(export_file(kind, viewer=operator, file_format="xlsx", language="en"))
    )
    text = export_file(kind, viewer=operator, file_format="csv", language="en").decode("utf-8-sig")

    cells = [cell for row in workbook.worksheets[0].iter_rows(min_row=2) for cell in row]
    assert [c.data_type for c in cells if c.data_type == "f"] == []
    written = {c.value for c in cells if isinstance(c.value, str)}
    csv_cells = {value for row in list(csv.reader(io.StringIO(text)))[1:] for value in row}
    if kind == "enterprises":
        assert {"'" + FORMULA, "'+1 cmd|' /C calc'!A0"} <= written
        assert {"'" + FORMULA, "'+1 cmd|' /C calc'!A0"} <= csv_cells
    else:
        assert "'@SUM(1+1)" in written and "'@SUM(1+1)" in csv_cells
    assert not any(v.startswith(("=", "+", "-", "@")) for v in written | csv_cells)


def test_an_anonymous_viewer_exports_nothing() -> None:
    EnterpriseFactory(legal_name="莆田市恒威鞋业有限公司")

    for kind in ("enterprises", "capacity", "demands"):
        with pytest.raises(PermissionError_) as refused:
            export_file(kind, viewer=ANONYMOUS, file_format="csv", language="en")
        assert str(refused.value.message) == "Sign in to download whole lists."
