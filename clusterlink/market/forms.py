"""Forms of the market pages: they parse and check every field with a clear message, then the
services decide. Errors a service raises (ApplicationError.details) are put back on the fields."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from clusterlink.common import clock
from clusterlink.common.forms import IsoWeekField, ServiceErrorsMixin, pairs_field, rmb_field
from clusterlink.directory.models import Certification, Process
from clusterlink.directory.taxonomy_fields import (
    category_choices,
    category_select,
    taxonomy_checkboxes,
)
from clusterlink.market.models import Demand, DemandType, Offer, Visibility


class DemandForm(ServiceErrorsMixin, forms.Form):
    demand_type = forms.ChoiceField(
        label=_("Type"),
        choices=DemandType.choices,
        error_messages={"invalid_choice": _("Unknown demand type: %(value)s.")},
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        error_messages={"required": _("Give the demand a short title.")},
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    category = category_select(
        label=_("Product category"),
        help_text=_("Required for processing orders, order purchasing and brand OEM."),
    )
    pairs = pairs_field(required=False, label=_("Pairs"), help_text=_("Required for order types."))
    target_unit_price_rmb = rmb_field(
        label=_("Target unit price (RMB per pair)"),
        help_text=_(
            "Private: only your firm, the cluster's operators and firms you share with see it."
        ),
    )
    delivery_week = IsoWeekField(
        label=_("Delivery week"), required=False, help_text=_("ISO week, e.g. 2026-W49.")
    )
    min_lot_pairs = pairs_field(
        required=False, min_value=0, label=_("Minimum lot per factory (pairs)")
    )
    split_allowed = forms.BooleanField(
        label=_("May be split over several factories"), required=False, initial=True
    )
    max_factories = forms.IntegerField(
        label=_("Maximum factories"),
        min_value=1,
        max_value=50,
        initial=3,
        error_messages={
            "invalid": _("Enter a whole number."),
            "min_value": _("At least one factory."),
            "max_value": _("At most 50 factories."),
        },
    )
    required_processes = taxonomy_checkboxes(Process, label=_("Required processes"))
    required_certifications = taxonomy_checkboxes(Certification, label=_("Required certifications"))
    visibility = forms.ChoiceField(
        label=_("Who may see it"), choices=Visibility.choices, initial=Visibility.PUBLIC
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (Demand.Status.OPEN, _("Open: publish now")),
            (Demand.Status.DRAFT, _("Draft: keep it to my firm")),
        ],
        initial=Demand.Status.OPEN,
    )

    def __init__(self, *args: Any, demand: Demand | None = None, **kwargs: Any) -> None:
        self.demand = demand
        if demand is not None and "initial" not in kwargs:
            kwargs["initial"] = demand_initial(demand)
        super().__init__(*args, **kwargs)
        if demand is not None:
            # An existing demand keeps a delivery week already passed; a changed one is checked.
            self.fields["delivery_week"].allow_past = True  # type: ignore[attr-defined]
            if demand.status not in (Demand.Status.DRAFT, Demand.Status.OPEN):
                del self.fields["status"]

    def clean_delivery_week(self) -> dt.date | None:
        week: dt.date | None = self.cleaned_data.get("delivery_week")
        unchanged = self.demand is not None and week == self.demand.delivery_week
        if week is not None and not unchanged and week < clock.current_week():
            raise forms.ValidationError(_("This week is in the past."), code="week_past")
        return week

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["category"] = data.get("category") or None
        data["min_lot_pairs"] = data.get("min_lot_pairs") or 0
        if not data.get("split_allowed"):
            data["max_factories"] = 1
        return data


def demand_initial(demand: Demand) -> dict[str, Any]:
    return {
        "demand_type": demand.demand_type,
        "title": demand.title,
        "description": demand.description,
        "category": demand.category.code if demand.category else "",
        "pairs": demand.pairs,
        "target_unit_price_rmb": demand.target_unit_price_rmb,
        "delivery_week": demand.delivery_week,
        "min_lot_pairs": demand.min_lot_pairs,
        "split_allowed": demand.split_allowed,
        "max_factories": demand.max_factories,
        "required_processes": [p.code for p in demand.required_processes.all()],
        "required_certifications": [c.code for c in demand.required_certifications.all()],
        "visibility": demand.visibility,
        "status": demand.status,
    }


class DemandFilterForm(forms.Form):
    """The demand board's filters (GET); unknown values are ignored rather than failing the page."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    demand_type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All types")), *DemandType.choices]
    )
    category = forms.ChoiceField(
        label=_("Product category"), required=False, choices=category_choices
    )
    cluster = forms.ChoiceField(label=_("Cluster"), required=False)

    def __init__(self, *args: Any, cluster_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cluster"].choices = [("", _("All clusters")), *cluster_choices]  # type: ignore[attr-defined]
        self.fields["category"].choices = [("", _("All categories")), *category_choices()]  # type: ignore[attr-defined]

    def value(self, name: str) -> str | None:
        """The cleaned value of a filter, or None when it is empty or not a known choice."""
        if not self.is_bound:
            return None
        self.is_valid()  # fields with an invalid value are left out of cleaned_data
        value: Any = self.cleaned_data.get(name)
        return str(value) if value else None


class OfferForm(ServiceErrorsMixin, forms.Form):
    owner = forms.ChoiceField(
        label=_("Offered by"), error_messages={"invalid_choice": _("Choose one of your firms.")}
    )
    offer_type = forms.ChoiceField(
        label=_("Type"),
        choices=Offer.OfferType.choices,
        error_messages={"invalid_choice": _("Unknown offer type: %(value)s.")},
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        error_messages={"required": _("Give the offer a short title.")},
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    category = category_select(label=_("Product category"))
    pairs = pairs_field(required=False, label=_("Quantity (pairs)"))
    unit_price_rmb = rmb_field(
        label=_("Unit price (RMB)"),
        help_text=_("Private: only your firm and the cluster's operators see it."),
    )
    available_from = IsoWeekField(label=_("Available from (week)"), required=False)
    available_to = IsoWeekField(label=_("Available to (week)"), required=False)
    visibility = forms.ChoiceField(
        label=_("Who may see it"), choices=Visibility.choices, initial=Visibility.PUBLIC
    )

    def __init__(self, *args: Any, owner_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = owner_choices  # type: ignore[attr-defined]
        if len(owner_choices) == 1:
            self.fields["owner"].initial = owner_choices[0][0]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("available_from"), cleaned.get("available_to")
        if start and end and start > end:
            self.add_error("available_to", _("The last week comes before the first week."))
        return cleaned

    def service_arguments(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "owner"}
        data["category"] = data.get("category") or None
        return data


class QuoteForm(ServiceErrorsMixin, forms.Form):
    """A factory's answer to a demand: price per pair, weeks to delivery, conditions."""

    factory = forms.ChoiceField(
        label=_("Quoting firm"), error_messages={"invalid_choice": _("Choose one of your firms.")}
    )
    unit_price_rmb = rmb_field(
        label=_("Price per pair (RMB)"),
        required=True,
        help_text=_("Private: only the brand, your firm and the clusters' operators see it."),
    )
    weeks = forms.IntegerField(
        label=_("Weeks to delivery"),
        min_value=1,
        max_value=104,
        error_messages={"required": _("Enter the weeks to delivery.")},
    )
    conditions = forms.CharField(
        label=_("Conditions"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, factory_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["factory"].choices = factory_choices  # type: ignore[attr-defined]
        if len(factory_choices) == 1:
            self.fields["factory"].initial = factory_choices[0][0]
