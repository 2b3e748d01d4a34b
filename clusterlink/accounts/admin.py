from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from clusterlink.accounts.models import ApiToken, Membership, OperatorScope, User


class MembershipInline(admin.TabularInline[Membership, Any]):
    model = Membership
    extra = 0
    raw_id_fields = ["enterprise"]


class OperatorScopeInline(admin.TabularInline[OperatorScope, Any]):
    model = OperatorScope
    extra = 0


@admin.register(User)
class ClusterLinkUserAdmin(UserAdmin[User]):
    inlines = [MembershipInline, OperatorScopeInline]
    list_display = ["username", "email", "display_name", "language", "is_superuser"]
    fieldsets = (*UserAdmin.fieldsets, ("ClusterLink", {"fields": ("display_name", "language")}))  # type: ignore[misc]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["key_hash", "prefix"]
