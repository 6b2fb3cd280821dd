"""Dutch compound splitting for search and matching (no Django imports).

Dutch writes compounds as one word ("waterstofopslag") where English and French write the parts
apart ("hydrogen storage", "stockage d'hydrogène"), and Dutch profiles often write them apart too
("opslag van waterstof"). `split` cuts a folded word into known Dutch words so both spellings
share terms; callers keep the whole word as well.

A word is cut only when every part is a word of LEXICON (or an inflected form of one), so the
splitter is deterministic: the same word splits the same way at index and at query time, whatever
the corpus holds. Words of LEXICON are never cut themselves: that is how lexicalised compounds
("waterstof", "netwerk", "landbouw") stay whole. Between two parts the linking morphemes "s",
"e" and "en" are allowed ("veiligheid-s-normen", "zonn-e-panelen", "bedrijv-en-terrein").

No PyPI package fitted: compound-split (CharSplit's n-gram model, last release 2020) always
proposes a cut, the lexicon check would still be needed, and its Dutch model is large.
"""

from __future__ import annotations

from functools import lru_cache

# Simplex words and lexicalised compounds frequent in innovation, business and research texts
# (folded: lower case, no accents). Heads and modifiers alike; plurals are derived (see _forms).
# Never add affixes or particles ("ver", "ont", "heid", "aan", "over"): they would cut words
# such as "verkeer" or "overheid". Short words (3 letters) are cut off only as whole parts.
LEXICON_TEXT = """
aanbesteding aanbod aandeel aankoop aanleg aanpak aansluiting aanvraag aarde aardgas accu
activiteit advies afspraak afval agro akker akkerbouw algoritme ambacht analyse apparaat arbeid
arbeidsmarkt architectuur arts auto automatisering
baan bank batterij bedrijf bedrijfsleven begeleiding behandeling beheer beheerder belasting
beleid beroep bescherming besparing bestand beton beurs beveiliging bewaking bewoner bezoek
bier binnenvaart bio biomassa bloem bodem boer boerderij boom boot bos bouw brand brandstof
brug budget buis burger bus
capaciteit cel centrale centrum chemie chip cluster coaching communicatie computer concept
consument container controle cultuur cyber
dak data deel deling delta diagnose diagnostiek dienst dienstverlening dier dijk
digitalisering dorp drank drink druk duurzaamheid
ecologie economie efficientie eigenaar eiwit elektriciteit emissie energie export
fabriek fabrikant familie fiets film financiering fonds fruit
gas gebied gebouw gebruik gebruiker geld gemeente gemeenschap genees geneeskunde gereedschap
gewas gezin gezondheid glas golf graan gras grens grond grondstof groei groente
handel haven hergebruik hout huis huur hulp
idee implementatie import industrie informatie infrastructuur ingenieur inkoop innovatie
inspectie installatie instelling instituut integratie intelligentie internet inzameling
investering isolatie
jeugd
kaart kabel kader kamer kanaal kans kantoor kapitaal kas kennis kern keten kind kinder
kinderen kip klant klimaat kolen koolstof koop koude koeling kosten kracht kunst kunststof
kust kwaliteit kweek
laad lab laboratorium lading land landbouw landschap leerling leiding lening leven levering
licht lijn locatie logistiek lucht luchtvaart
machine markt materiaal mechanica medicijn melk mens mest meter meting micro middel milieu
mobiliteit model module molen monitoring motor muur
nano natuur nederland net netwerk norm
olie omgeving onderhoud onderwijs onderzoek ondernemer onderneming ontwikkeling opleiding
oplossing opslag opvang opwekking ouder oven overheid
paal paneel park partner patient personeel plaats plan plant plastic platform polder
pomp prijs proces product productie programma project provincie
raad recht recyclage recycling regel regio reiniging renovatie rest rivier riool risico robot ruimte
ruimtevaart
schade scheepvaart scheiding schepen schip school sector sensor service sloop software spoor
staal stad station steun strategie stroom structuur student subsidie suiker systeem
taal talent tech techniek technologie teelt terrein test textiel therapie toekomst toepassing
toezicht training transitie transport trein tuin tuinbouw tunnel turbine
uitstoot uitwisseling
vaardigheid vaccin varken vee veiligheid verbinding verbruik verkeer verkoop verpakking
vervoer verwarming verwerking verzekering vis visserij vlees voedsel voeding voertuig
voorziening vorm vracht vrachtwagen
waarde warmte water waterstof weg welzijn werk werking wetenschap wind winkel winning woning
zaad zee zeeland zekerheid ziekenhuis ziekte zon zorg zuivel zuivering
"""
LEXICON: frozenset[str] = frozenset(LEXICON_TEXT.split())

