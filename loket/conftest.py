"""Personas shared by every app's tests.

anna: admin of Acme (org A); bram: member of Acme; chloe: member of Beta (org B) and must see
nothing confidential of Acme; ivo: staff of an intermediary; cora: platform curator (staff).
"""

import os

import pytest
from django.test import Client

from loket.accounts.models import User
from loket.organisations.models import Membership, MembershipRole, Organisation, OrganisationType

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(autouse=True)
def _isolated_state(settings, tmp_path):
    """Tests never write into var/: uploads and the match index go to a temporary folder."""
    from loket.matching.index import index_reset

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LOKET_MATCH_INDEX_DIR = tmp_path / "match_index"
    index_reset()
    # Cached figures (directory facet counts) must not outlive the test database's rollback.
    from django.core.cache import cache

    cache.clear()
    yield
    index_reset()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 at production cost dominates the suite's run time; hashing itself is Django's.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _user(email: str, **extra: object) -> User:
    user = User.objects.create_user(email=email, password="correct horse battery staple", **extra)
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def org_a(db) -> Organisation:
    return Organisation.objects.create(
        name="Acme Sensors",
        org_type=OrganisationType.COMPANY,
        size_class="small",
        region="west_vlaanderen",
        country="BE",
        description="Wij ontwikkelen slimme sensoren voor de voedingsindustrie.",
    )


@pytest.fixture
def org_b(db) -> Organisation:
    return Organisation.objects.create(
        name="Beta Logistics",
        org_type=OrganisationType.COMPANY,
        size_class="medium",
        region="antwerpen",
        country="BE",
        description="Logistics services for ports.",
    )


@pytest.fixture
def org_intermediary(db) -> Organisation:
    return Organisation.objects.create(
        name="Innovatiecentrum West-Vlaanderen",
        org_type=OrganisationType.INTERMEDIARY,
        intermediary_kind="innovation_centre",
        region="west_vlaanderen",
        country="BE",
    )


@pytest.fixture
def anna(org_a) -> User:
    user = _user("anna@acme.example", first_name="Anna")
    Membership.objects.create(user=user, organisation=org_a, role=MembershipRole.ADMIN)
    return user


@pytest.fixture
def bram(org_a) -> User:
    user = _user("bram@acme.example", first_name="Bram")
    Membership.objects.create(user=user, organisation=org_a, role=MembershipRole.MEMBER)
    return user


@pytest.fixture
def chloe(org_b) -> User:
    user = _user("chloe@beta.example", first_name="Chloe")
    Membership.objects.create(user=user, organisation=org_b, role=MembershipRole.ADMIN)
    return user


@pytest.fixture
def ivo(org_intermediary) -> User:
    user = _user("ivo@innovatiecentrum.example", first_name="Ivo")
    Membership.objects.create(user=user, organisation=org_intermediary, role=MembershipRole.MEMBER)
    return user


@pytest.fixture
def cora(db) -> User:
    return _user("cora@loket.example", first_name="Cora", is_staff=True)


def _client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def client_for():
    return _client_for


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium_browser():
    """Debian's Chromium driven by Playwright; skipped where it is not installed."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium_browser, live_server):
    context = chromium_browser.new_context(base_url=live_server.url, locale="nl-BE")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
