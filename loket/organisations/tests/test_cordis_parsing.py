"""The pure CORDIS parsing layer: no database, plain functions."""

import csv
import gzip
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from loket.organisations import cordis

FIXTURES = Path(__file__).parent / "fixtures" / "cordis"
PROJECT = {
    "id": "101000001",
    "acronym": "FLAX",
    "title": "\nFlax   fibre composites",
    "objective": "Objective text.",
    "startDate": "2019-01-01",
    "endDate": "2022-12-31",
    "frameworkProgramme": "H2020",
    "topics": "LC-GV-2018",
    "topicDescription": "Lightweight materials",
    "fundingScheme": "RIA",
    "thematicPriority": "Transport",
    "typeOfAction": "Research and Innovation action",
    "totalCost": "3000000",
    "ecMaxContribution": "2800000",
    "euContributionDashboard": "",
    "hasParticipationData": "true",
}
PARTICIPATION = {
    "projectID": "101000001",
    "organisationID": "999900001",
    "name": "KATHOLIEKE UNIVERSITEIT LEUVEN",
    "shortName": "KU Leuven",
    "activityType": "HES",
    "SME": "",
    "role": "coordinator",
    "country": "BE",
    "nutsCode": "BE242",
    "city": "Leuven",
    "ecContribution": "1200000.125",
    "netEcContribution": "",
    "organizationURL": "www.kuleuven.be",
}


def test_project_row_is_parsed_and_cleaned():
    row = cordis.parse_project(PROJECT, default_programme="FP7")
    assert row.cordis_id == "101000001"
    assert row.title == "Flax fibre composites"
    assert row.programme == "H2020"
    assert row.start_date == date(2019, 1, 1)
    assert row.eu_contribution == Decimal("2800000.00")  # falls back to ecMaxContribution
    assert row.has_participation_data is True


def test_project_programme_defaults_to_the_file_and_title_to_acronym():
    row = cordis.parse_project(
        {**PROJECT, "frameworkProgramme": "", "title": ""}, default_programme="FP7"
    )
    assert row.programme == "FP7"
    assert row.title == "FLAX"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"id": "12a"}, "invalid project id"),
        ({"startDate": "2019-02-30"}, "invalid startDate"),
        ({"endDate": "2018-01-01"}, "before startDate"),
        ({"frameworkProgramme": "FP9"}, "unknown framework programme"),
        ({"totalCost": "-5"}, "totalCost out of range"),
        ({"totalCost": "1e20"}, "totalCost out of range"),
        ({"euContributionDashboard": "NaN"}, "out of range"),
    ],
)
def test_malformed_project_values_are_refused_with_a_reason(change, reason):
    with pytest.raises(cordis.RowError, match=reason):
        cordis.parse_project({**PROJECT, **change}, default_programme="H2020")


def test_participation_row_is_parsed():
    row = cordis.parse_participation(PARTICIPATION)
    assert row.pic == "999900001"
    assert row.ec_contribution == Decimal("1200000.13")
    assert row.net_ec_contribution is None
    assert row.sme is None
    assert row.website == "https://www.kuleuven.be"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"role": "boss"}, "unknown role"),
        ({"organisationID": "PIC1"}, "invalid organisation PIC"),
        ({"ecContribution": "12,5k"}, "invalid ecContribution"),
        ({"SME": "maybe"}, "invalid SME"),
        ({"country": "FI;SE"}, "invalid country"),
        ({"nutsCode": "be-242"}, "invalid NUTS code"),
        ({"activityType": "XYZ"}, "invalid activity type"),
    ],
)
def test_malformed_participation_values_are_refused(change, reason):
    with pytest.raises(cordis.RowError, match=reason):
        cordis.parse_participation({**PARTICIPATION, **change})


