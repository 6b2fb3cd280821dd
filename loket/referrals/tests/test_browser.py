"""The whole life of a question in Debian Chromium: visitor asks, one intermediary triages and
hands over, the second answers and closes, the visitor rates."""

import os

import pytest
from django.conf import settings
from django.test import Client

from loket.referrals.models import Case

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"), reason="no Debian chromium"),
]

QUESTION = "Wij willen een octrooi aanvragen op onze nieuwe sensor. Hoe pakken we dat aan?"


def _staff_page(chromium_browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = chromium_browser.new_context(base_url=live_server.url, locale="nl-BE")
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
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def test_visitor_question_is_referred_answered_closed_and_rated(
    transactional_db, chromium_browser, live_server, page, profiles, ivo, tara, org_tto
):
    page.goto("/vraag/")
    page.fill("textarea[name=question]", QUESTION)
    page.fill("input[name=visitor_name]", "Vera")
    page.fill("input[name=visitor_email]", "vera@example.com")
    page.select_option("select[name=region]", "west_vlaanderen")
    page.check("input[name=contact_consent]")
    page.check("input[name=share_consent]")
    page.click("#ask-form button[type=submit]")
    assert page.locator("input[name=holder]").first.is_checked()
    assert "Innovatiecentrum West-Vlaanderen" in page.locator(".proposals .card").first.inner_text()
    page.click("#ask-form button[type=submit]")
    page.wait_for_url("**/vraag/v/**")
    visitor_url = page.url
    case = Case.objects.get()
    assert page.get_by_test_id("case-holder").inner_text() == "Innovatiecentrum West-Vlaanderen"

    ivo_page = _staff_page(chromium_browser, live_server, ivo)
    ivo_page.goto(f"/vraag/cases/{case.pk}/")
    ivo_page.get_by_test_id("triage").click()
    ivo_page.wait_for_load_state()
    ivo_page.select_option("select[name=to_organisation]", str(org_tto.pk))
    ivo_page.fill("textarea[name=reason]", "Specialisten in octrooien")
    ivo_page.get_by_test_id("refer").click()
    ivo_page.wait_for_load_state()
    assert ivo_page.get_by_test_id("case-holder").inner_text() == "Tech Transfer Antwerpen"

    tara_page = _staff_page(chromium_browser, live_server, tara)
    tara_page.goto(f"/vraag/cases/{case.pk}/")
    tara_page.get_by_test_id("triage").click()
    tara_page.wait_for_load_state()
    tara_page.get_by_test_id("answer-text").fill("Zo vraagt u een octrooi aan: ...")
    tara_page.get_by_test_id("answer").click()
    tara_page.wait_for_load_state()
    tara_page.fill("textarea[name=summary]", "Octrooiprocedure uitgelegd")
    tara_page.select_option("select[name=outcome]", "solved")
    tara_page.get_by_test_id("close").click()
    tara_page.wait_for_load_state()
    case.refresh_from_db()
    assert case.state == "closed"

    page.goto(visitor_url)
    assert "Zo vraagt u een octrooi aan" in page.get_by_test_id("timeline").inner_text()
    page.check("input[name=rating][value='5']")
    page.click("form[action$='/rate/'] button[type=submit]")
    page.wait_for_load_state()
    assert page.get_by_test_id("case-rating").inner_text() == "5/5"
    case.refresh_from_db()
    assert (case.state, case.holder_id, case.rating) == ("closed", org_tto.pk, 5)
    assert list(case.holdings.values_list("organisation__name", flat=True)) == [
        "Innovatiecentrum West-Vlaanderen",
        "Tech Transfer Antwerpen",
    ]
