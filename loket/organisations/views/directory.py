"""The directory (search, facets, sorting, paging) and the public profile page."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from loket.organisations.access import membership_for
from loket.organisations.models import Source
from loket.organisations.selectors import (
    ORDERINGS,
    OrganisationFilters,
    organisation_detail_for,
    organisation_directory,
)
from loket.organisations.selectors_history import collaboration_history, funding_summary

PARTNER_LIMIT = 50


def _is_htmx(request: HttpRequest) -> bool:
    # A history-restore request wants the whole page, not the fragment.
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


@require_GET
@vary_on_headers("HX-Request")
def directory(request: HttpRequest) -> HttpResponse:
    """Access: public; lists public profiles, members-only ones to signed-in users, never hidden ones.

    HTMX requests get only the results fragment; without JavaScript the form is a plain GET.
    """
    filters = OrganisationFilters.from_querydict(request.GET)
    query = request.GET.get("q", "")
    result = organisation_directory(
        user=request.user,
        query=query,
        filters=filters,
        sort=request.GET.get("sort"),
        page=request.GET.get("page", 1),
    )
    base_items = [("q", result.query)] if result.query else []
    base_items += filters.querystring_items()
    if request.GET.get("sort") and result.sort == request.GET.get("sort"):
        base_items.append(("sort", result.sort))
    clear_items = [("q", result.query)] if result.query else []
    if request.GET.get("sort") and result.sort == request.GET.get("sort"):
        clear_items.append(("sort", result.sort))
    requested_sort = request.GET.get("sort", "")
    context = {
        # An explicit order other than relevance; the "best match" option otherwise.
        "sort_chosen": requested_sort if requested_sort in ORDERINGS else "",
        "has_filters": bool(filters.querystring_items()),
        "clear_filters_url": "?" + urlencode(clear_items),
        "result": result,
        "page_obj": result.page,
        "organisations": result.page.object_list,
        "page_querystring": urlencode(base_items),
    }
    template = "organisations/directory.html"
    if _is_htmx(request):
        template += "#results"
    return render(request, template, context)


@require_GET
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Access: public profiles for all; members-only for signed-in users; hidden for own members
    and curators (404 for everyone else). Contact persons only for signed-in users."""
    organisation, contacts = organisation_detail_for(user=request.user, pk=pk)
    user = request.user if request.user.is_authenticated else None
    history = collaboration_history(organisation=organisation, user=user, limit=PARTNER_LIMIT)
    is_member = (
        user is not None and membership_for(user=user, organisation=organisation) is not None
    )
    return render(
        request,
        "organisations/organisation_detail.html",
        {
            "organisation": organisation,
            "contacts": contacts,
            "show_contacts": request.user.is_authenticated,
            "partners": history,
            "funding": funding_summary(organisation=organisation),
            "partner_limit": PARTNER_LIMIT,
            "is_member": is_member,
            "can_claim": user is not None
            and not is_member
            and organisation.source == Source.CORDIS
            and not organisation.claimed,
        },
    )
