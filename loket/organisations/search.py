"""The directory's full-text index: one stemmed document per organisation.

`Organisation.search_document` holds the Dutch and English stems of every word of a profile but
stopwords, and the stems of the parts of Dutch compounds (loket.lib.text.analysed_document; a
change to that analysis needs a migration that refreshes the documents, such as 0005). The index
is built on that column:

- SQLite: an FTS5 table `organisations_search` (rowid = organisation id) that keeps its own copy
  of the document; `search_documents_refresh` keeps it in sync; ranking by bm25.
- PostgreSQL: a stored tsvector column `search_vector` (generated from search_document by the
  database; see migration 0003) with a GIN index; ranking by ts_rank.

Queries are stemmed the same way, every token is quoted (no FTS syntax reaches the engine), a token
matches when either of its stems does, all tokens must match (a Dutch compound: all its parts, so
"waterstofopslag" finds "opslag van waterstof"), stopwords are left out, and the last token also
matches as a prefix so results follow the user's typing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import BooleanField, F, FloatField, Func, QuerySet, Value
from django.db.models.expressions import RawSQL

from loket.lib.text import analysed_document, is_stopword, part_groups, stems, tokens
from loket.organisations.directory_cache import directory_cache_clear
from loket.organisations.models import Organisation

FTS_TABLE = "organisations_search"
ORGANISATION_TABLE = Organisation._meta.db_table
MAX_QUERY_TOKENS = 16
MIN_PREFIX_LENGTH = 3
# PostgreSQL ranks at most this many of a broad query's matches (the most active organisations
# among them): ts_rank reads every match's whole tsvector, which costs seconds at 100k profiles.
RANK_CANDIDATES = 2000
# Above this many matches SQLite filters them through the covering index (search_filter).
BROAD_MATCHES = 3000

# The FTS5 table stores already folded, stemmed tokens; unicode61 must not change them again.
SQLITE_SCHEMA = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "search_document, tokenize = 'unicode61 remove_diacritics 0')",
    # Deleting an organisation drops its index row even when no service remembers to.
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_delete AFTER DELETE ON {ORGANISATION_TABLE} "  # noqa: S608
    f"BEGIN DELETE FROM {FTS_TABLE} WHERE rowid = old.id; END",
]


class _SearchVector(Func):
    """PostgreSQL's stored `search_vector` column, next to search_document under the same alias.

    Migration 0003 adds it as GENERATED ALWAYS AS (to_tsvector('simple', search_document)) STORED;
    the model does not know it, so it is reached through the search_document column reference.
    """

    def as_sql(self, compiler, connection, **extra_context):  # type: ignore[override]
        sql, params = compiler.compile(self.source_expressions[0])
        column = connection.ops.quote_name("search_document")
        if not sql.endswith(column):
            raise ValueError(f"Unexpected column reference {sql!r}")
        return sql[: -len(column)] + connection.ops.quote_name("search_vector"), params


class _TsMatch(Func):
    template = "%(expressions)s)"
    arg_joiner = " @@ to_tsquery('simple', "
    output_field = BooleanField()


class _TsRank(Func):
    template = "ts_rank(%(expressions)s))"
    arg_joiner = ", to_tsquery('simple', "
    output_field = FloatField()


class _Fts5CoveringMatch(Func):
    """`+id IN (rowids matching the FTS5 query)`: the unary + keeps SQLite from looking every
    matching id up by primary key, so it checks them while reading a covering index instead."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):  # type: ignore[override]
        column, column_params = compiler.compile(self.source_expressions[0])
        query, query_params = compiler.compile(self.source_expressions[1])
        sql = f"+{column} IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH {query})"  # noqa: S608
        return sql, (*column_params, *query_params)


def search_text_for(organisation: Organisation) -> str:
    parts = [
        organisation.name,
        organisation.short_name,
        organisation.description,
        organisation.offers,
        organisation.seeks,
        " ".join(organisation.expertise_tags or []),
        organisation.city,
        organisation.profile_text,
    ]
    return "\n".join(part for part in parts if part)


