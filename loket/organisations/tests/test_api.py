"""The organisations API: list, search, detail, facets, paging, validation and token auth."""

import pytest

from loket.accounts.models import ApiToken, hash_token
from loket.organisations.models import (
    ContactPerson,
    InnovationType,
    Organisation,
    OrganisationType,
    Visibility,
)
from loket.organisations.search import search_documents_refresh

pytestmark = pytest.mark.django_db
LIST = "/api/v1/organisations"
SEARCH = "/api/v1/organisations/search"


def _org(name: str, **fields) -> Organisation:
    fields.setdefault("org_type", OrganisationType.COMPANY)
    organisation = Organisation.objects.create(name=name, **fields)
    search_documents_refresh(organisation_ids=[organisation.pk])
    return organisation


def _token(user) -> str:
    token = ApiToken.generate()
    ApiToken.objects.create(user=user, name="test", token_hash=hash_token(token), prefix=token[:8])
    return token


@pytest.fixture
def catalogue(db):
    robots = _org(
        "Robot Makers",
        description="Wij bouwen samenwerkingen rond robots.",
        country="BE",
        region="antwerpen",
        nace_code="28",
        project_count=2,
    )
    robots.innovation_types.set(InnovationType.objects.filter(code="process"))
    _org("Members Robots", description="robots", visibility=Visibility.MEMBERS, country="NL")
    _org("Hidden Robots", description="robots", visibility=Visibility.HIDDEN, country="BE")
    _org("Zebra Foods", description="food", country="DE")
    return robots


def test_list_is_public_and_paged(client, catalogue):
    response = client.get(LIST)
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2 and data["page"] == 1 and data["pages"] == 1
    assert data["per_page"] == 20
    assert [item["name"] for item in data["items"]] == ["Robot Makers", "Zebra Foods"]
    item = data["items"][0]
    assert item["url"] == f"/organisations/{catalogue.pk}/"
    assert item["sector"] == "C" and item["org_type_label"]
    assert {f["name"] for f in data["facets"]} >= {"type", "country", "sector", "eu"}


def test_search_stems_and_ranks(client, catalogue):
    data = client.get(SEARCH, {"q": "samenwerking"}).json()
    assert [item["name"] for item in data["items"]] == ["Robot Makers"]
    assert data["sort"] == "relevance"
    data = client.get(LIST, {"q": "robot"}).json()
    assert [item["name"] for item in data["items"]] == ["Robot Makers"]


def test_facet_parameters(client, catalogue):
    assert client.get(LIST, {"country": ["BE", "DE"]}).json()["count"] == 2
    assert client.get(LIST, {"sector": "C"}).json()["count"] == 1
    assert client.get(LIST, {"innovation": "process"}).json()["count"] == 1
    assert client.get(LIST, {"eu": "true"}).json()["count"] == 1
    assert client.get(LIST, {"eu": "false"}).json()["count"] == 1
    assert client.get(LIST, {"type": "company", "region": "antwerpen"}).json()["count"] == 1
    data = client.get(LIST, {"facets": "false"}).json()
    assert data["facets"] == []


def test_detail_has_profile_fields_and_no_contacts(client, catalogue):
    ContactPerson.objects.create(
        organisation=catalogue, name="Secret Person", email="secret@robots.example", phone="+32"
    )
    response = client.get(f"{LIST}/{catalogue.pk}")
    assert response.status_code == 200
    data = response.json()
    assert data["name"] == "Robot Makers" and data["innovation_types"] == ["process"]
    assert "contacts" not in data and "visibility" not in data and "search_document" not in data
    assert "Secret Person" not in response.content.decode()
    assert "secret@robots.example" not in response.content.decode()


def test_token_auth_sees_members_only(client, catalogue, chloe):
    token = _token(chloe)
    data = client.get(LIST, headers={"Authorization": f"Bearer {token}"}).json()
    assert {item["name"] for item in data["items"]} == {
        "Robot Makers",
        "Members Robots",
        "Zebra Foods",
        "Beta Logistics",  # chloe's own organisation
    }
    data = client.get(SEARCH, {"q": "robots"}, headers={"X-API-Key": token}).json()
    assert {item["name"] for item in data["items"]} == {"Robot Makers", "Members Robots"}
    members = Organisation.objects.get(name="Members Robots")
    assert (
        client.get(f"{LIST}/{members.pk}", headers={"Authorization": f"Bearer {token}"}).status_code
        == 200
    )


def test_session_auth_sees_members_only(client_for, catalogue, chloe):
    data = client_for(chloe).get(LIST).json()
    assert "Members Robots" in {item["name"] for item in data["items"]}


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "Bearer lkt_not-a-real-token"},
        {"Authorization": "Basic abc"},
        {"X-API-Key": "nope"},
    ],
)
def test_bad_token_is_401_not_anonymous(client, catalogue, headers):
    response = client.get(LIST, headers=headers)
    assert response.status_code == 401
    assert "Members Robots" not in response.content.decode()


def test_revoked_token_is_refused(client, catalogue, chloe):
    from django.utils import timezone

    token = _token(chloe)
    ApiToken.objects.filter(user=chloe).update(revoked_at=timezone.now())
    assert client.get(LIST, headers={"Authorization": f"Bearer {token}"}).status_code == 401


@pytest.mark.parametrize(
    "params",
    [
        {"page": "0"},
        {"page": "abc"},
        {"page": "-3"},
        {"page": "99999999999999999999999"},
        {"sort": "drop table"},
        {"type": "nonsense"},
        {"sector": "ZZ"},
        {"eu": "maybe"},
        {"q": "x" * 201},
    ],
)
def test_validation_errors_are_422_with_detail(client, catalogue, params):
    response = client.get(LIST, params)
    assert response.status_code == 422
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "params",
    [
        {"page": "500"},
        {"q": '"*(NEAR OR'},
        {"q": "'; DROP TABLE x; --"},
        {"country": "<script>"},
        {"sort": "relevance"},
    ],
)
def test_odd_but_valid_input_is_200(client, catalogue, params):
    response = client.get(LIST, params)
    assert response.status_code == 200
    if params.get("page"):
        assert response.json()["items"] == []


@pytest.mark.parametrize("pk", ["0", "-1", "99999999999999999999", "abc"])
def test_detail_bad_ids(client, catalogue, pk):
    assert client.get(f"{LIST}/{pk}").status_code in {404, 422}


def test_operation_ids_are_unique_and_documented(client):
    schema = client.get("/api/v1/openapi.json").json()
    ids = [
        operation["operationId"]
        for path in schema["paths"].values()
        for operation in path.values()
        if isinstance(operation, dict) and "operationId" in operation
    ]
    assert len(ids) == len(set(ids))
    assert {"organisations_list", "organisations_search", "organisations_detail"} <= set(ids)
    detail = schema["paths"]["/api/v1/organisations/{pk}"]["get"]
    assert "404" in detail["responses"]
