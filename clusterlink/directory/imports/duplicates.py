"""Duplicate screening of imported firms, the operators' review queue and remembered decisions.

Detection itself is the pure core `clusterlink.domain.resolution`; this module only turns
enterprise rows into FirmRecords and stores what it finds:

* A pair found by the screen becomes a pending DuplicateCandidate (new record, existing one),
  unless a DuplicateDecision with the same `pair_fingerprint` exists: "same" means the incoming
  row is that firm (it is not created again), "different" means nothing is asked.
* An operator confirms (same firm), rejects (different firms) or merges (keeps one record,
  marks the other `merged_into` it and moves roles, taxonomy and capacity over). Each of these
  stores the decision by fingerprint, so re-importing the same list asks nothing again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from clusterlink.accounts.access import Viewer
from clusterlink.common import clock
from clusterlink.common.errors import ConflictError, NotFoundError
from clusterlink.directory.access import enterprise_visible_q
from clusterlink.directory.models import (
    CapacityWeek,
    DuplicateCandidate,
    DuplicateDecision,
    Enterprise,
    EnterpriseRole,
)
from clusterlink.directory.search import index_for_search
from clusterlink.domain.resolution import DuplicateCandidate as FoundPair
from clusterlink.domain.resolution import (
    FirmRecord,
    find_duplicates,
    find_duplicates_within,
    pair_fingerprint,
)

_QUERY_CHUNK = 2000


def firm_record(
    key: str | int,
    *,
    legal_name: str,
    name_en: str = "",
    address: str = "",
    lat: object = None,
    lng: object = None,
) -> FirmRecord:
    """The resolution core's view of a firm (coordinates only when both are given)."""
    has_point = lat is not None and lng is not None
    return FirmRecord(
        key=key, name=legal_name or name_en, name_en=name_en or None, address=address or None,
        lat=float(lat) if has_point else None, lng=float(lng) if has_point else None,  # type: ignore[arg-type]
    )  # fmt: skip


def record_identity(record: FirmRecord) -> str:
    """Fingerprint of a record paired with itself: equal for two records whose folded name and
    address are equal, in the very normal form remembered decisions are keyed by."""
    return pair_fingerprint(record, record)


@dataclass(frozen=True)
class DirectoryIndex:
    """Existing firms for screening: records of unmerged firms, and identities (credit code,
    name+address) of all firms, merged ones resolved to the record they were merged into."""

    records: list[FirmRecord]
    by_key: dict[int, FirmRecord]
    by_credit_code: dict[str, int]
    by_identity: dict[str, int]


def directory_index(exclude_ids: Iterable[int] = ()) -> DirectoryIndex:
    """One pass over the directory (the whole of it: a firm may be listed in two clusters)."""
    excluded = set(exclude_ids)
    records: list[FirmRecord] = []
    by_key: dict[int, FirmRecord] = {}
    by_code: dict[str, int] = {}
    by_identity: dict[str, int] = {}
    rows = Enterprise.objects.values_list(
        "pk", "legal_name", "name_en", "address", "lat", "lng", "credit_code", "merged_into_id"
    ).order_by("pk")
    for pk, legal_name, name_en, address, lat, lng, credit_code, merged_into_id in rows.iterator(
        chunk_size=5000
    ):
        if pk in excluded or not (legal_name or name_en):
            continue
        target = merged_into_id or pk
        record = firm_record(
            pk, legal_name=legal_name, name_en=name_en, address=address, lat=lat, lng=lng
        )
        if credit_code:
            by_code[credit_code] = target
        by_identity.setdefault(record_identity(record), target)
        if merged_into_id is None:
            records.append(record)
            by_key[pk] = record
    return DirectoryIndex(
        records=records, by_key=by_key, by_credit_code=by_code, by_identity=by_identity
    )


def screen(
    incoming: Sequence[FirmRecord], index: DirectoryIndex
) -> tuple[list[FoundPair], list[FoundPair]]:
    """Pairs of incoming × directory and pairs inside the incoming list, best first."""
    return find_duplicates(incoming, index.records), find_duplicates_within(incoming)


def remembered_decisions(fingerprints: Iterable[str]) -> dict[str, str]:
    wanted = list(dict.fromkeys(fingerprints))
    found: dict[str, str] = {}
    for start in range(0, len(wanted), _QUERY_CHUNK):
        chunk = wanted[start : start + _QUERY_CHUNK]
        found.update(
            DuplicateDecision.objects.filter(fingerprint__in=chunk).values_list(
                "fingerprint", "decision"
            )
        )
    return found


# --- review queue: selectors -------------------------------------------------------------------


