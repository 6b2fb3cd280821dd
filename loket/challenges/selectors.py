"""Reads. Every lookup on behalf of a user goes through policy.access()."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from loket.challenges import policy
from loket.challenges.models import (
    Attachment,
    Challenge,
    Confidentiality,
    ExpressionOfInterest,
    Kind,
    Language,
    NdaAcceptance,
    NdaText,
    Notification,
    OutcomeEvent,
    SavedSearch,
    Status,
)
from loket.challenges.relevance import STOP, profile_score
from loket.lib.text import stemmed_document, stems, tokens
from loket.organisations.models import (
    InnovationType,
    Membership,
    Organisation,
    OrganisationType,
    Region,
    SizeClass,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from loket.accounts.models import User

logger = logging.getLogger(__name__)

FACETS = {
    "kind": ("kind", Kind),
    "region": ("region", Region),
    "partner_type": ("partner", OrganisationType),
    "size_class": ("size", SizeClass),
    "language": ("lang", Language),
    "innovation_type": ("itype", None),
}


# --- who is looking -------------------------------------------------------------------------


def viewer_for(user: User | AnonymousUser | None) -> policy.Viewer:
    if user is None or not user.is_authenticated:
        return policy.Viewer()
    cached = getattr(user, "_challenge_viewer", None)
    if cached is not None:
        return cached
    ids = frozenset(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))
    viewer = policy.Viewer(authenticated=True, curator=user.is_staff, organisation_ids=ids)
    # Cached on the user object for the rest of the request; User declares no such field.
    user._challenge_viewer = viewer  # type: ignore[attr-defined]
    return viewer


def user_organisations(*, user: User | AnonymousUser) -> QuerySet[Organisation]:
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user).order_by("name")


# --- single items ---------------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


def policy_item(challenge: Challenge, today: dt.date | None = None) -> policy.Item:
    today = today or _today()
    return policy.Item(
        organisation_id=challenge.organisation_id,
        confidentiality=challenge.confidentiality,
        status=challenge.status,
        hidden=challenge.hidden_by_curator,
        invited_organisation_ids=frozenset(o.pk for o in challenge.invited_organisations.all()),
        deadline_passed=challenge.deadline is not None and challenge.deadline < today,
    )


def nda_complete(interest: ExpressionOfInterest) -> bool:
    orgs = {a.organisation_id for a in interest.nda_acceptances.all()}
    return {interest.organisation_id, interest.challenge.organisation_id} <= orgs


def policy_relation(interest: ExpressionOfInterest | None) -> policy.Relation:
    if interest is None:
        return policy.NO_RELATION
    return policy.Relation(
        status=interest.status,
        nda_required=interest.nda_required,
        nda_complete=interest.nda_required and nda_complete(interest),
    )


def _pick(interests: list[ExpressionOfInterest]) -> ExpressionOfInterest | None:
    """A user in several organisations: the most advanced interest counts."""
    order = {policy.ACCEPTED: 0, policy.PENDING: 1, policy.DECLINED: 2}
    return min(interests, key=lambda i: order.get(i.status, 3), default=None)


def _interests_of(viewer: policy.Viewer, challenge_ids: list[int]) -> dict[int, list]:
    found: dict[int, list] = {}
    if not viewer.organisation_ids or not challenge_ids:
        return found
    interests = (
        ExpressionOfInterest.objects.filter(
            challenge_id__in=challenge_ids, organisation_id__in=viewer.organisation_ids
        )
        .select_related("challenge", "organisation", "nda_text")
        .prefetch_related("nda_acceptances")
    )
    for interest in interests:
        found.setdefault(interest.challenge_id, []).append(interest)
    return found


def _base() -> QuerySet[Challenge]:
    return Challenge.objects.select_related("organisation").prefetch_related(
        "invited_organisations", "innovation_types", "attachments"
    )


def challenge_access(*, user: User | AnonymousUser | None, challenge: Challenge) -> policy.Access:
    viewer = viewer_for(user)
    interest = _pick(_interests_of(viewer, [challenge.pk]).get(challenge.pk, []))
    challenge.viewer_interest = interest  # type: ignore[attr-defined]
    return policy.access(viewer, policy_item(challenge), policy_relation(interest))


def challenge_get_for(
    *, user: User | AnonymousUser | None, pk: int, write: bool = False
) -> Challenge:
    """The item with .access and .viewer_interest attached; 404 when the user may not see it.

    write=True: only members of the posting organisation (everyone else gets 404 as well).
    """
    challenge = _base().filter(pk=pk).first()
    if challenge is None:
        raise Http404
    access = challenge_access(user=user, challenge=challenge)
    if not access.teaser or (write and not access.is_poster):
        raise Http404
    challenge.access = access  # type: ignore[attr-defined]
    return challenge


def attachment_get_for(
    *, user: User | AnonymousUser | None, challenge_pk: int, pk: int
) -> Attachment:
    challenge = challenge_get_for(user=user, pk=challenge_pk)
    if not challenge.access.attachments:  # type: ignore[attr-defined]
        raise Http404
    attachment = Attachment.objects.filter(challenge=challenge, pk=pk).first()
    if attachment is None:
        raise Http404
    return attachment


# --- presentation: the only shape that leaves this module for pages, API, e-mails -------------


def _labels(values: list[str], choices: Any) -> list[str]:
    labels = dict(choices.choices) if choices is not None else {}
    return [str(labels.get(v, v)) for v in values]


def challenge_present(
    challenge: Challenge, access: policy.Access, *, full: bool = True
) -> dict[str, Any]:
    """Exactly the fields the access allows. Templates, API and digests get nothing else.

    full=False (lists, search, digests): teaser level at most, even for those who may see more.
    """
    if not access.teaser:
        raise Http404
    innovation = list(challenge.innovation_types.all())
    data: dict[str, Any] = {
        "id": challenge.pk,
        "url": reverse("challenges:challenge-detail", args=[challenge.pk]),
        "kind": challenge.kind,
        "kind_label": str(Kind(challenge.kind).label),
        "title": challenge.title,
        "teaser": challenge.teaser,
        "partner_types": list(challenge.partner_types),
        "partner_type_labels": _labels(challenge.partner_types, OrganisationType),
        "size_classes": list(challenge.size_classes),
        "size_class_labels": _labels(challenge.size_classes, SizeClass),
        "regions": list(challenge.regions),
        "region_labels": _labels(challenge.regions, Region),
        "countries": list(challenge.countries),
        "innovation_types": [t.code for t in innovation],
        "innovation_type_labels": [t.label for t in innovation],
        "tags": list(challenge.tags),
        "languages": list(challenge.languages),
        "language_labels": _labels(challenge.languages, Language),
        "call_reference": challenge.call_reference,
        "deadline": challenge.deadline,
        "confidentiality": challenge.confidentiality,
        "confidentiality_label": str(Confidentiality(challenge.confidentiality).label),
        "status": challenge.status,
        "status_label": str(Status(challenge.status).label),
        "close_reason": challenge.close_reason,
        "close_reason_label": challenge.get_close_reason_display()
        if challenge.close_reason
        else "",
        "published_at": challenge.published_at,
        "hidden": challenge.hidden_by_curator
        if (access.is_poster or access.can_moderate)
        else None,
        "is_poster": access.is_poster,
        "poster": None,
        "details": None,
        "attachments": None,
    }
    if access.poster:
        data["poster"] = {
            "id": challenge.organisation_id,
            "name": challenge.organisation.name,
        }
    if full and access.details:
        data["details"] = challenge.details
    if full and access.attachments:
        data["attachments"] = [
            {
                "id": a.pk,
                "name": a.original_name,
                "size": a.size,
                "content_type": a.content_type,
                "url": reverse("challenges:attachment-download", args=[challenge.pk, a.pk]),
            }
            for a in challenge.attachments.all()
        ]
    return data


def challenge_cards_for(
    *, user: User | AnonymousUser | None, challenges: list[Challenge]
) -> list[dict[str, Any]]:
    """Present a page of items with one query for the viewer's interests, not one per item."""
    viewer = viewer_for(user)
    today = _today()
    interests = _interests_of(viewer, [c.pk for c in challenges])
    cards = []
    for challenge in challenges:
        access = policy.access(
            viewer,
            policy_item(challenge, today),
            policy_relation(_pick(interests.get(challenge.pk, []))),
        )
        if access.teaser:
            cards.append(challenge_present(challenge, access, full=False))
    return cards


