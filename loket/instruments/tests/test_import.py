import gzip
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from loket.instruments.models import CallTopic
from loket.instruments.services import calls_import, catalogue_load

RECORD = {
    "reference": "1TOPICSen",
    "topicId": "HORIZON-CL5-2026-D3-01",
    "title": "Smart grids for Europeâ€™s ports",
    "programme": "Horizon Europe",
    "callStatus": "open",
    "deadline": "2099-02-01",
    "budgetMin": 3000000,
    "budgetMax": 0,
    "description": "The beneficiariesâ€™ costs â€” all of them.",
    "topicConditions": '">General conditions1. Admissibility conditionsThe â€œrulesâ€\x9d apply.',
}


def lines(*records):
    return [json.dumps(r) for r in records]


@pytest.mark.django_db
def test_mojibake_repaired_original_kept_markup_stripped():
    catalogue_load()
    report = calls_import(lines=lines(RECORD))
    assert report.created == 1
    topic = CallTopic.objects.get(topic_id="HORIZON-CL5-2026-D3-01")
    assert topic.title == "Smart grids for Europe’s ports"
    assert topic.title_original == RECORD["title"]
    assert "beneficiaries’ costs — all" in topic.description
    assert "â€" in topic.description_original
    assert not topic.conditions.startswith('">')
    assert "“rules”" in topic.conditions
    assert "\n1. Admissibility" in topic.conditions
    assert topic.budget_max is None and topic.budget_min == 3000000
    assert topic.instrument.slug == "horizon-europe"
    assert topic.repaired


@pytest.mark.django_db
def test_import_is_idempotent_and_reports_malformed_lines():
    first = calls_import(lines=[*lines(RECORD), "{not json", json.dumps({"title": "no id"})])
    assert first.created == 1 and len(first.malformed) == 2
    assert "line 2" in first.malformed[0]
    second = calls_import(lines=lines(RECORD))
    assert (second.created, second.updated, second.unchanged) == (0, 0, 1)
    changed = dict(RECORD, title="New title")
    third = calls_import(lines=lines(changed))
    assert third.updated == 1
    assert CallTopic.objects.count() == 1


@pytest.mark.django_db
def test_command_reads_gzip(tmp_path, capsys):
    path = tmp_path / "topics.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines(RECORD)) + "\n")
    call_command("import_eu_calls", str(path))
    assert "1 created" in capsys.readouterr().out


@pytest.mark.shared_data
@pytest.mark.django_db
def test_real_topics_file():
    path = Path(settings.LOKET_DATA_DIR) / "eu-calls" / "topics.jsonl.gz"
    if not path.exists():
        pytest.skip("shared EU call data not present")
    catalogue_load()
    call_command("import_eu_calls")
    assert CallTopic.objects.count() == 629
    assert not CallTopic.objects.filter(description__contains="â€").exists()
    assert CallTopic.objects.filter(description_original__contains="â€").count() > 400
    assert not CallTopic.objects.filter(conditions__startswith='">').exists()
    call_command("import_eu_calls")
    assert CallTopic.objects.count() == 629
