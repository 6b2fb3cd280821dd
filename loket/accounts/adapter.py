"""django-allauth hooks: the saved language follows the user to every new session."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


def language_cookie_set(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )


class AccountAdapter(DefaultAccountAdapter):
    def post_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse:
        """A returning user gets their saved language; a new account keeps the one it signed
        up in (and saves it)."""
        response = super().post_login(request, user, **kwargs)
        languages = dict(settings.LANGUAGES)
        if kwargs.get("signup"):
            current = translation.get_language() or settings.LANGUAGE_CODE
            if current in languages and current != user.preferred_language:
                from loket.accounts.services import user_language_update

                user_language_update(user=user, language=current)
            return response
        language = getattr(user, "preferred_language", "")
        if language in languages:
            translation.activate(language)
            language_cookie_set(response, language)
        return response
