"""Links from a case to organisations, instruments and challenges, each by its own visibility."""

import pytest
from django.utils import timezone

from loket.challenges.models import Challenge
from loket.referrals import services
from loket.referrals.models import CaseLink, EventKind

pytestmark = pytest.mark.django_db

IP_QUESTION = "Wij willen een octrooi aanvragen op onze nieuwe sensor. Hoe pakken we dat aan?"
SECRET_TITLE = "ZEERGEHEIM-uitdaging-91c"


@pytest.fixture
def case(anna, org_a, profiles, ivo):
    case = services.case_open(question=IP_QUESTION, user=anna, organisation=org_a, suggest=False)
    services.case_consent_give(case=case, user=anna)
    return case


def challenge(org, *, title: str, confidentiality: str, invited=()) -> Challenge:
    item = Challenge.objects.create(
        organisation=org,
        kind="challenge",
        title=title,
        teaser="Wij zoeken een partner voor sensoren.",
        confidentiality=confidentiality,
        status="published",
        published_at=timezone.now(),
    )
    item.invited_organisations.set(invited)
    return item


@pytest.fixture
def public_challenge(org_b):
    return challenge(org_b, title="Open uitdaging sensoren", confidentiality="public")


@pytest.fixture
def invited_challenge(org_b, org_intermediary):
    """Only the West Flemish centre is invited: its staff see it, the Antwerp TTO does not."""
    return challenge(
        org_b, title=SECRET_TITLE, confidentiality="invited", invited=[org_intermediary]
    )


def link(client, case, kind, reference, **extra):
    return client.post(
        f"/vraag/cases/{case.pk}/link/",
        {"kind": kind, "reference": reference},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
        **extra,
    )


def test_staff_link_instruments_by_slug_or_number_and_public_challenges(
    client_for, case, ivo, anna, instruments, public_challenge, org_b
):
    client = client_for(ivo)
    assert "Link added" in link(client, case, "instrument", "kmo-portefeuille").content.decode()
    link(client, case, "instrument", str(instruments["innovation"].pk))
    link(client, case, "challenge", str(public_challenge.pk))
    link(client, case, "organisation", str(org_b.pk))
    link(client, case, "instrument", "kmo-portefeuille")  # twice: still one link
    assert case.links.count() == 4
    page = client.get(f"/vraag/cases/{case.pk}/").content.decode()
    assert 'href="/instruments/kmo-portefeuille/"' in page
    assert f'href="/challenges/{public_challenge.pk}/"' in page
    assert f'href="/organisations/{org_b.pk}/"' in page
    assert case.events.filter(kind=EventKind.LINK, internal=True).count() == 4
    # Staff links are internal: the requester does not see them.
    requester_page = client_for(anna).get(f"/vraag/cases/{case.pk}/").content.decode()
    assert "kmo-portefeuille" not in requester_page
    assert "Open uitdaging sensoren" not in requester_page


def test_a_challenge_the_staff_member_may_not_see_cannot_be_linked(
    client_for, case, tara, ivo, org_tto, tto_profile, org_b
):
    hidden = challenge(org_b, title=SECRET_TITLE, confidentiality="invited", invited=[org_tto])
    draft = Challenge.objects.create(
        organisation=org_b, kind="challenge", title="Ontwerp", teaser="x", status="draft"
    )
    client = client_for(ivo)
    for reference in (str(hidden.pk), str(draft.pk), "999999", "abc", "9" * 40):
        body = link(client, case, "challenge", reference).content.decode()
        assert "Nothing found with that number" in body
        assert SECRET_TITLE not in body
    assert link(client, case, "bogus", "1").status_code == 200
    assert link(client, case, "instrument", "").status_code == 200
    assert case.links.count() == 0
    assert not case.events.filter(kind=EventKind.LINK).exists()


def test_after_a_hand_over_the_new_holder_does_not_see_a_challenge_it_may_not_read(
    client_for, case, ivo, tara, org_tto, tto_profile, invited_challenge, instruments
):
    ivo_client = client_for(ivo)
    link(ivo_client, case, "challenge", str(invited_challenge.pk))
    link(ivo_client, case, "instrument", "kmo-portefeuille")
    assert SECRET_TITLE in ivo_client.get(f"/vraag/cases/{case.pk}/").content.decode()
    ivo_client.post(
        f"/vraag/cases/{case.pk}/refer/", {"to_organisation": org_tto.pk, "reason": "IP"}
    )
    case.refresh_from_db()
    assert case.holder == org_tto
    page = client_for(tara).get(f"/vraag/cases/{case.pk}/").content.decode()
    assert SECRET_TITLE not in page  # neither as a link nor in the internal history
    assert f"/challenges/{invited_challenge.pk}/" not in page
    assert 'href="/instruments/kmo-portefeuille/"' in page
    api = client_for(tara).get(f"/api/v1/cases/{case.pk}").content.decode()
    assert SECRET_TITLE not in api
    # Tara cannot link it either.
    body = link(client_for(tara), case, "challenge", str(invited_challenge.pk)).content.decode()
    assert "Nothing found with that number" in body
    assert case.links.count() == 2


@pytest.mark.parametrize("who", ["chloe", "otto", "anna", None])
def test_only_staff_of_the_holder_may_link(request, client_for, case, who, instruments):
    user = request.getfixturevalue(who) if who else None
    response = client_for(user).post(
        f"/vraag/cases/{case.pk}/link/", {"kind": "instrument", "reference": "kmo-portefeuille"}
    )
    if who in ("chloe", "otto"):
        assert response.status_code == 404
    elif who is None:
        assert response.status_code == 302 and "/login" in response["Location"]
    else:  # the requester sees the case but may not handle it
        assert response.status_code in (302, 403)
    assert CaseLink.objects.count() == 0


def test_service_refuses_what_the_user_may_not_see(case, ivo, org_b, org_tto):
    hidden = challenge(org_b, title=SECRET_TITLE, confidentiality="invited", invited=[org_tto])
    from django.http import Http404

    with pytest.raises(Http404):
        services.case_link_add(case=case, user=ivo, target=hidden)
    assert case.links.count() == 0
