from django.test import RequestFactory
from django.urls import reverse

from config.api import TokenAuth
from loket.accounts.models import ApiToken, hash_token
from loket.accounts.selectors import api_token_user
from loket.accounts.services import api_token_create, api_token_revoke


def _bearer(token: str):
    request = RequestFactory().get("/api/v1/", HTTP_AUTHORIZATION=f"Bearer {token}")
    return TokenAuth()(request)


def test_token_is_shown_once_and_stored_hashed(client_for, anna):
    client = client_for(anna)
    response = client.post(reverse("accounts:token-create"), {"name": "CRM sync"})
    assert response.status_code == 200
    token = response.context["token"]
    assert token.startswith("lkt_")
    assert token in response.content.decode()
    stored = ApiToken.objects.get(user=anna)
    assert stored.token_hash == hash_token(token)
    assert token not in stored.token_hash
    assert response["Cache-Control"].startswith("max-age=0")

    account = client.get(reverse("accounts:account")).content.decode()
    assert "CRM sync" in account
    assert token not in account
    assert stored.prefix in account
    assert _bearer(token) == anna


def test_extra_fields_cannot_create_a_token_for_someone_else(client_for, anna, chloe):
    client_for(anna).post(
        reverse("accounts:token-create"), {"name": "mine", "user": chloe.pk, "user_id": chloe.pk}
    )
    assert list(ApiToken.objects.values_list("user_id", flat=True)) == [anna.pk]


def test_empty_name_is_refused_with_a_message(client_for, anna):
    response = client_for(anna).post(reverse("accounts:token-create"), {"name": "  "})
    assert response.status_code == 400
    assert response.context["token_form"].errors
    assert not ApiToken.objects.exists()


def test_revoke_ends_api_access(client_for, anna):
    api_token, token = api_token_create(user=anna, name="ci")
    response = client_for(anna).post(reverse("accounts:token-revoke", args=[api_token.pk]))
    assert response.status_code == 302
    api_token.refresh_from_db()
    assert api_token.revoked_at is not None
    assert _bearer(token) is None
    assert api_token_user(token=token) is None


def test_other_users_cannot_revoke_or_see_a_token(client_for, anna, chloe):
    api_token, token = api_token_create(user=anna, name="anna-secret-token-name")
    response = client_for(chloe).post(reverse("accounts:token-revoke", args=[api_token.pk]))
    assert response.status_code == 404
    assert (
        "anna-secret-token-name"
        not in client_for(chloe).get(reverse("accounts:account")).content.decode()
    )
    api_token.refresh_from_db()
    assert api_token.revoked_at is None
    assert _bearer(token) == anna


def test_anonymous_users_are_sent_to_login(client, anna):
    api_token, _token = api_token_create(user=anna, name="ci")
    for method, name, args in [
        ("get", "accounts:account", []),
        ("post", "accounts:token-create", []),
        ("post", "accounts:token-revoke", [api_token.pk]),
        ("post", "accounts:language-update", []),
    ]:
        response = getattr(client, method)(reverse(name, args=args), {"name": "x"})
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    assert ApiToken.objects.count() == 1
    api_token.refresh_from_db()
    assert api_token.revoked_at is None


def test_unknown_and_garbage_tokens_are_refused(db):
    assert _bearer("lkt_nope") is None
    assert api_token_user(token="x" * 5000) is None
    assert api_token_user(token="") is None


def test_revoke_service_is_idempotent(anna):
    api_token, _token = api_token_create(user=anna, name="ci")
    first = api_token_revoke(user=anna, pk=api_token.pk).revoked_at
    assert api_token_revoke(user=anna, pk=api_token.pk).revoked_at == first


def test_account_page_lists_memberships_and_saves_language(
    client_for, anna, django_assert_max_num_queries
):
    client = client_for(anna)
    api_token_create(user=anna, name="one")
    api_token_create(user=anna, name="two")
    with django_assert_max_num_queries(10):
        response = client.get(reverse("accounts:account"))
    assert "Acme Sensors" in response.content.decode()
    response = client.post(reverse("accounts:language-update"), {"language": "fr", "is_staff": "1"})
    assert response.status_code == 302
    anna.refresh_from_db()
    assert anna.preferred_language == "fr"
    assert not anna.is_staff
    assert response.cookies["loket_language"].value == "fr"
    response = client.post(reverse("accounts:language-update"), {"language": "xx"})
    anna.refresh_from_db()
    assert anna.preferred_language == "fr"
