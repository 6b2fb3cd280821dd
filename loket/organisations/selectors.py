"""Reads for the directory: listing, search, facets, paging and one profile for a user."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db.models import Case, CharField, Count, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Substr
from django.http import Http404
from django.utils.functional import Promise, cached_property
from django.utils.translation import gettext_lazy as _

from loket.organisations.countries import country_name
from loket.organisations.directory_cache import directory_cached
from loket.organisations.facets import facet_counts
from loket.organisations.models import (
    InnovationType,
    Organisation,
    OrganisationType,
    Region,
    SizeClass,
)
from loket.organisations.search import (
    RANK_CANDIDATES,
    search_filter,
    search_is_broad,
    search_prefer_index,
    search_query_parse,
    search_rank_is_capped,
    search_ranked,
)
from loket.organisations.taxonomy import INNOVATION_TYPE_LABELS, NACE_DIVISIONS, NACE_SECTIONS

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from loket.accounts.models import User

PER_PAGE = 20
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
MAX_FILTER_VALUES = 50
MAX_COUNTRY_OPTIONS = 40
PROFILE_EXCERPT_CHARS = 1500  # of the derived project text, for the result's snippet
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
    match_count: int | None = None,
) -> QuerySet[Organisation]:
    """Directory listing for a user: listed profiles matching the query and filters, sorted.

    `match_count` (when known) lets a broad query rank only its best candidates (search_ranked).
    """
    filters = filters or OrganisationFilters()
    parsed = search_query_parse(query)
    queryset = _apply_filters(Organisation.objects.listed_for(user), filters)  # type: ignore[arg-type]
    # The long derived texts are only for the index; listing them would read megabytes per page.
    queryset = queryset.defer("profile_text", "search_document").annotate(
        profile_excerpt=Substr("profile_text", 1, PROFILE_EXCERPT_CHARS)
    )
    effective = sort_for(query=query, sort=sort)
    if effective == Sort.RELEVANCE:
        return search_ranked(queryset, parsed, match_count=match_count)
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
    label: str | Promise  # translated when rendered
    options: list[FacetOption] = field(default_factory=list)


def _options(
    counts: dict[str, int],
    labels: Mapping[str, Any],
    selected: tuple[str, ...],
    keep_order: bool,
    keep_empty: bool = False,
) -> list[FacetOption]:
    """Options with results (and selected ones); every known option when `keep_empty`, so a
    search without results still shows the filters to widen it."""
    values = list(labels) if keep_order else sorted(counts, key=lambda v: (-counts[v], v))
    return [
        FacetOption(
            value=value,
            label=str(labels.get(value, value)),
            count=counts.get(value, 0),
            selected=value in selected,
        )
        for value in values
        if counts.get(value, 0) or value in selected or (keep_empty and keep_order)
    ]


# The facet columns grouped in one query; "sector" is derived from nace_code, "eu" from
# project_count. Innovation types (many-to-many) are counted by a query of their own.
COMBINATION_KEYS = ("type", "size", "region", "country", "sector", "eu")


def _nace_section(code: str) -> str:
    """The NACE section of a stored code, matching what `_sector_q` selects."""
    code = (code or "").strip()
    if code[:1].isalpha():
        return code[:1].upper()
    return NACE_DIVISIONS.get(code[:2], ("",))[0]


def _audience(user: User | AnonymousUser | None) -> str:
    # listed_for() distinguishes only anonymous visitors from signed-in users.
    return "member" if user is not None and user.is_authenticated else "public"


def _combinations(queryset: QuerySet[Organisation]) -> list[tuple[tuple[str, ...], int]]:
    """The organisations grouped by every facet column at once: (values, count) pairs."""
    columns = ("org_type", "size_class", "region", "country", "nace_code", "has_eu")
    rows = (
        queryset.order_by()
        .annotate(
            has_eu=Case(
                When(project_count__gt=0, then=Value("1")),
                default=Value("0"),
                output_field=CharField(),
            )
        )
        .values(*columns)
        .annotate(n=Count("id"))
        .values_list(*columns, "n")
    )
    merged: Counter[tuple[str, ...]] = Counter()
    for org_type, size, region, country, nace, eu, n in rows:
        merged[(org_type, size, region, country, _nace_section(nace), eu)] += n
    return list(merged.items())


def _innovation_counts(queryset: QuerySet[Organisation]) -> dict[str, int]:
    through = Organisation.innovation_types.through
    rows = (
        through.objects.filter(organisation_id__in=queryset.order_by().values("id"))
        .order_by()
        .values("innovationtype_id")
        .annotate(n=Count("organisation_id"))
        .values_list("innovationtype_id", "n")  # type: ignore[misc]  # the annotation
    )
    return dict(rows)


def _innovation_in_use() -> bool:
    return directory_cached(
        ("innovation-in-use",),
        lambda: Organisation.innovation_types.through.objects.exists(),
    )


@dataclass
class DirectoryCounts:
    total: int
    facets: list[Facet]


def directory_counts(
    *,
    user: User | AnonymousUser | None,
    query: str = "",
    filters: OrganisationFilters | None = None,
) -> DirectoryCounts:
    """The number of results and the counts per facet value, in at most two queries.

    Every facet's counts apply every other facet's selection. Without a query the grouped rows
    and the innovation counts come from the directory cache (see directory_cache.py).
    """
    filters = filters or OrganisationFilters()
    parsed = search_query_parse(query)
    base = search_filter(
        Organisation.objects.listed_for(user),  # type: ignore[arg-type]
        parsed,
        broad=search_is_broad(parsed),
    )
    audience = _audience(user)
    # Innovation types (many-to-many) narrow the groups in SQL; all other facets in Python.
    combinations_base = _apply_filters(
        base, OrganisationFilters(innovation_types=filters.innovation_types)
    )
    if parsed:
        rows = _combinations(combinations_base)
    else:
        rows = directory_cached(
            ("combinations", audience, filters.innovation_types),
            lambda: _combinations(combinations_base),
        )
    selected_eu = (
        () if filters.has_eu_projects is None else ("1" if filters.has_eu_projects else "0",)
    )
    counts, total = facet_counts(
        rows,
        COMBINATION_KEYS,
        {
            "type": filters.types,
            "size": filters.size_classes,
            "region": filters.regions,
            "country": filters.countries,
            "sector": filters.sectors,
            "eu": selected_eu,
        },
    )

    innovation_base = _apply_filters(base, filters, skip="innovation")
    if not _innovation_in_use():
        innovation: dict[str, int] = {}
    elif parsed:
        innovation = _innovation_counts(innovation_base)
    else:
        without_innovation = replace(filters, innovation_types=())
        innovation = directory_cached(
            ("innovation", audience, without_innovation),
            lambda: _innovation_counts(innovation_base),
        )

    def drop_empty(counter: Mapping[str, int]) -> dict[str, int]:
        return {value: n for value, n in counter.items() if value}

    empty = total == 0
    countries = drop_empty(counts["country"])
    facets = [
        Facet(
            "type",
            _("Type"),
            _options(
                drop_empty(counts["type"]),
                dict(OrganisationType.choices),
                filters.types,
                keep_order=True,
                keep_empty=empty,
            ),
        ),
        Facet(
            "size",
            _("Size"),
            _options(
                drop_empty(counts["size"]),
                dict(SizeClass.choices),
                filters.size_classes,
                keep_order=True,
                keep_empty=empty,
            ),
        ),
        Facet(
            "region",
            _("Region"),
            _options(
                drop_empty(counts["region"]),
                dict(Region.choices),
                filters.regions,
                keep_order=True,
                keep_empty=empty,
            ),
        ),
        Facet(
            "sector",
            _("Sector"),
            _options(drop_empty(counts["sector"]), NACE_SECTIONS, filters.sectors, keep_order=True),
        ),
        Facet(
            "innovation",
            _("Innovation type"),
            _options(innovation, INNOVATION_TYPE_LABELS, filters.innovation_types, keep_order=True),
        ),
        Facet(
            "country",
            _("Country"),
            _options(
                countries,
                {code: country_name(code) for code in {*countries, *filters.countries}},
                filters.countries,
                keep_order=False,
            )[:MAX_COUNTRY_OPTIONS],
        ),
        Facet(
            "eu",
            _("EU projects"),
            _options(
                {"1": counts["eu"].get("1", 0), "0": counts["eu"].get("0", 0)},
                {"1": _("Has EU projects"), "0": _("No EU projects")},
                selected_eu,
                keep_order=True,
                keep_empty=empty,
            ),
        ),
    ]
    return DirectoryCounts(total=total, facets=facets)


def organisation_facets(
    *,
    user: User | AnonymousUser | None,
    query: str = "",
    filters: OrganisationFilters | None = None,
) -> list[Facet]:
    """Counts per facet value, each facet with every other facet's selection applied."""
    with search_prefer_index():
        return directory_counts(user=user, query=query, filters=filters).facets


