"""Why a partner is proposed: matched passage with highlighted terms (no Django imports)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from loket.lib.text import fold, is_stopword, stems

WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
PASSAGE_CHARS = 320


@dataclass
class Explanation:
    segments: list[tuple[str, bool]] = field(default_factory=list)  # (text, highlighted)
    terms: list[str] = field(default_factory=list)


def _stem_set(text: str) -> set[str]:
    """The stems of the text's words, stopwords left out (a shared "in" or "van" explains
    nothing)."""
    return {
        stem
        for word in WORD_RE.findall(fold(text))
        if not is_stopword(word)
        for stem in stems(word)
    }


def _wanted(word: str, wanted: set[str]) -> bool:
    folded = fold(word)
    return not is_stopword(folded) and bool(set(stems(folded)) & wanted)


def _window(passage: str, wanted: set[str]) -> str:
    """A stretch of the passage around its first matching word, at most PASSAGE_CHARS long."""
    if len(passage) <= PASSAGE_CHARS:
        return passage
    for match in WORD_RE.finditer(passage):
        if _wanted(match.group(), wanted):
            start = max(0, match.start() - PASSAGE_CHARS // 3)
            return ("…" if start else "") + passage[start : start + PASSAGE_CHARS] + "…"
    return passage[:PASSAGE_CHARS] + "…"


def passage_explain(
    query: str,
    passages: list[str],
    dense_order: list[int] | None = None,
    related: dict[str, float] | None = None,
) -> Explanation:
    """The passage sharing the most query stems, with the shared words highlighted.

    `related`: the terms the ranking added to a need whose own words the profiles lack (the
    cross-lingual feedback terms, with their weights: a Dutch need matched English profiles
    through them). Between passages sharing as many of the need's own stems, the one weighing
    most in related terms wins, and those are highlighted too. Ties and no overlap at all: the
    densest match, when the caller ranked passages by embedding."""
    query_stems = _stem_set(query)
    extra = {term: weight for term, weight in (related or {}).items() if term not in query_stems}
    best, best_key = -1, (0, 0.0)
    for i, passage in enumerate(passages):
        words = _stem_set(passage)
        key = (len(words & query_stems), sum(w for t, w in extra.items() if t in words))
        if key > best_key:
            best, best_key = i, key
    if best < 0:
        best = dense_order[0] if dense_order else (0 if passages else -1)
    if best < 0 or not passages[best]:
        return Explanation()
    wanted = query_stems | set(extra)
    text = _window(passages[best], wanted)
    segments: list[tuple[str, bool]] = []
    terms: list[str] = []
    last = 0
    for match in WORD_RE.finditer(text):
        if _wanted(match.group(), wanted):
            segments.append((text[last : match.start()], False))
            segments.append((match.group(), True))
            if match.group().lower() not in terms:
                terms.append(match.group().lower())
            last = match.end()
    segments.append((text[last:], False))
    return Explanation(segments=[s for s in segments if s[0]], terms=terms[:12])
