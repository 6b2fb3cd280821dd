"""Route smoke test: every URL of config/urls.py answers its documented status per persona.

test_route_inventory.py checks that every view *declares* an access rule; this module requests
every route with concrete objects and checks the rule holds:

- the persona the "Access:" line names (anonymous for public pages) gets a 2xx, or the
  documented redirect (a POST action redirects back; a member page sends anonymous visitors to
  the login page);
- chloe (org B) gets 404 (or the documented 403) on org A's confidential objects, and no
  response to an outsider contains the marker written into A's confidential data;
- HTMX partials answer 2xx to a request with the HX-Request header;
- nothing answers 500: the client does not raise, so a server error fails with the route's
  name and the traceback.

ROUTES maps each route name to how to build its URL and what to expect. A route that is not in
ROUTES (nor in SKIPPED, with a reason) fails test_every_route_is_in_the_table: add it there.
The API (schemathesis, test_api_fuzz.py) and Django's admin are left to their own tests.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from loket.conftest import _user

MARKER = "ZQXSMOKE5512"  # written into org A's confidential data; never in an outsider's page
SECRET_WORD = "cryogenic"  # also in that data: outsiders search for it, the marker stays away

SKIPPED_PREFIXES = ("admin/", "api/")
SKIPPED = {
    "account_confirm_email": "allauth: needs a real e-mail confirmation key",
    "account_reset_password_from_key": "allauth: needs a real password-reset key",
}

PASSWORD = "correct horse battery staple"  # the personas' password (loket/conftest.py)
LOGIN = "login"  # expected answer: 302 to the login page
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from _walk(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            # Unnamed routes (favicon.ico) are known by their path.
            yield (namespace + pattern.name if pattern.name else route), route


def _routes() -> dict[str, str]:
    return {
        name: route
        for name, route in _walk(get_resolver().url_patterns)
        if not route.startswith(SKIPPED_PREFIXES)
    }


class World:
    """Org A's objects for one test, created only when a route asks for them."""

    def __init__(self, request: pytest.FixtureRequest) -> None:
        self._request = request

    def persona(self, name: str):
        if name == "dirk":
            return self.dirk
        if name == "dora":
            return self.dora
        return self._request.getfixturevalue(name)

    def confidential(self) -> None:
        """Everything of org A's that carries the marker, for the pages that list things."""
        for name in ("hidden_org", "item", "draft", "attachment", "alert", "api_token", "case"):
            getattr(self, name)

    # ------------------------------------------------------------------ people and organisations

    @cached_property
    def org_a(self):
        self.persona("anna")
        return self.persona("org_a")

    @cached_property
    def org_u(self):
        from loket.organisations.models import Organisation, OrganisationType

        return Organisation.objects.create(
            name="Unrelated Bakery", org_type=OrganisationType.COMPANY, country="BE"
        )

    @cached_property
    def dirk(self):
        """Admin of org U, which org A invites to its confidential items."""
        from loket.organisations.models import Membership, MembershipRole

        user = _user("dirk@bakery.example", first_name="Dirk")
        Membership.objects.create(user=user, organisation=self.org_u, role=MembershipRole.ADMIN)
        return user

    @cached_property
    def dora(self):
        """Has an account, not yet a member: invited to org A."""
        return _user("dora@example.org", first_name="Dora")

    @cached_property
    def hidden_org(self):
        """A hidden profile of which anna is the admin."""
        from loket.organisations.models import Membership, MembershipRole, Organisation

        organisation = Organisation.objects.create(
            name="Acme Skunkworks",
            org_type="company",
            country="BE",
            visibility="hidden",
            description=f"Stealth {SECRET_WORD} project {MARKER}.",
        )
        Membership.objects.create(
            user=self.persona("anna"), organisation=organisation, role=MembershipRole.ADMIN
        )
        return organisation

    @cached_property
    def cordis_org(self):
        from loket.organisations.models import Organisation

        return Organisation.objects.create(
            name="Imported Research Lab", org_type="research_centre", country="BE", source="cordis"
        )

    @cached_property
    def contact(self):
        from loket.organisations import services

        return services.contact_create(
            user=self.persona("anna"),
            organisation=self.org_a,
            # Contact persons of a public profile are shown to signed-in users: no marker.
            data={"name": "Carla Contact", "email": "contact@acme.example"},
        )

    @cached_property
    def bram_membership(self):
        self.persona("bram")
        return self.org_a.memberships.get(user__email="bram@acme.example")

    @cached_property
    def invitation(self):
        from loket.organisations import services

        self.dora  # noqa: B018 - the invitee has an account
        return services.membership_invite(
            user=self.persona("anna"), organisation=self.org_a, email="dora@example.org"
        )

    # ------------------------------------------------------------------ accounts

    @cached_property
    def anna_mfa(self):
        """Anna with an authenticator app and recovery codes (allauth's MFA pages need them)."""
        from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        anna = self.persona("anna")
        TOTP.activate(anna, generate_totp_secret())
        RecoveryCodes.activate(anna)
        return anna

    @cached_property
    def api_token(self):
        from loket.accounts.services import api_token_create

        return api_token_create(user=self.persona("anna"), name=f"token {MARKER}")[0]

    # ------------------------------------------------------------------ challenges

    def challenge(self, *, publish: bool = True, title: str = "Sensor calibration"):
        """An item of org A for invited org U only: chloe must not even see the teaser."""
        from loket.challenges import services

        challenge = services.challenge_create(
            user=self.persona("anna"),
            organisation=self.org_a,
            data={
                "kind": "challenge",
                "title": f"{title} {MARKER}",
                "teaser": f"We look for a {SECRET_WORD} sensor partner {MARKER}.",
                "details": f"Secret {SECRET_WORD} recipe {MARKER} at -18 degrees.",
                "confidentiality": "invited",
                "tags": ["sensor"],
                "partner_types": [],
                "regions": [],
                "languages": ["nl"],
            },
            invited=[self.org_u],
        )
        if publish:
            challenge = services.challenge_publish(user=self.persona("anna"), challenge=challenge)
        return challenge

    @cached_property
    def item(self):
        return self.challenge()

    @cached_property
    def draft(self):
        return self.challenge(publish=False, title="Draft item")

    @cached_property
    def attachment(self):
        from loket.challenges import services

        return services.attachment_store(
            user=self.persona("anna"),
            challenge=self.item,
            upload=SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf"),
        )

    def interest(self, *, decide: bool, nda_language: str = ""):
        """Org U's interest in its own item of org A (one interest per item and organisation)."""
        from loket.challenges import services

        interest = services.interest_create(
            user=self.dirk,
            challenge=self.challenge(title=f"Item for an interest {nda_language}"),
            organisation=self.org_u,
            message="We can help.",
        )
        if decide:
            interest = services.interest_decide(
                user=self.persona("anna"), interest=interest, accept=True, nda_language=nda_language
            )
        return interest

    @cached_property
    def alert(self):
        from loket.challenges import services

        return services.saved_search_create(
            user=self.persona("anna"),
            name=f"{SECRET_WORD} {MARKER}",
            query="sensor",
            organisation=self.org_a,
        )

    @cached_property
    def unsubscribe_token(self) -> str:
        from loket.challenges import services

        return services.unsubscribe_token(self.alert)

    # ------------------------------------------------------------------ instruments

    @cached_property
    def instrument(self):
        from loket.instruments.models import Funder, Instrument

        funder = Funder.objects.create(code="vlaio", name="VLAIO", level="flemish")
        return Instrument.objects.create(
            slug="kmo-portefeuille",
            name="KMO-portefeuille",
            funder=funder,
            level="flemish",
            category="subsidy",
            summary="Subsidie voor advies.",
        )

    @cached_property
    def call_topic(self):
        import datetime as dt

        from django.utils import timezone

        from loket.instruments.models import CallTopic

        return CallTopic.objects.create(
            topic_id="HORIZON-CL4-2027-01",
            title="Sensors for cold chains",
            programme="Horizon Europe",
            status="open",
            deadline=timezone.localdate() + dt.timedelta(days=30),
            imported_at=timezone.now(),
        )

    @cached_property
    def wizard_result(self):
        from loket.instruments.models import WizardResult

        return WizardResult.objects.create(answers={}, results=[])

    # ------------------------------------------------------------------ referrals

    @cached_property
    def profile(self):
        """The intermediary ivo works for, listed and accepting cases."""
        from loket.referrals.models import IntermediaryProfile

        self.persona("ivo")
        return IntermediaryProfile.objects.create(
            organisation=self.persona("org_intermediary"),
            services=["funding"],
            target_groups=["sme"],
            regions_served=["west_vlaanderen"],
            languages=["nl"],
            response_days=3,
        )

    @cached_property
    def case(self):
        """Anna's question for org A, held by ivo's intermediary."""
        from loket.referrals.services import case_open

        return case_open(
            question=f"How do we protect our {SECRET_WORD} sensor design {MARKER}?",
            user=self.persona("anna"),
            organisation=self.org_a,
            holder=self.profile.organisation,
            suggest=False,
        )

    @cached_property
    def visitor_case(self):
        from loket.referrals.services import case_open

        return case_open(
            question="Which subsidy fits a bakery?",
            holder=self.profile.organisation,
            visitor_email="visitor@example.org",
            contact_consent=True,
            suggest=False,
        )


