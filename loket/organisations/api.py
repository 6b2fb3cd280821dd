"""Organisations API: list, search and detail, with the directory's visibility rules.

The routes are public (auth=None): anonymous callers see public profiles; a valid token
(Authorization: Bearer or X-API-Key) or a browser session also shows members-only profiles.
A token that is sent but not valid is refused with 401 rather than silently treated as anonymous.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from ninja import Path, Query, Router
from ninja.errors import AuthenticationError

from loket.accounts.selectors import api_token_user
from loket.organisations.schemas import (
    ErrorOut,
    OrganisationDetailOut,
    OrganisationFilter,
    OrganisationPageOut,
)
from loket.organisations.selectors import (
    OrganisationFilters,
    organisation_directory,
    organisation_get_for,
)

if TYPE_CHECKING:
    from loket.accounts.models import User

router = Router(tags=["organisations"])


def _caller(request: HttpRequest) -> User | None:
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
    return user if user is not None and user.is_authenticated else None  # type: ignore[return-value]


def _page(request: HttpRequest, filters: OrganisationFilter) -> dict:
    result = organisation_directory(
        user=_caller(request),
        query=filters.q,
        filters=OrganisationFilters.clean(
            types=filters.type,
            size_classes=filters.size,
            regions=filters.region,
            sectors=filters.sector,
            innovation_types=filters.innovation,
            countries=filters.country,
            has_eu_projects=filters.eu,
        ),
        sort=filters.sort,
        page=filters.page,
        with_facets=filters.facets,
    )
    page = result.page
    # Past the last page the list is empty (the page's own number stays what was asked).
    items = list(page.object_list) if filters.page <= page.paginator.num_pages else []
    return {
        "count": result.count,
        "page": filters.page,
        "pages": page.paginator.num_pages,
        "per_page": page.paginator.per_page,
        "sort": result.sort,
        "items": items,
        "facets": [
            {
                "name": facet.name,
                "label": str(facet.label),
                "options": [vars(option) for option in facet.options],
            }
            for facet in result.facets
        ],
    }


RESPONSES_LIST = {200: OrganisationPageOut, 401: ErrorOut, 422: ErrorOut}


@router.get("", response=RESPONSES_LIST, auth=None, operation_id="organisations_list")
def organisations_list(request: HttpRequest, filters: Query[OrganisationFilter]) -> dict:
    """Access: public profiles for everyone; members-only ones with a token or session; never hidden
    ones. Facets, sorting and paging (20 per page) as in the directory."""
    return _page(request, filters)


@router.get("/search", response=RESPONSES_LIST, auth=None, operation_id="organisations_search")
def organisations_search(request: HttpRequest, filters: Query[OrganisationFilter]) -> dict:
    """Access: as the list. Full-text search (q), best matches first unless another sort is asked."""
    return _page(request, filters)


@router.get(
    "/{pk}",
    response={200: OrganisationDetailOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=None,
    operation_id="organisations_detail",
)
def organisations_detail(request: HttpRequest, pk: Path[int]):
    """Access: public profiles for everyone; members-only with a token or session; hidden ones only
    for their own members and curators; 404 otherwise. Never contact persons."""
    return organisation_get_for(user=_caller(request), pk=pk)
