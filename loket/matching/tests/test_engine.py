"""The pure signals, the fusion and the matcher on a small hand-made corpus."""

import numpy as np
import pytest

from loket.matching.encoders import HashingEncoder
from loket.matching.engine import (
    Admissible,
    Corpus,
    Filters,
    Matcher,
    MatchRequest,
    consortium_suggest,
)
from loket.matching.fusion import FEATURES, LogisticFusion, reciprocal_rank_fusion
from loket.matching.metrics import evaluate, ndcg_at, ratio_interval, recall_at, reciprocal_rank
from loket.matching.scoring import (
    BM25Index,
    CollaborationGraph,
    ExtendedBM25,
    PassageIndex,
    TypeAffinity,
    mean_vectors,
    recency_weight,
    stem_terms,
    top_positive,
)
from loket.matching.vectors import ExactSearch

PROFILES = {
    "seeker": ("company", "BE", "Smart sensors for food processing lines", 3),
    "uni": ("knowledge_institution", "BE", "Machine learning for food quality inspection", 9),
    "rival": ("company", "BE", "Smart sensors and sensor networks for food processing", 2),
    "port": ("company", "NL", "Logistics services for container ports", 20),
    "city": ("public_body", "BE", "Municipal food waste collection and food quality policy", 1),
    "lab": ("research_centre", "FR", "Spectroscopy for food contamination detection", 4),
}
CONSORTIA = [["seeker", "uni"], ["uni", "lab"], ["uni", "lab", "port"], ["port", "city"]]


@pytest.fixture
def corpus() -> Corpus:
    keys = list(PROFILES)
    encoder = HashingEncoder()
    texts = [PROFILES[k][2] for k in keys]
    vectors = mean_vectors(encoder.encode_passages(texts), list(range(len(keys))), len(keys))
    types = {k: PROFILES[k][0] for k in keys}
    return Corpus(
        keys=keys,
        types=[types[k] for k in keys],
        countries=[PROFILES[k][1] for k in keys],
        activity=np.asarray([PROFILES[k][3] for k in keys], dtype=np.float32),
        lexical=BM25Index.build(texts),
        dense=ExactSearch(vectors),
        graph=CollaborationGraph.from_projects(CONSORTIA),
        affinity=TypeAffinity.from_projects(CONSORTIA, types),
    )


def keys_of(corpus, ranked):
    return [corpus.keys[e.position] for e in ranked]


def test_bm25_prefers_documents_with_the_rare_query_terms(corpus):
    scores = corpus.lexical.scores("spectroscopy contamination")
    assert corpus.keys[int(np.argmax(scores))] == "lab"
    assert scores[corpus.keys.index("port")] == 0


def test_bm25_round_trips_through_a_file(corpus, tmp_path):
    corpus.lexical.save(str(tmp_path / "lexical.npz"))
    loaded = BM25Index.load(str(tmp_path / "lexical.npz"))
    np.testing.assert_allclose(loaded.scores("food sensors"), corpus.lexical.scores("food sensors"))
    # The postings are memory-mapped (shared by the workers), not read into each one.
    assert isinstance(loaded.doc_ids, np.memmap) and isinstance(loaded.weights, np.memmap)


def test_bm25_saved_in_one_npz_file_before_still_loads(corpus, tmp_path):
    index = corpus.lexical
    terms = sorted(index.vocabulary, key=index.vocabulary.__getitem__)
    np.savez(  # the format of sessions 1 and 2: everything in the .npz
        tmp_path / "old.npz",
        terms=np.array(terms, dtype=str),
        indptr=index.indptr,
        doc_ids=index.doc_ids,
        weights=index.weights,
        idf=index.idf,
        n_docs=np.array([index.n_docs]),
        average=np.array([index.average]),
    )
    loaded = BM25Index.load(str(tmp_path / "old.npz"))
    np.testing.assert_allclose(loaded.scores("food sensors"), index.scores("food sensors"))


def test_dutch_and_english_stems_meet_in_bm25():
    index = BM25Index.build(["renovatie van woningen", "ports and ships"])
    assert index.scores("woning")[0] > 0
    assert index.scores("ship")[1] > 0


