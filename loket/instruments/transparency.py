"""Funding transparency from CORDIS participations: where the EU money goes.

Figures are sums of Participation.ec_contribution over a scope (country, programme). Every figure
is keyed by (dimension, value) so a page can drill down to the rows behind it.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from loket.organisations.models import Participation
from loket.organisations.taxonomy import region_from_nuts

DIMENSIONS = ["org_type", "sme", "province", "programme", "year"]
UNKNOWN = "unknown"
ZERO = Decimal("0")


def participation_rows(*, country: str = "BE", programme: str = "") -> QuerySet[Participation]:
    qs = Participation.objects.select_related("project", "organisation").order_by(
        "-ec_contribution", "pk"
    )
    if country:
        qs = qs.filter(country=country.upper()[:2])
    if programme:
        qs = qs.filter(project__programme=programme)
    return qs


def dimension_value(row: Participation, dimension: str) -> str:
    if dimension == "org_type":
        return row.activity_type or UNKNOWN
    if dimension == "sme":
        return {True: "sme", False: "non_sme"}.get(row.sme, UNKNOWN)  # type: ignore[arg-type]
    if dimension == "province":
        return region_from_nuts(row.nuts_code, row.country) or UNKNOWN
    if dimension == "programme":
        return row.project.programme or UNKNOWN
    if dimension == "year":
        return str(row.project.start_date.year) if row.project.start_date else UNKNOWN
    if dimension == "organisation":
        return str(row.organisation_id)
    raise ValueError(dimension)


def _amount(row: Participation) -> Decimal:
    return row.ec_contribution or ZERO


def breakdown(*, rows: list[Participation], dimension: str) -> list[dict[str, Any]]:
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        key = dimension_value(row, dimension)
        totals[key] += _amount(row)
        counts[key] += 1
    grand = sum(totals.values(), ZERO)
    result = [
        {
            "value": key,
            "amount": amount,
            "count": counts[key],
            "share": float(amount / grand * 100) if grand else 0.0,
        }
        for key, amount in totals.items()
    ]
    return sorted(result, key=lambda r: (-r["amount"], r["value"]))


def sme_share(*, rows: list[Participation]) -> dict[str, Any]:
    """SME share of funding among rows whose SME flag is known (CORDIS fills it only for some)."""
    sme = sum((_amount(r) for r in rows if r.sme is True), ZERO)
    known = sum((_amount(r) for r in rows if r.sme is not None), ZERO)
    return {
        "sme": sme,
        "known": known,
        "share": float(sme / known * 100) if known else None,
        "rows_known": sum(1 for r in rows if r.sme is not None),
        "rows": len(rows),
    }


def concentration(*, rows: list[Participation], top: int = 10) -> dict[str, Any]:
    per_org: dict[int, Decimal] = defaultdict(lambda: ZERO)
    names: dict[int, str] = {}
    for row in rows:
        per_org[row.organisation_id] += _amount(row)
        names[row.organisation_id] = row.organisation.name
    total = sum(per_org.values(), ZERO)
    ranked = sorted(per_org.items(), key=lambda kv: (-kv[1], kv[0]))
    top_rows = [
        {
            "organisation_id": pk,
            "name": names[pk],
            "amount": amount,
            "share": float(amount / total * 100) if total else 0.0,
        }
        for pk, amount in ranked[:top]
    ]
    hhi = sum((float(a / total) * 100) ** 2 for _pk, a in ranked) if total else 0.0
    return {
        "top": top_rows,
        "top_share": float(sum((amount for _pk, amount in ranked[:top]), ZERO) / total * 100)
        if total
        else 0.0,
        "recipients": len(per_org),
        "hhi": round(hhi),
    }


def collaboration(*, country: str = "BE", programme: str = "") -> dict[str, Any]:
    """Projects with at least one participant from `country`: consortium size, foreign partners,
    coordination by that country, and the partner countries."""
    local = participation_rows(country=country, programme=programme)
    project_ids = set(local.values_list("project_id", flat=True))
    members: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for project_id, member_country, role in Participation.objects.filter(
        project_id__in=project_ids
    ).values_list("project_id", "country", "role"):
        members[project_id].append((member_country, role))
    if not members:
        return {"projects": 0}
    sizes = [len(m) for m in members.values()]
    with_foreign = sum(1 for m in members.values() if any(c and c != country for c, _r in m))
    coordinated = sum(
        1 for m in members.values() if any(c == country and r == "coordinator" for c, r in m)
    )
    partner_countries: dict[str, int] = defaultdict(int)
    for m in members.values():
        for c in {c for c, _r in m if c and c != country}:
            partner_countries[c] += 1
    return {
        "projects": len(members),
        "mean_consortium": round(sum(sizes) / len(sizes), 1),
        "with_foreign_share": round(with_foreign / len(members) * 100, 1),
        "coordinated_share": round(coordinated / len(members) * 100, 1),
        "partner_countries": sorted(partner_countries.items(), key=lambda kv: (-kv[1], kv[0]))[:10],
    }


def overview(*, country: str = "BE", programme: str = "") -> dict[str, Any]:
    rows = list(participation_rows(country=country, programme=programme))
    total = sum((_amount(r) for r in rows), ZERO)
    return {
        "total": total,
        "rows": len(rows),
        "breakdowns": {d: breakdown(rows=rows, dimension=d) for d in DIMENSIONS},
        "sme_share": sme_share(rows=rows),
        "concentration": concentration(rows=rows),
        "collaboration": collaboration(country=country, programme=programme),
    }


def drilldown(
    *, dimension: str, value: str, country: str = "BE", programme: str = ""
) -> list[Participation]:
    if dimension not in [*DIMENSIONS, "organisation"]:
        return []
    return [
        row
        for row in participation_rows(country=country, programme=programme)
        if dimension_value(row, dimension) == value
    ]
