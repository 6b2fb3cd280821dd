"""The "Vind partners" page and its feedback buttons."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from loket.matching.engine import Filters
from loket.matching.forms import FeedbackForm, MatchForm
from loket.matching.selectors import seeker_for
from loket.matching.services import MatchUnavailableError, match_feedback_record, match_for
from loket.organisations.selectors import organisation_get_for


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
