"""Matching on behalf of a user, the batch interface, feedback and re-embedding."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.lib.errors import ApplicationError
from loket.matching.engine import Evidence, Filters, Matcher, MatchRequest, consortium_suggest
from loket.matching.explain import Explanation, passage_explain
from loket.matching.index import (
    collaboration_graph,
    fusion_get,
    index_get,
    match_encoder,
    organisation_passages,
    overlay_expire,
    visibility_get,
    visibility_recheck,
)
from loket.matching.models import FeedbackVerdict, MatchFeedback, ProfileVector
from loket.matching.phrasing import need_subject
from loket.matching.scoring import mean_vectors
from loket.organisations.models import Organisation, Participation

MAX_NEED_CHARS = 2000
MAX_TOP = 100


class MatchUnavailableError(ApplicationError):
    status_code = 503


@dataclass
class MatchResult:
    organisation: Organisation
    score: float
    evidence: Evidence
    explanation: Explanation = field(default_factory=Explanation)
    via: Organisation | None = None
    shared_topics: list[str] = field(default_factory=list)
    role: str = ""


# Ranked beyond `top`, so profiles hidden since this process read the visibility (and dropped
# by the check of the shown rows) rarely shorten the list; if they do, the match runs again.
SHOW_MARGIN = 5
# What results and explanations read of an organisation (the search document is only for the
# directory; anything else is loaded on access).
SHOWN_DEFER = ("search_document",)


def _listed(user, pks: list[int]) -> QuerySet[Organisation]:
    """The given organisations that `listed_for(user)` lets the user see, looked up by primary
    key: as a correlated EXISTS, SQLite stays on the primary key (with the visibility filter
    outside, it scanned the visibility index instead: 60 ms at 100k profiles)."""
    listed = Organisation.objects.listed_for(user).filter(pk=OuterRef("pk"))
    return Organisation.objects.filter(Exists(listed), pk__in=pks).order_by()


def _rank_checked(
    loaded,
    matcher: Matcher,
    request: MatchRequest,
    *,
    user,
    check: Callable[[list[Evidence]], set[int]],
    restrict: set[int] | None = None,
) -> list[Evidence]:
    """Rank with the in-memory visibility (a mask over the positions: no database round during
    the ranking), then keep only the ranked positions `check` (the database, now) says may be
    shown; profiles it refused are read again, and if too few remain the match runs once more
    with the corrected copy."""
    top = request.top
    shown: list[Evidence] = []
    for _attempt in range(2):
        allowed = visibility_get(loaded).mask_for(user)
        if restrict is not None:
            only = np.zeros_like(allowed)
            inside = [i for i in restrict if i < len(allowed)]
            only[inside] = allowed[inside]
            allowed = only
        ranked = matcher.rank(replace(request, allowed=allowed, top=top + SHOW_MARGIN))
        keep = check(ranked)
        refused = [e.position for e in ranked if e.position not in keep]
        shown = [e for e in ranked if e.position in keep]
        if refused:
            visibility_recheck(loaded, refused)
        if len(shown) >= top or len(ranked) < top + SHOW_MARGIN or not refused:
            break
    return shown[:top]


def _matcher():
    loaded = index_get()
    if loaded is None:
        raise MatchUnavailableError(_("Matching is not available yet: the index is being built."))
    return loaded, Matcher(loaded.corpus, match_encoder(), fusion_get())


def _filters_accept(filters: Filters, organisation: Organisation) -> bool:
    """The filters against the profile as it is now (the index may hold older attributes)."""
    return (
        (not filters.types or organisation.org_type in filters.types)
        and (not filters.size_classes or organisation.size_class in filters.size_classes)
        and (not filters.regions or organisation.region in filters.regions)
        and (not filters.countries or organisation.country in filters.countries)
    )


def organisation_scores_for(
    *, user, text: str, organisation_ids: list[int] | None = None, limit: int = 50
) -> dict[int, float]:
    """Relevance in (0, 1) of the organisations the user may see for a text, best first (at
    most `limit`); with `organisation_ids`, only those, and every visible one of them is
    scored even when no signal would have proposed it. Empty for an empty text."""
    text = (text or "").strip()[:MAX_NEED_CHARS]
    if not text or limit < 1 or organisation_ids == []:
        return {}
    loaded, matcher = _matcher()
    include: list[int] = []
    restrict: set[int] | None = None
    if organisation_ids is not None:
        restrict = {
            loaded.corpus.position[str(pk)]
            for pk in organisation_ids
            if str(pk) in loaded.corpus.position
        }
        include = sorted(restrict)

    def check(ranked: list[Evidence]) -> set[int]:
        by_pk = {int(loaded.pks[e.position]): e.position for e in ranked}
        return {by_pk[pk] for pk in _listed(user, list(by_pk)).values_list("pk", flat=True)}

    ranked = _rank_checked(
        loaded,
        matcher,
        MatchRequest(text=text, include=include, top=max(1, min(limit, MAX_TOP * 10))),
        user=user,
        check=check,
        restrict=restrict,
    )
    scores = np.asarray([e.score for e in ranked], dtype=np.float64)
    if matcher.fusion is not None:
        scores = 1.0 / (1.0 + np.exp(-scores))  # the fusion is a logistic model: a probability
    elif len(scores) and scores.max() > 0:
        scores = scores / scores.max()
    return {int(loaded.pks[e.position]): float(s) for e, s in zip(ranked, scores, strict=True)}


def match_for(
    *,
    user,
    text: str,
    seeker: Organisation | None = None,
    filters: Filters | None = None,
    complementary: bool = False,
    consortium: bool = False,
    top: int = 10,
    explain: bool = True,
) -> list[MatchResult]:
    """Ranked partners for a need, with explanations; only profiles the user may see (the
    shown rows are read from the database with the user's visibility, every time)."""
    text = (text or "").strip()[:MAX_NEED_CHARS]
    if not text and seeker is None:
        raise ApplicationError(_("Describe what you are looking for."))
    loaded, matcher = _matcher()
    filters = filters or Filters()
    if seeker is not None and not text:
        text = "\n".join(organisation_passages([seeker.pk]).get(seeker.pk, []))[:MAX_NEED_CHARS]
    top = max(1, min(top, MAX_TOP))
    request = MatchRequest(
        text=text,
        seeker=str(seeker.pk) if seeker is not None else None,
        filters=filters,
        complementary=complementary,
        top=max(top, 30) if consortium else top,
        graph=collaboration_graph([seeker.pk]) if seeker is not None else None,
    )
    organisations: dict[int, Organisation] = {}

    def check(ranked: list[Evidence]) -> set[int]:
        pks = [int(loaded.pks[e.position]) for e in ranked]
        via = [int(e.via) for e in ranked if e.via]
        wanted = [pk for pk in dict.fromkeys(pks + via) if pk not in organisations]
        organisations.update(
            {o.pk: o for o in _listed(user, wanted).defer(*SHOWN_DEFER)} if wanted else {}
        )
        return {
            e.position
            for e, pk in zip(ranked, pks, strict=True)
            if pk in organisations and _filters_accept(filters, organisations[pk])
        }

    ranked = _rank_checked(loaded, matcher, request, user=user, check=check)
    if consortium:
        roles = consortium_suggest(loaded.corpus, ranked)
        chosen = {id(e): role for role, e in roles.items()}
        ranked = [e for e in ranked if id(e) in chosen]
    else:
        chosen = {}
    pks = [int(loaded.pks[e.position]) for e in ranked]
    passages = (
        organisation_passages(pks, organisations={pk: organisations[pk] for pk in pks})
        if explain
        else {}
    )
    related = matcher.feedback_used(text)  # how a need in another language matched, if it did
    subject = need_subject(text)  # what the ranking read: no "we zoeken een partner" to highlight
    topics: dict[int, set[str]] = {}
    if explain and seeker is not None:
        seeker_topics = (
            Participation.objects.filter(organisation=seeker)
            .exclude(project__topics="")
            .values("project__topics")
        )
        for org_id, topic in Participation.objects.filter(
            organisation_id__in=pks, project__topics__in=seeker_topics
        ).values_list("organisation_id", "project__topics"):
            topics.setdefault(org_id, set()).add(topic)
    return [
        MatchResult(
            organisation=organisations[pk],
            score=e.score,
            evidence=e,
            explanation=(
                passage_explain(subject, passages.get(pk, []), related=related)
                if explain
                else Explanation()
            ),
            via=organisations.get(int(e.via)) if e.via else None,
            shared_topics=sorted(topics.get(pk, set()))[:5],
            role=chosen.get(id(e), ""),
        )
        for e, pk in zip(ranked, pks, strict=True)
    ]


def match_batch_line(*, text: str, seeker: str | None, exclude: list[str], top: int) -> list[dict]:
    """One line of `match_batch`: ids are CORDIS PICs for imported organisations, else Loket ids.
    The batch runs as a signed-in member would: everything except hidden profiles."""
    loaded, matcher = _matcher()
    by_pic = loaded.position_of_pic()

    def key_of(ref: str | None) -> str | None:
        if not ref:
            return None
        ref = str(ref)
        if ref in by_pic:
            return loaded.corpus.keys[by_pic[ref]]
        return ref if ref in loaded.corpus.position else None

    seeker_key = key_of(seeker)
    excluded = {k for k in (key_of(ref) for ref in exclude or []) if k}
    request = MatchRequest(
        text=(text or "")[:MAX_NEED_CHARS],
        seeker=seeker_key,
        exclude=excluded,
        top=max(1, min(top, 1000)),
        graph=collaboration_graph([int(seeker_key)]) if seeker_key else None,
    )
    if not request.text and not seeker_key:
        return []

    def check(ranked: list[Evidence]) -> set[int]:
        by_pk = {int(loaded.pks[e.position]): e.position for e in ranked}
        return {by_pk[pk] for pk in _listed(_MEMBER, list(by_pk)).values_list("pk", flat=True)}

    ranked = _rank_checked(loaded, matcher, request, user=_MEMBER, check=check)
    return [
        {"organisation": loaded.key_for(e.position), "score": round(float(e.score), 6)}
        for e in ranked
    ]


class _SignedIn:
    is_authenticated = True


_MEMBER = _SignedIn()  # the batch sees what any signed-in member sees


def match_feedback_record(
    *, user, need: str, organisation: Organisation, verdict: str, rank: int | None = None
) -> MatchFeedback:
    if verdict not in FeedbackVerdict.values:
        raise ApplicationError(_("Unknown feedback."))
    feedback = MatchFeedback(
        user=user if user is not None and user.is_authenticated else None,
        need=(need or "")[:MAX_NEED_CHARS],
        organisation=organisation,
        verdict=verdict,
        rank=rank if rank is not None and 0 < rank < 1000 else None,
    )
    feedback.full_clean()
    feedback.save()
    return feedback


def profile_vector_refresh(*, organisation_id: int) -> ProfileVector | None:
    """Re-embed one profile (after it changed); the index overlays it at once."""
    passages = organisation_passages([organisation_id]).get(organisation_id)
    if passages is None:
        return None
    encoder = match_encoder()
    vectors = encoder.encode_passages(passages)
    vector = mean_vectors(vectors, [0] * len(vectors), 1)[0].astype(np.float32)
    with transaction.atomic():
        row, _created = ProfileVector.objects.update_or_create(
            organisation_id=organisation_id,
            defaults={
                "encoder": encoder.name,
                "vector": vector.tobytes(),
                "updated_at": timezone.now(),
            },
        )
    overlay_expire()  # this connection sees the row now, others after the commit
    transaction.on_commit(overlay_expire)
    return row


def profile_changed(*, organisation_id: int) -> None:
    """Call inside the transaction that changed a profile: re-embeds it after commit."""
    from loket.matching.tasks import profile_reembed

    transaction.on_commit(lambda: profile_reembed.enqueue(organisation_id))
