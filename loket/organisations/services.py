"""Writes for organisation profiles, memberships, contact persons, invitations and claims.

Every function is atomic, validates with full_clean() before saving and raises an
ApplicationError subclass (with a translated message) for a broken domain rule.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from loket.lib.enterprise_number import normalise_enterprise_number
from loket.lib.errors import ApplicationError, ConflictError, PermissionDeniedError
from loket.organisations.access import is_organisation_admin
from loket.organisations.models import (
    ClaimStatus,
    ContactPerson,
    InnovationType,
    Invitation,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationClaim,
    OrganisationType,
    Source,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from loket.accounts.models import User

INVITATION_VALIDITY = timedelta(days=14)

# The only fields a user may set on a profile. Everything else (source, claimed, cordis_pic,
# derived counters, the search document) belongs to the import and the curators.
PROFILE_FIELDS = (
    "name",
    "short_name",
    "org_type",
    "intermediary_kind",
    "size_class",
    "enterprise_number",
    "nace_code",
    "region",
    "nuts_code",
    "country",
    "city",
    "website",
    "description",
    "offers",
    "seeks",
    "expertise_tags",
    "languages",
    "visibility",
)
CONTACT_FIELDS = ("name", "role", "email", "phone")


class NotAllowedError(PermissionDeniedError):
    pass


class LastAdminError(ConflictError):
    pass


class InvitationError(ApplicationError):
    pass


class ClaimError(ApplicationError):
    pass


def _require_admin(*, user: User, organisation: Organisation) -> None:
    if not is_organisation_admin(user=user, organisation=organisation):
        raise NotAllowedError(_("Only administrators of this organisation can do this."))


def _profile_changed_on_commit(organisation_id: int) -> None:
    """After commit: refresh the search document and have matching re-embed the profile."""
    from loket.matching.services import profile_changed

    def refresh() -> None:
        from loket.organisations.search import search_documents_refresh

        search_documents_refresh(organisation_ids=[organisation_id])

    transaction.on_commit(refresh)
    profile_changed(organisation_id=organisation_id)  # enqueues on commit itself


def _apply_profile(organisation: Organisation, data: dict[str, Any]) -> None:
    for field in PROFILE_FIELDS:
        if field not in data:
            continue
        value = data[field]
        if field == "enterprise_number":
            value = normalise_enterprise_number(value) if value else ""
        elif field in {"country", "nuts_code"}:
            value = (value or "").strip().upper()
        elif field in {"expertise_tags", "languages"}:
            value = list(dict.fromkeys(str(item).strip() for item in value or [] if item))
        elif value is None:
            value = ""
        setattr(organisation, field, value)
    if organisation.org_type != OrganisationType.INTERMEDIARY:
        organisation.intermediary_kind = ""


def _set_innovation_types(organisation: Organisation, codes: Iterable[str] | None) -> None:
    if codes is None:
        return
    organisation.innovation_types.set(InnovationType.objects.filter(code__in=list(codes)))


@transaction.atomic
def organisation_create(
    *, user: User, data: dict[str, Any], innovation_types: Iterable[str] | None = None
) -> Organisation:
    """A new profile created on Loket; the creator becomes its administrator."""
    organisation = Organisation(source=Source.MANUAL, claimed=True)
    _apply_profile(organisation, data)
    organisation.full_clean()
    organisation.save()
    _set_innovation_types(organisation, innovation_types)
    membership = Membership(user=user, organisation=organisation, role=MembershipRole.ADMIN)
    membership.full_clean()
    membership.save()
    _profile_changed_on_commit(organisation.pk)
    return organisation


@transaction.atomic
def organisation_update(
    *,
    user: User,
    organisation: Organisation,
    data: dict[str, Any],
    innovation_types: Iterable[str] | None = None,
) -> Organisation:
    _require_admin(user=user, organisation=organisation)
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    _apply_profile(organisation, data)
    organisation.full_clean()
    organisation.save()
    _set_innovation_types(organisation, innovation_types)
    _profile_changed_on_commit(organisation.pk)
    return organisation


# Contact persons


@transaction.atomic
def contact_create(
    *, user: User, organisation: Organisation, data: dict[str, Any]
) -> ContactPerson:
    _require_admin(user=user, organisation=organisation)
    contact = ContactPerson(organisation=organisation)
    for field in CONTACT_FIELDS:
        setattr(contact, field, data.get(field) or "")
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def contact_update(*, user: User, contact: ContactPerson, data: dict[str, Any]) -> ContactPerson:
    _require_admin(user=user, organisation=contact.organisation)
    for field in CONTACT_FIELDS:
        if field in data:
            setattr(contact, field, data[field] or "")
    contact.full_clean()
    contact.save(update_fields=list(CONTACT_FIELDS))
    return contact


@transaction.atomic
def contact_delete(*, user: User, contact: ContactPerson) -> None:
    _require_admin(user=user, organisation=contact.organisation)
    contact.delete()


# Memberships


def _lock_admins(organisation: Organisation) -> list[int]:
    """Lock the organisation's admin memberships so two removals cannot both pass the check."""
    return list(
        Membership.objects.select_for_update()
        .filter(organisation=organisation, role=MembershipRole.ADMIN)
        .values_list("pk", flat=True)
    )


