"""Curator CSV import of instruments, modalities and rules: all or nothing, errors per line,
every change in the ChangeLog; the export reads back unchanged."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from loket.instruments.models import ChangeLog, CollaborationModality, EligibilityRule, Instrument
from loket.instruments.services import catalogue_csv_import, catalogue_load
from loket.organisations.models import Organisation


@pytest.fixture
def catalogue(db):
    catalogue_load()


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English; the site's default language is Dutch."""
    with translation.override("en"):
        yield


def _import(client, table, text):
    upload = SimpleUploadedFile(f"{table}.csv", text.encode(), content_type="text/csv")
    return client.post(
        "/instruments/curate/import/",
        {"table": table, "file": upload},
        headers={"accept-language": "en"},
    )


@pytest.mark.parametrize("table", ["instruments", "modalities", "rules"])
def test_export_reads_back_without_changes(catalogue, client_for, cora, table):
    client = client_for(cora)
    body = client.get(f"/instruments/curate/export.csv?table={table}").content
    before = ChangeLog.objects.count()
    report = catalogue_csv_import(table=table, data=body, user=cora)
    assert report.errors == []
    assert report.created == report.updated == 0 and report.unchanged > 10
    assert ChangeLog.objects.count() == before


def test_modalities_import_updates_creates_and_versions(catalogue, client_for, cora):
    client = client_for(cora)
    response = _import(
        client,
        "modalities",
        "instrument,modality,variant,requirement,note\n"
        "icon,dissemination,,obligatory,Resultaten delen\n"
        "kmo-programma,joint_application,,encouraged,\n",
    )
    assert response.status_code == 200
    icon = CollaborationModality.objects.get(
        instrument__slug="icon", modality="dissemination", variant=""
    )
    assert icon.requirement == "obligatory" and icon.note == "Resultaten delen"
    assert CollaborationModality.objects.filter(instrument__slug="kmo-programma").count() == 1
    entries = ChangeLog.objects.filter(model="instruments.CollaborationModality", via="csv")
    assert {e.action for e in entries} == {"update", "create"}
    assert all(e.user == cora for e in entries)
    update = entries.get(action="update")
    assert update.changes["requirement"] == ["not_applicable", "obligatory"]


def test_rules_import_validates_params_and_feeds_the_wizard(catalogue, client_for, cora):
    client = client_for(cora)
    response = _import(
        client,
        "rules",
        "instrument,position,kind,params,is_required\n"
        'kmo-portefeuille,5,region_in,"{""values"": [""limburg""]}",yes\n',
    )
    assert response.status_code == 200
    rule = EligibilityRule.objects.get(instrument__slug="kmo-portefeuille", position=5)
    assert rule.params == {"values": ["limburg"]} and rule.is_required
    from loket.instruments.rules import Answers
    from loket.instruments.services import wizard_evaluate

    results = wizard_evaluate(
        answers=Answers(org_type="company", size_class="small", region="antwerpen")
    )
    portefeuille = next(r for r in results if r["slug"] == "kmo-portefeuille")
    assert not portefeuille["eligible"]
    assert ChangeLog.objects.filter(model="instruments.EligibilityRule", via="csv").count() == 1


