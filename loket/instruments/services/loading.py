"""Loading the catalogue of the seed documents (funders, instruments, modalities, rules)."""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
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
from loket.instruments.services.changelog import record_upsert
from loket.organisations.models import (
    Organisation,
    OrganisationType,
    Source,
    Visibility,
)

LOADER = "load_instruments"


@dataclass
class LoadReport:
    funders: int = 0
    instruments: int = 0
    modalities: int = 0
    rules: int = 0
    created: int = 0
    updated: int = 0
    kept_curated: int = 0
    intermediaries_created: int = 0
    intermediary_links: int = 0


class _Loader:
    """Writes seed rows unless a curator has changed them since (admin or CSV): a re-run, such
    as bootstrap_demo, never undoes a curator's work. Existing rows are read up front, so a
    second run reads a handful of tables and writes nothing."""

    def __init__(self, *, user: Any, report: LoadReport) -> None:
        self.user = user
        self.report = report
        self.curated: dict[str, set[str]] = defaultdict(set)
        for model, object_id in (
            ChangeLog.objects.exclude(via=LOADER).values_list("model", "object_id").distinct()
        ):
            self.curated[model].add(object_id)

    def is_curated(self, obj: Any) -> bool:
        return obj is not None and str(obj.pk) in self.curated[obj._meta.label]

    def upsert(self, model: type, *, lookup: dict, values: dict, current: Any) -> Any:
        if self.is_curated(current):
            self.report.kept_curated += 1
            return current
        obj, status = record_upsert(
            model, lookup=lookup, values=values, user=self.user, via=LOADER, current=current
        )
        self.report.created += status == "created"
        self.report.updated += status == "updated"
        return obj


def _rule_rows(
    loader: _Loader,
    instrument: Instrument,
    stored_rules: list[EligibilityRule],
    specs: list[tuple[str, dict, bool]],
    section: str,
) -> int:
    """Rules are replaced as a whole only when they differ from the stored ones and no curator
    has edited them."""
    stored = [(r.kind, r.params, r.is_required) for r in stored_rules]
    wanted = [(kind, json.loads(json.dumps(params)), required) for kind, params, required in specs]
    if stored == wanted:
        return len(wanted)
    if loader.is_curated(instrument) or any(loader.is_curated(r) for r in stored_rules):
        loader.report.kept_curated += 1
        return len(stored)
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
        user=loader.user if getattr(loader.user, "is_authenticated", False) else None,
        via=LOADER,
    )
    loader.report.updated += 1
    return len(wanted)


