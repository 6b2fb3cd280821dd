"""Reads for the instruments app: faceted catalogue, matrices (SERV Tables 1/3 and 4), calls."""

from __future__ import annotations

import datetime
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from loket.instruments import catalogue
from loket.instruments.models import (
    BurdenReport,
    CallTopic,
    CollaborationModality,
    EligibilityRule,
    Instrument,
    Modality,
    Requirement,
    WizardResult,
)
from loket.organisations.models import Organisation, OrganisationType

FACETS = ["level", "category", "funder", "target_group"]
GROUP_LABELS = {
    "subsidies": _("Subsidies"),
    "facilities": _("Facilities"),
    "awareness": _("Awareness-raising"),
    "intermediaries": _("Intermediaries"),
}


def instrument_list(
    *, filters: dict[str, list[str]], q: str = "", historical: bool = False
) -> QuerySet[Instrument]:
    qs = Instrument.objects.select_related("funder").order_by("name")
    if not historical:
        qs = qs.current()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(short_name__icontains=q) | Q(summary__icontains=q))
    if filters.get("level"):
        qs = qs.filter(level__in=filters["level"])
    if filters.get("category"):
        qs = qs.filter(category__in=filters["category"])
    if filters.get("funder"):
        qs = qs.filter(funder__code__in=filters["funder"])
    return qs


def instrument_facets(
    *, instruments: list[Instrument], target_groups: list[str]
) -> tuple[list[Instrument], dict[str, Counter]]:
    """Filter on target groups in Python (JSON list) and count every facet over the result."""
    if target_groups:
        instruments = [i for i in instruments if set(i.target_groups or []) & set(target_groups)]
    counts: dict[str, Counter] = {name: Counter() for name in FACETS}
    for instrument in instruments:
        counts["level"][instrument.level] += 1
        counts["category"][instrument.category] += 1
        counts["funder"][instrument.funder.code] += 1
        for group in instrument.target_groups or []:
            counts["target_group"][group] += 1
    return instruments, counts


def instrument_get(*, slug: str) -> Instrument:
    """Public catalogue: every instrument, historical ones included, is visible to everyone."""
    instrument = (
        Instrument.objects.select_related("funder", "funder__successor")
        .prefetch_related("modalities", "eligibility_rules")
        .filter(slug=slug)
        .first()
    )
    if instrument is None:
        raise Http404
    return instrument


def instruments_for_comparison(*, slugs: list[str]) -> list[Instrument]:
    slugs = slugs[:3]
    found = {
        i.slug: i
        for i in Instrument.objects.select_related("funder")
        .prefetch_related("modalities", "eligibility_rules")
        .filter(slug__in=slugs)
    }
    return [found[s] for s in slugs if s in found]


def modality_matrix() -> dict[str, Any]:
    """SERV Table 1/3 regenerated: rows obligatory/encouraged, columns the five modalities,
    each cell the labels of the instruments (or variants) in it."""
    cells: dict[str, dict[str, list[str]]] = {
        req: {m: [] for m in Modality.values}
        for req in (Requirement.OBLIGATORY, Requirement.ENCOURAGED)
    }
    rows = (
        CollaborationModality.objects.select_related("instrument")
        .exclude(requirement=Requirement.NOT_APPLICABLE)
        .order_by("pk")
    )
    for row in rows:
        cells[row.requirement][row.modality].append(row.label)
    return {
        "modalities": Modality.choices,
        "rows": [
            (req, Requirement(req).label, [cells[req][m] for m in Modality.values]) for req in cells
        ],
        "cells": cells,
    }


