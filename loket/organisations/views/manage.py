"""Creating and managing organisation profiles, members, invitations and claims."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from loket.accounts.selectors import signed_in_user
from loket.lib.errors import ApplicationError
from loket.organisations import services
from loket.organisations.access import (
    contact_get_for,
    invitation_get_for,
    is_organisation_admin,
    membership_get_for,
    organisation_get_for_claim,
    organisation_get_for_manage,
)
from loket.organisations.forms import (
    ClaimForm,
    ContactPersonForm,
    InvitationForm,
    MembershipRoleForm,
    OrganisationForm,
)
from loket.organisations.models import (
    ClaimStatus,
    Invitation,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationClaim,
)


def _form_error(form, error: Exception) -> None:
    """Show a service's validation or domain error on the form, keeping what was typed."""
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
    elif isinstance(error, ApplicationError):
        form.add_error(None, error.message)


@login_required
@require_GET
def organisation_mine(request: HttpRequest) -> HttpResponse:
    """Access: signed-in users; lists only their own memberships."""
    user = signed_in_user(request)
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    claims = (
        OrganisationClaim.objects.filter(user=user)
        .select_related("organisation")
        .order_by("-created_at")[:20]
    )
    return render(
        request,
        "organisations/manage/mine.html",
        {"memberships": memberships, "claims": claims},
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request: HttpRequest) -> HttpResponse:
    """Access: signed-in users; the creator becomes the organisation's administrator."""
    user = signed_in_user(request)
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(
                user=user,
                data=form.profile_data(),
                innovation_types=form.innovation_type_codes(),
            )
        except (ValidationError, ApplicationError) as error:
            _form_error(form, error)
        else:
            messages.success(
                request, _("The profile of %(name)s was created.") % {"name": organisation.name}
            )
            return redirect("organisations:organisation-manage", pk=organisation.pk)
    return render(request, "organisations/manage/organisation_form.html", {"form": form})


