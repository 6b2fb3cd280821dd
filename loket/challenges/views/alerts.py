"""Alerts (saved searches), one-click unsubscribe and in-app notifications."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from loket.accounts.selectors import signed_in_user
from loket.challenges import forms, selectors, services
from loket.lib.errors import ApplicationError


@login_required
def alerts(request: HttpRequest) -> HttpResponse:
    """Access: signed-in users; their own alerts only."""
    user = signed_in_user(request)
    organisations = list(selectors.user_organisations(user=user))
    form = forms.AlertForm(
        request.POST or None,
        organisations=organisations,
        initial={"organisation": organisations[0].pk if organisations else None},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        organisation = next((o for o in organisations if o.pk == data["organisation"]), None)
        try:
            services.saved_search_create(
                user=user,
                name=data["name"],
                query=data["q"],
                filters={k: data[k] for k in ("kind", "region", "partner_type") if data[k]},
                frequency=data["frequency"],
                match_profile=data["match_profile"],
                organisation=organisation,
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Alert saved."))
            return redirect("challenges:alerts")
    return render(
        request,
        "challenges/alerts.html",
        {"form": form, "alerts": selectors.saved_searches_for(user=user)},
    )


@require_POST
@login_required
def alert_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Access: the alert's owner; others 404."""
    user = signed_in_user(request)
    saved = selectors.saved_searches_for(user=user).filter(pk=pk).first()
    if saved is None:
        raise Http404
    services.saved_search_delete(user=user, saved_search=saved)
    messages.success(request, _("Alert deleted."))
    return redirect("challenges:alerts")


@csrf_exempt  # RFC 8058 one-click POSTs come from mail clients; the signed token is the credential
@require_http_methods(["GET", "POST"])
def alert_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Access: anyone holding the signed token from the e-mail; no login. Shows no alert content."""
    if request.method == "POST" and request.POST.get("resubscribe"):
        saved = services.saved_search_resubscribe(token=token)
        resubscribed = True
    else:
        saved = services.saved_search_unsubscribe(token=token)
        resubscribed = False
    if saved is None:
        return render(request, "challenges/unsubscribe.html", {"invalid": True}, status=404)
    return render(
        request,
        "challenges/unsubscribe.html",
        {"token": token, "resubscribed": resubscribed},
    )


@require_GET
@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """Access: signed-in users; their own notifications only."""
    user = signed_in_user(request)
    items = list(selectors.notifications_for(user=user)[:100])
    return render(request, "challenges/notifications.html", {"notifications": items})


@require_POST
@login_required
def notifications_read(request: HttpRequest) -> HttpResponse:
    """Access: signed-in users; marks their own notifications read."""
    user = signed_in_user(request)
    services.notifications_mark_read(user=user)
    return redirect("challenges:notifications")