@dataclass(frozen=True)
class Route:
    """How to call one route and what each persona gets.

    persona: who the "Access:" line lets in (None: anonymous); status: what they get.
    anonymous: what a visitor who is not signed in gets (LOGIN: 302 to the login page; None: not
    checked separately, e.g. because the persona is anonymous).
    outsider: what chloe (org B) gets on org A's confidential object (None: not confidential).
    member: what bram, a plain member of org A, gets where the rule names administrators only.
    """

    persona: str | None
    status: int = 200
    kwargs: Callable[[World], dict[str, Any]] = lambda w: {}
    method: str = "get"
    data: Callable[[World], dict[str, Any]] = lambda w: {}
    query: str = ""
    anonymous: int | str | None = LOGIN
    outsider: int | None = None
    member: int | None = None
    htmx: bool = False
    needs: tuple[str, ...] = ()  # objects a list page should have something to show
    get_status: int = 405  # what a GET of a POST action answers
    location: str = ""  # where the persona's redirect leads (a path prefix)
    recent_login: bool = False  # allauth asks to re-authenticate unless the login is recent


def _public(status: int = 200, **options: Any) -> Route:
    return Route(persona=None, status=status, anonymous=None, **options)


def _org(w: World) -> dict[str, Any]:
    return {"pk": w.org_a.pk}


