"""Access to the directory, profile pages and organisations API, persona by persona.

Hidden profiles carry a unique marker that must never appear in any output for outsiders; contact
persons never reach anonymous users or the API; members-only profiles never reach anonymous users.
"""

import pytest
from django.urls import reverse

from loket.accounts.models import ApiToken, hash_token
from loket.organisations.models import (
    ContactPerson,
    Organisation,
    OrganisationType,
    Participation,
    Project,
    Visibility,
)
from loket.organisations.search import search_documents_refresh

HIDDEN = "HIDDENMARKERq7x3"
MEMBERS = "MEMBERSMARKERk2v9"
CONTACT = "CONTACTMARKERz8w1"
DIRECTORY = reverse("organisations:directory")
API = "/api/v1/organisations"


@pytest.fixture
def world(org_a, org_b, anna, bram, chloe, ivo, cora):
    """Org A is hidden (with a marker); a members-only profile; contacts on A and B; a shared project."""
    org_a.name = f"Acme {HIDDEN}"
    org_a.description = f"Secret plans {HIDDEN} robotica"
    org_a.country = "MT"
    org_a.visibility = Visibility.HIDDEN
    org_a.save()
    members = Organisation.objects.create(
        name=f"Members Only {MEMBERS}",
        org_type=OrganisationType.RESEARCH_CENTRE,
        description=f"{MEMBERS} robotica",
        country="LU",
        visibility=Visibility.MEMBERS,
    )
    ContactPerson.objects.create(organisation=org_a, name=f"A {CONTACT}", email="a@acme.example")
    ContactPerson.objects.create(organisation=org_b, name=f"B {CONTACT}", email="b@beta.example")
    ContactPerson.objects.create(organisation=members, name=f"M {CONTACT}")
    project = Project.objects.create(cordis_id="1", acronym="SHARED", title="t", programme="H2020")
    for organisation in (org_a, org_b, members):
        Participation.objects.create(project=project, organisation=organisation, role="participant")
    org_b.description = "robotica logistics"
    org_b.save()
    search_documents_refresh()
    return {"a": org_a, "b": org_b, "members": members}


def _token_headers(user) -> dict:
    token = ApiToken.generate()
    ApiToken.objects.create(user=user, name="t", token_hash=hash_token(token), prefix=token[:8])
    return {"Authorization": f"Bearer {token}"}


def _directory_outputs(client, headers=None) -> list:
    headers = headers or {}
    requests = [
        (DIRECTORY, {}),
        (DIRECTORY, {"q": HIDDEN[:-2].lower()}),  # a prefix: the search box echoes it
        (DIRECTORY, {"q": "robotica"}),
        (DIRECTORY, {"q": "secret plans"}),
        (DIRECTORY, {"country": "MT"}),
        (DIRECTORY, {"country": "LU"}),
        (DIRECTORY, {"q": "robotica", "sort": "name", "page": "2"}),
    ]
    responses = [client.get(url, params) for url, params in requests]
    responses += [
        client.get(url, params, headers={"HX-Request": "true"}) for url, params in requests
    ]
    api_requests = [
        (API, {}),
        (API, {"q": HIDDEN[:-2].lower()}),
        (f"{API}/search", {"q": "robotica"}),
        (API, {"country": "MT"}),
        (API, {"country": "LU"}),
    ]
    responses += [client.get(url, params, headers=headers) for url, params in api_requests]
    return responses


@pytest.mark.django_db
@pytest.mark.parametrize("persona", [None, "chloe", "ivo"])
def test_outsiders_never_see_hidden_profile(client_for, world, persona, request):
    user = request.getfixturevalue(persona) if persona else None
    client = client_for(user)
    for response in _directory_outputs(client):
        assert response.status_code == 200
        assert HIDDEN not in response.content.decode()
        assert "MT" not in {
            o["value"] for f in _facets(response) if f["name"] == "country" for o in f["options"]
        }
    for url in [
        reverse("organisations:organisation-detail", args=[world["a"].pk]),
        f"{API}/{world['a'].pk}",
    ]:
        response = client.get(url)
        assert response.status_code == 404
        assert HIDDEN not in response.content.decode()
        assert CONTACT not in response.content.decode()
    # The public partner's page does not name the hidden partner either.
    body = client.get(reverse("organisations:organisation-detail", args=[world["b"].pk]))
    assert HIDDEN not in body.content.decode()


