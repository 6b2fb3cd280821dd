"""The "Vind partners" page, its feedback buttons and the suggested partners of a profile."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from loket.matching.engine import Filters
from loket.matching.forms import FeedbackForm, MatchForm
from loket.matching.selectors import seeker_for, suggested_partners_for
from loket.matching.services import MatchUnavailableError, match_feedback_record, match_for
from loket.organisations.selectors import organisation_get_for

SUGGESTION_LIMIT = 5


def _is_htmx(request: HttpRequest) -> bool:
    # A history-restore request wants the whole page, not the fragment.
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


@require_GET
def find_partners(request: HttpRequest) -> HttpResponse:
    """Access: everyone; results only show profiles the visitor may see (public for anonymous
    visitors, never hidden profiles)."""
    form = MatchForm(request.GET or None)
    results, error = [], ""
    user = request.user if request.user.is_authenticated else None
    seeker = seeker_for(user=user)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            results = match_for(
                user=user,
                text=data["q"],
                seeker=seeker if data["complementary"] else None,
                filters=Filters(
                    types=set(data["types"]),
                    size_classes=set(data["sizes"]),
                    regions=set(data["regions"]),
                    countries=form.country_set(),
                ),
                complementary=data["complementary"] and seeker is not None,
                consortium=data["consortium"],
                top=10,
            )
        except MatchUnavailableError as exc:
            error = exc.message
    return render(
        request,
        "matching/find_partners.html",
        {"form": form, "results": results, "error": error, "seeker": seeker},
    )


@require_POST
def feedback(request: HttpRequest) -> HttpResponse:
    """Access: everyone (signed-in users' feedback is linked to them); only about profiles the
    visitor may see, 404 otherwise."""
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The feedback could not be stored."))
        return HttpResponseRedirect(reverse("matching:find-partners"))
    user = request.user if request.user.is_authenticated else None
    organisation = organisation_get_for(user=user, pk=form.cleaned_data["organisation"])
    if organisation.visibility == "hidden":
        raise Http404
    match_feedback_record(
        user=user,
        need=form.cleaned_data["need"],
        organisation=organisation,
        verdict=form.cleaned_data["verdict"],
        rank=form.cleaned_data["rank"],
    )
    messages.success(request, _("Thank you, your feedback was stored."))
    target = reverse("matching:find-partners") + "?" + urlencode({"q": form.cleaned_data["need"]})
    return HttpResponseRedirect(target)


@require_GET
@vary_on_headers("HX-Request")
def suggested_partners(request: HttpRequest, pk: int) -> HttpResponse:
    """Access: as the profile page: public profiles for all, members-only ones for signed-in
    users, hidden ones for their own members and curators (404 for everyone else). Suggestions
    list only profiles the visitor may see, never hidden ones.

    The profile page loads this lazily with HTMX (the fragment); without JavaScript its link
    opens the whole page.
    """
    organisation = organisation_get_for(user=request.user, pk=pk)
    context = {
        "organisation": organisation,
        "suggested_partners": suggested_partners_for(
            user=request.user, organisation=organisation, top=SUGGESTION_LIMIT
        ),
    }
    template = "matching/suggested_partners.html"
    if _is_htmx(request):
        template += "#suggestions"
    return render(request, template, context)
