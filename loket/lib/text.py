"""Language-aware text normalisation shared by search and matching (no Django imports)."""

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

TOKEN_RE = re.compile(r"[^\W_]+", re.UNICODE)
_STEMMERS = {
    lang: snowballstemmer.stemmer(name) for lang, name in [("nl", "dutch"), ("en", "english")]
}


def fold(text: str) -> str:
    """Lower-case and strip accents, so 'Coöperatie' and 'cooperatie' meet."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokens(text: str) -> list[str]:
    return TOKEN_RE.findall(fold(text or ""))


@lru_cache(maxsize=200_000)
def stems(token: str) -> tuple[str, ...]:
    """The Dutch and English stems of a token (one or two distinct strings)."""
    nl = _STEMMERS["nl"].stemWord(token)
    en = _STEMMERS["en"].stemWord(token)
    return (nl,) if nl == en else (nl, en)


def stemmed_document(text: str) -> str:
    """Every token replaced by its Dutch and English stems; the input for the full-text index."""
    return " ".join(stem for token in tokens(text) for stem in stems(token))
