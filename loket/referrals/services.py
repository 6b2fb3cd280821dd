"""Writes for the one-stop shop. Every change is atomic, validated and logged as a CaseEvent;
e-mails leave after commit through a django-tasks task."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.lib.errors import ApplicationError, ConflictError, PermissionDeniedError
from loket.organisations.models import Organisation, OrganisationType
from loket.referrals import routing, sla, states
from loket.referrals.models import (
    Case,
    CaseEvent,
    CaseHolding,
    CaseLink,
    CaseState,
    EventKind,
    IntermediaryProfile,
    Language,
    Outcome,
    Referral,
    Service,
    TargetGroup,
)

if TYPE_CHECKING:
    from loket.accounts.models import User
    from loket.instruments.models import Instrument

QUESTION_MAX = 5000
MESSAGE_MAX = 5000
DEFAULT_IDLE_DAYS = 5


def _validation_message(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


def _save(instance, **kwargs) -> None:
    try:
        instance.full_clean(**kwargs)
    except ValidationError as error:
        raise ApplicationError(_validation_message(error)) from error
    instance.save()


def _clean_text(value: str, *, field: str, required: bool = True, max_length: int) -> str:
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        raise ApplicationError(_("Please fill in %(field)s.") % {"field": field})
    if len(value) > max_length:
        raise ApplicationError(
            _("%(field)s is too long (at most %(max)d characters).")
            % {"field": field, "max": max_length}
        )
    return value


def _is_member(user: User | None, organisation_id: int | None) -> bool:
    if user is None or not user.is_authenticated or organisation_id is None:
        return False
    return user.memberships.filter(organisation_id=organisation_id).exists()


def _require_holder_staff(case: Case, user: User) -> None:
    if not _is_member(user, case.holder_id):
        raise PermissionDeniedError(
            _("Only staff of the intermediary holding this case can do that.")
        )


def _is_requester(case: Case, user: User | None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return case.requester_user_id == user.pk or _is_member(user, case.requester_organisation_id)


def _notify_after_commit(event: CaseEvent) -> None:
    from loket.referrals.tasks import case_event_notify

    event_id = event.pk
    transaction.on_commit(lambda: case_event_notify.enqueue(event_id))


def _log(
    case: Case,
    *,
    kind: str,
    actor: User | None,
    body: str = "",
    internal: bool = False,
    from_state: str = "",
    to_state: str = "",
    actor_organisation: Organisation | None = None,
    notify: bool = True,
) -> CaseEvent:
    event = CaseEvent(
        case=case,
        kind=kind,
        actor=actor,
        actor_organisation=actor_organisation,
        body=body,
        internal=internal,
        from_state=from_state,
        to_state=to_state,
        created_at=timezone.now(),
    )
    _save(event)
    if notify:
        _notify_after_commit(event)
    return event


def _transition(
    case: Case, to_state: str, *, actor: User | None, body: str = "", notify: bool = True
) -> CaseEvent:
    from_state = case.state
    try:
        states.check_transition(from_state, to_state)
    except states.IllegalTransition as error:
        raise ConflictError(
            _("A case that is %(from)s cannot become %(to)s.")
            % {"from": CaseState(from_state).label, "to": CaseState(to_state).label}
        ) from error
    now = timezone.now()
    case.state = to_state
    case.last_activity_at = now
    if to_state == states.CLOSED:
        case.closed_at = now
    if to_state == states.ANSWERED:
        case.answered_at = now
        case.first_response_at = case.first_response_at or now
    _save(case)
    return _log(
        case,
        kind=EventKind.TRANSITION,
        actor=actor,
        actor_organisation=case.holder,
        body=body,
        from_state=from_state,
        to_state=to_state,
        notify=notify,
    )


def _locked(case: Case) -> Case:
    """Re-read the case under a row lock so two staff members cannot both move it."""
    return Case.objects.select_for_update().select_related("holder").get(pk=case.pk)


def _accepting_intermediary(organisation: Organisation | None) -> Organisation:
    if (
        organisation is None
        or organisation.org_type != OrganisationType.INTERMEDIARY
        or not IntermediaryProfile.objects.accepting().filter(organisation=organisation).exists()
    ):
        raise ApplicationError(_("Choose an intermediary that accepts questions."))
    return organisation


def case_open(
    *,
    question: str,
    user: User | None = None,
    organisation: Organisation | None = None,
    holder: Organisation | None = None,
    visitor_email: str = "",
    visitor_name: str = "",
    contact_consent: bool = False,
    share_consent: bool = False,
    region: str = "",
    language: str = "",
    suggest: bool = True,
) -> Case:
    """Open a case for a signed-in user (optionally for one of their organisations) or a visitor.

    A visitor must leave an e-mail address and consent to being contacted. Without a chosen holder
    the best-placed intermediary (routing) receives the case. With `suggest`, the organisations
    and instruments proposed for the question are linked to the case (visible to the requester)
    in the same transaction: the case never exists without them, nor they without it.
    """
    from loket.referrals.selectors import (
        instruments_suggested,
        intermediaries_rank,
        organisations_suggested,
    )

    question = _clean_text(question, field=_("your question"), max_length=QUESTION_MAX)
    signed_in = user is not None and user.is_authenticated
    if not signed_in:
        user = None
        visitor_email = (visitor_email or "").strip()
        if not visitor_email:
            raise ApplicationError(_("Leave an e-mail address so the intermediary can answer you."))
        if not contact_consent:
            raise ApplicationError(
                _("Please agree that Loket stores your question and passes it to an intermediary.")
            )
    else:
        visitor_email = ""
        visitor_name = ""
    if organisation is not None and not _is_member(user, organisation.pk):
        raise PermissionDeniedError(_("You can only ask on behalf of your own organisation."))
    region = region or (organisation.region if organisation else "")
    language = language if language in routing.LANGUAGES else routing.detect_language(question)
    topics = routing.detect_topics(question)
    if holder is None:
        ranked = intermediaries_rank(text=question, region=region, language=language, limit=1)
        if not ranked:
            raise ApplicationError(_("No intermediary accepts questions at the moment."))
        holder = ranked[0].profile.organisation
    holder = _accepting_intermediary(holder)
    suggested_organisations: list[Organisation] = []
    suggested_instruments: list[Instrument] = []
    if suggest:
        suggested_organisations = organisations_suggested(
            text=question,
            user=user,
            exclude_ids=(organisation.pk,) if organisation is not None else (),
        )
        suggested_instruments = instruments_suggested(text=question, intermediary_ids=[holder.pk])
    now = timezone.now()
    with transaction.atomic():
        case = Case(
            requester_user=user,
            requester_organisation=organisation,
            visitor_email=visitor_email,
            visitor_name=_clean_text(visitor_name, field=_("name"), required=False, max_length=200),
            contact_consent_at=now if (contact_consent or signed_in) else None,
            share_consent_at=now if share_consent else None,
            question=question,
            language=language,
            topics=topics,
            region=region,
            state=CaseState.NEW,
            holder=holder,
            created_at=now,
            received_at=now,
            last_activity_at=now,
        )
        _save(case)
        _save(CaseHolding(case=case, organisation=holder, started_at=now))
        _log(case, kind=EventKind.OPENED, actor=user, to_state=CaseState.NEW)
        if share_consent:
            _log(case, kind=EventKind.CONSENT, actor=user, notify=False)
        _suggestions_link(case=case, targets=[*suggested_organisations, *suggested_instruments])
    return case


def case_triage(*, case: Case, user: User, note: str = "") -> Case:
    note = _clean_text(note, field=_("note"), required=False, max_length=MESSAGE_MAX)
    with transaction.atomic():
        case = _locked(case)
        _require_holder_staff(case, user)
        _transition(case, states.TRIAGED, actor=user)
        if note:
            _log(
                case,
                kind=EventKind.NOTE,
                actor=user,
                body=note,
                internal=True,
                notify=False,
                actor_organisation=case.holder,
            )
    return case


def case_assign(*, case: Case, user: User, assignee: User | None) -> Case:
    with transaction.atomic():
        case = _locked(case)
        _require_holder_staff(case, user)
        if assignee is not None and not _is_member(assignee, case.holder_id):
            raise ApplicationError(
                _("Assign the case to a colleague of %(holder)s.") % {"holder": case.holder}
            )
        if case.state == states.CLOSED:
            raise ConflictError(_("This case is closed."))
        case.assignee = assignee
        case.last_activity_at = timezone.now()
        _save(case)
        _log(
            case,
            kind=EventKind.ASSIGNED,
            actor=user,
            internal=True,
            notify=assignee is not None,
            body=assignee.display_name if assignee else "",
            actor_organisation=case.holder,
        )
    return case


def case_consent_give(*, case: Case, user: User | None) -> Case:
    """The requester agrees to a hand-over; `user` is None for a visitor using their link."""
    with transaction.atomic():
        case = _locked(case)
        if user is not None and not _is_requester(case, user):
            raise PermissionDeniedError(_("Only the requester can give this consent."))
        if case.share_consent_at is None:
            case.share_consent_at = timezone.now()
            _save(case)
            _log(case, kind=EventKind.CONSENT, actor=user)
    return case


def case_refer(*, case: Case, user: User, to_organisation: Organisation, reason: str) -> Referral:
    """Hand the case with its history to another intermediary; needs the requester's consent."""
    reason = _clean_text(reason, field=_("reason"), max_length=2000)
    with transaction.atomic():
        case = _locked(case)
        _require_holder_staff(case, user)
        if case.share_consent_at is None:
            raise ConflictError(
                _(
                    "The requester has not agreed to a hand-over yet. Ask them to give consent on their case page."
                )
            )
        to_organisation = _accepting_intermediary(to_organisation)
        if to_organisation.pk == case.holder_id:
            raise ApplicationError(_("Choose another intermediary than the current holder."))
        from_organisation = case.holder
        now = timezone.now()
        referral = Referral(
            case=case,
            from_organisation=from_organisation,
            to_organisation=to_organisation,
            referred_by=user,
            reason=reason,
            consent_at=case.share_consent_at,
            created_at=now,
        )
        _save(referral)
        CaseHolding.objects.filter(case=case, ended_at__isnull=True).update(ended_at=now)
        _save(CaseHolding(case=case, organisation=to_organisation, started_at=now))
        case.holder = to_organisation
        case.assignee = None
        case.received_at = now
        _transition(case, states.REFERRED, actor=user, notify=False)
        _log(
            case,
            kind=EventKind.REFERRED,
            actor=user,
            body=reason,
            actor_organisation=from_organisation,
        )
    return referral