def _facets(response) -> list:
    if response.headers.get("Content-Type", "").startswith("application/json"):
        return response.json().get("facets", [])
    result = response.context["result"] if response.context else None
    if result is None:
        return []
    return [
        {"name": f.name, "options": [{"value": o.value} for o in f.options]} for f in result.facets
    ]


@pytest.mark.django_db
def test_outsiders_with_a_token_never_see_hidden_profile(client, world, chloe):
    headers = _token_headers(chloe)
    for response in _directory_outputs(client, headers):
        assert HIDDEN not in response.content.decode()
    response = client.get(f"{API}/{world['a'].pk}", headers=headers)
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["anna", "bram", "cora"])
def test_own_members_and_curators_see_hidden_profile_page(client_for, world, persona, request):
    client = client_for(request.getfixturevalue(persona))
    response = client.get(reverse("organisations:organisation-detail", args=[world["a"].pk]))
    assert response.status_code == 200
    assert HIDDEN in response.content.decode()
    assert f"A {CONTACT}" in response.content.decode()
    # Hidden profiles are never listed in the directory, even for their own members.
    assert HIDDEN not in client.get(DIRECTORY).content.decode()


@pytest.mark.django_db
def test_anonymous_never_sees_members_only_profile(client, world):
    for response in _directory_outputs(client):
        assert MEMBERS not in response.content.decode()
        assert "LU" not in {
            o["value"] for f in _facets(response) if f["name"] == "country" for o in f["options"]
        }
    for response in [
        client.get(reverse("organisations:organisation-detail", args=[world["members"].pk])),
        client.get(f"{API}/{world['members'].pk}"),
    ]:
        assert response.status_code == 404
        assert MEMBERS not in response.content.decode()
    # Facet counts for anonymous users count public profiles only (org B and the intermediary);
    # the members-only research centre is not counted.
    types = client.get(API).json()["facets"][0]
    assert {o["value"]: o["count"] for o in types["options"]} == {"company": 1, "intermediary": 1}


@pytest.mark.django_db
def test_signed_in_users_see_members_only_profile(client_for, world, chloe):
    client = client_for(chloe)
    assert MEMBERS in client.get(DIRECTORY, {"q": "robotica"}).content.decode()
    assert (
        client.get(
            reverse("organisations:organisation-detail", args=[world["members"].pk])
        ).status_code
        == 200
    )


@pytest.mark.django_db
def test_contact_persons_never_for_anonymous(client, world):
    response = client.get(reverse("organisations:organisation-detail", args=[world["b"].pk]))
    assert response.status_code == 200
    assert CONTACT not in response.content.decode()
    assert "b@beta.example" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", [None, "anna", "chloe", "cora"])
def test_contact_persons_never_in_api(client, world, persona, request):
    headers = _token_headers(request.getfixturevalue(persona)) if persona else {}
    responses = [
        client.get(API, headers=headers),
        client.get(f"{API}/search?q=robotica", headers=headers),
    ]
    for organisation in world.values():
        responses.append(client.get(f"{API}/{organisation.pk}", headers=headers))
    for response in responses:
        body = response.content.decode()
        assert CONTACT not in body
        assert "@beta.example" not in body and "@acme.example" not in body


@pytest.mark.django_db
def test_signed_in_users_see_contacts_of_visible_profiles(client_for, world, chloe):
    client = client_for(chloe)
    body = client.get(reverse("organisations:organisation-detail", args=[world["b"].pk]))
    assert f"B {CONTACT}" in body.content.decode()
