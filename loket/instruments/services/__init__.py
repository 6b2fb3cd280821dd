"""Writes for the instruments app: catalogue loading, EU call import, wizard runs, burden reports,
curator CSV import. Every change to catalogue data is written to ChangeLog (who, when, what)."""

from __future__ import annotations

import csv
import datetime
import gzip
import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import ftfy
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.instruments import catalogue, rules
from loket.instruments.models import (
    BurdenReport,
    CallTopic,
    ChangeAction,
    ChangeLog,
    CollaborationModality,
    EligibilityRule,
    Funder,
    Instrument,
    Modality,
    Requirement,
    WizardResult,
)
from loket.lib.errors import ApplicationError

# --- change log -------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.date):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def _snapshot(obj: models.Model) -> dict[str, Any]:
    return {
        f.attname: _jsonable(getattr(obj, f.attname))
        for f in obj._meta.concrete_fields
        if f.attname not in {"updated_at", "imported_at"}
    }


def change_record(
    *,
    obj: models.Model,
    action: str,
    before: dict[str, Any] | None = None,
    user: Any = None,
    via: str = "",
) -> ChangeLog | None:
    """Write one ChangeLog row; for an update only when a field really changed."""
    after = _snapshot(obj) if action != ChangeAction.DELETE else {}
    if action == ChangeAction.UPDATE:
        changes = {
            key: [before.get(key) if before else None, value]
            for key, value in after.items()
            if before is None or before.get(key) != value
        }
        if not changes:
            return None
    elif action == ChangeAction.CREATE:
        changes = {key: [None, value] for key, value in after.items()}
    else:
        changes = {key: [value, None] for key, value in (before or {}).items()}
    return ChangeLog.objects.create(
        model=obj._meta.label,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        action=action,
        changes=changes,
        user=user if getattr(user, "is_authenticated", False) else None,
        via=via,
    )


