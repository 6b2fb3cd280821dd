"""The directory page (search, facets, sorting, paging, HTMX fragment) and the profile page."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from loket.organisations.models import (
    ContactPerson,
    InnovationType,
    Organisation,
    OrganisationType,
    Participation,
    Project,
    Visibility,
)
from loket.organisations.search import search_documents_refresh

pytestmark = pytest.mark.django_db
DIRECTORY = reverse("organisations:directory")


def _org(name: str, **fields) -> Organisation:
    fields.setdefault("org_type", OrganisationType.COMPANY)
    innovation = fields.pop("innovation", [])
    organisation = Organisation.objects.create(name=name, **fields)
    if innovation:
        organisation.innovation_types.set(InnovationType.objects.filter(code__in=innovation))
    search_documents_refresh(organisation_ids=[organisation.pk])
    return organisation


@pytest.fixture
def catalogue(db):
    return [
        _org(
            "Aqua Robotics",
            description="Onderwaterrobots voor de haven.",
            region="antwerpen",
            country="BE",
            size_class="small",
            nace_code="28.99",
            project_count=3,
            eu_contribution_total=Decimal("1234567.89"),
            innovation=["product_performance"],
        ),
        _org(
            "Brussels Energy Lab",
            org_type=OrganisationType.RESEARCH_CENTRE,
            description="Research on hydrogen and robots.",
            region="brussels",
            country="BE",
            nace_code="72",
            project_count=7,
            eu_contribution_total=Decimal("500000"),
        ),
        _org(
            "Cologne Robots GmbH",
            description="Industrial robots.",
            region="abroad",
            country="DE",
            size_class="large",
            nace_code="C",
        ),
    ]


def test_directory_lists_and_searches(client, catalogue):
    response = client.get(DIRECTORY)
    assert response.status_code == 200
    body = response.content.decode()
    assert all(o.name in body for o in catalogue)
    response = client.get(DIRECTORY, {"q": "robot"})
    body = response.content.decode()
    assert "Aqua Robotics" not in body or "Cologne Robots GmbH" in body
    assert "Cologne Robots GmbH" in body and "Brussels Energy Lab" in body


def test_facets_filter_and_count(client, catalogue):
    response = client.get(DIRECTORY, {"country": "BE"})
    result = response.context["result"]
    assert result.count == 2
    country = next(f for f in result.facets if f.name == "country")
    # A facet's own selection does not shrink its counts, so other values remain choosable.
    assert {(o.value, o.count, o.selected) for o in country.options} == {
        ("BE", 2, True),
        ("DE", 1, False),
    }
    types = {o.value: o.count for o in next(f for f in result.facets if f.name == "type").options}
    assert types == {"company": 1, "research_centre": 1}
    sectors = {
        o.value: o.count for o in next(f for f in result.facets if f.name == "sector").options
    }
    assert sectors == {"C": 1, "M": 1}
    response = client.get(DIRECTORY, {"sector": "C"})
    assert {o.name for o in response.context["organisations"]} == {
        "Aqua Robotics",
        "Cologne Robots GmbH",
    }
    response = client.get(DIRECTORY, {"innovation": "product_performance"})
    assert [o.name for o in response.context["organisations"]] == ["Aqua Robotics"]
    response = client.get(DIRECTORY, {"eu": "1", "region": ["antwerpen", "brussels"]})
    assert response.context["result"].count == 2
    assert client.get(DIRECTORY, {"eu": ["0", "1"]}).context["result"].count == 3
    response = client.get(DIRECTORY, {"eu": "0"})
    assert [o.name for o in response.context["organisations"]] == ["Cologne Robots GmbH"]
    response = client.get(DIRECTORY, {"size": "large", "type": "company"})
    assert [o.name for o in response.context["organisations"]] == ["Cologne Robots GmbH"]


def test_sorting(client, catalogue):
    names = lambda response: [o.name for o in response.context["organisations"]]  # noqa: E731
    assert names(client.get(DIRECTORY, {"sort": "funding"}))[0] == "Aqua Robotics"
    assert names(client.get(DIRECTORY, {"sort": "projects"}))[0] == "Brussels Energy Lab"
    assert names(client.get(DIRECTORY, {"sort": "name"}))[0] == "Aqua Robotics"
    response = client.get(DIRECTORY, {"q": "robots"})
    assert response.context["result"].sort == "relevance"


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "-1"},
        {"page": "999999999999999999999"},
        {"sort": "drop table"},
        {"sort": "relevance"},  # no query: falls back to name
        {"type": "nonsense", "country": "<script>", "eu": "maybe", "sector": "ZZ"},
        {"q": '"(*'},
        {"q": "x" * 5000},
        {"innovation": ["x"] * 300},
    ],
)
def test_bad_input_never_fails(client, catalogue, params):
    response = client.get(DIRECTORY, params)
    assert response.status_code == 200


def test_paging_20_per_page(client):
    for i in range(45):
        Organisation.objects.create(name=f"Org {i:02d}", org_type="company")
    response = client.get(DIRECTORY, {"page": 3})
    assert len(response.context["organisations"]) == 5
    assert response.context["page_obj"].number == 3
    response = client.get(DIRECTORY, {"page": 99})
    assert response.context["page_obj"].number == 3
    response = client.get(DIRECTORY, {"type": "company"})
    body = response.content.decode()
    assert "type=company&amp;page=2" in body


def test_htmx_request_gets_the_fragment_only(client, catalogue):
    response = client.get(DIRECTORY, {"q": "robots"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and "Cologne Robots GmbH" in body
    assert 'name="country"' in body  # the facets come along with the results
    assert "HX-Request" in response.headers.get("Vary", "")
    full = client.get(DIRECTORY, {"q": "robots"}).content.decode()
    assert "<html" in full and 'hx-get="' in full and 'hx-push-url="true"' in full


def test_directory_query_count_does_not_grow(client, django_assert_max_num_queries, anna):
    for i in range(30):
        org = Organisation.objects.create(
            name=f"Robot {i}", org_type="company", description="robots", country="BE"
        )
        org.innovation_types.set(InnovationType.objects.all()[:3])
    search_documents_refresh()
    client.force_login(anna)
    # session + user, grouped facets, innovation types (in use? and counts), page; no COUNT;
    # on PostgreSQL also SET LOCAL before and after a full-text query (search_prefer_index)
    with django_assert_max_num_queries(7 if connection.vendor == "sqlite" else 9):
        assert client.get(DIRECTORY, {"q": "robot", "country": "BE"}).status_code == 200
    with django_assert_max_num_queries(7):
        assert client.get(DIRECTORY, {"sort": "funding", "page": 2}).status_code == 200


def test_profile_page_shows_all_fields(client, anna):
    org = _org(
        "Full Profile NV",
        short_name="FP",
        size_class="medium",
        nace_code="62.01",
        region="oost_vlaanderen",
        website="https://full.example",
        description="Beschrijving hier.",
        offers="Wij bieden software.",
        seeks="Wij zoeken partners.",
        expertise_tags=["AI", "IoT"],
        languages=["nl", "en"],
        innovation=["service"],
    )
    ContactPerson.objects.create(organisation=org, name="Piet Contact", email="piet@full.example")
    response = client.get(reverse("organisations:organisation-detail", args=[org.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    for text in [
        "Full Profile NV",
        "62.01",
        "https://full.example",
        "Beschrijving hier.",
        "Wij bieden software.",
        "Wij zoeken partners.",
        "IoT",
        "NL, EN",
    ]:
        assert text in body, text
    assert "Piet Contact" not in body and "piet@full.example" not in body
    client.force_login(anna)
    body = client.get(reverse("organisations:organisation-detail", args=[org.pk])).content.decode()
    assert "Piet Contact" in body and "piet@full.example" in body


def test_profile_shows_history_and_funding_in_locale(client):
    org = _org("Partner A", country="BE")
    other = _org("Partner B", country="NL")
    hidden = _org("Secret Partner HIDDENMARK", visibility=Visibility.HIDDEN)
    project = Project.objects.create(
        cordis_id="123",
        acronym="HYDRO",
        title="Hydrogen",
        programme="H2020",
        start_date=datetime.date(2019, 1, 1),
    )
    Participation.objects.create(
        project=project, organisation=org, role="coordinator", ec_contribution=Decimal("1234567")
    )
    Participation.objects.create(project=project, organisation=other, role="participant")
    Participation.objects.create(project=project, organisation=hidden, role="participant")
    url = reverse("organisations:organisation-detail", args=[org.pk])
    body = client.get(url, headers={"Accept-Language": "nl"}).content.decode()
    assert "Partner B" in body and "HYDRO" in body and "CORDIS" in body
    assert "HIDDENMARK" not in body
    assert "1.234.567" in body  # Dutch grouping
    body = client.get(url, headers={"Accept-Language": "en"}).content.decode()
    assert "1,234,567" in body


def test_profile_page_query_count(client, django_assert_max_num_queries):
    org = _org("Busy", innovation=["service", "brand"])
    for i in range(10):
        partner = _org(f"Partner {i}")
        project = Project.objects.create(cordis_id=str(i), title=f"P{i}", programme="H2020")
        Participation.objects.create(project=project, organisation=org, role="participant")
        Participation.objects.create(project=project, organisation=partner, role="participant")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("organisations:organisation-detail", args=[org.pk]))
    assert response.status_code == 200
    assert "Partner 9" in response.content.decode()
