"""Names of imported organisations without the CSV quoting an export step left in them
(``"Fondacija ""PRONA"" Novi Sad"`` becomes ``Fondacija "PRONA" Novi Sad``), and their
search documents after them.

The parser cleans names on import now (``cordis.clean_name``) and a re-run of ``import_cordis``
updates unclaimed profiles; this repairs what is stored already, claimed CORDIS profiles included
(nobody types these escapes). Profiles created on Loket are left alone. The cleaning and the
search analysis are imported rather than frozen: the stored names must agree with what the import
writes from now on, and the documents with the queries.
"""

from django.db import migrations
from django.db.models import Q

FTS_TABLE = "organisations_search"
DOCUMENT_FIELDS = [
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


def clean_names(apps, schema_editor):
    from loket.lib.text import analysed_document
    from loket.organisations.cordis import clean_name
    from loket.organisations.search import search_text_for

    Organisation = apps.get_model("organisations", "Organisation")
    candidates = Organisation.objects.filter(source="cordis").filter(
        Q(name__contains='"') | Q(short_name__contains='"')
    )
    changed = []
    for organisation in candidates.only(*DOCUMENT_FIELDS):
        name, short_name = clean_name(organisation.name), clean_name(organisation.short_name)
        if (name, short_name) == (organisation.name, organisation.short_name):
            continue
        organisation.name = name or short_name or organisation.name  # never an empty name
        organisation.short_name = short_name
        organisation.search_document = analysed_document(search_text_for(organisation))
        changed.append(organisation)
    Organisation.objects.bulk_update(
        changed, ["name", "short_name", "search_document"], batch_size=500
    )
    if changed and schema_editor.connection.vendor == "sqlite":
        # PostgreSQL's tsvector column follows by itself; the FTS5 table keeps its own copy.
        for organisation in changed:
            schema_editor.execute(
                f"DELETE FROM {FTS_TABLE} WHERE rowid = %s",  # noqa: S608
                [organisation.pk],
            )
            if organisation.search_document:
                schema_editor.execute(
                    f"INSERT INTO {FTS_TABLE}(rowid, search_document) VALUES (%s, %s)",  # noqa: S608
                    [organisation.pk, organisation.search_document],
                )


class Migration(migrations.Migration):
    dependencies = [("organisations", "0005_search_documents_analysis")]
    operations = [migrations.RunPython(clean_names, migrations.RunPython.noop)]
