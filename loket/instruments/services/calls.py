"""Import of EU call topics from the Funding & Tenders snapshot, with mojibake repair."""

from __future__ import annotations

import datetime
import gzip
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import ftfy
from django.conf import settings
from django.utils import timezone

from loket.instruments import catalogue
from loket.instruments.models import (
    CallTopic,
    Instrument,
)

# --- EU call topics ---------------------------------------------------------------------------

_MARKUP_PREFIX = re.compile(r'^\s*"?\s*>\s*')
_TAG = re.compile(r"<[^>]{0,200}>")
_HEADING_RUN = re.compile(
    r"(?<=[a-z0-9.)])(?=(General conditions|Conditions|\d\. [A-Z]|Admissibility|Eligible countries|"
    r"Other eligibility|Financial and operational|Evaluation and award|Legal and financial|"
    r"Call document|Application form|Additional documents))"
)


def text_repair(value: Any) -> str:
    """Undo UTF-8-read-as-Windows-1252 mojibake ("â€™" → "’") and normalise whitespace."""
    if not value:
        return ""
    return ftfy.fix_text(str(value), uncurl_quotes=False, normalization="NFC").strip()


def conditions_clean(value: Any) -> str:
    """Strip the stray `">` markup and tags, and put run-together headings on their own line."""
    text = _TAG.sub(" ", _MARKUP_PREFIX.sub("", text_repair(value)))
    text = _HEADING_RUN.sub("\n", text)
    return re.sub(r"[ \t]+", " ", text).strip()


def _decimal(value: Any) -> Decimal | None:
    if value in (None, "", 0, "0"):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number > 0 else None


def _date(value: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


@dataclass
class ImportReport:
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    repaired: int = 0
    malformed: list[str] = field(default_factory=list)


def _topic_values(
    record: dict[str, Any],
    instruments: dict[str, Instrument],
    previous: CallTopic | None = None,
) -> dict[str, Any]:
    title_original = str(record.get("title") or "")
    description_original = str(record.get("description") or "")
    conditions_original = str(record.get("topicConditions") or "")
    status = str(record.get("callStatus") or "").lower()
    if status not in {"open", "forthcoming", "closed"}:
        raise ValueError(f"unknown callStatus {status!r}")
    expected = record.get("expectedGrants")
    same = previous is not None and (
        previous.title_original,
        previous.description_original,
        previous.conditions_original,
    ) == (title_original, description_original, conditions_original)
    if same:
        # The repair is deterministic: unchanged originals keep their stored repair, which makes
        # a re-run of the import quick (ftfy is the expensive part).
        title, description = previous.title, previous.description  # type: ignore[union-attr]
        conditions, repaired = previous.conditions, previous.repaired  # type: ignore[union-attr]
    else:
        title = text_repair(title_original) or str(record.get("topicId"))
        description = text_repair(description_original)
        conditions = conditions_clean(conditions_original)
        repaired = (
            title != title_original.strip()
            or description != description_original.strip()
            or text_repair(conditions_original) != conditions_original.strip()
        )
    return {
        "reference": str(record.get("reference") or "")[:60],
        "title": title,
        "title_original": title_original,
        "programme": text_repair(record.get("programme"))[:200],
        "call_identifier": str(record.get("callIdentifier") or "")[:120],
        "call_title": text_repair(record.get("callTitle")),
        "action_type": str(record.get("actionType") or "")[:100],
        "types_of_action": text_repair(record.get("typesOfAction"))[:300],
        "deadline": _date(record.get("deadline")),
        "deadline_model": str(record.get("deadlineModel") or "")[:60],
        "stage": str(record.get("stage") or "")[:40],
        "status": status,
        "budget_min": _decimal(record.get("budgetMin")),
        "budget_max": _decimal(record.get("budgetMax")),
        "expected_grants": int(expected) if isinstance(expected, int) and expected >= 0 else None,
        "keywords": text_repair(record.get("keywords")),
        "description": description,
        "description_original": description_original,
        "conditions": conditions,
        "conditions_original": conditions_original,
        "portal_url": str(record.get("portalUrl") or "")[:500],
        "instrument": instruments.get(
            catalogue.PROGRAMME_INSTRUMENTS.get(str(record.get("programme") or ""), "")
        ),
        "repaired": repaired,
    }


def calls_import(
    *,
    lines: Iterable[str],
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import call topics from JSON lines; topicId is the key, so a re-run changes nothing."""
    report = ImportReport()
    instruments = {
        i.slug: i
        for i in Instrument.objects.filter(slug__in=catalogue.PROGRAMME_INSTRUMENTS.values())
    }
    existing = {t.topic_id: t for t in CallTopic.objects.all()}
    compare = [
        f.attname
        for f in CallTopic._meta.concrete_fields
        if f.attname not in {"id", "imported_at", "topic_id"}
    ]
    now = timezone.now()
    for number, line in enumerate(lines, start=1):
        line = line.strip().lstrip("\ufeff")
        if not line:
            continue
        report.read += 1
        try:
            record = json.loads(line)
            if not isinstance(record, dict) or not record.get("topicId"):
                raise ValueError("no topicId")
            topic_id = str(record["topicId"])[:120]
            topic = existing.get(topic_id)
            values = _topic_values(record, instruments, topic)
        except (ValueError, TypeError) as exc:
            report.malformed.append(f"line {number}: {exc}")
            continue
        report.repaired += values["repaired"]
        if topic is None:
            topic = CallTopic(topic_id=topic_id, imported_at=now, **values)
            topic.save()
            existing[topic_id] = topic
            report.created += 1
        else:
            candidate = CallTopic(pk=topic.pk, topic_id=topic_id, **values)
            if all(getattr(candidate, name) == getattr(topic, name) for name in compare):
                report.unchanged += 1
            else:
                for key, value in values.items():
                    setattr(topic, key, value)
                topic.imported_at = now
                topic.save()
                report.updated += 1
        if progress is not None:
            progress(report.read)
    return report


def calls_import_file(*, path: Path, progress: Callable[[int], None] | None = None) -> ImportReport:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as handle:  # type: ignore[operator]
        return calls_import(lines=handle, progress=progress)


def default_calls_path() -> Path:
    return Path(settings.LOKET_DATA_DIR) / "eu-calls" / "topics.jsonl.gz"