def test_graph_signals_count_shared_projects_and_paths():
    graph = CollaborationGraph.from_projects([*CONSORTIA, ["seeker", "uni"]])
    assert graph.past_partners("seeker") == {"uni": 2}
    reach, via = graph.partners_of_partners("seeker")
    assert set(reach) == {"lab", "port"}
    assert via["lab"] == "uni"
    assert graph.past_partners(None) == {}


def test_type_affinity_learns_which_types_work_together():
    types = {"a": "company", "b": "knowledge_institution", "c": "company"}
    affinity = TypeAffinity.from_projects([["a", "b"], ["c", "b"]], types)
    assert affinity.score("company", "knowledge_institution") > affinity.score("company", "company")


def test_metrics():
    ranked = ["x", "a", "y", "b"]
    assert recall_at(ranked, {"a", "b"}, 2) == 0.5
    assert reciprocal_rank(ranked, {"a", "b"}) == 0.5
    assert 0 < ndcg_at(ranked, {"a"}, 10) < 1
    assert evaluate([(ranked, {"x"})])["MRR"] == 1.0


def test_ratio_interval_is_a_paired_bootstrap():
    base = [0.1, 0.5, 0.0, 1.0, 0.25]
    # Twice the reference on every query: every resample gives exactly 2.
    assert ratio_interval([2 * v for v in base], base) == pytest.approx((2.0, 2.0))
    # One query carries all the gain: the interval is wide and holds the point ratio.
    better = [0.1, 0.5, 0.0, 3.0, 0.25]
    low, high = ratio_interval(better, base)
    point = sum(better) / sum(base)
    assert low < point < high
    assert low == pytest.approx(1.0)
    assert high > 2.0


def test_rrf_rewards_agreement():
    fused = reciprocal_rank_fusion([[1, 2, 3], [2, 1, 3], [2]])
    assert max(fused, key=fused.get) == 2


def test_logistic_fusion_learns_the_informative_feature():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, len(FEATURES)))
    y = (x[:, 1] + 0.1 * rng.normal(size=400)) > 1
    model = LogisticFusion.fit(x, y)
    weights = dict(zip(model.features, model.weights[:-1], strict=True))
    assert max(weights, key=weights.__getitem__) == FEATURES[1]
    assert LogisticFusion.from_dict(model.to_dict()).score(x[:3]).shape == (3,)


def test_the_fusion_gives_no_feature_a_negative_weight():
    # "dense" counts against a partner here: it is dropped, not given a negative weight (a
    # closer profile must never rank below a farther one, all else equal).
    rng = np.random.default_rng(2)
    x = rng.normal(size=(600, len(FEATURES)))
    y = (x[:, FEATURES.index("lexical")] - x[:, FEATURES.index("dense")]) > 0.5
    model = LogisticFusion.fit(x, y, features=("dense", "lexical", "activity"))
    assert "dense" not in model.features and "lexical" in model.features
    assert (model.weights[:-1] >= 0).all()
    free = LogisticFusion.fit(x, y, features=("dense", "lexical"), non_negative=False)
    assert free.weights[0] < 0  # without the constraint the fit does go negative


def test_a_fusion_fitted_on_some_features_reads_only_those_columns():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(300, len(FEATURES)))
    y = x[:, FEATURES.index("passage_vote")] > 0.5
    model = LogisticFusion.fit(x, y, features=("dense", "passage_vote"), non_negative=False)
    noisy = x.copy()
    noisy[:, FEATURES.index("lexical")] = 99.0  # a column the model was not fitted on
    np.testing.assert_allclose(model.score(noisy), model.score(x))
    assert model.weights[1] > abs(model.weights[0])


@pytest.mark.parametrize("method", ["popularity", "bm25", "past_partners", "dense", "rrf"])
def test_every_method_excludes_the_seeker_and_the_excluded(corpus, method):
    matcher = Matcher(corpus, HashingEncoder())
    ranked = matcher.rank(
        MatchRequest(text="food sensors", seeker="seeker", exclude={"port"}, method=method)
    )
    assert "seeker" not in keys_of(corpus, ranked)
    assert "port" not in keys_of(corpus, ranked)


