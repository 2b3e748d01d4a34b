"""Demands (what brands and buyers need) and offers (capacity, materials, technology)."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clusterlink.common.models import TimeStampedModel, check_ordered
from clusterlink.directory.models import Category, Certification, Enterprise, Process
from clusterlink.directory.validators import (
    validate_monday,
    validate_pairs_maximum,
    validate_rmb,
)


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    CLUSTER = "cluster", _("Members of my cluster")
    PRIVATE = "private", _("Private (shared firms only)")


class DemandType(models.TextChoices):
    PROCESSING_ORDER = "processing_order", _("Processing (OEM) order")
    ORDER_PURCHASING = "order_purchasing", _("Order purchasing")
    MATERIAL_PURCHASE = "material_purchase", _("Material purchase")
    BRAND_OEM = "brand_oem", _("Brand OEM / licensing")
    INDUSTRIAL_INVESTMENT = "industrial_investment", _("Industrial investment")
    ECOMMERCE_COOPERATION = "ecommerce_cooperation", _("E-commerce cooperation")
    TECHNOLOGY_NEED = "technology_need", _("Technology need")


# Demand types that are about making pairs: they need a category and a quantity.
PAIRS_DEMAND_TYPES = frozenset(
    {DemandType.PROCESSING_ORDER, DemandType.ORDER_PURCHASING, DemandType.BRAND_OEM}
)


class Demand(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        MATCHED = "matched", _("Matched")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    owner = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        related_name="demands",
        verbose_name=_("owner"),
        help_text=_("Firm that posted the demand."),
    )
    created_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
        help_text=_("Person who posted it."),
    )
    demand_type = models.CharField(
        _("type"),
        max_length=30,
        choices=DemandType.choices,
        help_text=_("What kind of cooperation is sought."),
    )
    title = models.CharField(
        _("title"), max_length=200, help_text=_("Short description shown in lists.")
    )
    description = models.TextField(
        _("description"), blank=True, help_text=_("Details, specifications, conditions.")
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="demands",
        verbose_name=_("category"),
        help_text=_("Product category; required for order types."),
    )
    pairs = models.PositiveIntegerField(
        _("pairs"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), validate_pairs_maximum],
        help_text=_("Quantity in pairs; required for order types."),
    )
    target_unit_price_rmb = models.DecimalField(
        _("target unit price (RMB)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[validate_rmb],
        help_text=_("Private: target price per pair."),
    )
    delivery_week = models.DateField(
        _("delivery week"),
        null=True,
        blank=True,
        validators=[validate_monday],
        help_text=_("Monday of the week the goods are due."),
    )
    min_lot_pairs = models.PositiveIntegerField(
        _("minimum lot per factory"),
        default=0,
        validators=[validate_pairs_maximum],
        help_text=_("Smallest quantity one factory may take."),
    )
    split_allowed = models.BooleanField(
        _("may be split"),
        default=True,
        help_text=_("Whether several factories may share the order."),
    )
    max_factories = models.PositiveSmallIntegerField(
        _("maximum factories"),
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_("Most factories the order may be split over."),
    )
    required_processes = models.ManyToManyField(
        Process,
        blank=True,
        related_name="demands",
        verbose_name=_("required processes"),
        help_text=_("Processes every factory must have."),
    )
    required_certifications = models.ManyToManyField(
        Certification,
        blank=True,
        related_name="demands",
        verbose_name=_("required certifications"),
        help_text=_("Certifications every factory must hold."),
    )
    visibility = models.CharField(
        _("visibility"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
        help_text=_("Who may see the demand."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.OPEN,
        help_text=_("Where the demand stands."),
    )
    shared_with = models.ManyToManyField(
        Enterprise,
        through="DemandShare",
        blank=True,
        related_name="demands_shared",
        verbose_name=_("shared with"),
        help_text=_("Firms that may see a private demand."),
    )

    history = HistoricalRecords(m2m_fields=[required_processes, required_certifications])

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("demand")
        verbose_name_plural = _("demands")
        constraints = [
            models.CheckConstraint(
                condition=Q(pairs__isnull=True) | Q(pairs__gte=1), name="demand_pairs_positive"
            ),
            models.CheckConstraint(
                condition=Q(target_unit_price_rmb__isnull=True) | Q(target_unit_price_rmb__gte=0),
                name="demand_price_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(max_factories__gte=1), name="demand_max_factories_positive"
            ),
            models.CheckConstraint(
                condition=Q(split_allowed=True) | Q(max_factories=1),
                name="demand_unsplit_one_factory",
            ),
            models.CheckConstraint(
                condition=Q(pairs__isnull=True) | Q(min_lot_pairs__lte=models.F("pairs")),
                name="demand_min_lot_within_pairs",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        check_ordered(
            self.min_lot_pairs,
            self.pairs,
            field="min_lot_pairs",
            message=_("The minimum lot cannot exceed the order's pairs."),
        )


class DemandShare(TimeStampedModel):
    """Grants one firm sight of a demand: shared by its owner, or proposed by a match run."""

    class Reason(models.TextChoices):
        SHARED = "shared", _("Shared by the owner")
        MATCHED = "matched", _("Proposed by a match run")

    demand = models.ForeignKey(
        Demand,
        on_delete=models.CASCADE,
        related_name="shares",
        verbose_name=_("demand"),
        help_text=_("The demand."),
    )
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        related_name="demand_shares",
        verbose_name=_("enterprise"),
        help_text=_("Firm that may see it."),
    )
    reason = models.CharField(
        _("reason"),
        max_length=10,
        choices=Reason.choices,
        default=Reason.SHARED,
        help_text=_("Why the firm may see it."),
    )

    class Meta:
        verbose_name = _("demand share")
        verbose_name_plural = _("demand shares")
        constraints = [
            models.UniqueConstraint(fields=["demand", "enterprise"], name="demand_share_unique")
        ]


class Offer(TimeStampedModel):
    class OfferType(models.TextChoices):
        CAPACITY = "capacity", _("Capacity")
        MATERIAL = "material", _("Material")
        TECHNOLOGY = "technology", _("Technology")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    owner = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        related_name="offers",
        verbose_name=_("owner"),
        help_text=_("Firm that makes the offer."),
    )
    created_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
        help_text=_("Person who posted it."),
    )
    offer_type = models.CharField(
        _("type"), max_length=20, choices=OfferType.choices, help_text=_("What is on offer.")
    )
    title = models.CharField(
        _("title"), max_length=200, help_text=_("Short description shown in lists.")
    )
    description = models.TextField(
        _("description"), blank=True, help_text=_("Details and conditions.")
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offers",
        verbose_name=_("category"),
        help_text=_("Product category, if any."),
    )
    pairs = models.PositiveIntegerField(
        _("pairs"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Quantity on offer, if any."),
    )
    unit_price_rmb = models.DecimalField(
        _("unit price (RMB)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[validate_rmb],
        help_text=_("Private: price per unit."),
    )
    available_from = models.DateField(
        _("available from"),
        null=True,
        blank=True,
        validators=[validate_monday],
        help_text=_("First week (Monday)."),
    )
    available_to = models.DateField(
        _("available to"),
        null=True,
        blank=True,
        validators=[validate_monday],
        help_text=_("Last week (Monday)."),
    )
    visibility = models.CharField(
        _("visibility"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
        help_text=_("Who may see the offer."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.OPEN,
        help_text=_("Where the offer stands."),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.CheckConstraint(
                condition=Q(available_from__isnull=True)
                | Q(available_to__isnull=True)
                | Q(available_from__lte=models.F("available_to")),
                name="offer_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(unit_price_rmb__isnull=True) | Q(unit_price_rmb__gte=0),
                name="offer_price_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        check_ordered(
            self.available_from,
            self.available_to,
            field="available_to",
            message=_("The period cannot end before it starts."),
        )


class Quote(TimeStampedModel):
    """A factory's price for a demand: asked for by the brand or offered by the factory.

    A requested quote has no price yet; a submitted one has price, weeks and conditions.
    Private: the brand, the factory, operators of their clusters and the admin see it."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    demand = models.ForeignKey(
        Demand,
        on_delete=models.CASCADE,
        related_name="quotes",
        verbose_name=_("demand"),
        help_text=_("The order the quote is for."),
    )
    factory = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        related_name="quotes",
        verbose_name=_("factory"),
        help_text=_("The firm quoting."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.REQUESTED,
        help_text=_("Where the quote stands."),
    )
    unit_price_rmb = models.DecimalField(
        _("price per pair (RMB)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[validate_rmb],
        help_text=_("Private: quoted price per pair."),
    )
    weeks = models.PositiveSmallIntegerField(
        _("weeks"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Weeks from order to delivery."),
    )
    conditions = models.TextField(
        _("conditions"), blank=True, help_text=_("Payment, materials, packing and other terms.")
    )
    requested_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
        help_text=_("Who asked for the quote (empty if the factory offered it)."),
    )
    submitted_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
        help_text=_("Who submitted the price."),
    )
    submitted_at = models.DateTimeField(
        _("submitted at"), null=True, blank=True, help_text=_("When the price was submitted.")
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["demand_id", "unit_price_rmb", "id"]
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        constraints = [
            models.UniqueConstraint(fields=["demand", "factory"], name="quote_unique_per_factory"),
            models.CheckConstraint(
                condition=~Q(status="submitted")
                | (Q(unit_price_rmb__isnull=False) & Q(weeks__isnull=False)),
                name="quote_submitted_has_price_and_weeks",
            ),
            models.CheckConstraint(
                condition=Q(unit_price_rmb__isnull=True) | Q(unit_price_rmb__gte=0),
                name="quote_price_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.demand} · {self.factory}"