@transaction.atomic
def catalogue_load(*, user: Any = None) -> LoadReport:
    """Load every funder, instrument, modality, rule and helping intermediary of the seed
    documents; idempotent, and a curator's later edits are kept."""
    report = LoadReport()
    loader = _Loader(user=user, report=report)
    existing_funders = {f.code: f for f in Funder.objects.all()}
    funders: dict[str, Funder] = {}
    for code, name, short, level, _successor, historical in catalogue.FUNDERS:
        funders[code] = loader.upsert(
            Funder,
            lookup={"code": code},
            values={"name": name, "short_name": short, "level": level, "is_historical": historical},
            current=existing_funders.get(code),
        )
    for code, _name, _short, _level, successor_code, _historical in catalogue.FUNDERS:
        if successor_code and funders[code].successor_id != funders[successor_code].pk:
            funders[code] = loader.upsert(
                Funder,
                lookup={"code": code},
                values={"successor": funders[successor_code]},
                current=funders[code],
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
    existing = {
        i.slug: i
        for i in Instrument.objects.prefetch_related("eligibility_rules", "intermediaries")
    }
    instruments: dict[str, Instrument] = {}
    for entry in entries:
        slug = entry.pop("slug")
        specs = entry.pop("rules", [])
        continuous = entry.pop("open_continuous", False)
        instrument_funder = funders[entry.pop("funder")]
        values = {
            "funder": instrument_funder,
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
        current = existing.get(slug)
        instrument = loader.upsert(
            Instrument, lookup={"slug": slug}, values=values, current=current
        )
        if continuous:
            specs = [*specs, ("open_within", {"continuous": True}, True)]
        stored_rules = list(current.eligibility_rules.all()) if current else []
        report.rules += _rule_rows(
            loader, instrument, stored_rules, list(specs), entry["source_section"]
        )
        instruments[slug] = instrument
    report.instruments = len(instruments)

    # Modalities: the five values for every instrument of Table 1/3; unlisted cells are "not
    # applicable", listed cells obligatory or encouraged, variants kept as their own rows.
    listed: dict[tuple[str, str, str], str] = {}
    for requirement, columns in catalogue.TABLE1.items():
        for modality, cells in columns.items():
            for slug, variant in cells:
                listed[(slug, modality, variant)] = requirement
    stored_modalities = {
        (m.instrument_id, m.modality, m.variant): m for m in CollaborationModality.objects.all()
    }
    table_slugs = {slug for (slug, _m, _v) in listed}
    for slug in sorted(table_slugs):
        for modality in Modality.values:
            keys = [(s, m, v) for (s, m, v) in listed if s == slug and m == modality]
            if not keys:
                keys = [(slug, modality, "")]
            for key in keys:
                instrument = instruments[slug]
                loader.upsert(
                    CollaborationModality,
                    lookup={"instrument": instrument, "modality": modality, "variant": key[2]},
                    values={
                        "requirement": listed.get(key, Requirement.NOT_APPLICABLE),
                        "note": catalogue.MODALITY_NOTES.get((slug, modality), ""),
                        "source_section": "Tabel 1 (2.2.2.2) en Tabel 3 (bijlage 2.1)",
                    },
                    current=stored_modalities.get((instrument.pk, modality, key[2])),
                )
                report.modalities += 1
    _intermediaries_link(loader, instruments, existing)
    return report


def _intermediary_find_or_create(
    loader: _Loader, name: str, kind: str, region: str, website: str, description: str
) -> Organisation | None:
    """The organisation of that name; created (public, manual source, no contact persons) when
    missing. One of that name that is not an intermediary is left alone and not linked."""
    found = Organisation.objects.filter(name__iexact=name).order_by("pk").first()
    if found is not None:
        return found if found.org_type == OrganisationType.INTERMEDIARY else None
    organisation = Organisation(
        name=name,
        org_type=OrganisationType.INTERMEDIARY,
        intermediary_kind=kind,
        region=region,
        country="BE",
        website=website,
        description=description,
        visibility=Visibility.PUBLIC,
        source=Source.MANUAL,
    )
    organisation.full_clean()
    organisation.save()
    loader.report.intermediaries_created += 1

    def refresh() -> None:
        from loket.organisations.search import search_documents_refresh

        search_documents_refresh(organisation_ids=[organisation.pk])

    transaction.on_commit(refresh)
    return organisation


def _intermediaries_link(
    loader: _Loader, instruments: dict[str, Instrument], existing: dict[str, Instrument]
) -> None:
    wanted: dict[str, list[Organisation]] = defaultdict(list)
    for name, kind, region, website, description, slugs, _source in catalogue.INTERMEDIARIES:
        organisation = _intermediary_find_or_create(
            loader, name, kind, region, website, description
        )
        if organisation is None:
            continue
        for slug in slugs:
            wanted[slug].append(organisation)
    for slug, organisations in wanted.items():
        instrument = instruments[slug]
        before = (
            {o.pk for o in existing[slug].intermediaries.all()}
            if slug in existing
            else set(instrument.intermediaries.values_list("pk", flat=True))
        )
        missing = [o for o in organisations if o.pk not in before]
        if not missing:
            continue
        if loader.is_curated(instrument):
            loader.report.kept_curated += 1
            continue
        instrument.intermediaries.add(*missing)
        loader.report.intermediary_links += len(missing)
        ChangeLog.objects.create(
            model=Instrument._meta.label,
            object_id=str(instrument.pk),
            object_repr=str(instrument)[:300],
            action=ChangeAction.UPDATE,
            changes={"intermediaries": [sorted(before), sorted(before | {o.pk for o in missing})]},
            user=loader.user if getattr(loader.user, "is_authenticated", False) else None,
            via=LOADER,
        )
