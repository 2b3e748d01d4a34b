"""The upload form of the import pages: parsing only; access and rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clusterlink.accounts.access import Viewer
from clusterlink.directory.models import Cluster, Enterprise

KIND_CHOICES = [
    ("enterprises", _("Enterprises (ClusterLink template)")),
    ("osh", _("Open Supply Hub facility list")),
    ("capacity", _("Capacity weeks of one firm")),
    ("demands", _("Demands of one firm")),
]


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=KIND_CHOICES)
    cluster = forms.ModelChoiceField(
        label=_("Cluster"),
        queryset=Cluster.objects.none(),
        required=False,
        help_text=_("For enterprises: the cluster they join."),
    )
    enterprise = forms.ModelChoiceField(
        label=_("Enterprise"),
        queryset=Enterprise.objects.none(),
        required=False,
        help_text=_("For capacity weeks and demands: the firm they belong to."),
    )
    file = forms.FileField(label=_("File (.xlsx or .csv)"))
    good_rows_only = forms.BooleanField(
        label=_("Import only the good rows"), required=False,
        help_text=_("Otherwise nothing is written while any row has an error."),
    )  # fmt: skip

    def __init__(self, *args: Any, viewer: Viewer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        clusters = (
            Cluster.objects.all()
            if viewer.is_platform_admin
            else Cluster.objects.filter(pk__in=viewer.operator_cluster_ids)
        )
        self.fields["cluster"].queryset = clusters  # type: ignore[attr-defined]
        firms = Enterprise.objects.filter(merged_into__isnull=True)
        if not viewer.is_platform_admin:
            firms = firms.filter(
                Q(pk__in=viewer.enterprise_ids) | Q(cluster_id__in=viewer.operator_cluster_ids)
            )
        self.fields["enterprise"].queryset = firms.order_by("legal_name")  # type: ignore[attr-defined]
        if not viewer.is_operator:
            kind = self.fields["kind"]
            assert isinstance(kind, forms.ChoiceField)
            kind.choices = [c for c in KIND_CHOICES if c[0] in ("capacity", "demands")]
            del self.fields["cluster"]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.CLUSTERLINK_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _(
                    "The file is %(size).1f MB; the limit is %(limit).1f MB. Split it into smaller files."
                ),
                params={
                    "size": upload.size / 1_000_000,
                    "limit": settings.CLUSTERLINK_MAX_UPLOAD_BYTES / 1_000_000,
                },
            )
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind in ("capacity", "demands") and not data.get("enterprise"):
            self.add_error("enterprise", _("Choose the firm the rows belong to."))
        if (
            kind in ("enterprises", "osh")
            and not data.get("cluster")
            and not self.viewer.is_platform_admin
        ):
            self.add_error("cluster", _("Choose the cluster the firms join."))
        return data
