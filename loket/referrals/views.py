"""Pages of the one-stop shop. Thin: parse, call one service or selector, render."""

from __future__ import annotations

import csv
import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from loket.accounts.models import User
from loket.accounts.selectors import signed_in_user
from loket.lib.errors import ApplicationError
from loket.organisations.models import Organisation, Region
from loket.referrals import dashboard as dashboard_selectors
from loket.referrals import selectors, services
from loket.referrals.forms import (
    AskForm,
    AssignForm,
    CloseForm,
    InboxFilterForm,
    IntermediaryProfileForm,
    LinkForm,
    MessageForm,
    OptionalMessageForm,
    RateForm,
    ReferForm,
)
from loket.referrals.models import Case, Outcome, Service
from loket.referrals.states import RATEABLE

# ---------------------------------------------------------------- directory


@require_GET
def intermediary_list(request: HttpRequest) -> HttpResponse:
    """Access: public. The directory of intermediaries."""
    region = request.GET.get("region", "")
    service = request.GET.get("service", "")
    profiles = selectors.intermediary_list(region=region, service=service)
    return render(
        request,
        "referrals/intermediary_list.html",
        {
            "profiles": profiles,
            "regions": Region.choices,
            "services": Service.choices,
            "region": region,
            "service": service,
        },
    )


@require_GET
def intermediary_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Access: public. One intermediary's profile and service portfolio."""
    profile = selectors.intermediary_get(pk=pk)
    instruments = selectors.intermediary_instruments(profile=profile)
    can_manage = selectors.intermediary_orgs_for(user=request.user).filter(
        pk=profile.organisation_id
    )
    return render(
        request,
        "referrals/intermediary_detail.html",
        {"profile": profile, "instruments": instruments, "can_manage": can_manage.exists()},
    )


