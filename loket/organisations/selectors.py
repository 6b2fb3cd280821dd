"""Reads for the directory: listing, search, facets, paging and one profile for a user."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from loket.organisations.models import (
    InnovationType,
    Organisation,
    OrganisationType,
    Region,
    SizeClass,
)
from loket.organisations.search import search_filter, search_query_parse, search_ranked
from loket.organisations.taxonomy import INNOVATION_TYPE_LABELS, NACE_DIVISIONS, NACE_SECTIONS

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from loket.accounts.models import User

PER_PAGE = 20
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
MAX_FILTER_VALUES = 50
MAX_ID = 2**63 - 1  # larger ids overflow the database's integer


class Sort:
    RELEVANCE = "relevance"
    NAME = "name"
    FUNDING = "funding"
    PROJECTS = "projects"

    CHOICES = (
        (RELEVANCE, _("Relevance")),
        (NAME, _("Name")),
        (FUNDING, _("EU funding")),
        (PROJECTS, _("Number of EU projects")),
    )
    VALUES = frozenset(value for value, _label in CHOICES)


ORDERINGS = {
    Sort.NAME: ("name", "id"),
    Sort.FUNDING: ("-eu_contribution_total", "name", "id"),
    Sort.PROJECTS: ("-project_count", "name", "id"),
}


@dataclass(frozen=True)
class OrganisationFilters:
    """Facet selections; several values within one facet mean "any of them"."""

    types: tuple[str, ...] = ()
    size_classes: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()  # NACE sections, "A" to "U"
    innovation_types: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    has_eu_projects: bool | None = None

    @classmethod
    def clean(
        cls,
        *,
        types: Any = (),
        size_classes: Any = (),
        regions: Any = (),
        sectors: Any = (),
        innovation_types: Any = (),
        countries: Any = (),
        has_eu_projects: bool | None = None,
    ) -> OrganisationFilters:
        """Keep only known values, so a hand-edited URL narrows nothing it should not."""

        def keep(values: Any, allowed: Callable[[str], bool], upper: bool = False) -> tuple:
            out = []
            for value in list(values or ())[:MAX_FILTER_VALUES]:
                value = str(value).strip()
                value = value.upper() if upper else value
                if allowed(value) and value not in out:
                    out.append(value)
            return tuple(out)

        return cls(
            types=keep(types, lambda v: v in OrganisationType.values),
            size_classes=keep(size_classes, lambda v: v in SizeClass.values),
            regions=keep(regions, lambda v: v in Region.values),
            sectors=keep(sectors, lambda v: v in NACE_SECTIONS, upper=True),
            innovation_types=keep(innovation_types, lambda v: v in INNOVATION_TYPE_LABELS),
            countries=keep(countries, lambda v: bool(COUNTRY_RE.match(v)), upper=True),
            has_eu_projects=has_eu_projects,
        )

    @classmethod
    def from_querydict(cls, params: Mapping[str, Any]) -> OrganisationFilters:
        """Filters from the directory's GET parameters (type, size, region, sector, ...)."""
        getlist = getattr(params, "getlist", lambda key: [params[key]] if key in params else [])
        eu_values = {str(value).strip().lower() for value in getlist("eu")}
        # Both boxes ticked means no restriction.
        eu = eu_values.pop() if len(eu_values) == 1 else ""
        return cls.clean(
            types=getlist("type"),
            size_classes=getlist("size"),
            regions=getlist("region"),
            sectors=getlist("sector"),
            innovation_types=getlist("innovation"),
            countries=getlist("country"),
            has_eu_projects={"1": True, "yes": True, "0": False, "no": False}.get(eu),
        )

    def querystring_items(self) -> list[tuple[str, str]]:
        items = [("type", v) for v in self.types]
        items += [("size", v) for v in self.size_classes]
        items += [("region", v) for v in self.regions]
        items += [("sector", v) for v in self.sectors]
        items += [("innovation", v) for v in self.innovation_types]
        items += [("country", v) for v in self.countries]
        if self.has_eu_projects is not None:
            items.append(("eu", "1" if self.has_eu_projects else "0"))
        return items


