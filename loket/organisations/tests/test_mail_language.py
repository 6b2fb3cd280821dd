"""Invitation and claim e-mails are written in the recipient's language, not the sender's."""

import pytest
from django.core import mail
from django.utils import translation

from loket.conftest import _user
from loket.organisations import services
from loket.organisations.models import Organisation, OrganisationType

pytestmark = pytest.mark.django_db


def _prefer(user, language):
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])


def test_invitation_to_a_french_speaking_user_is_in_french(
    anna, org_a, django_capture_on_commit_callbacks
):
    invitee = _user("dominique@acme.example")
    _prefer(invitee, "fr")
    with translation.override("nl"), django_capture_on_commit_callbacks(execute=True):
        services.membership_invite(user=anna, organisation=org_a, email="Dominique@acme.example")
    assert [m.subject for m in mail.outbox] == ["Invitation à rejoindre Acme Sensors sur Loket"]


def test_invitation_to_an_unknown_address_is_in_the_inviters_language(
    anna, org_a, django_capture_on_commit_callbacks
):
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        services.membership_invite(user=anna, organisation=org_a, email="nieuw@acme.example")
    assert [m.subject for m in mail.outbox] == ["Invitation à rejoindre Acme Sensors sur Loket"]


def test_claim_decision_is_in_the_claimants_language(
    chloe, cora, django_capture_on_commit_callbacks
):
    imported = Organisation.objects.create(
        name="Universiteit Gent",
        org_type=OrganisationType.KNOWLEDGE_INSTITUTION,
        source="cordis",
        cordis_pic="999990001",
    )
    _prefer(chloe, "fr")
    claim = services.claim_submit(user=chloe, organisation=imported, message="")
    with translation.override("nl"), django_capture_on_commit_callbacks(execute=True):
        services.claim_decide(curator=cora, claim=claim, approve=False, note="Geen bewijs")
    message = mail.outbox[-1]
    assert message.to == [chloe.email]
    assert message.subject == "Votre revendication de Universiteit Gent n'a pas été approuvée"
    assert "Remarque du curateur : Geen bewijs" in message.body
