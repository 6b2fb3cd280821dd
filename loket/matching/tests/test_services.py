"""The in-memory copy of who is hidden or members-only: stale copies never show a profile."""

import json

import pytest
from django.core.management import call_command

from loket.matching import index as match_index
from loket.matching.index import index_get, visibility_get
from loket.matching.selectors import organisation_scores_for_text
from loket.matching.services import match_for
from loket.organisations.models import Organisation

pytestmark = pytest.mark.django_db

NEED = "food quality spectroscopy"


def _names(response) -> list[str]:
    assert response.status_code == 200
    return [r["name"] for r in response.json()["results"]]


def _position(organisation) -> int:
    return index_get().corpus.position[str(organisation.pk)]


def test_a_profile_hidden_after_the_copy_was_read_is_never_returned(client_for, match_world):
    client = client_for(None)
    before = client.get("/api/v1/match", {"q": NEED, "top": 1}).json()["results"]
    assert len(before) == 1
    first = Organisation.objects.get(pk=before[0]["id"])
    read_at = visibility_get(index_get()).read_at
    first.visibility = "hidden"
    first.save()
    after = _names(client.get("/api/v1/match", {"q": NEED, "top": 1}))
    # Still the copy read before the change, but the shown rows were checked: the next
    # profile takes the place, and the copy now knows.
    assert visibility_get(index_get()).read_at == read_at
    assert first.name not in after and len(after) == 1
    assert not visibility_get(index_get()).listed[_position(first)]
    assert first.pk not in organisation_scores_for_text(text=NEED)


def test_a_profile_made_members_only_is_not_returned_to_anonymous_callers(
    client_for, chloe, match_world
):
    uni = match_world["uni"]
    assert uni.name in _names(client_for(None).get("/api/v1/match", {"q": NEED}))
    uni.visibility = "members"
    uni.save()
    assert uni.name not in _names(client_for(None).get("/api/v1/match", {"q": NEED}))
    assert uni.name in _names(client_for(chloe).get("/api/v1/match", {"q": NEED}))


def test_a_profile_made_public_appears_once_the_copy_is_read_again(
    client_for, monkeypatch, match_world
):
    lab = match_world["lab"]
    assert lab.name not in _names(client_for(None).get("/api/v1/match", {"q": NEED}))
    lab.visibility = "public"
    lab.save()
    monkeypatch.setattr(match_index, "VISIBILITY_TTL", 0.0)
    assert lab.name in _names(client_for(None).get("/api/v1/match", {"q": NEED}))


def test_a_deleted_profile_is_not_returned_and_stays_out(cora, match_world):
    uni = match_world["uni"]
    assert uni in [r.organisation for r in match_for(user=cora, text=NEED)]
    position = _position(uni)
    uni.delete()
    assert uni.name not in [r.organisation.name for r in match_for(user=cora, text=NEED)]
    assert not visibility_get(index_get(), refresh=True).listed[position]


def test_the_batch_never_returns_a_profile_hidden_after_the_copy_was_read(tmp_path, match_world):
    queries = tmp_path / "q.jsonl"
    queries.write_text(json.dumps({"id": "q1", "text": NEED}) + "\n")
    out = tmp_path / "r.jsonl"
    call_command("match_batch", "--in", str(queries), "--out", str(out), "--top", "5")
    first = json.loads(out.read_text())["results"]
    assert "999000001" in {r["organisation"] for r in first}
    uni = match_world["uni"]
    uni.visibility = "hidden"
    uni.save()
    call_command("match_batch", "--in", str(queries), "--out", str(out), "--top", "5")
    again = json.loads(out.read_text())["results"]
    assert "999000001" not in {r["organisation"] for r in again}
    assert str(match_world["lab"].pk) in {r["organisation"] for r in again}  # members-only: yes


def test_the_shown_rows_take_one_query_and_no_query_per_result(
    django_assert_max_num_queries, client_for, match_world
):
    client = client_for(None)
    client.get("/api/v1/match", {"q": NEED})  # loads the index and the visibility copy
    # index freshness, the shown rows, their projects (explanations)
    with django_assert_max_num_queries(3):
        assert _names(client.get("/api/v1/match", {"q": NEED}))
