"""Background work: e-mails about case events, reminders on idle cases."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from loket.accounts.selectors import email_language, user_language
from loket.referrals.models import CaseEvent, EventKind

# Events the holder's staff hear about; every public event goes to the requester.
STAFF_EVENTS = {
    EventKind.OPENED,
    EventKind.REFERRED,
    EventKind.RATED,
    EventKind.CONSENT,
    EventKind.REMINDER,
    EventKind.ASSIGNED,
}


def _requester_link(case) -> str:
    if case.requester_user_id:
        return settings.SITE_URL + reverse("referrals:case-detail", args=[case.pk])
    return settings.SITE_URL + reverse(
        "referrals:case-visitor", args=[case.pk, case.access_token()]
    )


def _staff_recipients(event: CaseEvent) -> list[str]:
    case = event.case
    if event.kind == EventKind.ASSIGNED:
        return [case.assignee.email] if case.assignee else []
    if event.kind == EventKind.REMINDER and case.assignee:
        return [case.assignee.email]
    emails = [
        m.user.email for m in case.holder.memberships.select_related("user") if m.user.is_active
    ]
    profile = getattr(case.holder, "intermediary_profile", None)
    if profile is not None and profile.contact_email:
        emails.append(profile.contact_email)
    return sorted(set(emails))


@task()
def case_event_notify(event_id: int) -> int:
    """Send the e-mails for one case event once; returns how many went out.

    The event row stays locked while the mails go out and is marked notified in the same
    transaction: a second delivery of the task (a reaped worker, a retry) waits, then finds it
    done. If the worker dies before commit, nothing is marked and the retry sends them.
    """
    with transaction.atomic():
        event = (
            CaseEvent.objects.select_for_update(of=("self",))
            .select_related("case__holder", "case__requester_user", "case__assignee", "actor")
            .filter(pk=event_id, notified_at__isnull=True)
            .first()
        )
        if event is None:
            return 0
        sent = _send_event_mails(event)
        event.notified_at = timezone.now()
        event.save(update_fields=["notified_at"])
    return sent


def _send_event_mails(event: CaseEvent) -> int:
    case = event.case
    sent = 0
    requester_email = case.requester_email
    # The requester hears about every public change except the ones they made themselves.
    if (
        not event.internal
        and requester_email
        and event.kind not in {EventKind.RATED, EventKind.CONSENT}
    ):
        # A registered requester's own language; a visitor's is the one they asked in.
        language = user_language(user=case.requester_user) if case.requester_user else case.language
        with translation.override(language):
            context = {
                "event": event,
                "case": case,
                "link": _requester_link(case),
                "for_staff": False,
            }
            subject = render_to_string("referrals/email/event_subject.txt", context).strip()
            body = render_to_string("referrals/email/event_body.txt", context)
            send_mail(subject, body, None, [requester_email])
            sent += 1
    if event.kind in STAFF_EVENTS:
        recipients = [email for email in _staff_recipients(event) if email != requester_email]
        link = settings.SITE_URL + reverse("referrals:case-detail", args=[case.pk])
        context = {"event": event, "case": case, "link": link, "for_staff": True}
        # One mail per language, each recipient in their own (the site's for a bare address).
        for language, addresses in _by_language(recipients).items():
            with translation.override(language):
                subject = render_to_string("referrals/email/event_subject.txt", context).strip()
                body = render_to_string("referrals/email/event_body.txt", context)
            send_mail(subject, body, None, addresses)
            sent += 1
    return sent


def _by_language(emails: list[str]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for email in emails:
        groups.setdefault(email_language(email=email), []).append(email)
    return groups


@task()
def case_reminders_task() -> int:
    from loket.referrals.services import case_reminders_send

    return case_reminders_send()
