"""Template helpers for the directory: search snippets with highlighted terms, country names."""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from loket.organisations.countries import country_name as _country_name
from loket.organisations.search import search_query_parse
from loket.organisations.snippets import snippet_segments

register = template.Library()

SIZE_LABELS = {
    "micro": _("Micro enterprise"),
    "small": _("Small enterprise"),
    "medium": _("Medium-sized enterprise"),
    "large": _("Large enterprise"),
}


@register.filter
def size_label(size_class: str) -> str:
    """The size class in a few words (the choice labels spell out the employee counts)."""
    return str(SIZE_LABELS.get(size_class, size_class))


@register.filter
def country_name(code: str) -> str:
    return _country_name(code)


@register.simple_tag
def search_snippet(organisation, query: str = "", width: int = 240) -> SafeString:
    """Description, offer, need or project text around the query's words; matches in <mark>.

    Every piece is escaped here, the <mark> tags are the only markup added.
    """
    parsed = search_query_parse(query or "")
    texts = [
        organisation.description,
        organisation.offers,
        organisation.seeks,
        getattr(organisation, "profile_excerpt", ""),
    ]
    segments = snippet_segments(
        texts, parsed.terms, prefix_last=parsed.prefix_last, width=int(width)
    )
    html = "".join(
        f"<mark>{escape(text)}</mark>" if matched else str(escape(text))
        for text, matched in segments
    )
    return mark_safe(html)  # noqa: S308 - built from escaped pieces above
