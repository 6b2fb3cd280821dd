"""Reads for the one-stop shop. Case access is decided here and nowhere else."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.lib.text import stems, tokens
from loket.organisations.models import Membership, Organisation, OrganisationType, Region
from loket.referrals import routing, sla, states
from loket.referrals.models import (
    Case,
    CaseEvent,
    CaseHolding,
    CaseLink,
    IntermediaryProfile,
    Language,
    Service,
)

if TYPE_CHECKING:
    from loket.accounts.models import User


# ---------------------------------------------------------------- intermediaries


def intermediary_list(*, region: str = "", service: str = "") -> QuerySet[IntermediaryProfile]:
    """Access: public. Listed intermediary profiles, optionally filtered."""
    profiles = IntermediaryProfile.objects.listed().select_related("organisation")
    matching = []
    if region in Region.values or service in Service.values:
        # JSON list containment differs between SQLite and PostgreSQL; filter the (short) list here.
        matching = [
            p.pk
            for p in profiles
            if (not region or region in p.regions_served) and (not service or service in p.services)
        ]
        profiles = profiles.filter(pk__in=matching)
    return profiles


def intermediary_get(*, pk: int) -> IntermediaryProfile:
    """Access: public. 404 for anything but a listed intermediary's profile."""
    profile = (
        IntermediaryProfile.objects.listed().select_related("organisation").filter(pk=pk).first()
    )
    if profile is None:
        raise Http404
    return profile


def intermediary_orgs_for(*, user: User | None) -> QuerySet[Organisation]:
    """The intermediaries the user works for."""
    if user is None or not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        org_type=OrganisationType.INTERMEDIARY, memberships__user=user
    ).distinct()


def intermediary_staff(*, organisation: Organisation) -> list:
    return [
        m.user
        for m in Membership.objects.filter(organisation=organisation, user__is_active=True)
        .select_related("user")
        .order_by("user__first_name", "user__email")
    ]


def intermediary_referral_targets(*, case: Case) -> QuerySet[IntermediaryProfile]:
    return (
        IntermediaryProfile.objects.accepting()
        .exclude(organisation_id=case.holder_id)
        .select_related("organisation")
    )


# ---------------------------------------------------------------- routing


@dataclass
class Proposal:
    profile: IntermediaryProfile
    score: float
    reasons: list[str]


def _reason_text(reason: routing.Reason) -> str:
    if reason.kind == "region":
        return _("serves %(region)s") % {"region": Region(reason.value).label}
    if reason.kind == "service":
        return _("offers %(service)s") % {"service": Service(reason.value).label}
    if reason.kind == "language":
        return _("works in %(language)s") % {"language": Language(reason.value).label}
    return _("its profile matches your question")


def matching_scores(*, text: str, organisation_ids: list[int]) -> dict[int, float]:
    """Hook for the matching engine: a 0..1 relevance of each organisation for the text.

    Uses loket.matching.selectors.organisation_scores_for_text(text=..., organisation_ids=...)
    once the matching app provides it; until then routing relies on region, services and language.
    """
    try:
        from loket.matching import selectors as matching_selectors  # type: ignore[attr-defined]
    except ImportError:
        return {}
    scorer = getattr(matching_selectors, "organisation_scores_for_text", None)
    if scorer is None:
        return {}
    try:
        return dict(scorer(text=text, organisation_ids=organisation_ids))
    except Exception:  # a failing optional signal must not stop a question from being asked
        return {}


def intermediaries_rank(
    *, text: str, region: str = "", language: str = "", limit: int = 5
) -> list[Proposal]:
    """Access: public. The intermediaries best placed to answer `text`, with reasons."""
    profiles = {
        p.organisation_id: p
        for p in IntermediaryProfile.objects.accepting().select_related("organisation")
    }
    candidates = [
        routing.Candidate(
            id=org_id,
            name=p.organisation.name,
            regions=tuple(p.regions_served),
            services=tuple(p.services),
            languages=tuple(p.languages),
        )
        for org_id, p in profiles.items()
    ]
    topics = routing.detect_topics(text)
    language = language or routing.detect_language(text)
    ranked = routing.rank_intermediaries(
        candidates,
        topics=topics,
        region=region,
        language=language,
        external_scores=matching_scores(text=text, organisation_ids=list(profiles)),
        limit=limit,
    )
    return [
        Proposal(
            profile=profiles[item.candidate.id],
            score=item.score,
            reasons=[_reason_text(reason) for reason in item.reasons],
        )
        for item in ranked
    ]


