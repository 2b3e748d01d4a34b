from django.urls import path

from clusterlink.reports import views

app_name = "reports"
urlpatterns = [
    path("events/<slug:slug>/", views.event_outcome_view, name="event_outcome"),
    path("events/<slug:slug>/outcome.pdf", views.event_outcome_pdf, name="event_outcome_pdf"),
    path("events/<slug:slug>/outcome.xlsx", views.event_outcome_xlsx, name="event_outcome_xlsx"),
]
