"""Agreements: a cooperation intention followed to a signed, produced and delivered contract."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clusterlink.common.models import TimeStampedModel
from clusterlink.directory.models import Enterprise
from clusterlink.directory.validators import validate_rmb


class AgreementType(models.TextChoices):
    PROCESSING_ORDER = "processing_order", _("Processing (OEM) order")
    ORDER_PURCHASING = "order_purchasing", _("Order purchasing")
    BRAND_OEM = "brand_oem", _("Brand OEM / licensing")
    INDUSTRIAL_INVESTMENT = "industrial_investment", _("Industrial investment")
    ECOMMERCE_COOPERATION = "ecommerce_cooperation", _("E-commerce platform cooperation")
    TECHNOLOGY_TRANSFER = "technology_transfer", _("Technology transfer")
    MATERIAL_PROCUREMENT = "material_procurement", _("Material procurement")


class AgreementStatus(models.TextChoices):
    INTENTION = "intention", _("Cooperation intention")
    SIGNED = "signed", _("Signed")
    IN_PRODUCTION = "in_production", _("In production")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


# The pipeline: each status and the statuses it may move to. Delivered and cancelled are final.
NEXT_STATUSES: dict[str, frozenset[str]] = {
    AgreementStatus.INTENTION: frozenset({AgreementStatus.SIGNED, AgreementStatus.CANCELLED}),
    AgreementStatus.SIGNED: frozenset({AgreementStatus.IN_PRODUCTION, AgreementStatus.CANCELLED}),
    AgreementStatus.IN_PRODUCTION: frozenset(
        {AgreementStatus.DELIVERED, AgreementStatus.CANCELLED}
    ),
    AgreementStatus.DELIVERED: frozenset(),
    AgreementStatus.CANCELLED: frozenset(),
}

# Moves both parties confirm: one party's mark leaves the agreement where it is, awaiting the
# other party (Agreement.awaiting_status); the status changes with the second confirmation.
CONFIRMED_STATUSES = frozenset({AgreementStatus.SIGNED, AgreementStatus.DELIVERED})


class Party(models.TextChoices):
    BUYER = "buyer", _("Buyer")
    SUPPLIER = "supplier", _("Supplier")


# Statuses that count as an outcome of an event (an intention or better, not cancelled).
REPORTED_STATUSES = frozenset(
    {
        AgreementStatus.INTENTION,
        AgreementStatus.SIGNED,
        AgreementStatus.IN_PRODUCTION,
        AgreementStatus.DELIVERED,
    }
)


class Agreement(TimeStampedModel):
    agreement_type = models.CharField(
        _("type"),
        max_length=30,
        choices=AgreementType.choices,
        help_text=_("What kind of cooperation was agreed."),
    )
    title = models.CharField(
        _("title"),
        max_length=200,
        blank=True,
        help_text=_("Short description shown in lists and in the running order."),
    )
    buyer = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        related_name="agreements_as_buyer",
        verbose_name=_("buyer"),
        help_text=_("Party that orders, buys, invests or licenses (e.g. the brand)."),
    )
    supplier = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        related_name="agreements_as_supplier",
        verbose_name=_("supplier"),
        help_text=_("Party that makes, supplies or receives (e.g. the factory)."),
    )
    pairs = models.PositiveIntegerField(
        _("pairs"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Private to the parties: quantity in pairs, if any."),
    )
    amount_rmb = models.DecimalField(
        _("amount (RMB)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[validate_rmb],
        help_text=_("Private to the parties: value in RMB, if any."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AgreementStatus.choices,
        default=AgreementStatus.INTENTION,
        help_text=_("Where the agreement stands in the pipeline."),
    )
    demand = models.ForeignKey(
        "market.Demand",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("demand"),
        help_text=_("The demand the agreement answers, if any."),
    )
    event = models.ForeignKey(
        "events.Event",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("event"),
        help_text=_("The docking event where the agreement was reached, if any."),
    )
    meeting = models.ForeignKey(
        "events.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("meeting"),
        help_text=_("The 1:1 meeting the agreement came from, if any."),
    )
    ceremony_session = models.ForeignKey(
        "events.EventSession",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ceremony_agreements",
        verbose_name=_("signing ceremony"),
        help_text=_("The signing-ceremony session where it is signed on stage, if any."),
    )
    ceremony_position = models.PositiveSmallIntegerField(
        _("position in the running order"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("1 for the first signing on stage; set with the ceremony session."),
    )
    signed_on = models.DateField(
        _("signed on"),
        null=True,
        blank=True,
        help_text=_("Day the contract was signed."),
    )
    signed_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked signed by"),
        help_text=_(
            "Person whose confirmation completed the signature; every party's confirmation "
            "is kept as an agreement confirmation."
        ),
    )
    awaiting_status = models.CharField(
        _("awaiting confirmation of"),
        max_length=20,
        blank=True,
        choices=[(s.value, s.label) for s in AgreementStatus if s in CONFIRMED_STATUSES],
        help_text=_(
            "A move one party marked (signed or delivered) that awaits the other party's "
            "confirmation; empty when nothing awaits."
        ),
    )
    awaiting_party = models.CharField(
        _("awaiting the confirmation of"),
        max_length=10,
        blank=True,
        choices=Party.choices,
        help_text=_("The party whose confirmation the awaited move needs; empty with it."),
    )
    note = models.TextField(_("note"), blank=True, help_text=_("Free remarks on the agreement."))
    created_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
        help_text=_("Person who recorded the agreement."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.CheckConstraint(
                condition=Q(pairs__isnull=True) | Q(pairs__gt=0),
                name="agreement_pairs_positive",
            ),
            models.CheckConstraint(
                condition=Q(amount_rmb__isnull=True) | Q(amount_rmb__gte=0),
                name="agreement_amount_non_negative",
            ),
            models.CheckConstraint(
                condition=~Q(buyer=F("supplier")),
                name="agreement_parties_differ",
                violation_error_message=_("The buyer and the supplier must be different firms."),
            ),
            models.CheckConstraint(
                condition=Q(ceremony_session__isnull=True, ceremony_position__isnull=True)
                | Q(ceremony_session__isnull=False, ceremony_position__gte=1),
                name="agreement_ceremony_position_with_session",
            ),
            models.UniqueConstraint(
                fields=["ceremony_session", "ceremony_position"],
                name="agreement_ceremony_position_unique",
            ),
            models.CheckConstraint(
                condition=Q(awaiting_status="", awaiting_party="")
                | (
                    Q(awaiting_status__in=sorted(CONFIRMED_STATUSES))
                    & Q(awaiting_party__in=Party.values)
                ),
                name="agreement_awaiting_status_with_party",
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.get_agreement_type_display()} #{self.pk}"

    def party_firm_id(self, party: str) -> int:
        return self.buyer_id if party == Party.BUYER else self.supplier_id


class AgreementConfirmation(TimeStampedModel):
    """One party's confirmation of a move both parties confirm (signed, delivered): who confirmed,
    for which party, when. Append-only; the agreement's status changes when both parties have
    confirmed the same move. A confirmation made by an operator at a signing ceremony
    (`at_ceremony`) stands for both parties, each with its own row."""

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.PROTECT,
        related_name="confirmations",
        verbose_name=_("agreement"),
        help_text=_("The agreement confirmed."),
    )
    to_status = models.CharField(
        _("confirmed status"),
        max_length=20,
        choices=[(s.value, s.label) for s in AgreementStatus if s in CONFIRMED_STATUSES],
        help_text=_("The move confirmed: signed or delivered."),
    )
    party = models.CharField(
        _("party"),
        max_length=10,
        choices=Party.choices,
        help_text=_("The party that confirmed."),
    )
    confirmed_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
        help_text=_("Person who confirmed for the party (empty for system work)."),
    )
    at_ceremony = models.BooleanField(
        _("at the signing ceremony"),
        default=False,
        help_text=_("Confirmed by the event's operator for the parties signing on stage."),
    )
    signed_on = models.DateField(
        _("signed on"),
        null=True,
        blank=True,
        help_text=_("With a signature: the day the party says the contract was signed."),
    )
    note = models.CharField(
        _("note"), max_length=100, blank=True, help_text=_("Remark given with the confirmation.")
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("agreement confirmation")
        verbose_name_plural = _("agreement confirmations")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "to_status", "party"],
                name="agreement_confirmation_once_per_party",
            ),
            models.CheckConstraint(
                condition=Q(to_status__in=sorted(CONFIRMED_STATUSES)),
                name="agreement_confirmation_status_confirmed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement_id} {self.to_status} {self.party}"
