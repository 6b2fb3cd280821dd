"""Notices and e-mails are written in each recipient's language, never in that of whoever
triggered them (a Dutch-speaking user acting must not send French-speaking members Dutch)."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from loket.challenges import services
from loket.challenges.models import Notification, SavedSearch
from loket.challenges.tests.conftest import make_item

pytestmark = pytest.mark.django_db


def _prefer(user, language):
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])


def test_interest_notice_and_mail_in_each_members_language(
    anna, bram, chloe, poster_org, org_b, django_capture_on_commit_callbacks, mailoutbox
):
    _prefer(anna, "fr")  # bram keeps Dutch, the default
    item = make_item(user=anna, organisation=poster_org, confidentiality="members")
    mailoutbox.clear()
    with translation.override("nl"), django_capture_on_commit_callbacks(execute=True):
        services.interest_create(
            user=chloe, challenge=item, organisation=org_b, message="Wij helpen graag."
        )
    french = f"Beta Logistics a manifesté son intérêt pour « {item.title} »."
    dutch = f"Beta Logistics toonde interesse in “{item.title}”."
    assert Notification.objects.get(user=anna).text == french
    assert Notification.objects.get(user=bram).text == dutch
    subjects = {tuple(m.to): m.subject for m in mailoutbox}
    assert subjects == {(anna.email,): "[Loket] " + french, (bram.email,): "[Loket] " + dutch}


def test_decision_with_a_chosen_text_is_in_the_recipients_language(
    anna, chloe, poster_org, org_b, django_capture_on_commit_callbacks, mailoutbox
):
    _prefer(chloe, "fr")
    item = make_item(user=anna, organisation=poster_org, confidentiality="members")
    interest = services.interest_create(
        user=chloe, challenge=item, organisation=org_b, message="Nous aidons volontiers."
    )
    mailoutbox.clear()
    with translation.override("nl"), django_capture_on_commit_callbacks(execute=True):
        services.interest_decide(user=anna, interest=interest, accept=False)
    assert Notification.objects.get(user=chloe).text.startswith("Votre intérêt pour")
    assert [m.to for m in mailoutbox] == [[chloe.email]]
    assert mailoutbox[0].subject.startswith("[Loket] Votre intérêt pour")


def test_unknown_saved_language_falls_back_to_the_site_language(
    anna, chloe, poster_org, org_b, django_capture_on_commit_callbacks
):
    _prefer(anna, "xx")
    item = make_item(user=anna, organisation=poster_org, confidentiality="members")
    with translation.override("fr"):
        services.interest_create(user=chloe, challenge=item, organisation=org_b, message="Hallo")
    assert Notification.objects.get(user=anna).text.startswith("Beta Logistics toonde interesse")


def test_digest_is_in_the_subscribers_language(anna, chloe, poster_org, mailoutbox):
    _prefer(chloe, "fr")
    SavedSearch.objects.create(
        user=chloe,
        query="sensors",
        frequency="weekly",
        last_sent_at=timezone.now() - dt.timedelta(days=8),
    )
    make_item(user=anna, organisation=poster_org, confidentiality="anonymous")
    with translation.override("nl"):
        assert services.digests_send(frequency="weekly") == 1
    message = mailoutbox[0]
    assert message.subject.startswith("[Loket] 1 nouveaux éléments pour")
    assert "Nouveaux éléments sur Loket pour votre alerte" in message.body
    assert Notification.objects.get(user=chloe).text.startswith("1 ")
    assert "alerte" in Notification.objects.get(user=chloe).text
