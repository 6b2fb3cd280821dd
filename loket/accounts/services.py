"""Writes for accounts: API tokens and preferences."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.accounts.models import ApiToken, User, hash_token
from loket.lib.errors import ApplicationError

MAX_ACTIVE_TOKENS = 20


class TokenError(ApplicationError):
    pass


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new personal API token. Returns the model and the token itself, which is shown once."""
    name = (name or "").strip()
    if not name:
        raise TokenError(_("Give the token a name, e.g. the application that will use it."))
    # Lock the user row so two concurrent requests cannot both pass the limit.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise TokenError(
            _("You have %(max)d active tokens. Revoke one before creating another.")
            % {"max": MAX_ACTIVE_TOKENS}
        )
    token = ApiToken.generate()
    api_token = ApiToken(user=user, name=name, token_hash=hash_token(token), prefix=token[:8])
    api_token.full_clean()
    api_token.save()
    return api_token, token


@transaction.atomic
def api_token_revoke(*, user: User, pk: int) -> ApiToken:
    """Revoke one of the user's own tokens; someone else's token is 'not found'."""
    api_token = ApiToken.objects.select_for_update().filter(pk=pk, user=user).first()
    if api_token is None:
        from django.http import Http404

        raise Http404
    if api_token.revoked_at is None:
        api_token.revoked_at = timezone.now()
        api_token.save(update_fields=["revoked_at"])
    return api_token


@transaction.atomic
def user_language_update(*, user: User, language: str) -> User:
    if language not in dict(settings.LANGUAGES):
        raise ApplicationError(_("Choose one of the offered languages."))
    user.preferred_language = language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["preferred_language"])
    return user
