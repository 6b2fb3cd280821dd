"""Matching on behalf of a user, the batch interface, feedback and re-embedding."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from django.db import transaction
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
)
from loket.matching.models import FeedbackVerdict, MatchFeedback, ProfileVector
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


def _visible(user, filters: Filters) -> Callable[[list[int]], set[int]]:
    """Asked once per match with the candidate positions: the database says what is visible."""

    def allowed(positions: list[int]) -> set[int]:
        loaded = index_get()
        if loaded is None or not positions:
            return set()
        pks = {int(loaded.pks[i]): i for i in positions}
        queryset = Organisation.objects.listed_for(user).filter(pk__in=list(pks))
        if filters.types:
            queryset = queryset.filter(org_type__in=filters.types)
        if filters.size_classes:
            queryset = queryset.filter(size_class__in=filters.size_classes)
        if filters.regions:
            queryset = queryset.filter(region__in=filters.regions)
        if filters.countries:
            queryset = queryset.filter(country__in=filters.countries)
        return {pks[pk] for pk in queryset.values_list("pk", flat=True)}

    return allowed


def _matcher():
    loaded = index_get()
    if loaded is None:
        raise MatchUnavailableError(_("Matching is not available yet: the index is being built."))
    return loaded, Matcher(loaded.corpus, match_encoder(), fusion_get())


def match_rank(
    *,
    user,
    text: str,
    seeker: Organisation | None = None,
    exclude: set[int] | frozenset[int] = frozenset(),
    filters: Filters | None = None,
    complementary: bool = False,
    top: int = 10,
) -> tuple[list[Evidence], object]:
    text = (text or "").strip()[:MAX_NEED_CHARS]
    if not text and seeker is None:
        raise ApplicationError(_("Describe what you are looking for."))
    loaded, matcher = _matcher()
    filters = filters or Filters()
    seeker_key = str(seeker.pk) if seeker is not None else None
    if seeker is not None and not text:
        text = "\n".join(organisation_passages([seeker.pk]).get(seeker.pk, []))[:MAX_NEED_CHARS]
    request = MatchRequest(
        text=text,
        seeker=seeker_key,
        exclude={str(pk) for pk in exclude},
        filters=filters,
        allowed=_visible(user, filters),
        complementary=complementary,
        top=max(1, min(top, MAX_TOP)),
        graph=collaboration_graph([seeker.pk]) if seeker is not None else None,
    )
    return matcher.rank(request), loaded


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
    visible = _visible(user, Filters())

    def allowed(positions: list[int]) -> set[int]:
        found = visible(positions)
        return found & restrict if restrict is not None else found

    ranked = matcher.rank(
        MatchRequest(
            text=text, allowed=allowed, include=include, top=max(1, min(limit, MAX_TOP * 10))
        )
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
    """Ranked partners for a need, with explanations; only profiles the user may see."""
    ranked, loaded = match_rank(
        user=user,
        text=text,
        seeker=seeker,
        filters=filters,
        complementary=complementary,
        top=max(top, 30) if consortium else top,
    )
    pks = [int(loaded.pks[e.position]) for e in ranked]
    via_pks = [int(e.via) for e in ranked if e.via]
    organisations = Organisation.objects.listed_for(user).in_bulk(pks + via_pks)
    if consortium:
        roles = consortium_suggest(loaded.corpus, ranked)
        chosen = {id(e): role for role, e in roles.items()}
        ranked = [e for e in ranked if id(e) in chosen]
    else:
        chosen = {}
    passages = organisation_passages(pks) if explain else {}
    seeker_topics: set[str] = set()
    topics: dict[int, set[str]] = {}
    if explain and seeker is not None:
        seeker_topics = set(
            Participation.objects.filter(organisation=seeker)
            .exclude(project__topics="")
            .values_list("project__topics", flat=True)
        )
        for org_id, topic in Participation.objects.filter(
            organisation_id__in=pks, project__topics__in=seeker_topics
        ).values_list("organisation_id", "project__topics"):
            topics.setdefault(org_id, set()).add(topic)
    results = []
    for e in ranked:
        pk = int(loaded.pks[e.position])
        organisation = organisations.get(pk)
        if organisation is None:  # changed visibility since the ranking: never shown
            continue
        results.append(
            MatchResult(
                organisation=organisation,
                score=e.score,
                evidence=e,
                explanation=passage_explain(text, passages.get(pk, []))
                if explain
                else Explanation(),
                via=organisations.get(int(e.via)) if e.via else None,
                shared_topics=sorted(topics.get(pk, set()))[:5],
                role=chosen.get(id(e), ""),
            )
        )
    return results


def match_batch_line(*, text: str, seeker: str | None, exclude: list[str], top: int) -> list[dict]:
    """One line of `match_batch`: ids are CORDIS PICs for imported organisations, else Loket ids."""
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
        allowed=_batch_visible(),
        top=max(1, min(top, 1000)),
        graph=collaboration_graph([int(seeker_key)]) if seeker_key else None,
    )
    if not request.text and not seeker_key:
        return []
    return [
        {"organisation": loaded.key_for(e.position), "score": round(float(e.score), 6)}
        for e in matcher.rank(request)
    ]


def _batch_visible() -> Callable[[list[int]], set[int]]:
    """The batch runs as a signed-in member would: everything except hidden profiles."""

    def allowed(positions: list[int]) -> set[int]:
        loaded = index_get()
        if loaded is None:
            return set()
        pks = {int(loaded.pks[i]): i for i in positions}
        hidden = set(
            Organisation.objects.filter(pk__in=list(pks), visibility="hidden").values_list(
                "pk", flat=True
            )
        )
        return {i for pk, i in pks.items() if pk not in hidden}

    return allowed


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
    return row


def profile_changed(*, organisation_id: int) -> None:
    """Call inside the transaction that changed a profile: re-embeds it after commit."""
    from loket.matching.tasks import profile_reembed

    transaction.on_commit(lambda: profile_reembed.enqueue(organisation_id))
