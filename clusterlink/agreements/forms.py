"""Forms of the agreement pages: each field parsed with a clear message, then the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils.translation import gettext_lazy as _

from clusterlink.agreements.models import AgreementStatus, AgreementType
from clusterlink.common.forms import ServiceErrorsMixin, pairs_field, rmb_field


class AgreementFilterForm(forms.Form):
    agreement_type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", "—"), *AgreementType.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", "—"), *AgreementStatus.choices]
    )
    cluster = forms.ChoiceField(label=_("Cluster"), required=False)
    event = forms.ChoiceField(label=_("Event"), required=False)

    def __init__(
        self,
        *args: Any,
        cluster_choices: list[tuple[str, str]],
        event_choices: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cluster"].choices = [("", "—"), *cluster_choices]  # type: ignore[attr-defined]
        self.fields["event"].choices = [("", "—"), *event_choices]  # type: ignore[attr-defined]

    def value(self, name: str) -> str | None:
        if not self.is_bound or not self.is_valid():
            return None
        return self.cleaned_data.get(name) or None


class AgreementForm(ServiceErrorsMixin, forms.Form):
    service_field_names = {"buyer_id": "buyer", "supplier_id": "supplier"}

    agreement_type = forms.ChoiceField(
        label=_("Type"),
        choices=AgreementType.choices,
        error_messages={"invalid_choice": _("Unknown agreement type: %(value)s.")},
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    buyer = forms.TypedChoiceField(
        label=_("Buyer"),
        coerce=int,
        help_text=_("The brand or firm that orders, buys or invests."),
        error_messages={"invalid_choice": _("Choose one of the listed firms.")},
    )
    supplier = forms.TypedChoiceField(
        label=_("Supplier"),
        coerce=int,
        help_text=_("The factory or firm that makes, supplies or receives."),
        error_messages={"invalid_choice": _("Choose one of the listed firms.")},
    )
    pairs = pairs_field(required=False, label=_("Pairs"))
    amount_rmb = rmb_field(
        label=_("Amount (RMB)"),
        max_digits=14,
        help_text=_("Private: only the two firms, their clusters' operators and the admin see it."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, firm_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Nothing preselected: both parties defaulting to the first firm read as a choice made.
        choices = [("", BLANK_CHOICE_DASH[0][1]), *firm_choices]
        self.fields["buyer"].choices = choices  # type: ignore[attr-defined]
        self.fields["supplier"].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if cleaned.get("buyer") and cleaned.get("buyer") == cleaned.get("supplier"):
            self.add_error("supplier", _("The buyer and the supplier must be different firms."))
        return cleaned


class TransitionForm(ServiceErrorsMixin, forms.Form):
    to_status = forms.ChoiceField(
        label=_("New status"),
        choices=AgreementStatus.choices,
        error_messages={"invalid_choice": _("Unknown status: %(value)s.")},
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=100)
    signed_on = forms.DateField(
        label=_("Signing date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("When moving to signed: the day the contract was signed (default today)."),
    )


class RunningOrderForm(forms.Form):
    """The running order as agreement ids, first signed first, comma separated (the page's
    up/down buttons write it; without script it can be typed)."""

    order = forms.CharField(label=_("Running order"), required=False)

    def clean_order(self) -> list[int]:
        text = self.cleaned_data.get("order") or ""
        try:
            return [int(part) for part in text.replace(" ", "").split(",") if part]
        except ValueError as exc:
            raise forms.ValidationError(
                _("List the agreements by number, separated by commas.")
            ) from exc
