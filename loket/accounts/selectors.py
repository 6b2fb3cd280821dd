from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from loket.accounts.models import ApiToken, User, hash_token


def api_token_user(*, token: str) -> User | None:
    """The active user behind an API token, or None. Disabled users are cut off."""
    if not token or len(token) > 200:
        return None
    api_token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if api_token is None:
        return None
    now = timezone.now()
    if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
    return api_token.user


def signed_in_user(request: HttpRequest) -> User:
    """The user behind a request whose route already requires sign-in (login_required, the API's
    default auth). Anyone else gets a 404, so a route that lost its guard still shows nothing."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise Http404
    return user


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-created_at")


def user_language(*, user: User) -> str:
    """The language to write to this user in (notifications, e-mails): their saved choice when
    Loket offers it, else the site's default. Never the language of whoever triggered the message.
    """
    language = getattr(user, "preferred_language", "") or ""
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def email_language(*, email: str, default: str = "") -> str:
    """The language to write to an address in: its active user's, else `default` (a language the
    caller knows, such as a question's), else the site's default."""
    user = (
        User.objects.filter(email__iexact=(email or "").strip(), is_active=True)
        .only("preferred_language")
        .first()
    )
    if user is not None:
        return user_language(user=user)
    return default if default in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
