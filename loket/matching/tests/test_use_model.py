"""The one test module that loads the real multilingual encoder (once, module-scoped)."""

import pytest

from loket.matching.encoders import USEEncoder
from loket.matching.engine import Matcher, MatchRequest
from loket.matching.tests.corpora import flat_corpus

PROFILES = [
    "Wireless sensors monitoring food freshness and temperature along the cold chain",
    "Offshore wind farm maintenance with autonomous vessels",
    "Financial auditing services for small businesses",
    "Deep learning for automatic detection of cancer in radiology scans",
]


@pytest.fixture(scope="module")
def use_encoder():
    return USEEncoder(threads=2)


def test_a_dutch_need_finds_the_english_profile(use_encoder):
    corpus = flat_corpus(PROFILES, use_encoder.encode_passages(PROFILES))
    matcher = Matcher(corpus, use_encoder)
    for need, expected in [
        ("Sensoren die de versheid van voedsel in de koelketen meten", "0"),
        ("Intelligence artificielle pour détecter des tumeurs sur des images médicales", "3"),
    ]:
        ranked = matcher.rank(MatchRequest(text=need, method="dense", top=4))
        assert corpus.keys[ranked[0].position] == expected, need
        # In a four-profile corpus, stop words shared across languages ("in") still carry
        # BM25 weight, so the fused ranking is only asked to keep it in the top two.
        ranked = matcher.rank(MatchRequest(text=need, method="rrf", top=4))
        assert expected in [corpus.keys[e.position] for e in ranked[:2]], need