@transaction.atomic
def membership_role_change(*, user: User, membership: Membership, role: str) -> Membership:
    _require_admin(user=user, organisation=membership.organisation)
    if role not in MembershipRole.values:
        raise ApplicationError(_("Choose a valid role."))
    admins = _lock_admins(membership.organisation)
    if role != MembershipRole.ADMIN and admins == [membership.pk]:
        raise LastAdminError(
            _("An organisation needs at least one administrator. Appoint another one first.")
        )
    membership.role = role
    membership.full_clean()
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, user: User, membership: Membership) -> None:
    """Admins remove members; anyone may leave. The last administrator cannot go."""
    if membership.user_id != user.pk:
        _require_admin(user=user, organisation=membership.organisation)
    admins = _lock_admins(membership.organisation)
    if admins == [membership.pk]:
        raise LastAdminError(
            _("An organisation needs at least one administrator. Appoint another one first.")
        )
    membership.delete()


# Invitations


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


@transaction.atomic
def membership_invite(
    *, user: User, organisation: Organisation, email: str, role: str = MembershipRole.MEMBER
) -> tuple[Invitation, str]:
    """Invite someone by e-mail. Returns the invitation and the token (sent, never stored)."""
    _require_admin(user=user, organisation=organisation)
    email = (email or "").strip().lower()
    if role not in MembershipRole.values:
        raise InvitationError(_("Choose a valid role."))
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise InvitationError(_("%(email)s is already a member.") % {"email": email})
    # A new invitation replaces an open one for the same address.
    Invitation.objects.filter(
        organisation=organisation, email__iexact=email, accepted_at__isnull=True
    ).delete()
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation = Invitation(
        organisation=organisation,
        email=email,
        role=role,
        token_hash=_hash(token),
        invited_by=user,
        created_at=now,
        expires_at=now + INVITATION_VALIDITY,
    )
    invitation.full_clean()
    invitation.save()
    link = _absolute(reverse("organisations:invitation-accept", args=[token]))
    from loket.accounts.selectors import email_language

    # The invitee's language when they have an account; else the inviter's is the best guess.
    with translation.override(
        email_language(email=email, default=translation.get_language() or "")
    ):
        subject = _("Invitation to join %(organisation)s on Loket") % {
            "organisation": organisation.name
        }
        body = _(
            "%(inviter)s invites you to join %(organisation)s on Loket.\n\n"
            "Accept the invitation (sign in or sign up with this e-mail address first):\n"
            "%(link)s\n\nThe link is valid for 14 days and can be used once."
        ) % {"inviter": user.display_name, "organisation": organisation.name, "link": link}
    transaction.on_commit(lambda: send_mail(subject, body, None, [email]))
    return invitation, token


def invitation_get_by_token(*, token: str) -> Invitation | None:
    if not token or len(token) > 200:
        return None
    return (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(token_hash=_hash(token))
        .first()
    )


def _user_has_email(user: User, email: str) -> bool:
    from allauth.account.models import EmailAddress

    if user.email.lower() == email.lower():
        return True
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


