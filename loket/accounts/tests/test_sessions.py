"""The 'sessions' row of RELIABILITY.md: throttling, session rotation, logout, cut-off, cookies."""

import os
import secrets
import subprocess
import sys

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client, RequestFactory
from django.urls import reverse

from config.api import TokenAuth
from loket.accounts.models import User
from loket.accounts.services import api_token_create
from loket.organisations.models import Organisation

PASSWORD = "correct horse battery staple"


def _login(client: Client, email: str, password: str = PASSWORD):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        headers={"Accept-Language": "en"},
    )


def _signed_in(client: Client) -> bool:
    return client.get(reverse("accounts:account")).status_code == 200


def test_repeated_failed_logins_are_refused(client, anna):
    for _ in range(5):
        response = _login(client, anna.email, "wrong password")
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
    # Even the right password is now refused for this address.
    response = _login(client, anna.email)
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode() or (
        response.status_code == 429
    )


def test_login_rotates_session_key(client, anna):
    session = client.session
    session["visited"] = True
    session.save()
    before = session.session_key
    client.cookies[settings.SESSION_COOKIE_NAME] = before
    response = _login(client, anna.email)
    assert response.status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()


def test_logout_ends_session_on_the_server(client, anna):
    _login(client, anna.email)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.post(reverse("account_logout")).status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = key
    assert not _signed_in(replay)


def test_disabled_user_is_cut_off_from_sessions_and_tokens(client, anna):
    _login(client, anna.email)
    _api_token, token = api_token_create(user=anna, name="crm")
    request = RequestFactory().get("/api/v1/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert TokenAuth()(request) == anna
    assert _signed_in(client)

    User.objects.filter(pk=anna.pk).update(is_active=False)

    assert not _signed_in(client)
    request = RequestFactory().get("/api/v1/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert TokenAuth()(request) is None
    # And a fresh login is refused.
    fresh = Client()
    _login(fresh, anna.email)
    assert not _signed_in(fresh)


def test_password_change_ends_other_sessions(anna):
    laptop, phone = Client(), Client()
    _login(laptop, anna.email)
    _login(phone, anna.email)
    assert _signed_in(laptop) and _signed_in(phone)
    new = "Nieuwe-Fietsenstalling-77"
    response = laptop.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": new, "password2": new},
    )
    assert response.status_code == 302
    assert _signed_in(laptop)  # the session that changed it stays signed in
    assert not _signed_in(phone)


def test_common_passwords_are_refused(client, db, anna):
    response = client.post(
        reverse("account_signup"),
        {"email": "zwak@voorbeeld.example", "password1": "qwertyuiop", "password2": "qwertyuiop"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 200
    assert "too common" in response.content.decode()
    assert not User.objects.filter(email="zwak@voorbeeld.example").exists()

    _login(client, anna.email)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "qwertyuiop", "password2": "qwertyuiop"},
    )
    assert response.status_code == 200
    anna.refresh_from_db()
    assert anna.check_password(PASSWORD)


def test_csrf_is_enforced_on_unsafe_methods(anna):
    client = Client(enforce_csrf_checks=True)
    assert _login(client, anna.email).status_code == 403
    assert "_auth_user_id" not in client.session

    client.force_login(anna)
    response = client.post(
        reverse("organisations:organisation-create"),
        {"name": "Via CSRF", "org_type": "company", "visibility": "public"},
    )
    assert response.status_code == 403
    assert not Organisation.objects.filter(name="Via CSRF").exists()
    assert client.post(reverse("accounts:token-create"), {"name": "x"}).status_code == 403
    assert anna.api_tokens.count() == 0
    assert client.post(reverse("account_logout")).status_code == 403
    assert _signed_in(client)


def test_session_and_csrf_cookies_are_httponly_and_samesite(client, anna):
    page = client.get(reverse("account_login"))
    csrf = page.cookies.get(settings.CSRF_COOKIE_NAME) or client.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["samesite"] == "Lax"
    response = _login(client, anna.email)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def _production_env(tmp_path) -> dict[str, str]:
    env = dict(os.environ)
    # Browser tests set this for Playwright's event loop; a deployment never has it.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(
        {
            "LOKET_PRODUCTION": "1",
            "LOKET_SECRET_KEY": secrets.token_urlsafe(64),
            "LOKET_ALLOWED_HOSTS": "loket.example",
            "LOKET_VAR_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
    )
    return env


def test_production_cookies_are_secure(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.SESSION_COOKIE_SAMESITE, s.LANGUAGE_COOKIE_SECURE)"
    )
    result = subprocess.run(  # noqa: S603 (fixed argv, no user input)
        [sys.executable, "-c", code],
        env=_production_env(tmp_path),
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "Lax", "True"]


def test_check_deploy_passes_with_production_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=_production_env(tmp_path),
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _totp_code(secret: str) -> str:
    import time

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_staff_totp_then_login_requires_code(cora):
    client = Client()
    _login(client, cora.email)
    account = client.get(reverse("accounts:account"))
    assert reverse("mfa_index") in account.content.decode()

    page = client.get(reverse("mfa_activate_totp"))
    if page.status_code == 302:  # allauth asks for the password again before changing MFA
        assert page["Location"].startswith(reverse("account_reauthenticate"))
        client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": _totp_code(secret)})
    assert response.status_code == 302
    assert cora.authenticator_set.filter(type="totp").exists()
    client.post(reverse("account_logout"))

    # Password alone is no longer enough.
    fresh = Client()
    response = _login(fresh, cora.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in fresh.session
    wrong = fresh.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    assert "_auth_user_id" not in fresh.session
    response = fresh.post(reverse("mfa_authenticate"), {"code": _totp_code(secret)})
    assert response.status_code == 302
    assert _signed_in(fresh)
