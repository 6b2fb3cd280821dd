from django.urls import path

from loket.matching import views

app_name = "matching"
urlpatterns = [
    path("", views.find_partners, name="find-partners"),
    path("feedback", views.feedback, name="feedback"),
    path("suggested/<int:pk>/", views.suggested_partners, name="suggested-partners"),
]
