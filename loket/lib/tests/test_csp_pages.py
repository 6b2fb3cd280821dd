"""Security headers and CSP-compatible HTML on representative pages of every app.

The CSP is script-src 'self'; style-src 'self': inline <script>, <style>, style="..." and on*
handlers would be blocked in the browser (and are an injection risk), so no page may have them.
"""

from html.parser import HTMLParser

import pytest

from loket.lib.middleware import CONTENT_SECURITY_POLICY

STRICT_REFERRER_POLICIES = {"strict-origin-when-cross-origin", "same-origin", "no-referrer"}
# Non-executable data blocks are not scripts for the CSP.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json", "text/template"}


class _InlineFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._script: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        inline = not attributes.get("src") and attributes.get("type") not in DATA_SCRIPT_TYPES
        if tag == "script" and inline:
            self._script = attributes
        if tag == "style":
            self.problems.append("<style> block")
        for name, value in attrs:
            if name == "style":
                self.problems.append(f'<{tag} style="{value}">')
            elif name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            elif name in {"href", "src", "action", "formaction"} and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value}>")

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.problems.append(f"inline <script {self._script}>")
            self._script = None


def _page_problems(response) -> list[str]:
    problems = []
    csp = response.get("Content-Security-Policy", "")
    if csp != CONTENT_SECURITY_POLICY:
        problems.append(f"CSP is {csp!r}")
    if "'unsafe-inline'" in csp or "'unsafe-eval'" in csp:
        problems.append("CSP allows unsafe-inline/eval")
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append("no nosniff")
    if response.get("Referrer-Policy") not in STRICT_REFERRER_POLICIES:
        problems.append(f"Referrer-Policy {response.get('Referrer-Policy')!r}")
    if response.get("Cross-Origin-Opener-Policy") != "same-origin":
        problems.append("no COOP")
    if response.get("X-Frame-Options") != "DENY":
        problems.append("framing allowed")
    if response["Content-Type"].startswith("text/html"):
        finder = _InlineFinder()
        finder.feed(response.content.decode())
        problems.extend(finder.problems)
    return problems


@pytest.fixture
def world(settings, anna, bram, chloe, ivo, cora, org_a, org_b, org_intermediary):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    from loket.challenges import services as challenge_services
    from loket.instruments.models import Instrument
    from loket.instruments.services import catalogue_load
    from loket.organisations.models import Organisation
    from loket.referrals.models import IntermediaryProfile
    from loket.referrals.services import case_open

    challenge = challenge_services.challenge_create(
        user=anna,
        organisation=org_a,
        data={
            "kind": "challenge",
            "title": "Sensor calibration",
            "teaser": "We look for a partner to calibrate sensors in cold rooms.",
            "details": "Details for members.",
            "confidentiality": "public",
            "tags": ["sensor"],
        },
    )
    challenge = challenge_services.challenge_publish(user=anna, challenge=challenge)
    interest = challenge_services.interest_create(
        user=chloe, challenge=challenge, organisation=org_b, message="We calibrate sensors."
    )
    imported = Organisation.objects.create(
        name="Gamma Research (CORDIS)", org_type="research_centre", country="BE", source="cordis"
    )
    profile = IntermediaryProfile.objects.create(
        organisation=org_intermediary,
        services=["funding"],
        target_groups=["sme"],
        regions_served=["west_vlaanderen"],
        languages=["nl"],
        response_days=5,
    )
    case = case_open(
        question="Who can help us calibrate sensors?",
        user=anna,
        organisation=org_a,
        holder=org_intermediary,
    )
    catalogue_load()
    # A small match index (test encoder) so the partners pages render results, not "unavailable".
    from loket.matching.encoders import HashingEncoder, encoder_register
    from loket.matching.index import index_build, index_reset

    settings.LOKET_MATCH_ENCODER = "test-hashing"
    encoder_register("test-hashing", HashingEncoder(dim=64))
    index_build()
    index_reset()
    instrument = Instrument.objects.order_by("pk").first()
    return {
        "a": org_a.pk,
        "b": org_b.pk,
        "i": org_intermediary.pk,
        "profile": profile.pk,
        "imported": imported.pk,
        "challenge": challenge.pk,
        "interest": interest.pk,
        "case": case.pk,
        "instrument": instrument.slug if instrument else None,
    }


