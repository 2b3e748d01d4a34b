from typing import Any

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from clusterlink.market.models import Demand, DemandShare, Offer


class DemandShareInline(admin.TabularInline[DemandShare, Any]):
    model = DemandShare
    extra = 0
    raw_id_fields = ["enterprise"]


@admin.register(Demand)
class DemandAdmin(SimpleHistoryAdmin):  # type: ignore[misc]  # simple_history ships no types
    list_display = [
        "title",
        "owner",
        "demand_type",
        "category",
        "pairs",
        "delivery_week",
        "visibility",
        "status",
    ]
    list_filter = ["demand_type", "status", "visibility", "category"]
    search_fields = ["title", "owner__legal_name"]
    raw_id_fields = ["owner"]
    filter_horizontal = ["required_processes", "required_certifications"]
    inlines = [DemandShareInline]


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin[Offer]):
    list_display = ["title", "owner", "offer_type", "category", "pairs", "visibility", "status"]
    list_filter = ["offer_type", "status", "visibility"]
    raw_id_fields = ["owner"]
