from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from loket.organisations.models import Organisation


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    """Access: public; lists public profiles, members-only ones to signed-in users."""
    organisations = Organisation.objects.listed_for(request.user)[:20]
    return render(request, "organisations/directory.html", {"organisations": organisations})