def organisations_suggested(*, text: str, user: User | None, limit: int = 5) -> list[Organisation]:
    """Access: what the user may see in the directory. Organisations whose profile shares the
    question's most distinctive stems (longest first), busiest first."""
    words = sorted({t for t in tokens(text) if len(t) >= 6}, key=len, reverse=True)[:6]
    stem_set = {stem for word in words for stem in stems(word) if len(stem) >= 5}
    if not stem_set:
        return []
    query = Q()
    for stem in stem_set:
        query |= Q(search_document__contains=stem)
    return list(
        Organisation.objects.listed_for(user)
        .exclude(org_type=OrganisationType.INTERMEDIARY)
        .filter(query)
        .order_by("-project_count", "name")[:limit]
    )


# ---------------------------------------------------------------- cases


@dataclass(frozen=True)
class CaseAccess:
    is_requester: bool
    is_staff: bool  # staff of an intermediary that held the case at some point
    is_holder_staff: bool  # staff of the current holder: may act on it

    @property
    def sees_internal(self) -> bool:
        return self.is_staff


def case_access(*, case: Case, user: User | None) -> CaseAccess:
    if user is None or not user.is_authenticated:
        return CaseAccess(False, False, False)
    org_ids = set(user.memberships.values_list("organisation_id", flat=True))
    held_by = set(case.holdings.values_list("organisation_id", flat=True))
    return CaseAccess(
        is_requester=case.requester_user_id == user.pk or case.requester_organisation_id in org_ids,
        is_staff=bool(org_ids & held_by),
        is_holder_staff=case.holder_id in org_ids,
    )


def _case_queryset() -> QuerySet[Case]:
    return Case.objects.select_related(
        "holder",
        "holder__intermediary_profile",
        "assignee",
        "requester_user",
        "requester_organisation",
    )


def case_get_for(*, user: User | None, pk: int) -> Case:
    """The case if the user is its requester, a member of the requester's organisation or staff
    of an intermediary that held it; 404 otherwise (also for anonymous users)."""
    case = _case_queryset().filter(pk=pk).first()
    if case is None or user is None or not user.is_authenticated:
        raise Http404
    if not Case.objects.visible_to(user).filter(pk=pk).exists():
        raise Http404
    return case


def case_get_for_token(*, pk: int, token: str) -> Case:
    """A visitor's case through the secret link in their e-mails; 404 on any mismatch."""
    case = _case_queryset().filter(pk=pk).first()
    if case is None or not case.access_token_matches(token):
        raise Http404
    return case


def case_events_for(*, case: Case, access: CaseAccess) -> QuerySet[CaseEvent]:
    events = case.events.select_related("actor", "actor_organisation")
    if not access.sees_internal:
        events = events.filter(internal=False)
    return events


def case_links_for(*, case: Case, access: CaseAccess) -> QuerySet[CaseLink]:
    links = case.links.all()
    if not access.sees_internal:
        links = links.filter(internal=False)
    return links


def case_holdings(*, case: Case) -> QuerySet[CaseHolding]:
    return case.holdings.select_related("organisation")


def case_list_for_requester(*, user: User) -> QuerySet[Case]:
    if not user.is_authenticated:
        return Case.objects.none()
    org_ids = list(user.memberships.values_list("organisation_id", flat=True))
    return (
        _case_queryset()
        .filter(Q(requester_user=user) | Q(requester_organisation_id__in=org_ids))
        .distinct()
    )


@dataclass
class InboxFilters:
    state: str = ""
    mine: bool = False
    unassigned: bool = False
    overdue: bool = False
    include_closed: bool = False
    q: str = ""


def case_deadline(case: Case):
    """When the first response is due (None once given); the holder's promise in working days."""
    if case.first_response_at is not None:
        return None
    profile = getattr(case.holder, "intermediary_profile", None)
    days = profile.response_days if profile else 5
    return sla.add_working_days(timezone.localtime(case.received_at), days)


def inbox_for(
    *, user: User, organisation_id: int, filters: InboxFilters
) -> tuple[Organisation, list[Case]]:
    """Access: staff of the intermediary. Cases it holds now, plus those it handed on."""
    organisation = intermediary_orgs_for(user=user).filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404
    cases = (
        _case_queryset()
        .filter(holder=organisation)
        .prefetch_related(
            Prefetch("holdings", queryset=CaseHolding.objects.select_related("organisation"))
        )
    )
    if filters.state in states.STATES:
        cases = cases.filter(state=filters.state)
    elif not filters.include_closed:
        cases = cases.exclude(state=states.CLOSED)
    if filters.mine:
        cases = cases.filter(assignee=user)
    if filters.unassigned:
        cases = cases.filter(assignee__isnull=True)
    if filters.q:
        cases = cases.filter(question__icontains=filters.q[:100])
    result = list(cases.order_by("received_at")[:500])
    now = timezone.localtime()
    for case in result:
        case.deadline = case_deadline(case)
        case.is_overdue = bool(case.deadline and now > case.deadline)
    if filters.overdue:
        result = [case for case in result if case.is_overdue]
    return organisation, result
