"""The suggested partners of a profile, fetched lazily by the profile page."""

import pytest
from django.urls import reverse

from loket.matching.tests.conftest import HIDDEN_MARKER

pytestmark = pytest.mark.django_db


def _url(organisation) -> str:
    return reverse("matching:suggested-partners", args=[organisation.pk])


def test_htmx_gets_the_fragment_with_explanations(client_for, chloe, org_a, match_world):
    client = client_for(chloe)
    client.cookies["loket_language"] = "en"
    response = client.get(_url(org_a), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["Vary"] and "HX-Request" in response["Vary"]
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="card suggested-partners"')
    assert "<html" not in body
    assert "Universiteit Voedselkwaliteit" in body
    assert "Members Lab" in body  # chloe is signed in
    assert "Hidden Food Sensors" not in body and HIDDEN_MARKER not in body
    # Why: Acme and the university share a project and its EU topic.
    assert "You worked together in 1 project." in body
    assert "Matching text:" in body
    assert "FOOD-01" in body
    assert "Acme Sensors</a>" not in body  # never the profile itself


def test_without_javascript_the_link_opens_a_whole_page(client_for, org_a, match_world):
    response = client_for(None).get(_url(org_a))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" in body and "<h1>" in body
    assert reverse("organisations:organisation-detail", args=[org_a.pk]) in body
    assert "Universiteit Voedselkwaliteit" in body
    assert "Members Lab" not in body  # anonymous: public profiles only
    assert HIDDEN_MARKER not in body


def test_outsiders_get_404_for_a_hidden_profile(client_for, chloe, cora, match_world):
    hidden = match_world["hidden"]
    for client in (client_for(chloe), client_for(None)):
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(_url(hidden), headers=headers)
            assert response.status_code == 404
            assert HIDDEN_MARKER not in response.content.decode()
    # Members-only profiles are 404 for anonymous visitors as on the profile page.
    assert client_for(None).get(_url(match_world["lab"])).status_code == 404
    # Curators may open a hidden profile, so its suggestions too (never hidden ones in them).
    response = client_for(cora).get(_url(hidden), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.content.decode().count("Hidden Food Sensors") == 0


def test_unknown_or_odd_ids_are_404(client_for, match_world):
    client = client_for(None)
    assert client.get("/partners/suggested/999999/").status_code == 404
    assert client.get("/partners/suggested/99999999999999999999/").status_code == 404