def _upsert(
    model: type[models.Model],
    *,
    lookup: dict[str, Any],
    values: dict[str, Any],
    user: Any,
    via: str,
) -> tuple[models.Model, bool]:
    """Create or update with a change-log entry; unchanged rows write nothing."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        change_record(obj=obj, action=ChangeAction.CREATE, user=user, via=via)
        return obj, True
    before = _snapshot(obj)
    for key, value in values.items():
        setattr(obj, key, value)
    if _snapshot(obj) != before:
        obj.full_clean()
        obj.save()
        change_record(obj=obj, action=ChangeAction.UPDATE, before=before, user=user, via=via)
    return obj, False


# --- catalogue --------------------------------------------------------------------------------


@dataclass
class LoadReport:
    funders: int = 0
    instruments: int = 0
    modalities: int = 0
    rules: int = 0
    created: int = 0


def _rule_rows(instrument: Instrument, specs: list[tuple[str, dict, bool]], section: str) -> int:
    """Rules are replaced as a whole only when they differ from the stored ones."""
    stored = [
        (r.kind, r.params, r.is_required) for r in instrument.eligibility_rules.order_by("position")
    ]
    wanted = [(kind, json.loads(json.dumps(params)), required) for kind, params, required in specs]
    if stored == wanted:
        return len(wanted)
    instrument.eligibility_rules.all().delete()
    for position, (kind, params, required) in enumerate(wanted):
        rule = EligibilityRule(
            instrument=instrument,
            kind=kind,
            params=params,
            is_required=required,
            source_section=section,
            position=position,
        )
        rule.full_clean()
        rule.save()
    ChangeLog.objects.create(
        model=EligibilityRule._meta.label,
        object_id=str(instrument.pk),
        object_repr=f"{instrument}: rules",
        action=ChangeAction.UPDATE,
        changes={"rules": [stored, wanted]},
        via="load_instruments",
    )
    return len(wanted)


@transaction.atomic
def catalogue_load(*, user: Any = None) -> LoadReport:
    """Load every funder, instrument, modality and rule of the seed documents; idempotent."""
    via = "load_instruments"
    report = LoadReport()
    funders: dict[str, Funder] = {}
    for code, name, short, level, _successor, historical in catalogue.FUNDERS:
        funders[code], created = _upsert(
            Funder,
            lookup={"code": code},
            values={"name": name, "short_name": short, "level": level, "is_historical": historical},
            user=user,
            via=via,
        )
        report.created += created
    for code, *_rest in catalogue.FUNDERS:
        successor_code = _rest[3]
        if successor_code and funders[code].successor_id != funders[successor_code].pk:
            _upsert(
                Funder,
                lookup={"code": code},
                values={"successor": funders[successor_code]},
                user=user,
                via=via,
            )
    report.funders = len(funders)

    entries: list[dict[str, Any]] = []
    for slug, name, short, category, funder, _group in catalogue.TABLE4:
        detail = dict(catalogue.DETAILS.get(slug, {}))
        entries.append(
            {
                "slug": slug,
                "name": name,
                "short_name": short,
                "category": category,
                "funder": funder,
                "level": "flemish",
                "source_document": catalogue.SERV,
                "source_section": detail.pop("source_section", "Bijlage 2, Tabel 4"),
                **detail,
            }
        )
    for (
        slug,
        name,
        short,
        category,
        funder,
        level,
        doc,
        section,
        summary,
        groups,
        specs,
    ) in catalogue.OTHER:
        entries.append(
            {
                "slug": slug,
                "name": name,
                "short_name": short,
                "category": category,
                "funder": funder,
                "level": level,
                "source_document": doc,
                "source_section": section,
                "summary": summary,
                "target_groups": groups,
                "rules": specs,
            }
        )
    instruments: dict[str, Instrument] = {}
    for entry in entries:
        slug = entry.pop("slug")
        specs = entry.pop("rules", [])
        continuous = entry.pop("open_continuous", False)
        funder = funders[entry.pop("funder")]
        values = {
            "funder": funder,
            "is_historical": slug in catalogue.HISTORICAL,
            "spillover_counts": catalogue.SPILLOVER_COUNTS.get(slug),
            "source_date": (
                datetime.date.fromisoformat(catalogue.SERV_DATE)
                if entry["source_document"] == catalogue.SERV
                else None
            ),
            **{
                key: Decimal(str(value)) if key.startswith(("amount_", "funding_rate_")) else value
                for key, value in entry.items()
            },
        }
        instrument, created = _upsert(
            Instrument, lookup={"slug": slug}, values=values, user=user, via=via
        )
        report.created += created
        if continuous:
            specs = [*specs, ("open_within", {"continuous": True}, True)]
        report.rules += _rule_rows(instrument, list(specs), entry["source_section"])
        instruments[slug] = instrument
    report.instruments = len(instruments)

    # Modalities: the five values for every instrument of Table 1/3; unlisted cells are "not
    # applicable", listed cells obligatory or encouraged, variants kept as their own rows.
    listed: dict[tuple[str, str, str], str] = {}
    for requirement, columns in catalogue.TABLE1.items():
        for modality, cells in columns.items():
            for slug, variant in cells:
                listed[(slug, modality, variant)] = requirement
    table_slugs = {slug for (slug, _m, _v) in listed}
    for slug in sorted(table_slugs):
        for modality in Modality.values:
            keys = [(s, m, v) for (s, m, v) in listed if s == slug and m == modality]
            if not keys:
                keys = [(slug, modality, "")]
            for key in keys:
                _upsert(
                    CollaborationModality,
                    lookup={
                        "instrument": instruments[slug],
                        "modality": modality,
                        "variant": key[2],
                    },
                    values={
                        "requirement": listed.get(key, Requirement.NOT_APPLICABLE),
                        "note": catalogue.MODALITY_NOTES.get((slug, modality), ""),
                        "source_section": "Tabel 1 (2.2.2.2) en Tabel 3 (bijlage 2.1)",
                    },
                    user=user,
                    via=via,
                )
                report.modalities += 1
    return report


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


def _topic_values(record: dict[str, Any], instruments: dict[str, Instrument]) -> dict[str, Any]:
    title_original = str(record.get("title") or "")
    description_original = str(record.get("description") or "")
    conditions_original = str(record.get("topicConditions") or "")
    status = str(record.get("callStatus") or "").lower()
    if status not in {"open", "forthcoming", "closed"}:
        raise ValueError(f"unknown callStatus {status!r}")
    expected = record.get("expectedGrants")
    title = text_repair(title_original)
    description = text_repair(description_original)
    return {
        "reference": str(record.get("reference") or "")[:60],
        "title": title or str(record.get("topicId")),
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
        "conditions": conditions_clean(conditions_original),
        "conditions_original": conditions_original,
        "portal_url": str(record.get("portalUrl") or "")[:500],
        "instrument": instruments.get(
            catalogue.PROGRAMME_INSTRUMENTS.get(str(record.get("programme") or ""), "")
        ),
        "repaired": (
            title != title_original.strip()
            or description != description_original.strip()
            or text_repair(conditions_original) != conditions_original.strip()
        ),
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
            values = _topic_values(record, instruments)
        except (ValueError, TypeError) as exc:
            report.malformed.append(f"line {number}: {exc}")
            continue
        report.repaired += values["repaired"]
        topic = existing.get(topic_id)
        with transaction.atomic():
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


def instruments_bootstrap() -> dict[str, Any]:
    """Load the catalogue and, when the shared data is present, the EU calls. Idempotent."""
    load = catalogue_load()
    result: dict[str, Any] = {"instruments": load.instruments, "calls": None}
    path = default_calls_path()
    if path.exists():
        report = calls_import_file(path=path)
        result["calls"] = {
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "malformed": len(report.malformed),
        }
    return result


# --- wizard -----------------------------------------------------------------------------------


def _rule_specs(instrument: Instrument) -> list[rules.RuleSpec]:
    specs = [
        rules.RuleSpec(r.kind, r.params or {}, r.is_required)
        for r in instrument.eligibility_rules.all()
    ]
    windows = [w for w in instrument.call_windows or [] if isinstance(w, dict) and w.get("closes")]
    if windows and not any(s.kind == "open_within" for s in specs):
        specs.append(rules.RuleSpec("open_within", {"windows": windows}, True))
    return specs


def wizard_evaluate(*, answers: rules.Answers, today: datetime.date | None = None) -> list[dict]:
    """Rank every current instrument for these answers; each with explanations in the active
    language and, for failing consortium rules, the partner that would help."""
    today = today or timezone.localdate()
    instruments = list(
        Instrument.objects.current().select_related("funder").prefetch_related("eligibility_rules")
    )
    candidates = [(i, _rule_specs(i)) for i in instruments]
    ranked = rules.rank([c for c in candidates if c[1]], answers, today=today)
    results = []
    for evaluation in ranked:
        instrument = evaluation.key
        results.append(
            {
                "slug": instrument.slug,
                "name": instrument.name,
                "funder": str(instrument.funder),
                "level": instrument.level,
                "eligible": evaluation.eligible,
                "score": round(evaluation.score, 3),
                "reasons": [
                    {
                        "kind": o.kind,
                        "passed": o.passed,
                        "required": o.required,
                        "text": o.message.render(_),
                        "suggestion": o.suggestion.message.render(_) if o.suggestion else "",
                        "partner_type": o.suggestion.partner_type if o.suggestion else "",
                        "needs_sme": bool(o.suggestion and o.suggestion.needs_sme),
                    }
                    for o in evaluation.outcomes
                ],
            }
        )
    return results


def wizard_result_create(*, answers: dict[str, Any], user: Any = None) -> WizardResult:
    parsed = wizard_answers_parse(answers)
    result = WizardResult(
        answers=answers,
        results=wizard_evaluate(answers=parsed),
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    result.full_clean()
    result.save()
    return result


def wizard_answers_parse(data: dict[str, Any]) -> rules.Answers:
    """Cleaned form data (plain JSON) → the engine's Answers."""
    partners = tuple(
        rules.Partner(
            org_type=p.get("org_type", ""),
            country=p.get("country", ""),
            is_sme=p.get("is_sme"),
            cost_share=p.get("cost_share"),
        )
        for p in data.get("partners", [])
        if p.get("org_type") and p.get("country")
    )
    return rules.Answers(
        org_type=data.get("org_type", ""),
        size_class=data.get("size_class", ""),
        country=data.get("country", "BE") or "BE",
        region=data.get("region", ""),
        stage=data.get("stage", ""),
        budget=float(data["budget"]) if data.get("budget") is not None else None,
        theme=data.get("theme", ""),
        months_until_start=data.get("months_until_start"),
        own_cost_share=data.get("own_cost_share"),
        partners=partners,
    )


