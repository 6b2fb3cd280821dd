import pytest

from loket.challenges import selectors, services
from loket.challenges.models import Confidentiality, OutcomeEvent
from loket.challenges.tests.conftest import DETAILS_MARKER, POSTER_MARKER, make_item


@pytest.mark.django_db
def test_interest_nda_conversation_flow_opens_details_only_at_the_end(
    client_for, anna, chloe, poster_org, org_b, django_capture_on_commit_callbacks, mailoutbox
):
    item = make_item(user=anna, organisation=poster_org, confidentiality=Confidentiality.ANONYMOUS)
    url = f"/challenges/{item.pk}/"
    c = client_for(chloe)
    body = c.get(url).content.decode()
    assert item.title in body
    assert POSTER_MARKER not in body and DETAILS_MARKER not in body

    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(f"/challenges/{item.pk}/interest/", {"organisation": org_b.pk, "message": "Hi"})
    assert r.status_code == 302
    interest = item.interests.get()
    assert all(POSTER_MARKER not in m.body + m.subject for m in mailoutbox)

    a = client_for(anna)
    with django_capture_on_commit_callbacks(execute=True):
        r = a.post(
            f"/challenges/interests/{interest.pk}/decide/",
            {"decision": "accept", "nda_language": "nl"},
        )
    assert r.status_code == 302
    body = c.get(url).content.decode()
    assert POSTER_MARKER in body  # accepted: the name opens
    assert DETAILS_MARKER not in body  # the NDA is not yet accepted

    nda_page = c.get(f"/challenges/interests/{interest.pk}/nda/")
    assert nda_page.status_code == 200
    sha = interest.challenge.interests.get().nda_text.sha256
    assert sha in nda_page.content.decode()
    c.post(f"/challenges/interests/{interest.pk}/nda/", {"text_sha256": sha, "agree": "on"})
    assert DETAILS_MARKER not in c.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        a.post(f"/challenges/interests/{interest.pk}/nda/", {"text_sha256": sha, "agree": "on"})
    assert DETAILS_MARKER in c.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(f"/challenges/interests/{interest.pk}/conversation/", {"body": "Hallo Anna"})
    assert r.status_code == 302
    assert (
        "Hallo Anna" in a.get(f"/challenges/interests/{interest.pk}/conversation/").content.decode()
    )
    assert any(anna.email in m.to for m in mailoutbox)
    kinds = list(OutcomeEvent.objects.filter(challenge=item).values_list("kind", flat=True))
    assert kinds == ["published", "interest", "accepted", "nda_signed", "conversation"]
    assert selectors.challenge_outcome(challenge=item)["nda_signed"] == 1
    services.challenge_close(
        user=anna, challenge=item, reason="partner_found", partner_interest=item.interests.get()
    )
    assert OutcomeEvent.objects.filter(
        challenge=item, kind="partner_found", organisation=org_b
    ).exists()