def _item(w: World) -> dict[str, Any]:
    return {"pk": w.item.pk}


def _contact(w: World) -> dict[str, Any]:
    return {"pk": w.org_a.pk, "contact_pk": w.contact.pk}


def _membership(w: World) -> dict[str, Any]:
    return {"pk": w.org_a.pk, "membership_pk": w.bram_membership.pk}


def _attachment(w: World) -> dict[str, Any]:
    return {"pk": w.item.pk, "attachment_pk": w.attachment.pk}


ROUTES: dict[str, Route] = {
    # ---------------------------------------------------------------- organisations
    "organisations:directory": _public(htmx=True, query="q=sensor"),
    "organisations:organisation-detail": Route(
        "anna", kwargs=lambda w: {"pk": w.hidden_org.pk}, anonymous=404, outsider=404
    ),
    "organisations:organisation-mine": Route("anna"),
    "organisations:organisation-create": Route("anna"),
    "organisations:organisation-manage": Route("anna", kwargs=_org, outsider=404),
    "organisations:organisation-edit": Route("anna", kwargs=_org, outsider=404, member=403),
    "organisations:contact-create": Route("anna", kwargs=_org, outsider=404, member=403),
    "organisations:contact-edit": Route(
        "anna",
        kwargs=_contact,
        outsider=404,
        member=403,
    ),
    "organisations:contact-delete": Route(
        "anna",
        302,
        kwargs=_contact,
        method="post",
        outsider=404,
        member=403,
    ),
    "organisations:member-list": Route("anna", kwargs=_org, outsider=404),
    "organisations:member-role": Route(
        "anna",
        302,
        kwargs=_membership,
        method="post",
        data=lambda w: {"role": "admin"},
        outsider=404,
        member=403,
    ),
    "organisations:member-remove": Route(
        "anna",
        302,
        kwargs=_membership,
        method="post",
        outsider=404,
    ),
    "organisations:invitation-create": Route("anna", kwargs=_org, outsider=404, member=403),
    "organisations:invitation-revoke": Route(
        "anna",
        302,
        kwargs=lambda w: {"pk": w.org_a.pk, "invitation_pk": w.invitation[0].pk},
        method="post",
        outsider=404,
        member=403,
    ),
    # The token is the secret: whoever holds it sees the invitation; accepting needs the address.
    "organisations:invitation-accept": Route("dora", kwargs=lambda w: {"token": w.invitation[1]}),
    "organisations:organisation-claim": Route("anna", kwargs=lambda w: {"pk": w.cordis_org.pk}),
    # ---------------------------------------------------------------- accounts
    "accounts:account": Route("anna"),
    "accounts:language-update": Route(
        "anna", 302, method="post", data=lambda w: {"language": "en"}
    ),
    "accounts:token-create": Route("anna", method="post", data=lambda w: {"name": "laptop"}),
    "accounts:token-revoke": Route(
        "anna", 302, kwargs=lambda w: {"pk": w.api_token.pk}, method="post", outsider=404
    ),
    # ---------------------------------------------------------------- matching
    "matching:find-partners": _public(query="q=sensor+calibration"),
    "matching:feedback": _public(
        302,
        method="post",
        data=lambda w: {"need": "sensors", "organisation": w.org_a.pk, "verdict": "useful"},
    ),
    "matching:suggested-partners": Route(
        "anna", kwargs=lambda w: {"pk": w.hidden_org.pk}, anonymous=404, outsider=404, htmx=True
    ),
    # ---------------------------------------------------------------- challenges
    "challenges:challenge-list": _public(htmx=True, query="q=sensor"),
    "challenges:challenge-create": Route("anna"),
    "challenges:mine": Route("anna"),
    "challenges:moderation": Route("cora", outsider=404),
    "challenges:challenge-detail": Route("anna", kwargs=_item, anonymous=404, outsider=404),
    "challenges:challenge-edit": Route("anna", kwargs=_item, outsider=404),
    "challenges:challenge-publish": Route(
        "anna", 302, kwargs=lambda w: {"pk": w.draft.pk}, method="post", outsider=404
    ),
    "challenges:challenge-close": Route(
        "anna", 302, kwargs=_item, method="post", data=lambda w: {"reason": "withdrawn"}
    ),
    "challenges:challenge-report": Route(
        "dirk",
        302,
        kwargs=_item,
        method="post",
        data=lambda w: {"reason": "Looks like spam."},
        outsider=404,
    ),
    "challenges:challenge-moderate": Route(
        "cora",
        302,
        kwargs=_item,
        method="post",
        data=lambda w: {"action": "hide", "reason": "Off topic."},
        outsider=404,
    ),
    "challenges:attachment-upload": Route(
        "anna",
        302,
        kwargs=_item,
        method="post",
        data=lambda w: {"file": SimpleUploadedFile("plan.pdf", PDF)},
        outsider=404,
    ),
    "challenges:attachment-download": Route(
        "anna",
        kwargs=_attachment,
        anonymous=404,
        outsider=404,
    ),
    "challenges:attachment-delete": Route(
        "anna",
        302,
        kwargs=_attachment,
        method="post",
        outsider=404,
    ),
    "challenges:interest-create": Route(
        "dirk",
        302,
        kwargs=_item,
        method="post",
        data=lambda w: {"organisation": w.org_u.pk, "message": "We can help."},
        outsider=404,
    ),
    "challenges:interest-decide": Route(
        "anna",
        302,
        kwargs=lambda w: {"pk": w.interest(decide=False).pk},
        method="post",
        data=lambda w: {"decision": "accept", "nda_language": "nl"},
        outsider=404,
    ),
    "challenges:interest-nda": Route(
        "anna", kwargs=lambda w: {"pk": w.interest(decide=True, nda_language="nl").pk}, outsider=404
    ),
    "challenges:interest-conversation": Route(
        "anna", kwargs=lambda w: {"pk": w.interest(decide=True).pk}, outsider=404, htmx=True
    ),
    "challenges:alerts": Route("anna"),
    "challenges:alert-delete": Route(
        "anna", 302, kwargs=lambda w: {"pk": w.alert.pk}, method="post", outsider=404
    ),
    "challenges:alert-unsubscribe": _public(kwargs=lambda w: {"token": w.unsubscribe_token}),
    "challenges:notifications": Route("anna"),
    "challenges:notifications-read": Route("anna", 302, method="post"),
    # ---------------------------------------------------------------- instruments
    "instruments:catalogue": _public(),
    "instruments:compare": _public(query="i=kmo-portefeuille", needs=("instrument",)),
    "instruments:tables": _public(),
    "instruments:calls": _public(),
    "instruments:calendar": _public(),
    "instruments:calendar-feed": _public(),
    "instruments:call-detail": _public(kwargs=lambda w: {"topic_id": w.call_topic.topic_id}),
    "instruments:wizard": _public(),
    "instruments:wizard-result": _public(kwargs=lambda w: {"token": w.wizard_result.token}),
    "instruments:transparency": _public(),
    "instruments:transparency-rows": _public(query="dimension=programme&value=H2020"),
    "instruments:burden": _public(),
    "instruments:curator-export": Route(
        "cora", kwargs=lambda w: {"fmt": "csv"}, anonymous=404, outsider=404
    ),
    "instruments:curator-import": Route("cora", anonymous=404, outsider=404),
    "instruments:instrument-detail": _public(kwargs=lambda w: {"slug": w.instrument.slug}),
    # ---------------------------------------------------------------- referrals
    "referrals:ask": _public(),
    "referrals:intermediary-list": _public(needs=("profile",)),
    "referrals:intermediary-detail": _public(kwargs=lambda w: {"pk": w.profile.pk}),
    "referrals:intermediary-profile-edit": Route(
        "ivo", kwargs=lambda w: {"org_pk": w.profile.organisation_id}, outsider=404
    ),
    "referrals:case-list": Route("anna", needs=("case",)),
    "referrals:case-detail": Route(
        "anna", kwargs=lambda w: {"pk": w.case.pk}, anonymous=404, outsider=404
    ),
    "referrals:case-action": Route(
        "ivo",
        302,
        kwargs=lambda w: {"pk": w.case.pk, "action": "note"},
        method="post",
        data=lambda w: {"message": "Call them on Monday."},
        outsider=404,
    ),
    "referrals:case-visitor": _public(
        kwargs=lambda w: {"pk": w.visitor_case.pk, "token": w.visitor_case.access_token()}
    ),
    "referrals:case-visitor-action": _public(
        302,
        kwargs=lambda w: {
            "pk": w.visitor_case.pk,
            "token": w.visitor_case.access_token(),
            "action": "consent",
        },
        method="post",
    ),
    # The inbox sends staff to their first intermediary's inbox.
    "referrals:inbox": Route("ivo", 302, needs=("case",), outsider=404),
    "referrals:inbox-org": Route(
        "ivo", kwargs=lambda w: {"org_pk": w.case.holder_id}, outsider=404
    ),
    "referrals:dashboard": Route("ivo", needs=("case",), outsider=404),
    "referrals:dashboard-export": Route("ivo", needs=("case",), outsider=404),
    # ---------------------------------------------------------------- lib, i18n
    "healthz": _public(),
    "favicon.ico": _public(302),
    # Django's set_language also answers a GET, with a redirect that changes nothing.
    "set_language": _public(
        302, method="post", data=lambda w: {"language": "en", "next": "/"}, get_status=302
    ),
    # ---------------------------------------------------------------- allauth (its own access)
    "account_login": _public(),
    "account_signup": _public(),
    "account_logout": Route("anna", anonymous=302),
    "account_inactive": _public(),
    "account_reauthenticate": Route("anna"),
    "account_email": Route("anna"),
    "account_email_verification_sent": _public(),
    "account_change_password": Route("anna"),
    # Anna has a password: allauth sends her to the change form.
    "account_set_password": Route("anna", 302, location="/accounts/password/change/"),
    "account_reset_password": _public(),
    "account_reset_password_done": _public(),
    "account_reset_password_from_key_done": _public(),
    # Without a login in progress, the code and second-factor steps go back to the login page.
    "account_confirm_login_code": _public(302, location="/accounts/login/"),
    "mfa_authenticate": _public(302, location="/accounts/login/"),
    "mfa_index": Route("anna"),
    "mfa_reauthenticate": Route("anna", needs=("anna_mfa",)),
    "mfa_activate_totp": Route("anna", recent_login=True),
    "mfa_deactivate_totp": Route("anna", needs=("anna_mfa",), recent_login=True),
    "mfa_view_recovery_codes": Route("anna", needs=("anna_mfa",), recent_login=True),
    "mfa_generate_recovery_codes": Route("anna", needs=("anna_mfa",), recent_login=True),
    "mfa_download_recovery_codes": Route("anna", needs=("anna_mfa",), recent_login=True),
}


