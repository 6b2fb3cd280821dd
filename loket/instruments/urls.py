from django.urls import path

from loket.instruments import views

app_name = "instruments"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("compare/", views.compare, name="compare"),
    path("tables/", views.tables, name="tables"),
    path("calls/", views.calls, name="calls"),
    path("calls/calendar/", views.calendar, name="calendar"),
    path("calls/deadlines.ics", views.calendar_feed, name="calendar-feed"),
    path("calls/<str:topic_id>/", views.call_detail, name="call-detail"),
    path("wizard/", views.wizard, name="wizard"),
    path("wizard/r/<str:token>/", views.wizard_result, name="wizard-result"),
    path("transparency/", views.transparency_page, name="transparency"),
    path("transparency/rows/", views.transparency_rows, name="transparency-rows"),
    path("burden/", views.burden, name="burden"),
    path("curate/export.<str:fmt>", views.curator_export, name="curator-export"),
    path("curate/import/", views.curator_import, name="curator-import"),
    path("<slug:slug>/", views.instrument_detail, name="instrument-detail"),
]
