"""The directory's full-text index: one stemmed document per organisation.

SQLite: an FTS5 table; PostgreSQL: a GIN-indexed tsvector over the same stemmed text.
"""

from collections.abc import Iterable

from loket.lib.text import stemmed_document
from loket.organisations.models import Organisation


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
    """Recompute the stemmed search document for the given organisations (all when None)."""
    queryset = Organisation.objects.all()
    if organisation_ids is not None:
        queryset = queryset.filter(pk__in=list(organisation_ids))
    changed = []
    for organisation in queryset.iterator(chunk_size=2000):
        document = stemmed_document(search_text_for(organisation))
        if document != organisation.search_document:
            organisation.search_document = document
            changed.append(organisation)
    Organisation.objects.bulk_update(changed, ["search_document"], batch_size=1000)
    return len(changed)
