from django.urls import path

from loket.referrals import views

app_name = "referrals"
urlpatterns = [
    path("", views.ask, name="ask"),
    path("intermediaries/", views.intermediary_list, name="intermediary-list"),
    path("intermediaries/<int:pk>/", views.intermediary_detail, name="intermediary-detail"),
    path(
        "intermediaries/manage/<int:org_pk>/",
        views.intermediary_profile_edit,
        name="intermediary-profile-edit",
    ),
    path("cases/", views.case_list, name="case-list"),
    path("cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("cases/<int:pk>/<slug:action>/", views.case_action, name="case-action"),
    path("v/<int:pk>/<str:token>/", views.case_visitor, name="case-visitor"),
    path(
        "v/<int:pk>/<str:token>/<slug:action>/",
        views.case_visitor_action,
        name="case-visitor-action",
    ),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:org_pk>/", views.inbox, name="inbox-org"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export.csv", views.dashboard_export, name="dashboard-export"),
]