def case_respond(*, case: Case, user: User, message: str) -> CaseEvent:
    """A message to the requester; the first one stops the first-response timer."""
    message = _clean_text(message, field=_("message"), max_length=MESSAGE_MAX)
    with transaction.atomic():
        case = _locked(case)
        _require_holder_staff(case, user)
        if case.state in {states.NEW, states.TRIAGED, states.REFERRED}:
            _transition(case, states.IN_PROGRESS, actor=user, notify=False)
        elif case.state == states.CLOSED:
            raise ConflictError(_("This case is closed."))
        now = timezone.now()
        case.first_response_at = case.first_response_at or now
        case.last_activity_at = now
        _save(case)
        return _log(
            case, kind=EventKind.MESSAGE, actor=user, body=message, actor_organisation=case.holder
        )


def case_answer(*, case: Case, user: User, message: str) -> Case:
    message = _clean_text(message, field=_("answer"), max_length=MESSAGE_MAX)
    with transaction.atomic():
        case = _locked(case)
        _require_holder_staff(case, user)
        _transition(case, states.ANSWERED, actor=user, body=message)
    return case


def case_reopen(*, case: Case, user: User, message: str = "") -> Case:
    message = _clean_text(message, field=_("message"), required=False, max_length=MESSAGE_MAX)
    with transaction.atomic():
        case = _locked(case)
        _require_holder_staff(case, user)
        _transition(case, states.IN_PROGRESS, actor=user, body=message)
    return case


