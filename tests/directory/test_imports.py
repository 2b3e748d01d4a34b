"""Enterprise imports from real .xlsx and CSV files: every bad input gets a located error and
nothing is written; good files write everything; 'import only the good rows' is explicit."""

from __future__ import annotations

import codecs
import io
import zipfile
from pathlib import Path

import pytest
from django.test import override_settings

from clusterlink.directory.imports.service import import_enterprises, import_osh_facilities
from clusterlink.directory.models import Enterprise, ImportJob
from tests.directory.factories import ClusterFactory
from tests.directory.test_imports_files import (
    BAD_CHECK_CODE,
    ENTERPRISE_HEADER_ZH,
    VALID_CODE,
    csv_bytes,
    english,
    firm,
    xlsx,
)

pytestmark = pytest.mark.django_db
in_english = pytest.fixture(autouse=True)(english)

OSH_DIR = Path(__file__).resolve().parents[2] / "clusterlink" / "directory" / "data" / "osh"


@pytest.fixture
def cluster():
    return ClusterFactory(slug="putian")


def run(content: bytes, cluster, name: str = "firms.xlsx", **kwargs):
    job = import_enterprises(source=content, file_name=name, cluster=cluster, **kwargs)
    return job, job.report


def errors(report) -> list[tuple[int | None, str, str]]:
    return [(e["row"], e["column"], e["reason"]) for e in report["errors"]]


def test_valid_workbook_imports_every_row_with_roles_taxonomy_and_search_keys(cluster) -> None:
    content = xlsx([
        ENTERPRISE_HEADER_ZH,
        firm("莆田市恒威鞋业有限公司", name_en="Putian Hengwei Shoes Co., Ltd.", code=VALID_CODE, roles="代工厂、品牌", processes="注塑, cutting"),
        firm("晋江市鸿鑫袜业有限公司", roles="oem_factory", address="福建省晋江市", categories="棉袜"),
    ])  # fmt: skip

    job, report = run(content, cluster)

    assert job.status == ImportJob.Status.IMPORTED
    assert (job.rows_total, job.rows_written, report["errors"]) == (2, 2, [])
    hengwei = Enterprise.objects.get(credit_code=VALID_CODE)
    assert hengwei.cluster == cluster and hengwei.source == Enterprise.Source.IMPORT
    assert hengwei.role_codes == ["brand", "oem_factory"]
    assert sorted(p.code for p in hengwei.processes.all()) == ["cutting", "injection"]
    assert [
        c.code for c in Enterprise.objects.get(legal_name="晋江市鸿鑫袜业有限公司").categories.all()
    ] == ["cotton-socks"]
    assert "putian" in hengwei.search_keys
    assert hengwei.history.count() == 1  # audited like any other write


def test_bad_credit_code_unknown_category_and_process_are_located_and_nothing_is_written(
    cluster,
) -> None:
    content = xlsx([
        ENTERPRISE_HEADER_ZH,
        firm("莆田市恒威鞋业有限公司", code=VALID_CODE),
        firm("莆田市坏码鞋业有限公司", code=BAD_CHECK_CODE),
        firm("莆田市飞船鞋业有限公司", categories="spaceships", processes="teleporting"),
    ])  # fmt: skip

    job, report = run(content, cluster)

    assert job.status == ImportJob.Status.REJECTED
    assert errors(report) == [
        (3, "统一社会信用代码", "The check character of this unified social credit code is wrong."),
        (4, "产品类别", "Unknown product category: “spaceships”."),
        (4, "工艺", "Unknown process: “teleporting”."),
    ]
    assert [e["cell"] for e in report["errors"]] == ["C3", "F4", "G4"]
    assert Enterprise.objects.count() == 0