def search_documents_refresh(*, organisation_ids: Iterable[int] | None = None) -> int:
    """Recompute the stemmed search document for the given organisations (all when None).

    Also brings the full-text index up to date for them; returns how many documents changed.
    """
    ids = None if organisation_ids is None else list(organisation_ids)
    queryset = Organisation.objects.all()
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    changed = []
    for organisation in queryset.iterator(chunk_size=2000):
        document = analysed_document(search_text_for(organisation))
        if document != organisation.search_document:
            organisation.search_document = document
            changed.append(organisation)
    Organisation.objects.bulk_update(changed, ["search_document"], batch_size=1000)
    if ids is None:
        search_index_rebuild()
    else:
        search_index_sync(organisation_ids=ids)
    return len(changed)


def search_index_rebuild() -> None:
    """Rebuild the SQLite FTS table from the stored documents (PostgreSQL's index needs nothing)."""
    directory_cache_clear()
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for statement in SQLITE_SCHEMA:
            cursor.execute(statement)
        cursor.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608 - constant table names
        cursor.execute(
            f"INSERT INTO {FTS_TABLE}(rowid, search_document) "  # noqa: S608
            f"SELECT id, search_document FROM {ORGANISATION_TABLE} WHERE search_document != ''"
        )


def search_index_sync(*, organisation_ids: Iterable[int]) -> None:
    """Copy the stored documents of these organisations into the SQLite FTS table."""
    directory_cache_clear()
    if connection.vendor != "sqlite":
        return
    ids = [int(pk) for pk in organisation_ids]
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("%s" for _ in chunk)
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", chunk)  # noqa: S608
            cursor.execute(
                f"INSERT INTO {FTS_TABLE}(rowid, search_document) "  # noqa: S608
                f"SELECT id, search_document FROM {ORGANISATION_TABLE} "
                f"WHERE id IN ({marks}) AND search_document != ''",
                chunk,
            )


@dataclass(frozen=True)
class ParsedQuery:
    """A user's query as alternatives of stems per token; the last token may be a prefix."""

    terms: tuple[tuple[str, ...], ...]
    prefix_last: bool

    def __bool__(self) -> bool:
        return bool(self.terms)

    def fts5(self) -> str:
        groups = []
        for position, alternatives in enumerate(self.terms):
            star = "*" if self.prefix_last and position == len(self.terms) - 1 else ""
            quoted = [f'"{stem.replace(chr(34), chr(34) * 2)}"{star}' for stem in alternatives]
            groups.append("(" + " OR ".join(quoted) + ")")
        return " AND ".join(groups)

    def tsquery(self) -> str:
        groups = []
        for position, alternatives in enumerate(self.terms):
            star = ":*" if self.prefix_last and position == len(self.terms) - 1 else ""
            quoted = [
                "'" + stem.replace("\\", "\\\\").replace("'", "''") + "'" + star
                for stem in alternatives
            ]
            groups.append("(" + " | ".join(quoted) + ")")
        return " & ".join(groups)


def search_query_parse(query: str) -> ParsedQuery:
    """Stem a user's query the way documents are stemmed; punctuation and operators vanish."""
    words = tokens((query or "")[:500])[:MAX_QUERY_TOKENS]
    # Documents hold no stopwords; a query of nothing else keeps them (and finds little).
    content = [word for word in words if not is_stopword(word)] or words
    seen: set[tuple[str, ...]] = set()
    terms = []
    for word in content:
        # Documents hold the parts of their compounds too, so requiring the parts finds both.
        for alternatives in part_groups(word) or (tuple(dict.fromkeys(stems(word))),):
            if alternatives not in seen:
                seen.add(alternatives)
                terms.append(alternatives)
    # A trailing space means the last word is complete; otherwise it may still be being typed.
    prefix_last = (
        bool(terms)
        and content[-1] == words[-1]
        and len(words[-1]) >= MIN_PREFIX_LENGTH
        and not query.endswith(" ")
    )
    if prefix_last and words[-1] not in terms[-1]:
        # Also match the word as typed, so "samenw" finds "samenwerking" whatever the stemmer did.
        terms[-1] = (*terms[-1], words[-1])
    return ParsedQuery(terms=tuple(terms), prefix_last=prefix_last)


