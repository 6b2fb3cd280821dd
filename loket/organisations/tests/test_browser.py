"""A new user signs up, confirms the e-mail, creates a Dutch profile, finds it, reads it in French."""

import re

import pytest

from loket.organisations.models import Organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_signup_confirm_create_profile_search_and_switch_to_french(page, mailoutbox):
    page.goto("/accounts/signup/")
    assert page.locator("html").get_attribute("lang") == "nl"
    page.fill("input[name=email]", "nieuw@kmo.example")
    page.fill("input[name=password1]", "Zonnige-Polder-2026!")
    page.fill("input[name=password2]", "Zonnige-Polder-2026!")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()

    assert len(mailoutbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mailoutbox[0].body)
    assert link, mailoutbox[0].body
    page.goto(link.group(0).replace("http://testserver", ""))
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()

    page.goto("/manage/organisations/new/")
    page.fill("input[name=name]", "Polderlicht Verpakkingen")
    page.select_option("select[name=org_type]", "company")
    page.select_option("select[name=size_class]", "small")
    page.select_option("select[name=region]", "west_vlaanderen")
    page.fill(
        "textarea[name=description]",
        "Wij ontwikkelen circulaire verpakkingen en zoeken samenwerkingen met onderzoekscentra.",
    )
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    organisation = Organisation.objects.get(name="Polderlicht Verpakkingen")
    assert organisation.memberships.get().user.email == "nieuw@kmo.example"

    # Dutch stemming: the singular query finds the plural in the description.
    page.goto("/?q=samenwerking")
    results = page.locator("#content")
    assert results.get_by_text("Polderlicht Verpakkingen").count() >= 1

    page.locator(".lang button[lang=fr]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_text("Polderlicht Verpakkingen").count() >= 1
    assert "Annuaire" in page.content()
