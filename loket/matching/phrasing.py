"""The subject of a need, without the way people phrase a request (no Django imports).

Users type "We zoeken een partner voor recyclage van batterijen", "Nous cherchons des
partenaires ayant de l'expérience en ..." or "Does anyone have expertise in ...?". The request
words ("zoeken", "partner", "expertise", "looking for") say nothing about the subject, yet they
pull both signals away from it: the encoder places such a need near projects about partnering
and fellowships, and BM25 matches "partners" in project texts. Measured on the cross-lingual
needs wrapped in request phrasings, see docs/benchmarks.md ("Needs phrased as requests").

`need_subject` removes the request phrases and words, keeping everything else as written (the
encoder reads a sentence, so stopwords and word order stay). A need that is nothing but request
words is returned unchanged.

`need_aspects` splits a short need that asks for several things ("waterstofopslag in havens en
sensoren voor lekdetectie") into its parts: one vector for the whole need lands near one of them
only, so the cross-lingual feedback reads each part on its own (docs/benchmarks.md, "Needs that
ask for several things").
"""

from __future__ import annotations

import re
from functools import lru_cache

from loket.lib.text import fold, is_stopword

# Multi-word request phrases, matched on the folded text (lower case, no accents), removed
# before the single words below.
_PHRASES = (
    # Dutch
    r"(?:wij|we|ik) (?:zijn|ben) (?:nog |dringend )?op zoek naar",
    r"op zoek naar",
    r"wie kan (?:ons|mij|me) (?:hierbij |daarbij )?helpen(?: met| bij)?",
    r"(?:wil|willen) samenwerken met",
    r"ervaring (?:heeft|hebben) met",
    # English
    r"(?:we|i) (?:are|am) (?:currently )?(?:looking|searching) for",
    r"looking for",
    r"searching for",
    r"who can help (?:us|me)(?: with)?",
    r"(?:wants?|would like) to (?:work|collaborate|partner) with",
    r"has experience (?:in|with)",
    # French
    r"(?:nous|je) (?:re)?cherch(?:ons|e) (?:un |une |des |de )?(?:partenaires?|partenariats?)",
    r"(?:a la )?recherche (?:de |d')?(?:un |une |des )?(?:partenaires?|partenariats?)",
    r"qui peut (?:nous|m') ?aider(?: a| pour| dans)?",
    r"souhaite collaborer avec",
    r"quelqu'un a-t-il",
    r"ayant (?:de l'|d')?(?:experience|expertise)",
)
# Single request words (folded): what the request is, not what it is about. Words that name a
# subject in one of the three languages are not here ("recherche" is research in French,
# "aide" a support scheme, "kennis" and "knowledge" name transfer subjects).
_REQUEST_WORDS = """
    zoeken zoek zoekt gezocht partner partners partnerorganisatie partnerorganisaties
    samenwerkingspartner samenwerkingspartners samenwerken helpen ervaring expertise expert
    experts deskundigheid iemand bedrijf organisatie
    looking seek seeking sought wanted partnering collaborate cooperate help experience
    experienced someone anyone company organisation organization
    cherchons recherchons cherche partenaire partenaires aider experte expertes collaborer
    quelqu entreprise organisme souhaite
"""
REQUEST_WORDS = frozenset(_REQUEST_WORDS.split())
_PHRASE_RE = re.compile(r"\b(?:" + "|".join(_PHRASES) + r")\b")
_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_APOSTROPHE_RE = re.compile(r"['’]")
_SPACES_RE = re.compile(r"\s{2,}")


def _spans_removed(text: str, spans: list[tuple[int, int]]) -> str:
    out, last = [], 0
    for start, end in sorted(spans):
        if start >= last:
            out.append(text[last:start])
            last = end
    out.append(text[last:])
    return "".join(out)


@lru_cache(maxsize=4096)
def need_subject(text: str) -> str:
    """`text` without request phrasing; unchanged when nothing else would be left. Cached:
    ranking, feedback lookup and explanation each ask for the same need's subject."""
    if not text:
        return text
    folded = fold(text)
    if len(folded) != len(text):  # folding changed the length (rare ligatures): words only
        folded = ""
    spans = [m.span() for m in _PHRASE_RE.finditer(folded)] if folded else []
    kept = _spans_removed(text, spans)
    word_spans = [
        m.span()
        for m in _WORD_RE.finditer(kept)
        if any(part in REQUEST_WORDS for part in _APOSTROPHE_RE.split(fold(m.group())))
    ]
    if not spans and not word_spans:
        return text
    subject = _SPACES_RE.sub(" ", _spans_removed(kept, word_spans))
    # What the removed words governed ("We ... een ... voor recyclage") goes too: the subject
    # starts at its first content word.
    words = list(_WORD_RE.finditer(subject))
    content = [m for m in words if not is_stopword(fold(m.group()))]
    if not content:
        return text
    return subject[content[0].start() :].strip()


# A need typed in the form is a sentence or two; longer texts (a project description, a
# profile) are read whole: their "and"s join the parts of one subject.
ASPECT_MAX_WORDS = 40
MAX_ASPECTS = 4
_SENTENCE_BREAK_RE = re.compile(r"[.!?]\s+\S|\n")
_ASPECT_SPLIT_RE = re.compile(
    r"\s*(?:;|,\s*(?:en|and|et)\s+|\s(?:en|and|et|evenals|as well as|ainsi que)\s)\s*",
    re.IGNORECASE,
)


def need_aspects(text: str) -> list[str]:
    """The parts of a short, one-sentence need joined by "en" / "and" / "et" / ";" that each
    hold a content word (at most MAX_ASPECTS; the last one keeps the rest); [text] when there is
    only one. Texts of several sentences ("Title. Research and Innovation action") are read
    whole."""
    if len(text.split()) > ASPECT_MAX_WORDS or _SENTENCE_BREAK_RE.search(text.strip()):
        return [text]
    parts = [
        part
        for part in _ASPECT_SPLIT_RE.split(text)
        if any(not is_stopword(fold(word)) for word in _WORD_RE.findall(part))
    ]
    if len(parts) < 2:
        return [text]
    return [*parts[: MAX_ASPECTS - 1], " ".join(parts[MAX_ASPECTS - 1 :])][: len(parts)]
