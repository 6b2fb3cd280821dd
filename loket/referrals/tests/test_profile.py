"""The intermediary's own profile page: admins change it, members read it, nobody else sees it."""

import pytest

from loket.organisations.models import Organisation, OrganisationType
from loket.referrals.models import IntermediaryProfile

pytestmark = pytest.mark.django_db


def url(organisation) -> str:
    return f"/vraag/intermediaries/manage/{organisation.pk}/"


def valid_post(instruments, **overrides) -> dict:
    data = {
        "services": ["ip_licensing", "research"],
        "target_groups": ["sme"],
        "instrument_links": [instruments["kmo"].pk],
        "instruments": "Provinciale innovatiecheque",
        "activities": "Octrooicafé, elke maand",
        "regions_served": ["west_vlaanderen", "oost_vlaanderen"],
        "languages": ["nl", "fr"],
        "response_days": "2",
        "accepts_cases": "on",
        "contact_email": "vragen@innovatiecentrum.example",
    }
    data.update(overrides)
    return data


def snapshot(profile: IntermediaryProfile) -> tuple:
    profile.refresh_from_db()
    return (
        profile.services,
        profile.target_groups,
        profile.instruments,
        profile.activities,
        profile.regions_served,
        profile.languages,
        profile.response_days,
        profile.accepts_cases,
        profile.contact_email,
        sorted(profile.instrument_links.values_list("pk", flat=True)),
    )


def test_admin_edits_every_field_and_the_directory_shows_it(
    client_for, ida, wvl_profile, instruments, org_intermediary
):
    client = client_for(ida)
    page = client.get(url(org_intermediary)).content.decode()
    assert 'data-testid="save-profile"' in page
    assert "KMO-portefeuille" in page and "Oude premie" not in page  # current instruments only
    response = client.post(url(org_intermediary), valid_post(instruments))
    assert response.status_code == 302
    wvl_profile.refresh_from_db()
    assert wvl_profile.services == ["ip_licensing", "research"]
    assert sorted(wvl_profile.regions_served) == ["oost_vlaanderen", "west_vlaanderen"]
    assert wvl_profile.languages == ["nl", "fr"]
    assert (wvl_profile.response_days, wvl_profile.accepts_cases) == (2, True)
    assert wvl_profile.activities == "Octrooicafé, elke maand"
    assert list(wvl_profile.instrument_links.all()) == [instruments["kmo"]]
    public = client_for(None).get(f"/vraag/intermediaries/{wvl_profile.pk}/").content.decode()
    assert 'href="/instruments/kmo-portefeuille/"' in public
    assert "Provinciale innovatiecheque" in public and "Octrooicafé" in public
    # Unticking everything is a valid choice too (and stops accepting questions).
    client.post(
        url(org_intermediary),
        {"response_days": "5", "instruments": "", "activities": "", "contact_email": ""},
    )
    wvl_profile.refresh_from_db()
    assert wvl_profile.services == [] and wvl_profile.accepts_cases is False
    assert wvl_profile.instrument_links.count() == 0


def test_profile_is_created_on_first_save(client_for, ida, org_intermediary, instruments):
    assert not IntermediaryProfile.objects.filter(organisation=org_intermediary).exists()
    assert client_for(ida).get(url(org_intermediary)).status_code == 200
    client_for(ida).post(url(org_intermediary), valid_post(instruments))
    profile = IntermediaryProfile.objects.get(organisation=org_intermediary)
    assert profile.services == ["ip_licensing", "research"]


def test_member_reads_but_cannot_write(client_for, ivo, wvl_profile, org_intermediary, instruments):
    before = snapshot(wvl_profile)
    client = client_for(ivo)
    page = client.get(url(org_intermediary)).content.decode()
    assert 'data-testid="read-only"' in page
    assert 'data-testid="save-profile"' not in page
    assert "Infosessie octrooien" in page
    response = client.post(url(org_intermediary), valid_post(instruments))
    assert response.status_code == 404
    assert snapshot(wvl_profile) == before


