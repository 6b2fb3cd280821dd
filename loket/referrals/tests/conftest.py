"""Referral fixtures: three intermediaries with staff; Acme (org A) is the West Flemish firm."""

import pytest

from loket.conftest import _user
from loket.organisations.models import Membership, Organisation, OrganisationType
from loket.referrals.models import IntermediaryProfile


@pytest.fixture(autouse=True)
def _immediate_tasks(settings, tmp_path):
    # E-mails and reminders run as django-tasks tasks; in tests they run at once (after commit).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Never the developer's real match index: routing tests build their own or run without one.
    from loket.matching.index import index_reset

    settings.LOKET_MATCH_INDEX_DIR = tmp_path / "no_match_index"
    index_reset()
    yield
    index_reset()


@pytest.fixture
def wvl_profile(org_intermediary) -> IntermediaryProfile:
    return IntermediaryProfile.objects.create(
        organisation=org_intermediary,
        services=["ip_licensing", "funding", "technology_scan", "prototyping"],
        target_groups=["sme", "startup"],
        instruments="KMO-portefeuille, innovatieprojecten",
        activities="Infosessie octrooien, elke eerste dinsdag",
        regions_served=["west_vlaanderen"],
        languages=["nl", "en"],
        response_days=3,
    )


@pytest.fixture
def org_tto(db) -> Organisation:
    return Organisation.objects.create(
        name="Tech Transfer Antwerpen",
        org_type=OrganisationType.INTERMEDIARY,
        intermediary_kind="technology_transfer",
        region="antwerpen",
        country="BE",
    )


@pytest.fixture
def tto_profile(org_tto) -> IntermediaryProfile:
    return IntermediaryProfile.objects.create(
        organisation=org_tto,
        services=["ip_licensing", "research", "partner_search"],
        target_groups=["sme", "large", "knowledge"],
        regions_served=["antwerpen", "limburg"],
        languages=["nl", "en", "fr"],
        response_days=5,
    )


@pytest.fixture
def org_support(db) -> Organisation:
    return Organisation.objects.create(
        name="Ondernemerspunt Brugge",
        org_type=OrganisationType.INTERMEDIARY,
        intermediary_kind="business_support",
        region="west_vlaanderen",
        country="BE",
    )


@pytest.fixture
def support_profile(org_support) -> IntermediaryProfile:
    return IntermediaryProfile.objects.create(
        organisation=org_support,
        services=["starting_up", "funding", "internationalisation"],
        target_groups=["startup", "sme"],
        regions_served=["west_vlaanderen"],
        languages=["nl"],
        response_days=5,
    )


@pytest.fixture
def tara(org_tto):
    """Staff of the Antwerp technology transfer office."""
    user = _user("tara@tto.example", first_name="Tara")
    Membership.objects.create(user=user, organisation=org_tto)
    return user


@pytest.fixture
def otto(org_support):
    """Staff of the Bruges business support office; never holds Acme's case in these tests."""
    user = _user("otto@ondernemerspunt.example", first_name="Otto")
    Membership.objects.create(user=user, organisation=org_support)
    return user


@pytest.fixture
def ines(org_intermediary):
    """Ivo's colleague at the West Flemish innovation centre."""
    user = _user("ines@innovatiecentrum.example", first_name="Ines")
    Membership.objects.create(user=user, organisation=org_intermediary)
    return user


@pytest.fixture
def profiles(wvl_profile, tto_profile, support_profile):
    return [wvl_profile, tto_profile, support_profile]


@pytest.fixture
def ida(org_intermediary):
    """Administrator of the West Flemish innovation centre (ivo is a plain member)."""
    from loket.organisations.models import MembershipRole

    user = _user("ida@innovatiecentrum.example", first_name="Ida")
    Membership.objects.create(user=user, organisation=org_intermediary, role=MembershipRole.ADMIN)
    return user


@pytest.fixture
def instruments(db):
    """Two current catalogue instruments and a historical one."""
    from loket.instruments.models import Funder, Instrument

    vlaio = Funder.objects.create(code="vlaio", name="VLAIO", level="flemish")
    return {
        "kmo": Instrument.objects.create(
            slug="kmo-portefeuille",
            name="KMO-portefeuille",
            funder=vlaio,
            level="flemish",
            category="subsidy",
            summary="Subsidie voor advies over octrooien, opleiding en digitalisering.",
        ),
        "innovation": Instrument.objects.create(
            slug="innovatieproject",
            name="Innovatieproject",
            funder=vlaio,
            level="flemish",
            category="subsidy",
            summary="Steun voor ontwikkelingsprojecten van bedrijven.",
        ),
        "old": Instrument.objects.create(
            slug="oude-premie",
            name="Oude premie",
            funder=vlaio,
            level="flemish",
            category="subsidy",
            is_historical=True,
        ),
    }