# --- lists, search and facets ---------------------------------------------------------------


@dataclass
class SearchParams:
    query: str = ""
    kind: str = ""
    region: str = ""
    partner_type: str = ""
    size_class: str = ""
    language: str = ""
    innovation_type: str = ""
    include_closed: bool = False

    @classmethod
    def from_mapping(cls, data: Any) -> SearchParams:
        def one(name: str) -> str:
            value = data.get(name, "") or ""
            return str(value)[:200].strip()

        return cls(
            query=one("q"),
            kind=one("kind"),
            region=one("region"),
            partner_type=one("partner_type"),
            size_class=one("size_class"),
            language=one("language"),
            innovation_type=one("innovation_type"),
            include_closed=one("closed") in {"1", "on", "true"},
        )

    def as_filters(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in FACETS if getattr(self, name)}


def search_stems(query: str) -> list[tuple[str, ...]]:
    return [stems(token) for token in tokens(query)[:12]]


def facet_document_for(challenge: Challenge, innovation_codes: list[str]) -> str:
    parts = [f"kind:{challenge.kind}"]
    parts += [f"region:{v}" for v in challenge.regions]
    parts += [f"partner:{v}" for v in challenge.partner_types]
    parts += [f"size:{v}" for v in challenge.size_classes]
    parts += [f"lang:{v}" for v in challenge.languages]
    parts += [f"itype:{v}" for v in innovation_codes]
    return " " + " ".join(parts) + " "


