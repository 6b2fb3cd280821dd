"""import_cordis: the command, the import service and the collaboration history selectors."""

import csv
import gzip
import io
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from loket.organisations import importing
from loket.organisations.importing import cordis_import
from loket.organisations.models import (
    Organisation,
    Participation,
    Project,
    Source,
    Visibility,
)
from loket.organisations.selectors_history import collaboration_history, funding_summary

FIXTURES = Path(__file__).parent / "fixtures" / "cordis"
KUL, VANDAELE, FRAUNHOFER, MINISTRY, PORT, INSTITUTO = (
    "999900001",
    "999900002",
    "999900003",
    "999900004",
    "999900009",
    "999900010",
)

pytestmark = pytest.mark.django_db


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_cordis", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _copy_fixtures(tmp_path: Path) -> Path:
    target = tmp_path / "cordis"
    shutil.copytree(FIXTURES, target)
    return target


def _rewrite(path: Path, change) -> None:
    """Apply ``change(rows)`` to a gzipped CSV, keeping its header."""
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = reader.fieldnames, list(reader)
    rows = change(rows)
    with gzip.open(path, "wt", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


def _org(pic: str) -> Organisation:
    return Organisation.objects.get(cordis_pic=pic)


def test_import_creates_projects_organisations_and_participations():
    out, _err = _run(str(FIXTURES))

    assert set(Project.objects.values_list("cordis_id", flat=True)) == {
        "101000001",
        "101000002",
        "101000003",
        "300001",
        "300002",
    }
    # Only PICs that took part in an imported project; never the one without participations.
    assert set(Organisation.objects.values_list("cordis_pic", flat=True)) == {
        KUL,
        VANDAELE,
        FRAUNHOFER,
        MINISTRY,
        PORT,
        INSTITUTO,
    }
    assert Participation.objects.count() == 10

    flax = Project.objects.get(cordis_id="101000001")
    assert flax.programme == "H2020"
    assert flax.start_date == date(2019, 1, 1)
    assert flax.eu_contribution == Decimal("2800000")
    assert Project.objects.get(cordis_id="300001").title == "Early flax processing research"
    assert Project.objects.get(cordis_id="300002").programme == "FP7"  # from the file name

    vandaele = Participation.objects.get(project=flax, organisation__cordis_pic=VANDAELE)
    assert vandaele.role == "participant"
    assert vandaele.ec_contribution == Decimal("800000.51")
    assert vandaele.net_ec_contribution == Decimal("800000")
    assert vandaele.sme is True
    assert vandaele.activity_type == "PRC"
    assert (vandaele.country, vandaele.nuts_code) == ("BE", "BE256")

    assert "5 created" in out
    assert "Organisations: 6 created" in out


def test_imported_organisations_get_type_region_website_and_derived_fields():
    _run(str(FIXTURES))

    kul = _org(KUL)
    assert kul.name == "KATHOLIEKE UNIVERSITEIT LEUVEN"
    assert kul.short_name == "KU Leuven"
    assert kul.org_type == "knowledge_institution"
    assert kul.region == "vlaams_brabant"
    assert kul.website == "https://www.kuleuven.be"
    assert kul.is_sme is False
    assert kul.source == Source.CORDIS
    assert kul.visibility == Visibility.PUBLIC
    assert kul.project_count == 3
    assert kul.coordination_count == 2
    assert kul.eu_contribution_total == Decimal("3600000")
    # Most recent project first; the objective of the flax project is included.
    lines = kul.profile_text.splitlines()
    assert lines[0] == "Wave energy converters for the North Sea (Wave energy demonstration)"
    assert lines[1].startswith("Flax fibre composites for lightweight vehicles")
    assert "Flax fibres grown in West Flanders" in kul.profile_text
    assert kul.search_document  # the search index was refreshed

    vandaele = _org(VANDAELE)
    assert (vandaele.org_type, vandaele.is_sme, vandaele.region) == (
        "company",
        True,
        "west_vlaanderen",
    )
    assert _org(FRAUNHOFER).region == "abroad"
    assert _org(FRAUNHOFER).org_type == "research_centre"
    port = _org(PORT)
    assert (port.country, port.nuts_code, port.region) == ("BE", "", "")  # Belgian, no NUTS
    assert port.org_type == "public_body"
    instituto = _org(INSTITUTO)
    assert (instituto.country, instituto.region, instituto.website) == ("GR", "abroad", "")
    assert _org(MINISTRY).website == ""  # a mailto: link is not a website


def test_rerun_updates_in_place_without_duplicates(tmp_path):
    directory = _copy_fixtures(tmp_path)
    _run(str(directory))
    counts = (Project.objects.count(), Organisation.objects.count(), Participation.objects.count())
    project_pk = Project.objects.get(cordis_id="101000001").pk
    org_pk = _org(KUL).pk

    unchanged_out, _err = _run(str(directory))
    assert (
        Project.objects.count(),
        Organisation.objects.count(),
        Participation.objects.count(),
    ) == counts
    # Nothing changed, so nothing is written again.
    assert "Projects: 0 created, 0 updated, 5 unchanged" in unchanged_out
    assert "Participations: 0 written, 10 unchanged" in unchanged_out
    assert "Organisations: 0 created, 0 updated, 6 unchanged" in unchanged_out

    def change_title(rows):
        for row in rows:
            if row["id"] == "101000001":
                row["title"] = "Flax fibre composites, second edition"
        return rows

    def change_contribution(rows):
        for row in rows:
            if row["projectID"] == "101000001" and row["organisationID"] == KUL:
                row["ecContribution"] = "1300000"
                row["role"] = "participant"
        return rows

    _rewrite(directory / "h2020_projects.csv.gz", change_title)
    _rewrite(directory / "h2020_participations.csv.gz", change_contribution)
    out, _err = _run(str(directory))

    assert (
        Project.objects.count(),
        Organisation.objects.count(),
        Participation.objects.count(),
    ) == counts
    assert "Projects: 0 created, 1 updated, 4 unchanged" in out
    assert "Participations: 1 written, 9 unchanged" in out
    flax = Project.objects.get(cordis_id="101000001")
    assert (flax.pk, flax.title) == (project_pk, "Flax fibre composites, second edition")
    kul = _org(KUL)
    assert kul.pk == org_pk
    assert kul.eu_contribution_total == Decimal("3700000")
    assert kul.coordination_count == 1
    assert "Flax fibre composites, second edition" in kul.profile_text


def test_participation_dropped_from_the_file_is_removed(tmp_path):
    directory = _copy_fixtures(tmp_path)
    _run(str(directory))
    assert _org(VANDAELE).project_count == 1

    _rewrite(
        directory / "h2020_participations.csv.gz",
        lambda rows: [row for row in rows if row["organisationID"] != VANDAELE],
    )
    out, _err = _run(str(directory))

    assert not Participation.objects.filter(organisation__cordis_pic=VANDAELE).exists()
    assert "1 removed" in out
    vandaele = _org(VANDAELE)
    assert (vandaele.project_count, vandaele.eu_contribution_total) == (0, 0)
    assert vandaele.profile_text == ""


def test_malformed_rows_are_reported_with_file_line_and_reason_and_skipped():
    out, err = _run(str(FIXTURES))

    expected = [
        "organisations.csv.gz:9: invalid organisation PIC 'x12'",
        "h2020_projects.csv.gz:5: invalid project id 'abc'",
        "h2020_projects.csv.gz:6: invalid startDate '2020-13-45' (expected YYYY-MM-DD)",
        # fp7_projects.csv.gz line 2-3 is one record with a line break inside a quoted title.
        "fp7_projects.csv.gz:5: unknown framework programme 'FP9'",
        "h2020_participations.csv.gz:8: invalid ecContribution '12,5k'",
        "h2020_participations.csv.gz:9: unknown role 'boss'",
        "h2020_participations.csv.gz:10: project 999999999 is in no projects file",
        "h2020_participations.csv.gz:11: fewer fields than the header has columns",
    ]
    for message in expected:
        assert f"skipped {message}" in err
    assert "skipped 8 malformed" in out
    assert not Project.objects.filter(cordis_id__in=["101000005", "300003"]).exists()
    assert not Organisation.objects.filter(
        cordis_pic__in=["999900005", "999900006", "999900007"]
    ).exists()


def test_until_excludes_later_projects_their_participations_and_lonely_organisations():
    out, _err = _run(str(FIXTURES), "--until", "2019-12-31")

    assert set(Project.objects.values_list("cordis_id", flat=True)) == {
        "101000001",
        "300001",
        "300002",
    }
    # The ministry only took part in the 2021 project.
    assert not Organisation.objects.filter(cordis_pic=MINISTRY).exists()
    assert not Participation.objects.filter(project__start_date__gt=date(2019, 12, 31)).exists()
    kul = _org(KUL)
    assert kul.project_count == 2
    assert "Wave energy" not in kul.profile_text
    assert "2 left out by --until (1 without a start date)" in out
    assert "3 left out by --until" in out


def test_claimed_organisation_keeps_its_own_fields_but_derived_ones_refresh(tmp_path):
    directory = _copy_fixtures(tmp_path)
    _run(str(directory), "--until", "2019-12-31")
    kul = _org(KUL)
    kul.claimed = True
    kul.name = "KU Leuven"
    kul.website = "https://www.kuleuven.be/nl"
    kul.region = "vlaams_brabant"
    kul.visibility = Visibility.MEMBERS
    kul.save()

    out, _err = _run(str(directory))

    kul.refresh_from_db()
    assert (kul.name, kul.website, kul.visibility) == (
        "KU Leuven",
        "https://www.kuleuven.be/nl",
        Visibility.MEMBERS,
    )
    assert kul.project_count == 3
    assert "Wave energy" in kul.profile_text
    assert "1 claimed or created on Loket" in out


def test_manual_organisation_with_a_pic_is_not_overwritten(org_a):
    org_a.cordis_pic = VANDAELE
    org_a.save()

    _run(str(FIXTURES))

    org_a.refresh_from_db()
    assert (org_a.name, org_a.source, org_a.region) == (
        "Acme Sensors",
        Source.MANUAL,
        "west_vlaanderen",
    )
    assert org_a.project_count == 1
    assert Organisation.objects.filter(cordis_pic=VANDAELE).count() == 1


def test_a_failing_batch_leaves_no_half_written_project(monkeypatch):
    real = importing.write_participations
    calls = {"n": 0}

    def fail_on_second_batch(writer, rows, project_ids):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real(writer, rows, project_ids)

    monkeypatch.setattr(importing, "write_participations", fail_on_second_batch)
    with pytest.raises(RuntimeError, match="disk full"):
        cordis_import(directory=FIXTURES, batch_size=1)

    # Batch 1 (101000001) is complete; batch 2 (101000002) left nothing: no project, and no
    # organisation that only it needed.
    assert list(Project.objects.values_list("cordis_id", flat=True)) == ["101000001"]
    assert Participation.objects.filter(project__cordis_id="101000001").count() == 3
    assert not Organisation.objects.filter(cordis_pic=MINISTRY).exists()

    monkeypatch.setattr(importing, "write_participations", real)
    report = cordis_import(directory=FIXTURES, batch_size=1)
    assert report.batches == 5
    assert Participation.objects.count() == 10


def test_uncompressed_csv_files_are_accepted(tmp_path):
    for source in FIXTURES.glob("*.csv.gz"):
        (tmp_path / source.name.removesuffix(".gz")).write_bytes(
            gzip.decompress(source.read_bytes())
        )
    _run(str(tmp_path))
    assert Participation.objects.count() == 10


def test_missing_directory_or_files_is_a_clear_command_error(tmp_path):
    with pytest.raises(CommandError, match="is not a directory"):
        _run(str(tmp_path / "nowhere"))
    shutil.copy(FIXTURES / "organisations.csv.gz", tmp_path)
    with pytest.raises(CommandError, match=r"lacks h2020_projects\.csv\.gz, fp7_projects"):
        _run(str(tmp_path))
    with pytest.raises(CommandError, match="not a date"):
        _run(str(FIXTURES), "--until", "31/12/2019")
    assert not Project.objects.exists()


def test_unreadable_file_changes_nothing(tmp_path):
    directory = _copy_fixtures(tmp_path)
    data = (directory / "fp7_participations.csv.gz").read_bytes()
    (directory / "fp7_participations.csv.gz").write_bytes(data[:-20])
    with pytest.raises(CommandError, match=r"fp7_participations\.csv\.gz: cannot be read"):
        _run(str(directory))
    assert not Project.objects.exists()
    assert not Organisation.objects.exists()


# --- collaboration history -------------------------------------------------------------------


def test_collaboration_history_orders_partners_by_joint_projects(django_assert_num_queries):
    _run(str(FIXTURES))
    kul = _org(KUL)

    with django_assert_num_queries(2):
        history = collaboration_history(organisation=kul)
        names = [item.partner.cordis_pic for item in history]
        first = history[0]
        shared = [(s.project.cordis_id, s.own_role, s.partner_role) for s in first.projects]

    # Fraunhofer: 3 joint projects. Then one each, the most recent first (2021, 2019).
    assert names == [FRAUNHOFER, MINISTRY, VANDAELE]
    assert first.joint_project_count == 3
    assert first.last_start_date == date(2021, 3, 1)
    assert shared == [
        ("101000002", "participant", "coordinator"),
        ("101000001", "coordinator", "participant"),
        ("300001", "coordinator", "participant"),
    ]
    assert [
        item.partner.cordis_pic for item in collaboration_history(organisation=kul, limit=1)
    ] == [FRAUNHOFER]


def test_collaboration_history_hides_partners_the_viewer_may_not_see(anna):
    _run(str(FIXTURES))
    Organisation.objects.filter(cordis_pic=FRAUNHOFER).update(visibility=Visibility.HIDDEN)
    Organisation.objects.filter(cordis_pic=MINISTRY).update(visibility=Visibility.MEMBERS)
    kul = _org(KUL)

    anonymous = [item.partner.cordis_pic for item in collaboration_history(organisation=kul)]
    signed_in = [
        item.partner.cordis_pic for item in collaboration_history(organisation=kul, user=anna)
    ]
    assert anonymous == [VANDAELE]
    assert signed_in == [MINISTRY, VANDAELE]
    assert (
        collaboration_history(
            organisation=Organisation.objects.create(name="New", org_type="company")
        )
        == []
    )


def test_funding_summary_by_programme_and_year(django_assert_num_queries):
    _run(str(FIXTURES))
    kul = _org(KUL)

    with django_assert_num_queries(1):
        summary = funding_summary(organisation=kul)

    assert [
        (row.programme, row.year, row.eu_contribution, row.project_count) for row in summary.rows
    ] == [
        ("FP7", 2010, Decimal("900000"), 1),
        ("H2020", 2019, Decimal("1200000"), 1),
        ("H2020", 2021, Decimal("1500000"), 1),
    ]
    assert summary.by_programme == {"FP7": Decimal("900000"), "H2020": Decimal("2700000")}
    assert summary.total == Decimal("3600000")


# --- the real data -----------------------------------------------------------------------------


@pytest.mark.shared_data
def test_real_cordis_data_until_2014_imports_plausibly():
    directory = Path(settings.LOKET_DATA_DIR) / "cordis"
    if not (directory / "organisations.csv.gz").exists():
        pytest.skip(f"no CORDIS data in {directory}")

    report = cordis_import(directory=directory, until=date(2014, 12, 31))

    assert report.issues == []
    assert not Project.objects.filter(start_date__gt=date(2014, 12, 31)).exists()
    assert Project.objects.filter(programme="FP7").count() > 2000
    assert Participation.objects.count() > 10000
    belgian = Organisation.objects.filter(country="BE")
    assert belgian.count() > 150
    leuven = belgian.filter(name__icontains="leuven").order_by("-project_count").first()
    assert leuven is not None
    assert leuven.org_type == "knowledge_institution"
    assert leuven.project_count > 20
    assert leuven.profile_text
    assert not Organisation.objects.filter(participations__isnull=True).exists()


DIRTY_KUL = '"KATHOLIEKE UNIVERSITEIT ""KU"" LEUVEN"'
CLEAN_KUL = 'KATHOLIEKE UNIVERSITEIT "KU" LEUVEN'


def test_names_with_leftover_csv_quoting_are_stored_clean_and_repaired_by_a_rerun(tmp_path):
    directory = _copy_fixtures(tmp_path)

    def dirty(rows):
        for row in rows:
            if row["organisationID"] == KUL:
                row["name"] = DIRTY_KUL
        return rows

    for name in ("organisations", "h2020_participations", "fp7_participations"):
        _rewrite(directory / f"{name}.csv.gz", dirty)
    _run(str(directory))
    assert _org(KUL).name == CLEAN_KUL

    # What an import before the fix stored: the next run repairs it, and only it.
    Organisation.objects.filter(cordis_pic=KUL).update(name=DIRTY_KUL)
    out, _err = _run(str(directory))
    assert "Organisations: 0 created, 1 updated, 5 unchanged" in out
    assert _org(KUL).name == CLEAN_KUL
    out, _err = _run(str(directory))
    assert "Organisations: 0 created, 0 updated, 6 unchanged" in out
