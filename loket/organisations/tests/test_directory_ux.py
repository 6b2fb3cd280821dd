"""The directory's result cards: highlighted, escaped snippets, country names, empty results."""

import pytest
from django.urls import reverse
from django.utils import translation

from loket.lib.text import stems
from loket.organisations.countries import country_name
from loket.organisations.models import Organisation, OrganisationType
from loket.organisations.search import search_documents_refresh
from loket.organisations.snippets import snippet_segments

DIRECTORY = reverse("organisations:directory")


def test_snippet_marks_stemmed_matches_around_the_first_hit():
    long_text = "Intro words without the term. " * 10 + "Wij zoeken samenwerkingen met kmo's."
    segments = snippet_segments(["", long_text], [stems("samenwerking")], width=80)
    assert segments[0] == ("…", False)
    assert ("samenwerkingen", True) in segments
    assert "".join(text for text, _ in segments).startswith("…")


def test_snippet_prefix_and_fallback():
    assert ("Robotics", True) in snippet_segments(
        ["Robotics for ports"], [("robo",)], prefix_last=True
    )
    # Nothing matches (e.g. only the name did): the first text, unmarked.
    assert snippet_segments(["Logistics.", "Other"], [("robot",)]) == [("Logistics.", False)]
    assert snippet_segments(["", "  "], [("x",)]) == []


def test_country_names_and_cordis_codes():
    with translation.override("en"):
        assert country_name("be") == "Belgium"
    assert country_name("UK") == country_name("GB")
    assert country_name("EL") == country_name("GR")
    assert country_name("XZ") == "XZ"


def _org(name: str, **fields) -> Organisation:
    fields.setdefault("org_type", OrganisationType.COMPANY)
    organisation = Organisation.objects.create(name=name, **fields)
    search_documents_refresh(organisation_ids=[organisation.pk])
    return organisation


@pytest.mark.django_db
def test_result_card_escapes_profile_html_and_highlights(client, settings):
    settings.LANGUAGE_CODE = "en"
    _org(
        "Sensor <b>Works</b>",
        country="DE",
        description='Robots <script>alert("x")</script> and <mark>fake</mark> robots.',
        project_count=2,
        eu_contribution_total=1000,
    )
    body = client.get(DIRECTORY, {"q": "robots"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<script>alert" not in body and "&lt;script&gt;" in body
    assert "&lt;mark&gt;fake&lt;/mark&gt;" in body
    assert "<mark>Robots</mark>" in body
    assert "Sensor &lt;b&gt;Works&lt;/b&gt;" in body
    assert "Germany" in body
    assert 'class="result-title"' in body


@pytest.mark.django_db
def test_facets_stay_visible_without_results(client):
    _org("Acme", country="BE", region="antwerpen", size_class="small")
    response = client.get(DIRECTORY, {"q": "nothingmatchesthis", "type": "company"})
    result = response.context["result"]
    assert result.count == 0
    facets = {facet.name: facet for facet in result.facets}
    assert len(facets["type"].options) == len(OrganisationType.choices)
    assert any(o.selected for o in facets["type"].options)
    assert len(facets["region"].options) > 1
    body = response.content.decode()
    assert 'name="type" value="startup"' in body
    # A way back: clear the filters, keep the query.
    assert "?q=nothingmatchesthis" in body


@pytest.mark.django_db
def test_default_sort_follows_the_query(client):
    _org("Zeta Robots", description="robots robots robots")
    _org("Alpha Robots", description="robots")
    body = client.get(DIRECTORY).content.decode()
    assert '<option value="" selected>' in body
    # Typing a query in a page opened without one sends sort="": best match, not by name.
    response = client.get(DIRECTORY, {"q": "robots", "sort": ""})
    assert response.context["result"].sort == "relevance"
    response = client.get(DIRECTORY, {"q": "robots", "sort": "name"})
    assert [o.name for o in response.context["organisations"]] == ["Alpha Robots", "Zeta Robots"]
    assert '<option value="name" selected>' in response.content.decode()