# --- burden -----------------------------------------------------------------------------------


def burden_report_create(
    *, user: Any, organisation: Any, instrument: Instrument, **values: Any
) -> BurdenReport:
    if not organisation.memberships.filter(user=user).exists():
        raise ApplicationError(_("You can only report for an organisation you belong to."))
    report = BurdenReport(instrument=instrument, organisation=organisation, reporter=user, **values)
    try:
        report.full_clean()
    except ValidationError as exc:
        raise ApplicationError("; ".join(exc.messages)) from exc
    report.save()
    return report


# --- curator CSV --------------------------------------------------------------------------------

CSV_FIELDS = [
    "slug",
    "name",
    "short_name",
    "funder",
    "level",
    "category",
    "summary",
    "target_groups",
    "themes",
    "funding_rate_min",
    "funding_rate_max",
    "amount_min",
    "amount_max",
    "website",
    "source_document",
    "source_section",
    "source_url",
    "source_date",
    "valid_from",
    "valid_until",
    "is_historical",
]
CSV_MAX_BYTES = 2 * 1024 * 1024


def _parse_csv_value(name: str, raw: str) -> Any:
    raw = raw.strip()
    if raw.startswith("'") and raw[1:2] in {"=", "+", "-", "@", "\t", "\r"}:
        raw = raw[1:]  # undo the export's formula escape
    if name in {"target_groups", "themes"}:
        return [part.strip() for part in raw.split(";") if part.strip()]
    if name in {"funding_rate_min", "funding_rate_max", "amount_min", "amount_max"}:
        return Decimal(raw) if raw else None
    if name in {"source_date", "valid_from", "valid_until"}:
        return datetime.date.fromisoformat(raw) if raw else None
    if name == "is_historical":
        return raw.lower() in {"1", "true", "yes", "ja"}
    return raw


