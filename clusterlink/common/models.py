from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from clusterlink.common import clock


def in_active_language(zh: str, en: str, ja: str) -> str:
    """The text for the active interface language; Chinese when the other is missing."""
    from django.utils.translation import get_language

    language = (get_language() or "zh-hans").lower()
    if language.startswith("en"):
        return en or zh
    if language.startswith("ja"):
        return ja or zh
    return zh


def check_ordered(
    first: Any, last: Any, *, field: str, message: str | Promise, strict: bool = False
) -> None:
    """For a model's `clean()`: a ValidationError on `field` when `last` comes before `first` (or
    equals it, with `strict`). This is the located, translated twin of an ordering CheckConstraint:
    `full_clean` then skips the constraint for the field in error, so users see this message and
    not the constraint's name. Unset values pass; so do values that failed their own field
    validation and cannot be compared (their error is already reported)."""
    if first is None or last is None:
        return
    try:
        wrong = last <= first if strict else last < first
    except TypeError:
        return
    if wrong:
        raise ValidationError({field: message})


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(
        _("created at"), default=clock.now, editable=False, help_text=_("When the row was created.")
    )
    updated_at = models.DateTimeField(
        _("updated at"), auto_now=True, help_text=_("When the row last changed.")
    )

    class Meta:
        abstract = True


class TranslatedNameMixin(models.Model):
    """Names in the three interface languages; `name` picks the active one, falling back to Chinese."""

    name_zh = models.CharField(
        _("name (Chinese)"), max_length=200, help_text=_("Name in Simplified Chinese.")
    )
    name_en = models.CharField(
        _("name (English)"), max_length=200, blank=True, help_text=_("Name in English.")
    )
    name_ja = models.CharField(
        _("name (Japanese)"), max_length=200, blank=True, help_text=_("Name in Japanese.")
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_active_language(self.name_zh, self.name_en, self.name_ja)
