"""instruments_bootstrap / catalogue_load: idempotent and quick on a second run, curator edits
kept, call windows from the seeds, helping intermediaries linked as public organisations."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from loket.instruments import catalogue
from loket.instruments.models import ChangeLog, CollaborationModality, Instrument
from loket.instruments.services import catalogue_csv_import, catalogue_load, instruments_bootstrap
from loket.organisations.models import ContactPerson, Organisation, OrganisationType


@pytest.mark.django_db
def test_second_run_writes_nothing_and_is_quick(settings, tmp_path):
    settings.LOKET_DATA_DIR = tmp_path  # no shared data: catalogue only
    first = instruments_bootstrap()
    assert first["instruments"] == 43 and first["calls"] is None
    log = ChangeLog.objects.count()
    organisations = Organisation.objects.count()
    started = time.monotonic()
    with CaptureQueriesContext(connection) as queries:
        instruments_bootstrap()
    elapsed = time.monotonic() - started
    writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert [w for w in writes if "SAVEPOINT" not in w.upper()] == []
    assert len(queries) < 40, len(queries)
    assert elapsed < 2.0
    assert ChangeLog.objects.count() == log
    assert Organisation.objects.count() == organisations


@pytest.mark.django_db
def test_intermediaries_created_public_without_contacts_and_linked():
    report = catalogue_load()
    assert report.intermediaries_created == len(catalogue.INTERMEDIARIES)
    names = [entry[0] for entry in catalogue.INTERMEDIARIES]
    created = Organisation.objects.filter(name__in=names)
    assert created.count() == len(names)
    assert {o.org_type for o in created} == {OrganisationType.INTERMEDIARY}
    assert {o.visibility for o in created} == {"public"}
    assert {o.source for o in created} == {"manual"}
    assert ContactPerson.objects.filter(organisation__in=created).count() == 0
    # Funders are not intermediaries.
    assert not Organisation.objects.filter(name__in=["VLAIO", "IWT", "Agentschap Ondernemen"])
    kmo = Instrument.objects.get(slug="kmo-programma")
    assert kmo.intermediaries.filter(name="Innovatiecentrum Limburg").exists()
    kenniswijzer = Instrument.objects.get(slug="kenniswijzer")
    assert set(kenniswijzer.intermediaries.values_list("name", flat=True)) == {
        "POM West-Vlaanderen",
        "TUA West",
    }
    assert Instrument.objects.get(slug="iof").intermediaries.count() == 5
    entry = ChangeLog.objects.filter(
        object_id=str(kenniswijzer.pk), changes__has_key="intermediaries"
    )
    assert entry.count() == 1


@pytest.mark.django_db
def test_existing_intermediary_found_not_duplicated_and_other_types_left_alone(org_intermediary):
    Organisation.objects.create(name="TUA WEST", org_type="knowledge_institution", country="BE")
    catalogue_load()
    assert Organisation.objects.filter(name__iexact="Innovatiecentrum West-Vlaanderen").count() == 1
    oo = Instrument.objects.get(slug="oo-subsidie")
    assert oo.intermediaries.filter(pk=org_intermediary.pk).exists()
    # A same-named organisation of another type is neither changed nor linked.
    tua = Organisation.objects.get(name__iexact="TUA West")
    assert tua.org_type == "knowledge_institution"
    assert not Instrument.objects.get(slug="kenniswijzer").intermediaries.filter(pk=tua.pk)


@pytest.mark.django_db
def test_curator_edits_survive_a_reload(cora):
    catalogue_load()
    report = catalogue_csv_import(
        table="instruments",
        data=b"slug,name,call_windows\nicon,ICON (curated),\n",
        user=cora,
    )
    assert report.updated == 1
    catalogue_csv_import(
        table="modalities",
        data=b"instrument,modality,requirement\nicon,dissemination,obligatory\n",
        user=cora,
    )
    Instrument.objects.get(slug="icon").intermediaries.clear()
    reload = catalogue_load()
    assert reload.kept_curated >= 2
    icon = Instrument.objects.get(slug="icon")
    assert icon.name == "ICON (curated)"
    assert (
        CollaborationModality.objects.get(instrument=icon, modality="dissemination").requirement
        == "obligatory"
    )
    # Not curated: the loader still restores the seed values.
    assert Instrument.objects.get(slug="tetra").name == "TETRA (Technologietransfer)"


@pytest.mark.django_db
def test_call_windows_from_the_seed_and_continuous_otherwise(client):
    catalogue_load()
    vis = Instrument.objects.get(slug="vis")
    assert vis.call_windows == [
        {
            "label": "Pilootoproep VIS-trajecten voor innovatievolgers (voetnoot 36)",
            "opens": "2013-05-17",
            "closes": "2013-09-09",
        }
    ]
    html = client.get("/instruments/vis/", headers={"accept-language": "en"}).content.decode()
    assert "Pilootoproep VIS-trajecten" in html and "(closed)" in html
    html = client.get("/instruments/tetra/", headers={"accept-language": "en"}).content.decode()
    assert "Continuous or not published: see the funder." in html
    assert "At least 2 partner(s) of type: company, startup." in html
    html = client.get("/instruments/kenniswijzer/", headers={"accept-language": "en"}).content
    assert b"POM West-Vlaanderen" in html and b"TUA West" in html


@pytest.mark.django_db
def test_hidden_intermediary_not_shown_to_others(client_for, anna, org_intermediary, ivo):
    catalogue_load()
    org_intermediary.visibility = "hidden"
    org_intermediary.description = "HIDDEN-IC-MARKER"
    org_intermediary.save()
    for who in (None, anna):
        html = client_for(who).get("/instruments/oo-subsidie/").content.decode()
        assert "Innovatiecentrum West-Vlaanderen" not in html
        assert "Innovatiecentrum Limburg" in html
    html = client_for(ivo).get("/instruments/oo-subsidie/").content.decode()
    assert "Innovatiecentrum West-Vlaanderen" in html  # its own member still sees it


@pytest.mark.shared_data
@pytest.mark.django_db
def test_real_bootstrap_second_run_is_quick_and_changes_nothing(settings):
    from pathlib import Path

    if not (Path(settings.LOKET_DATA_DIR) / "eu-calls" / "topics.jsonl.gz").exists():
        pytest.skip("shared EU call data not present")
    first = instruments_bootstrap()
    assert first["calls"]["created"] == 629
    log = ChangeLog.objects.count()
    started = time.monotonic()
    second = instruments_bootstrap()
    elapsed = time.monotonic() - started
    assert second["calls"] == {"created": 0, "updated": 0, "unchanged": 629, "malformed": 0}
    assert ChangeLog.objects.count() == log
    print(f"second bootstrap run: {elapsed:.2f} s")
    assert elapsed < 2.0, elapsed


@pytest.mark.django_db
def test_instrument_windows_in_calendar_and_ical(client, cora):
    catalogue_load()
    report = catalogue_csv_import(
        table="instruments",
        data=(
            b"slug,call_windows\n"
            b'icon,"[{""label"": ""Oproep 2099"", ""opens"": ""2099-01-15"", ""closes"": ""2099-03-31""}]"\n'
        ),
        user=cora,
    )
    assert report.errors == []
    html = client.get("/instruments/calls/calendar/").content.decode()
    assert "ICON-projecten: Oproep 2099" in html and "/instruments/icon/" in html
    assert "Pilootoproep" not in html  # the 2013 window has closed
    ics = client.get("/instruments/calls/deadlines.ics").content.decode()
    assert "DTSTART;VALUE=DATE:20990331" in ics and "UID:icon-20990331-0@loket" in ics