@dataclass
class CsvImportReport:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def instruments_csv_import(*, data: bytes, user: Any) -> CsvImportReport:
    """All rows or none: any error leaves the catalogue unchanged and lists every problem."""
    if len(data) > CSV_MAX_BYTES:
        raise ApplicationError(_("The file is larger than 2 MB."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApplicationError(_("The file is not UTF-8 text.")) from exc
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "slug" not in reader.fieldnames:
        raise ApplicationError(_("The CSV needs a header row with at least a 'slug' column."))
    unknown = set(reader.fieldnames) - set(CSV_FIELDS)
    if unknown:
        raise ApplicationError(
            _("Unknown columns: %(cols)s") % {"cols": ", ".join(sorted(unknown))}
        )
    funders = {f.code: f for f in Funder.objects.all()}
    report = CsvImportReport()
    try:
        with transaction.atomic():
            for number, row in enumerate(reader, start=2):
                try:
                    values = {
                        name: _parse_csv_value(name, row.get(name) or "")
                        for name in reader.fieldnames
                        if name != "slug"
                    }
                    if "funder" in values:
                        code = values.pop("funder")
                        if code not in funders:
                            raise ValueError(_("unknown funder %(code)s") % {"code": code})
                        values["funder"] = funders[code]
                    _obj, created = _upsert(
                        Instrument,
                        lookup={"slug": (row.get("slug") or "").strip()},
                        values=values,
                        user=user,
                        via="csv",
                    )
                    if created:
                        report.created += 1
                    else:
                        report.updated += 1
                except (ValueError, ValidationError, InvalidOperation) as exc:
                    message = (
                        "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                    )
                    report.errors.append(f"{_('row')} {number}: {message}")
            if report.errors:
                raise _Rollback
    except _Rollback:
        report.created = report.updated = 0
    return report


class _Rollback(Exception):
    pass
