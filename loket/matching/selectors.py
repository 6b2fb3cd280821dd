"""Reads for matching on behalf of a user."""

from __future__ import annotations

from loket.organisations.models import Organisation


def seeker_for(*, user) -> Organisation | None:
    """The organisation a signed-in user matches for (their first membership), or None."""
    if user is None or not user.is_authenticated:
        return None
    return Organisation.objects.filter(memberships__user=user).order_by("pk").first()


def suggested_partners_for(*, user, organisation: Organisation, top: int = 5) -> list:
    """Suggested partners for an organisation page; empty when matching is unavailable."""
    from loket.matching.services import MatchUnavailableError, match_for

    try:
        return match_for(user=user, text="", seeker=organisation, top=top)
    except MatchUnavailableError:
        return []


def organisation_scores_for_text(
    *, text: str, organisation_ids: list[int] | None = None, user=None, limit: int = 50
) -> dict[int, float]:
    """The matching engine's relevance (0..1, higher is better) of organisations for a text:
    organisation id -> score for at most `limit` organisations the user may see (anonymous:
    public profiles; hidden ones never), restricted to `organisation_ids` when given. Stable
    interface for other apps; empty while the index is not built.
    """
    from loket.matching.services import MatchUnavailableError, organisation_scores_for

    try:
        return organisation_scores_for(
            user=user, text=text, organisation_ids=organisation_ids, limit=limit
        )
    except MatchUnavailableError:
        return {}
