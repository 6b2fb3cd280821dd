"""Item pages: list, detail, post/edit, publish/close, attachments, moderation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from loket.accounts.selectors import signed_in_user
from loket.challenges import forms, selectors, services
from loket.challenges.models import (
    Challenge,
    InterestStatus,
    ModerationAction,
    ModerationEvent,
    Status,
)
from loket.challenges.upload_limits import UploadSizeLimit
from loket.lib.errors import ApplicationError
from loket.organisations.models import Organisation


def _poster_organisations(request: HttpRequest) -> list[Organisation]:
    return list(selectors.user_organisations(user=request.user))


@require_GET
def challenge_list(request: HttpRequest) -> HttpResponse:
    """Access: public. Teasers of what the user may see; facet counts over the same set."""
    params = selectors.SearchParams.from_mapping(request.GET)
    queryset = selectors.challenge_list(user=request.user, params=params)
    page = Paginator(queryset, 20).get_page(request.GET.get("page"))
    cards = selectors.challenge_cards_for(user=request.user, challenges=list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "cards": cards,
        "page": page,
        "params": params,
        "facets": selectors.challenge_facets(user=request.user, params=params),
        "querystring": query.urlencode(),
    }
    if request.headers.get("HX-Request"):
        return render(request, "challenges/list.html#results", context)
    return render(request, "challenges/list.html", context)


@require_GET
def challenge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Access: by policy.access: teaser, details, attachments, poster and actions per viewer."""
    challenge = selectors.challenge_get_for(user=request.user, pk=pk)
    access = challenge.access  # type: ignore[attr-defined]
    item = selectors.challenge_present(challenge, access)
    context: dict = {"item": item, "access": access}
    interest = challenge.viewer_interest  # type: ignore[attr-defined]
    if request.user.is_authenticated:
        context["interests"] = list(selectors.interests_for(user=request.user, challenge=challenge))
        context["my_interest"] = interest
        if access.can_express_interest:
            organisations = [
                o for o in _poster_organisations(request) if o.pk != challenge.organisation_id
            ]
            context["interest_form"] = forms.InterestForm(organisations=organisations)
        if access.is_poster:
            context["upload_form"] = _upload_form()
            context["decision_form"] = forms.DecisionForm()
            context["close_form"] = forms.CloseForm(
                partners=[
                    (i.pk, i.organisation.name)
                    for i in context["interests"]
                    if i.status == InterestStatus.ACCEPTED
                ]
            )
            context["suggested_organisations"] = selectors.challenge_suggested_organisations(
                user=request.user, challenge=challenge
            )
            context["outcome"] = selectors.challenge_outcome(challenge=challenge)
        if access.is_poster or access.can_moderate:
            context["moderation_events"] = list(
                ModerationEvent.objects.filter(challenge=challenge).exclude(
                    action=ModerationAction.REPORT
                )
                if not access.can_moderate
                else ModerationEvent.objects.filter(challenge=challenge)
            )
        if access.can_moderate:
            context["moderation_form"] = forms.ModerationForm(
                initial={"action": "unhide" if challenge.hidden_by_curator else "hide"}
            )
        if not access.is_poster:
            context["report_form"] = forms.ReasonForm()
    return render(request, "challenges/detail.html", context)