def _client(user=None, *, recent_login: bool = False) -> Client:
    # Not raising: a server error becomes an assertion naming the route, with its traceback.
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    if recent_login:
        # force_login leaves no trace of a password login: confirm the password the way a
        # user does when allauth asks for it.
        response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        assert response.status_code == 302, "re-authentication failed"
    return client


def _call(
    name: str,
    spec: Route,
    client: Client,
    url: str,
    world: World,
    method: str,
    headers=None,
    query: str | None = None,
):
    call = getattr(client, method)
    if method == "post":
        response = call(url, data=spec.data(world), headers=headers)
    else:
        query = spec.query if query is None else query
        response = call(url + (f"?{query}" if query else ""), headers=headers)
    if response.status_code >= 500:
        exc = getattr(response, "exc_info", None)
        detail = "".join(traceback.format_exception(*exc)) if exc else ""
        pytest.fail(f"{name}: {method.upper()} {url} answered {response.status_code}\n{detail}")
    return response


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _check(name: str, response, expected: int | str, who: str, location: str = "") -> None:
    where = f"{name} as {who}: {response.request['REQUEST_METHOD']} {response.request['PATH_INFO']}"
    if expected == LOGIN:
        assert response.status_code == 302, f"{where} answered {response.status_code}, not 302"
        assert response["Location"].startswith(reverse("account_login")), (
            f"{where} redirects to {response['Location']}, not to the login page"
        )
        return
    assert response.status_code == expected, (
        f"{where} answered {response.status_code}, expected {expected}"
    )
    if location:
        assert response["Location"].startswith(location), (
            f"{where} redirects to {response['Location']}, not to {location}"
        )
    elif response.status_code == 302 and who != "anonymous":
        # A signed-in persona's documented redirect is never the way to the login page.
        assert not response["Location"].startswith(reverse("account_login")), (
            f"{where} sent a signed-in user to {response['Location']}"
        )