@login_required
@require_GET
def organisation_manage(request: HttpRequest, pk: int) -> HttpResponse:
    """Access: members of the organisation (admins see the editing controls); others 404."""
    user = signed_in_user(request)
    organisation = organisation_get_for_manage(user=user, pk=pk)
    organisation = (
        Organisation.objects.filter(pk=organisation.pk)
        .prefetch_related("innovation_types", "contacts")
        .get()
    )
    return render(
        request,
        "organisations/manage/organisation_manage.html",
        {
            "organisation": organisation,
            "is_admin": is_organisation_admin(user=user, organisation=organisation),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Access: administrators of the organisation; members 403; others 404."""
    user = signed_in_user(request)
    organisation = organisation_get_for_manage(user=user, pk=pk, write=True)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                user=user,
                organisation=organisation,
                data=form.profile_data(),
                innovation_types=form.innovation_type_codes(),
            )
        except (ValidationError, ApplicationError) as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The profile was saved."))
            return redirect("organisations:organisation-manage", pk=organisation.pk)
    return render(
        request,
        "organisations/manage/organisation_form.html",
        {"form": form, "organisation": organisation},
    )


# Contact persons


@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Access: administrators of the organisation; members 403; others 404."""
    user = signed_in_user(request)
    organisation = organisation_get_for_manage(user=user, pk=pk, write=True)
    form = ContactPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_create(user=user, organisation=organisation, data=form.cleaned_data)
        except (ValidationError, ApplicationError) as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The contact person was added."))
            return redirect("organisations:organisation-manage", pk=organisation.pk)
    return render(
        request,
        "organisations/manage/contact_form.html",
        {"form": form, "organisation": organisation},
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    """Access: administrators of the organisation; members 403; others 404."""
    user = signed_in_user(request)
    organisation = organisation_get_for_manage(user=user, pk=pk, write=True)
    contact = contact_get_for(user=user, organisation=organisation, pk=contact_pk)
    form = ContactPersonForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(user=user, contact=contact, data=form.cleaned_data)
        except (ValidationError, ApplicationError) as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The contact person was saved."))
            return redirect("organisations:organisation-manage", pk=organisation.pk)
    return render(
        request,
        "organisations/manage/contact_form.html",
        {"form": form, "organisation": organisation, "contact": contact},
    )


@login_required
@require_POST
def contact_delete(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    """Access: administrators of the organisation; members 403; others 404."""
    user = signed_in_user(request)
    organisation = organisation_get_for_manage(user=user, pk=pk, write=True)
    contact = contact_get_for(user=user, organisation=organisation, pk=contact_pk)
    services.contact_delete(user=user, contact=contact)
    messages.success(request, _("The contact person was removed."))
    return redirect("organisations:organisation-manage", pk=organisation.pk)


# Members and invitations


@login_required
@require_GET
def member_list(request: HttpRequest, pk: int) -> HttpResponse:
    """Access: members of the organisation (admins also see open invitations); others 404."""
    user = signed_in_user(request)
    organisation = organisation_get_for_manage(user=user, pk=pk)
    is_admin = is_organisation_admin(user=user, organisation=organisation)
    memberships = (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("role", "user__email")
    )
    invitations = (
        Invitation.objects.filter(organisation=organisation, accepted_at__isnull=True).order_by(
            "-created_at"
        )
        if is_admin
        else Invitation.objects.none()
    )
    return render(
        request,
        "organisations/manage/members.html",
        {
            "organisation": organisation,
            "memberships": memberships,
            "invitations": invitations,
            "is_admin": is_admin,
            "roles": MembershipRole.choices,
            "invitation_form": InvitationForm(),
        },
    )


@login_required
@require_POST
def member_role(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    """Access: administrators of the organisation; members 403; others 404."""
    user = signed_in_user(request)
    organisation = organisation_get_for_manage(user=user, pk=pk, write=True)
    membership = membership_get_for(organisation=organisation, pk=membership_pk)
    form = MembershipRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid role."))
    else:
        try:
            services.membership_role_change(
                user=user, membership=membership, role=form.cleaned_data["role"]
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("The role of %(email)s was changed.") % {"email": membership.user.email}
            )
    return redirect("organisations:member-list", pk=organisation.pk)


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    """Access: administrators of the organisation, or a member removing themselves; others 404."""
    user = signed_in_user(request)
    organisation = organisation_get_for_manage(user=user, pk=pk)
    membership = membership_get_for(organisation=organisation, pk=membership_pk)
    leaving = membership.user_id == user.pk
    if not leaving and not is_organisation_admin(user=user, organisation=organisation):
        raise Http404
    try:
        services.membership_remove(user=user, membership=membership)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("organisations:member-list", pk=organisation.pk)
    if leaving:
        messages.success(request, _("You left %(name)s.") % {"name": organisation.name})
        return redirect("organisations:organisation-mine")
    messages.success(request, _("%(email)s was removed.") % {"email": membership.user.email})
    return redirect("organisations:member-list", pk=organisation.pk)


@login_required
@require_http_methods(["GET", "POST"])
def invitation_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Access: administrators of the organisation; members 403; others 404."""
    user = signed_in_user(request)
    organisation = organisation_get_for_manage(user=user, pk=pk, write=True)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = services.membership_invite(
                user=user,
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except (ValidationError, ApplicationError) as error:
            _form_error(form, error)
        else:
            messages.success(
                request, _("An invitation was sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("organisations:member-list", pk=organisation.pk)
    return render(
        request,
        "organisations/manage/invitation_form.html",
        {"form": form, "organisation": organisation},
    )


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    """Access: administrators of the organisation; members 403; others 404."""
    user = signed_in_user(request)
    organisation = organisation_get_for_manage(user=user, pk=pk, write=True)
    invitation = invitation_get_for(organisation=organisation, pk=invitation_pk)
    services.invitation_revoke(user=user, invitation=invitation)
    messages.success(request, _("The invitation was withdrawn."))
    return redirect("organisations:member-list", pk=organisation.pk)


@login_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Access: the signed-in user with the invited e-mail address (the token is the secret)."""
    user = signed_in_user(request)
    invitation = services.invitation_get_by_token(token=token)
    if invitation is None:
        raise Http404
    error = None
    if request.method == "POST":
        try:
            membership = services.invitation_accept(user=user, token=token)
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(
                request,
                _("Welcome to %(name)s.") % {"name": membership.organisation.name},
            )
            return redirect("organisations:organisation-manage", pk=membership.organisation_id)
    return render(
        request,
        "organisations/manage/invitation_accept.html",
        {"invitation": invitation, "error": error},
        status=400 if error else 200,
    )


# Claims


@login_required
@require_http_methods(["GET", "POST"])
def organisation_claim(request: HttpRequest, pk: int) -> HttpResponse:
    """Access: signed-in users who can see the imported, unclaimed profile; others 404."""
    user = signed_in_user(request)
    organisation = organisation_get_for_claim(user=user, pk=pk)
    pending = OrganisationClaim.objects.filter(
        user=user, organisation=organisation, status=ClaimStatus.PENDING
    ).first()
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.claim_submit(
                user=user,
                organisation=organisation,
                message=form.cleaned_data["message"],
            )
        except ApplicationError as error:
            _form_error(form, error)
        else:
            messages.success(
                request,
                _("Thank you. A curator will review your claim and let you know by e-mail."),
            )
            return redirect("organisations:organisation-mine")
    return render(
        request,
        "organisations/manage/claim_form.html",
        {"form": form, "organisation": organisation, "pending": pending},
    )