def test_countries_become_iso_codes():
    assert cordis.normalise_country("UK") == "GB"
    assert cordis.normalise_country("EL") == "GR"
    assert cordis.normalise_country("FI;FI") == "FI"
    assert cordis.normalise_country("NA") == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("www.liu.se", "https://www.liu.se"),
        ("http://www.UNIZH.ch", "http://www.unizh.ch"),
        ("https://www.ukri.org/", "https://www.ukri.org/"),
        ("HTTPS://Example.be/path?q=1#frag", "https://example.be/path?q=1"),
        ("mailto:info@example.fr", ""),
        ("info@example.fr", ""),
        ("javascript:alert(1)", ""),
        ("ftp://files.example.org", ""),
        ("not a url", ""),
        ("http://localhost", ""),
        ("http://user:pw@example.org", ""),
        ("", ""),
        ("NA", ""),
    ],
)
def test_websites_are_normalised_or_dropped(value, expected):
    assert cordis.normalise_url(value) == expected


def test_profile_text_puts_recent_titles_first_then_objectives_and_caps_length():
    projects = [
        cordis.ProfileProject("Old project", "Old objective.", "Topic A", date(2010, 1, 1)),
        cordis.ProfileProject("New project", "New objective.", "Topic B", date(2021, 1, 1)),
        cordis.ProfileProject("Undated project", "", "Topic A", None),
    ]
    text = cordis.build_profile_text(projects)
    assert text.splitlines() == [
        "New project (Topic B)",
        "Old project (Topic A)",
        "Undated project",
        "New objective.",
        "Old objective.",
    ]
    many = [
        cordis.ProfileProject(
            f"Project number {i} " + "word " * 40, "", "", date(2000 + i % 20, 1, 1)
        )
        for i in range(200)
    ]
    capped = cordis.build_profile_text(many, limit=4000)
    assert len(capped) <= 4000
    assert capped.endswith("…")
    assert cordis.build_profile_text([]) == ""


def _write_gz(path: Path, text: str) -> Path:
    with gzip.open(path, "wt", encoding="utf-8", newline="") as handle:
        handle.write(text)
    return path


def test_read_rows_reports_physical_line_numbers_and_skips_bad_rows(tmp_path):
    path = _write_gz(
        tmp_path / "h2020_participations.csv.gz",
        "projectID,organisationID,role,ecContribution,name\n"
        '1,100,coordinator,10,"A name\nspanning two lines"\n'
        "2,101,boss,10,B\n"
        "3,102,participant\n"
        "4,103,participant,10,D,extra\n"
        "5,104,participant,10,E\n",
    )
    issues: list[cordis.RowIssue] = []
    rows = list(
        cordis.read_rows(path, cordis.parse_participation, cordis.PARTICIPATION_COLUMNS, issues)
    )
    assert [(line, row.project_id) for line, row in rows] == [(2, "1"), (7, "5")]
    assert [str(issue) for issue in issues] == [
        "h2020_participations.csv.gz:4: unknown role 'boss'",
        "h2020_participations.csv.gz:5: fewer fields than the header has columns",
        "h2020_participations.csv.gz:6: more fields than the header has columns",
    ]


def test_invalid_utf8_is_one_malformed_row(tmp_path):
    path = tmp_path / "organisations.csv"
    path.write_bytes(
        b"organisationID,name,activityType,country\n1,Caf\xe9 bad,PRC,BE\n2,Good,PRC,BE\n"
    )
    issues: list[cordis.RowIssue] = []
    rows = list(
        cordis.read_rows(path, cordis.parse_organisation, cordis.ORGANISATION_COLUMNS, issues)
    )
    assert [row.pic for _line, row in rows] == ["2"]
    assert [(issue.line, issue.reason) for issue in issues] == [(2, "invalid UTF-8")]


