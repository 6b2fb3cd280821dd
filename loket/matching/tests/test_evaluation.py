"""evaluate_matching on a tiny split written for the test (and on the real data when present)."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from loket.matching.encoders import HashingEncoder
from loket.matching.evaluation import (
    PHRASINGS,
    composite_evaluate,
    cross_lingual_evaluate,
    phrased_evaluate,
)
from loket.matching.split import cordis_load, split_build

FIXTURES = Path(__file__).parent / "fixtures" / "cordis"


def test_time_split_uses_only_earlier_projects_for_the_directory():
    projects, orgs = cordis_load(FIXTURES)
    split = split_build(projects, orgs, HashingEncoder(), until="2020-12-31")
    assert set(split.corpus.keys) == {"100", "200", "300", "400", "500", "600"}
    assert {q.id: q.relevant for q in split.queries} == {"5": {"200", "300"}, "6": {"500"}}
    # The later project's text is in no profile.
    assert not any("automation" in p for passages in split.passages for p in passages)


def test_evaluate_matching_prints_every_method(match_settings):
    out = StringIO()
    call_command(
        "evaluate_matching", "--data", str(FIXTURES), "--encoder", "test-hashing", stdout=out
    )
    text = out.getvalue()
    for method in ("popularity", "bm25", "past_partners", "dense", "hybrid"):
        assert method in text
    assert "R@10" in text and "nDCG@10" in text
    assert "nl:" in text and "fr:" in text
    assert "bootstrap interval" in text
    nl = next(line for line in text.splitlines() if line.strip().startswith("nl:"))
    assert "of English; 95% bootstrap interval" in nl
    assert "Anonymous needs" not in text
    phrased = text.split("Needs phrased as requests")[1]
    assert "held-out phrasings" in phrased and "phrased" in phrased
    composite = text.split("Needs that ask for two things")[1]
    assert "both" in composite and "R@10" in composite


def test_evaluate_matching_measures_anonymous_needs(match_settings):
    out = StringIO()
    call_command(
        "evaluate_matching",
        "--data",
        str(FIXTURES),
        "--encoder",
        "test-hashing",
        "--no-seeker",
        "--no-cross-lingual",
        stdout=out,
    )
    anonymous = out.getvalue().split("Anonymous needs")[1]
    rows = {line.split()[0] for line in anonymous.splitlines()[1:] if line.strip()}
    assert {"popularity", "bm25", "dense", "hybrid"} <= rows
    # Past partners need a seeker: there is no such row for anonymous needs.
    assert "past_partners" not in rows


@pytest.mark.shared_data
def test_real_cordis_split_has_later_queries():
    folder = Path(settings.LOKET_DATA_DIR) / "cordis"
    if not (folder / "h2020_projects.csv.gz").exists():
        pytest.skip("shared CORDIS data absent")
    projects, _orgs = cordis_load(folder)
    later = [p for p in projects.values() if p.members and p.start > "2020-12-31"]
    assert later


def test_needs_phrased_as_requests_score_as_the_plain_needs():
    # Distractors made of request words: a matcher reading the request would find these.
    distractors = [
        f"Partner search service {i}: we help every company looking for partners, and seek "
        "partners with experience and expertise for anyone who wants help."
        for i in range(30)
    ]
    encoder = HashingEncoder(dim=64)
    measured = phrased_evaluate(encoder, distractors, None, PHRASINGS)
    plain = cross_lingual_evaluate(encoder, distractors, None)
    for language in ("nl", "fr", "en"):
        assert plain[language]["hybrid MRR"] > 0
        assert measured[language]["phrased"] == pytest.approx(plain[language]["hybrid MRR"])


def test_composite_needs_are_scored_on_both_of_their_profiles():
    # The hashing encoder knows no Dutch or French: only English pairs find both profiles.
    measured = composite_evaluate(HashingEncoder(dim=256), None, None)
    assert measured["en"] == {"both@10": 1.0, "R@10": 1.0}
    for language in ("nl", "fr"):
        assert measured[language]["both@10"] < 1.0
        assert measured[language]["both@10"] <= measured[language]["R@10"]