class _CountedPaginator(Paginator):
    """A paginator whose count is already known (from the facet counts): no COUNT query."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


@dataclass
class DirectoryResult:
    page: Page
    facets: list[Facet]
    query: str
    sort: str
    filters: OrganisationFilters
    sort_choices: tuple = Sort.CHOICES
    total: int = 0  # all matches; more than the pages hold when the ranking is capped
    # With a broad query on PostgreSQL only this many matches are ranked and can be paged through.
    ranked_limit: int | None = None

    @property
    def count(self) -> int:
        return self.total

    @property
    def capped(self) -> bool:
        return self.ranked_limit is not None


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
    effective = sort_for(query=query, sort=sort)
    with search_prefer_index() if query else nullcontext():
        counts = directory_counts(user=user, query=query, filters=filters)
        queryset = organisation_list(
            user=user, query=query, filters=filters, sort=effective, match_count=counts.total
        )
        capped = effective == Sort.RELEVANCE and search_rank_is_capped(counts.total)
        # A capped ranking can only be paged through as far as it goes.
        paginator = _CountedPaginator(
            queryset, per_page, count=min(counts.total, RANK_CANDIDATES) if capped else counts.total
        )
        current = paginator.get_page(page)
        current.object_list = list(current.object_list)
    return DirectoryResult(
        page=current,
        facets=counts.facets if with_facets else [],
        query=query,
        sort=effective,
        filters=filters,
        total=counts.total,
        ranked_limit=RANK_CANDIDATES if capped else None,
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
