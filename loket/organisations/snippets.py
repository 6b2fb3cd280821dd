"""A short excerpt of a profile around the words that matched a search (no Django imports).

Returns segments (text, matched) so the template can escape every piece and wrap the matched
words in <mark>: no HTML from a profile ever reaches the page unescaped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from loket.lib.text import fold, stems
from loket.lib.text import terms as token_terms

WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
SPACE_RE = re.compile(r"\s+")
LEAD = 60  # characters of context kept before the first matched word


def _matches(word: str, terms: Sequence[Sequence[str]], prefix: Sequence[str]) -> bool:
    folded = fold(word)
    # A compound also matches by its parts, as it does in the index.
    word_stems = {*stems(folded), *token_terms(folded), folded}
    if any(word_stems.intersection(alternatives) for alternatives in terms):
        return True
    return any(s.startswith(p) for p in prefix for s in word_stems)


def snippet_segments(
    texts: Sequence[str],
    terms: Sequence[Sequence[str]] = (),
    *,
    prefix_last: bool = False,
    width: int = 240,
) -> list[tuple[str, bool]]:
    """The first text that mentions a search term, cut to about `width` characters around it
    (or the first non-empty text), as (text, matched) segments."""
    texts = [SPACE_RE.sub(" ", text or "").strip() for text in texts]
    texts = [text for text in texts if text]
    if not texts:
        return []
    prefix = tuple(terms[-1]) if terms and prefix_last else ()
    chosen, first_hit = texts[0], None
    if terms:
        for text in texts:
            hit = next(
                (m for m in WORD_RE.finditer(text) if _matches(m.group(), terms, prefix)), None
            )
            if hit is not None:
                chosen, first_hit = text, hit.start()
                break
    start = 0
    if first_hit is not None and first_hit > LEAD:
        space = chosen.find(" ", first_hit - LEAD, first_hit)
        start = space + 1 if space != -1 else first_hit
    end = min(len(chosen), start + width)
    if end < len(chosen):
        space = chosen.rfind(" ", start, end)
        end = space if space > start else end
    window = chosen[start:end]
    segments: list[tuple[str, bool]] = []
    if start > 0:
        segments.append(("…", False))
    position = 0
    if terms:
        for match in WORD_RE.finditer(window):
            if _matches(match.group(), terms, prefix):
                if match.start() > position:
                    segments.append((window[position : match.start()], False))
                segments.append((match.group(), True))
                position = match.end()
    if position < len(window):
        segments.append((window[position:], False))
    if end < len(chosen):
        segments.append(("…", False))
    return segments
