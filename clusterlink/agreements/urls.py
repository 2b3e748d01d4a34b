from django.urls import path

from clusterlink.agreements import views

app_name = "agreements"
urlpatterns = [
    path("", views.agreement_list_view, name="list"),
    path("new/", views.agreement_create_view, name="create"),
    path("<int:agreement_id>/", views.agreement_detail_view, name="detail"),
    path("<int:agreement_id>/status/", views.agreement_transition_view, name="transition"),
    path("ceremonies/<int:session_id>/", views.ceremony_view, name="ceremony"),
    path("ceremonies/<int:session_id>/print/", views.ceremony_print_view, name="ceremony_print"),
]
