import pytest

from loket.challenges import services
from loket.challenges.models import Confidentiality
from loket.conftest import _user
from loket.organisations.models import Membership, MembershipRole, Organisation, OrganisationType

DETAILS_MARKER = "ZQXDETAILS7731"
POSTER_MARKER = "ZQXPOSTER4410"


@pytest.fixture(autouse=True)
def _immediate_tasks_and_media(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://loket.example"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def poster_org(org_a):
    """Org A renamed so its name is a unique marker that must never leak."""
    org_a.name = f"Acme {POSTER_MARKER} Sensors"
    org_a.save(update_fields=["name"])
    return org_a


@pytest.fixture
def org_u(db):
    return Organisation.objects.create(
        name="Unrelated Bakery", org_type=OrganisationType.COMPANY, region="limburg", country="BE"
    )


@pytest.fixture
def dirk(org_u):
    user = _user("dirk@bakery.example", first_name="Dirk")
    Membership.objects.create(user=user, organisation=org_u, role=MembershipRole.ADMIN)
    return user


def make_item(*, user, organisation, confidentiality, invited=None, publish=True, **extra):
    data = {
        "kind": "challenge",
        "title": extra.pop("title", f"Sensor calibration {confidentiality}"),
        "teaser": extra.pop("teaser", "We look for a partner to calibrate sensors in cold rooms."),
        "details": extra.pop("details", f"Secret recipe {DETAILS_MARKER} at -18 degrees."),
        "confidentiality": confidentiality,
        "tags": extra.pop("tags", ["sensor", "cold"]),
        "partner_types": extra.pop("partner_types", []),
        "regions": extra.pop("regions", []),
        "languages": extra.pop("languages", ["nl"]),
        **extra,
    }
    challenge = services.challenge_create(
        user=user,
        organisation=organisation,
        data=data,
        invited=invited if confidentiality == Confidentiality.INVITED else None,
    )
    if publish:
        challenge = services.challenge_publish(user=user, challenge=challenge)
    return challenge
