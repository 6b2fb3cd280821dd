"""The seed's Tables 1/3 and 4 regenerated from the loaded catalogue."""

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from loket.instruments.models import ChangeLog, Instrument
from loket.instruments.selectors import funder_matrix, modality_matrix
from loket.instruments.services import catalogue_load

# Transcribed from SERV advice Table 3 (same content as Table 1).
SEED_TABLE1 = {
    "obligatory": {
        "joint_application": ["TETRA", "VIS", "Landbouwprojecten", "ICON", "TINA"],
        "user_group": ["TETRA", "SBO", "VIS"],
        "participants": ["VIS", "Landbouwprojecten", "ICON", "TINA"],
        "dissemination": [],
        "spillover": ["TETRA-partners", "VIS", "Landbouwprojecten"],
    },
    "encouraged": {
        "joint_application": ["SBO", "O&O"],
        "user_group": [],
        "participants": ["O&O", "Herculesfonds & co"],
        "dissemination": ["SBO", "TETRA", "O&O", "Herculesfonds & co"],
        "spillover": ["SBO", "TETRA-open-netwerk", "O&O"],
    },
}
SEED_TABLE4 = {
    "Strategisch Basisonderzoek": "iwt",
    "TETRA (Technologietransfer)": "iwt",
    "O&O-subsidie (bedrijfssteun)": "iwt",
    "KMO-programma": "iwt",
    "Vlaams Innovatiesamenwerkingsverband": "iwt",
    "ICON-projecten": "iwt",
    "TINA-fonds (investeringsfonds)": "pmv",
    "Herculesfonds": "hercules",
    "Subsidiedatabank": "ao",
    "VON & leerplatform": "ao",
    "Oproep Ondernemerschap": "ao",
    "KMO-portefeuille": "ao",
    "Competentiepolen & Lichte structuren": "iwt",
    "Provinciale Innovatiecentra / VIN": "iwt",
    "Technology Transfer Offices": "ewi",
    "Kenniscentra / LEDs": "ao",
}


@pytest.mark.django_db
def test_modality_matrix_matches_seed_table():
    catalogue_load()
    cells = modality_matrix()["cells"]
    for requirement, columns in SEED_TABLE1.items():
        for modality, names in columns.items():
            assert sorted(cells[requirement][modality]) == sorted(names), (requirement, modality)


@pytest.mark.django_db
def test_funder_matrix_matches_seed_table4():
    catalogue_load()
    matrix = funder_matrix()
    funders = matrix["funders"]
    seen = {}
    for _group, rows in matrix["groups"]:
        for instrument, marks in rows:
            assert marks.count(True) == 1
            seen[instrument.name] = funders[marks.index(True)]
    for name, funder in SEED_TABLE4.items():
        assert seen[name] == funder
    assert len(seen) == 18
    with translation.override("en"):
        labels = [str(label) for label, _rows in matrix["groups"]]
    assert labels == [
        "Subsidies",
        "Facilities",
        "Awareness-raising",
        "Intermediaries",
    ]


@pytest.mark.django_db
def test_load_is_idempotent_and_versioned():
    catalogue_load()
    count = ChangeLog.objects.count()
    assert count > 0
    catalogue_load()
    assert ChangeLog.objects.count() == count
    sbo = Instrument.objects.get(slug="sbo")
    assert sbo.spillover_counts is False and sbo.source_document.startswith("SERV")
    assert Instrument.objects.get(slug="tetra").spillover_counts is True
    assert Instrument.objects.filter(slug__in=["h2020", "cosme", "cohesiebeleid-efro"]).count() == 3


@pytest.mark.shared_data
@pytest.mark.django_db
def test_table4_funder_columns_from_seed_text():
    """Parse Table 4 from the seed text: the number of spaces before the X gives the column."""
    path = Path(settings.LOKET_DATA_DIR).parent / "seeds" / "000_4e265ac41a49b51e.txt"
    if not path.exists():
        pytest.skip("seed documents not present")
    text = path.read_text(encoding="utf-8")
    columns = ["ewi", "iwt", "ao", "pmv", "hercules"]
    parsed = {}
    for line in text.split("Tabel 4")[1].splitlines():
        stripped = line.rstrip("\n")
        for marker in (" X", " x"):
            if marker in stripped and not stripped.strip().startswith("Subsidie &"):
                head, _sep, _tail = stripped.rpartition(marker)
                spaces = len(head) - len(head.rstrip(" ")) + 1
                parsed[head.strip()] = columns[spaces - 1]
                break
    assert parsed["Strategisch Basis Onderzoek"] == "iwt"
    assert parsed["TINA-fonds (investeringsfonds)57"] == "pmv"
    assert parsed["Herculesfonds"] == "hercules"
    assert parsed["Technology Transfer Offices"] == "ewi"
    assert parsed["Kenniscentra/LEDs"] == "ao"
    catalogue_load()
    matrix = funder_matrix()
    loaded = {
        i.short_name: columns[m.index(True)] for _g, rows in matrix["groups"] for i, m in rows
    }
    assert loaded["SBO"] == parsed["Strategisch Basis Onderzoek"]
    assert loaded["KMO-portefeuille"] == parsed["KMO-portefeuille"]
    assert loaded["TTO"] == parsed["Technology Transfer Offices"]
    assert loaded["Subsidiedatabank"] == parsed["Subsidiedatabank"]
