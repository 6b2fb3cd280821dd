import pytest

from loket.lib.decompound import FORMS, LEXICON, split


def _lemmas(word: str) -> list[str]:
    return [lemma for _written, lemma in split(word)]


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("waterstofopslag", ["waterstof", "opslag"]),
        ("zonnepanelen", ["zon", "paneel"]),  # linking "e" after a doubled consonant
        ("veiligheidsnormen", ["veiligheid", "norm"]),  # linking "s"
        ("bedrijventerrein", ["bedrijf", "terrein"]),  # plural first part
        ("afvalwaterzuivering", ["afval", "water", "zuivering"]),
        ("gezondheidszorg", ["gezondheid", "zorg"]),
        ("onderzoeksinstellingen", ["onderzoek", "instelling"]),
        ("zonnecellen", ["zon", "cel"]),
        ("havenbedrijven", ["haven", "bedrijf"]),
        ("batterijrecyclage", ["batterij", "recyclage"]),  # Flemish "recyclage" (recycling)
    ],
)
def test_compounds_split_into_lexicon_words(word, parts):
    assert _lemmas(word) == parts


def test_parts_keep_how_they_are_written():
    assert split("zonnepanelen") == (("zon", "zon"), ("panelen", "paneel"))


@pytest.mark.parametrize(
    "word",
    [
        # Short words and words whose pieces happen to be words ("ver"+"keer") stay whole.
        "bestand",
        "verkeer",
        "gebouw",
        "overheid",
        "zondag",
        "kansen",
        "parkeren",
        "testament",
        "automatisch",
        # Lexicalised compounds: the parts would say something else.
        "waterstof",
        "netwerk",
        "netwerken",
        "landbouw",
        "zeeland",
        # Not Dutch compounds, or parts outside the lexicon.
        "business",
        "datacenter",
        "samenwerkingsverbanden",
        "r2d2",
        "",
    ],
)
def test_words_that_stay_whole(word):
    assert split(word) == ()


def test_lexicon_words_are_never_split_and_are_their_own_lemma():
    assert all(split(word) == () and FORMS[word] == word for word in LEXICON)


def test_lexicon_holds_no_prefixes_that_would_cut_common_words():
    assert not LEXICON & {"ver", "ont", "be", "ge", "her", "over", "onder", "aan", "heid", "ing"}


def test_very_long_tokens_are_not_split():
    assert split("water" * 20) == ()