def test_hybrid_uses_text_and_network(corpus):
    matcher = Matcher(corpus, HashingEncoder())
    ranked = matcher.rank(MatchRequest(text="food quality", seeker="seeker", method="rrf"))
    top = ranked[0]
    assert corpus.keys[top.position] == "uni"
    assert top.past_partner == 1
    lab = next(e for e in ranked if corpus.keys[e.position] == "lab")
    assert lab.via == "uni"


def test_filters_and_allowed_positions(corpus):
    matcher = Matcher(corpus, HashingEncoder())
    ranked = matcher.rank(MatchRequest(text="food", filters=Filters(countries={"BE"})))
    assert {corpus.countries[e.position] for e in ranked} == {"BE"}
    allowed = {corpus.keys.index("city")}
    ranked = matcher.rank(MatchRequest(text="food sensors", allowed=allowed))
    assert keys_of(corpus, ranked) == ["city"]
    # The same visibility as a boolean mask over the positions (what the services pass).
    mask = np.zeros(len(corpus.keys), dtype=bool)
    mask[corpus.keys.index("city")] = True
    for method in ("hybrid", "rrf", "bm25", "dense", "popularity"):
        ranked = matcher.rank(MatchRequest(text="food sensors", allowed=mask, method=method))
        assert set(keys_of(corpus, ranked)) <= {"city"}


def test_admissible_keeps_the_excluded_invisible_and_filtered_out_positions_out(corpus):
    n = len(corpus.keys)
    rng = np.random.default_rng(3)
    positions = rng.permutation(n)
    mask = rng.random(n - 2) < 0.6  # the last two positions were added after the mask was read
    visible = set(np.flatnonzero(mask).tolist())
    for allowed in (None, mask, visible):
        for filters in (Filters(), Filters(countries={"BE"})):
            ok = Admissible(corpus, {int(positions[0])}, allowed, filters)
            kept = ok.keep(positions).tolist()
            assert kept == [
                int(i)
                for i in positions
                if i != positions[0]
                and (allowed is None or int(i) in visible)
                and filters.accepts(corpus, int(i))
            ]
            assert int(positions[0]) not in kept
            if allowed is not None:
                assert not any(i >= n - 2 for i in kept)
            assert ok.first(positions, 2) == kept[:2]


def test_competitor_ranked_below_complementary_partner_when_asked(corpus):
    matcher = Matcher(corpus, HashingEncoder())
    need = "sensor networks and machine learning for food quality"
    plain = keys_of(corpus, matcher.rank(MatchRequest(text=need, seeker="seeker", method="dense")))
    assert plain.index("rival") < plain.index("uni")
    ranked = matcher.rank(
        MatchRequest(text=need, seeker="seeker", method="dense", complementary=True)
    )
    ordered = keys_of(corpus, ranked)
    assert ordered.index("uni") < ordered.index("rival")
    assert next(e for e in ranked if corpus.keys[e.position] == "rival").competitor


def test_consortium_has_one_of_each_role(corpus):
    matcher = Matcher(corpus, HashingEncoder())
    ranked = matcher.rank(MatchRequest(text="food", top=6, method="bm25"))
    roles = consortium_suggest(corpus, ranked)
    assert set(roles) == {"research", "company", "user"}


def test_explanation_highlights_the_shared_words():
    from loket.matching.explain import passage_explain

    explanation = passage_explain(
        "sensoren voor voedselkwaliteit", ["Port logistics", "Sensoren en kwaliteit van voeding"]
    )
    assert ("Sensoren", True) in explanation.segments
    assert "sensoren" in explanation.terms
    assert "".join(text for text, _hit in explanation.segments).startswith("Sensoren en")


def test_explanation_of_a_need_in_another_language_shows_the_feedback_terms():
    from loket.matching.explain import passage_explain

    passages = ["Diesel trucks and logistics", "Hydrogen storage and bunkering in seaports"]
    # Its own words share nothing with the passages: without the ranking's feedback terms the
    # explanation can only show the first passage, with nothing highlighted.
    plain = passage_explain("waterstof opslag in de havens", passages)
    assert not plain.terms
    assert plain.segments == [("Diesel trucks and logistics", False)]
    related = {"hydrogen": 1.0, "seaport": 0.7, "diesel": 0.1}
    explanation = passage_explain("waterstof opslag in de havens", passages, related=related)
    assert ("Hydrogen", True) in explanation.segments
    assert ("seaports", True) in explanation.segments
    assert explanation.terms == ["hydrogen", "seaports"]
    # The need's own words still come first: a passage sharing one of them wins.
    own = passage_explain("opslag van waterstof", [*passages, "Opslag van graan"], related=related)
    assert own.terms == ["opslag"]  # "van" is a stopword: shared, but it explains nothing


