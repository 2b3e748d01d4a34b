"""Users, their membership of enterprises, operator scopes and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from clusterlink.common import clock
from clusterlink.common.models import TimeStampedModel


class User(AbstractUser):
    email = models.EmailField(
        _("e-mail address"), unique=True, help_text=_("Used to sign in and to reset the password.")
    )
    display_name = models.CharField(
        _("display name"), max_length=100, blank=True, help_text=_("Name shown to others.")
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        default="zh-hans",
        choices=[("zh-hans", "简体中文"), ("en", "English"), ("ja", "日本語")],
        help_text=_("Preferred interface language."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")  # type: ignore[assignment]  # django-stubs types Meta.verbose_name as str
        verbose_name_plural = _("users")  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.display_name or self.username


class Membership(TimeStampedModel):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MEMBER = "member", _("Member")

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
        help_text=_("The person."),
    )
    enterprise = models.ForeignKey(
        "directory.Enterprise",
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("enterprise"),
        help_text=_("The firm the person acts for."),
    )
    role = models.CharField(
        _("role"),
        max_length=10,
        choices=Role.choices,
        default=Role.MEMBER,
        help_text=_("Owners manage the firm's profile and members."),
    )

    class Meta:
        ordering = ["enterprise_id", "user_id"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "enterprise"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.enterprise}"


class OperatorScope(TimeStampedModel):
    """Makes a user an operator (industry department, association) of one cluster."""

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="operator_scopes",
        verbose_name=_("user"),
        help_text=_("The operator."),
    )
    cluster = models.ForeignKey(
        "directory.Cluster",
        on_delete=models.CASCADE,
        related_name="operator_scopes",
        verbose_name=_("cluster"),
        help_text=_("Cluster the operator manages."),
    )

    class Meta:
        ordering = ["cluster_id", "user_id"]
        verbose_name = _("operator scope")
        verbose_name_plural = _("operator scopes")
        constraints = [
            models.UniqueConstraint(fields=["user", "cluster"], name="operator_scope_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.cluster}"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(TimeStampedModel):
    """A bearer token for integrators. Only its hash is stored; the raw value is shown once."""

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
        help_text=_("Whose rights the token carries."),
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for."))
    prefix = models.CharField(
        _("prefix"), max_length=8, help_text=_("First characters, to recognise the token.")
    )
    key_hash = models.CharField(
        _("key hash"), max_length=64, unique=True, help_text=_("SHA-256 of the token.")
    )
    last_used_at = models.DateTimeField(
        _("last used"),
        null=True,
        blank=True,
        help_text=_("When the token last authenticated a request."),
    )
    revoked_at = models.DateTimeField(
        _("revoked"), null=True, blank=True, help_text=_("Set when the token was revoked.")
    )
    expires_at = models.DateTimeField(
        _("expires"),
        null=True,
        blank=True,
        help_text=_("After this moment the token is refused; empty: it never expires."),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def new_raw_key() -> str:
        return "cl_" + secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        """Neither revoked nor expired."""
        return self.revoked_at is None and (
            self.expires_at is None or self.expires_at > clock.now()
        )

    def revoke(self) -> None:
        self.revoked_at = clock.now()