def test_missing_renamed_and_extra_columns_reject_the_file(cluster) -> None:
    renamed = xlsx([["公司名字", "地址", "备注"], ["莆田市恒威鞋业有限公司", "莆田", "x"]])

    job, report = run(renamed, cluster)

    assert errors(report) == [
        (
            1,
            "公司名字",
            "Unknown column “公司名字”. The columns of this list are: "
            + ", ".join(ENTERPRISE_HEADER_ZH[:3])
            + ", 角色, 地址, 纬度, 经度, 员工人数, 产品类别, 工艺, 认证, 网站, 联系人, 联系电话, 联系邮箱, 简介.",
        ),
        (
            1,
            "备注",
            "Unknown column “备注”. The columns of this list are: 企业名称, 英文名称, 统一社会信用代码, 角色, 地址, 纬度, 经度, 员工人数, 产品类别, 工艺, 认证, 网站, 联系人, 联系电话, 联系邮箱, 简介.",
        ),
        (
            1,
            "企业名称",
            "Missing column “企业名称”. Download the template to see the expected header row.",
        ),
    ]
    assert job.status == ImportJob.Status.REJECTED
    assert Enterprise.objects.count() == 0


def test_english_headers_and_a_value_in_a_headerless_column(cluster) -> None:
    content = xlsx(
        [
            ["legal_name", "Address", None],
            ["Putian Hengwei Shoes Co., Ltd.", "Putian", None],
            ["Jinjiang Hongxin Socks", "Jinjiang", "stray"],
        ]
    )

    _job, report = run(content, cluster)

    assert errors(report) == [
        (3, "", "Cell C3 has a value but its column has no header; remove the extra column.")
    ]
    assert Enterprise.objects.count() == 0


def test_merged_cells_are_errors_naming_the_range(cluster) -> None:
    def merge(sheet) -> None:
        sheet.merge_cells("D2:D3")

    content = xlsx(
        [
            ENTERPRISE_HEADER_ZH,
            firm("莆田市恒威鞋业有限公司"),
            firm("莆田市鸿鑫鞋业有限公司", roles=""),
        ],
        edit=merge,
    )

    _job, report = run(content, cluster)

    assert errors(report) == [
        (
            2,
            "角色",
            "Cells D2:D3 are merged; unmerge them and write the value into every row it belongs to.",
        )
    ]
    assert Enterprise.objects.count() == 0


def test_formula_cells_are_errors_naming_the_cell(cluster) -> None:
    content = xlsx(
        [
            ENTERPRISE_HEADER_ZH,
            firm("莆田市恒威鞋业有限公司"),
            ['=A2&"分厂"', "", "", "oem_factory", "莆田", "sports-shoes", ""],
        ]
    )

    _job, report = run(content, cluster)

    assert errors(report) == [
        (
            3,
            "企业名称",
            'Cell A3 holds a formula (=A2&"分厂"); replace it with its value (copy, then paste values).',
        ),
    ]
    assert Enterprise.objects.count() == 0


@pytest.mark.parametrize("formula_elsewhere", [False, True], ids=["calamine", "openpyxl"])
def test_both_workbook_readers_see_the_same_rows_columns_and_merged_cells(
    cluster, formula_elsewhere
) -> None:
    """A workbook without formulas is read by calamine, one with a formula anywhere (here on a
    second sheet) by openpyxl: a table that starts at C3 gets the same located errors from both."""

    def shift_and_merge(sheet) -> None:
        sheet.insert_rows(1, 2)
        sheet.insert_cols(1, 2)
        sheet.merge_cells("F6:F7")
        if formula_elsewhere:
            sheet.parent.create_sheet("calc")["A1"] = "=1+1"

    content = xlsx(
        [
            ENTERPRISE_HEADER_ZH,
            firm("莆田市恒威鞋业有限公司", code=BAD_CHECK_CODE),
            [None] * 7,
            firm("莆田市鸿鑫鞋业有限公司"),
            firm("莆田市鑫源鞋业有限公司", roles=""),
        ],
        edit=shift_and_merge,
    )

    job, report = run(content, cluster)

    assert errors(report) == [
        (4, "统一社会信用代码", "The check character of this unified social credit code is wrong."),
        (
            6,
            "角色",
            "Cells F6:F7 are merged; unmerge them and write the value into every row it belongs to.",
        ),
    ]
    assert (report["rows_total"], report["ignored_blank_rows"]) == (4, [5])
    assert job.status == ImportJob.Status.REJECTED and Enterprise.objects.count() == 0


