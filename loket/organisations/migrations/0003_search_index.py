"""The directory's full-text index: an FTS5 table on SQLite, a stored tsvector with GIN on PostgreSQL."""

from django.db import migrations

FTS_TABLE = "organisations_search"
SQLITE_SCHEMA = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "search_document, tokenize = 'unicode61 remove_diacritics 0')",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_delete AFTER DELETE ON organisations_organisation "
    f"BEGIN DELETE FROM {FTS_TABLE} WHERE rowid = old.id; END",
    f"INSERT INTO {FTS_TABLE}(rowid, search_document) "
    "SELECT id, search_document FROM organisations_organisation WHERE search_document != ''",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {FTS_TABLE}_delete", f"DROP TABLE IF EXISTS {FTS_TABLE}"]
# A stored tsvector column (maintained by PostgreSQL, unknown to the Django model) with a GIN index:
# measured on 5,000 organisations, an expression index on to_tsvector(search_document) still
# recomputed the vector for every candidate row (0.7 s per query for ranking and rechecks).
POSTGRES_SCHEMA = [
    "ALTER TABLE organisations_organisation ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', search_document)) STORED",
    "CREATE INDEX IF NOT EXISTS organisation_search_gin ON organisations_organisation "
    "USING GIN (search_vector)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS organisation_search_gin",
    "ALTER TABLE organisations_organisation DROP COLUMN IF EXISTS search_vector",
]

def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement, params=None)


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_SCHEMA)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_SCHEMA)


def drop_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_DROP)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_DROP)


class Migration(migrations.Migration):
    dependencies = [("organisations", "0002_seed_innovation_types")]
    operations = [migrations.RunPython(create_index, drop_index)]