def search_filter(
    queryset: QuerySet[Organisation], parsed: ParsedQuery, *, broad: bool = False
) -> QuerySet[Organisation]:
    """Only the organisations whose document matches (no ranking; cheap for counts and facets).

    `broad` (see search_is_broad): on SQLite, check the matches against the narrow covering
    index (organisation_facets) instead of looking each one up in the wide table, which reads
    past the long texts of every row: twice as fast for tens of thousands of matches, slower
    for a few hundred.
    """
    if not parsed:
        return queryset
    if connection.vendor == "sqlite":
        if broad:
            return queryset.filter(_Fts5CoveringMatch(F("id"), Value(parsed.fts5())))
        return queryset.filter(
            id__in=RawSQL(  # noqa: S611 - constant SQL, the query is a parameter
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608
                [parsed.fts5()],
            )
        )
    if connection.vendor == "postgresql":
        return queryset.filter(
            _TsMatch(_SearchVector(F("search_document")), Value(parsed.tsquery()))
        )
    raise NotImplementedError(f"No full-text search for {connection.vendor}")


def search_is_broad(parsed: ParsedQuery) -> bool:
    """Whether a query matches more than BROAD_MATCHES documents (SQLite only; one cheap count
    on the full-text index). PostgreSQL answers False: its GIN bitmap needs no such choice."""
    if not parsed or connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {FTS_TABLE} "  # noqa: S608
            f"WHERE {FTS_TABLE} MATCH %s LIMIT %s)",
            [parsed.fts5(), BROAD_MATCHES + 1],
        )
        return cursor.fetchone()[0] > BROAD_MATCHES


@contextmanager
def search_prefer_index() -> Iterator[None]:
    """Evaluate a full-text query through the GIN index on PostgreSQL.

    For a common word the planner expects most rows to match and scans the table, evaluating `@@`
    on every row, which reads every (large, TOASTed) tsvector; the bitmap from the GIN index
    gives the same rows without reading any vector, 2 to 3 times faster at 100k profiles.
    """
    if connection.vendor != "postgresql":
        yield
        return
    # SET LOCAL lasts until the transaction ends, so one is needed (no savepoint inside another).
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        try:
            yield
        finally:
            cursor.execute("SET LOCAL enable_seqscan TO DEFAULT")


def search_rank_is_capped(match_count: int) -> bool:
    """Whether search_ranked ranks only RANK_CANDIDATES of `match_count` matches."""
    return connection.vendor == "postgresql" and match_count > RANK_CANDIDATES


def search_ranked(
    queryset: QuerySet[Organisation], parsed: ParsedQuery, *, match_count: int | None = None
) -> QuerySet[Organisation]:
    """Matching organisations, best first, with a `search_rank` annotation (higher is better).

    With `match_count` above RANK_CANDIDATES on PostgreSQL, only the most active candidates
    (most EU projects, then funding) are ranked; see search_rank_is_capped().
    """
    if not parsed:
        return queryset
    if connection.vendor == "sqlite":
        # bm25() only works next to the MATCH that feeds it, so the FTS table joins the query.
        # bm25 is negative (lower is better); negate it so both engines sort descending.
        return queryset.extra(  # noqa: S610 - constant SQL, the query is a parameter
            tables=[FTS_TABLE],
            where=[
                f"{FTS_TABLE}.rowid = {ORGANISATION_TABLE}.id",
                f"{FTS_TABLE} MATCH %s",
            ],
            params=[parsed.fts5()],
            select={"search_rank": f"-bm25({FTS_TABLE})"},
        ).order_by("-search_rank", "name", "id")
    matching = search_filter(queryset, parsed)
    if match_count is not None and search_rank_is_capped(match_count):
        candidates = matching.order_by("-project_count", "-eu_contribution_total", "id").values(
            "id"
        )[:RANK_CANDIDATES]
        matching = queryset.filter(id__in=candidates)
    return matching.annotate(
        search_rank=_TsRank(_SearchVector(F("search_document")), Value(parsed.tsquery()))
    ).order_by("-search_rank", "name", "id")
