"""bootstrap_demo: first start imports CORDIS and creates demo logins; later starts only print them."""

import io
import json
import shutil
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from loket.accounts.models import User
from loket.organisations.demo import DEMO_CURATOR_EMAIL, DEMO_USER_EMAIL
from loket.organisations.models import Membership, MembershipRole, Organisation, Project

FIXTURES = Path(__file__).parent / "fixtures" / "cordis"

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_dirs(settings, tmp_path):
    settings.LOKET_DATA_DIR = tmp_path / "data"
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()
    return tmp_path


def _bootstrap() -> str:
    out = io.StringIO()
    call_command("bootstrap_demo", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _passwords(var_dir: Path) -> dict[str, str]:
    return json.loads((var_dir / "demo_logins.json").read_text())


def test_first_run_imports_and_creates_demo_logins_second_run_only_prints(demo_dirs, settings):
    shutil.copytree(FIXTURES, demo_dirs / "data" / "cordis")

    first = _bootstrap()

    assert Project.objects.count() == 5
    assert "Projects: 5 created" in first
    passwords = _passwords(settings.VAR_DIR)
    assert (settings.VAR_DIR / "demo_logins.json").stat().st_mode & 0o077 == 0
    for email in (DEMO_USER_EMAIL, DEMO_CURATOR_EMAIL):
        assert f"{email}" in first
        assert passwords[email] in first
        assert authenticate(email=email, password=passwords[email]) is not None
        assert EmailAddress.objects.filter(email=email, verified=True, primary=True).exists()
    demo = User.objects.get(email=DEMO_USER_EMAIL)
    membership = Membership.objects.get(user=demo)
    assert membership.role == MembershipRole.ADMIN
    organisation = membership.organisation
    assert (organisation.region, organisation.is_sme, organisation.country) == (
        "west_vlaanderen",
        True,
        "BE",
    )
    assert "vlas" in organisation.description
    assert organisation.search_document
    curator = User.objects.get(email=DEMO_CURATOR_EMAIL)
    assert curator.is_staff
    assert not curator.memberships.exists()

    # The data folder disappears: a second run must not even look for it.
    shutil.rmtree(demo_dirs / "data")
    second = _bootstrap()

    assert "already imported" in second
    assert "No CORDIS data" not in second
    assert Project.objects.count() == 5
    assert User.objects.count() == 2
    assert Organisation.objects.filter(name=organisation.name).count() == 1
    assert Membership.objects.count() == 1
    assert _passwords(settings.VAR_DIR) == passwords
    assert passwords[DEMO_USER_EMAIL] in second


def test_edited_demo_profile_and_changed_password_survive_a_restart(demo_dirs, settings):
    _bootstrap()
    organisations_after_first_start = Organisation.objects.count()
    password = _passwords(settings.VAR_DIR)[DEMO_USER_EMAIL]
    demo = User.objects.get(email=DEMO_USER_EMAIL)
    demo.set_password("something else entirely")
    demo.save()
    Organisation.objects.filter(memberships__user=demo).update(name="Vandewalle Vlas BV")

    out = _bootstrap()

    assert authenticate(email=DEMO_USER_EMAIL, password=password) is not None
    assert Organisation.objects.get(memberships__user=demo).name == "Vandewalle Vlas BV"
    # The renamed demo organisation is not created a second time.
    assert Organisation.objects.count() == organisations_after_first_start
    assert "admin of Vandewalle Vlas BV" in out


def test_without_data_it_explains_where_to_put_it_and_continues(demo_dirs):
    out = _bootstrap()

    assert "No CORDIS data" in out
    assert "LOKET_DATA_DIR" in out
    assert "h2020_participations.csv.gz" in out
    assert not Project.objects.exists()
    assert User.objects.filter(email=DEMO_USER_EMAIL).exists()


def test_refused_in_production(demo_dirs, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="not in production"):
        _bootstrap()
    assert not User.objects.exists()
