from typing import Any

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from clusterlink.directory.models import (
    CapacityWeek,
    Category,
    Certification,
    Cluster,
    DuplicateCandidate,
    DuplicateDecision,
    Enterprise,
    EnterpriseRole,
    ImportJob,
    Process,
)


@admin.register(Cluster)
class ClusterAdmin(SimpleHistoryAdmin):  # type: ignore[misc]  # simple_history ships no types
    list_display = [
        "slug",
        "name_zh",
        "name_en",
        "trade",
        "region_code",
        "firms_count",
        "national_rank",
    ]
    list_filter = ["trade"]
    search_fields = ["slug", "name_zh", "name_en", "name_ja"]


class EnterpriseRoleInline(admin.TabularInline[EnterpriseRole, Any]):
    model = EnterpriseRole
    extra = 0


@admin.register(Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):  # type: ignore[misc]  # simple_history ships no types
    list_display = [
        "legal_name",
        "name_en",
        "cluster",
        "credit_code",
        "employees",
        "is_listed",
        "source",
    ]
    list_filter = ["cluster", "source", "is_listed", "roles__role"]
    search_fields = ["legal_name", "name_en", "credit_code", "search_keys"]
    filter_horizontal = ["certifications", "categories", "processes"]
    raw_id_fields = ["merged_into"]
    inlines = [EnterpriseRoleInline]
    readonly_fields = ["search_keys"]


@admin.register(CapacityWeek)
class CapacityWeekAdmin(SimpleHistoryAdmin):  # type: ignore[misc]  # simple_history ships no types
    list_display = [
        "enterprise",
        "category",
        "week",
        "free_pairs",
        "reserved_pairs",
        "unit_price_min_rmb",
        "unit_price_max_rmb",
    ]
    list_filter = ["category", "week"]
    raw_id_fields = ["enterprise"]
    date_hierarchy = "week"


@admin.register(Category, Process)
class TaxonomyAdmin(admin.ModelAdmin[Any]):
    list_display = ["code", "trade", "name_zh", "name_en", "name_ja", "position"]
    list_filter = ["trade"]


@admin.register(Certification)
class CertificationAdmin(admin.ModelAdmin[Certification]):
    list_display = ["code", "name_zh", "name_en", "name_ja"]


@admin.register(DuplicateCandidate)
class DuplicateCandidateAdmin(admin.ModelAdmin[DuplicateCandidate]):
    list_display = ["enterprise", "existing", "score", "status", "decided_by", "decided_at"]
    list_filter = ["status"]
    raw_id_fields = ["enterprise", "existing"]


@admin.register(DuplicateDecision)
class DuplicateDecisionAdmin(admin.ModelAdmin[DuplicateDecision]):
    list_display = ["fingerprint", "decision", "decided_by", "decided_at"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin[ImportJob]):
    list_display = [
        "file_name",
        "kind",
        "status",
        "rows_total",
        "rows_written",
        "uploaded_by",
        "created_at",
    ]
    list_filter = ["kind", "status"]
