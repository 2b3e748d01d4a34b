"""The import pages: who may upload what, the report page, the review queue, downloads."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from clusterlink.directory.models import (
    DuplicateCandidate,
    DuplicateDecision,
    Enterprise,
    ImportJob,
)
from tests.accounts.factories import MembershipFactory, OperatorScopeFactory, UserFactory
from tests.directory.factories import ClusterFactory, EnterpriseFactory
from tests.directory.test_imports_files import (
    BAD_CHECK_CODE,
    CAPACITY_HEADER,
    ENTERPRISE_HEADER_ZH,
    VALID_CODE,
    firm,
    week_label,
    xlsx,
)

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(f"imports:{name}", args=args)


@pytest.fixture
def cluster():
    return ClusterFactory(slug="putian")


@pytest.fixture
def operator_client(client, cluster):
    client.force_login(OperatorScopeFactory(cluster=cluster).user)
    return client


def upload(client, content: bytes, *, name: str = "firms.xlsx", **data):
    return client.post(url("home"), {"file": SimpleUploadedFile(name, content), **data})


def test_operator_uploads_a_bad_file_and_sees_every_located_error(operator_client, cluster) -> None:
    content = xlsx(
        [
            ENTERPRISE_HEADER_ZH,
            firm("莆田市恒威鞋业有限公司", code=VALID_CODE),
            firm("莆田市坏码鞋业有限公司", code=BAD_CHECK_CODE),
        ]
    )

    response = upload(operator_client, content, kind="enterprises", cluster=cluster.pk)

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == url("report", job.pk)
    page = operator_client.get(url("report", job.pk)).content.decode()
    assert (
        "C3" in page
        and "统一社会信用代码" in page
        and "The check character of this unified social credit code is wrong." in page
    )
    assert 'data-testid="rejected"' in page
    assert Enterprise.objects.count() == 0


def test_good_rows_only_is_stated_on_the_report(operator_client, cluster) -> None:
    content = xlsx(
        [
            ENTERPRISE_HEADER_ZH,
            firm("莆田市恒威鞋业有限公司"),
            firm("莆田市坏码鞋业有限公司", code=BAD_CHECK_CODE),
        ]
    )

    upload(operator_client, content, kind="enterprises", cluster=cluster.pk, good_rows_only="on")

    job = ImportJob.objects.get()
    page = operator_client.get(url("report", job.pk)).content.decode()
    assert job.status == ImportJob.Status.PARTIAL and 'data-testid="partial"' in page
    assert Enterprise.objects.count() == 1


def test_an_operator_cannot_import_into_another_cluster(client, cluster) -> None:
    other = ClusterFactory(slug="xiaobeihe")
    client.force_login(OperatorScopeFactory(cluster=other).user)

    response = upload(
        client,
        xlsx([ENTERPRISE_HEADER_ZH, firm("莆田市恒威鞋业有限公司")]),
        kind="enterprises",
        cluster=cluster.pk,
    )

    assert response.status_code == 200  # the form refuses a cluster outside the operator's list
    assert "cluster" in response.context["form"].errors
    assert Enterprise.objects.count() == 0 and ImportJob.objects.count() == 0


def test_a_member_imports_capacity_of_their_firm_but_not_of_another(client, cluster) -> None:
    firm_a, firm_b = EnterpriseFactory(cluster=cluster), EnterpriseFactory(cluster=cluster)
    member = MembershipFactory(enterprise=firm_a, role="member").user
    client.force_login(member)
    content = xlsx([CAPACITY_HEADER, ["sports-shoes", week_label(1), 100, None, None, None, None]])
    ok = upload(client, content, kind="capacity", enterprise=firm_a.pk)
    refused = upload(client, content, kind="capacity", enterprise=firm_b.pk)
    enterprises = upload(client, content, kind="enterprises", cluster=cluster.pk)

    assert ok.status_code == 302
    assert refused.status_code == 200 and "enterprise" in refused.context["form"].errors
    assert enterprises.status_code == 200 and "kind" in enterprises.context["form"].errors
    assert firm_a.capacity_weeks.count() == 1 and firm_b.capacity_weeks.count() == 0


def test_reports_are_private_to_the_uploader_and_the_clusters_operators(
    operator_client, client, cluster
) -> None:
    upload(
        operator_client,
        xlsx([ENTERPRISE_HEADER_ZH, firm("莆田市恒威鞋业有限公司")]),
        kind="enterprises",
        cluster=cluster.pk,
    )
    job = ImportJob.objects.get()
    client.force_login(UserFactory())

    assert client.get(url("report", job.pk)).status_code == 404


def test_review_queue_confirm_reject_merge(operator_client, cluster) -> None:
    EnterpriseFactory(
        legal_name="莆田市恒威鞋业有限公司",
        name_en="",
        address="福建省莆田市荔城区黄石镇",
        cluster=cluster,
    )
    upload(
        operator_client,
        xlsx(
            [ENTERPRISE_HEADER_ZH, firm("莆田恒威鞋业有限公司", address="福建省莆田市荔城区黄石镇")]
        ),
        kind="enterprises",
        cluster=cluster.pk,
    )
    candidate = DuplicateCandidate.objects.get()
    # the report names the firm the row looks like, with a link to it
    report = operator_client.get(url("report", ImportJob.objects.get().pk)).content.decode()
    with translation.override("en"):
        profile = reverse("directory:enterprise_detail", args=[candidate.existing_id])
    assert f'<a href="{profile}">莆田市恒威鞋业有限公司</a>' in report

    page = operator_client.get(url("review")).content.decode()
    assert f'data-candidate="{candidate.pk}"' in page
    # the engine's reason codes are read as words in the reader's language
    assert candidate.reasons == ["name:same-core", "address:1.00"]
    with translation.override("ja"):
        japanese = operator_client.get(reverse("imports:review")).content.decode()
    assert (
        '<td class="small" data-testid="reasons">地名・業種・会社形態を除くと同じ名称<br>'
        "住所の類似度 100%</td>"
    ) in japanese
    response = operator_client.post(
        url("review_decide", candidate.pk), {"action": "merge", "keep": candidate.existing_id}
    )

    assert response.status_code == 302
    candidate.refresh_from_db()
    assert (
        candidate.status == "merged"
        and candidate.enterprise.merged_into_id == candidate.existing_id
    )
    assert DuplicateDecision.objects.get().decision == "same"
    assert 'data-testid="review-empty"' in operator_client.get(url("review")).content.decode()


def test_review_queue_is_hidden_from_non_operators(client) -> None:
    client.force_login(UserFactory())
    assert client.get(url("review")).status_code == 404
    assert client.post(url("review_decide", 1), {"action": "confirm"}).status_code == 404


def test_template_and_export_downloads(client) -> None:
    EnterpriseFactory(legal_name="莆田市恒威鞋业有限公司")

    template = client.get(url("template", "capacity", "xlsx"))
    client.force_login(UserFactory())
    export = client.get(url("export", "enterprises", "csv"))

    assert template.status_code == 200 and template["Content-Disposition"].endswith('.xlsx"')
    assert (
        openpyxl.load_workbook(io.BytesIO(template.content)).worksheets[0]["A1"].value
        == "enterprise_id"
    )
    assert export.status_code == 200 and "莆田市恒威鞋业有限公司" in export.content.decode(
        "utf-8-sig"
    )
    assert client.get(url("export", "secrets", "csv")).status_code == 404


def _stat(page: str, testid: str) -> str:
    start = page.index(f'data-testid="{testid}">') + len(f'data-testid="{testid}">')
    return page[start : page.index("<", start)]


def test_report_counts_rows_with_errors_not_errors(operator_client, cluster) -> None:
    # Given four rows, three of them bad, one of those with two bad cells
    content = xlsx(
        [
            ENTERPRISE_HEADER_ZH,
            firm("莆田市恒威鞋业有限公司"),
            firm("莆田市坏码鞋业有限公司", code=BAD_CHECK_CODE),
            firm("莆田市坏码二鞋业有限公司", code=BAD_CHECK_CODE, roles="no-such-role"),
            firm("", roles="oem_factory"),
        ]
    )

    upload(operator_client, content, kind="enterprises", cluster=cluster.pk)

    job = ImportJob.objects.get()
    assert len(job.report["errors"]) > 3
    page = operator_client.get(url("report", job.pk)).content.decode()
    assert _stat(page, "rows-total") == "4"
    assert _stat(page, "error-count") == "3"
    assert 'data-testid="file-problem-count"' not in page


def test_report_counts_header_problems_apart_from_rows(operator_client, cluster) -> None:
    content = xlsx([["名字", "电话"], ["莆田市恒威鞋业有限公司", "0594-1234567"]])

    upload(operator_client, content, kind="enterprises", cluster=cluster.pk)

    job = ImportJob.objects.get()
    page = operator_client.get(url("report", job.pk)).content.decode()
    assert _stat(page, "error-count") == "0"
    assert _stat(page, "file-problem-count") == str(len(job.report["errors"]))
    assert "Problems with the file or header row" in page
    assert Enterprise.objects.count() == 0


def test_partial_import_counts_the_rows_left_out(operator_client, cluster) -> None:
    content = xlsx(
        [
            ENTERPRISE_HEADER_ZH,
            firm("莆田市恒威鞋业有限公司"),
            firm("莆田市坏码二鞋业有限公司", code=BAD_CHECK_CODE, roles="no-such-role"),
        ]
    )

    upload(operator_client, content, kind="enterprises", cluster=cluster.pk, good_rows_only="on")

    job = ImportJob.objects.get()
    assert len(job.report["errors"]) == 2
    page = operator_client.get(url("report", job.pk)).content.decode()
    assert "1 row with errors was left out." in page
    assert _stat(page, "error-count") == "1"


def test_report_title_uses_the_languages_punctuation(operator_client, cluster) -> None:
    upload(operator_client, xlsx([ENTERPRISE_HEADER_ZH, firm("莆田市恒威鞋业有限公司")]),
           name="ent_bad.xlsx", kind="enterprises", cluster=cluster.pk)  # fmt: skip
    job = ImportJob.objects.get()

    with translation.override("zh-hans"):
        page = operator_client.get(reverse("imports:report", args=[job.pk])).content.decode()

    assert "<h1>导入报告：ent_bad.xlsx</h1>" in page


# --- uploads and exports are safe ----------------------------------------------------------------


def test_an_xlsx_bomb_uploaded_through_the_page_is_refused_with_the_limit(
    operator_client, cluster
) -> None:
    # 1.5 KB on the wire; A1 and XFD1048576 would make a grid of 17 billion cells.
    bomb = xlsx([ENTERPRISE_HEADER_ZH], edit=lambda sheet: sheet.cell(1048576, 16384, "x"))

    response = upload(operator_client, bomb, kind="enterprises", cluster=cluster.pk)

    job = ImportJob.objects.get()
    assert len(bomb) < 5_000
    assert response.status_code == 302 and response["Location"] == url("report", job.pk)
    assert job.status == ImportJob.Status.REJECTED and (job.rows_total, job.rows_written) == (0, 0)
    assert [e["reason"] for e in job.report["errors"]] == [
        "Worksheet “Sheet” reaches row 1,048,576; at most 120,000 rows can be read from one"
        " file. Delete stray cells below the table, or split the file."
    ]
    assert (
        "Worksheet “Sheet” reaches row 1,048,576"
        in operator_client.get(url("report", job.pk)).content.decode()
    )
    assert Enterprise.objects.count() == 0


def test_a_body_over_the_limit_is_refused_before_it_is_read(operator_client, cluster) -> None:
    with override_settings(CLUSTERLINK_MAX_REQUEST_BYTES=50_000):
        too_big = upload(
            operator_client, b"x" * 60_000, name="firms.csv", kind="enterprises", cluster=cluster.pk
        )
    # A multi-GB body announced by its Content-Length: answered without reading a byte of it.
    announced = operator_client.post(
        url("home"), {"kind": "enterprises"}, CONTENT_LENGTH=str(5 * 1024**3)
    )

    assert too_big.status_code == 413
    assert too_big.content.decode() == (
        "The request is 0.1 MB; the limit is 0.1 MB. Split the file into smaller files."
    )
    assert announced.status_code == 413
    assert announced.content.decode().startswith("The request is 5368.7 MB; the limit is 22.0 MB.")
    assert ImportJob.objects.count() == 0 and Enterprise.objects.count() == 0


def test_bulk_exports_need_an_account(client) -> None:
    EnterpriseFactory(legal_name="莆田市恒威鞋业有限公司")

    anonymous = [
        client.get(url("export", kind, file_format))
        for kind in ("enterprises", "capacity", "demands")
        for file_format in ("csv", "xlsx")
    ]

    assert {r.status_code for r in anonymous} == {302}
    assert anonymous[0]["Location"].startswith("/en/accounts/login/?next=/en/imports/export/")
    assert all(
        "莆田市恒威鞋业有限公司" not in r.content.decode("utf-8", "replace") for r in anonymous
    )
    # the public pages and the templates stay open
    assert client.get(url("template", "enterprises", "csv")).status_code == 200


def test_a_formula_firm_name_is_text_in_the_downloaded_export(client) -> None:
    EnterpriseFactory(legal_name='=HYPERLINK("http://x","y")')
    client.force_login(UserFactory())

    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(url("export", "enterprises", "xlsx")).content)
    )
    text = client.get(url("export", "enterprises", "csv")).content.decode("utf-8-sig")

    name = workbook.worksheets[0]["A2"]
    assert (name.value, name.data_type) == ('\'=HYPERLINK("http://x","y")', "s")
    assert text.splitlines()[1].startswith('"\'=HYPERLINK(""http://x"",""y"")",')


@pytest.mark.parametrize("bad_id", ["abc", "²", "٣", "9" * 25, "0", "-1"])
def test_non_numeric_ids_in_the_query_are_400_or_404_and_change_nothing(
    operator_client, cluster, bad_id
) -> None:
    keep = EnterpriseFactory(cluster=cluster, legal_name="莆田市恒威鞋业有限公司")
    other = EnterpriseFactory(cluster=cluster, legal_name="莆田恒威鞋业有限公司")
    candidate = DuplicateCandidate.objects.create(
        enterprise=other, existing=keep, score="0.90", fingerprint="test"
    )

    merge = operator_client.post(
        url("review_decide", candidate.pk), {"action": "merge", "keep": bad_id}
    )
    export = operator_client.get(url("export", "capacity", "csv"), {"enterprise": bad_id})

    assert merge.status_code == 400
    assert export.status_code == 404
    assert Enterprise.objects.filter(merged_into__isnull=False).count() == 0
    assert DuplicateCandidate.objects.get().status == candidate.status