@require_http_methods(["GET", "POST"])
@login_required
def intermediary_profile_edit(request: HttpRequest, org_pk: int) -> HttpResponse:
    """Access: members of the intermediary read their own profile here; its admins change it.
    404 for everyone else, and for a member who posts."""
    user = signed_in_user(request)
    if request.method == "GET":
        found = selectors.intermediary_profile_get_for(user=user, organisation_pk=org_pk)
        form = IntermediaryProfileForm(instance=found.profile, read_only=not found.can_edit)
        return render(request, "referrals/intermediary_edit.html", {"found": found, "form": form})
    found = selectors.intermediary_profile_get_for(user=user, organisation_pk=org_pk, write=True)
    form = IntermediaryProfileForm(request.POST, instance=found.profile)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.intermediary_profile_update(
                user=user,
                organisation=found.organisation,
                services=data["services"],
                target_groups=data["target_groups"],
                instruments=list(data["instrument_links"]),
                other_instruments=data["instruments"],
                activities=data["activities"],
                regions_served=data["regions_served"],
                languages=data["languages"],
                response_days=data["response_days"],
                accepts_cases=data["accepts_cases"],
                contact_email=data["contact_email"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Profile saved."))
            return redirect("referrals:intermediary-profile-edit", org_pk=found.organisation.pk)
    return render(
        request, "referrals/intermediary_edit.html", {"found": found, "form": form}, status=400
    )


# ---------------------------------------------------------------- asking


@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest) -> HttpResponse:
    """Access: public. Anyone asks a question (visitors with e-mail and consent); step one shows
    the proposed intermediaries and organisations, step two opens the case."""
    user = request.user if request.user.is_authenticated else None
    if request.method == "GET":
        return render(request, "referrals/ask.html", {"form": AskForm(user=user)})
    form = AskForm(request.POST, user=user)
    if not form.is_valid():
        return render(request, "referrals/ask.html", {"form": form}, status=400)
    data = form.cleaned_data
    organisation = data.get("organisation")
    region = data.get("region") or (organisation.region if organisation else "")
    if request.POST.get("step") != "open" or data.get("holder") is None:
        proposals = selectors.intermediaries_rank(text=data["question"], region=region)
        suggested = selectors.organisations_suggested(
            text=data["question"],
            user=user,
            exclude_ids=(organisation.pk,) if organisation is not None else (),
        )
        instruments = selectors.instruments_suggested(
            text=data["question"],
            intermediary_ids=[p.profile.organisation_id for p in proposals[:3]],
        )
        if proposals:
            form = AskForm(
                initial={**data, "holder": proposals[0].profile.organisation_id}, user=user
            )
        return render(
            request,
            "referrals/ask.html",
            {
                "form": form,
                "proposals": proposals,
                "suggested": suggested,
                "instruments": instruments,
                "preview": True,
            },
        )
    try:
        case = services.case_open(
            question=data["question"],
            user=user,
            organisation=organisation,
            holder=data["holder"],
            visitor_email=data.get("visitor_email", ""),
            visitor_name=data.get("visitor_name", ""),
            contact_consent=bool(data.get("contact_consent")),
            share_consent=bool(data.get("share_consent")),
            region=region,
        )
    except ApplicationError as error:
        # Keep what the user typed: show the form again with the reason.
        form.add_error(None, error.message)
        return render(request, "referrals/ask.html", {"form": form}, status=400)
    messages.success(
        request, _("Your question has been sent. We e-mailed you a link to follow it.")
    )
    if user is None:
        return redirect("referrals:case-visitor", pk=case.pk, token=case.access_token())
    return redirect("referrals:case-detail", pk=case.pk)


# ---------------------------------------------------------------- cases


@require_GET
@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    """Access: signed-in users; the cases they or their organisations asked."""
    user = signed_in_user(request)
    cases = selectors.case_list_for_requester(user=user)
    return render(request, "referrals/case_list.html", {"cases": cases})


def _case_context(case: Case, access: selectors.CaseAccess, user, **extra) -> dict:
    context = {
        "case": case,
        "access": access,
        "events": selectors.case_events_for(case=case, access=access),
        "links": selectors.case_links_for(case=case, access=access, user=user),
        "holdings": selectors.case_holdings(case=case),
        "rate_form": RateForm(),
        "can_rate": access.is_requester and case.state in RATEABLE and case.rated_at is None,
        **extra,
    }
    if access.is_holder_staff:
        context.update(
            {
                "staff": selectors.intermediary_staff(organisation=case.holder),
                "refer_form": ReferForm(targets=_referral_targets(case)),
                "close_form": CloseForm(),
                "link_form": LinkForm(),
                "outcomes": Outcome.choices,
                "deadline": selectors.case_deadline(case),
            }
        )
    return context


def _referral_targets(case: Case):
    return Organisation.objects.filter(
        pk__in=selectors.intermediary_referral_targets(case=case).values("organisation_id")
    )


@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Access: the requester, members of the requester's organisation, staff of intermediaries
    that held the case (internal notes only for them); 404 for everyone else."""
    case = selectors.case_get_for(user=request.user, pk=pk)
    access = selectors.case_access(case=case, user=request.user)
    return render(request, "referrals/case_detail.html", _case_context(case, access, request.user))


@require_GET
def case_visitor(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """Access: whoever holds the secret link e-mailed to a visitor; never internal notes."""
    case = selectors.case_get_for_token(pk=pk, token=token)
    access = selectors.CaseAccess(is_requester=True, is_staff=False, is_holder_staff=False)
    response = render(
        request, "referrals/case_detail.html", _case_context(case, access, None, token=token)
    )
    # The secret link never leaves the site in a Referer; same-origin posts keep their Origin.
    response.headers["Referrer-Policy"] = "same-origin"
    return response


def _invalid(request: HttpRequest, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


@require_POST
def case_visitor_action(request: HttpRequest, pk: int, token: str, action: str) -> HttpResponse:
    """Access: holder of the visitor's secret link; rate the answer or allow a hand-over."""
    case = selectors.case_get_for_token(pk=pk, token=token)
    if action == "rate":
        form = RateForm(request.POST)
        if form.is_valid():
            services.case_rate(
                case=case,
                user=None,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
            messages.success(request, _("Thank you for your rating."))
        else:
            _invalid(request, form)
    elif action == "consent":
        services.case_consent_give(case=case, user=None)
        messages.success(request, _("Thank you. Your question may now be handed over."))
    else:
        raise Http404
    return redirect("referrals:case-visitor", pk=case.pk, token=token)


def _staff_action(request: HttpRequest, case: Case, action: str) -> None:
    user = signed_in_user(request)
    form: forms.Form
    if action == "triage":
        form = OptionalMessageForm(request.POST)
        if form.is_valid():
            services.case_triage(case=case, user=user, note=form.cleaned_data["message"])
            messages.success(request, _("Case triaged."))
            return
    elif action == "assign":
        form = AssignForm(request.POST)
        if form.is_valid():
            assignee_id = form.cleaned_data["assignee"]
            assignee = User.objects.filter(pk=assignee_id).first() if assignee_id else None
            if assignee_id and assignee is None:
                messages.error(request, _("Choose a colleague."))
                return
            services.case_assign(case=case, user=user, assignee=assignee)
            messages.success(request, _("Assignment saved."))
            return
    elif action in {"respond", "answer", "note"}:
        form = MessageForm(request.POST)
        if form.is_valid():
            text = form.cleaned_data["message"]
            if action == "respond":
                services.case_respond(case=case, user=user, message=text)
                messages.success(request, _("Message sent to the requester."))
            elif action == "answer":
                services.case_answer(case=case, user=user, message=text)
                messages.success(request, _("Answer sent to the requester."))
            else:
                services.note_add(case=case, user=user, body=text)
                messages.success(request, _("Internal note added."))
            return
    elif action == "reopen":
        form = OptionalMessageForm(request.POST)
        if form.is_valid():
            services.case_reopen(case=case, user=user, message=form.cleaned_data["message"])
            messages.success(request, _("Case reopened."))
            return
    elif action == "close":
        form = CloseForm(request.POST)
        if form.is_valid():
            services.case_close(
                case=case,
                user=user,
                summary=form.cleaned_data["summary"],
                outcome=form.cleaned_data["outcome"],
            )
            messages.success(request, _("Case closed."))
            return
    elif action == "refer":
        form = ReferForm(request.POST, targets=_referral_targets(case))
        if form.is_valid():
            services.case_refer(
                case=case,
                user=user,
                to_organisation=form.cleaned_data["to_organisation"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("Case handed over."))
            return
    elif action == "link":
        form = LinkForm(request.POST)
        if form.is_valid():
            try:
                target = selectors.link_target_get_for(
                    user=user,
                    kind=form.cleaned_data["kind"],
                    reference=form.cleaned_data["reference"],
                )
                services.case_link_add(case=case, user=user, target=target)
            except Http404:
                # Whatever the user may not see is reported exactly like what does not exist.
                messages.error(request, _("Nothing found with that number."))
                return
            messages.success(request, _("Link added."))
            return
    else:
        raise Http404
    _invalid(request, form)


@require_POST
@login_required
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Access: staff of the current holder for handling actions; the requester (or a member of
    the requester's organisation) to rate or allow a hand-over. 404 for anyone who cannot see it."""
    user = signed_in_user(request)
    case = selectors.case_get_for(user=user, pk=pk)
    if action == "rate":
        form = RateForm(request.POST)
        if form.is_valid():
            services.case_rate(
                case=case,
                user=user,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
            messages.success(request, _("Thank you for your rating."))
        else:
            _invalid(request, form)
    elif action == "consent":
        services.case_consent_give(case=case, user=user)
        messages.success(request, _("Thank you. Your question may now be handed over."))
    else:
        _staff_action(request, case, action)
    # After a hand-over the former holder may only read the case; the page still shows it.
    return redirect("referrals:case-detail", pk=case.pk)


# ---------------------------------------------------------------- inbox


@require_GET
@login_required
def inbox(request: HttpRequest, org_pk: int | None = None) -> HttpResponse:
    """Access: staff of an intermediary, for the intermediaries they work for; 404 otherwise."""
    user = signed_in_user(request)
    organisations = list(selectors.intermediary_orgs_for(user=user))
    if not organisations:
        raise Http404
    if org_pk is None:
        return redirect("referrals:inbox-org", org_pk=organisations[0].pk)
    form = InboxFilterForm(request.GET)
    filters = selectors.InboxFilters()
    if form.is_valid():
        filters = selectors.InboxFilters(**form.cleaned_data)
    organisation, cases = selectors.inbox_for(user=user, organisation_id=org_pk, filters=filters)
    return render(
        request,
        "referrals/inbox.html",
        {
            "organisation": organisation,
            "organisations": organisations,
            "cases": cases,
            "form": form,
        },
    )


# ---------------------------------------------------------------- dashboard


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Access: staff of intermediaries (own cases, or the network's totals) and curators."""
    user = signed_in_user(request)
    scope = dashboard_selectors.dashboard_scope_for(user=user, scope=request.GET.get("scope", ""))
    stats = dashboard_selectors.dashboard_stats(scope=scope)
    return render(
        request,
        "referrals/dashboard.html",
        {"scope": scope, "stats": stats, "scope_param": request.GET.get("scope", "")},
    )


@require_GET
@login_required
def dashboard_export(request: HttpRequest) -> HttpResponse:
    """Access: as the dashboard. One row per case, no question text or requester identity;
    cells that a spreadsheet would run as formulas are neutralised."""
    user = signed_in_user(request)
    scope = dashboard_selectors.dashboard_scope_for(user=user, scope=request.GET.get("scope", ""))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(dashboard_selectors.dashboard_rows(scope=scope))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="loket-cases.csv"'
    return response
