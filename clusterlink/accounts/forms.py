"""Forms of the account pages: they parse input; services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from clusterlink.accounts.models import User
from clusterlink.common.forms import ServiceErrorsMixin
from clusterlink.directory.models import Cluster, Role

# Django's own zh_Hans catalog lacks the message MinimumLengthValidator raises (it only has an
# older wording with %(min_length)d), so a too-short password read in English on the Chinese
# pages. Naming the message here puts it into the project's catalogs, which Django reads first.
PASSWORD_TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    "min_length",
)


class SignUpForm(ServiceErrorsMixin, forms.Form):
    service_field_names = {"firm_legal_name": "firm_name", "firm_roles": "firm_role"}

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("Letters, digits and @ . + - _ only."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    display_name = forms.CharField(label=_("Your name"), max_length=100, required=False)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    firm_name = forms.CharField(
        label=_("My firm"),
        max_length=200,
        required=False,
        help_text=_("The registered name of the firm you act for; you become its owner."),
    )
    firm_cluster = forms.ModelChoiceField(
        label=_("Cluster of my firm"),
        queryset=Cluster.objects.all(),
        required=False,
        empty_label=_("— none —"),
        help_text=_(
            "Your firm asks to join this cluster; it takes part in the cluster's work once the "
            "cluster's operators approve it."
        ),
    )
    firm_role = forms.ChoiceField(
        label=_("What my firm does"),
        choices=[("", _("— choose —")), *Role.choices],
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        if not cleaned.get("firm_name") and (
            cleaned.get("firm_cluster") or cleaned.get("firm_role")
        ):
            self.add_error("firm_name", _("Give your firm's name, or leave the firm fields empty."))
        return cleaned


class LoginForm(AuthenticationForm):
    """Django's login form, also accepting the e-mail address in place of the username."""

    username = forms.CharField(
        label=_("Username or e-mail"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    @staticmethod
    def username_for(identifier: str) -> str:
        """The username of the account with this e-mail address; otherwise the identifier itself."""
        identifier = identifier.strip()
        if "@" in identifier:
            username = (
                User.objects.filter(email__iexact=identifier)
                .values_list("username", flat=True)
                .first()
            )
            if username:
                return username
        return identifier

    def clean(self) -> dict[str, Any]:
        self.cleaned_data["username"] = self.username_for(self.cleaned_data.get("username") or "")
        return super().clean()


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
