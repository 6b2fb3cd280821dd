"""Reads for the one-stop shop. Case access is decided here and nowhere else."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Model, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from loket.challenges.models import Challenge
from loket.instruments.models import Instrument
from loket.lib.text import stems, tokens
from loket.organisations.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationType,
    Region,
)
from loket.organisations.search import ParsedQuery, search_ranked
from loket.referrals import routing, sla, states
from loket.referrals.models import (
    Case,
    CaseEvent,
    CaseHolding,
    IntermediaryProfile,
    Language,
    Service,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from loket.accounts.models import User

logger = logging.getLogger(__name__)


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
        IntermediaryProfile.objects.listed()
        .select_related("organisation")
        .prefetch_related("instrument_links")
        .filter(pk=pk)
        .first()
    )
    if profile is None:
        raise Http404
    return profile


def intermediary_instruments(*, profile: IntermediaryProfile) -> list[Instrument]:
    """Access: public. Catalogue instruments the intermediary helps with: the ones it chose on
    its profile and the ones the catalogue's curators list it for."""
    return list(
        Instrument.objects.filter(
            Q(intermediary_profiles=profile) | Q(intermediaries=profile.organisation_id)
        )
        .distinct()
        .order_by("name")
    )


@dataclass
class ProfileAccess:
    organisation: Organisation
    profile: IntermediaryProfile  # unsaved when the intermediary has none yet
    can_edit: bool


def intermediary_profile_get_for(
    *, user: User | None, organisation_pk: int, write: bool = False
) -> ProfileAccess:
    """An intermediary's own profile: members may read it, admins may change it (write=True).

    404 for everyone else, for organisations that are not intermediaries, and for a member
    asking to write, so a refused write learns nothing and changes nothing.
    """
    if user is None or not user.is_authenticated:
        raise Http404
    membership = (
        Membership.objects.select_related("organisation")
        .filter(
            user=user,
            organisation_id=organisation_pk,
            organisation__org_type=OrganisationType.INTERMEDIARY,
        )
        .first()
    )
    if membership is None:
        raise Http404
    can_edit = membership.role == MembershipRole.ADMIN
    if write and not can_edit:
        raise Http404
    organisation = membership.organisation
    profile = (
        IntermediaryProfile.objects.prefetch_related("instrument_links")
        .filter(organisation=organisation)
        .first()
    ) or IntermediaryProfile(organisation=organisation)
    return ProfileAccess(organisation=organisation, profile=profile, can_edit=can_edit)


def intermediary_orgs_for(*, user: User | AnonymousUser | None) -> QuerySet[Organisation]:
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
    """The matching engine's view of the question: a 0..1 relevance per intermediary.

    Ranks the intermediaries in the match index for the text (loket.matching.services.match_for,
    public profiles only, as a visitor would see them) and scales the scores from 1 (best) to 0
    (last of those ranked). Empty when the index is not built or the engine fails: routing then relies on region,
    services and language alone, and a question can always be asked.
    """
    if not organisation_ids or not (text or "").strip():
        return {}
    try:
        from loket.matching.engine import Filters
        from loket.matching.services import match_for

        results = match_for(
            user=None,
            text=text,
            filters=Filters(types={OrganisationType.INTERMEDIARY.value}),
            top=100,
            explain=False,
        )
    except Exception:  # the engine is optional here: any failure leaves routing to the rules
        logger.info("matching unavailable for question routing", exc_info=True)
        return {}
    wanted = set(organisation_ids)
    scores = {r.organisation.pk: float(r.score) for r in results if r.organisation.pk in wanted}
    if not scores:
        return {}
    # The engine's scale depends on its method (fused logits may be negative, RRF is tiny):
    # only the order and the spacing among these intermediaries carry over, best = 1, last = 0.
    best, worst = max(scores.values()), min(scores.values())
    if best == worst:
        return dict.fromkeys(scores, 1.0)
    return {pk: round((score - worst) / (best - worst), 4) for pk, score in scores.items()}


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


