import pytest

from loket.matching.encoders import HashingEncoder, encoder_register
from loket.matching.index import index_build, index_reset
from loket.organisations.models import Organisation, OrganisationType, Participation, Project

HIDDEN_MARKER = "zeldzaamgeheimwoord"


@pytest.fixture
def match_settings(settings, tmp_path):
    settings.LOKET_MATCH_INDEX_DIR = tmp_path / "match_index"
    settings.LOKET_MATCH_ENCODER = "test-hashing"
    encoder_register("test-hashing", HashingEncoder(dim=64))
    index_reset()
    yield settings
    index_reset()


@pytest.fixture
def match_world(match_settings, org_a, org_b):
    """Acme (org A) seeks; a public university, a members-only lab, a hidden company whose
    profile carries a marker word, and a project linking Acme, the university and Beta."""
    uni = Organisation.objects.create(
        name="Universiteit Voedselkwaliteit",
        org_type=OrganisationType.KNOWLEDGE_INSTITUTION,
        country="BE",
        region="oost_vlaanderen",
        description="Machine learning for food quality inspection and spectroscopy.",
        cordis_pic="999000001",
    )
    lab = Organisation.objects.create(
        name="Members Lab",
        org_type=OrganisationType.RESEARCH_CENTRE,
        country="BE",
        visibility="members",
        description="Spectroscopy for food contamination detection.",
    )
    hidden = Organisation.objects.create(
        name="Hidden Food Sensors",
        org_type=OrganisationType.COMPANY,
        country="BE",
        visibility="hidden",
        description=f"Food quality spectroscopy sensors {HIDDEN_MARKER}.",
    )
    project = Project.objects.create(
        cordis_id="1", title="Food quality project", programme="H2020", topics="FOOD-01"
    )
    for organisation in (org_a, uni, org_b):
        Participation.objects.create(project=project, organisation=organisation, role="participant")
    index_build()
    index_reset()
    return {"uni": uni, "lab": lab, "hidden": hidden}