def test_blank_rows_in_the_middle_are_ignored_and_listed_not_errors(cluster) -> None:
    content = xlsx(
        [
            ENTERPRISE_HEADER_ZH,
            firm("莆田市恒威鞋业有限公司"),
            [None] * 7,
            [""] * 7,
            firm("莆田市鸿鑫鞋业有限公司"),
            [None] * 7,
        ]
    )

    job, report = run(content, cluster)

    assert job.status == ImportJob.Status.IMPORTED
    assert report["ignored_blank_rows"] == [3, 4]
    assert (report["rows_total"], report["created"]) == (
        4,
        2,
    )  # the trailing blank row is not a row


def test_duplicate_rows_inside_one_file_are_errors(cluster) -> None:
    content = xlsx([
        ENTERPRISE_HEADER_ZH,
        firm("莆田市恒威鞋业有限公司", code=VALID_CODE),
        firm("莆田市鸿鑫鞋业有限公司", code=VALID_CODE),
        firm("莆田市恒威鞋业有限公司"),
    ])  # fmt: skip

    _job, report = run(content, cluster)

    assert errors(report) == [
        (3, "统一社会信用代码", "Same unified social credit code as row 2."),
        (4, "企业名称", "Same name and address as row 2: the row appears twice."),
    ]
    assert Enterprise.objects.count() == 0


def test_good_rows_only_writes_the_good_rows_and_says_so(cluster) -> None:
    content = xlsx(
        [
            ENTERPRISE_HEADER_ZH,
            firm("莆田市恒威鞋业有限公司"),
            firm("莆田市坏码鞋业有限公司", code=BAD_CHECK_CODE),
            firm("莆田市鸿鑫鞋业有限公司", address="莆田市城厢区"),
        ]
    )

    job, report = run(content, cluster, good_rows_only=True)

    assert job.status == ImportJob.Status.PARTIAL
    assert (report["good_rows_only"], report["skipped_rows"], report["created"]) == (True, [3], 2)
    assert sorted(Enterprise.objects.values_list("legal_name", flat=True)) == [
        "莆田市恒威鞋业有限公司",
        "莆田市鸿鑫鞋业有限公司",
    ]


def test_good_rows_only_never_overrides_a_broken_header(cluster) -> None:
    job, report = run(xlsx([["名字"], ["莆田市恒威鞋业有限公司"]]), cluster, good_rows_only=True)

    assert job.status == ImportJob.Status.REJECTED
    assert [e["row"] for e in report["errors"]] == [1, 1]
    assert Enterprise.objects.count() == 0


# --- whole-file problems -----------------------------------------------------------------------


def test_empty_file_and_header_only_file(cluster) -> None:
    _job, empty = run(b"", cluster, name="firms.csv")
    _job, header_only = run(xlsx([ENTERPRISE_HEADER_ZH]), cluster)

    assert errors(empty) == [(None, "", "The file is empty.")]
    assert errors(header_only) == [(None, "", "The file has a header row but no data rows.")]
    assert Enterprise.objects.count() == 0


def test_a_20_mb_file_is_refused_before_parsing(cluster, settings) -> None:
    big = b"PK\x03\x04" + b"\0" * (
        20 * 1024 * 1024
    )  # over the default limit of 20 MiB, and not a workbook

    _job, report = run(big, cluster)

    assert settings.CLUSTERLINK_MAX_UPLOAD_BYTES == 20 * 1024 * 1024
    assert errors(report) == [
        (None, "", "The file is 21.0 MB; the limit is 21.0 MB. Split it into smaller files.")
    ]
    assert Enterprise.objects.count() == 0


