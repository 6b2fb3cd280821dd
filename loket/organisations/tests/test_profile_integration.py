"""The profile page's links (claim, manage), suggested partners, and matching refresh on change."""

from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from loket.matching.encoders import HashingEncoder, encoder_register
from loket.matching.index import index_build, index_reset
from loket.organisations import services
from loket.organisations.models import Organisation, OrganisationType

REEMBED = "loket.matching.tasks.profile_reembed"
HIDDEN_MARKER = "verborgenmerkwoord"


@pytest.fixture
def imported(db) -> Organisation:
    return Organisation.objects.create(
        name="Universiteit Gent",
        org_type=OrganisationType.KNOWLEDGE_INSTITUTION,
        source="cordis",
        cordis_pic="999990001",
        country="BE",
    )


def _detail(client, organisation):
    return client.get(reverse("organisations:organisation-detail", args=[organisation.pk]))


def _suggested(client, organisation, **headers):
    url = reverse("matching:suggested-partners", args=[organisation.pk])
    return client.get(url, headers=headers)


def test_unclaimed_import_offers_a_claim_link_to_signed_in_outsiders(client_for, chloe, imported):
    claim_url = reverse("organisations:organisation-claim", args=[imported.pk])
    assert claim_url in _detail(client_for(chloe), imported).content.decode()
    # Anonymous visitors are not offered the claim (they must log in first).
    assert claim_url not in _detail(client_for(None), imported).content.decode()
    imported.claimed = True
    imported.save(update_fields=["claimed"])
    assert claim_url not in _detail(client_for(chloe), imported).content.decode()


def test_members_get_a_manage_link_and_no_claim_link(client_for, anna, bram, chloe, org_a):
    manage_url = reverse("organisations:organisation-manage", args=[org_a.pk])
    for user in (anna, bram):
        body = _detail(client_for(user), org_a).content.decode()
        assert manage_url in body
        assert "/claim/" not in body
    assert manage_url not in _detail(client_for(chloe), org_a).content.decode()
    assert manage_url not in _detail(client_for(None), org_a).content.decode()


def test_without_a_match_index_the_suggestions_say_so(client_for, chloe, org_a):
    response = _suggested(client_for(chloe), org_a, HX_Request="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="muted no-suggestions"' in body
    assert "match-result" not in body


def test_profile_page_leaves_the_suggestions_to_a_lazy_request(client_for, chloe, org_a):
    """The matcher takes ~0.5 s: the page only carries a placeholder that fetches them."""
    with (
        mock.patch("loket.matching.services.match_for") as match_for,
        mock.patch("loket.matching.selectors.suggested_partners_for") as suggested,
    ):
        response = _detail(client_for(chloe), org_a)
    assert response.status_code == 200
    match_for.assert_not_called()
    suggested.assert_not_called()
    body = response.content.decode()
    url = reverse("matching:suggested-partners", args=[org_a.pk])
    assert f'hx-get="{url}"' in body and 'hx-trigger="load"' in body
    assert f'<a href="{url}">' in body  # the link for visitors without JavaScript
    assert "match-result" not in body


@pytest.fixture
def indexed(settings, tmp_path, org_a, org_b):
    settings.LOKET_MATCH_INDEX_DIR = tmp_path / "match_index"
    settings.LOKET_MATCH_ENCODER = "test-hashing"
    settings.LANGUAGE_CODE = "en"
    encoder_register("test-hashing", HashingEncoder(dim=64))
    org_a.description = "Smart sensors for food quality inspection."
    org_a.save()
    public = Organisation.objects.create(
        name="Food Quality Institute",
        org_type=OrganisationType.RESEARCH_CENTRE,
        country="BE",
        description="Food quality inspection with smart sensors and spectroscopy.",
    )
    hidden = Organisation.objects.create(
        name="Hidden Sensor Works",
        org_type=OrganisationType.COMPANY,
        country="BE",
        visibility="hidden",
        description=f"Smart sensors for food quality inspection {HIDDEN_MARKER}.",
    )
    members = Organisation.objects.create(
        name="Members Only Lab",
        org_type=OrganisationType.RESEARCH_CENTRE,
        country="BE",
        visibility="members",
        description="Food quality sensors and inspection.",
    )
    index_reset()
    index_build()
    index_reset()
    yield {"public": public, "hidden": hidden, "members": members}
    index_reset()


def test_suggested_partners_respect_visibility(client_for, chloe, org_a, indexed):
    anonymous = _suggested(client_for(None), org_a, HX_Request="true").content.decode()
    assert "Food Quality Institute" in anonymous
    assert "Members Only Lab" not in anonymous
    assert "Hidden Sensor Works" not in anonymous and HIDDEN_MARKER not in anonymous
    member = _suggested(client_for(chloe), org_a, HX_Request="true").content.decode()
    assert "Members Only Lab" in member
    assert "Hidden Sensor Works" not in member and HIDDEN_MARKER not in member


def test_own_hidden_profile_gets_suggestions_but_never_hidden_ones(
    client_for, anna, chloe, org_a, indexed
):
    org_a.visibility = "hidden"
    org_a.save(update_fields=["visibility"])
    response = _suggested(client_for(anna), org_a, HX_Request="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Food Quality Institute" in body
    assert "Hidden Sensor Works" not in body and HIDDEN_MARKER not in body
    # Outsiders learn nothing about a hidden profile, not even that it exists.
    for client in (client_for(chloe), client_for(None)):
        assert _suggested(client, org_a, HX_Request="true").status_code == 404
        assert _suggested(client, org_a).status_code == 404


def test_profile_create_update_and_claim_enqueue_reembedding(
    anna, chloe, cora, imported, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        created = services.organisation_create(
            user=anna, data={"name": "Nieuw Bedrijf", "org_type": "company"}
        )
    assert DBTaskResult.objects.filter(task_path=REEMBED, args_kwargs__args=[created.pk]).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_update(
            user=anna, organisation=created, data={"description": "Sensoren."}
        )
    assert (
        DBTaskResult.objects.filter(task_path=REEMBED, args_kwargs__args=[created.pk]).count() == 2
    )
    claim = services.claim_submit(user=chloe, organisation=imported, message="")
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_decide(curator=cora, claim=claim, approve=True)
    assert DBTaskResult.objects.filter(task_path=REEMBED, args_kwargs__args=[imported.pk]).exists()


def test_nothing_is_enqueued_when_the_change_rolls_back(anna, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValidationError),
    ):
        services.organisation_create(user=anna, data={"name": "", "org_type": "company"})
    assert not DBTaskResult.objects.filter(task_path=REEMBED).exists()
