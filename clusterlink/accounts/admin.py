from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm

from clusterlink.accounts.models import ApiToken, Membership, OperatorScope, User
from clusterlink.accounts.services import user_password_set


class UserPasswordSetForm(AdminPasswordChangeForm):  # type: ignore[type-arg]  # generic only in django-stubs
    """The admin's form that sets another user's password; the change goes through
    user_password_set, which also revokes the user's API tokens."""

    def save(self, commit: bool = True) -> Any:
        if not commit:
            return super().save(commit=False)
        usable = self.cleaned_data.get("set_usable_password", True)
        return user_password_set(
            user=self.user, password=self.cleaned_data["password1"] if usable else None
        )


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
    change_password_form = UserPasswordSetForm
    list_display = ["username", "email", "display_name", "language", "is_superuser"]
    fieldsets = (*UserAdmin.fieldsets, ("ClusterLink", {"fields": ("display_name", "language")}))  # type: ignore[misc]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = [
        "name",
        "user",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    readonly_fields = ["key_hash", "prefix"]
