"""Forms of the match run pages: starting a run and answering a proposal."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext_lazy as _

from clusterlink.common.forms import ServiceErrorsMixin, rmb_field
from clusterlink.matching.models import MatchRun


class MatchRunStartForm(ServiceErrorsMixin, forms.Form):
    service_field_names = {
        "demand_ids": "demands",
        "factory_ids": "factories",
        "unplaced_penalty_rmb": "unplaced_penalty_rmb",
    }

    scope = forms.ChoiceField(
        label=_("Orders to place"),
        choices=MatchRun.Scope.choices,
        initial=MatchRun.Scope.CLUSTER,
        widget=forms.RadioSelect,
    )
    cluster = forms.TypedChoiceField(
        label=_("Cluster"), coerce=int, required=False, empty_value=None
    )
    demands = forms.TypedMultipleChoiceField(
        label=_("Selected demands"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    factories = forms.TypedMultipleChoiceField(
        label=_(
            "Factories (none selected: every listed factory with free capacity in the "
            "clusters you operate)"
        ),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    transport_rmb_per_pair_km = forms.DecimalField(
        label=_("Transport rate (RMB per pair and km)"),
        min_value=0,
        max_digits=10,
        decimal_places=6,
        initial=Decimal("0.0005"),
    )
    unplaced_penalty_rmb = rmb_field(label=_("Penalty per unplaced pair (RMB)"), required=True)
    quality_rmb = rmb_field(label=_("Quality weight (RMB per pair)"))
    large_firm_rmb = rmb_field(label=_("Large firm surcharge (RMB per pair)"))
    same_cluster_rmb = rmb_field(label=_("Same cluster surcharge (RMB per pair)"))
    time_limit_s = forms.IntegerField(
        label=_("Time limit (seconds)"), min_value=1, max_value=600, initial=10
    )
    seed = forms.IntegerField(label=_("Seed"), min_value=0, initial=0)

    def __init__(self, *args: Any, choices: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unplaced_penalty_rmb"].initial = Decimal("100.00")
        fields: Any = self.fields
        fields["cluster"].choices = [("", "—")] + [(c.pk, c.name) for c in choices["clusters"]]
        fields["demands"].choices = [
            (d.pk, f"{d.title} · {d.owner.display_name} · {intcomma(d.pairs)}")
            for d in choices["demands"]
        ]
        fields["factories"].choices = [
            (f.pk, f"{f.display_name}" + (f" · {f.cluster.name}" if f.cluster else ""))
            for f in choices["factories"]
        ]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "scope": data["scope"],
            "demand_ids": data["demands"],
            "factory_ids": data["factories"],
            "transport_rmb_per_pair_km": data["transport_rmb_per_pair_km"],
            "unplaced_penalty_rmb": data["unplaced_penalty_rmb"],
            "quality_rmb": data["quality_rmb"] or Decimal(0),
            "large_firm_rmb": data["large_firm_rmb"] or Decimal(0),
            "same_cluster_rmb": data["same_cluster_rmb"] or Decimal(0),
            "time_limit_s": data["time_limit_s"],
            "seed": data["seed"],
        }


class MatchRunRepairForm(forms.Form):
    """A repair run keeps the first run's demands, factories and weights; only the time the
    solver may take can be changed (empty: the first run's)."""

    time_limit_s = forms.IntegerField(
        label=_("Time limit (seconds)"), min_value=1, max_value=600, required=False
    )
