"""An organisation's EU project history: who it worked with, and its funding by programme and year.

Both selectors read CORDIS participations (public data) in a fixed number of queries, whatever the
number of projects: ``collaboration_history`` uses 2, ``funding_summary`` 1.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, F, Sum
from django.db.models.functions import ExtractYear

from loket.organisations.models import Organisation, Participation, Project

if TYPE_CHECKING:
    from loket.accounts.models import User


@dataclass(frozen=True)
class SharedProject:
    """One project both organisations took part in, with each side's role (ParticipationRole)."""

    project: Project  # objective deferred
    own_role: str
    partner_role: str


@dataclass(frozen=True)
class CollaborationPartner:
    """A partner and the projects shared with it, most recent first."""

    partner: Organisation  # profile_text, description and search_document deferred
    projects: list[SharedProject]

    @property
    def joint_project_count(self) -> int:
        return len(self.projects)

    @property
    def last_start_date(self) -> date | None:
        return max(
            (s.project.start_date for s in self.projects if s.project.start_date), default=None
        )


@dataclass(frozen=True)
class FundingRow:
    """EU contribution received in projects of one programme that started in one year."""

    programme: str  # Programme value: "FP7" or "H2020"
    year: int | None  # None: the project has no start date
    eu_contribution: Decimal
    project_count: int


@dataclass(frozen=True)
class FundingSummary:
    rows: list[FundingRow]  # ordered by programme, then year (None last)
    total: Decimal
    by_programme: dict[str, Decimal]  # programme → total, in the order of ``rows``


def collaboration_history(
    *, organisation: Organisation, user: User | None = None, limit: int | None = None
) -> list[CollaborationPartner]:
    """Partners the organisation shared EU projects with, strongest first.

    Strength is the number of joint projects; ties go to the most recent joint project, then the
    partner's name. Only partners whose profile ``user`` may see are listed
    (``Organisation.objects.visible_to``; ``None`` means an anonymous visitor). ``limit`` caps the
    number of partners returned.
    """
    own_roles = dict(
        Participation.objects.filter(organisation=organisation).values_list("project_id", "role")
    )
    if not own_roles:
        return []
    rows = (
        Participation.objects.filter(project_id__in=list(own_roles))
        .exclude(organisation=organisation)
        .filter(organisation__in=Organisation.objects.visible_to(user).values("pk"))
        .select_related("project", "organisation")
        .defer(
            "project__objective",
            "organisation__profile_text",
            "organisation__description",
            "organisation__offers",
            "organisation__seeks",
            "organisation__search_document",
        )
        .order_by(F("project__start_date").desc(nulls_last=True), "project__cordis_id")
    )
    partners: dict[int, Organisation] = {}
    shared: dict[int, list[SharedProject]] = defaultdict(list)
    for participation in rows:
        partners.setdefault(participation.organisation_id, participation.organisation)
        shared[participation.organisation_id].append(
            SharedProject(
                project=participation.project,
                own_role=own_roles[participation.project_id],
                partner_role=participation.role,
            )
        )
    history = [CollaborationPartner(partner=partners[pk], projects=shared[pk]) for pk in partners]
    # Stable sorts, least significant key first.
    history.sort(key=lambda item: item.partner.name.casefold())
    history.sort(key=lambda item: item.last_start_date or date.min, reverse=True)
    history.sort(key=lambda item: item.joint_project_count, reverse=True)
    return history[:limit] if limit is not None else history


def funding_summary(*, organisation: Organisation) -> FundingSummary:
    """EU contribution to the organisation (sum of its participations) by programme and start year."""
    grouped = (
        Participation.objects.filter(organisation=organisation)
        .annotate(year=ExtractYear("project__start_date"))
        .values("project__programme", "year")
        .annotate(total=Sum("ec_contribution"), projects=Count("project", distinct=True))
        .order_by()
    )
    rows = [
        FundingRow(
            programme=item["project__programme"],
            year=item["year"],
            eu_contribution=item["total"] or Decimal(0),
            project_count=item["projects"],
        )
        for item in grouped
    ]
    rows.sort(key=lambda row: (row.programme == "H2020", row.year is None, row.year or 0))
    by_programme: dict[str, Decimal] = {}
    for row in rows:
        by_programme[row.programme] = (
            by_programme.get(row.programme, Decimal(0)) + row.eu_contribution
        )
    return FundingSummary(
        rows=rows, total=sum(by_programme.values(), Decimal(0)), by_programme=by_programme
    )
