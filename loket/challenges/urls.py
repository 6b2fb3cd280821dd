from django.urls import path

from loket.challenges.views import alerts, interests, items

app_name = "challenges"
urlpatterns = [
    path("", items.challenge_list, name="challenge-list"),
    path("new/", items.challenge_create, name="challenge-create"),
    path("mine/", items.mine, name="mine"),
    path("moderation/", items.moderation_queue, name="moderation"),
    path("<int:pk>/", items.challenge_detail, name="challenge-detail"),
    path("<int:pk>/edit/", items.challenge_edit, name="challenge-edit"),
    path("<int:pk>/publish/", items.challenge_publish, name="challenge-publish"),
    path("<int:pk>/close/", items.challenge_close, name="challenge-close"),
    path("<int:pk>/report/", items.challenge_report, name="challenge-report"),
    path("<int:pk>/moderate/", items.challenge_moderate, name="challenge-moderate"),
    path("<int:pk>/attachments/", items.attachment_upload, name="attachment-upload"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        items.attachment_download,
        name="attachment-download",
    ),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/delete/",
        items.attachment_delete,
        name="attachment-delete",
    ),
    path("<int:pk>/interest/", interests.interest_create, name="interest-create"),
    path("interests/<int:pk>/decide/", interests.interest_decide, name="interest-decide"),
    path("interests/<int:pk>/nda/", interests.interest_nda, name="interest-nda"),
    path(
        "interests/<int:pk>/conversation/",
        interests.interest_conversation,
        name="interest-conversation",
    ),
    path("alerts/", alerts.alerts, name="alerts"),
    path("alerts/<int:pk>/delete/", alerts.alert_delete, name="alert-delete"),
    path("unsubscribe/<str:token>/", alerts.alert_unsubscribe, name="alert-unsubscribe"),
    path("notifications/", alerts.notifications, name="notifications"),
    path("notifications/read/", alerts.notifications_read, name="notifications-read"),
]