def test_limit_is_the_setting(cluster) -> None:
    with override_settings(CLUSTERLINK_MAX_UPLOAD_BYTES=1000):
        _job, report = run(
            csv_bytes([["企业名称"]] + [[f"莆田市第{i}鞋业有限公司"] for i in range(100)]),
            cluster,
            name="f.csv",
        )
    assert errors(report)[0][2].startswith("The file is 0.0 MB; the limit is 0.0 MB.")


def test_a_non_excel_file_named_xlsx_is_refused(cluster) -> None:
    _job, text = run("企业名称\n莆田市恒威鞋业有限公司\n".encode(), cluster)
    other_zip = io.BytesIO()
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    _job, wrong_zip = run(other_zip.getvalue(), cluster)
    _job, old_xls = run(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, cluster)

    refusal = "This file is not an Excel workbook (.xlsx), although its name ends in .xlsx. Save it from Excel as .xlsx, or as CSV."
    assert errors(text) == [(None, "", refusal)]
    assert errors(wrong_zip) == [(None, "", refusal)]
    assert errors(old_xls) == [
        (
            None,
            "",
            "This is an old-format .xls workbook renamed to .xlsx: open it in Excel and save it as .xlsx.",
        )
    ]
    assert Enterprise.objects.count() == 0


# --- encodings ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "bom", "label"),
    [
        ("gbk", b"", "gbk"),
        ("gb18030", b"", "gb18030"),
        ("utf-8", b"", "utf-8"),
        ("utf-8", codecs.BOM_UTF8, "utf-8-sig"),
    ],
)
def test_csv_in_gbk_gb18030_and_utf8_is_read_exactly(
    cluster, encoding: str, bom: bytes, label: str
) -> None:
    name = (
        "莆田市荔城区恒威鞋业有限公司" if encoding != "gb18030" else "莆田市䶮鞋业有限公司"
    )  # 䶮 is outside GBK
    content = bom + csv_bytes(
        [["企业名称", "地址", "角色"], [name, "福建省莆田市荔城区黄石镇", "代工厂"]],
        encoding=encoding,
    )
    if encoding == "gbk":
        with pytest.raises(UnicodeDecodeError):
            content.decode("utf-8")  # the bytes a UTF-8-only reader would turn into garbage

    job, report = run(content, cluster, name="firms.csv")

    assert (job.status, report["encoding"]) == (ImportJob.Status.IMPORTED, label)
    assert Enterprise.objects.get().legal_name == name
    assert Enterprise.objects.get().address == "福建省莆田市荔城区黄石镇"


def test_csv_in_an_unreadable_encoding_is_refused_not_guessed(cluster) -> None:
    content = "企業名,住所\nテスト株式会社,東京都\n".encode("shift_jis")

    _job, report = run(content, cluster, name="firms.csv")

    assert len(report["errors"]) == 1
    assert report["errors"][0]["reason"].startswith(
        "The file is neither UTF-8 nor GBK/GB18030 text"
    )
    assert Enterprise.objects.count() == 0


def test_text_already_garbled_by_a_wrong_conversion_is_an_error(cluster) -> None:
    content = csv_bytes([["企业名称", "地址"], ["\ufffd\ufffd鞋业有限公司", "莆田"]])

    _job, report = run(content, cluster, name="firms.csv")

    assert errors(report) == [
        (
            2,
            "企业名称",
            "The text contains “\ufffd”: the file was converted with the wrong encoding somewhere. Re-export it as UTF-8.",
        )
    ]


# --- Open Supply Hub ------------------------------------------------------------------------------


