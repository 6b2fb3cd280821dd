"""The account page: memberships, language preference and personal API tokens."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from loket.accounts import services
from loket.accounts.forms import ApiTokenForm, LanguageForm
from loket.accounts.selectors import api_token_list, signed_in_user
from loket.lib.errors import ApplicationError


def _account_context(request: HttpRequest, **extra: object) -> dict:
    from loket.organisations.models import Membership

    user = signed_in_user(request)
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    context = {
        "memberships": memberships,
        "tokens": api_token_list(user=user),
        "token_form": ApiTokenForm(),
        "language_form": LanguageForm(initial={"language": user.preferred_language}),
    }
    context.update(extra)
    return context


@login_required
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    """Access: the signed-in user, about themselves only."""
    return render(request, "accounts/account.html", _account_context(request))


@login_required
@require_POST
def language_update(request: HttpRequest) -> HttpResponse:
    """Access: the signed-in user, about themselves only."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the offered languages."))
        return redirect("accounts:account")
    language = form.cleaned_data["language"]
    services.user_language_update(user=signed_in_user(request), language=language)
    translation.activate(language)
    messages.success(request, _("Your language preference was saved."))
    response = redirect("accounts:account")
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )
    return response


@never_cache
@login_required
@require_http_methods(["POST"])
def token_create(request: HttpRequest) -> HttpResponse:
    """Access: the signed-in user, for themselves. The new token is shown once, on this response."""
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            api_token, token = services.api_token_create(
                user=signed_in_user(request), name=form.cleaned_data["name"]
            )
        except ApplicationError as error:
            form.add_error("name", error.message)
        else:
            return render(
                request,
                "accounts/token_created.html",
                {"api_token": api_token, "token": token},
            )
    return render(
        request, "accounts/account.html", _account_context(request, token_form=form), status=400
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Access: the token's owner; anyone else's token is 404."""
    api_token = services.api_token_revoke(user=signed_in_user(request), pk=pk)
    messages.success(request, _("The token %(name)s was revoked.") % {"name": api_token.name})
    return redirect("accounts:account")
