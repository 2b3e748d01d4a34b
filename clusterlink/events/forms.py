"""Forms of the events pages. They parse and check types; the services decide the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils.translation import gettext_lazy as _

from clusterlink.common.forms import ServiceErrorsMixin
from clusterlink.directory.models import Cluster
from clusterlink.events.models import (
    Event,
    EventSession,
    EventUnit,
    Meeting,
    MeetingRequest,
    Participant,
    ScheduleRun,
)
from clusterlink.events.services import EVENT_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class EventForm(ServiceErrorsMixin, forms.ModelForm):  # type: ignore[type-arg]
    clusters = forms.ModelMultipleChoiceField(
        queryset=Cluster.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Clusters"),
        help_text=_("Their operators run the event and validate registrations."),
    )

    class Meta:
        model = Event
        fields = [f for f in EVENT_FIELDS]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "description_zh": forms.Textarea(attrs={"rows": 3}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
            "description_ja": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, clusters: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["clusters"].queryset = clusters  # type: ignore[attr-defined]
        if self.instance.pk:
            self.fields["clusters"].initial = list(self.instance.clusters.all())

    def _post_clean(self) -> None:
        # The service validates the model (once, with every rule); the form only parses.
        pass

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["cluster_ids"] = [c.pk for c in data.pop("clusters")]
        return data


class UnitForm(forms.Form):
    part = forms.ChoiceField(label=_("Part"), choices=EventUnit.Part.choices)
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    name_ja = forms.CharField(label=_("Name (Japanese)"), max_length=200, required=False)


class SessionForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EventSession.Kind.choices)
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    title_ja = forms.CharField(label=_("Title (Japanese)"), max_length=200, required=False)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DateTimeInput())
    place_zh = forms.CharField(label=_("Place (Chinese)"), max_length=200, required=False)
    place_en = forms.CharField(label=_("Place (English)"), max_length=200, required=False)
    place_ja = forms.CharField(label=_("Place (Japanese)"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SlotsForm(ServiceErrorsMixin, forms.Form):
    starts_at = forms.DateTimeField(
        label=_("First slot starts at"),
        widget=DateTimeInput(),
        help_text=_("Slots follow one another from this time."),
    )
    minutes = forms.IntegerField(label=_("Minutes per slot"), initial=20, min_value=1)
    count = forms.IntegerField(label=_("Number of slots"), initial=6, min_value=1)
    break_minutes = forms.IntegerField(
        label=_("Break between slots (minutes)"), initial=5, min_value=0
    )
    session = forms.ModelChoiceField(
        queryset=EventSession.objects.none(),
        required=False,
        label=_("Matchmaking session"),
    )

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = event.sessions.all()  # type: ignore[attr-defined]


def slot_choices(event: Event) -> list[tuple[int, str]]:
    return [(s.pk, str(s)) for s in event.slots.all()]


class RepresentativeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    title = forms.CharField(label=_("Job title"), max_length=100, required=False)
    role = forms.ChoiceField(label=_("Role at the event"), choices=Participant.Role.choices)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    max_meetings = forms.IntegerField(label=_("Maximum meetings"), min_value=0, max_value=200)
    available_slots = forms.TypedMultipleChoiceField(
        label=_("Available slots"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = slot_choices(event)
        self.fields["available_slots"].choices = choices  # type: ignore[attr-defined]
        self.fields["available_slots"].initial = [c[0] for c in choices]
        self.fields["max_meetings"].initial = event.default_max_meetings


class RegistrationForm(ServiceErrorsMixin, forms.Form):
    enterprise = forms.TypedChoiceField(label=_("Firm"), coerce=int)
    note = forms.CharField(
        label=_("What you seek or offer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, firms: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].choices = firms  # type: ignore[attr-defined]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("validate", "validate"), ("reject", "reject")])
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)


class RequestForm(forms.Form):
    to_participant = forms.IntegerField()
    preference = forms.ChoiceField(
        choices=[*MeetingRequest.Preference.choices, ("clear", _("Withdraw"))]
    )


class RunForm(ServiceErrorsMixin, forms.Form):
    mode = forms.ChoiceField(label=_("What to schedule"), choices=ScheduleRun.Mode.choices)
    time_limit_s = forms.IntegerField(
        label=_("Time limit (seconds)"), initial=20, min_value=1, max_value=600
    )


class MeetingChangeForm(ServiceErrorsMixin, forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("move", _("Move")),
            ("confirmed", _("Confirm")),
            ("cancelled", _("Cancel")),
            ("no_show", _("No-show")),
            ("scheduled", _("Reinstate")),
        ]
    )
    version = forms.IntegerField(min_value=0)
    slot = forms.TypedChoiceField(label=_("Slot"), coerce=int, required=False)
    table = forms.IntegerField(label=_("Table"), required=False, min_value=1)

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = [("", "—"), *slot_choices(event)]  # type: ignore[attr-defined]


class WalkInForm(ServiceErrorsMixin, forms.Form):
    participant_a = forms.TypedChoiceField(label=_("First participant"), coerce=int)
    participant_b = forms.TypedChoiceField(label=_("Second participant"), coerce=int)
    slot = forms.TypedChoiceField(label=_("Slot"), coerce=int)
    table = forms.IntegerField(
        label=_("Table"), required=False, min_value=1, help_text=_("Empty: the first free table.")
    )

    def __init__(self, *args: Any, event: Event, people: list[Participant], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [
            *BLANK_CHOICE_DASH,
            *((p.pk, f"{p.name} · {p.registration.enterprise.display_name}") for p in people),
        ]
        self.fields["participant_a"].choices = choices  # type: ignore[attr-defined]
        self.fields["participant_b"].choices = choices  # type: ignore[attr-defined]
        self.fields["slot"].choices = slot_choices(event)  # type: ignore[attr-defined]


class OutcomeForm(ServiceErrorsMixin, forms.Form):
    interest_level = forms.ChoiceField(label=_("Interest level"), choices=Meeting.Interest.choices)
    next_step = forms.ChoiceField(label=_("Next step"), choices=Meeting.NextStep.choices)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Check-in code"),
        required=False,
        max_length=200,
        help_text=_("Scan the QR code on the agenda (the scanner types it here) or search below."),
    )
    participant = forms.IntegerField(required=False, widget=forms.HiddenInput)
