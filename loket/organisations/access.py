"""Lookups for managing organisations on behalf of a user.

Outsiders get 404 (they must not learn that a hidden profile exists); members who may look but
not change get 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404

from loket.organisations.models import (
    ContactPerson,
    Invitation,
    Membership,
    MembershipRole,
    Organisation,
)

if TYPE_CHECKING:
    from loket.accounts.models import User


def membership_for(*, user: User, organisation: Organisation) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, organisation=organisation).first()


def is_organisation_admin(*, user: User, organisation: Organisation) -> bool:
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user, organisation=organisation, role=MembershipRole.ADMIN
    ).exists()


def organisation_get_for_manage(*, user: User, pk: int, write: bool = False) -> Organisation:
    """The organisation if the user is a member (write=True: an admin of it)."""
    if not user.is_authenticated:
        raise Http404
    organisation = Organisation.objects.filter(pk=pk, memberships__user=user).first()
    if organisation is None:
        raise Http404
    if write and not is_organisation_admin(user=user, organisation=organisation):
        raise PermissionDenied
    return organisation


def contact_get_for(*, user: User, organisation: Organisation, pk: int) -> ContactPerson:
    contact = ContactPerson.objects.filter(pk=pk, organisation=organisation).first()
    if contact is None:
        raise Http404
    return contact


def membership_get_for(*, organisation: Organisation, pk: int) -> Membership:
    membership = (
        Membership.objects.select_related("user").filter(pk=pk, organisation=organisation).first()
    )
    if membership is None:
        raise Http404
    return membership


def invitation_get_for(*, organisation: Organisation, pk: int) -> Invitation:
    invitation = Invitation.objects.filter(
        pk=pk, organisation=organisation, accepted_at__isnull=True
    ).first()
    if invitation is None:
        raise Http404
    return invitation


def organisation_get_for_claim(*, user: User, pk: int) -> Organisation:
    """An imported, unclaimed organisation the user can see; 404 otherwise."""
    organisation = (
        Organisation.objects.visible_to(user).filter(pk=pk, source="cordis", claimed=False).first()
    )
    if organisation is None:
        raise Http404
    return organisation
