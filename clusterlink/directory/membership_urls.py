from django.urls import path

from clusterlink.directory import views_membership as views

app_name = "memberships"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:enterprise_id>/decide/", views.decide, name="decide"),
    path("<int:enterprise_id>/ask/", views.ask, name="ask"),
]
