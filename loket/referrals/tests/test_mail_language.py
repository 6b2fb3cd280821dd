"""Case e-mails are written in each recipient's language, not in that of whoever acted."""

from django.core import mail
from django.utils import translation

from loket.referrals import services

IP_QUESTION = "Wij willen een octrooi aanvragen op onze nieuwe sensor. Hoe pakken we dat aan?"


def _prefer(user, language):
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])


def test_requester_and_each_staff_member_get_their_own_language(
    anna, org_a, ivo, ida, profiles, django_capture_on_commit_callbacks
):
    _prefer(anna, "fr")  # the requester asked in Dutch but reads French
    _prefer(ida, "fr")  # ivo keeps Dutch
    mail.outbox.clear()
    with translation.override("nl"), django_capture_on_commit_callbacks(execute=True):
        case = services.case_open(question=IP_QUESTION, user=anna, organisation=org_a)
    subjects = {tuple(m.to): m.subject for m in mail.outbox}
    assert subjects == {
        (anna.email,): f"[Loket] Question n° {case.pk}: reçue",
        (ida.email,): f"[Loket] Question n° {case.pk}: reçue",
        (ivo.email,): f"[Loket] Vraag #{case.pk}: ontvangen",
    }
    to_anna = next(m for m in mail.outbox if m.to == [anna.email])
    assert "Merci" in to_anna.body

    # A Dutch-speaking staff member answers: the requester still reads French.
    mail.outbox.clear()
    with translation.override("nl"), django_capture_on_commit_callbacks(execute=True):
        services.case_respond(case=case, user=ivo, message="Hallo Anna")
    assert [m.to for m in mail.outbox] == [[anna.email]]
    assert mail.outbox[0].subject.startswith(f"[Loket] Question n° {case.pk}:")
    assert "Hallo Anna" in mail.outbox[0].body


def test_a_visitor_gets_the_language_they_asked_in(
    org_a, ivo, profiles, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with translation.override("nl"), django_capture_on_commit_callbacks(execute=True):
        case = services.case_open(
            question="Nous voulons breveter notre nouveau capteur. Comment faire ?",
            visitor_email="visiteur@example.com",
            visitor_name="Visiteur",
            contact_consent=True,
            region="west_vlaanderen",
            language="fr",
        )
    to_visitor = [m for m in mail.outbox if m.to == ["visiteur@example.com"]]
    assert [m.subject for m in to_visitor] == [f"[Loket] Question n° {case.pk}: reçue"]
