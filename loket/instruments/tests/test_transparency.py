"""Transparency figures against sums computed straight from a fixture file."""

import csv
import datetime
import io
from collections import defaultdict
from decimal import Decimal

import pytest

from loket.instruments import transparency
from loket.organisations.models import Organisation, Participation, Project

FIXTURE = """projectID,programme,start,pic,name,activityType,SME,country,nutsCode,role,ecContribution
1,H2020,2021-03-01,100,Alpha,PRC,true,BE,BE251,coordinator,500000
1,H2020,2021-03-01,101,Beta Uni,HES,false,BE,BE211,participant,300000
1,H2020,2021-03-01,102,Gamma,PRC,true,DE,DE111,participant,200000
2,FP7,2014-01-01,100,Alpha,PRC,,BE,,participant,100000
2,FP7,2014-01-01,103,Delta,REC,,FR,,coordinator,400000
3,H2020,2022-05-01,104,Epsilon,PRC,false,BE,BE234,participant,250000
3,H2020,2022-05-01,105,Zeta,PUB,,NL,,coordinator,150000
"""


def load_fixture():
    rows = list(csv.DictReader(io.StringIO(FIXTURE)))
    for r in rows:
        project, _ = Project.objects.get_or_create(
            cordis_id=r["projectID"],
            defaults={
                "title": "P" + r["projectID"],
                "programme": r["programme"],
                "start_date": datetime.date.fromisoformat(r["start"]),
            },
        )
        org, _ = Organisation.objects.get_or_create(
            cordis_pic=r["pic"],
            defaults={
                "name": r["name"],
                "org_type": "company",
                "country": r["country"],
                "source": "cordis",
            },
        )
        Participation.objects.create(
            project=project,
            organisation=org,
            role=r["role"],
            ec_contribution=Decimal(r["ecContribution"]),
            sme={"true": True, "false": False}.get(r["SME"]),
            activity_type=r["activityType"],
            country=r["country"],
            nuts_code=r["nutsCode"],
        )
    return rows


def expected_sum(rows, key):
    sums = defaultdict(Decimal)
    for r in rows:
        if r["country"] == "BE":
            sums[key(r)] += Decimal(r["ecContribution"])
    return dict(sums)


@pytest.mark.django_db
def test_breakdowns_match_fixture_sums():
    rows = load_fixture()
    data = transparency.overview(country="BE")
    assert data["total"] == sum(Decimal(r["ecContribution"]) for r in rows if r["country"] == "BE")
    got = {
        d: {x["value"]: x["amount"] for x in data["breakdowns"][d]} for d in transparency.DIMENSIONS
    }
    assert got["org_type"] == expected_sum(rows, lambda r: r["activityType"])
    assert got["programme"] == expected_sum(rows, lambda r: r["programme"])
    assert got["year"] == expected_sum(rows, lambda r: r["start"][:4])
    assert got["sme"] == expected_sum(
        rows, lambda r: {"true": "sme", "false": "non_sme"}.get(r["SME"], "unknown")
    )
    assert got["province"] == {
        "west_vlaanderen": Decimal(500000),
        "antwerpen": Decimal(300000),
        "oost_vlaanderen": Decimal(250000),
        "unknown": Decimal(100000),
    }


@pytest.mark.django_db
def test_sme_share_concentration_collaboration():
    load_fixture()
    data = transparency.overview(country="BE")
    # SME-known BE rows: 500k SME, 300k + 250k non-SME.
    assert data["sme_share"]["share"] == pytest.approx(500000 / 1050000 * 100)
    top = data["concentration"]["top"]
    assert top[0]["name"] == "Alpha" and top[0]["amount"] == Decimal(600000)
    collab = data["collaboration"]
    assert collab["projects"] == 3
    assert collab["with_foreign_share"] == 100.0
    assert collab["coordinated_share"] == pytest.approx(33.3)


@pytest.mark.django_db
def test_drilldown_rows_sum_to_the_figure(client):
    load_fixture()
    rows = transparency.drilldown(dimension="org_type", value="PRC", country="BE")
    assert sum(r.ec_contribution for r in rows) == Decimal(850000)
    response = client.get("/instruments/transparency/rows/?dimension=org_type&value=PRC&country=BE")
    assert response.status_code == 200
    assert "850,000" in response.content.decode() or "850.000" in response.content.decode()
    csv_response = client.get("/instruments/transparency/?country=BE&format=csv")
    assert csv_response["Content-Type"].startswith("text/csv")
    assert b"org_type,PRC,850000" in csv_response.content