def search_document_for(challenge: Challenge) -> str:
    """Title, teaser and tags. Never details, never the poster's name."""
    text = "\n".join([challenge.title, challenge.teaser, " ".join(challenge.tags)])
    return " " + stemmed_document(text) + " "


def challenge_search(
    *, user: User | AnonymousUser | None, params: SearchParams, exclude_facet: str = ""
) -> QuerySet[Challenge]:
    queryset = Challenge.objects.visible_to(user).listed()
    if not params.include_closed:
        queryset = queryset.filter(status=Status.PUBLISHED)
    for alternatives in search_stems(params.query):
        condition = Q()
        for stem in alternatives:
            condition |= Q(search_document__contains=" " + stem)
        queryset = queryset.filter(condition)
    for name, value in params.as_filters().items():
        if name == exclude_facet:
            continue
        prefix = FACETS[name][0]
        queryset = queryset.filter(facet_document__contains=f" {prefix}:{value} ")
    return queryset


def challenge_list(
    *, user: User | AnonymousUser | None, params: SearchParams
) -> QuerySet[Challenge]:
    return _base().filter(pk__in=challenge_search(user=user, params=params).values("pk"))


def challenge_facets(
    *, user: User | AnonymousUser | None, params: SearchParams
) -> list[dict[str, Any]]:
    """Counts per facet value over what the user may see (teaser level only)."""
    rows = list(challenge_search(user=user, params=params).values_list("facet_document", flat=True))
    counts: Counter[str] = Counter(token for row in rows for token in set(row.split()))
    innovation_labels = {t.code: t.label for t in InnovationType.objects.all()}
    facets = []
    for name, (prefix, choices) in FACETS.items():
        labels = dict(choices.choices) if choices is not None else innovation_labels
        options = [
            {
                "value": value,
                "label": str(label),
                "count": counts.get(f"{prefix}:{value}", 0),
                "selected": getattr(params, name) == value,
            }
            for value, label in labels.items()
        ]
        options = [o for o in options if o["count"] or o["selected"]]
        facets.append({"name": name, "options": options, "selected": getattr(params, name)})
    return facets


def challenges_of_user(*, user: User) -> QuerySet[Challenge]:
    """Items posted by the user's organisations, drafts included."""
    return _base().filter(organisation__memberships__user=user).distinct()


# --- interests, NDA, conversation -----------------------------------------------------------


