"""What a question brings along: organisations from the directory search, instruments of the
proposed intermediaries, routing helped by the matching engine; all recorded atomically."""

import pytest
from django.core import mail

from loket.matching.encoders import HashingEncoder, encoder_register
from loket.matching.index import index_build, index_reset
from loket.organisations.models import Organisation, OrganisationType
from loket.organisations.search import search_documents_refresh
from loket.referrals import selectors, services
from loket.referrals.models import Case, CaseEvent, CaseLink, IntermediaryProfile

pytestmark = pytest.mark.django_db

IP_QUESTION = "Wij willen een octrooi aanvragen op onze nieuwe sensor. Hoe pakken we dat aan?"
HIDDEN_MARKER = "verborgenoctrooibureau"


@pytest.fixture
def directory(org_a):
    made = {
        "patents": Organisation.objects.create(
            name="Octrooibureau Kust",
            org_type=OrganisationType.COMPANY,
            country="BE",
            description="Wij schrijven octrooiaanvragen voor sensoren en elektronica.",
        ),
        "members": Organisation.objects.create(
            name="Sensorlab Leden",
            org_type=OrganisationType.RESEARCH_CENTRE,
            country="BE",
            visibility="members",
            description="Onderzoek naar sensoren en octrooien.",
        ),
        "hidden": Organisation.objects.create(
            name=f"Stil Bureau {HIDDEN_MARKER}",
            org_type=OrganisationType.COMPANY,
            country="BE",
            visibility="hidden",
            description=f"Octrooien en sensoren {HIDDEN_MARKER}.",
        ),
        "bakery": Organisation.objects.create(
            name="Bakkerij Brood",
            org_type=OrganisationType.COMPANY,
            country="BE",
            description="Wij bakken brood.",
        ),
    }
    org_a.description = "Wij ontwikkelen slimme sensoren en vragen octrooien aan."
    org_a.save()
    search_documents_refresh()
    return made


def test_suggestions_come_from_the_directory_search_by_visibility(anna, org_a, directory, profiles):
    for_member = selectors.organisations_suggested(
        text=IP_QUESTION, user=anna, exclude_ids=(org_a.pk,)
    )
    names = [o.name for o in for_member]
    assert "Octrooibureau Kust" in names and "Sensorlab Leden" in names
    assert "Bakkerij Brood" not in names and org_a.name not in names
    assert not any(HIDDEN_MARKER in name for name in names)
    for_visitor = [o.name for o in selectors.organisations_suggested(text=IP_QUESTION, user=None)]
    assert "Octrooibureau Kust" in for_visitor and "Sensorlab Leden" not in for_visitor
    assert selectors.organisations_suggested(text="de het een", user=anna) == []
    # Intermediaries are proposed as holders, never as organisations to contact.
    assert not any(o.org_type == "intermediary" for o in for_member)


def test_opening_records_suggestions_and_instruments_for_the_requester(
    client_for, anna, org_a, directory, wvl_profile, profiles, instruments
):
    wvl_profile.instrument_links.add(instruments["kmo"], instruments["innovation"])
    case = services.case_open(question=IP_QUESTION, user=anna, organisation=org_a)
    labels = set(case.links.filter(internal=False).values_list("label", flat=True))
    assert {"Octrooibureau Kust", "Sensorlab Leden", "KMO-portefeuille"} <= labels
    assert "Innovatieproject" not in labels  # shares no word with the question
    assert org_a.name not in labels
    page = client_for(anna).get(f"/vraag/cases/{case.pk}/").content.decode()
    assert 'href="/instruments/kmo-portefeuille/"' in page
    assert "Octrooibureau Kust" in page and HIDDEN_MARKER not in page


def test_preview_shows_instruments_of_the_proposed_intermediaries(
    client, wvl_profile, profiles, instruments
):
    wvl_profile.instrument_links.add(instruments["kmo"])
    response = client.post(
        "/vraag/",
        {
            "question": IP_QUESTION,
            "visitor_email": "v@example.com",
            "contact_consent": "on",
            "region": "west_vlaanderen",
            "step": "preview",
        },
    )
    body = response.content.decode()
    assert 'data-testid="suggested-instruments"' in body
    assert "/instruments/kmo-portefeuille/" in body
    assert Case.objects.count() == 0


def test_a_failure_while_recording_suggestions_leaves_no_case(
    monkeypatch, anna, org_a, profiles, django_capture_on_commit_callbacks
):
    # An organisation that was never saved cannot be linked: the write fails inside case_open.
    monkeypatch.setattr(
        selectors,
        "organisations_suggested",
        lambda **kwargs: [Organisation(name="Nooit bewaard")],
    )
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Exception):  # noqa: B017
        services.case_open(question=IP_QUESTION, user=anna, organisation=org_a)
    assert Case.objects.count() == 0
    assert CaseEvent.objects.count() == 0 and CaseLink.objects.count() == 0
    assert mail.outbox == []


@pytest.fixture
def twin_centres(db, settings, tmp_path):
    """Two West Flemish centres with the same services and languages; only the profile text
    tells them apart, so only the matching engine can choose."""
    settings.LOKET_MATCH_INDEX_DIR = tmp_path / "match_index"
    settings.LOKET_MATCH_ENCODER = "test-hashing"
    encoder_register("test-hashing", HashingEncoder(dim=256))
    made = []
    for name, text in [
        ("Aaa Centrum Voeding", "Voedingstechnologie, bakkerijen, brouwerijen en zuivel."),
        ("Zzz Centrum Octrooien", "Octrooien, octrooiaanvraag, licenties op sensoren."),
    ]:
        org = Organisation.objects.create(
            name=name,
            org_type=OrganisationType.INTERMEDIARY,
            country="BE",
            region="west_vlaanderen",
            description=text,
        )
        IntermediaryProfile.objects.create(
            organisation=org,
            services=["ip_licensing"],
            regions_served=["west_vlaanderen"],
            languages=["nl"],
        )
        made.append(org)
    index_reset()
    yield made
    index_reset()


def test_without_a_match_index_routing_uses_the_rules_only(twin_centres):
    proposals = selectors.intermediaries_rank(text=IP_QUESTION, region="west_vlaanderen")
    assert proposals[0].score == proposals[1].score
    assert proposals[0].profile.organisation.name == "Aaa Centrum Voeding"  # by name


def test_matching_engine_breaks_the_tie_for_the_text(twin_centres):
    index_build()
    index_reset()
    voeding, octrooien = twin_centres
    scores = selectors.matching_scores(
        text=IP_QUESTION, organisation_ids=[voeding.pk, octrooien.pk]
    )
    assert scores[octrooien.pk] == 1.0
    assert scores.get(voeding.pk, 0.0) < 1.0
    proposals = selectors.intermediaries_rank(text=IP_QUESTION, region="west_vlaanderen")
    assert proposals[0].profile.organisation == octrooien
    assert proposals[0].score > proposals[1].score