def test_truncated_gzip_and_missing_columns_make_the_file_unusable(tmp_path):
    data = (FIXTURES / "h2020_projects.csv.gz").read_bytes()
    truncated = tmp_path / "h2020_projects.csv.gz"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(cordis.CordisFileError, match=r"h2020_projects\.csv\.gz: cannot be read"):
        list(cordis.read_rows(truncated, dict, (), []))

    headerless = _write_gz(tmp_path / "fp7_projects.csv.gz", "id,acronym\n1,A\n")
    with pytest.raises(cordis.CordisFileError, match="lacks column"):
        list(cordis.read_rows(headerless, dict, cordis.PROJECT_COLUMNS, []))


def test_locate_files_names_what_is_missing(tmp_path):
    (tmp_path / "organisations.csv").write_text("organisationID\n")
    with pytest.raises(cordis.CordisFileError, match=r"h2020_projects\.csv\.gz") as excinfo:
        cordis.locate_files(tmp_path)
    assert "organisations" not in str(excinfo.value)
    files = cordis.locate_files(FIXTURES)
    assert files.organisations.name == "organisations.csv.gz"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # Seen in the real files: a field quoted twice, doubled quotes inside.
        (
            '"NATIONAL CENTER FOR SCIENTIFIC RESEARCH ""DEMOKRITOS"""',
            'NATIONAL CENTER FOR SCIENTIFIC RESEARCH "DEMOKRITOS"',
        ),
        ('"Fondacija za promovisanje nauke ""PRONA"""', 'Fondacija za promovisanje nauke "PRONA"'),
        ('"VOFAB, VAXJO FASTIGHETSFORVALTNING AB"', "VOFAB, VAXJO FASTIGHETSFORVALTNING AB"),
        ('"NCSR ""D"""', 'NCSR "D"'),
        ('Fondacija ""PRONA""', 'Fondacija "PRONA"'),
        ('""PRONA""', "PRONA"),
        # Stray quotes at one end.
        ('"Acme Sensors', "Acme Sensors"),
        ('Acme Sensors"', "Acme Sensors"),
        ('  "  Acme   Sensors "  ', "Acme Sensors"),
        # Quotes that belong to the name stay.
        ('Fondacija za promovisanje nauke "PRONA"', 'Fondacija za promovisanje nauke "PRONA"'),
        ('"Dolina" Lotnicza "Rzeszow"', '"Dolina" Lotnicza "Rzeszow"'),
        ('Instytut "Lotnictwa', 'Instytut "Lotnictwa'),
        ("KATHOLIEKE UNIVERSITEIT LEUVEN", "KATHOLIEKE UNIVERSITEIT LEUVEN"),
        ('"NA"', ""),
        ('""', ""),
        ("", ""),
    ],
)
def test_names_lose_leftover_csv_quoting(value, expected):
    assert cordis.clean_name(value) == expected


def test_organisation_and_participation_rows_get_clean_names(tmp_path):
    """Written by a CSV writer, so the file holds the escapes exactly as CORDIS's files do."""
    path = tmp_path / "organisations.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["organisationID", "name", "shortName", "activityType", "country"])
        writer.writerow(["1", '"Fondacija za promovisanje nauke ""PRONA"""', "Prona", "REC", "RS"])
        writer.writerow(["2", "KAUNO ENERGIJA AB", '"AB ""Kauno energija"""', "PRC", "LT"])
    assert '"""Fondacija' in path.read_text()  # the raw file really is escaped twice
    issues: list[cordis.RowIssue] = []
    rows = [
        row
        for _line, row in cordis.read_rows(
            path, cordis.parse_organisation, cordis.ORGANISATION_COLUMNS, issues
        )
    ]
    assert issues == []
    assert [(row.name, row.short_name) for row in rows] == [
        ('Fondacija za promovisanje nauke "PRONA"', "Prona"),
        ("KAUNO ENERGIJA AB", 'AB "Kauno energija"'),
    ]
    participation = cordis.parse_participation(
        {**PARTICIPATION, "name": '"NCSR ""DEMOKRITOS"""', "shortName": '"NCSR ""D"""'}
    )
    assert (participation.name, participation.short_name) == ('NCSR "DEMOKRITOS"', 'NCSR "D"')