def duplicate_candidate_list(
    *, viewer: Viewer, status: str | None = DuplicateCandidate.Status.PENDING
) -> QuerySet[DuplicateCandidate]:
    """Candidates whose new record lies in a cluster the viewer operates and whose existing
    record the viewer may see (all for the platform admin): another cluster's unlisted firm is
    never shown to this cluster's operator. Pending ones whose records were merged meanwhile are
    left out."""
    qs = DuplicateCandidate.objects.select_related(
        "enterprise", "existing", "enterprise__cluster", "existing__cluster"
    )
    if not viewer.is_platform_admin:
        qs = qs.filter(
            enterprise__cluster_id__in=viewer.operator_cluster_ids,
            existing__in=Enterprise.objects.filter(enterprise_visible_q(viewer)),
        )
    if status:
        qs = qs.filter(status=status)
    if status == DuplicateCandidate.Status.PENDING:
        qs = qs.filter(enterprise__merged_into__isnull=True, existing__merged_into__isnull=True)
    return qs.order_by("-score", "id")


def duplicate_candidate_get_for(viewer: Viewer, candidate_id: int) -> DuplicateCandidate:
    try:
        return duplicate_candidate_list(viewer=viewer, status=None).get(pk=candidate_id)
    except DuplicateCandidate.DoesNotExist as exc:
        raise NotFoundError() from exc


# --- review queue: services --------------------------------------------------------------------


def _remember(fingerprint: str, decision: str, actor: Any) -> None:
    DuplicateDecision.objects.update_or_create(
        fingerprint=fingerprint,
        defaults={"decision": decision, "decided_by": actor, "decided_at": clock.now()},
    )


@transaction.atomic
def duplicate_candidate_decide(
    *, viewer: Viewer, actor: Any, candidate_id: int, same: bool
) -> DuplicateCandidate:
    """Confirm (same firm) or reject (different firms) a candidate and remember the decision."""
    candidate = duplicate_candidate_get_for(viewer, candidate_id)
    candidate = DuplicateCandidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.status == DuplicateCandidate.Status.MERGED:
        raise ConflictError(_("These records were already merged."))
    candidate.status = (
        DuplicateCandidate.Status.CONFIRMED if same else DuplicateCandidate.Status.REJECTED
    )
    candidate.decided_by = actor
    candidate.decided_at = clock.now()
    candidate.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    _remember(
        candidate.fingerprint,
        DuplicateDecision.Decision.SAME if same else DuplicateDecision.Decision.DIFFERENT,
        actor,
    )
    return candidate


_FILL_FIELDS = (
    "name_en",
    "address",
    "employees",
    "size",
    "description",
    "website",
    "contact_name",
    "contact_phone",
    "contact_email",
)


@transaction.atomic
def duplicate_candidate_merge(
    *, viewer: Viewer, actor: Any, candidate_id: int, keep_id: int
) -> Enterprise:
    """Keep one record of the pair; the other is marked `merged_into` it (and leaves the public
    directory). Roles, products, processes, certifications and capacity weeks move to the kept
    record (a capacity week the kept record already has for that category stays where it was);
    blank fields of the kept record are filled from the other. Remembers "same firm"."""
    candidate = duplicate_candidate_get_for(viewer, candidate_id)
    if keep_id not in (candidate.enterprise_id, candidate.existing_id):
        raise NotFoundError()
    pair = list(
        Enterprise.objects.select_for_update()
        .filter(pk__in=[candidate.enterprise_id, candidate.existing_id])
        .order_by("pk")
    )
    keep = next(e for e in pair if e.pk == keep_id)
    other = next(e for e in pair if e.pk != keep_id)
    for enterprise in pair:
        if not viewer.may_edit_enterprise(enterprise.pk, enterprise.cluster_id):
            raise NotFoundError()
        if enterprise.merged_into_id is not None:
            raise ConflictError(
                _("%(name)s was already merged into another record.")
                % {"name": enterprise.legal_name}
            )
    have_roles = set(EnterpriseRole.objects.filter(enterprise=keep).values_list("role", flat=True))
    EnterpriseRole.objects.bulk_create(
        [
            EnterpriseRole(enterprise=keep, role=r)
            for r in other.roles.values_list("role", flat=True)
            if r not in have_roles
        ]
    )
    keep.categories.add(*other.categories.all())
    keep.processes.add(*other.processes.all())
    keep.certifications.add(*other.certifications.all())
    taken = set(CapacityWeek.objects.filter(enterprise=keep).values_list("category_id", "week"))
    for week in CapacityWeek.objects.select_for_update().filter(enterprise=other).order_by("pk"):
        if (week.category_id, week.week) not in taken:
            week.enterprise = keep
            week.save(update_fields=["enterprise", "updated_at"])
    for name in _FILL_FIELDS:
        if not getattr(keep, name) and getattr(other, name):
            setattr(keep, name, getattr(other, name))
    if keep.lat is None and other.lat is not None:
        keep.lat, keep.lng = other.lat, other.lng
    if not keep.credit_code and other.credit_code:
        keep.credit_code, other.credit_code = other.credit_code, ""
    other.merged_into = keep
    other.save()
    index_for_search(keep)
    keep.full_clean(exclude=["search_keys", "sort_name"])
    keep.save()
    # Other pending pairs of the merged-away record drop out of the queue (the selector hides them).
    DuplicateCandidate.objects.filter(pk=candidate.pk).update(
        status=DuplicateCandidate.Status.MERGED, decided_by=actor, decided_at=clock.now()
    )
    _remember(candidate.fingerprint, DuplicateDecision.Decision.SAME, actor)
    return keep
