"""List pages run a fixed number of queries, whatever the number of rows (no N+1)."""

import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from loket.instruments.models import BurdenReport, Instrument
from loket.instruments.services import calls_import, catalogue_load
from loket.organisations.models import Organisation, Participation, Project

PAGES = {
    "/instruments/": 3,
    "/instruments/?level=flemish&target_group=small&historical=1": 3,
    "/instruments/calls/": 5,
    "/instruments/calls/?q=topic&programme=Horizon+Europe": 5,
    "/instruments/calls/calendar/": 4,
    "/instruments/transparency/": 5,
    "/instruments/transparency/rows/?dimension=org_type&value=PRC": 4,
    "/instruments/burden/": 8,
}


def _add_rows(n: int, *, start: int, anna) -> None:
    calls_import(
        lines=[
            json.dumps(
                {
                    "topicId": f"T-{start + i}",
                    "title": f"Topic {start + i}",
                    "callStatus": "open",
                    "deadline": f"2099-{(i % 12) + 1:02d}-01",
                    "programme": "Horizon Europe" if i % 2 else "LIFE",
                }
            )
            for i in range(n)
        ]
    )
    org = anna.memberships.get().organisation
    instruments = list(Instrument.objects.current()[:n])
    for i in range(n):
        project = Project.objects.create(
            cordis_id=f"P{start + i}",
            title=f"P{start + i}",
            programme="H2020",
            start_date=datetime.date(2015 + i % 5, 1, 1),
        )
        partner = Organisation.objects.create(
            name=f"Org {start + i}", org_type="company", country="BE", source="cordis"
        )
        for member in (partner, org):
            Participation.objects.create(
                project=project,
                organisation=member,
                role="participant",
                ec_contribution=Decimal(1000 + i),
                sme=bool(i % 2),
                activity_type="PRC",
                country="BE",
                nuts_code="BE251",
            )
        BurdenReport.objects.create(
            instrument=instruments[i % len(instruments)],
            organisation=org,
            reporter=anna,
            role="applicant",
            applied_on=datetime.date(2020 + i % 5, 3, 1),
            hours_spent=Decimal(10 + i),
            documents=3,
            days_to_decision=40,
        )


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.django_db
def test_list_pages_query_count_does_not_grow(client_for, anna, django_assert_max_num_queries):
    catalogue_load()
    client = client_for(anna)
    _add_rows(3, start=0, anna=anna)
    small = {url: _count(client, url) for url in PAGES}
    _add_rows(30, start=100, anna=anna)
    for url, limit in PAGES.items():
        with django_assert_max_num_queries(limit):
            response = client.get(url)
        assert response.status_code == 200
        assert _count(client, url) == small[url], url


@pytest.mark.django_db
def test_anonymous_list_pages_query_count(client, django_assert_max_num_queries):
    catalogue_load()
    for url, limit in PAGES.items():
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200
