from django.urls import path

from clusterlink.directory import views_imports

app_name = "imports"
urlpatterns = [
    path("", views_imports.home, name="home"),
    path("<int:job_id>/", views_imports.report, name="report"),
    path("review/", views_imports.review, name="review"),
    path("review/<int:candidate_id>/", views_imports.review_decide, name="review_decide"),
    path("templates/<slug:kind>.<slug:file_format>", views_imports.template, name="template"),
    path("export/<slug:kind>.<slug:file_format>", views_imports.export, name="export"),
]