# Words too common in questions to say what one is about (folded, as loket.lib.text.tokens).
_QUESTION_NOISE = {
    "aanvragen",
    "bedrijf",
    "bedrijven",
    "company",
    "graag",
    "hebben",
    "kunnen",
    "nieuwe",
    "onderneming",
    "organisatie",
    "question",
    "should",
    "vraag",
    "vragen",
    "willen",
    "would",
    "entreprise",
    "notre",
    "pouvons",
    "voudrions",
    "zoeken",
    "looking",
    "cherchons",
}
SUGGESTION_WORDS = 12


def question_query(text: str) -> ParsedQuery:
    """The question as one directory query in which ANY distinctive word may match.

    The directory's own parser wants every word to match, right for a search box and wrong for
    a paragraph; here the longest (most specific) words count, each with its stems as
    alternatives and prefixes, and the directory's ranking (bm25, ts_rank) orders the results.
    """
    words = [t for t in dict.fromkeys(tokens((text or "")[:5000])) if len(t) >= 5]
    words = [w for w in words if w not in _QUESTION_NOISE and not w.isdigit()]
    words = sorted(words, key=len, reverse=True)[:SUGGESTION_WORDS]
    alternatives = tuple(
        dict.fromkeys(stem for word in words for stem in stems(word) if len(stem) >= 4)
    )
    # One group of alternatives, each also as a prefix: the stemmer keeps "sensor" and
    # "sensoren" apart, and Dutch compounds (octrooiaanvraag) start with the word asked about.
    return ParsedQuery(terms=(alternatives,) if alternatives else (), prefix_last=True)


def organisations_suggested(
    *, text: str, user: User | None, exclude_ids: tuple[int, ...] = (), limit: int = 5
) -> list[Organisation]:
    """Access: what the user may see in the directory (never hidden profiles, only public ones
    for visitors). Organisations, not intermediaries, that the directory search ranks best
    for the question."""
    parsed = question_query(text)
    if not parsed:
        return []
    queryset = (
        Organisation.objects.listed_for(user)
        .exclude(org_type=OrganisationType.INTERMEDIARY)
        .exclude(pk__in=list(exclude_ids))
        .defer("profile_text", "search_document")
    )
    return list(search_ranked(queryset, parsed)[:limit])


def instruments_suggested(
    *, text: str, intermediary_ids: list[int], limit: int = 5
) -> list[Instrument]:
    """Access: public (the catalogue is). Current instruments that the proposed intermediaries
    help with, those whose name or summary shares most words with the question first."""
    if not intermediary_ids:
        return []
    candidates = list(
        Instrument.objects.current()
        .filter(
            Q(intermediary_profiles__organisation_id__in=intermediary_ids)
            | Q(intermediaries__in=intermediary_ids)
        )
        .distinct()
    )
    question_stems = {stem for word in tokens(text) if len(word) >= 4 for stem in stems(word)}

    def overlap(instrument: Instrument) -> int:
        words = tokens(f"{instrument.name} {instrument.short_name} {instrument.summary}")
        return len(question_stems & {stem for word in words for stem in stems(word)})

    scored = [(overlap(i), i) for i in candidates]
    scored.sort(key=lambda pair: (-pair[0], pair[1].name))
    return [instrument for score, instrument in scored if score > 0][:limit]


# ---------------------------------------------------------------- cases


@dataclass(frozen=True)
class CaseAccess:
    is_requester: bool
    is_staff: bool  # staff of an intermediary that held the case at some point
    is_holder_staff: bool  # staff of the current holder: may act on it

    @property
    def sees_internal(self) -> bool:
        return self.is_staff


def case_access(*, case: Case, user: User | AnonymousUser | None) -> CaseAccess:
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


def case_get_for(*, user: User | AnonymousUser | None, pk: int) -> Case:
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