def _sector_q(sections: tuple[str, ...]) -> Q:
    """NACE codes are stored as a section letter or a division-based code ("62", "62.01")."""
    q = Q()
    for section in sections:
        q |= Q(nace_code__istartswith=section)
        for division, (division_section, _label) in NACE_DIVISIONS.items():
            if division_section == section:
                q |= Q(nace_code__startswith=division)
    return q


def _apply_filters(
    queryset: QuerySet[Organisation], filters: OrganisationFilters, *, skip: str = ""
) -> QuerySet[Organisation]:
    if filters.types and skip != "type":
        queryset = queryset.filter(org_type__in=filters.types)
    if filters.size_classes and skip != "size":
        queryset = queryset.filter(size_class__in=filters.size_classes)
    if filters.regions and skip != "region":
        queryset = queryset.filter(region__in=filters.regions)
    if filters.sectors and skip != "sector":
        queryset = queryset.filter(_sector_q(filters.sectors))
    if filters.innovation_types and skip != "innovation":
        through = Organisation.innovation_types.through.objects.filter(
            innovationtype_id__in=filters.innovation_types
        ).values("organisation_id")
        queryset = queryset.filter(id__in=through)
    if filters.countries and skip != "country":
        queryset = queryset.filter(country__in=filters.countries)
    if filters.has_eu_projects is not None and skip != "eu":
        queryset = (
            queryset.filter(project_count__gt=0)
            if filters.has_eu_projects
            else queryset.filter(project_count=0)
        )
    return queryset


def sort_for(*, query: str, sort: str | None) -> str:
    """The effective sort: relevance only makes sense with a query; unknown values fall back."""
    has_query = bool(search_query_parse(query))
    if sort in Sort.VALUES and (sort != Sort.RELEVANCE or has_query):
        return sort
    return Sort.RELEVANCE if has_query else Sort.NAME


def organisation_list(
    *,
    user: User | AnonymousUser | None,
    query: str = "",
    filters: OrganisationFilters | None = None,
    sort: str | None = None,
) -> QuerySet[Organisation]:
    """Directory listing for a user: listed profiles matching the query and filters, sorted."""
    filters = filters or OrganisationFilters()
    parsed = search_query_parse(query)
    queryset = _apply_filters(Organisation.objects.listed_for(user), filters)  # type: ignore[arg-type]
    # The long derived texts are only for the index; listing them would read megabytes per page.
    queryset = queryset.defer("profile_text", "search_document")
    effective = sort_for(query=query, sort=sort)
    if effective == Sort.RELEVANCE:
        return search_ranked(queryset, parsed)
    return search_filter(queryset, parsed).order_by(*ORDERINGS[effective])


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    name: str  # the GET parameter
    label: str
    options: list[FacetOption] = field(default_factory=list)


def _options(
    counts: dict[str, int], labels: Mapping[str, Any], selected: tuple[str, ...], keep_order: bool
) -> list[FacetOption]:
    values = list(labels) if keep_order else sorted(counts, key=lambda v: (-counts[v], v))
    return [
        FacetOption(
            value=value,
            label=str(labels.get(value, value)),
            count=counts.get(value, 0),
            selected=value in selected,
        )
        for value in values
        if counts.get(value, 0) or value in selected
    ]


