import re

from django.core import mail
from django.urls import reverse

from loket.accounts.models import User

PASSWORD = "Tulpen-en-Windmolens-42"


def _signup(client, email="nieuw@voorbeeld.example", password=PASSWORD):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": password, "password2": password},
    )


def test_signup_sends_confirmation_and_confirming_logs_in(client, db):
    response = _signup(client)
    assert response.status_code == 302
    user = User.objects.get(email="nieuw@voorbeeld.example")
    # Mandatory verification: not signed in before confirming.
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1
    match = re.search(r"https?://[^\s]+/accounts/confirm-email/([^\s/]+)/", mail.outbox[0].body)
    assert match, mail.outbox[0].body
    confirm_url = reverse("account_confirm_email", args=[match.group(1)])

    page = client.get(confirm_url)
    assert page.status_code == 200
    assert b"Loket" in page.content  # rendered inside Loket's own layout

    response = client.post(confirm_url)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.emailaddress_set.get().verified
    assert client.get(reverse("accounts:account")).status_code == 200


def test_login_before_confirmation_is_refused(client, db):
    _signup(client)
    other = type(client)()
    response = other.post(
        reverse("account_login"), {"login": "nieuw@voorbeeld.example", "password": PASSWORD}
    )
    assert "_auth_user_id" not in other.session
    assert response.status_code in (200, 302)
    assert other.get(reverse("accounts:account")).status_code == 302


def test_signup_with_existing_email_creates_nothing_and_reveals_nothing(client, anna):
    response = _signup(client, email="ANNA@acme.example")
    # Against account enumeration allauth answers as for a new address and mails the owner.
    assert response.status_code == 302
    assert User.objects.filter(email__iexact="anna@acme.example").count() == 1
    assert [message.to for message in mail.outbox] == [["anna@acme.example"]]
    assert "_auth_user_id" not in client.session


def test_signup_with_mismatched_passwords_keeps_input(client, db):
    response = client.post(
        reverse("account_signup"),
        {"email": "typo@voorbeeld.example", "password1": PASSWORD, "password2": PASSWORD + "x"},
    )
    assert response.status_code == 200
    assert b"typo@voorbeeld.example" in response.content
    assert not User.objects.filter(email="typo@voorbeeld.example").exists()


def test_password_reset_sends_link_that_sets_new_password(client, anna):
    response = client.post(reverse("account_reset_password"), {"email": "anna@acme.example"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    match = re.search(r"(/accounts/password/reset/key/[^\s]+/)", mail.outbox[0].body)
    assert match
    page = client.get(match.group(1), follow=True)
    assert page.status_code == 200
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else match.group(1)
    new = "Nieuwe-Fietsenstalling-77"
    response = client.post(form_url, {"password1": new, "password2": new})
    assert response.status_code == 302
    anna.refresh_from_db()
    assert anna.check_password(new)


def test_pages_render_in_site_layout(client, db):
    for name in ["account_login", "account_signup", "account_reset_password"]:
        response = client.get(reverse(name))
        assert response.status_code == 200
        content = response.content.decode()
        assert 'class="site"' in content  # Loket's header from base.html
        assert "<script>" not in content  # no inline scripts (CSP script-src 'self')
