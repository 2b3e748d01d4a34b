"""Duplicate detection on import, the review queue (confirm, reject, merge) and remembered
decisions: re-importing the same list asks nothing again."""

from __future__ import annotations

import pytest
from django.utils import translation

from clusterlink.accounts.access import ANONYMOUS, viewer_for
from clusterlink.common.errors import NotFoundError
from clusterlink.directory.imports.duplicates import (
    duplicate_candidate_decide,
    duplicate_candidate_get_for,
    duplicate_candidate_list,
    duplicate_candidate_merge,
)
from clusterlink.directory.imports.service import import_enterprises
from clusterlink.directory.models import (
    CapacityWeek,
    Category,
    DuplicateCandidate,
    DuplicateDecision,
    Enterprise,
    describe_reason,
)
from clusterlink.directory.selectors import enterprise_list
from clusterlink.domain.resolution import FirmRecord, pair_fingerprint
from tests.accounts.factories import OperatorScopeFactory
from tests.directory.factories import (
    CapacityWeekFactory,
    ClusterFactory,
    EnterpriseFactory,
    next_week,
)
from tests.directory.test_imports_files import ENTERPRISE_HEADER_ZH, english, firm, xlsx

pytestmark = pytest.mark.django_db
in_english = pytest.fixture(autouse=True)(english)

EXISTING_NAME, EXISTING_ADDRESS = "莆田市恒威鞋业有限公司", "福建省莆田市荔城区黄石镇工业园"
LIST = [
    ENTERPRISE_HEADER_ZH,
    firm(
        "莆田恒威鞋业有限公司", address="福建省莆田市荔城区黄石镇"
    ),  # row 2: suffix variant of the directory's firm
    firm(
        "Liaoyang Hengxin Socks Co., Ltd.",
        address="No. 8 Xiaobeihe Road, Liaoyang, Liaoning",
        categories="cotton-socks",
    ),  # row 3
    firm(
        "LIAOYANG HENGXIN SOCKS CO.,LTD",
        address="8 Xiaobeihe Rd, Liaoyang City, Liaoning",
        categories="cotton-socks",
    ),  # row 4: copy of row 3
    firm("晋江市鸿鑫鞋服有限公司", address="福建省晋江市陈埭镇"),  # row 5: a new firm
]


@pytest.fixture
def cluster():
    return ClusterFactory(slug="putian")


@pytest.fixture
def operator(cluster):
    return OperatorScopeFactory(cluster=cluster).user


@pytest.fixture
def existing(cluster):
    return EnterpriseFactory(
        legal_name=EXISTING_NAME,
        name_en="",
        address=EXISTING_ADDRESS,
        cluster=cluster,
        roles=["brand"],
    )


def run(cluster, rows=LIST):
    return import_enterprises(source=xlsx(rows), file_name="firms.xlsx", cluster=cluster).report


def test_import_queues_pairs_against_the_directory_and_within_the_file(cluster, existing) -> None:
    report = run(cluster)

    assert (report["created"], report["errors"]) == (4, [])
    queued = [
        (d["row"], d["existing_id"], d["existing_row"], d["confidence"])
        for d in report["duplicates"]
    ]
    row3 = Enterprise.objects.get(legal_name="Liaoyang Hengxin Socks Co., Ltd.")
    assert queued == [(2, existing.pk, None, "likely"), (4, row3.pk, 3, "likely")]
    candidates = list(DuplicateCandidate.objects.order_by("id"))
    assert [(c.enterprise.legal_name, c.existing_id, c.status) for c in candidates] == [
        ("莆田恒威鞋业有限公司", existing.pk, "pending"),
        ("LIAOYANG HENGXIN SOCKS CO.,LTD", row3.pk, "pending"),
    ]
    assert [str(c.score) for c in candidates] == ["1.000", "1.000"]
    assert "name:same-core" in candidates[0].reasons
    assert candidates[0].fingerprint == pair_fingerprint(
        FirmRecord(key=0, name="莆田恒威鞋业有限公司", address="福建省莆田市荔城区黄石镇"),
        FirmRecord(key=1, name=EXISTING_NAME, address=EXISTING_ADDRESS),
    )
    assert [d["candidate_id"] for d in report["duplicates"]] == [c.pk for c in candidates]


def test_reimporting_the_same_list_after_review_asks_nothing_and_creates_nothing(
    cluster, existing, operator
) -> None:
    run(cluster)
    viewer = viewer_for(operator)
    first, second = DuplicateCandidate.objects.order_by("id")
    duplicate_candidate_decide(viewer=viewer, actor=operator, candidate_id=first.pk, same=False)
    duplicate_candidate_merge(
        viewer=viewer, actor=operator, candidate_id=second.pk, keep_id=second.existing_id
    )
    firms_before, candidates_before = Enterprise.objects.count(), DuplicateCandidate.objects.count()

    again = run(cluster)

    assert (again["created"], again["duplicates"], again["errors"]) == (0, [], [])
    assert sorted(e["row"] for e in again["existing"]) == [2, 3, 4, 5]
    assert (Enterprise.objects.count(), DuplicateCandidate.objects.count()) == (
        firms_before,
        candidates_before,
    )
    assert DuplicateCandidate.objects.filter(status="pending").count() == 0


