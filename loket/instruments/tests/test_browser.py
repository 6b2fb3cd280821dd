import os

import pytest

from loket.instruments.services import catalogue_load

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_wizard_ends_in_ranked_explained_list(page):
    catalogue_load()
    page.goto("/instruments/wizard/")
    page.select_option("#id_org_type", "company")
    page.select_option("#id_size_class", "small")
    page.select_option("#id_stage", "development")
    page.fill("#id_budget", "800000")
    page.fill("#id_theme", "energy storage")
    page.select_option("#id_partner_1_type", "knowledge_institution")
    page.fill("#id_partner_1_country", "BE")
    page.click("#wizard-submit")
    page.wait_for_url("**/wizard/r/**")
    ranked = page.locator("#ranked li.result")
    assert ranked.count() > 0
    assert "✔" in ranked.first.inner_text()
    other = page.locator("#other").inner_text()
    assert "uit een andere EU-lidstaat of geassocieerd land" in other
