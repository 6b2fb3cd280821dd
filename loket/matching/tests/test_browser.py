""" "Vind partners" in Debian Chromium: a member describes a need, sees ranked partners with the
reasons (highlighted matching words, the network path), never the hidden profile, and leaves
feedback. Uses the small hashing encoder of the matching fixtures, so it runs in seconds."""

import os

import pytest
from django.conf import settings
from django.test import Client

from loket.matching.models import MatchFeedback
from loket.matching.tests.conftest import HIDDEN_MARKER

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"), reason="no Debian chromium"),
]


def _sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def test_find_partners_shows_reasons_and_takes_feedback(
    transactional_db, live_server, page, anna, match_world
):
    _sign_in(page, live_server, anna)
    page.goto("/partners/")
    page.fill("textarea[name=q]", "Food quality spectroscopy for our sensors")
    page.check("input[name=complementary]")
    page.click(".match-form button[type=submit]")
    results = page.locator(".match-results .match-result")
    results.first.wait_for()
    text = page.locator(".match-results").inner_text()
    assert "Universiteit Voedselkwaliteit" in text
    assert "Hidden Food Sensors" not in text and HIDDEN_MARKER not in page.content()
    uni = results.filter(has=page.locator("h3", has_text="Universiteit Voedselkwaliteit"))
    assert uni.count() == 1
    marks = [m.lower() for m in uni.locator(".why mark").all_inner_texts()]
    assert "food" in marks and "quality" in marks
    if os.environ.get("LOKET_SCREENSHOT"):  # to look at the page while developing
        page.screenshot(path=os.environ["LOKET_SCREENSHOT"], full_page=True)
    # Acme worked with the university in one project under topic FOOD-01: both said, and no
    # detour through a third partner for a direct one.
    why = uni.locator(".why").inner_text()
    assert "1 project" in why and "FOOD-01" in why
    assert "Beta" not in why

    uni.locator("button[name=verdict][value=useful]").click()
    page.wait_for_url("**/partners/?q=*")
    feedback = MatchFeedback.objects.get()
    assert feedback.organisation == match_world["uni"]
    assert feedback.user == anna
    assert feedback.verdict == "useful"


def test_profile_page_loads_its_suggested_partners_after_the_page(
    transactional_db, live_server, page, anna, match_world
):
    _sign_in(page, live_server, anna)
    organisation = match_world["uni"]
    page.goto(f"/organisations/{organisation.pk}/")
    results = page.locator("#suggested-partners .match-results .match-result")
    results.first.wait_for()
    assert page.locator("#suggested-partners").count() == 1  # replaced, not nested
    text = page.locator("#suggested-partners").inner_text()
    assert "Acme Sensors" in text
    assert "Hidden Food Sensors" not in text and HIDDEN_MARKER not in page.content()