def test_passage_index_gives_each_organisation_its_best_passage_and_a_vote():
    vectors = np.asarray([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]], dtype=np.float32)
    # passage 0: orgs 0 and 1; passage 1: org 2; passage 2: org 1
    index = PassageIndex.from_lists(vectors, [[0, 1], [2], [1]], 4)
    query = np.asarray([1.0, 0.0], dtype=np.float32)
    np.testing.assert_allclose(index.org_max(query, np.asarray([0, 1, 2, 3, 9])), [1, 1, 0, 0, 0])
    assert index.vote_nearest(query, 2) == pytest.approx({0: 1.0, 1: 1.6})
    hnsw_like = PassageIndex.from_lists(vectors, [[0, 1], [2], [1]], 4)
    hnsw_like.search = ExactSearch(vectors)
    assert hnsw_like.vote_nearest(query, 2) == pytest.approx({0: 1.0, 1: 1.6})
    # votes from given passage scores (the passages' BM25): the k best positive ones only
    scores = np.asarray([0.5, 2.0, 0.0], dtype=np.float32)
    assert index.vote(scores, 1) == pytest.approx({2: 2.0})
    assert index.vote(scores, 3) == pytest.approx({0: 0.5, 1: 0.5, 2: 2.0})


def test_recency_weight_halves_every_half_life():
    assert recency_weight("2020-01-01", "2020-12-31") == 1.0
    assert recency_weight("2015-06-01", "2020-12-31") == pytest.approx(0.5)
    assert recency_weight("", "2020-12-31") < 0.2
    graph = CollaborationGraph.from_projects([["a", "b"], ["a", "c"]], [1.0, 0.25])
    assert graph.recent_partners("a") == {"b": 1.0, "c": 0.25}


def test_a_document_added_after_the_build_is_scored_like_the_others():
    base = BM25Index.build(["ports and ships", "food sensors", "wind turbines"])
    extended = ExtendedBM25(base, ["food sensors"])
    scores = extended.scores("food sensors")
    assert len(scores) == 4
    assert scores[3] == pytest.approx(scores[1], rel=1e-5)


def test_an_edited_document_is_found_by_its_new_words_before_the_next_build():
    base = BM25Index.build(["ports and ships", "food sensors", "wind turbines"])
    # Document 1 now speaks of blade recycling: "blade" and "recycling" were never indexed.
    extended = ExtendedBM25(base, [], {1: "wind turbine blade recycling"})
    scores = extended.scores("blade recycling")
    assert scores.argmax() == 1 and scores[1] > 0 and scores[0] == scores[2] == 0
    assert extended.scores("food sensors")[1] == 0.0  # its old words no longer count
    assert extended.coverage("blade recycling") == 1.0 and base.coverage("blade") == 0.0
    weighted = extended.scores_weighted({"blade": 1.0, "ship": 0.5})
    assert weighted[1] > 0 and weighted[0] > 0 and weighted[2] == 0


def test_a_postings_budget_keeps_the_rarest_query_terms():
    index = BM25Index.build(["food sensors"] * 5 + ["food spectroscopy"])
    assert len(index.query_terms("food spectroscopy")) >= 2
    index.max_postings = 2
    scores = index.scores("food spectroscopy")  # "food" (6 postings) is left out, not the rare term
    assert scores[5] > 0
    assert scores[0] == 0


