import pytest
from django.core import mail
from django.urls import reverse

from loket.organisations import services
from loket.organisations.models import (
    ClaimStatus,
    Membership,
    Organisation,
    OrganisationClaim,
    OrganisationType,
)


@pytest.fixture
def imported(db) -> Organisation:
    return Organisation.objects.create(
        name="Universiteit Gent",
        org_type=OrganisationType.KNOWLEDGE_INSTITUTION,
        source="cordis",
        cordis_pic="999990001",
        country="BE",
    )


def test_submit_and_approve_makes_claimant_admin(
    chloe, cora, imported, django_capture_on_commit_callbacks
):
    claim = services.claim_submit(user=chloe, organisation=imported, message="Ik werk er.")
    assert claim.status == ClaimStatus.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_decide(curator=cora, claim=claim, approve=True, note="Checked domain")
    claim.refresh_from_db()
    imported.refresh_from_db()
    assert (claim.status, claim.decided_by, claim.decision_note) == (
        ClaimStatus.APPROVED,
        cora,
        "Checked domain",
    )
    assert imported.claimed
    assert Membership.objects.get(user=chloe, organisation=imported).role == "admin"
    assert mail.outbox[-1].to == [chloe.email]
    assert "Checked domain" in mail.outbox[-1].body


def test_reject_records_reason_and_mails(chloe, cora, imported, django_capture_on_commit_callbacks):
    claim = services.claim_submit(user=chloe, organisation=imported, message="")
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_decide(curator=cora, claim=claim, approve=False, note="No proof")
    claim.refresh_from_db()
    imported.refresh_from_db()
    assert claim.status == ClaimStatus.REJECTED
    assert claim.decision_note == "No proof"
    assert not imported.claimed
    assert not Membership.objects.filter(organisation=imported).exists()
    assert len(mail.outbox) == 1


def test_claim_is_decided_once_and_only_by_curators(chloe, anna, cora, imported):
    claim = services.claim_submit(user=chloe, organisation=imported, message="")
    with pytest.raises(services.NotAllowedError):
        services.claim_decide(curator=anna, claim=claim, approve=True)
    services.claim_decide(curator=cora, claim=claim, approve=False, note="no")
    with pytest.raises(services.ClaimError):
        services.claim_decide(curator=cora, claim=claim, approve=True)
    assert not Membership.objects.filter(organisation=imported).exists()


def test_duplicate_and_invalid_claims_are_refused(chloe, org_a, imported):
    services.claim_submit(user=chloe, organisation=imported, message="")
    with pytest.raises(services.ClaimError):
        services.claim_submit(user=chloe, organisation=imported, message="again")
    with pytest.raises(services.ClaimError):
        services.claim_submit(user=chloe, organisation=org_a, message="manual profile")
    assert OrganisationClaim.objects.count() == 1


def test_claim_page(client_for, client, chloe, imported, org_a):
    url = reverse("organisations:organisation-claim", args=[imported.pk])
    assert client.get(url).status_code == 302
    assert client.post(url, {"message": "x"}).status_code == 302
    assert not OrganisationClaim.objects.exists()

    user_client = client_for(chloe)
    assert user_client.get(url).status_code == 200
    response = user_client.post(url, {"message": "", "status": "approved", "user": 1})
    assert response.status_code == 200  # message is required; the form comes back
    response = user_client.post(
        url, {"message": "<script>alert(1)</script> Ik ben er directeur.", "status": "approved"}
    )
    assert response.status_code == 302
    claim = OrganisationClaim.objects.get()
    assert (claim.user, claim.status) == (chloe, ClaimStatus.PENDING)
    mine = user_client.get(reverse("organisations:organisation-mine")).content.decode()
    assert "Universiteit Gent" in mine
    # Manual, claimed or hidden profiles cannot be claimed.
    assert (
        user_client.get(reverse("organisations:organisation-claim", args=[org_a.pk])).status_code
        == 404
    )
    Organisation.objects.filter(pk=imported.pk).update(visibility="hidden")
    assert user_client.get(url).status_code == 404


def test_admin_actions_approve_with_reason(
    client_for, chloe, cora, imported, django_capture_on_commit_callbacks
):
    claim = services.claim_submit(user=chloe, organisation=imported, message="")
    admin = client_for(cora)
    changelist = reverse("admin:organisations_organisationclaim_changelist")
    assert admin.get(changelist).status_code == 200
    response = admin.post(changelist, {"action": "approve_claims", "_selected_action": [claim.pk]})
    assert response.status_code == 200  # the page asking for a reason
    assert "Universiteit Gent" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            changelist,
            {
                "action": "approve_claims",
                "_selected_action": [claim.pk],
                "apply": "1",
                "note": "Domain matches",
            },
        )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.decision_note) == (ClaimStatus.APPROVED, "Domain matches")
    assert Membership.objects.filter(user=chloe, organisation=imported, role="admin").exists()
    assert mail.outbox[-1].to == [chloe.email]


def test_admin_action_reject(client_for, chloe, cora, imported):
    claim = services.claim_submit(user=chloe, organisation=imported, message="")
    client_for(cora).post(
        reverse("admin:organisations_organisationclaim_changelist"),
        {"action": "reject_claims", "_selected_action": [claim.pk], "apply": "1", "note": "Nope"},
    )
    claim.refresh_from_db()
    assert (claim.status, claim.decision_note) == (ClaimStatus.REJECTED, "Nope")
