"""Recompute every organisation's search document with the text analysis that leaves stopwords
out and adds the parts of Dutch compounds (loket.lib.text.analysed_document).

Queries are parsed with the new analysis: a compound in a query requires its parts, which old
documents lack, so the documents must follow. The analysis is imported rather than frozen here:
the document is derived data, and what must agree with the queries is the current analysis.
"""

from django.db import migrations

FTS_TABLE = "organisations_search"
FIELDS = [
    "name",
    "short_name",
    "description",
    "offers",
    "seeks",
    "expertise_tags",
    "city",
    "profile_text",
    "search_document",
]


def refresh_documents(apps, schema_editor):
    from loket.lib.text import analysed_document
    from loket.organisations.search import search_text_for

    Organisation = apps.get_model("organisations", "Organisation")
    ids = list(Organisation.objects.order_by("id").values_list("id", flat=True))
    for start in range(0, len(ids), 2000):
        changed = []
        for organisation in Organisation.objects.filter(id__in=ids[start : start + 2000]).only(
            "id", *FIELDS
        ):
            document = analysed_document(search_text_for(organisation))
            if document != organisation.search_document:
                organisation.search_document = document
                changed.append(organisation)
        Organisation.objects.bulk_update(changed, ["search_document"], batch_size=1000)
    if schema_editor.connection.vendor == "sqlite":
        # PostgreSQL's tsvector column follows by itself; the FTS5 table keeps its own copy.
        schema_editor.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608
        schema_editor.execute(
            f"INSERT INTO {FTS_TABLE}(rowid, search_document) "  # noqa: S608
            "SELECT id, search_document FROM organisations_organisation "
            "WHERE search_document != ''"
        )


class Migration(migrations.Migration):
    dependencies = [("organisations", "0004_directory_indexes")]
    operations = [migrations.RunPython(refresh_documents, migrations.RunPython.noop)]