def test_neighbourhood_walks_two_steps_and_weighs_partners_projects_by_the_need():
    # Passages (projects): 0 = {seeker 0, partner 1}, 1 = {partner 1, org 2}, 2 = {org 3, org 4},
    # 3 = {seeker 0, partner 5}, 4 = {partner 5, org 2, org 6}.
    vectors = np.asarray(
        [[1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.6, 0.8]], dtype=np.float32
    )
    index = PassageIndex.from_lists(vectors, [[0, 1], [1, 2], [3, 4], [0, 5], [5, 2, 6]], 7)
    query = np.asarray([1.0, 0.0], dtype=np.float32)
    around = index.neighbourhood(0, query, np.asarray([0.0, 0.0, 0.0, 0.5, 0.0]))
    positions = np.arange(7)
    # Step one: the seeker's 2 projects of 2 members each: 1/(2*2) to each partner.
    # Step two from partner 1 (2 projects): 1/4 / 2 / 2 members = 1/16 per project member, half
    # weight; partner 5: project 3 (2 members) 1/16 each, project 4 (3 members) 1/24 each.
    walk = around.walk.get(positions)
    assert walk[0] == 0.0  # never the seeker itself
    assert walk[1] == pytest.approx(0.25 + 0.5 * (1 / 16 + 1 / 16))
    assert walk[5] == pytest.approx(0.25 + 0.5 * (1 / 16 + 1 / 24))
    assert walk[2] == pytest.approx(0.5 * (1 / 16 + 1 / 24))
    assert walk[6] == pytest.approx(0.5 / 24)
    assert walk[3] == walk[4] == 0.0  # not reachable in two steps
    # Partners' projects like the need: project 1 (cos 1, one partner) and 4 (cos 0.6).
    vote = around.partner_vote.get(positions)
    assert vote[2] == pytest.approx(1.0 + 0.6**3)
    assert vote[6] == pytest.approx(0.6**3)
    assert vote[3] == 0.0
    # Shared projects: with 1 the shared project matches the need, with 5 it does not.
    np.testing.assert_allclose(around.joint_sim.get(positions), [0, 2.0, 0, 0, 0, 1.0, 0])
    np.testing.assert_allclose(around.joint_lex.get(positions), [0, 0, 0, 0, 0, 0.5, 0])
    assert around.walk.top(2) == [1, 5]


def test_neighbourhood_of_an_unknown_or_isolated_seeker_is_empty():
    vectors = np.eye(2, dtype=np.float32)
    index = PassageIndex.from_lists(vectors, [[0], [1, 2]], 4)
    query = np.asarray([1.0, 0.0], dtype=np.float32)
    for seeker in (0, 3, 99):  # alone in its project, no projects, not in the index
        around = index.neighbourhood(seeker, query)
        assert not len(around.walk) and not len(around.partner_vote)
        assert around.walk.get(np.arange(4)).tolist() == [0, 0, 0, 0]


def test_neighbourhood_second_step_stays_within_its_budget():
    # A seeker with one partner who has 50 projects: a budget of 10 reads only the strongest
    # partners' passages, and always at least one partner's.
    members = [[0, 1]] + [[1, 2 + n] for n in range(50)]
    vectors = np.ones((51, 2), dtype=np.float32) / np.sqrt(2)
    index = PassageIndex.from_lists(vectors, members, 52)
    around = index.neighbourhood(0, None, budget=10)
    assert len(around.walk) == 51  # one partner read whole: it is the strongest
    assert not len(around.partner_vote.keys[around.partner_vote.values > 0])


def test_the_fusion_reads_the_seekers_neighbourhood_through_the_projects(corpus):
    # The consortia as passages (projects): the walk reaches "lab" and "port" through "uni".
    encoder = HashingEncoder()
    position = corpus.position
    project_texts = [
        "Sensors for food quality",
        "Food contamination spectroscopy",
        "Port food logistics",
        "City waste",
    ]
    corpus.passages = PassageIndex.from_lists(
        encoder.encode_passages(project_texts),
        [[position[k] for k in members] for members in CONSORTIA],
        len(corpus.keys),
    )
    corpus.passage_lexical = BM25Index.build(project_texts)
    positions, matrix = Matcher(corpus, encoder).pool_features(
        MatchRequest(text="food contamination", seeker="seeker")
    )
    row = {corpus.keys[p]: matrix[j] for j, p in enumerate(positions)}
    column = {name: j for j, name in enumerate(FEATURES)}
    walk = {key: row[key][column["walk"]] for key in row}
    # uni is a partner (first step), lab and port two steps away, city out of reach.
    assert walk["uni"] > walk["lab"] > walk["city"]
    assert walk["lab"] > walk["port"]  # lab shares two projects with uni, port one
    # lab's project with uni is about food contamination: a partner's project like the need.
    assert row["lab"][column["partner_vote"]] > row["port"][column["partner_vote"]] >= 0
    assert row["uni"][column["joint_sim"]] > 1.0  # shares a project with the seeker
    assert row["lab"][column["joint_sim"]] == 0.0


