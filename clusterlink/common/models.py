from __future__ import annotations

from django.db import models
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
