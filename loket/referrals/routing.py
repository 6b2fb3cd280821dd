"""Question routing (no Django imports): detect topic and language, rank intermediaries.

Topic detection is keyword based over Dutch, English and French: a keyword ending in `*` matches
any token starting with it (octrooi* → octrooien, octrooiaanvraag), a keyword with a space matches
that phrase in the folded text, any other keyword matches a token with the same Dutch or English
Snowball stem. The ranking adds up plain, explainable points; `external_scores` is the hook for the
matching engine (a 0..1 relevance per intermediary computed from the question text).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from loket.lib.text import fold, stems, tokens

# fmt: off
SERVICE_KEYWORDS: dict[str, tuple[str, ...]] = {
    "ip_licensing": (
        "octrooi*", "patent*", "brevet*", "licenti*", "licens*", "licenc*", "ip",
        "intellectuele eigendom", "intellectual property", "propriete intellectuelle",
        "merkenrecht", "trademark*", "auteursrecht", "copyright", "uitvinding*", "invention*",
        "knowhow", "know how", "spin off", "spin-off",
    ),
    "funding": (
        "subsidie*", "financiering*", "funding", "fund", "grant*", "subvention*", "financement*",
        "vlaio", "steun", "lening*", "loan*", "pret*", "investeerder*", "investor*",
        "investisseur*", "horizon europe", "eic", "kmo portefeuille", "kmo-portefeuille",
        "premie*", "prime*",
    ),
    "partner_search": (
        "partner*", "samenwerk*", "collaborat*", "consortium*", "leverancier*", "supplier*",
        "fournisseur*", "klant*", "cooperation", "cooperat*",
    ),
    "technology_scan": (
        "technologiescan", "technology scan", "technologie*", "technolog*", "scan", "audit*",
        "state of the art", "stand van de techniek", "innovatiescan", "diagnos*",
    ),
    "internationalisation": (
        "export*", "internationa*", "buitenland*", "abroad", "etranger", "markt*", "market*",
        "marche*", "flanders investment", "fit",
    ),
    "prototyping": (
        "prototyp*", "testen", "testing", "test", "proefopstelling*", "pilot*", "fablab*",
        "demonstrat*", "valider*", "validat*", "maquette*",
    ),
    "digitalisation": (
        "digitali*", "digital*", "numerique*", "software", "logiciel*", "data", "donnees", "ai",
        "artificiele intelligentie", "artificial intelligence", "intelligence artificielle",
        "automatis*", "automat*", "cyber*", "iot", "sensor*", "capteur*",
    ),
    "sustainability": (
        "duurza*", "sustainab*", "durable*", "circula*", "circular*", "recycl*", "energie*",
        "energy", "co2", "klimaat*", "climate", "climat*", "afval*", "waste", "dechet*",
    ),
    "starting_up": (
        "starter*", "start up", "startup*", "start-up*", "oprichten", "onderneming starten",
        "ondernemingsplan", "business plan", "businessplan", "groei*", "growth", "croissance",
        "scale up", "scale-up*", "creer une entreprise",
    ),
    "research": (
        "onderzoek*", "research*", "recherche*", "universiteit*", "university", "universite*",
        "hogeschool*", "kennisinstelling*", "labo*", "laborator*", "doctoraat*", "phd",
    ),
}

_STOPWORDS = {
    "nl": {
        "bij", "dat", "de", "die", "een", "en", "er", "graag", "het", "hoe", "ik", "is", "kan",
        "kunnen", "met", "mijn", "naar", "niet", "om", "ons", "onze", "ook", "op", "over", "te",
        "van", "voor", "wat", "we", "welke", "wij", "zijn",
    },
    "en": {
        "a", "about", "an", "and", "are", "can", "could", "do", "for", "help", "how", "i", "in",
        "is", "looking", "my", "not", "of", "on", "our", "that", "the", "to", "we", "what",
        "which", "with", "would",
    },
    "fr": {
        "au", "aux", "avec", "comment", "dans", "de", "des", "du", "est", "et", "je", "la", "le",
        "les", "ma", "mon", "nos", "notre", "nous", "pas", "peut", "pour", "pouvons", "que",
        "quel", "quelle", "qui", "quoi", "sont", "sur", "un", "une",
    },
}
# fmt: on

LANGUAGES = ("nl", "en", "fr")

# Points per signal; kept as constants so the explanation can say why one came first.
REGION_POINTS = 3.0
SERVICE_POINTS = 2.0
LANGUAGE_POINTS = 1.0
EXTERNAL_POINTS = 1.5


def _keyword_position(keyword: str, token_list: list[str], text: str) -> int:
    """Index of the first token the keyword matches, or -1."""
    if " " in keyword or "-" in keyword:
        phrase = " ".join(tokens(keyword))
        at = text.find(f" {phrase} ")
        return -1 if at < 0 else text[:at].count(" ")
    if keyword.endswith("*"):
        prefix = keyword[:-1]
        return next((i for i, token in enumerate(token_list) if token.startswith(prefix)), -1)
    keyword_stems = set(stems(keyword))
    return next(
        (
            i
            for i, token in enumerate(token_list)
            if token == keyword or keyword_stems & set(stems(token))
        ),
        -1,
    )


def detect_topics(text: str, *, limit: int = 3) -> list[str]:
    """Service codes the question is about: most keyword hits first, then the earliest mention."""
    token_list = tokens(text)
    joined = f" {' '.join(token_list)} "
    hits: dict[str, tuple[int, int]] = {}
    for service, keywords in SERVICE_KEYWORDS.items():
        positions = [
            position
            for keyword in keywords
            if (position := _keyword_position(fold(keyword), token_list, joined)) >= 0
        ]
        if positions:
            hits[service] = (-len(positions), min(positions))
    ordered = sorted(hits, key=lambda service: (*hits[service], service))
    return ordered[:limit]


def detect_language(text: str, default: str = "nl") -> str:
    """nl, en or fr by counting common function words; `default` when nothing stands out."""
    token_list = tokens(text)
    counts = {
        lang: sum(1 for token in token_list if token in words) for lang, words in _STOPWORDS.items()
    }
    best = max(LANGUAGES, key=lambda lang: (counts[lang], lang == default))
    return best if counts[best] > 0 else default


@dataclass(frozen=True)
class Candidate:
    """What routing needs to know about one intermediary."""

    id: int
    name: str
    regions: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reason:
    """One reason a candidate scored: kind is region, service, language or text."""

    kind: str
    value: str
    points: float


@dataclass
class Ranked:
    candidate: Candidate
    score: float
    reasons: list[Reason] = field(default_factory=list)


def rank_intermediaries(
    candidates: list[Candidate],
    *,
    topics: list[str],
    region: str = "",
    language: str = "",
    external_scores: dict[int, float] | None = None,
    limit: int = 5,
) -> list[Ranked]:
    """Best-placed intermediaries first; ties broken by name so the order is stable."""
    external_scores = external_scores or {}
    ranked = []
    for candidate in candidates:
        reasons: list[Reason] = []
        if region and region in candidate.regions:
            reasons.append(Reason("region", region, REGION_POINTS))
        for topic in topics:
            if topic in candidate.services:
                reasons.append(Reason("service", topic, SERVICE_POINTS))
        if language and language in candidate.languages:
            reasons.append(Reason("language", language, LANGUAGE_POINTS))
        external = max(0.0, min(1.0, external_scores.get(candidate.id, 0.0)))
        if external > 0:
            reasons.append(Reason("text", f"{external:.2f}", round(EXTERNAL_POINTS * external, 3)))
        score = round(sum(reason.points for reason in reasons), 3)
        ranked.append(Ranked(candidate=candidate, score=score, reasons=reasons))
    ranked.sort(key=lambda item: (-item.score, item.candidate.name.lower(), item.candidate.id))
    return ranked[:limit]
