"""A need's subject without its request phrasing ("We zoeken een partner voor ...")."""

import pytest

from loket.matching.encoders import HashingEncoder
from loket.matching.engine import Corpus, Matcher, MatchRequest
from loket.matching.evaluation import texts_corpus
from loket.matching.phrasing import need_aspects, need_subject
from loket.matching.scoring import mean_vectors
from loket.matching.services import match_for
from loket.matching.tests.corpora import flat_corpus
from loket.organisations.models import Organisation, OrganisationType


@pytest.mark.parametrize(
    ("need", "subject"),
    [
        ("We zoeken een partner voor recyclage van batterijen", "recyclage van batterijen"),
        (
            "Wij zijn op zoek naar partners met ervaring in sensoren voor lekdetectie",
            "sensoren voor lekdetectie",
        ),
        ("Wie kan ons helpen? Robots die pakjes sorteren", "Robots die pakjes sorteren"),
        ("Heeft iemand expertise in warmtepompen?", "warmtepompen?"),
        ("Nous cherchons un partenaire pour réutiliser des batteries", "réutiliser des batteries"),
        (
            "Nous recherchons des partenaires ayant de l'expérience en cybersécurité",
            "cybersécurité",
        ),
        ("Recherche partenaire : éclairage public", "éclairage public"),
        ("We are looking for a partner for heat pumps", "heat pumps"),
        ("We seek partners with experience in flood forecasting", "flood forecasting"),
        ("Does anyone have expertise in qubits?", "qubits?"),
    ],
)
def test_the_request_phrasing_is_removed_in_three_languages(need, subject):
    assert need_subject(need) == subject


@pytest.mark.parametrize(
    "need",
    [
        "Smart sensors for food processing lines",  # nothing to remove
        "Centre de recherche sur les batteries",  # "recherche" is research here
        "We zoeken een partner",  # nothing but the request: kept as written
        "",
    ],
)
def test_a_need_without_request_phrasing_or_without_a_subject_is_unchanged(need):
    assert need_subject(need) == need


PROFILES = {
    "matchmaker": "Partner search network: we help companies find partners with expertise",
    "recycler": "Battery recycling and recovery of lithium from spent batteries",
    "port": "Logistics services for container ports",
}


@pytest.fixture
def corpus() -> Corpus:
    texts = list(PROFILES.values())
    vectors = mean_vectors(HashingEncoder().encode_passages(texts), list(range(3)), 3)
    return flat_corpus(texts, vectors)


@pytest.mark.parametrize("method", ["bm25", "dense", "rrf"])
def test_a_phrased_need_ranks_as_its_subject(corpus, method):
    matcher = Matcher(corpus, HashingEncoder())
    names = list(PROFILES)

    def ranking(text: str) -> list[tuple[str, float]]:
        ranked = matcher.rank(MatchRequest(text=text, top=3, method=method))
        return [(names[e.position], round(e.score, 6)) for e in ranked]

    phrased = ranking("We are looking for partners with expertise in battery recycling")
    assert phrased == ranking("battery recycling")
    assert phrased[0][0] == "recycler"
    if method == "bm25":  # the request words matched nothing: the matchmaker is not a result
        assert [key for key, _score in phrased] == ["recycler"]


@pytest.mark.django_db
def test_the_explanation_does_not_highlight_the_request_words(match_settings, org_a):
    from loket.matching.index import index_build, index_reset

    Organisation.objects.create(
        name="Spectro Partners",
        org_type=OrganisationType.COMPANY,
        country="BE",
        description="Spectroscopy partners for food contamination detection.",
    )
    index_build()
    index_reset()
    found = match_for(user=None, text="We zoeken partners voor spectroscopy", top=1)
    assert found[0].organisation.name == "Spectro Partners"
    assert found[0].explanation.terms == ["spectroscopy"]


@pytest.mark.parametrize(
    ("need", "aspects"),
    [
        (
            "waterstofopslag in havens en sensoren voor lekdetectie",
            ["waterstofopslag in havens", "sensoren voor lekdetectie"],
        ),
        (
            "stockage d'hydrogène et capteurs de fuites",
            ["stockage d'hydrogène", "capteurs de fuites"],
        ),
        ("heat pumps; district heating", ["heat pumps", "district heating"]),
        ("heat pumps and", ["heat pumps and"]),  # nothing after "and": one aspect
        ("Smart sensors for food processing lines", ["Smart sensors for food processing lines"]),
    ],
)
def test_a_short_need_is_split_into_the_things_it_asks_for(need, aspects):
    assert need_aspects(need) == aspects


def test_a_long_text_is_read_whole_and_at_most_four_aspects_are_read():
    long = " and ".join(["sensors for leak detection"] * 12)
    assert need_aspects(long) == [long]
    assert need_aspects("a1 en b2 en c3 en d4 en e5") == ["a1", "b2", "c3", "d4 e5"]


def test_each_thing_a_need_asks_for_brings_its_own_feedback_terms():
    # The whole need lands nearest three sensor passages; the hydrogen passage is fourth. The
    # need's Dutch words are unknown to the profiles, so the cross-lingual feedback matters.
    encoder = HashingEncoder(
        synonyms={
            "waterstof": "hydrogen",
            "opslag": "storage",
            "sensoren": "sensors",
            "lekdetectie": "leak",
        }
    )
    texts = [
        "sensors leak sensors leak",
        "leak sensors leak detection",
        "sensors sensors leak alarm",
        "hydrogen storage tanks",
        "container port logistics",
    ]
    corpus, _vectors = texts_corpus(encoder, texts)
    matcher = Matcher(corpus, encoder)
    need = "waterstof opslag en sensoren lekdetectie"
    ranked = matcher.rank(MatchRequest(text=need, top=5))
    assert {"tank", "hydrogen", "leak", "sensor"} <= set(matcher.feedback_used(need))
    assert corpus.keys[ranked[0].position] == "3"


def test_a_text_of_several_sentences_is_read_whole():
    text = "Smart sensors and actuators. Research and Innovation action"
    assert need_aspects(text) == [text]
    assert need_aspects("Heat pumps and district heating.") == ["Heat pumps", "district heating."]
