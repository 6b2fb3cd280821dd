"""XLSX next to every CSV export: formula cells neutralised, numbers kept as numbers."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from loket.instruments.models import Instrument
from loket.instruments.services import catalogue_load
from loket.instruments.tests.test_transparency import load_fixture
from loket.lib.spreadsheet import xlsx_bytes

DANGEROUS = ["=1+2", '=HYPERLINK("http://evil")', "+1", "-1+2", "@SUM(A1)", "\tTab", "\rCR"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    return load_workbook(io.BytesIO(response.content))


def _assert_no_formulas(workbook):
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_xlsx_escapes_every_dangerous_prefix_and_keeps_numbers():
    data = xlsx_bytes(
        sheets=[("t", ["text", "number"], [(text, Decimal("12.50")) for text in DANGEROUS])]
    )
    workbook = load_workbook(io.BytesIO(data))
    _assert_no_formulas(workbook)
    sheet = workbook["t"]
    values = list(sheet.iter_rows(min_row=2, values_only=True))
    # XML stores a lone CR as a line feed; the escape is what matters.
    assert [v[0] for v in values] == ["'" + text.replace("\r", "\n") for text in DANGEROUS]
    assert all(v[1] == 12.5 for v in values)


def test_xlsx_drops_control_characters_instead_of_failing():
    data = xlsx_bytes(sheets=[("t", ["a"], [("bell\x07 and nul\x00",)])])
    sheet = load_workbook(io.BytesIO(data))["t"]
    assert sheet["A2"].value == "bell and nul"


@pytest.mark.django_db
def test_transparency_xlsx_matches_the_figures(client):
    load_fixture()
    from loket.organisations.models import Organisation

    Organisation.objects.filter(name="Alpha").update(name="=cmd|'/c calc'!A0")
    workbook = _workbook(client.get("/instruments/transparency/?country=BE&format=xlsx"))
    _assert_no_formulas(workbook)
    rows = list(workbook.worksheets[0].iter_rows(min_row=2, values_only=True))
    figures = {(d, v): amount for d, v, amount, _count, _share in rows}
    assert figures[("org_type", "PRC")] == 850000
    assert figures[("programme", "H2020")] == 1050000
    assert figures[("sme", "sme")] == 500000
    assert isinstance(figures[("org_type", "PRC")], int | float)
    top = list(workbook.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert top[0][1] == "'=cmd|'/c calc'!A0" and top[0][2] == 600000
    scope = list(workbook.worksheets[2].iter_rows(min_row=2, values_only=True))
    assert scope[0][2] == 1150000 and scope[0][3] == 4


@pytest.mark.django_db
def test_drilldown_rows_xlsx_sum_to_the_figure(client):
    load_fixture()
    response = client.get(
        "/instruments/transparency/rows/?dimension=org_type&value=PRC&country=BE&format=xlsx"
    )
    rows = list(_workbook(response).active.iter_rows(min_row=2, values_only=True))
    assert sum(r[-1] for r in rows) == 850000
    assert {r[4] for r in rows} == {"Alpha", "Epsilon"}


@pytest.mark.django_db
def test_curator_xlsx_export_escapes_and_keeps_numbers(client_for, cora):
    catalogue_load()
    Instrument.objects.filter(slug="sbo").update(summary='=HYPERLINK("http://evil")')
    Instrument.objects.filter(slug="icon").update(short_name="-1+2", summary="@SUM(A1)")
    workbook = _workbook(client_for(cora).get("/instruments/curate/export.xlsx"))
    _assert_no_formulas(workbook)
    sheet = workbook.active
    header = [c.value for c in sheet[1]]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(2, values_only=True)}
    assert rows["sbo"]["summary"] == '\'=HYPERLINK("http://evil")'
    assert rows["icon"]["short_name"] == "'-1+2"
    assert rows["oo-subsidie"]["amount_max"] == 3000000
    assert rows["oo-subsidie"]["funding_rate_min"] == 25
    for table in ("modalities", "rules"):
        response = client_for(cora).get(f"/instruments/curate/export.xlsx?table={table}")
        assert _workbook(response).active.max_row > 10


@pytest.mark.parametrize("who", [None, "chloe", "ivo"])
@pytest.mark.django_db
def test_curator_exports_404_for_others(client_for, request, who):
    catalogue_load()
    user = request.getfixturevalue(who) if who else None
    for url in (
        "/instruments/curate/export.xlsx",
        "/instruments/curate/export.csv?table=rules",
        "/instruments/curate/export.xlsx?table=modalities",
    ):
        response = client_for(user).get(url)
        assert response.status_code == 404
        assert b"slug" not in response.content