def test_errors_per_line_and_nothing_changes(catalogue, client_for, cora):
    client = client_for(cora)
    before = ChangeLog.objects.count()
    rules_before = list(EligibilityRule.objects.values_list("pk", "params"))
    response = _import(
        client,
        "rules",
        "instrument,position,kind,params\n"
        'kmo-portefeuille,7,region_in,"{""values"": [""limburg""]}"\n'
        "nope,1,region_in,{}\n"
        'sbo,1,budget_range,"{""min"": 10, ""max"": 5, ""colour"": 1}"\n'
        "sbo,x,stage_in,{}\n"
        "sbo,2,teleport,{}\n"
        "sbo,3,stage_in,{not json\n",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert EligibilityRule.objects.filter(position=7).count() == 0  # the good line too
    assert list(EligibilityRule.objects.values_list("pk", "params")) == rules_before
    assert ChangeLog.objects.count() == before
    for expected in [
        "line 3: unknown instrument nope",
        "line 4: Unknown parameters for budget_range: colour",
        "The minimum is larger than the maximum",
        "line 5: position: x is not a whole number",
        "line 6: kind: teleport is not one of",
        "line 7: params is not valid JSON",
    ]:
        assert expected in html.replace("&quot;", '"'), expected


def test_error_messages_in_the_service(catalogue, cora):
    report = catalogue_csv_import(
        table="instruments",
        data=(
            b"slug,name,funder,target_groups,amount_max,valid_from,is_historical,call_windows\n"
            b"sbo,SBO,iwt,knowledge_institution;giants,12,2024-01-01,no,\n"
            b"tetra,TETRA,iwt,,lots,2024-13-01,maybe,\n"
            b'icon,ICON,iwt,,,,,"[{""closes"": ""2024-02-30""}]"\n'
            b"sbo,Again,iwt,,,,,\n"
            b"new-one,,,,,,,\n"
        ),
        user=cora,
    )
    text = "\n".join(report.errors)
    assert "line 2: target_groups: unknown giants" in text
    assert "line 3: amount_max: lots is not a number" in text
    assert report.created == report.updated == 0
    assert "line 4: Call window 1: dates must be written as YYYY-MM-DD" in text
    assert "line 5: the same slug as line 2" in text
    assert "line 6: unknown funder" in text
    assert Instrument.objects.get(slug="tetra").name.startswith("TETRA (")


def test_instrument_call_windows_and_lists_import(catalogue, cora):
    report = catalogue_csv_import(
        table="instruments",
        data=(
            b"slug,call_windows,application_steps,spillover_counts\n"
            b'icon,"[{""label"": ""Oproep 2027"", ""opens"": ""2027-01-15"", ""closes"": ""2027-03-31""}]",'
            b"Idee indienen;Volledig voorstel,yes\n"
        ),
        user=cora,
    )
    assert report.errors == [] and report.updated == 1
    icon = Instrument.objects.get(slug="icon")
    assert icon.call_windows[0]["closes"] == "2027-03-31"
    assert icon.application_steps == ["Idee indienen", "Volledig voorstel"]
    assert icon.spillover_counts is True


def test_bad_files_are_messages_not_500s(catalogue, client_for, cora):
    client = client_for(cora)
    for table, body in [
        ("rules", "kind,params\n"),  # missing key columns
        ("modalities", "instrument,modality,colour\n"),  # unknown column
    ]:
        response = _import(client, table, body)
        assert response.status_code == 200
    upload = SimpleUploadedFile("x.csv", b"\xff\xfe\x00bad", content_type="text/csv")
    response = client.post("/instruments/curate/import/", {"table": "instruments", "file": upload})
    assert response.status_code == 200
    assert "UTF-8" in response.content.decode()
    response = _import(client, "bogus", "slug\n")
    assert response.status_code == 200  # form error on the choice


def test_semicolon_separated_file_from_a_dutch_spreadsheet(catalogue, cora):
    report = catalogue_csv_import(
        table="modalities",
        data=b"instrument;modality;requirement\nicon;spillover;encouraged\n",
        user=cora,
    )
    assert report.errors == [] and report.updated == 1


def _admin_data(instrument):
    import json

    from django.forms.models import model_to_dict

    data = {}
    for key, value in model_to_dict(instrument).items():
        if key in {"intermediaries", "id"} or value is None:
            continue
        if isinstance(value, list | dict):
            value = json.dumps(value)
        if isinstance(value, bool):
            if not value:
                continue
            value = "on"
        data[key] = value
    data["spillover_counts"] = {None: "unknown", True: "true", False: "false"}[
        instrument.spillover_counts
    ]
    data["intermediaries"] = [o.pk for o in instrument.intermediaries.all()]
    inlines = {
        "modalities": (
            instrument.modalities.all(),
            ["modality", "requirement", "variant", "note", "source_section"],
        ),
        "eligibility_rules": (
            instrument.eligibility_rules.all(),
            ["kind", "params", "is_required", "note", "position", "source_section"],
        ),
    }
    for prefix, (rows, fields) in inlines.items():
        rows = list(rows)
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": len(rows),
                f"{prefix}-INITIAL_FORMS": len(rows),
                f"{prefix}-MIN_NUM_FORMS": 0,
                f"{prefix}-MAX_NUM_FORMS": 1000,
            }
        )
        for n, row in enumerate(rows):
            data[f"{prefix}-{n}-id"] = row.pk
            data[f"{prefix}-{n}-instrument"] = instrument.pk
            for name in fields:
                value = getattr(row, name)
                if isinstance(value, dict):
                    value = json.dumps(value)
                if value is True:
                    value = "on"
                if value is not False:
                    data[f"{prefix}-{n}-{name}"] = value
    return data


def test_admin_inline_and_link_edits_are_versioned(catalogue, client_for, cora):
    cora.is_superuser = True
    cora.save()
    client = client_for(cora)
    icon = Instrument.objects.get(slug="icon")
    url = f"/admin/instruments/instrument/{icon.pk}/change/"
    assert client.get(url).status_code == 200
    data = _admin_data(icon)
    rules = list(icon.eligibility_rules.all())
    data["eligibility_rules-0-params"] = '{"min_companies": 3}'
    data["eligibility_rules-1-DELETE"] = "on"
    modality = icon.modalities.all()[0]
    data["modalities-0-requirement"] = "encouraged"
    helper = Organisation.objects.filter(name="TUA West").get()
    data["intermediaries"] = [*data["intermediaries"], helper.pk]
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    logs = ChangeLog.objects.filter(via="admin", user=cora)
    rule_update = logs.get(model="instruments.EligibilityRule", action="update")
    assert rule_update.changes["params"] == [{"min_companies": 2}, {"min_companies": 3}]
    deleted = logs.get(model="instruments.EligibilityRule", action="delete")
    assert deleted.object_id == str(rules[1].pk)
    assert logs.get(model="instruments.CollaborationModality").object_id == str(modality.pk)
    link = logs.get(model="instruments.Instrument", changes__has_key="intermediaries")
    assert helper.pk in link.changes["intermediaries"][1]


def test_admin_refuses_malformed_rules_and_windows(catalogue, client_for, cora):
    cora.is_superuser = True
    cora.save()
    icon = Instrument.objects.get(slug="icon")
    data = _admin_data(icon)
    data["eligibility_rules-0-params"] = '{"min_companies": "many"}'
    data["call_windows"] = '[{"closes": "someday"}]'
    response = client_for(cora).post(f"/admin/instruments/instrument/{icon.pk}/change/", data)
    assert response.status_code == 200
    assert EligibilityRule.objects.get(pk=icon.eligibility_rules.first().pk).params == {
        "min_companies": 2
    }
    assert ChangeLog.objects.filter(via="admin").count() == 0