def interest_get_for(*, user: User | AnonymousUser | None, pk: int) -> ExpressionOfInterest:
    """An interest seen by the poster's members or the interested organisation's members."""
    viewer = viewer_for(user)
    interest = (
        ExpressionOfInterest.objects.select_related(
            "challenge", "challenge__organisation", "organisation", "nda_text"
        )
        .prefetch_related("nda_acceptances", "challenge__invited_organisations")
        .filter(pk=pk)
        .first()
    )
    if interest is None or not viewer.authenticated:
        raise Http404
    challenge = interest.challenge
    is_poster = challenge.organisation_id in viewer.organisation_ids
    is_interested = interest.organisation_id in viewer.organisation_ids
    if not (is_poster or is_interested):
        raise Http404
    relation = policy_relation(interest) if is_interested else policy.NO_RELATION
    access = policy.access(viewer, policy_item(challenge), relation)
    if not access.teaser:
        raise Http404
    interest.access = access  # type: ignore[attr-defined]
    interest.viewer_side = "poster" if is_poster else "interested"  # type: ignore[attr-defined]
    return interest


def interests_for(
    *, user: User | AnonymousUser | None, challenge: Challenge
) -> QuerySet[ExpressionOfInterest]:
    """The poster sees every interest; an interested organisation its own; others none."""
    viewer = viewer_for(user)
    queryset = ExpressionOfInterest.objects.filter(challenge=challenge).select_related(
        "organisation", "sent_by", "nda_text"
    )
    if challenge.organisation_id in viewer.organisation_ids:
        return queryset
    return queryset.filter(organisation_id__in=viewer.organisation_ids)


def interests_sent_by(*, user: User) -> QuerySet[ExpressionOfInterest]:
    viewer = viewer_for(user)
    return (
        ExpressionOfInterest.objects.filter(organisation_id__in=viewer.organisation_ids)
        .select_related("challenge", "organisation")
        .prefetch_related("nda_acceptances", "challenge__invited_organisations")
    )


def nda_text_current(*, language: str) -> NdaText:
    text = NdaText.objects.filter(language=language).order_by("-version").first()
    if text is None:
        raise Http404
    return text


def nda_acceptances(*, interest: ExpressionOfInterest) -> QuerySet[NdaAcceptance]:
    return interest.nda_acceptances.select_related("user", "organisation", "nda_text")


def conversation_messages(*, interest: ExpressionOfInterest):  # type: ignore[no-untyped-def]
    conversation = getattr(interest, "conversation", None)
    if conversation is None:
        return []
    return list(conversation.messages.select_related("sender", "sender_organisation"))


# --- notifications, alerts, outcome ---------------------------------------------------------


def notifications_for(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)


def saved_searches_for(*, user: User) -> QuerySet[SavedSearch]:
    return SavedSearch.objects.filter(user=user).select_related("organisation")


def challenge_outcome(*, challenge: Challenge) -> dict[str, int]:
    counts = Counter(
        OutcomeEvent.objects.filter(challenge=challenge).values_list("kind", flat=True)
    )
    return dict(counts)


# --- suggestions ----------------------------------------------------------------------------


def _stem_set(text: str) -> set[str]:
    return set(stemmed_document(text).split())


def challenge_suggestions_for_organisation(
    *, user: User | AnonymousUser | None, organisation: Organisation, limit: int = 10
) -> list[dict[str, Any]]:
    """Open items the user may see that fit the organisation's profile (teaser level)."""
    profile = _stem_set(
        " ".join(
            [
                organisation.description,
                organisation.offers,
                " ".join(organisation.expertise_tags or []),
                organisation.profile_text[:5000],
            ]
        )
    )
    candidates = list(
        _base()
        .filter(pk__in=Challenge.objects.visible_to(user).listed().values("pk"))
        .filter(status=Status.PUBLISHED)
        .exclude(organisation=organisation)[:500]
    )
    scored = []
    for challenge in candidates:
        score = profile_score(
            profile_stems=profile,
            item_stems=set(challenge.search_document.split()),
            org_type=organisation.org_type,
            size_class=organisation.size_class,
            region=organisation.region,
            partner_types=challenge.partner_types,
            size_classes=challenge.size_classes,
            regions=challenge.regions,
        )
        if score > 0:
            scored.append((score, challenge))
    scored.sort(key=lambda pair: (-pair[0], -pair[1].pk))
    return challenge_cards_for(user=user, challenges=[c for _s, c in scored[:limit]])


