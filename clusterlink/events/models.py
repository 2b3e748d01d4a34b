"""Docking events: units, agenda, registration, meeting requests, slots and 1:1 meetings.

An event brings firms of one or more clusters together (a provincial "hand in hand" docking
day, a five-day cluster promotion). Firms register representatives (participants); they mark
each other must-meet / meet / no-thanks; the scheduler assigns meetings to slots and tables.
"""

from __future__ import annotations

import secrets

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clusterlink.common.models import (
    TimeStampedModel,
    TranslatedNameMixin,
    check_ordered,
    in_active_language,
)


def new_qr_token() -> str:
    """An unguessable token printed as the participant's check-in QR code."""
    return secrets.token_urlsafe(18)


class Event(TranslatedNameMixin, TimeStampedModel):
    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        CLUSTERS = "clusters", _("Members of its clusters")
        PRIVATE = "private", _("Registered firms only")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REGISTRATION_OPEN = "registration_open", _("Registration open")
        REGISTRATION_CLOSED = "registration_closed", _("Registration closed")
        FINISHED = "finished", _("Finished")
        CANCELLED = "cancelled", _("Cancelled")

    slug = models.SlugField(
        _("slug"), max_length=80, unique=True, help_text=_("Short name used in addresses.")
    )
    theme_zh = models.CharField(
        _("theme (Chinese)"), max_length=300, blank=True, help_text=_("Theme of the event.")
    )
    theme_en = models.CharField(
        _("theme (English)"), max_length=300, blank=True, help_text=_("Theme in English.")
    )
    theme_ja = models.CharField(
        _("theme (Japanese)"), max_length=300, blank=True, help_text=_("Theme in Japanese.")
    )
    description_zh = models.TextField(
        _("description (Chinese)"), blank=True, help_text=_("Public description in Chinese.")
    )
    description_en = models.TextField(
        _("description (English)"), blank=True, help_text=_("Public description in English.")
    )
    description_ja = models.TextField(
        _("description (Japanese)"), blank=True, help_text=_("Public description in Japanese.")
    )
    starts_on = models.DateField(_("first day"), help_text=_("First day of the event."))
    ends_on = models.DateField(_("last day"), help_text=_("Last day of the event (inclusive)."))
    venue_zh = models.CharField(
        _("venue (Chinese)"), max_length=300, help_text=_("Place and address in Chinese.")
    )
    venue_en = models.CharField(
        _("venue (English)"), max_length=300, blank=True, help_text=_("Venue in English.")
    )
    venue_ja = models.CharField(
        _("venue (Japanese)"), max_length=300, blank=True, help_text=_("Venue in Japanese.")
    )
    clusters = models.ManyToManyField(
        "directory.Cluster",
        related_name="events",
        verbose_name=_("clusters"),
        help_text=_("Clusters taking part; their operators run the event."),
    )
    visibility = models.CharField(
        _("visibility"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
        help_text=_("Who may see the event page."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text=_("Where the event stands; drafts are seen by operators only."),
    )
    meeting_tables = models.PositiveSmallIntegerField(
        _("meeting tables"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(2000)],
        help_text=_("Tables available for 1:1 meetings in each slot."),
    )
    default_max_meetings = models.PositiveSmallIntegerField(
        _("meetings per participant"),
        default=8,
        validators=[MaxValueValidator(200)],
        help_text=_("Default cap of meetings per participant."),
    )
    max_requests = models.PositiveSmallIntegerField(
        _("requests per participant"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
        help_text=_("Most must-meet and meet requests one participant may have open."),
    )
    request_valid_days = models.PositiveSmallIntegerField(
        _("request validity (days)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Days a request counts before it expires unless renewed."),
    )
    schedule_version = models.PositiveIntegerField(
        _("schedule version"),
        default=0,
        help_text=_("Raised on every schedule change; edits based on an older version conflict."),
    )
    created_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
        help_text=_("Operator who created the event."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on", "slug"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="event_dates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(meeting_tables__gte=1), name="event_tables_positive"
            ),
            models.CheckConstraint(
                condition=Q(max_requests__gte=1), name="event_requests_positive"
            ),
        ]

    def clean(self) -> None:
        check_ordered(
            self.starts_on,
            self.ends_on,
            field="ends_on",
            message=_("The last day cannot be before the first."),
        )

    @property
    def theme(self) -> str:
        return in_active_language(self.theme_zh, self.theme_en, self.theme_ja)

    @property
    def description(self) -> str:
        return in_active_language(self.description_zh, self.description_en, self.description_ja)

    @property
    def venue(self) -> str:
        return in_active_language(self.venue_zh, self.venue_en, self.venue_ja)


class EventUnit(TranslatedNameMixin, models.Model):
    """A body named on the event's billing: guiding, hosting, organising or co-organising."""

    class Part(models.TextChoices):
        GUIDING = "guiding", _("Guiding unit")
        HOSTING = "hosting", _("Hosting unit")
        ORGANISING = "organising", _("Organising unit")
        CO_ORGANISING = "co_organising", _("Co-organising unit")

    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        related_name="units",
        verbose_name=_("event"),
        help_text=_("The event."),
    )
    part = models.CharField(
        _("part"), max_length=20, choices=Part.choices, help_text=_("Part the unit plays.")
    )
    enterprise = models.ForeignKey(
        "directory.Enterprise",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_units",
        verbose_name=_("enterprise"),
        help_text=_("The unit's entry in the directory, if it has one."),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Order within its part.")
    )

    class Meta:
        ordering = ["event_id", "part", "position", "id"]
        verbose_name = _("event unit")
        verbose_name_plural = _("event units")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "part", "name_zh"], name="event_unit_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class EventSession(models.Model):
    """An item of the agenda. Sessions of one event never overlap (checked by the services)."""

    class Kind(models.TextChoices):
        OPENING = "opening", _("Opening ceremony")
        SPEECH = "speech", _("Speech")
        MATCHMAKING = "matchmaking", _("Matchmaking round")
        TECHNOLOGY_SHOWCASE = "technology_showcase", _("Technology showcase")
        SIGNING_CEREMONY = "signing_ceremony", _("Signing ceremony")
        EXHIBITION = "exhibition", _("Exhibition")
        OTHER = "other", _("Other")

    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        related_name="sessions",
        verbose_name=_("event"),
        help_text=_("The event."),
    )
    kind = models.CharField(
        _("kind"), max_length=30, choices=Kind.choices, help_text=_("What happens in the session.")
    )
    title_zh = models.CharField(
        _("title (Chinese)"), max_length=200, help_text=_("Title in Simplified Chinese.")
    )
    title_en = models.CharField(
        _("title (English)"), max_length=200, blank=True, help_text=_("Title in English.")
    )
    title_ja = models.CharField(
        _("title (Japanese)"), max_length=200, blank=True, help_text=_("Title in Japanese.")
    )
    description = models.TextField(
        _("description"), blank=True, help_text=_("Speakers, programme, notes.")
    )
    starts_at = models.DateTimeField(_("starts at"), help_text=_("Start time."))
    ends_at = models.DateTimeField(_("ends at"), help_text=_("End time."))
    place_zh = models.CharField(
        _("place (Chinese)"),
        max_length=200,
        blank=True,
        help_text=_("Hall or room within the venue, in Simplified Chinese."),
    )
    place_en = models.CharField(
        _("place (English)"),
        max_length=200,
        blank=True,
        help_text=_("Hall or room within the venue, in English."),
    )
    place_ja = models.CharField(
        _("place (Japanese)"),
        max_length=200,
        blank=True,
        help_text=_("Hall or room within the venue, in Japanese."),
    )

    class Meta:
        ordering = ["event_id", "starts_at", "id"]
        verbose_name = _("agenda session")
        verbose_name_plural = _("agenda sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="event_session_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        check_ordered(
            self.starts_at,
            self.ends_at,
            field="ends_at",
            message=_("The end must be after the start."),
            strict=True,
        )

    @property
    def title(self) -> str:
        return in_active_language(self.title_zh, self.title_en, self.title_ja)

    @property
    def place(self) -> str:
        return in_active_language(self.place_zh, self.place_en, self.place_ja)


class Slot(models.Model):
    """A time slot of 1:1 meetings; every table may hold one meeting per slot."""

    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        related_name="slots",
        verbose_name=_("event"),
        help_text=_("The event."),
    )
    session = models.ForeignKey(
        EventSession,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="slots",
        verbose_name=_("session"),
        help_text=_("Matchmaking session the slot belongs to, if any."),
    )
    starts_at = models.DateTimeField(_("starts at"), help_text=_("Start of the slot."))
    ends_at = models.DateTimeField(_("ends at"), help_text=_("End of the slot."))

    class Meta:
        ordering = ["event_id", "starts_at", "id"]
        verbose_name = _("meeting slot")
        verbose_name_plural = _("meeting slots")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="event_slot_ends_after_start"
            ),
            models.UniqueConstraint(fields=["event", "starts_at"], name="event_slot_unique_start"),
        ]

    def __str__(self) -> str:
        # Stored in UTC; people read the event's local time (forms list slots by this text).
        start, end = timezone.localtime(self.starts_at), timezone.localtime(self.ends_at)
        return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"