def test_osh_facility_list_imports_real_facilities_with_the_osh_source(cluster) -> None:
    path = OSH_DIR / "13.csv"
    lines = path.read_text(encoding="utf-8").splitlines()

    job = import_osh_facilities(
        path=path, cluster_for=lambda f: cluster if "jinjiang" in f.address.casefold() else None
    )

    assert job.status == ImportJob.Status.IMPORTED, job.report["errors"]
    assert job.rows_total == len(lines) - 1
    assert (
        Enterprise.objects.filter(source=Enterprise.Source.OSH).count()
        + len(job.report["existing"])
        == len(lines) - 1
    )
    huamei = Enterprise.objects.get(legal_name="Fujian Jinjiang Huamei Knitting & Clothing Co Ltd")
    assert (huamei.cluster, huamei.name_en, str(huamei.lat), huamei.role_codes) == (
        cluster,
        huamei.legal_name,
        "24.615340",
        ["oem_factory"],
    )
    assert Enterprise.objects.get(legal_name="Fuzhou Donglin Shoe Co Ltd").cluster is None


def test_osh_list_loaded_twice_creates_nothing_the_second_time(cluster) -> None:
    path = OSH_DIR / "12.xlsx"
    first = import_osh_facilities(path=path, cluster=cluster)
    count = Enterprise.objects.count()

    second = import_osh_facilities(path=path, cluster=cluster)

    assert first.rows_written == count > 0
    assert (second.rows_written, Enterprise.objects.count(), len(second.report["duplicates"])) == (
        0,
        count,
        0,
    )


def test_osh_format_through_the_enterprise_import(cluster) -> None:
    content = csv_bytes(
        [
            ["country", "name", "address", "sector", "lat", "lng"],
            [
                "CN",
                "Putian Hengwei Shoes Co., Ltd.",
                "Huangshi, Putian, Fujian",
                "Footwear",
                "25.43",
                "119.02",
            ],
            ["CN", "Bad Point Co", "Putian", "Footwear", "95", "119"],
        ]
    )

    _job, report = run(content, cluster, name="osh.csv", osh=True)

    assert errors(report) == [(3, "lat", "Must be between -90 and 90.")]
    assert Enterprise.objects.count() == 0


def test_other_database_backends_insert_through_the_orm(cluster, monkeypatch) -> None:
    from clusterlink.directory.imports import inserts

    monkeypatch.setattr(inserts, "FAST_VENDORS", ())
    content = xlsx(
        [ENTERPRISE_HEADER_ZH, firm("莆田市恒威鞋业有限公司", code=VALID_CODE, processes="注塑")]
    )

    job, _report = run(content, cluster)

    hengwei = Enterprise.objects.get()
    assert (job.rows_written, hengwei.credit_code, hengwei.history.count()) == (1, VALID_CODE, 1)
    assert (hengwei.role_codes, [p.code for p in hengwei.processes.all()]) == (
        ["oem_factory"],
        ["injection"],
    )


def test_search_keys_from_the_pool_are_those_of_each_firm_in_order(monkeypatch) -> None:
    from clusterlink.directory.imports import enterprises
    from clusterlink.directory.search import search_fields

    firms = [
        enterprises.NewFirm(legal_name=name, name_en=en, address=address)
        for name, en, address in [
            ("莆田市恒威鞋业有限公司", "Putian Hengwei Shoes", "福建省莆田市荔城区"),
            ("晋江市鸿鑫袜业有限公司", "", "福建省晋江市陈埭镇"),
            ("Liaoyang Sock Co., Ltd.", "", "Xiaobeihe, Liaoyang"),
        ]
        * 3
    ]
    monkeypatch.setattr(enterprises, "POOL_ROWS", 2)

    with enterprises.search_fields_computed(firms) as computed:
        pooled = list(computed)

    assert pooled == [
        search_fields(legal_name=f.legal_name, name_en=f.name_en, address=f.address) for f in firms
    ]
    assert pooled[0][1] == "hengwei" and pooled[0] != pooled[1]


def test_a_latitude_without_its_longitude_column_is_reported_on_the_latitude_cell(
    cluster,
) -> None:
    content = xlsx([["企业名称", "纬度"], ["莆田市恒威鞋业有限公司", 25.43]])

    _job, report = run(content, cluster)

    assert [(e["row"], e["column"], e["cell"], e["reason"]) for e in report["errors"]] == [
        (2, "纬度", "B2", "Give both latitude and longitude, or neither.")
    ]
    assert Enterprise.objects.count() == 0


def test_a_latitude_with_an_empty_longitude_cell_is_reported_on_the_longitude_cell(
    cluster,
) -> None:
    content = xlsx([["企业名称", "纬度", "经度"], ["莆田市恒威鞋业有限公司", 25.43, None]])

    _job, report = run(content, cluster)

    assert [(e["row"], e["column"], e["cell"], e["reason"]) for e in report["errors"]] == [
        (2, "经度", "C2", "Give both latitude and longitude, or neither.")
    ]


def test_a_repeated_firm_is_reported_on_its_cell(cluster) -> None:
    content = xlsx(
        [
            ENTERPRISE_HEADER_ZH,
            firm("莆田市恒威鞋业有限公司", code=VALID_CODE),
            firm("莆田市恒威二鞋业有限公司", code=VALID_CODE),
        ]
    )

    _job, report = run(content, cluster)

    assert [(e["row"], e["column"], e["cell"]) for e in report["errors"]] == [
        (3, "统一社会信用代码", "C3")
    ]


def test_a_phone_that_is_no_number_is_reported_on_its_cell(cluster) -> None:
    content = xlsx(
        [
            ["企业名称", "联系电话"],
            ["莆田市恒威鞋业有限公司", "call me"],
            ["莆田市鸿鑫鞋业有限公司", 13900000000],
        ]
    )

    _job, report = run(content, cluster)

    assert [(e["row"], e["column"], e["cell"]) for e in report["errors"]] == [(2, "联系电话", "B2")]
    assert Enterprise.objects.count() == 0


# --- tables beyond the limits: refused before any grid is built --------------------------------


def handmade_xlsx(
    sheet_xml: str, *, part: str = "xl/worksheets/sheet1.xml", name: str = "企业"
) -> bytes:
    """A minimal workbook written by hand, its one worksheet at `part` (any path the workbook's
    relationships name, as both readers follow them)."""
    target = "/" + part
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f'<Override PartName="{target}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        archive.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            f'Target="{target}"/></Relationships>',
        )
        archive.writestr(
            part,
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f"<sheetData>{sheet_xml}</sheetData></worksheet>",
        )
    return buffer.getvalue()


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def test_a_1_5_kb_workbook_with_cells_a1_and_xfd1048576_is_refused_before_reading(cluster) -> None:
    content = xlsx([ENTERPRISE_HEADER_ZH], edit=lambda sheet: sheet.cell(1048576, 16384, "x"))

    job, report = run(content, cluster)

    assert len(content) < 5_000
    assert errors(report) == [
        (
            None,
            "",
            "Worksheet “Sheet” reaches row 1,048,576; at most 120,000 rows can be read from one file. Delete stray cells below the table, or split the file.",
        )
    ]
    assert job.status == ImportJob.Status.REJECTED and job.rows_total == 0
    assert Enterprise.objects.count() == 0


def test_cells_beyond_the_limits_are_found_without_a_dimension_in_a_renamed_part(cluster) -> None:
    # No <dimension>, the sheet stored outside xl/worksheets/: the cells themselves are scanned.
    wide = handmade_xlsx(inline("A1", "企业名称") + inline("XFD1", "x"), part="xl/data/bomb.xml")
    # A row without references: its cells follow each other from column A.
    implicit = handmade_xlsx(
        '<row><c t="inlineStr"><is><t>企业名称</t></is></c>'
        + '<c t="inlineStr"><is><t>x</t></is></c>' * 201
        + "</row>"
    )

    _job, wide_report = run(wide, cluster)
    _job, implicit_report = run(implicit, cluster)

    assert errors(wide_report) == [
        (
            None,
            "",
            "Worksheet “企业” reaches column XFD; at most 200 columns (to column GR) can be read. Delete stray cells to the right of the table.",
        )
    ]
    assert errors(implicit_report)[0][2].startswith("Worksheet “企业” reaches column GS;")
    assert Enterprise.objects.count() == 0


