from django.urls import path

from clusterlink.market import views, views_quotes

app_name = "market"
urlpatterns = [
    path("", views.demand_board, name="demand_list"),
    path("demands/new/", views.demand_create_start, name="demand_create"),
    path("demands/<int:demand_id>/", views.demand_detail, name="demand_detail"),
    path("demands/<int:demand_id>/quotes/", views_quotes.demand_quotes, name="demand_quotes"),
    path(
        "demands/<int:demand_id>/quotes/request/",
        views_quotes.demand_quote_request,
        name="quote_request",
    ),
    path("offers/", views.offer_list_view, name="offer_list"),
    path("offers/new/", views.offer_create_view, name="offer_create"),
    path("offers/<int:offer_id>/", views.offer_detail, name="offer_detail"),
]