class Registration(TimeStampedModel):
    """A firm's registration for an event; operators of the event's clusters validate it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        VALIDATED = "validated", _("Validated")
        REJECTED = "rejected", _("Rejected")

    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("event"),
        help_text=_("The event."),
    )
    enterprise = models.ForeignKey(
        "directory.Enterprise",
        on_delete=models.PROTECT,
        related_name="event_registrations",
        verbose_name=_("enterprise"),
        help_text=_("The registered firm."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.PENDING,
        help_text=_("Only validated firms take part in requests and the schedule."),
    )
    registered_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
        help_text=_("Person who registered the firm."),
    )
    validated_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
        help_text=_("Operator who validated or rejected the registration."),
    )
    decided_at = models.DateTimeField(
        _("decided at"), null=True, blank=True, help_text=_("When it was validated or rejected.")
    )
    note = models.TextField(
        _("note"), blank=True, help_text=_("What the firm seeks or offers at the event.")
    )
    rejection_reason = models.CharField(
        _("reason for rejection"),
        max_length=300,
        blank=True,
        help_text=_("Shown to the firm when rejected."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["event_id", "id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "enterprise"], name="event_registration_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} @ {self.event}"


class Participant(TimeStampedModel):
    """A representative of a registered firm."""

    class Role(models.TextChoices):
        BUYER = "buyer", _("Buyer")
        SUPPLIER = "supplier", _("Supplier")
        INSTITUTE = "institute", _("Research institute")
        SERVICE_PROVIDER = "service_provider", _("Service provider")
        EXHIBITOR = "exhibitor", _("Exhibitor")
        VISITOR = "visitor", _("Visitor")

    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="participants",
        verbose_name=_("registration"),
        help_text=_("The firm's registration."),
    )
    user = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_participations",
        verbose_name=_("user"),
        help_text=_("Platform account of the representative, if any."),
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("Full name."))
    title = models.CharField(
        _("job title"), max_length=100, blank=True, help_text=_("Position in the firm.")
    )
    email = models.EmailField(_("e-mail"), blank=True, help_text=_("Private: for agenda changes."))
    phone = models.CharField(
        _("phone"), max_length=30, blank=True, help_text=_("Private: mobile number.")
    )
    role = models.CharField(
        _("role at the event"),
        max_length=20,
        choices=Role.choices,
        help_text=_("What the representative comes for."),
    )
    available_slots = models.ManyToManyField(
        Slot,
        blank=True,
        related_name="available_participants",
        verbose_name=_("available slots"),
        help_text=_("Slots at which the representative can meet."),
    )
    max_meetings = models.PositiveSmallIntegerField(
        _("maximum meetings"),
        default=8,
        validators=[MaxValueValidator(200)],
        help_text=_("Most 1:1 meetings the representative accepts (0: none)."),
    )
    checked_in_at = models.DateTimeField(
        _("checked in at"), null=True, blank=True, help_text=_("When the desk checked them in.")
    )
    checked_in_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked in by"),
        help_text=_("Desk operator who checked them in."),
    )
    qr_token = models.CharField(
        _("check-in code"),
        max_length=40,
        unique=True,
        default=new_qr_token,
        editable=False,
        help_text=_("Secret printed as the QR code of the agenda."),
    )

    class Meta:
        ordering = ["registration_id", "id"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "user"],
                condition=Q(user__isnull=False),
                name="event_participant_user_once_per_firm",
            )
        ]

    def __str__(self) -> str:
        return self.name


class MeetingRequest(TimeStampedModel):
    """One direction of interest: `from_participant` marks `to_participant`."""

    class Preference(models.TextChoices):
        MUST = "must", _("Must meet")
        MEET = "meet", _("Would like to meet")
        NO = "no", _("No thanks")

    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        related_name="meeting_requests",
        verbose_name=_("event"),
        help_text=_("The event."),
    )
    from_participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="requests_sent",
        verbose_name=_("from"),
        help_text=_("Who asks."),
    )
    to_participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="requests_received",
        verbose_name=_("to"),
        help_text=_("Whom they ask to meet."),
    )
    preference = models.CharField(
        _("preference"),
        max_length=4,
        choices=Preference.choices,
        help_text=_("Must meet counts 3, meet 1; no thanks vetoes the pair."),
    )
    message = models.CharField(
        _("message"), max_length=500, blank=True, help_text=_("Why they want to meet.")
    )
    expires_at = models.DateTimeField(
        _("expires at"),
        help_text=_("After this the request no longer counts; a veto never expires."),
    )

    class Meta:
        ordering = ["event_id", "from_participant_id", "id"]
        verbose_name = _("meeting request")
        verbose_name_plural = _("meeting requests")
        constraints = [
            models.UniqueConstraint(
                fields=["from_participant", "to_participant"],
                name="event_request_one_per_direction",
            ),
            models.CheckConstraint(
                condition=~Q(from_participant=F("to_participant")), name="event_request_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_participant_id} → {self.to_participant_id} ({self.preference})"


class ScheduleRun(TimeStampedModel):
    """One run of the scheduler for an event, queued as a background task."""

    class Mode(models.TextChoices):
        FULL = "full", _("Whole schedule")
        UNBOOKED = "unbooked", _("Unbooked slots only (confirmed meetings kept)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    # Statuses of a run that is not over; at most one per event, and a worker that died leaves
    # one behind until it is reaped (see scheduling.schedule_runs_reap).
    UNDER_WAY = (Status.QUEUED, Status.RUNNING)

    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        related_name="schedule_runs",
        verbose_name=_("event"),
        help_text=_("The event."),
    )
    requested_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
        help_text=_("Operator who started the run."),
    )
    mode = models.CharField(
        _("mode"), max_length=10, choices=Mode.choices, help_text=_("What the run may change.")
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.QUEUED,
        help_text=_("Where the run stands."),
    )
    time_limit_s = models.PositiveIntegerField(
        _("time limit (s)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
        help_text=_("Seconds the solver may search."),
    )
    base_version = models.PositiveIntegerField(
        _("based on version"),
        help_text=_("Schedule version the run started from; a newer edit makes it conflict."),
    )
    solve_status = models.CharField(
        _("solver status"), max_length=20, blank=True, help_text=_("Status the solver reported.")
    )
    objective = models.PositiveIntegerField(
        _("objective"), null=True, blank=True, help_text=_("Total weight of the schedule.")
    )
    upper_bound = models.PositiveIntegerField(
        _("upper bound"),
        null=True,
        blank=True,
        help_text=_("Proven bound on the weight of any schedule."),
    )
    seconds = models.FloatField(
        _("seconds"), null=True, blank=True, help_text=_("Time the solver took.")
    )
    meetings_written = models.PositiveIntegerField(
        _("meetings written"), default=0, help_text=_("Meetings the run created.")
    )
    error = models.TextField(_("error"), blank=True, help_text=_("Why the run failed."))
    started_at = models.DateTimeField(
        _("started at"),
        null=True,
        blank=True,
        help_text=_("When a worker took the run; a stale run is reaped from then."),
    )
    finished_at = models.DateTimeField(
        _("finished at"), null=True, blank=True, help_text=_("When the run ended.")
    )
    cancelled_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cancelled by"),
        help_text=_("Operator who cancelled the run."),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("schedule run")
        verbose_name_plural = _("schedule runs")
        constraints = [
            # One run under way per event: two would write over each other's meetings.
            models.UniqueConstraint(
                fields=["event"],
                condition=Q(status__in=["queued", "running"]),
                name="event_one_schedule_run_under_way",
            )
        ]

    @property
    def ratio(self) -> float | None:
        if self.objective is None or self.upper_bound is None:
            return None
        return self.objective / self.upper_bound if self.upper_bound else 1.0

    @property
    def ratio_percent(self) -> str:
        """The share of the bound reached, e.g. '99.7' (one decimal, never rounded up to 100)."""
        ratio = self.ratio
        if ratio is None:
            return "—"
        tenths = int(ratio * 1000) // 1
        return f"{tenths // 10}.{tenths % 10}"

    def __str__(self) -> str:
        created = timezone.localtime(self.created_at)
        return f"{self.event} · {self.get_mode_display()} · {created:%Y-%m-%d %H:%M}"


class Meeting(TimeStampedModel):
    """A 1:1 meeting of two participants at a slot and table."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CONFIRMED = "confirmed", _("Confirmed")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")
        NO_SHOW = "no_show", _("No-show")

    class Source(models.TextChoices):
        SCHEDULED = "scheduled", _("Optimised schedule")
        WALK_IN = "walk_in", _("Walk-in")

    class Interest(models.TextChoices):
        NONE = "none", _("No interest")
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    class NextStep(models.TextChoices):
        NONE = "none", _("None")
        SAMPLES = "samples", _("Send samples")
        QUOTE = "quote", _("Send a quote")
        FACTORY_VISIT = "factory_visit", _("Factory visit")
        INTENTION = "intention", _("Sign a cooperation intention")
        CONTRACT = "contract", _("Sign a contract")

    ACTIVE_STATUSES = (Status.SCHEDULED, Status.CONFIRMED, Status.HELD)

    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        related_name="meetings",
        verbose_name=_("event"),
        help_text=_("The event."),
    )
    participant_a = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        related_name="meetings_as_a",
        verbose_name=_("participant A"),
        help_text=_("One side of the meeting."),
    )
    participant_b = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        related_name="meetings_as_b",
        verbose_name=_("participant B"),
        help_text=_("The other side."),
    )
    slot = models.ForeignKey(
        Slot,
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("slot"),
        help_text=_("When the meeting takes place."),
    )
    table = models.PositiveSmallIntegerField(
        _("table"), validators=[MinValueValidator(1)], help_text=_("Table number, from 1.")
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.SCHEDULED,
        help_text=_("Where the meeting stands."),
    )
    source = models.CharField(
        _("source"),
        max_length=10,
        choices=Source.choices,
        default=Source.SCHEDULED,
        help_text=_("How the meeting was arranged."),
    )
    schedule_run = models.ForeignKey(
        ScheduleRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("schedule run"),
        help_text=_("Run that placed the meeting."),
    )
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=0, help_text=_("Sum of both sides' preferences (must 3, meet 1).")
    )
    interest_level = models.CharField(
        _("interest level"),
        max_length=10,
        choices=Interest.choices,
        blank=True,
        help_text=_("How interested the sides were after the meeting."),
    )
    next_step = models.CharField(
        _("next step"),
        max_length=20,
        choices=NextStep.choices,
        blank=True,
        help_text=_("What was agreed to do next."),
    )
    notes = models.TextField(_("notes"), blank=True, help_text=_("Private: meeting notes."))
    version = models.PositiveIntegerField(
        _("version"), default=0, help_text=_("Raised on every change, for conflict checks.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["event_id", "slot__starts_at", "table", "id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=~Q(participant_a=F("participant_b")), name="event_meeting_two_people"
            ),
            models.UniqueConstraint(
                fields=["slot", "table"],
                condition=Q(status__in=["scheduled", "confirmed", "held"]),
                name="event_meeting_table_once_per_slot",
            ),
            models.UniqueConstraint(
                fields=["slot", "participant_a"],
                condition=Q(status__in=["scheduled", "confirmed", "held"]),
                name="event_meeting_a_once_per_slot",
            ),
            models.UniqueConstraint(
                fields=["slot", "participant_b"],
                condition=Q(status__in=["scheduled", "confirmed", "held"]),
                name="event_meeting_b_once_per_slot",
            ),
            models.CheckConstraint(condition=Q(table__gte=1), name="event_meeting_table_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.participant_a} – {self.participant_b}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES
