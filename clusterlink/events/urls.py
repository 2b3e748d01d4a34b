from django.urls import path

from clusterlink.events import views

app_name = "events"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("new/", views.event_create, name="create"),
    path("<slug:slug>/", views.event_detail, name="detail"),
    path("<slug:slug>/edit/", views.event_edit, name="edit"),
    path("<slug:slug>/manage/", views.event_manage, name="manage"),
    path("<slug:slug>/units/<int:unit_id>/delete/", views.unit_delete, name="unit_delete"),
    path("<slug:slug>/sessions/<int:session_id>/", views.session_edit, name="session_edit"),
    path("<slug:slug>/slots/<int:slot_id>/delete/", views.slot_delete, name="slot_delete"),
    path("<slug:slug>/register/", views.register, name="register"),
    path("<slug:slug>/registrations/", views.registrations, name="registrations"),
    path(
        "<slug:slug>/participants/<int:participant_id>/",
        views.participant_edit,
        name="participant_edit",
    ),
    path("<slug:slug>/requests/", views.requests_page, name="requests"),
    path("<slug:slug>/schedule/", views.schedule, name="schedule"),
    path("<slug:slug>/walk-in/", views.walk_in, name="walk_in"),
    path("<slug:slug>/meetings/<int:meeting_id>/", views.meeting_outcome, name="meeting"),
    path(
        "<slug:slug>/meetings/<int:meeting_id>/change/",
        views.meeting_change,
        name="meeting_change",
    ),
    path("<slug:slug>/agenda/", views.agenda, name="agenda"),
    path("<slug:slug>/agenda/<int:participant_id>/print/", views.agenda_print, name="agenda_print"),
    path("<slug:slug>/agenda/<int:participant_id>/ics/", views.agenda_ics, name="agenda_ics"),
    path("<slug:slug>/check-in/", views.check_in, name="check_in"),
]
