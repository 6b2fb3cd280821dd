"""The public scoring function other apps call, and profiles created or edited after a build."""

import pytest

from loket.matching.engine import Filters
from loket.matching.index import index_reset
from loket.matching.selectors import organisation_scores_for_text
from loket.matching.services import match_for, profile_vector_refresh
from loket.organisations.models import Organisation, OrganisationType

pytestmark = pytest.mark.django_db

NEED = "food quality spectroscopy"


def test_scores_cover_visible_profiles_only(chloe, match_world):
    public = organisation_scores_for_text(text=NEED)
    assert match_world["uni"].pk in public
    assert match_world["lab"].pk not in public  # members-only: not for anonymous callers
    assert match_world["hidden"].pk not in public
    member = organisation_scores_for_text(text=NEED, user=chloe)
    assert match_world["lab"].pk in member
    assert match_world["hidden"].pk not in member
    assert all(0.0 < score < 1.0 for score in member.values())


def test_scores_can_be_restricted_to_given_organisations(chloe, org_b, match_world):
    wanted = [match_world["lab"].pk, org_b.pk, match_world["hidden"].pk]
    scores = organisation_scores_for_text(text=NEED, organisation_ids=wanted, user=chloe)
    # Every visible one is scored, even one no signal proposes; the hidden one never.
    assert set(scores) == {match_world["lab"].pk, org_b.pk}
    assert scores[match_world["lab"].pk] > scores[org_b.pk]
    assert organisation_scores_for_text(text=NEED, organisation_ids=[]) == {}
    assert len(organisation_scores_for_text(text=NEED, user=chloe, limit=1)) == 1


def test_scores_are_empty_without_an_index_or_a_text(match_settings, org_a):
    assert organisation_scores_for_text(text=NEED) == {}
    assert organisation_scores_for_text(text="  ") == {}


def test_an_organisation_created_after_the_build_is_found(chloe, match_world):
    newcomer = Organisation.objects.create(
        name="Nieuwe Spectroscopie",
        org_type=OrganisationType.COMPANY,
        country="BE",
        region="antwerpen",
        description="Hyperspectral spectroscopy cameras for food quality sorting.",
    )
    assert newcomer.pk not in organisation_scores_for_text(text=NEED, user=chloe)
    profile_vector_refresh(organisation_id=newcomer.pk)
    index_reset()
    assert newcomer.pk in organisation_scores_for_text(text=NEED, user=chloe)
    found = match_for(user=chloe, text=NEED, filters=Filters(regions={"antwerpen"}), top=5)
    assert found[0].organisation == newcomer
    assert all(r.organisation.region == "antwerpen" for r in found)
    assert any(term == "spectroscopy" for term in found[0].explanation.terms)


def test_filters_read_the_attributes_of_an_edited_profile(chloe, match_world):
    uni = match_world["uni"]
    assert not match_for(user=chloe, text=NEED, filters=Filters(regions={"limburg"}), top=5)
    uni.region = "limburg"
    uni.save()
    profile_vector_refresh(organisation_id=uni.pk)
    found = match_for(user=chloe, text=NEED, filters=Filters(regions={"limburg"}), top=5)
    assert [r.organisation for r in found] == [uni]


def test_a_profile_re_embedded_by_another_process_is_seen_after_the_overlay_interval(
    chloe, match_world, monkeypatch
):
    """The worker that re-embeds a profile is another process: this one looks for new vectors
    at most every OVERLAY_TTL seconds (one query), then lays them over its index."""
    from loket.matching import index as index_module

    newcomer = Organisation.objects.create(
        name="Nieuwe Spectroscopie",
        org_type=OrganisationType.COMPANY,
        country="BE",
        description="Hyperspectral spectroscopy cameras for food quality sorting.",
    )
    assert newcomer.pk not in organisation_scores_for_text(text=NEED, user=chloe)
    monkeypatch.setattr(index_module, "overlay_expire", lambda: None)  # as in another process
    monkeypatch.setattr("loket.matching.services.overlay_expire", lambda: None)
    monkeypatch.setattr(index_module, "OVERLAY_TTL", 3600.0)
    profile_vector_refresh(organisation_id=newcomer.pk)
    assert newcomer.pk not in organisation_scores_for_text(text=NEED, user=chloe)
    monkeypatch.setattr(index_module, "OVERLAY_TTL", 0.0)
    assert newcomer.pk in organisation_scores_for_text(text=NEED, user=chloe)


def test_a_dutch_need_is_explained_with_the_english_words_it_matched(chloe, match_world):
    """The test encoder is told that the Dutch words mean the English ones (as the multilingual
    model knows); BM25 and the explanation only see words, so the explanation highlights the
    English feedback terms through which the Dutch need found the English profile."""
    from loket.matching.encoders import HashingEncoder, encoder_register
    from loket.matching.index import index_build

    synonyms = {"voedsel": "food", "kwaliteit": "quality"}
    encoder_register("test-hashing", HashingEncoder(dim=64, synonyms=synonyms))
    index_build()
    index_reset()
    found = match_for(user=chloe, text="voedsel kwaliteit", top=3)
    first = found[0]
    assert first.organisation in (match_world["uni"], match_world["lab"])  # the food profiles
    highlighted = {text.lower() for text, hit in first.explanation.segments if hit}
    assert highlighted & {"food", "quality"}  # no word of the need itself is in any profile