@pytest.fixture
def world(request, db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.LOKET_MATCH_ENCODER = "test-hashing"
    from loket.matching.encoders import HashingEncoder, encoder_register

    encoder_register("test-hashing", HashingEncoder(dim=64))
    return World(request)


def test_every_route_is_in_the_table():
    names = [
        name
        for name, route in _walk(get_resolver().url_patterns)
        if not route.startswith(SKIPPED_PREFIXES)
    ]
    # The table is keyed by name: a second route under a taken name would go untested.
    assert sorted({n for n in names if names.count(n) > 1}) == [], "route names used twice"
    routes = _routes()
    missing = sorted(set(routes) - set(ROUTES) - set(SKIPPED))
    assert missing == [], (
        "routes without a smoke test: add them to ROUTES in loket/lib/tests/test_route_smoke.py "
        "(who may see them, how to build their URL, what an outsider gets): "
        + ", ".join(f"{name} ({routes[name]})" for name in missing)
    )
    stale = sorted((set(ROUTES) | set(SKIPPED)) - set(routes))
    assert stale == [], f"ROUTES/SKIPPED name routes that no longer exist: {stale}"


def test_the_walk_finds_nested_and_namespaced_routes():
    routes = _routes()
    # A walk that missed includes or namespaces would let the inventory pass vacuously.
    assert "organisations:directory" in routes
    assert "referrals:case-visitor-action" in routes
    assert "account_login" in routes
    assert "favicon.ico" in routes
    assert len(routes) >= 80


def _url(name: str, spec: Route, world: World) -> str:
    route = _routes()[name]
    return "/" + route if name == route else reverse(name, kwargs=spec.kwargs(world))


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_route_answers_its_documented_status(name, world):
    spec = ROUTES[name]
    for needed in spec.needs:
        getattr(world, needed)
    url = _url(name, spec, world)
    world_user = world.persona(spec.persona) if spec.persona else None
    leaks = []

    # Outsiders first: a refused write must leave the object for the owner's request below.
    if spec.anonymous is not None:
        response = _call(name, spec, _client(), url, world, spec.method)
        _check(name, response, spec.anonymous, "anonymous")
        if MARKER.encode() in _body(response):
            leaks.append("anonymous")
    if spec.outsider is not None:
        response = _call(name, spec, _client(world.persona("chloe")), url, world, spec.method)
        _check(name, response, spec.outsider, "chloe (org B)")
        if MARKER.encode() in _body(response):
            leaks.append("chloe")
    assert leaks == [], f"{name}: org A's confidential marker shown to {leaks}"
    if spec.member is not None:
        response = _call(name, spec, _client(world.persona("bram")), url, world, spec.method)
        _check(name, response, spec.member, "bram (member of org A)")

    owner = _client(world_user, recent_login=spec.recent_login)
    who = spec.persona or "anonymous"
    if spec.method == "post":
        # A POST action is not a page: a GET changes nothing and says so.
        _check(name, _call(name, spec, owner, url, world, "get"), spec.get_status, who)
    if spec.htmx:
        response = _call(name, spec, owner, url, world, "get", {"HX-Request": "true"})
        assert 200 <= response.status_code < 300, f"{name} (HTMX) answered {response.status_code}"
        assert b"<html" not in _body(response).lower(), f"{name} (HTMX) sent a whole page"
    response = _call(name, spec, owner, url, world, spec.method)
    _check(name, response, spec.status, who, spec.location)


# Routes with an outsider check already refuse chloe and anonymous visitors on A's objects.
SWEPT = sorted(n for n, spec in ROUTES.items() if spec.method == "get" and spec.outsider is None)


@pytest.mark.parametrize("name", SWEPT)
def test_outsiders_never_see_org_a_confidential_data(
    name, world, django_capture_on_commit_callbacks
):
    """Every page, also lists, searches and HTMX fragments, as chloe and as an anonymous visitor,
    with all of org A's marked objects in the database and a search for their secret word."""
    spec = ROUTES[name]
    # Search documents, notifications and mails follow on commit: let them happen.
    with django_capture_on_commit_callbacks(execute=True):
        world.confidential()
    url = _url(name, spec, world)
    seen = []
    for who, client in (("anonymous", _client()), ("chloe", _client(world.persona("chloe")))):
        # Pages of one object get one request; lists and searches also the plain list and a
        # search for the secret word.
        queries = [spec.query] if spec.kwargs(world) else ["", spec.query, f"q={SECRET_WORD}"]
        for query in dict.fromkeys(queries):
            for headers in [None, {"HX-Request": "true"}] if spec.htmx else [None]:
                response = _call(name, spec, client, url, world, "get", headers, query)
                if MARKER.encode() in _body(response):
                    seen.append(f"{who}: GET {url}?{query} {headers or ''}")
    assert seen == [], f"{name}: org A's confidential marker shown to outsiders: {seen}"
