"""The directory's search with the shared text analysis: Dutch compounds, stopwords and the
migration that brings stored documents to it, on both databases."""

import importlib

import pytest
from django.apps import apps
from django.db import connection

from loket.lib.text import stemmed_document
from loket.organisations.models import Organisation, OrganisationType
from loket.organisations.search import (
    search_documents_refresh,
    search_index_sync,
    search_query_parse,
    search_text_for,
)
from loket.organisations.selectors import organisation_list
from loket.organisations.snippets import snippet_segments

pytestmark = pytest.mark.django_db


def _org(name: str, description: str = "") -> Organisation:
    organisation = Organisation.objects.create(
        name=name, org_type=OrganisationType.COMPANY, description=description
    )
    search_documents_refresh(organisation_ids=[organisation.pk])
    return organisation


def _names(query: str) -> set[str]:
    return {o.name for o in organisation_list(user=None, query=query)}


def test_dutch_compound_query_finds_the_parts_written_apart_and_back():
    _org("Apart", "Opslag van waterstof in de haven.")
    _org("Compound", "Wij bouwen waterstofopslag voor zeehavens.")
    _org("Only Hydrogen", "Waterstof voor vrachtwagens.")
    _org("Only Storage", "Opslag van graan in de haven.")
    assert _names("waterstofopslag havens ") == {"Apart", "Compound"}
    assert _names("waterstofopslag havens") == {"Apart", "Compound"}  # last word as a prefix
    assert _names("opslag waterstof ") == {"Apart", "Compound"}
    # A compound asks for all its parts: "zee" is one, and only "Compound" has it.
    assert _names("zeehaven waterstof ") == {"Compound"}


def test_linking_morphemes_in_a_query():
    _org("Panels", "Wij plaatsen panelen die stroom maken uit de zon.")
    _org("Norms", "Advies over normen voor veiligheid.")
    assert _names("zonnepanelen ") == {"Panels"}
    assert _names("veiligheidsnormen ") == {"Norms"}


def test_stopwords_are_left_out_of_queries_and_documents():
    _org("Port", "Opslag van waterstof in de haven.")
    _org("Noise", "Het is van ons en de uwe, voor u en voor hen: de de de.")
    assert _names("de opslag van de waterstof ") == {"Port"}
    assert "de" not in Organisation.objects.get(name="Noise").search_document.split()
    parsed = search_query_parse("de opslag van de waterstof ")
    assert parsed.terms == (("opslag",), ("waterstof",))


def test_a_query_of_stopwords_only_finds_no_profile_by_them():
    _org("Port", "Opslag van waterstof in de haven.")
    assert _names("de van ") == set()
    # The last word as typed is still a prefix: "over" may become "overheid".
    _org("Government", "Een overheid die innoveert.")
    assert _names("over") == {"Government"}


def test_a_stopword_being_typed_does_not_turn_an_earlier_word_into_a_prefix():
    parsed = search_query_parse("waterstof van")
    assert parsed.terms == (("waterstof",),) and not parsed.prefix_last


def test_short_words_are_not_split():
    _org("Files", "Een bestand met verkeer.")
    _org("Far", "Ver weg, keer op keer, een stand.")
    assert _names("bestand ") == {"Files"}
    assert _names("verkeer ") == {"Files"}


def test_english_and_french_queries_behave_as_before():
    _org("Hydrogen", "Hydrogen storage in the ports of the North Sea")
    _org("Hydrogene", "Stockage de l'hydrogène dans les ports")
    assert _names("hydrogen storage ") == {"Hydrogen"}
    assert _names("stockage hydrogène ") == {"Hydrogene"}
    assert _names("ports ") == {"Hydrogen", "Hydrogene"}
    assert _names("the ports ") == {"Hydrogen", "Hydrogene"}  # "the" is a stopword


def test_migration_brings_old_documents_to_the_new_analysis():
    organisation = _org("Old", "Wij bouwen waterstofopslag.")
    old = stemmed_document(search_text_for(organisation))
    Organisation.objects.filter(pk=organisation.pk).update(search_document=old)
    search_index_sync(organisation_ids=[organisation.pk])
    assert _names("opslag waterstof ") == set()  # the old document lacks the parts

    class _SchemaEditor:  # what the RunPython function uses of a schema editor
        def __init__(self) -> None:
            self.connection = connection

        def execute(self, sql: str) -> None:
            with connection.cursor() as cursor:
                cursor.execute(sql)

    migration = importlib.import_module(
        "loket.organisations.migrations.0005_search_documents_analysis"
    )
    migration.refresh_documents(apps, _SchemaEditor())
    assert _names("opslag waterstof ") == {"Old"}


def test_snippet_marks_a_compound_that_matched_by_its_parts():
    parsed = search_query_parse("opslag waterstof ")
    segments = snippet_segments(["Wij bouwen waterstofopslag."], parsed.terms)
    assert ("waterstofopslag", True) in segments
