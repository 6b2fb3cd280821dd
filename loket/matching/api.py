"""Matching API: the same ranking and visibility rules as the "Vind partners" page.

Public (auth=None): anonymous callers get public profiles only; a token or a session also
sees members-only profiles. Hidden profiles are never returned. An invalid token gets 401.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Path, Query, Router
from ninja.errors import AuthenticationError

from loket.accounts.selectors import api_token_user
from loket.matching.engine import Filters
from loket.matching.schemas import ErrorOut, MatchFilter, MatchListOut
from loket.matching.selectors import seeker_for
from loket.matching.services import MatchResult, match_for
from loket.organisations.selectors import organisation_get_for

router = Router(tags=["matching"])


def _caller(request: HttpRequest):
    authorization = request.headers.get("Authorization", "")
    api_key = request.headers.get("X-API-Key", "")
    if authorization or api_key:
        scheme, _, token = authorization.partition(" ")
        if authorization and scheme.lower() != "bearer":
            raise AuthenticationError
        user = api_token_user(token=token.strip() if authorization else api_key.strip())
        if user is None:
            raise AuthenticationError
        return user
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _out(results: list[MatchResult]) -> dict:
    return {
        "results": [
            {
                "id": r.organisation.pk,
                "name": r.organisation.name,
                "org_type": r.organisation.org_type,
                "region": r.organisation.region,
                "country": r.organisation.country,
                "cordis_pic": r.organisation.cordis_pic,
                "score": round(r.score, 6),
                "reasons": {
                    "matched_terms": r.explanation.terms,
                    "passage": "".join(text for text, _hit in r.explanation.segments),
                    "past_joint_projects": r.evidence.past_partner,
                    "via": r.via.name if r.via else None,
                    "shared_topics": r.shared_topics,
                    "competitor": r.evidence.competitor,
                },
            }
            for r in results
        ]
    }


@router.get(
    "",
    response={200: MatchListOut, 400: ErrorOut, 401: ErrorOut, 503: ErrorOut},
    auth=None,
    operation_id="match_search",
)
def match_search(request: HttpRequest, filters: Query[MatchFilter]):
    """Access: public; anonymous callers match public profiles only, hidden never."""
    user = _caller(request)
    results = match_for(
        user=user,
        text=filters.q,
        seeker=seeker_for(user=user) if filters.complementary else None,
        filters=Filters(
            types=set(filters.type),
            size_classes=set(filters.size),
            regions=set(filters.region),
            countries={c.upper() for c in filters.country},
        ),
        complementary=filters.complementary,
        top=filters.top,
    )
    return _out(results)


@router.get(
    "/organisations/{pk}",
    response={200: MatchListOut, 401: ErrorOut, 404: ErrorOut, 503: ErrorOut},
    auth=None,
    operation_id="match_suggested_partners",
)
def match_suggested(request: HttpRequest, pk: Path[int], top: int = 10):
    """Access: anyone who may see the organisation's profile; 404 otherwise."""
    user = _caller(request)
    organisation = organisation_get_for(user=user, pk=pk)
    return _out(match_for(user=user, text="", seeker=organisation, top=max(1, min(top, 50))))
