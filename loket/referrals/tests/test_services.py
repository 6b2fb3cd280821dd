from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.http import Http404
from django.utils import timezone

from loket.lib.errors import ApplicationError, ConflictError, PermissionDeniedError
from loket.referrals import selectors, services
from loket.referrals.models import Case, CaseEvent, CaseHolding, EventKind, Referral

IP_QUESTION = "Wij willen een octrooi aanvragen op onze nieuwe sensor. Hoe pakken we dat aan?"


class Clock:
    """A controllable django.utils.timezone.now."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock(monkeypatch):
    # Monday 3 March 2025, 09:00 UTC
    clock = Clock(datetime(2025, 3, 3, 9, 0, tzinfo=UTC))
    monkeypatch.setattr(timezone, "now", clock)
    return clock


@pytest.fixture
def case(anna, org_a, profiles):
    return services.case_open(question=IP_QUESTION, user=anna, organisation=org_a)


def test_west_flemish_ip_question_is_routed_to_the_west_flemish_centre(
    anna, org_a, org_intermediary, profiles
):
    proposals = selectors.intermediaries_rank(text=IP_QUESTION, region="west_vlaanderen")
    assert proposals[0].profile.organisation == org_intermediary
    assert any("West" in reason for reason in proposals[0].reasons)
    case = services.case_open(question=IP_QUESTION, user=anna, organisation=org_a)
    assert case.holder == org_intermediary
    assert case.region == "west_vlaanderen"
    assert case.language == "nl"
    assert case.topics[0] == "ip_licensing"
    assert CaseHolding.objects.get(case=case).organisation == org_intermediary
    opened = case.events.get()
    assert (opened.kind, opened.actor, opened.to_state) == (EventKind.OPENED, anna, "new")


def test_visitor_needs_email_and_consent(profiles):
    with pytest.raises(ApplicationError):
        services.case_open(question=IP_QUESTION, visitor_email="v@example.com")
    with pytest.raises(ApplicationError):
        services.case_open(question=IP_QUESTION, contact_consent=True)
    with pytest.raises(ApplicationError):
        services.case_open(question="   ", visitor_email="v@example.com", contact_consent=True)
    with pytest.raises(ApplicationError):
        services.case_open(question="x" * 5001, visitor_email="v@example.com", contact_consent=True)
    assert Case.objects.count() == 0
    case = services.case_open(
        question=IP_QUESTION, visitor_email="v@example.com", contact_consent=True
    )
    assert case.contact_consent_at is not None and case.share_consent_at is None


def test_cannot_ask_for_someone_elses_organisation(chloe, org_a, profiles):
    with pytest.raises(PermissionDeniedError):
        services.case_open(question=IP_QUESTION, user=chloe, organisation=org_a)


def test_full_life_with_handover_is_logged_with_who_and_when(
    clock, case, anna, ivo, tara, org_intermediary, org_tto
):
    services.case_triage(case=case, user=ivo, note="Eerder een vraag voor TTO")
    with pytest.raises(ConflictError):  # no consent yet
        services.case_refer(case=case, user=ivo, to_organisation=org_tto, reason="IP-expertise")
    clock.advance(hours=1)
    services.case_consent_give(case=case, user=anna)
    clock.advance(hours=1)
    services.case_refer(case=case, user=ivo, to_organisation=org_tto, reason="IP-expertise")
    case.refresh_from_db()
    assert case.holder == org_tto and case.state == "referred" and case.assignee is None
    with pytest.raises(PermissionDeniedError):  # ivo no longer holds it
        services.case_respond(case=case, user=ivo, message="nog iets")
    clock.advance(hours=2)
    services.case_triage(case=case, user=tara)
    services.case_respond(case=case, user=tara, message="We bellen u morgen.")
    case.refresh_from_db()
    assert case.first_response_at == clock.now
    clock.advance(days=1)
    services.case_answer(case=case, user=tara, message="Zo vraagt u een octrooi aan: ...")
    clock.advance(hours=1)
    services.case_close(case=case, user=tara, summary="Octrooiaanvraag uitgelegd", outcome="solved")
    services.case_rate(case=case, user=anna, rating=5, comment="Top")
    case.refresh_from_db()
    assert case.state == "closed" and case.closed_at == clock.now and case.rating == 5
    transitions = list(
        case.events.filter(kind=EventKind.TRANSITION).values_list(
            "from_state", "to_state", "actor__email"
        )
    )
    assert transitions == [
        ("new", "triaged", ivo.email),
        ("triaged", "referred", ivo.email),
        ("referred", "triaged", tara.email),
        ("triaged", "in_progress", tara.email),
        ("in_progress", "answered", tara.email),
        ("answered", "closed", tara.email),
    ]
    assert all(e.created_at is not None for e in case.events.all())
    assert list(case.holdings.values_list("organisation", flat=True)) == [
        org_intermediary.pk,
        org_tto.pk,
    ]
    referral = Referral.objects.get(case=case)
    assert referral.consent_at == case.share_consent_at and referral.referred_by == ivo
    # Both holders keep access, the earlier one for good.
    assert selectors.case_get_for(user=ivo, pk=case.pk) == case
    assert selectors.case_get_for(user=tara, pk=case.pk) == case


def test_illegal_transition_changes_nothing(case, ivo, anna):
    services.case_close(case=case, user=ivo, summary="Dubbel", outcome="withdrawn")
    count = CaseEvent.objects.count()
    for action in [
        lambda: services.case_answer(case=case, user=ivo, message="late"),
        lambda: services.case_triage(case=case, user=ivo),
        lambda: services.case_reopen(case=case, user=ivo),
        lambda: services.case_respond(case=case, user=ivo, message="late"),
    ]:
        with pytest.raises(ConflictError):
            action()
    case.refresh_from_db()
    assert case.state == "closed"
    assert CaseEvent.objects.count() == count


def test_only_holder_staff_can_act(case, otto, chloe, anna):
    for user in (otto, chloe, anna):
        with pytest.raises(PermissionDeniedError):
            services.case_triage(case=case, user=user)
        with pytest.raises(PermissionDeniedError):
            services.note_add(case=case, user=user, body="x")
    case.refresh_from_db()
    assert case.state == "new"


def test_rating_rules(case, ivo, anna, chloe):
    with pytest.raises(ConflictError):
        services.case_rate(case=case, user=anna, rating=4)
    services.case_answer(case=case, user=ivo, message="Antwoord")
    for bad in (0, 6, "x", None):
        with pytest.raises(ApplicationError):
            services.case_rate(case=case, user=anna, rating=bad)
    with pytest.raises(PermissionDeniedError):
        services.case_rate(case=case, user=chloe, rating=1)
    services.case_rate(case=case, user=anna, rating=4)
    with pytest.raises(ConflictError):
        services.case_rate(case=case, user=anna, rating=1)


def test_assign_only_to_colleagues(case, ivo, ines, tara):
    services.case_assign(case=case, user=ivo, assignee=ines)
    case.refresh_from_db()
    assert case.assignee == ines
    with pytest.raises(ApplicationError):
        services.case_assign(case=case, user=ivo, assignee=tara)


def test_case_access_selector(case, anna, bram, chloe, ivo, tara, otto, cora):
    assert selectors.case_get_for(user=bram, pk=case.pk) == case  # same organisation as anna
    for outsider in (chloe, tara, otto, cora, None):
        with pytest.raises(Http404):
            selectors.case_get_for(user=outsider, pk=case.pk)
    with pytest.raises(Http404):
        selectors.case_get_for_token(pk=case.pk, token="wrong")
    assert selectors.case_get_for_token(pk=case.pk, token=case.access_token()) == case


def test_emails_after_commit_never_carry_internal_notes(
    case, ivo, anna, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.note_add(case=case, user=ivo, body="GEHEIME-NOTITIE")
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.case_triage(case=case, user=ivo, note="NOG-EEN-GEHEIME")
        services.case_respond(case=case, user=ivo, message="Hallo Anna")
    to_anna = [m for m in mail.outbox if anna.email in m.to]
    assert len(to_anna) == 2
    assert any("Hallo Anna" in m.body for m in to_anna)
    assert not any("GEHEIM" in m.body or "GEHEIM" in m.subject for m in mail.outbox)
    assert f"/vraag/cases/{case.pk}/" in to_anna[0].body


def test_reminders_follow_the_promise_in_working_days(
    clock, anna, org_a, ivo, profiles, django_capture_on_commit_callbacks
):
    # The West Flemish centre promises 3 working days; the case arrives on Thursday.
    clock.now = datetime(2025, 3, 6, 9, 0, tzinfo=UTC)
    case = services.case_open(question=IP_QUESTION, user=anna, organisation=org_a)
    clock.advance(days=4)  # Monday: 2 working days
    assert services.case_reminders_send() == 0
    clock.advance(days=1, hours=1)  # Tuesday 10:00: past 3 working days
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.case_reminders_send() == 1
    assert [m.to for m in mail.outbox] == [[ivo.email]]
    assert services.case_reminders_send() == 0  # not again for the same idle stretch
    clock.advance(days=3, hours=1)  # Friday: past another 3 working days since the reminder
    call_command("send_case_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert case.events.filter(kind=EventKind.REMINDER).count() == 2
    # Activity resets the timer; answered cases are not waiting on the holder.
    services.case_answer(case=case, user=ivo, message="Antwoord")
    clock.advance(days=30)
    assert services.case_reminders_send() == 0
    reminder = case.events.filter(kind=EventKind.REMINDER).first()
    assert reminder.internal


def test_deadline_in_inbox(clock, case, ivo, org_intermediary):
    _org, cases = selectors.inbox_for(
        user=ivo, organisation_id=org_intermediary.pk, filters=selectors.InboxFilters()
    )
    assert cases == [case] and not cases[0].is_overdue
    clock.advance(days=7)
    _org, cases = selectors.inbox_for(
        user=ivo, organisation_id=org_intermediary.pk, filters=selectors.InboxFilters(overdue=True)
    )
    assert cases == [case]
