from django.urls import path

from loket.organisations.views import directory, manage

app_name = "organisations"
urlpatterns = [
    # Directory, search and profile pages (views/directory.py)
    path("", directory.directory, name="directory"),
    path("organisations/<int:pk>/", directory.organisation_detail, name="organisation-detail"),
    # Creating and managing organisations, members, invitations, claims (views/manage.py)
    path("my/organisations/", manage.organisation_mine, name="organisation-mine"),
    path("manage/organisations/new/", manage.organisation_create, name="organisation-create"),
    path("manage/organisations/<int:pk>/", manage.organisation_manage, name="organisation-manage"),
    path("manage/organisations/<int:pk>/edit/", manage.organisation_edit, name="organisation-edit"),
    path(
        "manage/organisations/<int:pk>/contacts/new/", manage.contact_create, name="contact-create"
    ),
    path(
        "manage/organisations/<int:pk>/contacts/<int:contact_pk>/edit/",
        manage.contact_edit,
        name="contact-edit",
    ),
    path(
        "manage/organisations/<int:pk>/contacts/<int:contact_pk>/delete/",
        manage.contact_delete,
        name="contact-delete",
    ),
    path("manage/organisations/<int:pk>/members/", manage.member_list, name="member-list"),
    path(
        "manage/organisations/<int:pk>/members/<int:membership_pk>/role/",
        manage.member_role,
        name="member-role",
    ),
    path(
        "manage/organisations/<int:pk>/members/<int:membership_pk>/remove/",
        manage.member_remove,
        name="member-remove",
    ),
    path(
        "manage/organisations/<int:pk>/invitations/new/",
        manage.invitation_create,
        name="invitation-create",
    ),
    path(
        "manage/organisations/<int:pk>/invitations/<int:invitation_pk>/revoke/",
        manage.invitation_revoke,
        name="invitation-revoke",
    ),
    path("invitations/<str:token>/", manage.invitation_accept, name="invitation-accept"),
    path("organisations/<int:pk>/claim/", manage.organisation_claim, name="organisation-claim"),
]