def test_remembered_decisions_apply_to_new_records_with_the_same_name_and_address(
    cluster, existing, operator
) -> None:
    """The decisions are keyed by the pair's fingerprint, not by records: when the imported
    records are gone (say, deleted by an admin) and the list comes again, nothing is asked."""
    run(cluster)
    viewer = viewer_for(operator)
    first, second = DuplicateCandidate.objects.order_by("id")
    duplicate_candidate_decide(viewer=viewer, actor=operator, candidate_id=first.pk, same=False)
    duplicate_candidate_decide(viewer=viewer, actor=operator, candidate_id=second.pk, same=True)
    assert dict(DuplicateDecision.objects.values_list("fingerprint", "decision")) == {
        first.fingerprint: "different",
        second.fingerprint: "same",
    }
    Enterprise.objects.exclude(pk=existing.pk).delete()

    again = run(cluster)

    assert again["duplicates"] == []
    assert sorted((r["row"], r["decision"]) for r in again["remembered"]) == [
        (2, "different"),
        (4, "same"),
    ]
    assert [e["row"] for e in again["existing"]] == [4]  # "same as row 3": not created twice
    assert again["created"] == 3
    assert DuplicateCandidate.objects.count() == 0
    assert not Enterprise.objects.filter(legal_name="LIAOYANG HENGXIN SOCKS CO.,LTD").exists()


def test_merge_keeps_one_record_and_moves_roles_taxonomy_and_capacity(
    cluster, existing, operator
) -> None:
    run(cluster)
    candidate = DuplicateCandidate.objects.get(existing=existing)
    duplicate = candidate.enterprise
    duplicate.credit_code = "91350100M000100Y43"
    duplicate.save()
    sports, socks = (
        Category.objects.get(code="sports-shoes"),
        Category.objects.get(code="cotton-socks"),
    )
    moved = CapacityWeekFactory(
        enterprise=duplicate, category=socks, week=next_week(1), free_pairs=4000
    )
    clash = CapacityWeekFactory(
        enterprise=duplicate, category=sports, week=next_week(2), free_pairs=100
    )
    kept_week = CapacityWeekFactory(
        enterprise=existing, category=sports, week=next_week(2), free_pairs=900
    )

    keep = duplicate_candidate_merge(
        viewer=viewer_for(operator), actor=operator, candidate_id=candidate.pk, keep_id=existing.pk
    )

    duplicate.refresh_from_db()
    assert (keep.pk, duplicate.merged_into_id) == (existing.pk, existing.pk)
    assert keep.role_codes == ["brand", "oem_factory"]
    assert sorted(c.code for c in keep.categories.all()) == ["sports-shoes"]
    assert (keep.credit_code, duplicate.credit_code) == ("91350100M000100Y43", "")
    assert CapacityWeek.objects.get(pk=moved.pk).enterprise_id == existing.pk
    assert (
        CapacityWeek.objects.get(pk=clash.pk).enterprise_id == duplicate.pk
    )  # the kept record's own week wins
    assert CapacityWeek.objects.get(pk=kept_week.pk).free_pairs == 900
    candidate.refresh_from_db()
    assert candidate.status == DuplicateCandidate.Status.MERGED
    assert DuplicateDecision.objects.get(fingerprint=candidate.fingerprint).decision == "same"
    assert duplicate not in enterprise_list(viewer=ANONYMOUS)


def test_queue_is_scoped_to_the_operators_clusters(cluster, existing, operator) -> None:
    run(cluster)
    stranger = OperatorScopeFactory(cluster=ClusterFactory(slug="xiaobeihe")).user
    candidate = DuplicateCandidate.objects.first()
    assert candidate is not None

    assert duplicate_candidate_list(viewer=viewer_for(operator)).count() == 2
    assert duplicate_candidate_list(viewer=viewer_for(stranger)).count() == 0
    with pytest.raises(NotFoundError):
        duplicate_candidate_get_for(viewer_for(stranger), candidate.pk)
    with pytest.raises(NotFoundError):
        duplicate_candidate_decide(
            viewer=viewer_for(stranger), actor=stranger, candidate_id=candidate.pk, same=True
        )
    assert DuplicateDecision.objects.count() == 0


def test_queue_never_shows_another_clusters_unlisted_firm(cluster, operator) -> None:
    # given an unlisted firm of another cluster that the import's row resembles
    hidden = EnterpriseFactory(
        legal_name=EXISTING_NAME,
        name_en="",
        address=EXISTING_ADDRESS,
        cluster=ClusterFactory(slug="jinjiang"),
        is_listed=False,
    )
    run(cluster)
    assert DuplicateCandidate.objects.filter(existing=hidden).exists()

    # then this cluster's operator is not shown the pair, nor can open it
    queued = duplicate_candidate_list(viewer=viewer_for(operator))
    assert not queued.filter(existing=hidden).exists()
    candidate = DuplicateCandidate.objects.get(existing=hidden)
    with pytest.raises(NotFoundError):
        duplicate_candidate_get_for(viewer_for(operator), candidate.pk)


@pytest.mark.parametrize(
    ("code", "lang", "text"),
    [
        ("name:similar", "zh-hans", "名称非常相近"),
        ("name:different-region", "en", "The names mention different places"),
        ("address:0.83", "en", "Addresses 83 % alike"),
        ("distance:1234.5km", "en", "1,234.5 km apart"),
        ("distance:1234.5km", "zh-hans", "相距 1,234.5 公里"),
        ("colour:red", "en", "colour:red"),  # a code this version does not know stays readable
    ],
)
def test_reason_codes_read_as_words(code: str, lang: str, text: str) -> None:
    with translation.override(lang):
        assert describe_reason(code) == text