def test_bm25_feedback_terms_weighted_scores_and_coverage():
    index = BM25Index.build(
        [
            "hydrogen storage tanks in seaports",
            "hydrogen fuel cells for trucks",
            "apple orchards and cider",
        ]
    )
    terms = index.expansion(np.asarray([0]), 3)
    assert max(terms.values()) == 1.0 and len(terms) == 3
    # The weightiest terms of document 0 are its rarer ones; "hydrogen" (in two) weighs less.
    assert set(terms) <= set(stem_terms("hydrogen storage tanks in seaports"))
    assert not set(terms) & set(stem_terms("hydrogen"))
    scores = index.scores_weighted(terms)
    assert scores.argmax() == 0 and scores[2] == 0.0
    assert index.expansion(np.asarray([7, -1]), 3) == {}
    assert index.coverage("hydrogen storage") == 1.0
    assert index.coverage("waterstof opslag") == 0.0
    assert 0.0 < index.coverage("hydrogen opslag") < 1.0


def test_a_dutch_need_finds_an_english_profile_through_feedback_terms():
    # The encoder knows the Dutch words mean the English ones (as the multilingual model does);
    # BM25 alone does not: the feedback terms of the passage nearest by meaning carry it.
    encoder = HashingEncoder(synonyms={"waterstof": "hydrogen", "opslag": "storage"})
    texts = {
        "h2port": "Hydrogen storage and bunkering in seaports",
        "cider": "Apple orchards, cider and storage cellars",
        "trucks": "Diesel trucks and logistics",
    }
    keys = list(texts)
    vectors = encoder.encode_passages(list(texts.values()))
    corpus = Corpus(
        keys=keys,
        types=["company"] * 3,
        countries=["BE"] * 3,
        activity=np.asarray([1, 50, 50], dtype=np.float32),
        lexical=BM25Index.build(list(texts.values())),
        dense=ExactSearch(vectors),
        graph=CollaborationGraph(),
        affinity=TypeAffinity({}),
        passages=PassageIndex.from_lists(vectors, [[0], [1], [2]], 3),
        passage_lexical=BM25Index.build(list(texts.values())),
    )
    matcher = Matcher(corpus, encoder)
    need = "waterstof opslag"
    assert matcher._lexical(need).max() == 0.0  # no shared word
    expanded = matcher._lexical_expanded(need)
    assert expanded.argmax() == 0 and expanded[0] > expanded[1]
    # An English need keeps its own BM25: its words are all known, so no feedback is mixed in.
    np.testing.assert_allclose(
        matcher._lexical_expanded("hydrogen storage"),
        matcher._lexical("hydrogen storage") / matcher._lexical("hydrogen storage").max(),
    )
    ranked = matcher.rank(MatchRequest(text=need, top=3, method="rrf"))
    assert corpus.keys[ranked[0].position] == "h2port"


def test_the_forward_index_is_saved_beside_the_bm25_index_and_memory_mapped(tmp_path):
    index = BM25Index.build(["hydrogen storage in seaports", "cider from apple orchards"])
    expected = index.expansion(np.asarray([0]), 5)
    path = str(tmp_path / "passage_lexical.npz")
    index.save(path, forward=True)
    assert (tmp_path / "passage_lexical.forward-terms.npy").exists()
    loaded = BM25Index.load(path)
    assert isinstance(loaded._forward_index[1], np.memmap)
    assert loaded.expansion(np.asarray([0]), 5) == pytest.approx(expected)
    BM25Index.build(["a b"]).save(str(tmp_path / "plain.npz"))  # without: transposed on use
    assert BM25Index.load(str(tmp_path / "plain.npz"))._forward_index is None