MIN_PART = 3  # letters of the shortest part (after removing a linking morpheme)
MAX_WORD = 40  # longer tokens are not words (identifiers, URLs, glued text)
MAX_PARTS = 4
_VOWELS = frozenset("aeiouy")
_LINKS = ("", "s", "e", "en")


def _plurals(word: str) -> set[str]:
    """Regular Dutch plural and inflected forms; over-generating is harmless (it only decides
    whether a part is known)."""
    forms = {word + "s", word + "en"}
    if word.endswith("e"):
        forms.add(word + "n")
    if word.endswith("ie"):
        forms.add(word + "en")  # "innovatieen" is how "innovatieën" folds
    last = word[-1]
    if last not in _VOWELS:
        before = word[:-1]
        if len(before) >= 2 and before[-1] == before[-2] and before[-1] in _VOWELS:
            # A long vowel in a closed syllable is written single in an open one: paneel, panelen.
            forms.add(before[:-1] + last + "en")
        elif before and before[-1] in _VOWELS:
            forms.add(word + last + "en")  # a short vowel doubles the consonant: net, netten
        if last == "f":
            forms.add(word[:-1] + "ven")  # bedrijf, bedrijven
        if last == "s":
            forms.add(word[:-1] + "zen")  # huis, huizen
    return forms


def _build_forms(lexicon: frozenset[str]) -> dict[str, str]:
    forms: dict[str, str] = {}
    for word in sorted(lexicon):
        for form in _plurals(word):
            forms.setdefault(form, word)
    forms.update({word: word for word in lexicon})  # a word is its own lemma first
    return forms


FORMS: dict[str, str] = _build_forms(LEXICON)


Part = tuple[str, str]  # (the part as written, less any linking morpheme; its lexicon word)


def _known(part: str, *, head: bool) -> Part | None:
    """The part and the lexicon word it stands for. A head must be a form of a word; a first
    part may also end in a linking morpheme, after a doubled consonant ("zonne" -> "zon",
    "veiligheids" -> "veiligheid")."""
    if part in FORMS:
        return part, FORMS[part]
    if head:
        return None
    for link in _LINKS[1:]:
        if not part.endswith(link):
            continue
        stem = part[: -len(link)]
        if len(stem) < MIN_PART:
            continue
        if stem in FORMS:
            return stem, FORMS[stem]
        single = stem[:-1]  # "zonn" -> "zon": the consonant doubled before the link
        if len(single) >= MIN_PART and stem[-1] == stem[-2] not in _VOWELS and single in FORMS:
            return single, FORMS[single]
    return None


@lru_cache(maxsize=100_000)
def _split(word: str, head: bool, depth: int) -> tuple[Part, ...] | None:
    """The parts of `word` as known words, fewest parts first, or None. `head`: the word ends
    the compound (no linking morpheme after it)."""
    known = _known(word, head=head)
    if known is not None:
        return (known,)
    if depth >= MAX_PARTS:
        return None
    best: tuple[Part, ...] | None = None
    # Longest known last part first (Dutch compounds are right-headed, and a long part is the
    # least likely to be a chance match); of the splits found, the one with fewest parts.
    for cut in range(MIN_PART, len(word) - MIN_PART + 1):
        last = _known(word[cut:], head=head)
        if last is None:
            continue
        left = _split(word[:cut], False, depth + 1)
        if left is not None and (best is None or len(left) + 1 < len(best)):
            best = (*left, last)
    return best


@lru_cache(maxsize=200_000)
def split(word: str) -> tuple[Part, ...]:
    """The parts of a Dutch compound, each as (written, lexicon word), or () when `word` is
    not one ("zonnepanelen" -> (("zon", "zon"), ("panelen", "paneel"))).

    `word` must be folded (see loket.lib.text.fold). Words of the lexicon stay whole.
    """
    if word in FORMS or len(word) < 2 * MIN_PART or len(word) > MAX_WORD or not word.isalpha():
        return ()
    parts = _split(word, True, 1)
    return parts if parts is not None and len(parts) > 1 else ()