PAGES = {
    None: [
        "/",
        "/?q=sensor",
        "/organisations/{a}/",
        "/partners/",
        "/partners/?q=sensor+calibration",
        "/partners/?q=logistics+ports&region=antwerpen",
        "/challenges/",
        "/challenges/{challenge}/",
        "/instruments/",
        "/instruments/compare/",
        "/instruments/tables/",
        "/instruments/calls/",
        "/instruments/calls/calendar/",
        "/instruments/wizard/",
        "/instruments/transparency/",
        "/instruments/{instrument}/",
        "/instruments/compare/?i={instrument}",
        "/vraag/",
        "/vraag/intermediaries/",
        "/vraag/intermediaries/{profile}/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
    ],
    "anna": [
        "/",
        "/organisations/{a}/",
        "/account/",
        "/my/organisations/",
        "/manage/organisations/new/",
        "/manage/organisations/{a}/",
        "/manage/organisations/{a}/edit/",
        "/manage/organisations/{a}/members/",
        "/manage/organisations/{a}/contacts/new/",
        "/manage/organisations/{a}/invitations/new/",
        "/organisations/{imported}/",
        "/organisations/{imported}/claim/",
        "/partners/?q=sensor",
        "/challenges/new/",
        "/challenges/mine/",
        "/challenges/{challenge}/",
        "/challenges/{challenge}/edit/",
        "/challenges/alerts/",
        "/challenges/notifications/",
        "/instruments/burden/",
        "/vraag/",
        "/vraag/cases/",
        "/vraag/cases/{case}/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/2fa/",
    ],
    "chloe": ["/challenges/{challenge}/", "/challenges/mine/"],
    "ivo": [
        "/vraag/inbox/{i}/",
        "/vraag/dashboard/",
        "/vraag/cases/{case}/",
        "/vraag/intermediaries/manage/{i}/",
    ],
    "cora": [
        "/challenges/moderation/",
        "/instruments/curate/import/",
        "/instruments/{instrument}/",
    ],
}


@pytest.mark.parametrize("persona", list(PAGES), ids=lambda p: p or "anonymous")
def test_pages_have_headers_and_no_inline_code(request, client_for, world, persona):
    client = client_for(request.getfixturevalue(persona) if persona else None)
    problems = {}
    for template in PAGES[persona]:
        if "{instrument}" in template and world["instrument"] is None:
            continue
        path = template.format(**world)
        response = client.get(path)
        if response.status_code != 200:
            problems[path] = [f"status {response.status_code}"]
            continue
        found = _page_problems(response)
        if found:
            problems[path] = found
    assert problems == {}


def test_wizard_result_has_headers_and_no_inline_code(client, world):
    response = client.post(
        "/instruments/wizard/",
        {
            "org_type": "company",
            "size_class": "small",
            "stage": "development",
            "budget": "800000",
            "theme": "energy storage",
            "region": "west_vlaanderen",
            "timing": "6",
            "partner_1_type": "knowledge_institution",
            "partner_1_country": "BE",
        },
    )
    assert response.status_code == 302
    result = client.get(response.url)
    assert result.status_code == 200
    assert _page_problems(result) == []


@pytest.mark.parametrize("path", ["/does-not-exist/", "/organisations/999999/"])
def test_error_pages_have_headers_and_no_inline_code(client, db, path):
    response = client.get(path)
    assert response.status_code == 404
    assert _page_problems(response) == []


def test_htmx_partials_have_headers_and_no_inline_code(client_for, world, anna):
    client = client_for(anna)
    for path in (
        "/?q=sensor",
        "/challenges/?q=sensor",
        "/instruments/transparency/rows/?dimension=organisation&value=x",
    ):
        response = client.get(path, headers={"HX-Request": "true"})
        assert response.status_code == 200, path
        assert _page_problems(response) == [], path


def test_api_and_downloads_have_nosniff(client_for, world, anna):
    for path in ("/api/v1/organisations", "/instruments/calls/deadlines.ics", "/healthz"):
        response = client_for(anna).get(path)
        assert response.status_code == 200, path
        assert response["X-Content-Type-Options"] == "nosniff", path
        assert "Content-Security-Policy" in response, path
