"""The public directory's filter form: parses the query string into EnterpriseFilters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from clusterlink.common.forms import IsoWeekField
from clusterlink.directory.models import Cluster, Role
from clusterlink.directory.selectors import EnterpriseFilters
from clusterlink.directory.taxonomy_fields import (
    category_choices,
    certification_choices,
    process_choices,
)
from clusterlink.domain.resolution import search_terms


class EnterpriseFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Name in Chinese, pinyin or English, e.g. putian"),
            }
        ),
    )
    cluster = forms.ChoiceField(label=_("Cluster"), required=False)
    role = forms.ChoiceField(label=_("Role"), required=False)
    category = forms.ChoiceField(label=_("Product"), required=False)
    certification = forms.ChoiceField(label=_("Certification"), required=False)
    process = forms.ChoiceField(label=_("Process"), required=False)
    week_from = IsoWeekField(label=_("Free from week"), required=False, allow_past=True)
    week_to = IsoWeekField(label=_("to week"), required=False, allow_past=True)
    min_pairs = forms.IntegerField(
        label=_("Minimum free pairs"),
        required=False,
        min_value=1,
        widget=forms.NumberInput(attrs={"step": 100}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Labels depend on the active language, so choices are built per request.
        any_choice = ("", str(_("Any")))
        fields: Any = self.fields
        fields["cluster"].choices = [any_choice, *[(c.slug, c.name) for c in Cluster.objects.all()]]
        fields["role"].choices = [any_choice, *[(v, str(label)) for v, label in Role.choices]]
        fields["category"].choices = [any_choice, *category_choices()]
        fields["certification"].choices = [any_choice, *certification_choices()]
        fields["process"].choices = [any_choice, *process_choices()]

    def clean_q(self) -> str:
        text: str = (self.cleaned_data.get("q") or "").strip()
        if text and not search_terms(text):
            raise forms.ValidationError(
                _("Enter letters, digits or Chinese characters."), code="no_search_terms"
            )
        return text

    @property
    def search_refused(self) -> bool:
        """A search that cannot be run (too long, nothing searchable in it): the page lists no
        firms and says why, as the API refuses it, instead of listing every firm."""
        return self.is_bound and "q" in self.errors

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("week_from"), cleaned.get("week_to")
        if start and end and end < start:
            self.add_error("week_to", _("The last week comes before the first."))
        return cleaned

    def to_filters(self) -> EnterpriseFilters:
        """The valid part of the filters (an invalid field is ignored and shown as an error)."""
        data = self.cleaned_data if self.is_bound else {}
        return EnterpriseFilters(
            cluster=data.get("cluster") or None,
            role=data.get("role") or None,
            category=data.get("category") or None,
            certification=data.get("certification") or None,
            process=data.get("process") or None,
            q=(data.get("q") or "").strip() or None,
            capacity_from=data.get("week_from"),
            capacity_to=data.get("week_to"),
            min_free_pairs=data.get("min_pairs"),
        )

    @property
    def has_capacity_filter(self) -> bool:
        data = self.cleaned_data if self.is_bound else {}
        return bool(data.get("week_from") or data.get("week_to") or data.get("min_pairs"))

    @property
    def field_filter_count(self) -> int:
        """How many filters beyond the search box narrow the list (shown on the collapsed panel)."""
        data = self.cleaned_data if self.is_bound else {}
        fields = ("cluster", "role", "category", "certification", "process")
        return sum(1 for name in fields if data.get(name)) + int(self.has_capacity_filter)
