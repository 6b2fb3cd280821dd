"""Language-aware text normalisation shared by search and matching (no Django imports).

Two analyses:
- `stemmed_document` / `stems`: every token's Dutch and English stems (the challenges search);
- `analysed_document` / `analysed_terms` / `terms`: the same stems without stopwords (Dutch,
  English, French), plus the stems of the parts of Dutch compounds (see loket.lib.decompound),
  for the directory's full-text index and the matching's BM25. Texts are often mixed, so no
  language is guessed: a token is dropped when it is a stopword in any of the three languages
  (less a few words that carry meaning in another, see STOPWORD_EXCEPTIONS).
"""

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

from loket.lib.decompound import split

TOKEN_RE = re.compile(r"[^\W_]+", re.UNICODE)
_STEMMERS = {
    lang: snowballstemmer.stemmer(name) for lang, name in [("nl", "dutch"), ("en", "english")]
}

# The Snowball project's stopword lists (snowballstem.org, algorithms/*/stop.txt), folded, with
# a few frequent words they lack. Dutch:
STOPWORDS_NL = """
aan al alle alles als altijd andere ben bij daar daarbij daarin daarmee daarnaast daarom
daarvan daarvoor dan dat de der deze die dit doch doen door dus een eens en er ermee ervan
ge geen geweest haar had heb hebben hebt heeft hem het hier hij hoe hun iemand iets ik in is ja
je jij jou jouw jullie kan kon kunnen kunt maar me meer men met mij mijn moet moeten na naar
niet niets nog nu of om omdat onder ons onze ook op over reeds te tegen toch toen tot tussen u
uit uw van vanuit veel via voor waar waarbij waarin waarmee waarvan want waren was wat we
werd werden wezen wie wij wil worden wordt zal ze zelf zich zij zijn zo zoals zodat zonder zou
zowel zullen
"""
STOPWORDS_EN = """
a about above after again against all am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further
had has have having he her here hers herself him himself his how i if in into is its itself
just me more most my myself no nor not now of off on once only or other ought our ours
ourselves out over own same she should so some such than that the their theirs them themselves
then there these they this those through to too under until up very was we were what when
where which while who whom why will with would you your yours yourself yourselves
"""
STOPWORDS_FR = """
a ai au aux avec ce ceci cela ces cet cette d dans de des du elle elles en et eu eux il ils
j je l la le les leur leurs lui m ma mais me meme mes moi mon n ne nos notre nous on ont ou
par pas pour qu que quel quelle quelles quels qui s sa sans se ses son sont sur t ta te tes toi
ton tu un une vos votre vous y est etait etre ete sera seront sont avait avoir
"""
# Stopwords in one language that say something in another (folded): "AI", "EU", "IT", "US",
# "TU Delft", Dutch "ton" (tonne) and "maïs".
STOPWORD_EXCEPTIONS = frozenset({"ai", "eu", "it", "us", "tu", "ton", "mais"})
STOPWORDS: frozenset[str] = (
    frozenset((STOPWORDS_NL + STOPWORDS_EN + STOPWORDS_FR).split()) - STOPWORD_EXCEPTIONS
)


def fold(text: str) -> str:
    """Lower-case and strip accents, so 'Coöperatie' and 'cooperatie' meet."""
    if text.isascii():  # most texts: nothing to strip
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokens(text: str) -> list[str]:
    return TOKEN_RE.findall(fold(text or ""))


def is_stopword(token: str) -> bool:
    return token in STOPWORDS


@lru_cache(maxsize=200_000)
def stems(token: str) -> tuple[str, ...]:
    """The Dutch and English stems of a token (one or two distinct strings)."""
    nl = _STEMMERS["nl"].stemWord(token)
    en = _STEMMERS["en"].stemWord(token)
    return (nl,) if nl == en else (nl, en)


def stemmed_document(text: str) -> str:
    """Every token replaced by its Dutch and English stems (no stopwords removed, no compounds
    split): the challenges' search document."""
    return " ".join(stem for token in tokens(text) for stem in stems(token))


def part_groups(token: str) -> tuple[tuple[str, ...], ...]:
    """The stems each part of a Dutch compound brings (the part as written and its lexicon
    word), one group per part; () when the token is not a compound."""
    return tuple(
        tuple(dict.fromkeys((*stems(written), *stems(lemma)))) for written, lemma in split(token)
    )


@lru_cache(maxsize=200_000)
def terms(token: str) -> tuple[str, ...]:
    """What a token adds to an index or a query: nothing for a stopword, else its stems and
    those of its compound parts ("waterstofopslag" -> waterstofopslag, waterstof, opslag)."""
    if token in STOPWORDS:
        return ()
    return tuple(
        dict.fromkeys((*stems(token), *(stem for group in part_groups(token) for stem in group)))
    )


def analysed_terms(text: str) -> list[str]:
    """Every token's terms (see `terms`), in order, repeated as often as the token is."""
    return [term for token in tokens(text) for term in terms(token)]


def analysed_document(text: str) -> str:
    """The input for the directory's full-text index (see loket.organisations.search)."""
    return " ".join(analysed_terms(text))
