from django.urls import path

from loket.organisations.views import directory, manage  # noqa: F401

app_name = "organisations"
urlpatterns = [
    # Directory, search and profile pages (views/directory.py)
    path("", directory.directory, name="directory"),
    # Creating and managing organisations, members, invitations, claims (views/manage.py)
]
