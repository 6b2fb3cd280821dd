"""The page, the API, the batch command and feedback, with the visibility rules."""

import json

import pytest
from django.core.management import call_command

from loket.matching.models import MatchFeedback
from loket.matching.services import match_for, profile_vector_refresh
from loket.matching.tests.conftest import HIDDEN_MARKER

pytestmark = pytest.mark.django_db

NEED = "food quality spectroscopy"


def test_anonymous_sees_only_public_profiles(client_for, match_world):
    response = client_for(None).get("/partners/", {"q": NEED})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Universiteit Voedselkwaliteit" in body
    assert "Members Lab" not in body
    assert "Hidden Food Sensors" not in body and HIDDEN_MARKER not in body


def test_members_see_members_profiles_but_never_hidden_ones(client_for, chloe, match_world):
    body = client_for(chloe).get("/partners/", {"q": NEED}).content.decode()
    assert "Members Lab" in body
    assert "Hidden Food Sensors" not in body and HIDDEN_MARKER not in body


def test_hidden_profile_is_not_suggested_even_to_curators(cora, match_world):
    names = [r.organisation.name for r in match_for(user=cora, text=NEED, top=20)]
    assert "Hidden Food Sensors" not in names


def test_explanations_show_highlighted_terms_and_network_path(client_for, anna, match_world):
    body = client_for(anna).get("/partners/", {"q": NEED, "complementary": "on"}).content
    body = body.decode()
    assert "<mark>" in body
    assert "Beta Logistics" in body or "You worked together" in body


def test_api_applies_the_same_rules(client_for, chloe, match_world):
    anonymous = client_for(None).get("/api/v1/match", {"q": NEED}).json()
    names = {r["name"] for r in anonymous["results"]}
    assert "Universiteit Voedselkwaliteit" in names
    assert "Members Lab" not in names and "Hidden Food Sensors" not in names
    member = client_for(chloe).get("/api/v1/match", {"q": NEED}).json()
    assert "Members Lab" in {r["name"] for r in member["results"]}
    assert HIDDEN_MARKER not in json.dumps(member)


def test_api_suggestions_404_for_profiles_the_caller_may_not_see(client_for, chloe, match_world):
    hidden = match_world["hidden"].pk
    assert client_for(chloe).get(f"/api/v1/match/organisations/{hidden}").status_code == 404
    lab = match_world["lab"].pk
    assert client_for(None).get(f"/api/v1/match/organisations/{lab}").status_code == 404
    response = client_for(None).get(f"/api/v1/match/organisations/{match_world['uni'].pk}")
    assert response.status_code == 200
    assert HIDDEN_MARKER not in response.content.decode()


def test_api_refuses_an_invalid_token(client_for, match_world):
    response = client_for(None).get("/api/v1/match", {"q": NEED}, HTTP_AUTHORIZATION="Bearer nope")
    assert response.status_code == 401


def test_bad_input_gets_a_message_not_a_500(client_for, match_world):
    assert client_for(None).get("/partners/", {"q": "x" * 5000}).status_code == 200
    assert client_for(None).get("/api/v1/match", {"top": "999"}).status_code == 422
    assert client_for(None).get("/api/v1/match", {"q": ""}).status_code == 400


def test_feedback_is_stored_and_refused_for_hidden_profiles(client_for, chloe, match_world):
    client = client_for(chloe)
    uni = match_world["uni"].pk
    response = client.post(
        "/partners/feedback", {"need": NEED, "organisation": uni, "verdict": "useful", "rank": 1}
    )
    assert response.status_code == 302
    assert MatchFeedback.objects.get().verdict == "useful"
    hidden = match_world["hidden"].pk
    response = client.post(
        "/partners/feedback", {"need": NEED, "organisation": hidden, "verdict": "useful"}
    )
    assert response.status_code == 404
    assert MatchFeedback.objects.count() == 1


def test_match_batch_format(tmp_path, org_a, match_world):
    queries = tmp_path / "q.jsonl"
    queries.write_text(
        json.dumps({"id": "q1", "text": NEED, "seeker": str(org_a.pk), "exclude": []})
        + "\n"
        + json.dumps({"id": "q2", "text": NEED, "exclude": ["999000001"]})
        + "\n"
    )
    out = tmp_path / "r.jsonl"
    call_command("match_batch", "--in", str(queries), "--out", str(out), "--top", "5")
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line["id"] for line in lines] == ["q1", "q2"]
    first = lines[0]["results"]
    assert first and set(first[0]) == {"organisation", "score"}
    assert "999000001" in {r["organisation"] for r in first}  # the PIC for imported ones
    assert str(org_a.pk) not in {r["organisation"] for r in first}  # not the seeker itself
    assert str(match_world["hidden"].pk) not in {r["organisation"] for r in first}
    assert "999000001" not in {r["organisation"] for r in lines[1]["results"]}
    scores = [r["score"] for r in first]
    assert scores == sorted(scores, reverse=True)


def test_changed_profile_is_reembedded_without_a_rebuild(chloe, match_world):
    lab = match_world["lab"]
    lab.description = "Offshore wind turbine blade recycling."
    lab.save()
    profile_vector_refresh(organisation_id=lab.pk)
    names = [r.organisation.name for r in match_for(user=chloe, text="wind turbine blade", top=3)]
    assert names[0] == "Members Lab"