def test_partners_of_partners_matches_the_plain_loop_in_values_order_and_intermediaries():
    rng = np.random.default_rng(3)
    names = [f"o{n}" for n in range(40)]
    consortia = [list(rng.choice(names, size=rng.integers(2, 7), replace=False)) for _ in range(60)]
    graph = CollaborationGraph.from_projects(consortia)

    def plain_loop(seeker):
        reach, via = {}, {}
        for middle, first in graph.neighbours.get(seeker, {}).items():
            for target, second in graph.neighbours.get(middle, {}).items():
                if target == seeker:
                    continue
                strength = min(first, second)
                reach[target] = reach.get(target, 0) + strength
                if target not in via or strength > via[target][0]:
                    via[target] = (strength, middle)
        return reach, {t: m for t, (_s, m) in via.items()}

    for seeker in [*names[:10], "nobody"]:
        reach, via = graph.partners_of_partners(seeker)
        expected_reach, expected_via = plain_loop(seeker)
        assert list(reach.items()) == list(expected_reach.items())  # same order for ties
        assert via == expected_via


@pytest.mark.parametrize(
    ("features", "reads_passage_bm25"),
    [(("dense", "lexical"), False), (("dense", "lexical", "lexical_vote"), True)],
)
def test_the_passages_bm25_is_computed_only_for_a_fusion_that_reads_it(
    features, reads_passage_bm25, monkeypatch
):
    from loket.matching.evaluation import texts_corpus

    corpus, _vectors = texts_corpus(HashingEncoder(), [PROFILES[k][2] for k in PROFILES])
    assert corpus.passage_lexical is not None
    calls = []
    scores = corpus.passage_lexical.scores
    monkeypatch.setattr(
        corpus.passage_lexical, "scores", lambda text: calls.append(text) or scores(text)
    )
    n = len(features)
    fusion = LogisticFusion(np.ones(n + 1), np.zeros(n), np.ones(n), features=features)
    ranked = Matcher(corpus, HashingEncoder(), fusion).rank(
        MatchRequest(text="food sensors", top=3)
    )
    assert ranked  # the ranking works either way
    assert bool(calls) == reads_passage_bm25


@pytest.mark.parametrize(
    ("method", "features", "searched"),
    [
        ("hybrid", ("lexical", "activity"), False),
        ("hybrid", ("dense", "lexical"), True),
        ("dense", ("lexical", "activity"), True),
        ("rrf", ("lexical", "activity"), True),
    ],
)
def test_the_profiles_nearest_vectors_are_searched_only_when_read(
    method, features, searched, monkeypatch
):
    from loket.matching.evaluation import texts_corpus

    corpus, _vectors = texts_corpus(HashingEncoder(), [PROFILES[k][2] for k in PROFILES])
    calls = []
    search = corpus.dense.search
    monkeypatch.setattr(
        corpus.dense, "search", lambda query, k: calls.append(k) or search(query, k)
    )
    n = len(features)
    fusion = LogisticFusion(np.ones(n + 1), np.zeros(n), np.ones(n), features=features)
    ranked = Matcher(corpus, HashingEncoder(), fusion).rank(
        MatchRequest(text="food sensors", top=3, method=method)
    )
    assert ranked
    assert bool(calls) == searched


def _top_by_sorting(scores: np.ndarray, k: int) -> list[int]:
    positive = np.flatnonzero(scores > 0)
    return positive[np.argsort(-scores[positive], kind="stable")][:k].tolist()


@pytest.mark.parametrize("size", [10, 60_000, 200_000])
@pytest.mark.parametrize("positive_share", [0.0005, 0.01, 0.5, 1.0])
def test_top_positive_equals_sorting_every_positive_score(size, positive_share):
    rng = np.random.default_rng(size + int(positive_share * 1000))
    scores = np.zeros(size, dtype=np.float32)
    hit = rng.random(size) < positive_share
    # rounded to few values, so that ties fall on the boundary of the best k
    scores[hit] = np.round(rng.gamma(2.0, 1.0, int(hit.sum())), 1).astype(np.float32)
    for k in (1, 7, 800):
        assert top_positive(scores, k).tolist() == _top_by_sorting(scores, k)
    assert top_positive(scores, 0).tolist() == []


def test_top_positive_with_the_threshold_reached_by_tied_scores():
    scores = np.zeros(100_000, dtype=np.float32)
    scores[::3] = 1.0  # a third of the scores tie
    scores[[5, 50_000, 99_999]] = [3.0, 2.0, 2.0]
    assert top_positive(scores, 5).tolist() == [5, 50_000, 99_999, 0, 3]