def test_a_used_range_of_more_cells_than_the_limit_is_refused(cluster) -> None:
    # 120,000 rows by 60 columns, each within its own limit: 7.2 million cells.
    content = handmade_xlsx(inline("A1", "企业名称") + inline("BH120000", "x"))

    _job, report = run(content, cluster)

    assert errors(report) == [
        (
            None,
            "",
            "Worksheet “企业” spans 120,000 rows by 60 columns (to cell BH120000); at most 6,000,000 cells can be read from one file. Delete stray cells far from the table, or split the file.",
        )
    ]
    assert Enterprise.objects.count() == 0


def test_a_merged_range_beyond_the_limits_is_refused(cluster) -> None:
    content = xlsx(
        [ENTERPRISE_HEADER_ZH, firm("莆田市恒威鞋业有限公司", code=VALID_CODE)],
        edit=lambda sheet: sheet.merge_cells("A3:A500000"),
    )

    _job, report = run(content, cluster)

    assert errors(report)[0][2].startswith("Worksheet “Sheet” reaches row 500,000;")
    assert Enterprise.objects.count() == 0


def test_a_workbook_within_the_limits_is_read_as_before(cluster) -> None:
    content = handmade_xlsx(
        "".join(
            inline(f"{letter}1", header)
            for letter, header in zip("ABCDEFG", ENTERPRISE_HEADER_ZH, strict=True)
        )
        + "".join(
            inline(f"{letter}2", value)
            for letter, value in zip(
                "ABCDEFG", firm("莆田市恒威鞋业有限公司", code=VALID_CODE), strict=True
            )
            if value
        )
    )

    job, report = run(content, cluster)

    assert errors(report) == []
    assert list(Enterprise.objects.values_list("legal_name", flat=True)) == [
        "莆田市恒威鞋业有限公司"
    ]
    assert job.rows_written == 1


def test_csv_beyond_the_row_column_and_line_limits_is_refused(cluster, monkeypatch) -> None:
    from clusterlink.directory.imports import readers

    wide = csv_bytes([ENTERPRISE_HEADER_ZH + [f"备注{i}" for i in range(194)]])
    long_line = csv_bytes([ENTERPRISE_HEADER_ZH, ["莆" * 100_001]])
    monkeypatch.setattr(readers, "MAX_ROWS", 3)
    many_rows = csv_bytes(
        [ENTERPRISE_HEADER_ZH] + [firm(f"莆田市第{i}鞋业有限公司") for i in range(3)]
    )

    _job, wide_report = run(wide, cluster, name="firms.csv")
    _job, long_report = run(long_line, cluster, name="firms.csv")
    _job, rows_report = run(many_rows, cluster, name="firms.csv")

    assert errors(wide_report) == [
        (
            None,
            "",
            "Worksheet “firms” reaches column GS; at most 200 columns (to column GR) can be read. Delete stray cells to the right of the table.",
        )
    ]
    assert errors(long_report) == [
        (
            None,
            "",
            "Line 2 of the file is longer than 100,000 characters; no row of a table is that long. Check that the file is a table saved as CSV.",
        )
    ]
    assert errors(rows_report) == [
        (
            None,
            "",
            "Worksheet “firms” reaches row 4; at most 3 rows can be read from one file. Delete stray cells below the table, or split the file.",
        )
    ]
    assert Enterprise.objects.count() == 0