def case_close(*, case: Case, user: User, summary: str, outcome: str) -> Case:
    summary = _clean_text(summary, field=_("closing summary"), max_length=5000)
    if outcome not in Outcome.values:
        raise ApplicationError(_("Choose an outcome."))
    with transaction.atomic():
        case = _locked(case)
        _require_holder_staff(case, user)
        case.closing_summary = summary
        case.outcome = outcome
        _transition(case, states.CLOSED, actor=user, body=summary)
    return case


def case_rate(*, case: Case, user: User | None, rating: int, comment: str = "") -> Case:
    """The requester rates the answer once; `user` is None for a visitor using their link."""
    comment = _clean_text(comment, field=_("comment"), required=False, max_length=2000)
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ApplicationError(_("Give a rating from 1 to 5."))
    with transaction.atomic():
        case = _locked(case)
        if user is not None and not _is_requester(case, user):
            raise PermissionDeniedError(_("Only the requester can rate this case."))
        if case.state not in states.RATEABLE:
            raise ConflictError(_("You can rate the case once it has been answered."))
        if case.rated_at is not None:
            raise ConflictError(_("This case has already been rated."))
        case.rating = rating
        case.rating_comment = comment
        case.rated_at = timezone.now()
        _save(case)
        _log(case, kind=EventKind.RATED, actor=user, body=f"{rating}/5")
    return case


