from django.urls import path

from clusterlink.directory import views_mine as views

app_name = "mine"
urlpatterns = [
    path("", views.home, name="home"),
    path("<int:enterprise_id>/", views.overview, name="overview"),
    path("<int:enterprise_id>/profile/", views.profile_edit, name="profile"),
    path("<int:enterprise_id>/capacity/", views.capacity, name="capacity"),
    path("<int:enterprise_id>/demands/", views.demands, name="demands"),
    path("<int:enterprise_id>/demands/new/", views.demand_create_view, name="demand_create"),
    path(
        "<int:enterprise_id>/demands/<int:demand_id>/edit/", views.demand_edit, name="demand_edit"
    ),
    path(
        "<int:enterprise_id>/demands/<int:demand_id>/share/",
        views.demand_share_view,
        name="demand_share",
    ),
    path(
        "<int:enterprise_id>/demands/<int:demand_id>/share/<int:firm_id>/remove/",
        views.demand_unshare_view,
        name="demand_unshare",
    ),
    path(
        "<int:enterprise_id>/demands/<int:demand_id>/cancel/",
        views.demand_cancel,
        name="demand_cancel",
    ),
]
