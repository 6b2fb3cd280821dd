"""Expressions of interest, the NDA and the conversation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loket.accounts.selectors import signed_in_user
from loket.challenges import forms, policy, selectors, services
from loket.lib.errors import ApplicationError


@require_POST
@login_required
def interest_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Access: signed-in members of another organisation who can see the teaser; others 404."""
    user = signed_in_user(request)
    challenge = selectors.challenge_get_for(user=user, pk=pk)
    organisations = [
        o for o in selectors.user_organisations(user=user) if o.pk != challenge.organisation_id
    ]
    form = forms.InterestForm(request.POST, organisations=organisations)
    if not form.is_valid():
        messages.error(request, _("Write a short message and choose your organisation."))
        return redirect("challenges:challenge-detail", pk=pk)
    organisation = next(o for o in organisations if o.pk == form.cleaned_data["organisation"])
    services.interest_create(
        user=user,
        challenge=challenge,
        organisation=organisation,
        message=form.cleaned_data["message"],
    )
    messages.success(request, _("Your interest was sent. You will hear when the poster decides."))
    return redirect("challenges:challenge-detail", pk=pk)


@require_POST
@login_required
def interest_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Access: members of the posting organisation; others 404."""
    user = signed_in_user(request)
    interest = selectors.interest_get_for(user=user, pk=pk)
    if interest.viewer_side != "poster":  # type: ignore[attr-defined]
        raise Http404
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose accept or decline."))
    else:
        services.interest_decide(
            user=user,
            interest=interest,
            accept=form.cleaned_data["decision"] == "accept",
            nda_language=form.cleaned_data["nda_language"],
        )
        messages.success(request, _("Decision recorded."))
    return redirect("challenges:challenge-detail", pk=interest.challenge_id)


@login_required
def interest_nda(request: HttpRequest, pk: int) -> HttpResponse:
    """Access: members of the two organisations of an accepted interest with an NDA; others 404."""
    user = signed_in_user(request)
    interest = selectors.interest_get_for(user=user, pk=pk)
    if interest.nda_text is None:
        messages.info(request, _("No NDA is required here."))
        return redirect("challenges:challenge-detail", pk=interest.challenge_id)
    form = forms.NdaAcceptForm(
        request.POST or None, initial={"text_sha256": interest.nda_text.sha256}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.nda_accept(
                user=user,
                interest=interest,
                text_sha256=form.cleaned_data["text_sha256"],
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your acceptance is recorded."))
        return redirect("challenges:interest-nda", pk=pk)
    acceptances = list(selectors.nda_acceptances(interest=interest))
    viewer = selectors.viewer_for(user)
    my_side_done = any(a.organisation_id in viewer.organisation_ids for a in acceptances)
    challenge = interest.challenge
    access = interest.access  # type: ignore[attr-defined]
    context = {
        "interest": interest,
        "item": selectors.challenge_present(challenge, access),
        "nda": interest.nda_text,
        "acceptances": acceptances,
        "form": form,
        "my_side_done": my_side_done,
        "complete": selectors.nda_complete(interest),
    }
    return render(request, "challenges/nda.html", context)


@login_required
def interest_conversation(request: HttpRequest, pk: int) -> HttpResponse:
    """Access: members of the two organisations once the interest (and NDA) is accepted; others 404."""
    user = signed_in_user(request)
    interest = selectors.interest_get_for(user=user, pk=pk)
    is_open = policy.opened(selectors.policy_relation(interest))
    form = forms.MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.message_send(user=user, interest=interest, body=form.cleaned_data["body"])
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            form = forms.MessageForm()
            if not request.headers.get("HX-Request"):
                return redirect("challenges:interest-conversation", pk=pk)
    context = {
        "interest": interest,
        "item": selectors.challenge_present(interest.challenge, interest.access),  # type: ignore[attr-defined]
        "is_open": is_open,
        "thread": selectors.conversation_messages(interest=interest) if is_open else [],
        "form": form,
    }
    if request.headers.get("HX-Request"):
        return render(request, "challenges/conversation.html#thread", context)
    return render(request, "challenges/conversation.html", context)
