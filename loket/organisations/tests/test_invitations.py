from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from loket.accounts.models import User
from loket.organisations import services
from loket.organisations.models import Invitation, Membership


@pytest.fixture
def dirk(db) -> User:
    from allauth.account.models import EmailAddress

    user = User.objects.create_user(email="dirk@acme.example", password="x-long-password-1")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _invite(anna, org_a, email="Dirk@Acme.example", role="member", capture=None):
    return services.membership_invite(user=anna, organisation=org_a, email=email, role=role)


def test_invitation_mails_a_link_and_stores_only_a_hash(
    anna, org_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = _invite(anna, org_a)
    assert invitation.email == "dirk@acme.example"
    assert token not in invitation.token_hash
    assert not Invitation.objects.filter(token_hash=token).exists()
    assert invitation.expires_at - invitation.created_at == timedelta(days=14)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["dirk@acme.example"]
    assert reverse("organisations:invitation-accept", args=[token]) in mail.outbox[0].body


def test_accept_requires_the_invited_address_case_insensitively(anna, org_a, chloe, dirk):
    _invitation, token = _invite(anna, org_a)
    with pytest.raises(services.InvitationError):
        services.invitation_accept(user=chloe, token=token)
    assert not Membership.objects.filter(user=chloe, organisation=org_a).exists()
    membership = services.invitation_accept(user=dirk, token=token)
    assert (membership.organisation, membership.role) == (org_a, "member")


def test_invitation_is_used_once(anna, org_a, dirk, bram):
    invitation, token = _invite(anna, org_a)
    services.invitation_accept(user=dirk, token=token)
    Membership.objects.filter(user=dirk).delete()
    with pytest.raises(services.InvitationError):
        services.invitation_accept(user=dirk, token=token)
    assert not Membership.objects.filter(user=dirk).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == dirk


def test_expired_invitation_is_refused(anna, org_a, dirk):
    invitation, token = _invite(anna, org_a)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    with pytest.raises(services.InvitationError):
        services.invitation_accept(user=dirk, token=token)
    assert not Membership.objects.filter(user=dirk).exists()


def test_only_admins_invite_and_members_are_not_invited_twice(anna, bram, org_a):
    with pytest.raises(services.NotAllowedError):
        services.membership_invite(user=bram, organisation=org_a, email="x@example.org")
    with pytest.raises(services.InvitationError):
        services.membership_invite(user=anna, organisation=org_a, email="BRAM@acme.example")
    assert not Invitation.objects.exists()


def test_new_invitation_replaces_open_one(anna, org_a, dirk):
    _first, old_token = _invite(anna, org_a)
    _second, new_token = _invite(anna, org_a, role="admin")
    assert Invitation.objects.count() == 1
    with pytest.raises(services.InvitationError):
        services.invitation_accept(user=dirk, token=old_token)
    assert services.invitation_accept(user=dirk, token=new_token).role == "admin"


def test_accept_through_the_pages(client_for, client, anna, org_a, dirk, chloe):
    response = client_for(anna).post(
        reverse("organisations:invitation-create", args=[org_a.pk]),
        {"email": "dirk@acme.example", "role": "member", "organisation": 999},
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.organisation == org_a
    # The token only travels by e-mail; make one we know for the page test.
    _invitation, token = _invite(anna, org_a, email="dirk@acme.example")
    url = reverse("organisations:invitation-accept", args=[token])

    response = client.get(url)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]

    wrong = client_for(chloe)
    assert wrong.get(url).status_code == 200
    response = wrong.post(url)
    assert response.status_code == 400
    assert "dirk@acme.example" in response.content.decode()
    assert not Membership.objects.filter(user=chloe, organisation=org_a).exists()

    right = client_for(dirk)
    response = right.post(url)
    assert response.status_code == 302
    assert Membership.objects.filter(user=dirk, organisation=org_a).exists()
    assert right.post(url).status_code == 400

    assert (
        client_for(dirk)
        .get(reverse("organisations:invitation-accept", args=["no-such-token"]))
        .status_code
        == 404
    )


def test_invitation_form_bad_input_keeps_what_was_typed(client_for, anna, org_a):
    response = client_for(anna).post(
        reverse("organisations:invitation-create", args=[org_a.pk]),
        {"email": "not an <b>address</b>", "role": "member"},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "not an &lt;b&gt;address&lt;/b&gt;" in content
    assert "<b>address</b>" not in content
    assert not Invitation.objects.exists()


def test_admin_withdraws_invitation(client_for, anna, bram, org_a):
    invitation, _token = _invite(anna, org_a)
    url = reverse("organisations:invitation-revoke", args=[org_a.pk, invitation.pk])
    assert client_for(bram).post(url).status_code == 403
    assert Invitation.objects.filter(pk=invitation.pk).exists()
    assert client_for(anna).post(url).status_code == 302
    assert not Invitation.objects.filter(pk=invitation.pk).exists()
