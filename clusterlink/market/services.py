"""Writes of the market: demands, their sharing, offers, quotes. The services that act for a user
check him through clusterlink.market.access before writing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from clusterlink.accounts.access import viewer_for
from clusterlink.common import clock
from clusterlink.common.errors import NotFoundError
from clusterlink.common.validation import FieldErrors, full_clean_into, lookup_codes
from clusterlink.directory.models import Category, Certification, Enterprise, Process
from clusterlink.market import access
from clusterlink.market.models import (
    PAIRS_DEMAND_TYPES,
    Demand,
    DemandShare,
    DemandType,
    Offer,
    Quote,
)

DEMAND_FIELDS = (
    "demand_type",
    "title",
    "description",
    "pairs",
    "target_unit_price_rmb",
    "delivery_week",
    "min_lot_pairs",
    "split_allowed",
    "max_factories",
    "visibility",
    "status",
)


def _check_demand(
    demand: Demand, errors: FieldErrors, *, category_code: str | None, delivery_week_changed: bool
) -> None:
    if demand.demand_type not in DemandType.values:
        errors.add("demand_type", _("Unknown demand type: %(code)s") % {"code": demand.demand_type})
    if demand.demand_type in PAIRS_DEMAND_TYPES:
        if demand.category_id is None and not category_code:
            errors.add("category", _("An order needs a product category."))
        if demand.pairs is None:
            errors.add("pairs", _("An order needs a quantity in pairs."))
    if demand.pairs is not None and (
        isinstance(demand.pairs, bool) or not isinstance(demand.pairs, int) or demand.pairs < 1
    ):
        errors.add("pairs", _("Pairs must be a whole number of at least 1."))
    if (
        delivery_week_changed
        and demand.delivery_week is not None
        and demand.delivery_week < clock.current_week()
    ):
        errors.add("delivery_week", _("The delivery week is in the past."))
    if not demand.split_allowed:
        demand.max_factories = 1


def _category(code: str | None, errors: FieldErrors) -> Category | None:
    if not code:
        return None
    found = lookup_codes(Category, [code], "category", errors)
    return found[0] if found else None


@transaction.atomic
def demand_create(
    *,
    owner: Enterprise,
    created_by: Any,
    demand_type: str,
    title: str,
    category: str | None = None,
    required_processes: Iterable[str] = (),
    required_certifications: Iterable[str] = (),
    **fields: Any,
) -> Demand:
    """Post a demand for `owner`. Raises ApplicationError naming every invalid field; writes nothing then."""
    errors = FieldErrors()
    unknown = set(fields) - set(DEMAND_FIELDS)
    if unknown:
        raise TypeError(f"unknown demand fields {sorted(unknown)}")
    demand = Demand(
        owner=owner,
        created_by=created_by,
        demand_type=demand_type,
        title=(title or "").strip(),
        **fields,
    )
    demand.category = _category(category, errors)
    processes = lookup_codes(Process, required_processes, "required_processes", errors)
    certifications = lookup_codes(
        Certification, required_certifications, "required_certifications", errors
    )
    _check_demand(demand, errors, category_code=category, delivery_week_changed=True)
    full_clean_into(demand, errors, exclude=["owner", "created_by"])
    errors.raise_if_any()
    demand.save()
    demand.required_processes.set(processes)
    demand.required_certifications.set(certifications)
    return demand


@transaction.atomic
def demand_update(
    *,
    demand: Demand,
    category: str | Any | None = None,
    required_processes: Iterable[str] | None = None,
    required_certifications: Iterable[str] | None = None,
    **fields: Any,
) -> Demand:
    errors = FieldErrors()
    demand = Demand.objects.select_for_update().get(pk=demand.pk)
    previous_week = demand.delivery_week
    for name, value in fields.items():
        if name not in DEMAND_FIELDS:
            raise TypeError(f"unknown demand field {name}")
        setattr(demand, name, value.strip() if isinstance(value, str) else value)
    if category is not None:
        demand.category = _category(category, errors)
    processes = (
        lookup_codes(Process, required_processes, "required_processes", errors)
        if required_processes is not None
        else None
    )
    certifications = (
        lookup_codes(Certification, required_certifications, "required_certifications", errors)
        if required_certifications is not None
        else None
    )
    _check_demand(
        demand,
        errors,
        category_code=category,
        delivery_week_changed=demand.delivery_week != previous_week,
    )
    full_clean_into(demand, errors, exclude=["owner", "created_by"])
    errors.raise_if_any()
    demand.save()
    if processes is not None:
        demand.required_processes.set(processes)
    if certifications is not None:
        demand.required_certifications.set(certifications)
    return demand


@transaction.atomic
def demand_share(
    *, demand: Demand, enterprise: Enterprise, reason: str = DemandShare.Reason.SHARED
) -> DemandShare:
    """Let one firm see the demand in full (idempotent)."""
    share, _created = DemandShare.objects.get_or_create(
        demand=demand, enterprise=enterprise, defaults={"reason": reason}
    )
    return share


@transaction.atomic
def demand_unshare(*, demand: Demand, enterprise_id: int) -> None:
    """Stop letting a firm the owner shared the demand with see it. A share a match run made is
    not the owner's to take back this way: it goes when its proposal is declined or lapses."""
    deleted, _by_model = DemandShare.objects.filter(
        demand=demand, enterprise_id=enterprise_id, reason=DemandShare.Reason.SHARED
    ).delete()
    if not deleted:
        raise NotFoundError()