def note_add(*, case: Case, user: User, body: str) -> CaseEvent:
    """An internal note: only staff of intermediaries that held the case ever see it."""
    body = _clean_text(body, field=_("note"), max_length=MESSAGE_MAX)
    with transaction.atomic():
        case = _locked(case)
        _require_holder_staff(case, user)
        return _log(
            case,
            kind=EventKind.NOTE,
            actor=user,
            body=body,
            internal=True,
            notify=False,
            actor_organisation=case.holder,
        )


def _link_label(target: Model) -> str:
    return str(getattr(target, "title", None) or getattr(target, "name", None) or target)[:300]


def case_link_add(*, case: Case, user: User, target: Model) -> CaseLink:
    """Staff of the holder link an organisation, instrument or challenge they may see.

    The internal event names only the kind and number: a later holder reads the history but
    sees the object itself only if its own rules let them (see selectors.case_links_for).
    """
    from loket.referrals.selectors import LinkKind, link_target_visible

    kinds = {model: kind for kind, model in LinkKind.MODELS.items()}
    kind = kinds.get(type(target))
    if kind is None or target.pk is None:
        raise ApplicationError(_("This cannot be linked to a case."))
    with transaction.atomic():
        case = _locked(case)
        _require_holder_staff(case, user)
        if not link_target_visible(user=user, target=target):
            raise Http404
        link, created = CaseLink.objects.get_or_create(
            case=case,
            target_type=ContentType.objects.get_for_model(type(target)),
            target_id=target.pk,
            defaults={"label": _link_label(target), "created_by": user, "internal": True},
        )
        if created:
            _log(
                case,
                kind=EventKind.LINK,
                actor=user,
                body=f"{dict(LinkKind.CHOICES)[kind]} #{target.pk}",
                internal=True,
                notify=False,
                actor_organisation=case.holder,
            )
    return link


def _suggestions_link(*, case: Case, targets: list[Model]) -> None:
    """Record what was proposed at intake, visible to the requester; inside case_open's
    transaction."""
    for target in targets:
        _save(
            CaseLink(
                case=case,
                target_type=ContentType.objects.get_for_model(type(target)),
                target_id=target.pk,
                label=_link_label(target),
                internal=False,
            )
        )


def _idle_limit_days(case: Case) -> int:
    profile = getattr(case.holder, "intermediary_profile", None)
    return profile.response_days if profile else DEFAULT_IDLE_DAYS


