"""Loading the catalogue of the seed documents (funders, instruments, modalities, rules)."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from loket.instruments import catalogue
from loket.instruments.models import (
    ChangeAction,
    ChangeLog,
    CollaborationModality,
    EligibilityRule,
    Funder,
    Instrument,
    Modality,
    Requirement,
)
from loket.instruments.services.changelog import (
    _upsert,
)

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