@transaction.atomic
def invitation_accept(*, user: User, token: str) -> Membership:
    invitation = invitation_get_by_token(token=token)
    if invitation is None:
        raise InvitationError(_("This invitation link is not valid."))
    if invitation.accepted_at is not None:
        raise InvitationError(_("This invitation has already been used."))
    if invitation.expires_at <= timezone.now():
        raise InvitationError(_("This invitation has expired. Ask for a new one."))
    if not _user_has_email(user, invitation.email):
        raise InvitationError(
            _("This invitation is for %(email)s. Sign in with that e-mail address to accept it.")
            % {"email": invitation.email}
        )
    # Conditional update: of two concurrent accepts only one wins.
    used = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
        accepted_at=timezone.now(), accepted_by=user
    )
    if used != 1:
        raise InvitationError(_("This invitation has already been used."))
    membership, created = Membership.objects.select_for_update().get_or_create(
        user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    if not created and invitation.role == MembershipRole.ADMIN:
        membership.role = MembershipRole.ADMIN
        membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def invitation_revoke(*, user: User, invitation: Invitation) -> None:
    _require_admin(user=user, organisation=invitation.organisation)
    Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).delete()


# Claims of imported organisations


@transaction.atomic
def claim_submit(*, user: User, organisation: Organisation, message: str) -> OrganisationClaim:
    if organisation.source != Source.CORDIS or organisation.claimed:
        raise ClaimError(_("This organisation cannot be claimed."))
    if Membership.objects.filter(user=user, organisation=organisation).exists():
        raise ClaimError(_("You are already a member of this organisation."))
    if OrganisationClaim.objects.filter(
        user=user, organisation=organisation, status=ClaimStatus.PENDING
    ).exists():
        raise ClaimError(_("You have already claimed this organisation; a curator will decide."))
    claim = OrganisationClaim(user=user, organisation=organisation, message=message or "")
    claim.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            claim.save()
    except IntegrityError:
        raise ClaimError(
            _("You have already claimed this organisation; a curator will decide.")
        ) from None
    return claim


def _claim_decision_mail(
    organisation: Organisation, *, approve: bool, note: str
) -> tuple[str, str]:
    if approve:
        subject = _("Your claim of %(organisation)s was approved") % {
            "organisation": organisation.name
        }
        body = _(
            "You are now an administrator of %(organisation)s on Loket and can edit its "
            "profile:\n%(link)s"
        ) % {
            "organisation": organisation.name,
            "link": _absolute(reverse("organisations:organisation-manage", args=[organisation.pk])),
        }
    else:
        subject = _("Your claim of %(organisation)s was not approved") % {
            "organisation": organisation.name
        }
        body = _("A curator did not approve your claim of %(organisation)s.") % {
            "organisation": organisation.name
        }
    if note:
        body += "\n\n" + _("Note from the curator: %(note)s") % {"note": note}
    return subject, body


@transaction.atomic
def claim_decide(
    *, curator: User, claim: OrganisationClaim, approve: bool, note: str = ""
) -> OrganisationClaim:
    """A curator approves (claimant becomes admin, profile marked claimed) or rejects a claim."""
    if not curator.is_staff:
        raise NotAllowedError(_("Only curators decide on claims."))
    now = timezone.now()
    status = ClaimStatus.APPROVED if approve else ClaimStatus.REJECTED
    decided = OrganisationClaim.objects.filter(pk=claim.pk, status=ClaimStatus.PENDING).update(
        status=status, decided_at=now, decided_by=curator, decision_note=note or ""
    )
    if decided != 1:
        raise ClaimError(_("This claim has already been decided."))
    claim.refresh_from_db()
    organisation = claim.organisation
    if approve:
        membership, created = Membership.objects.get_or_create(
            user=claim.user, organisation=organisation, defaults={"role": MembershipRole.ADMIN}
        )
        if not created and membership.role != MembershipRole.ADMIN:
            membership.role = MembershipRole.ADMIN
            membership.save(update_fields=["role"])
        Organisation.objects.filter(pk=organisation.pk).update(claimed=True)
        _profile_changed_on_commit(organisation.pk)
    from loket.accounts.selectors import user_language

    with translation.override(user_language(user=claim.user)):  # the claimant's, not the curator's
        subject, body = _claim_decision_mail(organisation, approve=approve, note=note)
    recipient = claim.user.email
    transaction.on_commit(lambda: send_mail(subject, body, None, [recipient]))
    return claim
