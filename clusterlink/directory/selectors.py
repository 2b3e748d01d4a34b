"""Reads of the directory. Access rules live here: public fields for everyone, private ones by Viewer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, Exists, F, Func, OuterRef, QuerySet, Sum

from clusterlink.accounts.access import Viewer
from clusterlink.accounts.models import Membership
from clusterlink.common.errors import NotFoundError
from clusterlink.directory.access import enterprise_visible_q, membership_reviewable_q
from clusterlink.directory.models import (
    CapacityWeek,
    Category,
    Cluster,
    ClusterStatus,
    Enterprise,
    EnterpriseRole,
)


@dataclass(frozen=True)
class EnterpriseFilters:
    cluster: str | None = None  # cluster slug
    role: str | None = None
    category: str | None = None  # category code
    certification: str | None = None  # certification code
    process: str | None = None  # process code
    q: str | None = None
    # Capacity filter: firms with at least `min_free_pairs` available pairs in some week of the range.
    capacity_from: dt.date | None = None
    capacity_to: dt.date | None = None
    min_free_pairs: int | None = None


def cluster_list() -> QuerySet[Cluster]:
    return Cluster.objects.all()


def cluster_get(*, slug: str) -> Cluster:
    try:
        return Cluster.objects.get(slug=slug)
    except Cluster.DoesNotExist as exc:
        raise NotFoundError() from exc


def enterprise_list(
    *, viewer: Viewer, filters: EnterpriseFilters | None = None
) -> QuerySet[Enterprise]:
    """Firms the viewer may see, filtered. The capacity filter only looks at capacity the viewer may see,
    so it never reveals a private figure through the result set."""
    filters = filters or EnterpriseFilters()
    qs = (
        Enterprise.objects.filter(enterprise_visible_q(viewer))
        .select_related("cluster")
        .defer("search_keys")  # long, and no list shows it
    )
    # Filters on links are subqueries, not joins: no duplicate rows, so no DISTINCT over wide rows.
    if filters.cluster:
        qs = qs.filter(cluster__slug=filters.cluster)
    if filters.role:
        qs = qs.filter(
            pk__in=EnterpriseRole.objects.filter(role=filters.role).values("enterprise_id")
        )
    if filters.category:
        qs = qs.filter(
            pk__in=Enterprise.categories.through.objects.filter(
                category__code=filters.category
            ).values("enterprise_id")
        )
    if filters.certification:
        qs = qs.filter(
            pk__in=Enterprise.certifications.through.objects.filter(
                certification__code=filters.certification
            ).values("enterprise_id")
        )
    if filters.process:
        qs = qs.filter(
            pk__in=Enterprise.processes.through.objects.filter(
                process__code=filters.process
            ).values("enterprise_id")
        )
    if filters.q:
        from clusterlink.directory.search import search_q

        qs = qs.filter(search_q(filters.q))
    if filters.capacity_from or filters.capacity_to or filters.min_free_pairs:
        weeks = CapacityWeek.objects.filter(
            enterprise_id=OuterRef("pk"),
            enterprise__in=Enterprise.objects.filter(viewer.private_enterprise_q()),
        )
        if filters.capacity_from:
            weeks = weeks.filter(week__gte=filters.capacity_from)
        if filters.capacity_to:
            weeks = weeks.filter(week__lte=filters.capacity_to)
        if filters.category:
            weeks = weeks.filter(category__code=filters.category)
        weeks = weeks.filter(
            free_pairs__gte=F("reserved_pairs") + max(filters.min_free_pairs or 1, 1)
        )
        qs = qs.filter(Exists(weeks))
    return qs.order_by("sort_name", "id")


class RoleCodes(Func):
    """A firm's role codes joined by spaces ("" without roles), read in the firm's own query:
    a list page then needs no second query and no role objects."""

    output_field = CharField()
    arity = 1

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        enterprise, params = compiler.compile(self.source_expressions[0])
        table = connection.ops.quote_name(EnterpriseRole._meta.db_table)
        join = (
            "string_agg(r.role, ' ')"
            if connection.vendor == "postgresql"
            else "group_concat(r.role, ' ')"
        )
        sql = f"COALESCE((SELECT {join} FROM {table} r WHERE r.enterprise_id = {enterprise}), '')"
        return sql, list(params)


# The columns of a list row (schemas.EnterpriseListOut), besides its cluster and role codes.
ROW_FIELDS = ("id", "legal_name", "name_en", "size", "employees", "address")


def enterprise_rows(qs: QuerySet[Enterprise]) -> QuerySet[Enterprise, dict[str, Any]]:
    """The firms of `qs` as list rows: dicts of ROW_FIELDS, `cluster_slug` and
    `role_codes_joined`, read in one query and cheaper to build than firms."""
    rows: QuerySet[Enterprise, dict[str, Any]] = qs.annotate(
        role_codes_joined=RoleCodes(F("pk"))
    ).values(*ROW_FIELDS, "role_codes_joined", cluster_slug=F("cluster__slug"))
    return rows


def enterprise_row(enterprise: Enterprise) -> dict[str, Any]:
    """The list row (as enterprise_rows reads it) of a firm already loaded."""
    return {
        **{name: getattr(enterprise, name) for name in ROW_FIELDS},
        "cluster_slug": enterprise.cluster.slug if enterprise.cluster_id else None,  # type: ignore[union-attr]
        "role_codes_joined": " ".join(enterprise.role_codes),
    }


def enterprise_get_for(viewer: Viewer, enterprise_id: int) -> Enterprise:
    """The firm if the viewer may see it at all; NotFoundError otherwise (never a 403)."""
    try:
        return (
            enterprise_list(viewer=viewer)
            .prefetch_related("roles", "certifications", "categories", "processes")
            .get(pk=enterprise_id)
        )
    except Enterprise.DoesNotExist as exc:
        raise NotFoundError() from exc


def enterprise_private_get_for(viewer: Viewer, enterprise_id: int) -> Enterprise:
    """The firm if the viewer may see its private data (contacts, capacity, prices); NotFoundError otherwise."""
    enterprise = enterprise_get_for(viewer, enterprise_id)
    if not viewer.may_see_private_of(enterprise.pk, enterprise.cluster_id):
        raise NotFoundError()
    return enterprise


def capacity_week_list(
    *,
    viewer: Viewer,
    enterprise_id: int | None = None,
    week_from: dt.date | None = None,
    week_to: dt.date | None = None,
) -> QuerySet[CapacityWeek]:
    """Capacity rows the viewer may see: of its own firms, or of firms in clusters it operates."""
    qs = CapacityWeek.objects.filter(
        enterprise__in=Enterprise.objects.filter(viewer.private_enterprise_q())
    ).select_related("category", "enterprise")
    if enterprise_id is not None:
        qs = qs.filter(enterprise_id=enterprise_id)
    if week_from:
        qs = qs.filter(week__gte=week_from)
    if week_to:
        qs = qs.filter(week__lte=week_to)
    return qs.order_by("enterprise_id", "category__position", "week")


def cluster_headline(*, cluster: Cluster) -> dict[str, int]:
    """Live figures of the directory for a cluster page (public: counts only, no private values)."""
    firms = Enterprise.objects.listed().filter(cluster=cluster)
    return {
        "firms_listed": firms.count(),
        "factories": firms.filter(roles__role="oem_factory").distinct().count(),
        "brands": firms.filter(roles__role="brand").distinct().count(),
    }


def cluster_capacity_total(
    *, viewer: Viewer, cluster: Cluster, week_from: dt.date, week_to: dt.date
) -> int | None:
    """Total available pairs in the cluster over a week range: operators only (None for others)."""
    if not viewer.operates(cluster.pk):
        return None
    total = CapacityWeek.objects.filter(
        enterprise__cluster=cluster, week__gte=week_from, week__lte=week_to
    ).aggregate(s=Sum("free_pairs") - Sum("reserved_pairs"))["s"]
    return int(total or 0)


def category_list(*, trade: str | None = None) -> QuerySet[Category]:
    qs = Category.objects.all()
    if trade:
        qs = qs.filter(trade=trade)
    return qs


def enterprise_get_editable(viewer: Viewer, enterprise_id: int) -> Enterprise:
    """The firm if the viewer may edit it (owner member or its cluster's operator); NotFound otherwise."""
    try:
        enterprise = Enterprise.objects.select_related("cluster").get(pk=enterprise_id)
    except Enterprise.DoesNotExist as exc:
        raise NotFoundError() from exc
    if not viewer.may_edit_enterprise(enterprise.pk, enterprise.cluster_id):
        raise NotFoundError()
    return enterprise


def enterprise_list_member_of(*, viewer: Viewer) -> QuerySet[Enterprise]:
    """The firms the viewer is a member of ("my enterprise" picks among these)."""
    return (
        Enterprise.objects.filter(pk__in=viewer.enterprise_ids)
        .select_related("cluster")
        .order_by("legal_name", "id")
    )


def enterprise_member_list(*, viewer: Viewer, enterprise: Enterprise) -> QuerySet[Membership]:
    """People acting for a firm: only for those who see its private data (empty otherwise)."""
    if not viewer.may_see_private_of(enterprise.pk, enterprise.cluster_id):
        return Membership.objects.none()
    return (
        Membership.objects.filter(enterprise=enterprise)
        .select_related("user")
        .order_by("role", "user__username")
    )


def cluster_role_counts(*, cluster: Cluster) -> dict[str, int]:
    """Listed firms of a cluster by role (public counts; a firm with two roles counts in both)."""
    from django.db.models import Count

    from clusterlink.directory.models import EnterpriseRole

    rows = (
        EnterpriseRole.objects.filter(
            enterprise__cluster=cluster,
            enterprise__in=Enterprise.objects.listed(),
        )
        .values("role")
        .annotate(firms=Count("enterprise_id", distinct=True))
        .order_by("role")
    )
    return {row["role"]: row["firms"] for row in rows}


def directory_headline() -> dict[str, int]:
    """Live figures of the whole directory for the home page (public counts only)."""
    listed = Enterprise.objects.listed()
    return {
        "clusters": Cluster.objects.count(),
        "firms_listed": listed.count(),
        "factories": listed.filter(roles__role="oem_factory").distinct().count(),
        "brands": listed.filter(roles__role="brand").distinct().count(),
    }


def membership_request_list(*, viewer: Viewer) -> QuerySet[Enterprise]:
    """Firms waiting for this viewer's decision on their cluster membership, oldest first, with
    the people who asked (the owners)."""
    return (
        Enterprise.objects.filter(membership_reviewable_q(viewer))
        .filter(cluster_status=ClusterStatus.PENDING, merged_into__isnull=True)
        .select_related("cluster")
        .prefetch_related("roles", "memberships__user")
        .order_by("created_at", "id")
    )
