import pytest

from loket.instruments.models import BurdenReport, ChangeLog, Instrument, WizardResult
from loket.instruments.services import catalogue_load


@pytest.fixture
def catalogue(db):
    catalogue_load()


PAGES = [
    "/instruments/",
    "/instruments/wizard/",
    "/instruments/tables/",
    "/instruments/calls/",
    "/instruments/calls/calendar/",
    "/instruments/calls/deadlines.ics",
    "/instruments/transparency/",
    "/instruments/burden/",
    "/instruments/sbo/",
    "/instruments/compare/?i=sbo&i=tetra&i=icon",
]


@pytest.mark.parametrize("url", PAGES)
def test_public_pages(catalogue, client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "Content-Security-Policy" in response.headers


def test_catalogue_facets_and_historical(catalogue, client):
    html = client.get("/instruments/?level=european").content.decode()
    assert "Horizon Europe" in html and "Strategisch Basisonderzoek" not in html
    assert "Herculesfonds" not in client.get("/instruments/").content.decode()
    assert "Herculesfonds" in client.get("/instruments/?historical=1").content.decode()


def test_unknown_instrument_and_token_404(catalogue, client):
    assert client.get("/instruments/does-not-exist/").status_code == 404
    assert client.get("/instruments/wizard/r/guess/").status_code == 404
    assert client.get("/instruments/calls/NOPE/").status_code == 404


def test_wizard_ranks_explains_and_suggests_partner(catalogue, client):
    response = client.post(
        "/instruments/wizard/",
        {
            "org_type": "company",
            "size_class": "small",
            "stage": "development",
            "budget": "800000",
            "theme": "energy storage",
            "region": "west_vlaanderen",
            "timing": "6",
            "partner_1_type": "knowledge_institution",
            "partner_1_country": "BE",
        },
    )
    assert response.status_code == 302
    result = WizardResult.objects.get()
    assert response.url.endswith(f"/wizard/r/{result.token}/")
    assert len(result.token) >= 24
    eligible = [r["slug"] for r in result.results if r["eligible"]]
    assert "kmo-portefeuille" in eligible and "eic-accelerator" in eligible
    he = next(r for r in result.results if r["slug"] == "horizon-europe")
    assert not he["eligible"]
    reason = next(x for x in he["reasons"] if x["kind"] == "min_entities_countries")
    # Explanations are saved in the language of the request (Dutch by default).
    assert "uit een andere EU-lidstaat of geassocieerd land" in reason["suggestion"]
    html = client.get(response.url).content.decode()
    assert "/partners/?q=" in html and "EIC Accelerator" in html
    # Eligible ones come first in the ranking.
    flags = [r["eligible"] for r in result.results]
    assert flags == sorted(flags, reverse=True)


def test_wizard_bad_input_is_a_message_not_a_500(catalogue, client):
    response = client.post(
        "/instruments/wizard/",
        {"org_type": "bogus", "budget": "-5", "partner_1_country": "Belgium"},
    )
    assert response.status_code == 200
    assert WizardResult.objects.count() == 0


def test_call_links_to_partner_search(catalogue, client):
    import json

    from loket.instruments.services import calls_import

    calls_import(
        lines=[
            json.dumps(
                {
                    "topicId": "T-1",
                    "title": "Green = hydrogen",
                    "callStatus": "open",
                    "deadline": "2099-01-01",
                    "programme": "Horizon Europe",
                }
            )
        ]
    )
    html = client.get("/instruments/calls/").content.decode()
    assert "/partners/?q=Green%20%3D%20hydrogen" in html
    ics = client.get("/instruments/calls/deadlines.ics").content.decode()
    assert "BEGIN:VEVENT" in ics and "DTSTART;VALUE=DATE:20990101" in ics and "\r\n" in ics


@pytest.mark.parametrize("who", [None, "chloe", "anna", "ivo"])
def test_curator_routes_refuse_others_and_change_nothing(catalogue, client_for, request, who):
    user = request.getfixturevalue(who) if who else None
    client = client_for(user)
    assert client.get("/instruments/curate/export.csv").status_code == 404
    before = ChangeLog.objects.count()
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("x.csv", b"slug,name\nsbo,Hacked\n", content_type="text/csv")
    response = client.post("/instruments/curate/import/", {"file": upload})
    assert response.status_code == 404
    assert Instrument.objects.get(slug="sbo").name == "Strategisch Basisonderzoek"
    assert ChangeLog.objects.count() == before
    assert client.get("/admin/instruments/instrument/").status_code in {302, 403}


def test_curator_export_escapes_formulas_and_import_roundtrips(catalogue, client_for, cora):
    client = client_for(cora)
    Instrument.objects.filter(slug="sbo").update(summary='=HYPERLINK("http://evil")')
    Instrument.objects.filter(slug="tetra").update(summary="@SUM(A1)")
    Instrument.objects.filter(slug="icon").update(summary="\tTab", short_name="-1+2")
    body = client.get("/instruments/curate/export.csv").content.decode()
    assert "'=HYPERLINK" in body and "'@SUM" in body and "'\tTab" in body and "'-1+2" in body
    for line in body.splitlines():
        for cell in line.split(","):
            assert not cell.startswith(("=", "+", "@")), cell
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("c.csv", b"slug,name,funder\nsbo,SBO (FWO),fwo\n")
    assert client.post("/instruments/curate/import/", {"file": upload}).status_code == 200
    sbo = Instrument.objects.get(slug="sbo")
    assert sbo.name == "SBO (FWO)" and sbo.funder.code == "fwo"
    change = ChangeLog.objects.filter(object_id=str(sbo.pk), via="csv").get()
    assert change.user == cora and change.changes["name"][1] == "SBO (FWO)"
    bad = SimpleUploadedFile("c.csv", b"slug,name,funder\nsbo,Again,fwo\ntetra,X,nobody\n")
    client.post("/instruments/curate/import/", {"file": bad})
    assert Instrument.objects.get(slug="sbo").name == "SBO (FWO)"  # all or nothing


def test_admin_edit_is_versioned(catalogue, client_for, cora):
    cora.is_superuser = True
    cora.save()
    sbo = Instrument.objects.get(slug="sbo")
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    from loket.instruments.admin import InstrumentAdmin

    request = RequestFactory().post("/")
    request.user = cora
    sbo.summary = "Nieuw"
    InstrumentAdmin(Instrument, site).save_model(request, sbo, None, change=True)
    entry = ChangeLog.objects.filter(via="admin").get()
    assert entry.user == cora and entry.changes["summary"][1] == "Nieuw"


def test_burden_reports_private_summary_public(catalogue, client_for, anna, chloe):
    sbo = Instrument.objects.get(slug="kmo-portefeuille")
    response = client_for(anna).post(
        "/instruments/burden/",
        {
            "instrument": sbo.pk,
            "role": "applicant",
            "applied_on": "2025-03-01",
            "hours_spent": "12",
            "documents": "4",
            "days_to_decision": "30",
            "comment": "SECRET-ACME-NOTE",
        },
    )
    assert response.status_code == 302
    client_for(anna).post(
        "/instruments/burden/",
        {
            "instrument": sbo.pk,
            "role": "applicant",
            "applied_on": "2026-03-01",
            "hours_spent": "6",
            "documents": "2",
            "comment": "",
        },
    )
    assert BurdenReport.objects.count() == 2
    html = client_for(chloe).get("/instruments/burden/").content.decode()
    assert "SECRET-ACME-NOTE" not in html
    assert "-50%" in html and ("12.0" in html or "12,0" in html)
    assert "SECRET-ACME-NOTE" in client_for(anna).get("/instruments/burden/").content.decode()
    assert client_for(None).post("/instruments/burden/", {"instrument": sbo.pk}).status_code == 404


def test_api_lists_catalogue_and_calls(catalogue, client):
    data = client.get("/api/v1/instruments/?level=european").json()
    assert any(i["slug"] == "horizon-europe" for i in data["items"])
    assert client.get("/api/v1/instruments/calls").status_code == 200
    assert client.get("/api/v1/instruments/sbo").json()["funder"] == "iwt"
    assert client.get("/api/v1/instruments/nope").status_code == 404


def test_burden_report_for_a_chosen_own_organisation_only(catalogue, client_for, anna, org_b):
    from loket.organisations.models import Membership

    Membership.objects.create(user=anna, organisation=org_b, role="member")
    instrument = Instrument.objects.get(slug="kmo-portefeuille")
    report = {
        "instrument": instrument.pk,
        "role": "intermediary",
        "applied_on": "2025-05-01",
        "hours_spent": "3",
        "documents": "1",
    }
    response = client_for(anna).post("/instruments/burden/", {**report, "organisation": org_b.pk})
    assert response.status_code == 302
    assert BurdenReport.objects.get().organisation == org_b
    from loket.organisations.models import Organisation

    stranger = Organisation.objects.create(name="Stranger", org_type="company")
    response = client_for(anna).post(
        "/instruments/burden/", {**report, "organisation": stranger.pk}
    )
    assert response.status_code == 200  # a form error, nothing stored
    assert BurdenReport.objects.count() == 1
