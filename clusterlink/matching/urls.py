from django.urls import path

from clusterlink.matching import views

app_name = "matching"
urlpatterns = [
    path("runs/", views.run_list, name="run_list"),
    path("runs/new/", views.run_start, name="run_start"),
    path("runs/<int:run_id>/", views.run_detail, name="run_detail"),
    path("runs/<int:run_id>/progress/", views.run_progress, name="run_progress"),
    path("runs/<int:run_id>/cancel/", views.run_cancel, name="run_cancel"),
    path("runs/<int:run_id>/repair/", views.run_repair, name="run_repair"),
    path("runs/<int:run_id>/export.xlsx", views.run_export, name="run_export"),
    path("proposals/", views.proposal_list, name="proposal_list"),
    path("proposals/<int:proposal_id>/", views.proposal_detail, name="proposal_detail"),
    path("proposals/<int:proposal_id>/decide/", views.proposal_decide, name="proposal_decide"),
]
