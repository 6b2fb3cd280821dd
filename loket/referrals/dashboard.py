"""Dashboard reads for intermediaries and funders: counts and durations, never case content."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.http import Http404
from django.utils.translation import gettext as _

from loket.lib.spreadsheet import csv_safe
from loket.organisations.models import Region
from loket.referrals.models import Case, CaseState, Outcome, Referral, Service
from loket.referrals.selectors import intermediary_orgs_for

if TYPE_CHECKING:
    from loket.accounts.models import User


@dataclass
class Scope:
    label: str
    cases: list[Case]
    own: bool  # only cases the user's intermediaries held (comments may be shown)
    organisation_ids: set[int] = field(default_factory=set)


def dashboard_scope_for(*, user: User | None, scope: str = "") -> Scope:
    """Access: staff of an approved intermediary (own cases by default, the network on request) and
    curators (the network). Everyone else gets 404."""
    if user is None or not user.is_authenticated:
        raise Http404
    # Only staff of approved intermediaries: registering an organisation as an intermediary
    # does not open the network's figures.
    org_ids = set(
        intermediary_orgs_for(user=user)
        .filter(intermediary_profile__approved=True)
        .values_list("pk", flat=True)
    )
    if not org_ids and not user.is_staff:
        raise Http404
    cases = Case.objects.select_related("holder").prefetch_related("holdings")
    if org_ids and scope != "all":
        cases = cases.filter(holdings__organisation_id__in=org_ids).distinct()
        return Scope(_("Cases we held"), list(cases), own=True, organisation_ids=org_ids)
    return Scope(_("All intermediaries"), list(cases), own=False, organisation_ids=org_ids)


def _hours(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds() / 3600, 1)


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


@dataclass
class Bar:
    label: str
    value: float
    percent: float
    extra: str = ""


def _bars(counter: Counter, labels: dict[str, str] | None = None) -> list[Bar]:
    labels = labels or {}
    top = max(counter.values(), default=0) or 1
    return [
        Bar(
            label=labels.get(key, key) or _("unknown"),
            value=count,
            percent=round(100 * count / top, 1),
        )
        for key, count in counter.most_common()
    ]


def dashboard_stats(*, scope: Scope) -> dict:
    cases = scope.cases
    first_response = [
        h for c in cases if (h := _hours(c.created_at, c.first_response_at)) is not None
    ]
    to_close = [h for c in cases if (h := _hours(c.created_at, c.closed_at)) is not None]
    ratings = [c.rating for c in cases if c.rating]
    by_month = Counter(c.created_at.strftime("%Y-%m") for c in cases)
    region_labels = {code: str(label) for code, label in Region.choices}
    service_labels = {code: str(label) for code, label in Service.choices}
    by_region_response: dict[str, list[float]] = {}
    for case in cases:
        hours = _hours(case.created_at, case.first_response_at)
        if hours is not None:
            by_region_response.setdefault(case.region, []).append(hours)
    referrals = Referral.objects.filter(case__in=[c.pk for c in cases]).select_related(
        "from_organisation", "to_organisation"
    )
    flows = Counter((r.from_organisation.name, r.to_organisation.name) for r in referrals)
    return {
        "total": len(cases),
        "open": sum(1 for c in cases if c.state != CaseState.CLOSED),
        "first_response_median_hours": _median(first_response),
        "close_median_hours": _median(to_close),
        "rating_average": round(sum(ratings) / len(ratings), 2) if ratings else None,
        "rating_count": len(ratings),
        "by_state": _bars(
            Counter(c.state for c in cases),
            {code: str(label) for code, label in CaseState.choices},
        ),
        "by_month": sorted(_bars(by_month), key=lambda bar: bar.label),
        "by_region": _bars(Counter(c.region for c in cases), region_labels),
        "region_response": [
            (region_labels.get(region, region) or _("unknown"), _median(values))
            for region, values in sorted(by_region_response.items())
        ],
        "by_topic": _bars(Counter(t for c in cases for t in (c.topics or [])), service_labels),
        "by_holder": _bars(Counter(c.holder.name for c in cases)),
        "by_outcome": _bars(
            Counter(c.outcome for c in cases if c.outcome), {k: str(v) for k, v in Outcome.choices}
        ),
        "referral_flows": [(src, dst, count) for (src, dst), count in flows.most_common()],
        "referral_count": sum(flows.values()),
    }


CSV_HEADER = [
    "case",
    "created_at",
    "state",
    "holder",
    "intermediaries_held",
    "region",
    "language",
    "topics",
    "first_response_hours",
    "close_hours",
    "outcome",
    "rating",
    "rating_comment",
]


def dashboard_rows(*, scope: Scope) -> list[list[str]]:
    rows = [CSV_HEADER]
    for case in scope.cases:
        held = sorted({h.organisation_id for h in case.holdings.all()})
        rows.append(
            [
                csv_safe(value)
                for value in [
                    case.pk,
                    case.created_at.isoformat(),
                    case.state,
                    case.holder.name,
                    " ".join(str(pk) for pk in held),
                    case.region,
                    case.language,
                    " ".join(case.topics or []),
                    _hours(case.created_at, case.first_response_at),
                    _hours(case.created_at, case.closed_at),
                    case.outcome,
                    case.rating,
                    case.rating_comment if scope.own else "",
                ]
            ]
        )
    return rows