@transaction.atomic
def offer_create(
    *,
    owner: Enterprise,
    created_by: Any,
    offer_type: str,
    title: str,
    category: str | None = None,
    **fields: Any,
) -> Offer:
    errors = FieldErrors()
    offer = Offer(
        owner=owner,
        created_by=created_by,
        offer_type=offer_type,
        title=(title or "").strip(),
        **fields,
    )
    offer.category = _category(category, errors)
    if offer_type not in Offer.OfferType.values:
        errors.add("offer_type", _("Unknown offer type: %(code)s") % {"code": offer_type})
    full_clean_into(offer, errors, exclude=["owner", "created_by"])
    errors.raise_if_any()
    offer.save()
    return offer


def rmb(value: Any) -> Decimal | None:
    """Parse an RMB amount without losing precision (the validators then reject a third decimal)."""
    if value in (None, ""):
        return None
    return Decimal(str(value).replace(",", "").replace("¥", "").replace("￥", "").strip())


def monday(value: dt.date | None) -> dt.date | None:
    return None if value is None else clock.week_start(value)


# ---- quotes (a factory's price for a demand; see Quote) ----------------------------------------


@transaction.atomic
def quote_request(*, actor: Any, demand: Demand, factory: Enterprise | int) -> Quote:
    """A member of the brand (`actor`) asks a firm (`factory`, a firm or its id) for a quote on
    `demand`. Asking twice returns the existing quote. The factory may then see the demand.

    Access first (clusterlink.market.access.access_quote_request): the demand must be one the
    actor may see and his firm's; the firm one he may see, an approved member of its cluster and
    not the owner. NotFoundError for a demand or firm he may not see, exactly as for a missing
    one; ApplicationError for the rest. Writes nothing then.
    """
    viewer = viewer_for(actor)
    if not access.may_see_demand(viewer, demand):
        raise NotFoundError()
    factory = access.access_quote_request(
        viewer, demand, factory if isinstance(factory, int) else factory.pk
    )
    quote, created = Quote.objects.get_or_create(
        demand=demand, factory=factory, defaults={"requested_by": actor}
    )
    if created:
        # Asking is sharing on purpose: a share the match run made becomes the owner's, so
        # that it outlives the proposal (a declined or expired proposal removes its share).
        DemandShare.objects.update_or_create(
            demand=demand, enterprise=factory, defaults={"reason": DemandShare.Reason.SHARED}
        )
    return quote


@transaction.atomic
def quote_submit(
    *,
    actor: Any,
    demand: Demand,
    factory: Enterprise,
    unit_price_rmb: Decimal | None,
    weeks: int | None,
    conditions: str = "",
) -> Quote:
    """A member of `factory` (`actor`) answers `demand` with its price per pair (RMB, two
    decimals), weeks to delivery and conditions; a second answer replaces the first.

    Access first (clusterlink.market.access.access_quote_submit): the demand must be one the
    actor may see and `factory` one of his firms that may quote (an approved member of its
    cluster, not the owner); NotFoundError otherwise. Raises ApplicationError naming every
    invalid field; writes nothing then."""
    factory = access.access_quote_submit(viewer_for(actor), demand, factory.pk)
    errors = FieldErrors()
    quote = Quote.objects.select_for_update().filter(
        demand=demand, factory=factory
    ).first() or Quote(demand=demand, factory=factory)
    if unit_price_rmb is None:
        errors.add("unit_price_rmb", _("Enter your price per pair."))
    if weeks is None:
        errors.add("weeks", _("Enter the weeks to delivery."))
    quote.unit_price_rmb = unit_price_rmb
    quote.weeks = weeks
    quote.conditions = (conditions or "").strip()
    quote.status = Quote.Status.SUBMITTED
    quote.submitted_by = actor
    quote.submitted_at = clock.now()
    # A missing price or week is already named on its field; the model's "submitted has price
    # and weeks" constraint would repeat it as an unlocated error.
    full_clean_into(
        quote,
        errors,
        exclude=["demand", "factory", "requested_by", "submitted_by"],
        constraints=not errors,
    )
    errors.raise_if_any()
    quote._history_user = actor  # type: ignore[attr-defined]
    quote.save()
    return quote
