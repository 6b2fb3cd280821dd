"""The rule engine as plain functions: each rule kind, its explanation and its suggestion."""

import datetime

from loket.instruments.rules import Answers, Partner, RuleSpec, evaluate_rule, rank

TODAY = datetime.date(2026, 9, 1)
HE_RULE = RuleSpec("min_entities_countries", {"min_entities": 3, "min_countries": 3})
VLAIO_RULE = RuleSpec(
    "min_companies", {"min_companies": 2, "require_sme": True, "max_cost_share": 70}
)


def run(rule: RuleSpec, answers: Answers):
    outcome = evaluate_rule(rule, answers, today=TODAY)
    return outcome, outcome.message.render()


def test_org_type_in_passes_fails_and_unknown():
    rule = RuleSpec("org_type_in", {"values": ["company", "startup"]})
    assert run(rule, Answers(org_type="company"))[0].passed is True
    outcome, text = run(rule, Answers(org_type="knowledge_institution"))
    assert outcome.passed is False
    assert "knowledge_institution" in text and "company, startup" in text
    assert run(rule, Answers())[0].passed is None


def test_size_region_stage_rules():
    assert (
        run(RuleSpec("size_class_in", {"values": ["micro", "small"]}), Answers(size_class="large"))[
            0
        ].passed
        is False
    )
    assert (
        run(
            RuleSpec("region_in", {"values": ["west_vlaanderen"]}),
            Answers(region="west_vlaanderen"),
        )[0].passed
        is True
    )
    outcome, text = run(RuleSpec("stage_in", {"values": ["research"]}), Answers(stage="market"))
    assert outcome.passed is False and "market" in text


def test_budget_range():
    rule = RuleSpec("budget_range", {"min": 25000, "max": 500000})
    assert run(rule, Answers(budget=100000))[0].passed is True
    outcome, text = run(rule, Answers(budget=2_000_000))
    assert outcome.passed is False and "2,000,000" in text
    assert run(rule, Answers())[0].passed is None


def test_theme_keywords_is_soft_and_explains_hits():
    rule = RuleSpec("theme_keywords", {"keywords": ["energy", "climate"]}, required=False)
    outcome, text = run(rule, Answers(theme="Smart energy storage for ports"))
    assert outcome.passed is True and "energy" in text
    assert run(rule, Answers(theme="food safety"))[0].passed is False


def test_horizon_europe_consortium_short_by_two_countries_suggests_partner():
    answers = Answers(
        org_type="company", country="BE", partners=(Partner("knowledge_institution", "BE"),)
    )
    outcome, text = run(HE_RULE, answers)
    assert outcome.passed is False
    assert "2 entities from 1" not in text  # numbers are the real ones
    assert "has 2 from 1 (BE)" in text
    suggestion = outcome.suggestion.message.render()
    assert (
        "Add 2 independent partner(s) from another EU member state or associated country"
        in suggestion
    )
    assert outcome.suggestion.countries_to_avoid == ("BE",)


def test_horizon_europe_consortium_counts_associated_countries_and_aliases():
    answers = Answers(
        org_type="company",
        country="BE",
        partners=(Partner("company", "NO"), Partner("research_centre", "GB")),
    )
    outcome, text = run(HE_RULE, answers)
    assert outcome.passed is True, text
    # Non-associated third countries and dependent entities do not count.
    answers = Answers(
        org_type="company",
        country="BE",
        partners=(Partner("company", "US"), Partner("company", "DE", independent=False)),
    )
    assert run(HE_RULE, answers)[0].passed is False


def test_horizon_europe_needs_a_member_state():
    answers = Answers(
        org_type="company",
        country="NO",
        partners=(Partner("company", "CH"), Partner("company", "IS")),
    )
    outcome, _ = run(HE_RULE, answers)
    assert outcome.passed is False
    assert "EU member state" in outcome.suggestion.message.render()


def test_two_companies_with_sme_and_cost_cap():
    ok = Answers(
        org_type="company",
        size_class="large",
        own_cost_share=60,
        partners=(Partner("company", "BE", is_sme=True, cost_share=40),),
    )
    assert run(VLAIO_RULE, ok)[0].passed is True
    no_sme = Answers(
        org_type="company", size_class="large", partners=(Partner("company", "BE", is_sme=False),)
    )
    outcome, text = run(VLAIO_RULE, no_sme)
    assert outcome.passed is False and "SME" in text
    assert outcome.suggestion.needs_sme
    alone = Answers(org_type="company", size_class="large")
    outcome, text = run(VLAIO_RULE, alone)
    assert "At least 2 independent companies are needed; you have 1." in text
    assert "one of them an SME" in outcome.suggestion.message.render()
    heavy = Answers(
        org_type="company",
        size_class="small",
        own_cost_share=85,
        partners=(Partner("company", "BE", is_sme=True, cost_share=15),),
    )
    outcome, text = run(VLAIO_RULE, heavy)
    assert outcome.passed is False and "70% of the costs; one bears 85%" in text


def test_min_partners():
    rule = RuleSpec("min_partners", {"min": 1, "org_types": ["knowledge_institution"]})
    outcome, _ = run(rule, Answers(org_type="company"))
    assert outcome.passed is False
    assert outcome.suggestion.partner_type == "knowledge_institution"
    assert run(
        rule, Answers(org_type="company", partners=(Partner("knowledge_institution", "BE"),))
    )[0].passed


def test_open_within_uses_timing():
    rule = RuleSpec("open_within", {"windows": [{"opens": "2026-10-01", "closes": "2026-12-01"}]})
    assert run(rule, Answers(months_until_start=3))[0].passed is True
    assert run(rule, Answers(months_until_start=0))[0].passed is False
    assert run(RuleSpec("open_within", {"continuous": True}), Answers())[0].passed is True


def test_unknown_kind_never_crashes():
    outcome, text = run(RuleSpec("bogus", {}), Answers())
    assert outcome.passed is None and "bogus" in text


def test_rank_puts_eligible_first_with_reasons():
    answers = Answers(org_type="company", size_class="small", country="BE")
    ranked = rank(
        [
            ("he", [HE_RULE]),
            ("kmo", [RuleSpec("size_class_in", {"values": ["micro", "small", "medium"]})]),
        ],
        answers,
        today=TODAY,
    )
    assert [e.key for e in ranked] == ["kmo", "he"]
    assert ranked[0].eligible and not ranked[1].eligible
    assert ranked[1].failed[0].suggestion is not None


def test_describe_every_kind_in_plain_words():
    from loket.instruments.rules import PARAMS, describe

    texts = {kind: describe(kind, {}).render() for kind in PARAMS}
    assert all(texts.values()) and "Unknown" not in " ".join(texts.values())
    text = describe(
        "min_companies", {"min_companies": 2, "require_sme": True, "max_cost_share": 70}
    ).render()
    assert text == (
        "At least 2 independent companies, including an SME; none bears more than 70% of the costs."
    )
    assert describe("teleport", {}).render() == "Unknown rule kind teleport; ask a curator."
