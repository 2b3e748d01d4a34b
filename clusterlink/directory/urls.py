from django.urls import path

from clusterlink.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.home, name="home"),
    path("clusters/<slug:slug>/", views.cluster_detail, name="cluster_detail"),
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/<int:enterprise_id>/", views.enterprise_detail, name="enterprise_detail"),
]
