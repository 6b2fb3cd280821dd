"""Facet counts from one grouped query, their cache and invalidation, and the ranking cap."""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from loket.organisations import search
from loket.organisations.facets import facet_counts
from loket.organisations.models import InnovationType, Organisation, OrganisationType
from loket.organisations.search import search_documents_refresh
from loket.organisations.selectors import OrganisationFilters, organisation_directory

KEYS = ("type", "country")


def test_facet_counts_apply_every_other_selection():
    rows = [
        (("company", "BE"), 3),
        (("company", "DE"), 2),
        (("research_centre", "BE"), 1),
        (("research_centre", "FR"), 4),
    ]
    counts, total = facet_counts(rows, KEYS, {"type": ["company"], "country": ["BE", "FR"]})
    assert total == 3
    # Type counts apply the country selection; country counts apply the type selection.
    assert counts["type"] == {"company": 3, "research_centre": 5}
    assert counts["country"] == {"BE": 3, "DE": 2}
    counts, total = facet_counts(rows, KEYS, {})
    assert total == 10
    assert counts["country"] == {"BE": 4, "DE": 2, "FR": 4}


def _org(name: str, **fields) -> Organisation:
    fields.setdefault("org_type", OrganisationType.COMPANY)
    innovation = fields.pop("innovation", [])
    organisation = Organisation.objects.create(name=name, **fields)
    if innovation:
        organisation.innovation_types.set(InnovationType.objects.filter(code__in=innovation))
    search_documents_refresh(organisation_ids=[organisation.pk])
    return organisation


@pytest.fixture
def world(db):
    types = ["company", "research_centre", "public_body"]
    countries = ["BE", "DE", ""]
    regions = ["antwerpen", "abroad", ""]
    naces = ["28.99", "72", "C", ""]
    organisations = []
    for i, (org_type, country, region, nace) in enumerate(
        itertools.product(types, countries, regions, naces)
    ):
        organisations.append(
            _org(
                f"Org {i}",
                org_type=org_type,
                country=country,
                region=region,
                nace_code=nace,
                size_class=["", "micro", "large"][i % 3],
                project_count=i % 2,
                visibility=["public", "public", "members", "hidden"][i % 4],
                description="robots" if i % 3 else "waterstof",
                innovation=["process"] if i % 5 == 0 else [],
            )
        )
    return organisations


FILTER_CASES = [
    {},
    {"types": ["company"]},
    {"countries": ["BE", "DE"], "regions": ["antwerpen"]},
    {"sectors": ["C"], "has_eu_projects": True},
    {"sectors": ["M"], "size_classes": ["micro"]},
    {"innovation_types": ["process"], "types": ["research_centre"]},
    {"has_eu_projects": False, "countries": ["DE"]},
]


@pytest.mark.parametrize("query", ["", "robots"])
@pytest.mark.parametrize("case", FILTER_CASES)
def test_counts_agree_with_the_listing(world, cora, query, case):
    """Every facet count equals the number of results after choosing that value."""
    for user in (None, cora):
        filters = OrganisationFilters.clean(**case)
        result = organisation_directory(user=user, query=query, filters=filters, per_page=500)
        assert result.count == len(result.page.object_list)
        for facet in result.facets:
            for option in facet.options:
                field = {
                    "type": "types",
                    "size": "size_classes",
                    "region": "regions",
                    "sector": "sectors",
                    "innovation": "innovation_types",
                    "country": "countries",
                }.get(facet.name)
                if field is None:  # eu
                    narrowed = {**case, "has_eu_projects": option.value == "1"}
                else:
                    narrowed = {**case, field: [option.value]}
                expected = organisation_directory(
                    user=user,
                    query=query,
                    filters=OrganisationFilters.clean(**narrowed),
                    with_facets=False,
                ).count
                assert option.count == expected, (facet.name, option.value, case)


def test_no_hidden_profile_is_counted(world):
    result = organisation_directory(user=None, per_page=500)
    names = {o.name for o in result.page.object_list}
    hidden = {o.name for o in world if o.visibility != "public"}
    assert not names & hidden
    assert result.count == len(world) - len(hidden)


def test_browsing_is_cached_and_invalidated_on_change(world, django_assert_max_num_queries):
    organisation_directory(user=None)
    companies = OrganisationFilters.clean(types=["company"])
    # Grouped facet counts are reused for any filter; innovation counts depend on the filters.
    with django_assert_max_num_queries(2):
        organisation_directory(user=None, filters=companies)
    with django_assert_max_num_queries(1):  # only the page itself
        result = organisation_directory(user=None, filters=companies)
    before = result.count
    _org("New Company", org_type="company", country="BE")
    result = organisation_directory(user=None, filters=OrganisationFilters.clean(types=["company"]))
    assert result.count == before + 1
    Organisation.objects.get(name="New Company").delete()
    result = organisation_directory(user=None, filters=OrganisationFilters.clean(types=["company"]))
    assert result.count == before


def test_a_search_needs_few_queries(world):
    with CaptureQueriesContext(connection) as captured:
        result = organisation_directory(user=None, query="robots")
        list(result.page.object_list)
    statements = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT")]
    # SQLite's broad-query check, grouped facets, innovation types (in use here), the page:
    # no COUNT of the listing, no GROUP BY per facet.
    assert len(statements) <= 5, statements


def test_broad_queries_rank_a_capped_candidate_set(world, monkeypatch):
    monkeypatch.setattr(search, "RANK_CANDIDATES", 5)
    monkeypatch.setattr("loket.organisations.selectors.RANK_CANDIDATES", 5)
    result = organisation_directory(user=None, query="robots", per_page=3)
    if connection.vendor == "postgresql":
        assert result.capped and result.count > 5
        assert result.page.paginator.count == 5
        assert result.page.paginator.num_pages == 2
    else:  # FTS5 ranks every match quickly enough
        assert not result.capped
        assert result.page.paginator.count == result.count
    assert len(result.page.object_list) == 3


def test_broad_queries_filter_through_the_covering_index_with_the_same_counts(world, monkeypatch):
    narrow = organisation_directory(user=None, query="robots")
    monkeypatch.setattr(search, "BROAD_MATCHES", 1)
    assert search.search_is_broad(search.search_query_parse("robots")) == (
        connection.vendor == "sqlite"
    )
    broad = organisation_directory(user=None, query="robots")
    assert broad.count == narrow.count
    assert [f.options for f in broad.facets] == [f.options for f in narrow.facets]
    assert list(broad.page.object_list) == list(narrow.page.object_list)