@pytest.mark.parametrize("who", ["chloe", "tara", "anna", "cora"])
def test_outsiders_get_404_and_a_refused_write_changes_nothing(
    request, client_for, who, wvl_profile, org_intermediary, instruments, tto_profile
):
    user = request.getfixturevalue(who)
    before = snapshot(wvl_profile)
    client = client_for(user)
    response = client.get(url(org_intermediary))
    assert response.status_code == 404
    assert "Infosessie octrooien" not in response.content.decode()
    assert client.post(url(org_intermediary), valid_post(instruments)).status_code == 404
    assert snapshot(wvl_profile) == before


def test_anonymous_is_sent_to_log_in(client_for, wvl_profile, org_intermediary, instruments):
    before = snapshot(wvl_profile)
    client = client_for(None)
    response = client.get(url(org_intermediary))
    assert response.status_code == 302 and "/login" in response["Location"]
    assert "Infosessie" not in response.content.decode()
    client.post(url(org_intermediary), valid_post(instruments))
    assert snapshot(wvl_profile) == before


def test_admin_of_a_company_cannot_open_it_as_an_intermediary_profile(client_for, anna, org_a):
    assert client_for(anna).get(url(org_a)).status_code == 404
    assert client_for(anna).get("/vraag/intermediaries/manage/999999999/").status_code == 404


@pytest.mark.parametrize(
    "overrides",
    [
        {"response_days": "0"},
        {"response_days": "abc"},
        {"services": ["bogus"]},
        {"regions_served": ["atlantis"]},
        {"instrument_links": ["999999"]},
        {"contact_email": "not-an-address"},
        {"activities": "x" * 5001},
    ],
)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(
    client_for, ida, wvl_profile, org_intermediary, instruments, overrides
):
    before = snapshot(wvl_profile)
    response = client_for(ida).post(url(org_intermediary), valid_post(instruments, **overrides))
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert snapshot(wvl_profile) == before


def test_historical_instrument_cannot_be_chosen(
    client_for, ida, wvl_profile, org_intermediary, instruments
):
    old = instruments["old"].pk
    response = client_for(ida).post(
        url(org_intermediary), valid_post(instruments, instrument_links=[old])
    )
    assert response.status_code == 400
    assert wvl_profile.instrument_links.count() == 0


def test_staff_of_a_second_intermediary_edit_only_their_own(client_for, ida, instruments):
    other = Organisation.objects.create(
        name="Ander Centrum", org_type=OrganisationType.INTERMEDIARY, country="BE"
    )
    assert client_for(ida).get(url(other)).status_code == 404
    assert client_for(ida).post(url(other), valid_post(instruments)).status_code == 404
    assert not IntermediaryProfile.objects.filter(organisation=other).exists()


def test_a_self_made_profile_waits_for_a_curator_before_it_is_listed_or_routed(
    client_for, ida, org_intermediary, instruments, tto_profile
):
    client = client_for(ida)
    client.post(url(org_intermediary), valid_post(instruments))
    profile = IntermediaryProfile.objects.get(organisation=org_intermediary)
    assert profile.approved is False and profile.accepts_cases is True
    assert 'data-testid="awaiting-review"' in client.get(url(org_intermediary)).content.decode()
    assert client_for(None).get(f"/vraag/intermediaries/{profile.pk}/").status_code == 404
    directory = client_for(None).get("/vraag/intermediaries/").content.decode()
    assert org_intermediary.name not in directory
    from loket.referrals import selectors

    ranked = selectors.intermediaries_rank(
        text="octrooi op een sensor", region="west_vlaanderen", limit=10
    )
    assert org_intermediary not in [p.profile.organisation for p in ranked]
    # Its staff have an inbox for what reaches them, but not the network's figures.
    assert client.get("/vraag/dashboard/").status_code == 404
    IntermediaryProfile.objects.filter(pk=profile.pk).update(approved=True)
    assert client_for(None).get(f"/vraag/intermediaries/{profile.pk}/").status_code == 200
    assert client.get("/vraag/dashboard/").status_code == 200
