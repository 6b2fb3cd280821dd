"""BM25 with the shared text analysis: Dutch compounds, stopwords, other languages unchanged."""

import numpy as np

from loket.lib.text import stems, tokens
from loket.matching.scoring import BM25Index

PROFILES = [
    "Opslag van waterstof in de haven",  # the Dutch need, written apart
    "Wij zijn een bedrijf in de regio en het is van ons en voor u: de de de van van van",
    "Logistiek en transport over de weg",
    "Hydrogen storage in the ports of the North Sea",
    "Stockage de l'hydrogène dans les ports",
]


def test_dutch_compound_query_finds_the_profile_that_writes_the_parts_apart():
    index = BM25Index.build(PROFILES)
    scores = index.scores("waterstofopslag havens")
    assert int(np.argmax(scores)) == 0
    assert scores[0] > 0 and scores[1] == 0 and scores[2] == 0


def test_a_compound_in_a_profile_is_found_by_its_parts():
    index = BM25Index.build(["Waterstofopslag in zeehavens", "Opslag van graan"])
    scores = index.scores("waterstof haven")
    assert scores[0] > 0 and scores[1] == 0


def test_stopwords_do_not_count():
    index = BM25Index.build(PROFILES)
    assert not {"de", "van", "het", "the", "in", "les", "dans"} & set(index.vocabulary)
    # A query made of stopwords only scores nothing, however many the profiles hold.
    assert not index.scores("de van het een in").any()
    scores = index.scores("opslag van waterstof in de haven")
    assert int(np.argmax(scores)) == 0 and scores[1] == 0


def test_english_and_french_needs_rank_as_before():
    index = BM25Index.build(PROFILES)
    assert int(np.argmax(index.scores("hydrogen storage in ports"))) == 3
    assert int(np.argmax(index.scores("stockage d'hydrogène"))) == 4
    # No compound splitting for these languages: every term is a stem of a token.
    for text in PROFILES[3:]:
        allowed = {s for t in tokens(text) for s in stems(t)}
        assert set(BM25Index.build([text]).vocabulary) <= allowed
