from django.urls import path

from loket.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.directory, name="directory"),
]
