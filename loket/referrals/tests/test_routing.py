from datetime import UTC, datetime

from loket.referrals import routing, sla
from loket.referrals.models import Service

WVL_CENTRE = routing.Candidate(
    id=1,
    name="Innovatiecentrum West-Vlaanderen",
    regions=("west_vlaanderen",),
    services=("ip_licensing", "funding"),
    languages=("nl", "en"),
)
ANTWERP_TTO = routing.Candidate(
    id=2,
    name="Tech Transfer Antwerpen",
    regions=("antwerpen",),
    services=("ip_licensing", "research"),
    languages=("nl", "en", "fr"),
)
WVL_SUPPORT = routing.Candidate(
    id=3,
    name="Ondernemerspunt Brugge",
    regions=("west_vlaanderen",),
    services=("starting_up", "funding"),
    languages=("nl",),
)


def test_service_codes_match_the_model_choices():
    assert set(Service.values) == set(routing.SERVICE_KEYWORDS)


def test_ip_question_detected_in_three_languages():
    assert (
        routing.detect_topics("Hoe bescherm ik onze uitvinding met een octrooi?")[0]
        == "ip_licensing"
    )
    assert (
        routing.detect_topics("How do we license our patent to a manufacturer?")[0]
        == "ip_licensing"
    )
    assert (
        routing.detect_topics("Comment déposer un brevet pour notre capteur ?")[0] == "ip_licensing"
    )


def test_other_topics_detected():
    assert "funding" in routing.detect_topics("Welke subsidie bestaat er voor ons project?")
    assert "internationalisation" in routing.detect_topics("We want to export to Canada")
    assert routing.detect_topics("") == []
    assert routing.detect_topics("lorem ipsum dolor") == []


def test_language_detection():
    assert routing.detect_language("Hoe kunnen wij een octrooi aanvragen voor onze sensor?") == "nl"
    assert routing.detect_language("How can we protect our invention with a patent?") == "en"
    assert routing.detect_language("Comment pouvons-nous protéger notre invention ?") == "fr"
    assert routing.detect_language("octrooi", default="fr") == "fr"


def test_west_flemish_ip_question_reaches_the_west_flemish_centre_first():
    topics = routing.detect_topics("Wij willen een octrooi aanvragen op onze nieuwe sensor.")
    ranked = routing.rank_intermediaries(
        [ANTWERP_TTO, WVL_SUPPORT, WVL_CENTRE],
        topics=topics,
        region="west_vlaanderen",
        language="nl",
    )
    assert [item.candidate.id for item in ranked] == [1, 3, 2]
    kinds = {reason.kind for reason in ranked[0].reasons}
    assert kinds == {"region", "service", "language"}


def test_without_region_the_service_decides_and_external_scores_count():
    ranked = routing.rank_intermediaries(
        [WVL_SUPPORT, ANTWERP_TTO, WVL_CENTRE], topics=["research"], region="", language="fr"
    )
    assert ranked[0].candidate.id == 2
    ranked = routing.rank_intermediaries(
        [WVL_SUPPORT, WVL_CENTRE], topics=[], external_scores={3: 0.9, 1: 0.1}
    )
    assert ranked[0].candidate.id == 3
    assert ranked[0].reasons[0].kind == "text"


def test_ties_are_stable_by_name():
    ranked = routing.rank_intermediaries([WVL_SUPPORT, ANTWERP_TTO, WVL_CENTRE], topics=[])
    assert [item.candidate.name for item in ranked] == sorted(
        [WVL_SUPPORT.name, ANTWERP_TTO.name, WVL_CENTRE.name], key=str.lower
    )


def test_working_days_skip_weekends():
    friday = datetime(2025, 3, 7, 10, 0, tzinfo=UTC)
    assert sla.add_working_days(friday, 1) == datetime(2025, 3, 10, 10, 0, tzinfo=UTC)
    assert sla.add_working_days(friday, 5) == datetime(2025, 3, 14, 10, 0, tzinfo=UTC)
    monday = datetime(2025, 3, 10, 10, 0, tzinfo=UTC)
    assert sla.working_days_between(friday, monday) == 14 / 24 + 10 / 24
    assert sla.working_days_between(monday, friday) == 0.0
    assert sla.is_overdue(friday, 1, datetime(2025, 3, 10, 11, 0, tzinfo=UTC))
    assert not sla.is_overdue(friday, 1, datetime(2025, 3, 9, 23, 0, tzinfo=UTC))