def cases_idle(*, now: datetime | None = None) -> list[Case]:
    """Cases waiting on their holder for longer than its response-time promise, not yet reminded
    for this idle stretch (a reminder repeats after another such stretch)."""
    now = now or timezone.now()
    candidates = Case.objects.filter(state__in=states.WAITING_ON_HOLDER).select_related(
        "holder__intermediary_profile", "assignee"
    )
    return [case for case in candidates if _is_idle(case, now)]


def _is_idle(case: Case, now: datetime) -> bool:
    if case.state not in states.WAITING_ON_HOLDER:
        return False
    since = max(case.last_activity_at, case.last_reminder_at or case.last_activity_at)
    return sla.is_overdue(
        timezone.localtime(since), _idle_limit_days(case), timezone.localtime(now)
    )


def case_reminder_send(*, case: Case, now: datetime | None = None) -> bool:
    """Remind the holder of one idle case; False when it is not (or no longer) due.

    The check is repeated under the row lock, so two overlapping runs (cron and a manual run,
    a task delivered twice) send one reminder, not two.
    """
    now = now or timezone.now()
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("holder__intermediary_profile")
            .get(pk=case.pk)
        )
        if not _is_idle(case, now):
            return False
        case.last_reminder_at = now
        case.save(update_fields=["last_reminder_at"])
        _log(
            case,
            kind=EventKind.REMINDER,
            actor=None,
            internal=True,
            actor_organisation=case.holder,
        )
    return True


def case_reminders_send(*, now: datetime | None = None) -> int:
    """Remind the holders of idle cases (assignee, else every staff member); returns how many."""
    now = now or timezone.now()
    return sum(1 for idle in cases_idle(now=now) if case_reminder_send(case=idle, now=now))


# ---------------------------------------------------------------- intermediary profiles


def _choices(values, allowed: list[str]) -> list[str]:
    values = [str(v) for v in (values or [])]
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ApplicationError(_("Choose values from the list."))
    return [v for v in allowed if v in values]  # the list's order, no duplicates


def intermediary_profile_update(
    *,
    user: User,
    organisation: Organisation,
    services: list[str],
    target_groups: list[str],
    instruments: list[Instrument],
    other_instruments: str = "",
    activities: str = "",
    regions_served: list[str],
    languages: list[str],
    response_days: int,
    accepts_cases: bool,
    contact_email: str = "",
) -> IntermediaryProfile:
    """An admin of the intermediary changes its own profile (created on first save)."""
    from loket.organisations.models import Membership, MembershipRole, Region

    if organisation.org_type != OrganisationType.INTERMEDIARY:
        raise ApplicationError(_("Only intermediaries have an intermediary profile."))
    with transaction.atomic():
        is_admin = (
            Membership.objects.select_for_update()
            .filter(user=user, organisation=organisation, role=MembershipRole.ADMIN)
            .exists()
        )
        if not is_admin:
            raise PermissionDeniedError(
                _("Only administrators of %(name)s can change its profile.")
                % {"name": organisation.name}
            )
        profile = IntermediaryProfile.objects.select_for_update().filter(
            organisation=organisation
        ).first() or IntermediaryProfile(organisation=organisation, approved=False)
        profile.services = _choices(services, Service.values)
        profile.target_groups = _choices(target_groups, TargetGroup.values)
        profile.regions_served = _choices(regions_served, Region.values)
        profile.languages = _choices(languages, Language.values)
        profile.instruments = _clean_text(
            other_instruments, field=_("other instruments"), required=False, max_length=5000
        )
        profile.activities = _clean_text(
            activities, field=_("activities and events"), required=False, max_length=5000
        )
        try:
            profile.response_days = int(response_days)
        except (TypeError, ValueError) as error:
            raise ApplicationError(_("Give the response time in working days.")) from error
        profile.accepts_cases = bool(accepts_cases)
        profile.contact_email = (contact_email or "").strip()
        _save(profile)
        profile.instrument_links.set([i.pk for i in instruments])
    return profile
