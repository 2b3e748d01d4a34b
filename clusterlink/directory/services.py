"""Writes of the directory: enterprises, roles, capacity weeks. Each is one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from clusterlink.accounts.access import Viewer
from clusterlink.common import clock
from clusterlink.common.errors import ConflictError, NotFoundError
from clusterlink.common.validation import FieldErrors, full_clean_into, lookup_codes
from clusterlink.directory.access import (
    REVIEWED_FIELDS,
    access_enterprise_edit,
    access_membership_request,
    access_membership_review,
    change_reopens_review,
    is_cluster_member,
)
from clusterlink.directory.models import (
    CapacityWeek,
    Category,
    Certification,
    Cluster,
    ClusterStatus,
    Enterprise,
    EnterpriseRole,
    Process,
    Role,
)
from clusterlink.directory.search import index_for_search
from clusterlink.directory.validators import normalise_credit_code

ENTERPRISE_FIELDS = (
    "legal_name",
    "name_en",
    "credit_code",
    "address",
    "lat",
    "lng",
    "employees",
    "size",
    "description",
    "website",
    "contact_name",
    "contact_phone",
    "contact_email",
    "is_listed",
    "source",
)


def size_for(employees: int | None) -> str:
    if employees is None:
        return ""
    if employees < 20:
        return Enterprise.Size.MICRO
    if employees < 300:
        return Enterprise.Size.SMALL
    if employees < 1000:
        return Enterprise.Size.MEDIUM
    return Enterprise.Size.LARGE


def _apply_enterprise(
    enterprise: Enterprise,
    *,
    errors: FieldErrors,
    fields: dict[str, Any],
    cluster: Cluster | object | None,
    roles: Iterable[str] | None,
    certifications: Iterable[str] | None,
    categories: Iterable[str] | None,
    processes: Iterable[str] | None,
) -> tuple[
    list[str] | None, list[Certification] | None, list[Category] | None, list[Process] | None
]:
    for name, value in fields.items():
        if name not in ENTERPRISE_FIELDS:
            raise TypeError(f"unknown enterprise field {name}")
        if name == "credit_code":
            value = normalise_credit_code(value or "")
        if isinstance(value, str):
            value = value.strip()
        setattr(enterprise, name, value)
    if cluster is not _UNSET:
        enterprise.cluster = cluster  # type: ignore[assignment]
    if "employees" in fields and "size" not in fields:
        enterprise.size = size_for(enterprise.employees)
    role_codes = None
    if roles is not None:
        role_codes = list(dict.fromkeys(str(r).strip() for r in roles if str(r).strip()))
        for code in role_codes:
            if code not in Role.values:
                errors.add("roles", _("Unknown role: %(code)s") % {"code": code})
    certs = (
        lookup_codes(Certification, certifications, "certifications", errors)
        if certifications is not None
        else None
    )
    cats = (
        lookup_codes(Category, categories, "categories", errors) if categories is not None else None
    )
    procs = lookup_codes(Process, processes, "processes", errors) if processes is not None else None
    index_for_search(enterprise)
    full_clean_into(enterprise, errors, exclude=["search_keys", "sort_name"])
    return role_codes, certs, cats, procs


def _save_relations(
    enterprise: Enterprise,
    role_codes: list[str] | None,
    certs: Sequence[Certification] | None,
    cats: Sequence[Category] | None,
    procs: Sequence[Process] | None,
) -> None:
    if role_codes is not None:
        EnterpriseRole.objects.filter(enterprise=enterprise).exclude(role__in=role_codes).delete()
        existing = set(
            EnterpriseRole.objects.filter(enterprise=enterprise).values_list("role", flat=True)
        )
        EnterpriseRole.objects.bulk_create(
            [EnterpriseRole(enterprise=enterprise, role=r) for r in role_codes if r not in existing]
        )
    if certs is not None:
        enterprise.certifications.set(certs)
    if cats is not None:
        enterprise.categories.set(cats)
    if procs is not None:
        enterprise.processes.set(procs)


_UNSET: Any = object()


@transaction.atomic
def enterprise_create(
    *,
    legal_name: str,
    cluster_status: str,
    cluster: Cluster | None = None,
    roles: Iterable[str] = (),
    certifications: Iterable[str] = (),
    categories: Iterable[str] = (),
    processes: Iterable[str] = (),
    **fields: Any,
) -> Enterprise:
    """Create a firm. `cluster_status` is the caller's decision, never a default: APPROVED only when
    an operator of the cluster puts the firm in (or the demo), PENDING when a firm registers itself.
    Raises ApplicationError listing every invalid field (nothing is written)."""
    errors = FieldErrors()
    enterprise = Enterprise(cluster_status=cluster_status)
    relations = _apply_enterprise(
        enterprise,
        errors=errors,
        fields={"legal_name": legal_name, **fields},
        cluster=cluster,
        roles=roles,
        certifications=certifications,
        categories=categories,
        processes=processes,
    )
    errors.raise_if_any()
    enterprise.save()
    _save_relations(enterprise, *relations)
    return enterprise


@transaction.atomic
def enterprise_update(
    *,
    viewer: Viewer,
    enterprise: Enterprise,
    cluster: Cluster | Any | None = _UNSET,
    roles: Iterable[str] | None = None,
    certifications: Iterable[str] | None = None,
    categories: Iterable[str] | None = None,
    processes: Iterable[str] | None = None,
    **fields: Any,
) -> Enterprise:
    """Change a firm's fields and taxonomy links; only what is passed changes. For its owners
    and its cluster's operators (NotFoundError for anyone else). An owner who changes the
    approved firm's name or credit code puts it back in the operators' queue."""
    errors = FieldErrors()
    enterprise = _locked_enterprise(enterprise.pk)
    access_enterprise_edit(viewer, enterprise)
    before = {name: getattr(enterprise, name) for name in REVIEWED_FIELDS}
    relations = _apply_enterprise(
        enterprise,
        errors=errors,
        fields=fields,
        cluster=cluster,
        roles=roles,
        certifications=certifications,
        categories=categories,
        processes=processes,
    )
    errors.raise_if_any()
    changed = {name for name, value in before.items() if getattr(enterprise, name) != value}
    if change_reopens_review(viewer, enterprise, changed):
        enterprise.cluster_status = ClusterStatus.PENDING
        enterprise.cluster_request_note = ""
    enterprise.save()
    _save_relations(enterprise, *relations)
    return enterprise


CAPACITY_EDITABLE_FIELDS = [
    "free_pairs",
    "unit_price_min_rmb",
    "unit_price_max_rmb",
    "min_lot_pairs",
    "lead_time_days",
    "updated_at",
]


@dataclass(frozen=True)
class CapacityCell:
    """One cell of the capacity calendar: a category in a week."""

    category: str  # category code
    week: dt.date
    free_pairs: int
    unit_price_min_rmb: Decimal | None = None
    unit_price_max_rmb: Decimal | None = None
    min_lot_pairs: int = 0
    lead_time_days: int = 0


def capacity_cell_key(cell: CapacityCell) -> str:
    from clusterlink.common.clock import iso_week_label

    return f"{cell.category}@{iso_week_label(cell.week)}"


@transaction.atomic
def capacity_weeks_save(
    *, enterprise: Enterprise, cells: Sequence[CapacityCell], allow_past: bool = False
) -> list[CapacityWeek]:
    """Create or update capacity cells of one factory. Every error is keyed by 'category@week.field';
    nothing is written unless all cells are valid. Free pairs can never drop below what is reserved."""
    errors = FieldErrors()
    categories = {c.code: c for c in Category.objects.all()}
    this_week = clock.current_week()
    seen: set[tuple[str, dt.date]] = set()
    keys = [(c.category, c.week) for c in cells]
    existing = {
        (row.category.code, row.week): row
        for row in CapacityWeek.objects.select_for_update()
        .filter(enterprise=enterprise, week__in={w for _, w in keys})
        .select_related("category")
        .order_by("pk")
    }
    rows: list[CapacityWeek] = []
    for cell in cells:
        key = capacity_cell_key(cell)
        if (cell.category, cell.week) in seen:
            errors.add(key, _("This category and week appear twice."))
            continue
        seen.add((cell.category, cell.week))
        category = categories.get(cell.category)
        if category is None:
            errors.add(f"{key}.category", _("Unknown category: %(code)s") % {"code": cell.category})
            continue
        if not allow_past and cell.week < this_week:
            errors.add(f"{key}.week", _("This week is in the past."))
        if (
            isinstance(cell.free_pairs, bool)
            or not isinstance(cell.free_pairs, int)
            or cell.free_pairs < 0
        ):
            errors.add(f"{key}.free_pairs", _("Free pairs must be a whole number of zero or more."))
            continue
        row = existing.get((cell.category, cell.week)) or CapacityWeek(
            enterprise=enterprise, category=category, week=cell.week
        )
        if cell.free_pairs < row.reserved_pairs:
            errors.add(
                f"{key}.free_pairs",
                _("%(reserved)s pairs are already reserved this week; free pairs cannot be lower.")
                % {"reserved": row.reserved_pairs},
            )
            continue
        row.free_pairs = cell.free_pairs
        row.unit_price_min_rmb = cell.unit_price_min_rmb
        row.unit_price_max_rmb = cell.unit_price_max_rmb
        row.min_lot_pairs = cell.min_lot_pairs
        row.lead_time_days = cell.lead_time_days
        cell_errors = FieldErrors()
        # Uniqueness is guaranteed by `seen` and the rows fetched above, the price order by the
        # model's clean(), reserved pairs just above: skip Django's one-query-per-constraint
        # validation of every cell.
        full_clean_into(row, cell_errors, exclude=["enterprise", "category"], constraints=False)
        for field, messages in cell_errors.as_dict().items():
            for message in messages:
                errors.add(f"{key}.{field}", message)
        rows.append(row)
    errors.raise_if_any()
    new_rows = [row for row in rows if row.pk is None]
    changed = [row for row in rows if row.pk is not None]
    bulk_create_with_history(new_rows, CapacityWeek, batch_size=500)
    if changed:
        for row in changed:
            row.updated_at = clock.now()  # bulk_update skips auto_now
        bulk_update_with_history(changed, CapacityWeek, CAPACITY_EDITABLE_FIELDS, batch_size=500)
    return rows


# ---- API: registering a firm (appended for the JSON API) ----------------------------------------


@transaction.atomic
def enterprise_register(
    *, user: Any, viewer: Any, cluster_slug: str | None = None, **fields: Any
) -> Enterprise:
    """Create a firm on behalf of `user`. An operator of the target cluster (or the platform admin) adds it
    to the directory; anyone else registers their own firm and becomes its owner. An unknown cluster slug
    is a field error on `cluster`; nothing is written unless every field is valid."""
    from clusterlink.accounts.models import Membership

    cluster = None
    if cluster_slug:
        cluster = Cluster.objects.filter(slug=cluster_slug).first()
        if cluster is None:
            errors = FieldErrors()
            errors.add("cluster", _("Unknown cluster: %(code)s") % {"code": cluster_slug})
            errors.raise_if_any()
    fields.setdefault("source", Enterprise.Source.API)
    operator = viewer.operates(cluster.pk if cluster else None)
    status = Enterprise.ClusterStatus.APPROVED if operator else Enterprise.ClusterStatus.PENDING
    enterprise = enterprise_create(cluster=cluster, cluster_status=status, **fields)
    if not operator:
        Membership.objects.create(user=user, enterprise=enterprise, role=Membership.Role.OWNER)
    return enterprise


REJECTION_REASON_REQUIRED = _("Say why, so that the firm knows what to put right.")


def _locked_enterprise(enterprise_id: int) -> Enterprise:
    try:
        return Enterprise.objects.select_for_update().get(pk=enterprise_id)
    except Enterprise.DoesNotExist as exc:
        raise NotFoundError() from exc


def _save_checked(enterprise: Enterprise) -> None:
    """full_clean, then save: a membership change leaves a valid row or raises, writing nothing."""
    errors = FieldErrors()
    full_clean_into(enterprise, errors, exclude=["search_keys", "sort_name"])
    errors.raise_if_any()
    enterprise.save()


@transaction.atomic
def enterprise_membership_request(
    *, viewer: Viewer, enterprise_id: int, note: str = ""
) -> Enterprise:
    """The firm's owner asks (again, after a rejection) for the firm to be made a member of its
    cluster. The operators see the firm's credit code, address, contacts and `note`. Refused with
    a conflict when the firm is already a member; NotFoundError for anyone but its owners."""
    enterprise = _locked_enterprise(enterprise_id)
    access_membership_request(viewer, enterprise)
    if is_cluster_member(enterprise):
        raise ConflictError(_("The firm is already a member of its cluster."))
    enterprise.cluster_status = ClusterStatus.PENDING
    enterprise.cluster_request_note = note.strip()
    enterprise.cluster_review_reason = ""
    _save_checked(enterprise)
    return enterprise


@transaction.atomic
def enterprise_membership_review(
    *, viewer: Viewer, actor: Any, enterprise_id: int, approve: bool, reason: str = ""
) -> Enterprise:
    """An operator of the firm's cluster (the platform admin for a firm without one) approves or
    rejects the firm's request to join. A rejection needs a reason, which the firm is shown. Only
    a pending request is decided (a conflict otherwise: two operators deciding at once see the
    second refused); NotFoundError for anyone who may not decide. The history keeps who and when."""
    enterprise = _locked_enterprise(enterprise_id)
    access_membership_review(viewer, enterprise)
    if enterprise.cluster_status != ClusterStatus.PENDING:
        raise ConflictError(_("This request was already decided."))
    reason = reason.strip()
    if not approve and not reason:
        errors = FieldErrors()
        errors.add("reason", REJECTION_REASON_REQUIRED)
        errors.raise_if_any()
    enterprise.cluster_status = ClusterStatus.APPROVED if approve else ClusterStatus.REJECTED
    enterprise.cluster_review_reason = "" if approve else reason
    enterprise.cluster_reviewed_at = clock.now()
    enterprise.cluster_reviewed_by = actor
    enterprise._history_user = actor  # type: ignore[attr-defined]  # django-simple-history's seam
    _save_checked(enterprise)
    return enterprise
