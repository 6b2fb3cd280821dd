"""Schemathesis over the whole API, in-process through the WSGI app.

Every operation of /api/v1/openapi.json gets ~25 generated requests (derandomised, so a failure
reproduces) sent with anna's API token against a small database: three organisations, a published
challenge, a case. Pass bar: no 5xx, and responses conform to the documented schema.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from loket.instruments.models import Instrument

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

FUZZ_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def _keep_test_connection():
    """Like Django's test client: the WSGI app must not close the connection between requests.

    Schemathesis calls the WSGI app directly, whose request signals run close_old_connections;
    inside the test's transaction that closes the PostgreSQL connection (SQLite ignores it).
    """
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_world(
    _keep_test_connection, settings, anna, bram, chloe, ivo, cora, org_a, org_b, org_intermediary
):
    """A few personas, a published challenge of org A and a case; returns anna's token."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.LOKET_MATCH_ENCODER = "test-hashing"
    from loket.accounts.services import api_token_create
    from loket.challenges import services as challenge_services
    from loket.matching.encoders import HashingEncoder, encoder_register
    from loket.matching.index import index_build, index_reset
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
            "partner_types": [],
            "regions": [],
            "languages": ["nl"],
        },
    )
    challenge = challenge_services.challenge_publish(user=anna, challenge=challenge)
    interest = challenge_services.interest_create(
        user=chloe, challenge=challenge, organisation=org_b, message="We calibrate sensors."
    )
    IntermediaryProfile.objects.create(
        organisation=org_intermediary,
        services=["funding", "prototyping"],
        target_groups=["sme"],
        regions_served=["west_vlaanderen"],
        languages=["nl", "en"],
        response_days=5,
    )
    case = case_open(
        question="Who can help us calibrate sensors?",
        user=anna,
        organisation=org_a,
        holder=org_intermediary,
    )
    # Without an index matching answers 503 by design; the fuzzer should reach the ranking code.
    encoder_register("test-hashing", HashingEncoder(dim=64))
    index_build()
    index_reset()
    _, token = api_token_create(user=anna, name="fuzz")
    instrument = Instrument.objects.order_by("pk").first()
    return {
        "token": token,
        "ids": {
            "/challenges/interests/{pk}": interest.pk,
            "/challenges/{pk}": challenge.pk,
            "/organisations/{pk}": org_a.pk,
            "/cases/{case_id}": case.pk,
            "/instruments/{slug}": instrument.slug if instrument else "none",
        },
    }


def _aim_at_real_objects(case, ids: dict) -> None:
    """Even generated ids (and 0) are swapped for a real object's, so rules past the lookup run.

    Odd ones stay as generated, so the 404 paths are exercised as well.
    """
    for name, value in (case.path_parameters or {}).items():
        if isinstance(value, bool) or not isinstance(value, int | str):
            continue
        if (value if isinstance(value, int) else len(value)) % 2:
            continue
        for fragment, real in ids.items():
            if fragment in case.operation.path and fragment.endswith(f"{{{name}}}"):
                case.path_parameters[name] = real
                break


@pytest.mark.django_db
@schema.parametrize()
@FUZZ_SETTINGS
def test_api_operation_never_errors(case, fuzz_world):
    _aim_at_real_objects(case, fuzz_world["ids"])
    case.call_and_validate(
        headers={"Authorization": f"Bearer {fuzz_world['token']}"},
        checks=[
            schemathesis.checks.not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )


@pytest.mark.parametrize(
    "query",
    ["limit=117732303538405825839104", "offset=117732303538405825839104", "limit=0", "offset=-1"],
)
def test_out_of_range_pagination_is_422(client, db, query):
    """Found by the fuzzer: a limit beyond 64 bits reached SQLite as a datatype mismatch (500)."""
    for path in ("/api/v1/instruments/", "/api/v1/instruments/calls"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 422, (path, query)
        assert response.json()["detail"]
