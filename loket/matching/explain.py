"""Why a partner is proposed: matched passage with highlighted terms (no Django imports)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from loket.lib.text import fold, stems

WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
PASSAGE_CHARS = 320


@dataclass
class Explanation:
    segments: list[tuple[str, bool]] = field(default_factory=list)  # (text, highlighted)
    terms: list[str] = field(default_factory=list)


def _stem_set(text: str) -> set[str]:
    return {stem for word in WORD_RE.findall(fold(text)) for stem in stems(word)}


def _window(passage: str, query_stems: set[str]) -> str:
    """A stretch of the passage around its first matching word, at most PASSAGE_CHARS long."""
    if len(passage) <= PASSAGE_CHARS:
        return passage
    for match in WORD_RE.finditer(passage):
        if set(stems(fold(match.group()))) & query_stems:
            start = max(0, match.start() - PASSAGE_CHARS // 3)
            return ("…" if start else "") + passage[start : start + PASSAGE_CHARS] + "…"
    return passage[:PASSAGE_CHARS] + "…"


def passage_explain(
    query: str, passages: list[str], dense_order: list[int] | None = None
) -> Explanation:
    """The passage sharing the most query stems (ties and no overlap: the densest match,
    when the caller ranked passages by embedding), with the shared words highlighted."""
    query_stems = _stem_set(query)
    best, best_overlap = -1, 0
    for i, passage in enumerate(passages):
        overlap = len(_stem_set(passage) & query_stems)
        if overlap > best_overlap:
            best, best_overlap = i, overlap
    if best < 0:
        best = dense_order[0] if dense_order else (0 if passages else -1)
    if best < 0 or not passages[best]:
        return Explanation()
    text = _window(passages[best], query_stems)
    segments: list[tuple[str, bool]] = []
    terms: list[str] = []
    last = 0
    for match in WORD_RE.finditer(text):
        if set(stems(fold(match.group()))) & query_stems:
            segments.append((text[last : match.start()], False))
            segments.append((match.group(), True))
            if match.group().lower() not in terms:
                terms.append(match.group().lower())
            last = match.end()
    segments.append((text[last:], False))
    return Explanation(segments=[s for s in segments if s[0]], terms=terms[:12])