def _save(
    request: HttpRequest, form: forms.ChallengeForm, challenge: Challenge | None
) -> Challenge | None:
    """Call the service; on a domain or validation error keep the form, with the user's input."""
    data = form.service_data()
    innovation = form.cleaned_data["innovation_types"]
    invited = form.cleaned_data["invited"]
    try:
        if challenge is None:
            organisation = next(
                (
                    o
                    for o in _poster_organisations(request)
                    if o.pk == form.cleaned_data["organisation"]
                ),
                None,
            )
            if organisation is None:
                form.add_error("organisation", _("Choose one of your organisations."))
                return None
            return services.challenge_create(
                user=signed_in_user(request),
                organisation=organisation,
                data=data,
                innovation_types=innovation,
                invited=invited,
            )
        return services.challenge_update(
            user=signed_in_user(request),
            challenge=challenge,
            data=data,
            version=form.cleaned_data.get("version"),
            innovation_types=innovation,
            invited=invited,
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    except ApplicationError as exc:
        form.add_error(None, exc.message)
    return None


@login_required
def challenge_create(request: HttpRequest) -> HttpResponse:
    """Access: signed-in members of an organisation; the item is saved as a draft."""
    user = signed_in_user(request)
    organisations = _poster_organisations(request)
    if not organisations:
        messages.error(request, _("Join or register an organisation before posting."))
        return redirect("challenges:challenge-list")
    form = forms.ChallengeForm(
        request.POST or None, user=user, organisations=organisations, editing=False
    )
    if request.method == "POST" and form.is_valid():
        challenge = _save(request, form, None)
        if challenge is not None:
            messages.success(request, _("Saved as a draft. Publish it when it is ready."))
            return redirect("challenges:challenge-detail", pk=challenge.pk)
    return render(request, "challenges/form.html", {"form": form, "creating": True})


@login_required
def challenge_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Access: members of the posting organisation; others 404."""
    user = signed_in_user(request)
    challenge = selectors.challenge_get_for(user=user, pk=pk, write=True)
    form = forms.ChallengeForm(
        request.POST or None,
        initial=forms.ChallengeForm.initial_for(challenge),
        user=user,
        organisations=[],
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, challenge)
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return redirect("challenges:challenge-detail", pk=saved.pk)
    return render(
        request,
        "challenges/form.html",
        {"form": form, "creating": False, "challenge_pk": challenge.pk, "title": challenge.title},
    )


@require_POST
@login_required
def challenge_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Access: members of the posting organisation; others 404."""
    user = signed_in_user(request)
    challenge = selectors.challenge_get_for(user=user, pk=pk, write=True)
    services.challenge_publish(user=user, challenge=challenge)
    messages.success(request, _("Published."))
    return redirect("challenges:challenge-detail", pk=pk)


@require_POST
@login_required
def challenge_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Access: members of the posting organisation; others 404."""
    user = signed_in_user(request)
    challenge = selectors.challenge_get_for(user=user, pk=pk, write=True)
    accepted = list(
        selectors.interests_for(user=user, challenge=challenge).filter(
            status=InterestStatus.ACCEPTED
        )
    )
    form = forms.CloseForm(request.POST, partners=[(i.pk, i.organisation.name) for i in accepted])
    if not form.is_valid():
        messages.error(request, _("Choose why you close this item."))
        return redirect("challenges:challenge-detail", pk=pk)
    partner = next((i for i in accepted if i.pk == form.cleaned_data["partner"]), None)
    services.challenge_close(
        user=user,
        challenge=challenge,
        reason=form.cleaned_data["reason"],
        partner_interest=partner,
    )
    messages.success(request, _("Closed."))
    return redirect("challenges:challenge-detail", pk=pk)


def _upload_form(*args: Any) -> forms.UploadForm:
    return forms.UploadForm(
        *args,
        max_bytes=services.attachment_max_bytes(),
        too_large=services.attachment_too_large_message(),
    )


# Exempt only so that the size limit goes in before the body is parsed (the CSRF check reads
# request.POST); _attachment_upload checks the token.
@csrf_exempt
@require_POST
@login_required
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Access: members of the posting organisation; others 404.

    An over-size file is dropped while the request is parsed (upload_limits), never stored, and
    the poster gets a message; the CSRF token is checked as for any other form.
    """
    limit = UploadSizeLimit(request, limit=services.attachment_max_bytes())
    request.upload_handlers.insert(0, limit)
    return _attachment_upload(request, pk, limit)


@csrf_protect
def _attachment_upload(request: HttpRequest, pk: int, limit: UploadSizeLimit) -> HttpResponse:
    challenge = selectors.challenge_get_for(user=signed_in_user(request), pk=pk, write=True)
    form = _upload_form(request.POST, request.FILES)
    if limit.too_large:
        messages.error(request, services.attachment_too_large_message())
    elif not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
    else:
        try:
            attachment = services.attachment_store(
                user=signed_in_user(request), challenge=challenge, upload=form.cleaned_data["file"]
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Uploaded %(name)s.") % {"name": attachment.original_name})
    return redirect("challenges:challenge-detail", pk=pk)


@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """Access: the poster, and organisations for whom the details are open; others 404."""
    attachment = selectors.attachment_get_for(user=request.user, challenge_pk=pk, pk=attachment_pk)
    path = services.attachment_path(attachment)
    if not path.exists():
        raise Http404
    response = FileResponse(
        open(path, "rb"),  # noqa: SIM115 - FileResponse closes it
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def attachment_delete(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    """Access: members of the posting organisation; others 404."""
    user = signed_in_user(request)
    challenge = selectors.challenge_get_for(user=user, pk=pk, write=True)
    attachment = challenge.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    services.attachment_delete(user=user, attachment=attachment)
    messages.success(request, _("Attachment removed."))
    return redirect("challenges:challenge-detail", pk=pk)


@require_POST
@login_required
def challenge_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Access: signed-in users who can see the item."""
    user = signed_in_user(request)
    challenge = selectors.challenge_get_for(user=user, pk=pk)
    form = forms.ReasonForm(request.POST)
    if form.is_valid():
        services.challenge_report(
            user=user, challenge=challenge, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Thank you. A curator will look at it."))
    else:
        messages.error(request, _("Say briefly what is wrong with this item."))
    return redirect("challenges:challenge-detail", pk=pk)


@require_POST
@login_required
def challenge_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    """Access: curators only; everyone else 404."""
    user = signed_in_user(request)
    if not user.is_staff:
        raise Http404
    challenge = selectors.challenge_get_for(user=user, pk=pk)
    form = forms.ModerationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A reason is required; it is logged and shown to the poster."))
        return redirect("challenges:challenge-detail", pk=pk)
    services.challenge_moderate(
        user=user,
        challenge=challenge,
        hide=form.cleaned_data["action"] == "hide",
        reason=form.cleaned_data["reason"],
    )
    messages.success(request, _("Moderation recorded."))
    return redirect("challenges:challenge-detail", pk=pk)


@require_GET
@login_required
def moderation_queue(request: HttpRequest) -> HttpResponse:
    """Access: curators only; everyone else 404. Teasers only, no poster of anonymous items."""
    user = signed_in_user(request)
    if not user.is_staff:
        raise Http404
    reported_ids = list(
        ModerationEvent.objects.filter(action=ModerationAction.REPORT)
        .order_by("-created_at")
        .values_list("challenge_id", flat=True)[:200]
    )
    challenges = list(
        Challenge.objects.filter(Q(pk__in=reported_ids) | Q(hidden_by_curator=True))
        .exclude(status=Status.DRAFT)
        .select_related("organisation")
        .prefetch_related("invited_organisations", "innovation_types", "attachments")
    )
    cards = selectors.challenge_cards_for(user=user, challenges=challenges)
    reports = ModerationEvent.objects.filter(challenge_id__in=[c["id"] for c in cards]).order_by(
        "-created_at"
    )
    by_item: dict[int, list] = {}
    for event in reports:
        by_item.setdefault(event.challenge_id, []).append(event)
    for card in cards:
        card["events"] = by_item.get(card["id"], [])
    return render(request, "challenges/moderation.html", {"cards": cards})


@require_GET
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """Access: signed-in users; their organisations' items, interests and suggestions."""
    user = signed_in_user(request)
    own = list(selectors.challenges_of_user(user=user))
    cards = selectors.challenge_cards_for(user=user, challenges=own)
    sent = list(selectors.interests_sent_by(user=user))
    sent_cards = selectors.challenge_cards_for(user=user, challenges=[i.challenge for i in sent])
    by_id = {c["id"]: c for c in sent_cards}
    interests = [(i, by_id[i.challenge_id]) for i in sent if i.challenge_id in by_id]
    suggestions = [
        (
            organisation,
            selectors.challenge_suggestions_for_organisation(
                user=user, organisation=organisation, limit=5
            ),
        )
        for organisation in _poster_organisations(request)
    ]
    return render(
        request,
        "challenges/mine.html",
        {"cards": cards, "interests": interests, "suggestions": suggestions},
    )
