"""The language a user saved is applied when they log in, in a fresh browser."""

from django.test import Client
from django.urls import reverse

from loket.accounts.services import user_language_update

PASSWORD = "correct horse battery staple"


def _login(client: Client, email: str):
    return client.post(reverse("account_login"), {"login": email, "password": PASSWORD})


def test_login_applies_the_saved_language(anna):
    user_language_update(user=anna, language="fr")
    client = Client()
    response = _login(client, anna.email)
    assert response.status_code == 302
    assert response.cookies["loket_language"].value == "fr"
    page = client.get(reverse("organisations:directory"))
    assert '<html lang="fr">' in page.content.decode()


def test_saved_language_wins_over_the_one_chosen_before_login(anna):
    user_language_update(user=anna, language="en")
    client = Client()
    client.cookies["loket_language"] = "fr"
    response = _login(client, anna.email)
    assert response.cookies["loket_language"].value == "en"


def test_failed_login_leaves_the_language_alone(anna):
    user_language_update(user=anna, language="fr")
    client = Client()
    response = client.post(reverse("account_login"), {"login": anna.email, "password": "wrong!"})
    assert "loket_language" not in response.cookies