def funder_matrix() -> dict[str, Any]:
    """SERV Table 4 regenerated: instruments grouped by kind, with an X under the funder."""
    groups = {
        "subsidies": ["subsidy", "investment"],
        "facilities": ["facility"],
        "awareness": ["awareness"],
        "intermediaries": ["intermediary"],
    }
    table4 = [slug for slug, *_ in catalogue.TABLE4]
    instruments = {
        i.slug: i for i in Instrument.objects.select_related("funder").filter(slug__in=table4)
    }
    rows: dict[str, list[tuple[Instrument, list[bool]]]] = defaultdict(list)
    for slug in table4:
        instrument = instruments.get(slug)
        if instrument is None:
            continue
        group = next(g for g, cats in groups.items() if instrument.category in cats)
        rows[group].append(
            (instrument, [instrument.funder.code == f for f in catalogue.TABLE4_FUNDERS])
        )
    return {
        "funders": catalogue.TABLE4_FUNDERS,
        "groups": [(GROUP_LABELS[g], rows[g]) for g in groups],
    }


def call_list(
    *, q: str = "", programme: str = "", today: datetime.date, include_closed: bool = False
) -> QuerySet[CallTopic]:
    qs = CallTopic.objects.all() if include_closed else CallTopic.objects.upcoming(today)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(topic_id__icontains=q) | Q(keywords__icontains=q))
    if programme:
        qs = qs.filter(programme=programme)
    return qs.defer("description_original", "conditions_original", "description", "conditions")


def call_get(*, topic_id: str) -> CallTopic:
    topic = CallTopic.objects.select_related("instrument").filter(topic_id=topic_id).first()
    if topic is None:
        raise Http404
    return topic


@dataclass(frozen=True)
class Deadline:
    """One closing date in the calendar: an EU call topic or a call window of an instrument."""

    date: datetime.date
    title: str
    url: str
    source: str
    uid: str


def deadlines_upcoming(*, today: datetime.date) -> list[Deadline]:
    """EU call topic deadlines and the instruments' own call windows, soonest first; two queries
    whatever the number of rows."""
    deadlines = [
        Deadline(
            date=topic.deadline,
            title=topic.title,
            url=reverse("instruments:call-detail", args=[topic.topic_id]),
            source=topic.programme,
            uid=topic.topic_id,
        )
        for topic in call_list(today=today).exclude(deadline=None)
        if topic.deadline is not None
    ]
    for instrument in Instrument.objects.current().select_related("funder").order_by("slug"):
        for number, window in enumerate(call_windows(instrument=instrument)):
            if window["closes"] >= today:
                deadlines.append(
                    Deadline(
                        date=window["closes"],
                        title=f"{instrument.name}: {window['label']}".rstrip(": "),
                        url=reverse("instruments:instrument-detail", args=[instrument.slug]),
                        source=str(instrument.funder),
                        uid=f"{instrument.slug}-{window['closes']:%Y%m%d}-{number}",
                    )
                )
    return sorted(deadlines, key=lambda d: (d.date, d.title))


def call_calendar(*, today: datetime.date) -> list[tuple[str, list[Deadline]]]:
    months: dict[str, list[Deadline]] = defaultdict(list)
    for deadline in deadlines_upcoming(today=today):
        months[deadline.date.strftime("%Y-%m")].append(deadline)
    return sorted(months.items())


def wizard_result_get(*, token: str) -> WizardResult:
    """Shared by link: whoever holds the unguessable token may see the result."""
    result = WizardResult.objects.filter(token=token).first() if len(token) <= 32 else None
    if result is None:
        raise Http404
    return result


