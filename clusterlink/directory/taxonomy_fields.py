"""Form fields and choices over the taxonomy tables: product categories, processes, certifications.

Every app's forms take their taxonomy fields and choices from here. Choices are passed to fields
as the functions themselves, so the rows are read, and named in the active language, each time a
form renders.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from clusterlink.directory.models import Category, Certification, Process

Taxonomy = type[Category] | type[Process] | type[Certification]

_UNKNOWN: dict[Taxonomy, Any] = {
    Category: _("Unknown product category: %(value)s."),
    Process: _("Unknown process: %(value)s."),
    Certification: _("Unknown certification: %(value)s."),
}


def taxonomy_choices(model: Taxonomy) -> list[tuple[str, str]]:
    """(code, name in the active language) of every row, in the model's own ordering."""
    return [(row.code, row.name) for row in model.objects.all()]


def category_choices() -> list[tuple[str, str]]:
    return taxonomy_choices(Category)


def process_choices() -> list[tuple[str, str]]:
    return taxonomy_choices(Process)


def certification_choices() -> list[tuple[str, str]]:
    return taxonomy_choices(Certification)


def _category_or_blank() -> list[tuple[str, str]]:
    return [("", "—"), *category_choices()]


def taxonomy_checkboxes(model: Taxonomy, *, label: Any) -> forms.MultipleChoiceField:
    """Optional checkboxes of every row of `model`; an unknown code is named in the error."""
    return forms.MultipleChoiceField(
        label=label,
        required=False,
        choices=lambda: taxonomy_choices(model),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _UNKNOWN[model]},
    )


def category_select(*, label: Any, help_text: Any = "") -> forms.ChoiceField:
    """One optional product category, '—' for none; an unknown code is named in the error."""
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=_category_or_blank,
        help_text=help_text,
        error_messages={"invalid_choice": _UNKNOWN[Category]},
    )