def organisation_facets(
    *,
    user: User | AnonymousUser | None,
    query: str = "",
    filters: OrganisationFilters | None = None,
) -> list[Facet]:
    """Counts per facet value: one GROUP BY per facet, each with every other facet applied."""
    filters = filters or OrganisationFilters()
    parsed = search_query_parse(query)
    base = search_filter(Organisation.objects.listed_for(user), parsed)  # type: ignore[arg-type]

    def grouped(skip: str, column: str) -> dict[str, int]:
        rows = (
            _apply_filters(base, filters, skip=skip)
            .order_by()
            .values(column)
            .annotate(n=Count("id"))
            .values_list(column, "n")
        )
        return {value: n for value, n in rows if value}

    facets = [
        Facet(
            "type",
            _("Type"),
            _options(
                grouped("type", "org_type"),
                dict(OrganisationType.choices),
                filters.types,
                keep_order=True,
            ),
        ),
        Facet(
            "size",
            _("Size"),
            _options(
                grouped("size", "size_class"),
                dict(SizeClass.choices),
                filters.size_classes,
                keep_order=True,
            ),
        ),
        Facet(
            "region",
            _("Region"),
            _options(
                grouped("region", "region"), dict(Region.choices), filters.regions, keep_order=True
            ),
        ),
    ]

    divisions = (
        _apply_filters(base, filters, skip="sector")
        .exclude(nace_code="")
        .annotate(prefix=Substr("nace_code", 1, 2))
        .order_by()
        .values("prefix")
        .annotate(n=Count("id"))
        .values_list("prefix", "n")
    )
    sections: dict[str, int] = {}
    for prefix, n in divisions:
        prefix = (prefix or "").upper()
        section = prefix[:1] if prefix[:1].isalpha() else NACE_DIVISIONS.get(prefix, ("",))[0]
        if section:
            sections[section] = sections.get(section, 0) + n
    facets.append(
        Facet(
            "sector",
            _("Sector"),
            _options(sections, NACE_SECTIONS, filters.sectors, keep_order=True),
        )
    )

    innovation_counts = dict(
        Organisation.innovation_types.through.objects.filter(
            organisation_id__in=_apply_filters(base, filters, skip="innovation")
            .order_by()
            .values("id")
        )
        .order_by()
        .values("innovationtype_id")
        .annotate(n=Count("organisation_id"))
        .values_list("innovationtype_id", "n")
    )
    facets.append(
        Facet(
            "innovation",
            _("Innovation type"),
            _options(
                innovation_counts,
                INNOVATION_TYPE_LABELS,
                filters.innovation_types,
                keep_order=True,
            ),
        )
    )
    countries = grouped("country", "country")
    facets.append(
        Facet(
            "country",
            _("Country"),
            _options(countries, {c: c for c in countries}, filters.countries, keep_order=False)[
                :40
            ],
        )
    )
    eu = (
        _apply_filters(base, filters, skip="eu")
        .order_by()
        .aggregate(
            yes=Count("id", filter=Q(project_count__gt=0)),
            no=Count("id", filter=Q(project_count=0)),
        )
    )
    selected_eu = (
        () if filters.has_eu_projects is None else ("1" if filters.has_eu_projects else "0",)
    )
    facets.append(
        Facet(
            "eu",
            _("EU projects"),
            _options(
                {"1": eu["yes"] or 0, "0": eu["no"] or 0},
                {"1": _("Has EU projects"), "0": _("No EU projects")},
                selected_eu,
                keep_order=True,
            ),
        )
    )
    return facets


@dataclass
class DirectoryResult:
    page: Page
    facets: list[Facet]
    query: str
    sort: str
    filters: OrganisationFilters
    sort_choices: tuple = Sort.CHOICES

    @property
    def count(self) -> int:
        return self.page.paginator.count


def organisation_directory(
    *,
    user: User | AnonymousUser | None,
    query: str = "",
    filters: OrganisationFilters | None = None,
    sort: str | None = None,
    page: Any = 1,
    per_page: int = PER_PAGE,
    with_facets: bool = True,
) -> DirectoryResult:
    """One page of the directory with its facet counts; a bad page number gives the nearest page."""
    query = (query or "").strip()[:200]
    filters = filters or OrganisationFilters()
    queryset = organisation_list(user=user, query=query, filters=filters, sort=sort)
    paginator = Paginator(queryset, per_page)
    return DirectoryResult(
        page=paginator.get_page(page),
        facets=organisation_facets(user=user, query=query, filters=filters) if with_facets else [],
        query=query,
        sort=sort_for(query=query, sort=sort),
        filters=filters,
    )


def organisation_get_for(*, user: User | AnonymousUser | None, pk: int) -> Organisation:
    """A profile the user may see; 404 for anything else (hidden or members-only to outsiders)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < pk <= MAX_ID:
        raise Http404
    organisation = (
        Organisation.objects.visible_to(user)  # type: ignore[arg-type]
        .filter(pk=pk)
        .prefetch_related(Prefetch("innovation_types", queryset=InnovationType.objects.all()))
        .first()
    )
    if organisation is None:
        raise Http404
    return organisation


def organisation_detail_for(
    *, user: User | AnonymousUser | None, pk: int
) -> tuple[Organisation, list]:
    """The profile plus its contact persons, which only signed-in users may see."""
    organisation = organisation_get_for(user=user, pk=pk)
    signed_in = user is not None and user.is_authenticated
    contacts = list(organisation.contacts.all()) if signed_in else []
    return organisation, contacts
