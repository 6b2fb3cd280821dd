import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import RequestFactory

from loket.accounts.selectors import signed_in_user


def test_signed_in_user_returns_the_signed_in_user(bram):
    request = RequestFactory().get("/")
    request.user = bram
    assert signed_in_user(request) == bram


def test_signed_in_user_is_404_for_an_anonymous_request(db):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with pytest.raises(Http404):
        signed_in_user(request)
