"""Anonymous challenge in Dutch → interest → accept with NDA → both accept → details → a message."""

import os

import pytest
from django.conf import settings
from django.test import Client

from loket.challenges.models import ExpressionOfInterest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"), reason="no Debian chromium"),
]

SECRET = "Geheime receptuur ZQXBROWSER"


def _context_for(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url, locale="nl-BE")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def test_anonymous_challenge_to_conversation(
    chromium_browser, live_server, anna, chloe, org_a, org_b
):
    anna_ctx, poster = _context_for(chromium_browser, live_server, anna)
    chloe_ctx, seeker = _context_for(chromium_browser, live_server, chloe)
    try:
        poster.goto("/challenges/new/")
        poster.select_option("select[name=kind]", "challenge")
        poster.fill("input[name=title]", "Sensoren kalibreren in koelcellen")
        poster.fill("textarea[name=teaser]", "Wij zoeken een partner om sensoren te kalibreren.")
        poster.fill("textarea[name=details]", SECRET)
        poster.check("input[name=confidentiality][value=anonymous]")
        poster.check("input[name=languages][value=nl]")
        poster.click("main form[method=post] button[type=submit]")
        poster.click("form[action$='/publish/'] button")
        item_url = poster.url.replace(live_server.url, "")
        assert "/challenges/" in item_url

        seeker.goto(item_url)
        html = seeker.content()
        assert "Sensoren kalibreren" in html
        assert org_a.name not in html and SECRET not in html
        seeker.fill("textarea[name=message]", "Wij kunnen helpen.")
        seeker.click("form[action$='/interest/'] button")

        poster.goto(item_url)
        assert org_b.name in poster.content()
        poster.select_option("select[name=nda_language]", "nl")
        poster.click("form[action$='/decide/'] input[value=accept] ~ button")
        interest = ExpressionOfInterest.objects.get()
        assert interest.status == "accepted" and interest.nda_text.language == "nl"

        nda_url = f"/challenges/interests/{interest.pk}/nda/"
        seeker.goto(item_url)
        assert org_a.name in seeker.content() and SECRET not in seeker.content()
        seeker.goto(nda_url)
        assert "geheimhouding" in seeker.content().lower()
        seeker.check("input[name=agree]")
        seeker.click("main form[method=post] button[type=submit]")
        poster.goto(nda_url)
        poster.check("input[name=agree]")
        poster.click("main form[method=post] button[type=submit]")
        assert interest.nda_text.sha256 in poster.content()

        seeker.goto(item_url)
        assert SECRET in seeker.content()
        seeker.goto(f"/challenges/interests/{interest.pk}/conversation/")
        seeker.fill("textarea[name=body]", "Dag Anna, zullen we bellen?")
        seeker.click("#thread form button[type=submit]")
        seeker.wait_for_selector("text=Dag Anna, zullen we bellen?")
        poster.goto(f"/challenges/interests/{interest.pk}/conversation/")
        assert "Dag Anna, zullen we bellen?" in poster.content()
    finally:
        anna_ctx.close()
        chloe_ctx.close()