def burden_summary() -> list[dict[str, Any]]:
    """Per instrument and year: reports, mean hours, documents, days to decision.
    The first year with reports is the zero measurement; later years show the evolution."""
    stats: dict[tuple[int, int], dict[str, Any]] = {}
    rows = BurdenReport.objects.select_related("instrument").order_by("instrument__name")
    for report in rows:
        key = (report.instrument_id, report.applied_on.year)
        entry = stats.setdefault(
            key,
            {
                "instrument": report.instrument,
                "year": report.applied_on.year,
                "n": 0,
                "hours": 0.0,
                "documents": 0,
                "days": [],
                "applicant": 0,
                "intermediary": 0,
            },
        )
        entry["n"] += 1
        entry["hours"] += float(report.hours_spent)
        entry["documents"] += report.documents
        entry[report.role] += 1
        if report.days_to_decision is not None:
            entry["days"].append(report.days_to_decision)
    by_instrument: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for (instrument_id, _year), entry in sorted(stats.items(), key=lambda kv: kv[0]):
        by_instrument[instrument_id].append(
            {
                "year": entry["year"],
                "n": entry["n"],
                "applicants": entry["applicant"],
                "intermediaries": entry["intermediary"],
                "mean_hours": round(entry["hours"] / entry["n"], 1),
                "mean_documents": round(entry["documents"] / entry["n"], 1),
                "mean_days": round(sum(entry["days"]) / len(entry["days"]))
                if entry["days"]
                else None,
                "instrument": entry["instrument"],
            }
        )
    summary = []
    for years in by_instrument.values():
        zero = years[0]
        for year in years:
            year["is_zero"] = year is zero
            year["hours_change"] = (
                round((year["mean_hours"] - zero["mean_hours"]) / zero["mean_hours"] * 100)
                if zero["mean_hours"] and year is not zero
                else None
            )
        summary.append({"instrument": zero["instrument"], "years": years})
    return sorted(summary, key=lambda s: s["instrument"].name)


def burden_reports_for(*, user: Any) -> QuerySet[BurdenReport]:
    """A user's own organisations' reports only."""
    if not user.is_authenticated:
        return BurdenReport.objects.none()
    return BurdenReport.objects.select_related("instrument", "organisation").filter(
        organisation__memberships__user=user
    )


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ";".join(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return "" if value is None else value


def curation_rows(*, table: str) -> tuple[list[str], list[list[Any]]]:
    """The curator export of one table, in the format the CSV import reads back."""
    from loket.instruments.services.curation import CSV_FIELDS, MODALITY_FIELDS, RULE_FIELDS

    if table == "modalities":
        qs = CollaborationModality.objects.select_related("instrument").order_by(
            "instrument__slug", "modality", "variant"
        )
        return MODALITY_FIELDS, [
            [
                _cell(m.instrument.slug if f == "instrument" else getattr(m, f))
                for f in MODALITY_FIELDS
            ]
            for m in qs
        ]
    if table == "rules":
        rules_qs = EligibilityRule.objects.select_related("instrument").order_by(
            "instrument__slug", "position", "pk"
        )
        return RULE_FIELDS, [
            [_cell(r.instrument.slug if f == "instrument" else getattr(r, f)) for f in RULE_FIELDS]
            for r in rules_qs
        ]
    rows = []
    for instrument in instrument_list(filters={}, historical=True).order_by("slug"):
        rows.append(
            [
                _cell(instrument.funder.code if f == "funder" else getattr(instrument, f))
                for f in CSV_FIELDS
            ]
        )
    return CSV_FIELDS, rows


def instrument_helpers(*, instrument: Instrument, user: Any) -> QuerySet[Organisation]:
    """Intermediaries who help with the instrument, as curators linked them or as they say on
    their own profile; only those the user may see."""
    return (
        Organisation.objects.visible_to(user)
        .filter(org_type=OrganisationType.INTERMEDIARY)
        .filter(
            Q(supported_instruments=instrument)
            | Q(intermediary_profile__instrument_links=instrument)
        )
        .distinct()
        .order_by("name")
    )


def call_windows(*, instrument: Instrument) -> list[dict[str, Any]]:
    """The instrument's call windows with real dates, soonest closing last; malformed ones left
    out (the curator import refuses them)."""
    windows = []
    for window in instrument.call_windows or []:
        try:
            closes = datetime.date.fromisoformat(str(window["closes"]))
            opens = datetime.date.fromisoformat(str(window.get("opens") or window["closes"]))
        except (KeyError, TypeError, ValueError):
            continue
        windows.append({"label": str(window.get("label") or ""), "opens": opens, "closes": closes})
    return sorted(windows, key=lambda w: w["closes"])
