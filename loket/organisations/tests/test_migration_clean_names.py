"""Migration 0006 repairs names an earlier import stored with CSV quoting left in them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from loket.organisations.models import Organisation, Source
from loket.organisations.search import search_filter, search_query_parse

BEFORE = ("organisations", "0005_search_documents_analysis")
AFTER = ("organisations", "0006_clean_cordis_names")


def _migrate(target) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def _found(query: str) -> set[str]:
    parsed = search_query_parse(query)
    return set(search_filter(Organisation.objects.all(), parsed).values_list("name", flat=True))


@pytest.mark.django_db(transaction=True)
def test_migration_cleans_imported_names_and_leaves_others_alone():
    _migrate(BEFORE)
    try:
        imported = Organisation.objects.create(
            name='"NATIONAL CENTER FOR SCIENTIFIC RESEARCH ""DEMOKRITOS"""',
            short_name='"NCSR ""D"""',
            source=Source.CORDIS,
            cordis_pic="999000101",
        )
        claimed = Organisation.objects.create(
            name='"VOFAB, VAXJO FASTIGHETSFORVALTNING AB"',
            source=Source.CORDIS,
            cordis_pic="999000102",
            claimed=True,
        )
        fine = Organisation.objects.create(
            name='Fondacija za promovisanje nauke "PRONA"', source=Source.CORDIS
        )
        manual = Organisation.objects.create(name='"Quoted" on purpose"', source=Source.MANUAL)
        _migrate(AFTER)
    finally:
        _migrate(AFTER)  # never leave the test database half-migrated

    for organisation in (imported, claimed, fine, manual):
        organisation.refresh_from_db()
    assert (imported.name, imported.short_name) == (
        'NATIONAL CENTER FOR SCIENTIFIC RESEARCH "DEMOKRITOS"',
        'NCSR "D"',
    )
    assert claimed.name == "VOFAB, VAXJO FASTIGHETSFORVALTNING AB"
    assert fine.name == 'Fondacija za promovisanje nauke "PRONA"'
    assert manual.name == '"Quoted" on purpose"'  # created on Loket: its members' own text
    # The search documents follow the names (SQLite's FTS table included).
    assert imported.search_document
    assert 'NATIONAL CENTER FOR SCIENTIFIC RESEARCH "DEMOKRITOS"' in _found("demokritos")
