"""Every management route: outsiders (chloe of org B) get 404, anonymous users go to the login,
refused writes change nothing, swapped ids and extra fields are ignored."""

import pytest
from django.urls import reverse

from loket.organisations import services
from loket.organisations.models import (
    ContactPerson,
    Invitation,
    Membership,
    Organisation,
    OrganisationClaim,
)

SECRET = "ACME-CONFIDENTIAL-MARKER"


@pytest.fixture
def acme(anna, bram, org_a):
    Organisation.objects.filter(pk=org_a.pk).update(visibility="hidden", seeks=SECRET)
    contact = ContactPerson.objects.create(
        organisation=org_a, name="Ann " + SECRET, email="ann@acme.example"
    )
    invitation, _token = services.membership_invite(
        user=anna, organisation=org_a, email="new@acme.example"
    )
    return {
        "org": org_a,
        "contact": contact,
        "membership": Membership.objects.get(user=bram),
        "admin_membership": Membership.objects.get(user=anna),
        "invitation": invitation,
    }


def _routes(acme):
    org = acme["org"].pk
    return [
        ("get", reverse("organisations:organisation-manage", args=[org])),
        ("get", reverse("organisations:organisation-edit", args=[org])),
        ("post", reverse("organisations:organisation-edit", args=[org])),
        ("get", reverse("organisations:contact-create", args=[org])),
        ("post", reverse("organisations:contact-create", args=[org])),
        ("get", reverse("organisations:contact-edit", args=[org, acme["contact"].pk])),
        ("post", reverse("organisations:contact-edit", args=[org, acme["contact"].pk])),
        ("post", reverse("organisations:contact-delete", args=[org, acme["contact"].pk])),
        ("get", reverse("organisations:member-list", args=[org])),
        ("post", reverse("organisations:member-role", args=[org, acme["membership"].pk])),
        ("post", reverse("organisations:member-remove", args=[org, acme["membership"].pk])),
        ("post", reverse("organisations:member-remove", args=[org, acme["admin_membership"].pk])),
        ("get", reverse("organisations:invitation-create", args=[org])),
        ("post", reverse("organisations:invitation-create", args=[org])),
        ("post", reverse("organisations:invitation-revoke", args=[org, acme["invitation"].pk])),
        ("get", reverse("organisations:organisation-claim", args=[org])),
        ("post", reverse("organisations:organisation-claim", args=[org])),
    ]


WRITE_BODY = {
    "name": "Pwned " + "x",
    "org_type": "company",
    "visibility": "public",
    "role": "admin",
    "email": "chloe@beta.example",
    "message": "mine now",
    "organisation": 1,
    "is_staff": "1",
}


def _snapshot(acme):
    org = Organisation.objects.get(pk=acme["org"].pk)
    return (
        (org.name, org.visibility, org.seeks, org.claimed, org.source),
        sorted(Membership.objects.values_list("user_id", "organisation_id", "role")),
        sorted(ContactPerson.objects.values_list("pk", "name", "email")),
        sorted(Invitation.objects.values_list("pk", "email", "role")),
        OrganisationClaim.objects.count(),
    )


def test_outsider_gets_404_and_changes_nothing(client_for, acme, chloe):
    client = client_for(chloe)
    before = _snapshot(acme)
    for method, url in _routes(acme):
        response = getattr(client, method)(url, WRITE_BODY)
        assert response.status_code == 404, (method, url, response.status_code)
        assert SECRET not in response.content.decode(), url
        assert "Acme" not in response.content.decode(), url
    assert _snapshot(acme) == before
    chloe.refresh_from_db()
    assert not chloe.is_staff


def test_anonymous_goes_to_login_and_changes_nothing(client, acme):
    before = _snapshot(acme)
    routes = [
        *_routes(acme),
        ("get", reverse("organisations:organisation-mine")),
        ("get", reverse("organisations:organisation-create")),
        ("post", reverse("organisations:organisation-create")),
        ("get", reverse("organisations:invitation-accept", args=["anything"])),
    ]
    for method, url in routes:
        response = getattr(client, method)(url, WRITE_BODY)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith(reverse("account_login")), url
        assert SECRET not in response.content.decode()
    assert _snapshot(acme) == before


def test_swapped_ids_across_organisations_are_404(client_for, acme, chloe, org_b):
    """Chloe administers org B; she uses her own org's URLs with Acme's object ids."""
    client = client_for(chloe)
    org = org_b.pk
    before = _snapshot(acme)
    for method, url in [
        ("get", reverse("organisations:contact-edit", args=[org, acme["contact"].pk])),
        ("post", reverse("organisations:contact-edit", args=[org, acme["contact"].pk])),
        ("post", reverse("organisations:contact-delete", args=[org, acme["contact"].pk])),
        ("post", reverse("organisations:member-role", args=[org, acme["membership"].pk])),
        ("post", reverse("organisations:member-remove", args=[org, acme["membership"].pk])),
        ("post", reverse("organisations:invitation-revoke", args=[org, acme["invitation"].pk])),
    ]:
        response = getattr(client, method)(url, {"name": "x", "role": "member"})
        assert response.status_code == 404, url
    assert _snapshot(acme) == before


def test_extra_fields_cannot_move_a_contact_or_create_elsewhere(client_for, acme, chloe, org_b):
    client = client_for(chloe)
    client.post(
        reverse("organisations:contact-create", args=[org_b.pk]),
        {"name": "Beta contact", "organisation": acme["org"].pk, "organisation_id": acme["org"].pk},
    )
    assert ContactPerson.objects.get(name="Beta contact").organisation == org_b
    client.post(
        reverse("organisations:organisation-edit", args=[org_b.pk]),
        {
            "name": "Beta Logistics",
            "org_type": "company",
            "visibility": "public",
            "claimed": "on",
            "source": "cordis",
            "cordis_pic": "999",
            "pk": acme["org"].pk,
            "id": acme["org"].pk,
        },
    )
    org_b.refresh_from_db()
    assert (org_b.source, org_b.cordis_pic, org_b.claimed) == ("manual", None, False)
    acme["org"].refresh_from_db()
    assert acme["org"].name == "Acme Sensors"


def test_invitation_create_cannot_target_another_organisation(client_for, acme, chloe, org_b):
    client_for(chloe).post(
        reverse("organisations:invitation-create", args=[org_b.pk]),
        {"email": "friend@beta.example", "role": "member", "organisation": acme["org"].pk},
    )
    assert Invitation.objects.get(email="friend@beta.example").organisation == org_b


def test_member_is_refused_admin_writes_with_403_and_nothing_changes(client_for, acme, bram):
    client = client_for(bram)
    before = _snapshot(acme)
    org = acme["org"].pk
    for url in [
        reverse("organisations:organisation-edit", args=[org]),
        reverse("organisations:contact-create", args=[org]),
        reverse("organisations:contact-edit", args=[org, acme["contact"].pk]),
        reverse("organisations:contact-delete", args=[org, acme["contact"].pk]),
        reverse("organisations:member-role", args=[org, acme["membership"].pk]),
        reverse("organisations:invitation-create", args=[org]),
        reverse("organisations:invitation-revoke", args=[org, acme["invitation"].pk]),
    ]:
        assert client.post(url, WRITE_BODY).status_code == 403, url
    assert _snapshot(acme) == before


def test_curator_without_membership_does_not_manage_on_the_site(client_for, acme, cora):
    response = client_for(cora).get(
        reverse("organisations:organisation-edit", args=[acme["org"].pk])
    )
    assert response.status_code == 404