def _teaser_text(challenge: Challenge) -> str:
    """The only text suggestions see: title, teaser and tags. Never the protected details."""
    return "\n".join([challenge.title, challenge.teaser, " ".join(challenge.tags)])


def challenge_suggested_organisations(
    *, user: User, challenge: Challenge, limit: int = 8
) -> list[Organisation]:
    """Organisations that fit the item, ranked on the PUBLIC TEASER only (never the details).

    Uses the matching engine; falls back to the directory's stemmed search documents while the
    match index is not built (or the engine fails), so the page never breaks.
    """
    try:
        return _suggested_by_matching(user=user, challenge=challenge, limit=limit)
    except Exception:  # the engine is optional here: any failure falls back to the directory
        logger.warning("matching unavailable for challenge suggestions", exc_info=True)
    return _suggested_by_directory(user=user, challenge=challenge, limit=limit)


def _suggested_by_matching(*, user: User, challenge: Challenge, limit: int) -> list[Organisation]:
    from loket.matching.engine import Filters
    from loket.matching.services import match_for

    filters = Filters(
        types=set(challenge.partner_types),
        size_classes=set(challenge.size_classes),
        regions=set(challenge.regions),
        countries=set(challenge.countries),
    )
    results = match_for(
        user=user, text=_teaser_text(challenge), filters=filters, top=limit + 1, explain=False
    )
    return [r.organisation for r in results if r.organisation.pk != challenge.organisation_id][
        :limit
    ]


def _suggested_by_directory(*, user: User, challenge: Challenge, limit: int) -> list[Organisation]:
    item_stems = _stem_set(_teaser_text(challenge))
    useful = sorted(item_stems - STOP, key=len, reverse=True)[:8]
    if not useful:
        return []
    condition = Q()
    for stem in useful:
        condition |= Q(search_document__contains=stem)
    candidates = (
        Organisation.objects.listed_for(user)
        .exclude(pk=challenge.organisation_id)
        .filter(condition)
        .only("pk", "name", "org_type", "size_class", "region", "search_document", "visibility")[
            :300
        ]
    )
    scored = []
    for organisation in candidates:
        score = profile_score(
            profile_stems=set(organisation.search_document.split()),
            item_stems=item_stems,
            org_type=organisation.org_type,
            size_class=organisation.size_class,
            region=organisation.region,
            partner_types=challenge.partner_types,
            size_classes=challenge.size_classes,
            regions=challenge.regions,
        )
        if score > 0:
            scored.append((score, organisation))
    scored.sort(key=lambda pair: (-pair[0], pair[1].name))
    return [o for _s, o in scored[:limit]]


def saved_search_matches(*, saved_search: SavedSearch, since: dt.datetime) -> list[dict[str, Any]]:
    """New items for one alert, presented for its user: the digest never knows more than they do."""
    user = saved_search.user
    if saved_search.match_profile and saved_search.organisation is not None:
        cards = challenge_suggestions_for_organisation(
            user=user, organisation=saved_search.organisation, limit=50
        )
        fresh_ids = set(
            Challenge.objects.filter(
                pk__in=[c["id"] for c in cards], published_at__gt=since
            ).values_list("pk", flat=True)
        )
        return [c for c in cards if c["id"] in fresh_ids]
    filters = _known_filters(saved_search.filters)
    params = SearchParams(
        query=saved_search.query,
        kind=filters.get("kind", ""),
        region=filters.get("region", ""),
        partner_type=filters.get("partner_type", ""),
        size_class=filters.get("size_class", ""),
        language=filters.get("language", ""),
        innovation_type=filters.get("innovation_type", ""),
    )
    challenges = list(challenge_list(user=user, params=params).filter(published_at__gt=since)[:50])
    return challenge_cards_for(user=user, challenges=challenges)


def _known_filters(filters: dict) -> dict[str, str]:
    return {k: str(v) for k, v in (filters or {}).items() if k in FACETS}
