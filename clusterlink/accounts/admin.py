from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from clusterlink.accounts.models import ApiToken, Membership, OperatorScope, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["enterprise"]


class OperatorScopeInline(admin.TabularInline):
    model = OperatorScope
    extra = 0


@admin.register(User)
class ClusterLinkUserAdmin(UserAdmin):
    inlines = [MembershipInline, OperatorScopeInline]
    list_display = ["username", "email", "display_name", "language", "is_superuser"]
    fieldsets = (*UserAdmin.fieldsets, ("ClusterLink", {"fields": ("display_name", "language")}))  # type: ignore[misc]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["key_hash", "prefix"]