class LinkKind:
    ORGANISATION = "organisation"
    INSTRUMENT = "instrument"
    CHALLENGE = "challenge"

    CHOICES = (
        (ORGANISATION, gettext_lazy("Organisation")),
        (INSTRUMENT, gettext_lazy("Instrument")),
        (CHALLENGE, gettext_lazy("Challenge")),
    )
    MODELS: dict[str, type[Model]] = {
        ORGANISATION: Organisation,
        INSTRUMENT: Instrument,
        CHALLENGE: Challenge,
    }


def _visible_targets(model: type[Model], user: User | None) -> QuerySet:
    """What the user may see of each linkable kind, by that object's own rules."""
    if model is Organisation:
        return Organisation.objects.visible_to(user)
    if model is Challenge:
        return Challenge.objects.visible_to(user)
    if model is Instrument:
        return Instrument.objects.all()  # the catalogue is public
    return model._default_manager.none()


def link_target_get_for(*, user: User | None, kind: str, reference: str) -> Model:
    """The object a staff member wants to link: an organisation or challenge by number, an
    instrument by number or slug. 404 for anything the user may not see, as if it did not exist."""
    model = LinkKind.MODELS.get(kind)
    reference = (reference or "").strip()[:100]
    if model is None or not reference:
        raise Http404
    queryset = _visible_targets(model, user)
    if reference.isdigit() and int(reference) < 2**63:
        target = queryset.filter(pk=int(reference)).first()
    elif model is Instrument:
        target = queryset.filter(slug=reference).first()
    else:
        target = None
    if target is None:
        raise Http404
    return target


def link_target_visible(*, user: User | None, target: Model) -> bool:
    return _visible_targets(type(target), user).filter(pk=target.pk).exists()


@dataclass
class LinkView:
    kind: str
    label: str
    url: str
    internal: bool


def _link_label_and_url(target: Model) -> tuple[str, str]:
    if isinstance(target, Organisation):
        return target.name, reverse("organisations:organisation-detail", args=[target.pk])
    if isinstance(target, Instrument):
        return target.name, reverse("instruments:instrument-detail", args=[target.slug])
    if isinstance(target, Challenge):
        return target.title, reverse("challenges:challenge-detail", args=[target.pk])
    return str(target), ""


def case_links_for(*, case: Case, access: CaseAccess, user: User | None = None) -> list[LinkView]:
    """The case's links this viewer may see: internal ones only for staff, and each object only
    while the viewer may see it by its own rules (a confidential challenge stays invisible to
    whoever may not read it, even after a hand-over). Labels are read fresh from the objects."""
    links = list(case.links.select_related("target_type"))
    if not access.sees_internal:
        links = [link for link in links if not link.internal]
    by_model: dict[type[Model], list[int]] = {}
    for link in links:
        model = link.target_type.model_class()
        if model is not None and model in LinkKind.MODELS.values():
            by_model.setdefault(model, []).append(link.target_id)
    visible = {model: _visible_targets(model, user).in_bulk(ids) for model, ids in by_model.items()}
    kinds = {model: kind for kind, model in LinkKind.MODELS.items()}
    shown = []
    for link in links:
        model = link.target_type.model_class()
        target = visible.get(model, {}).get(link.target_id) if model is not None else None
        if model is None or target is None:
            continue
        label, url = _link_label_and_url(target)
        shown.append(LinkView(kind=kinds[model], label=label, url=url, internal=link.internal))
    return shown


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
    overdue: list[Case] = []
    for case in result:
        deadline = case_deadline(case)
        late = bool(deadline and now > deadline)
        # Shown next to each case in the inbox; Case declares no such fields.
        case.deadline = deadline  # type: ignore[attr-defined]
        case.is_overdue = late  # type: ignore[attr-defined]
        if late:
            overdue.append(case)
    if filters.overdue:
        result = overdue
    return organisation, result
