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
