"""The hybrid matcher over one corpus of organisation profiles (no Django imports).

`rank()` turns a need (text, optional seeker, filters) into ranked corpus positions with the
per-signal evidence kept for the explanation. Methods: "popularity", "bm25", "past_partners",
"dense", "rrf" and "hybrid" (the fitted logistic fusion; falls back to RRF without weights).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from loket.matching.encoders import Encoder
from loket.matching.fusion import FEATURES, LogisticFusion, reciprocal_rank_fusion
from loket.matching.phrasing import need_aspects, need_subject
from loket.matching.scoring import (
    BM25Index,
    CollaborationGraph,
    Neighbourhood,
    PassageIndex,
    TypeAffinity,
    top_positive,
)
from loket.matching.vectors import VectorSearch

# How many candidates each signal contributes to the fused pool; R@50 needs well over 50.
POOL = 200
# Each signal's candidates whose visibility the database checks: enough that POOL remain after
# hidden and members-only profiles are removed.
CANDIDATES = POOL * 3 // 2
# How many of the most similar passages vote for their organisations.
VOTE_K = 100
# Pseudo-relevance feedback for the lexical signals: the terms of the FEEDBACK_PASSAGES passages
# nearest the need by meaning (each weighted by its cosine), the FEEDBACK_TERMS weightiest of them
# (docs/benchmarks.md, cross-lingual set: the hybrid's Dutch MRR 0.18 -> 0.90, English 0.95);
# a need asking for several things gives each part (`phrasing.need_aspects`) an equal share.
FEEDBACK_PASSAGES = 3
FEEDBACK_TERMS = 20
# The features read from the passages' BM25 (`Matcher.signals` skips it when the fusion reads
# neither).
PASSAGE_LEXICAL_FEATURES = ("lexical_vote", "joint_lex")
# The walk feature is log(walk probability + WALK_FLOOR): organisations it never reaches get
# log(1e-7), below any reached one (probabilities from a seeker with 1,000 projects of 100
# members are ~1e-5).
WALK_FLOOR = 1e-7
METHODS = ("popularity", "bm25", "past_partners", "dense", "rrf", "hybrid")

RESEARCH_TYPES = {"knowledge_institution", "research_centre"}
COMPANY_TYPES = {"company", "startup"}


@dataclass
class Corpus:
    keys: list[str]
    types: list[str]
    countries: list[str]
    activity: np.ndarray
    lexical: BM25Index
    dense: VectorSearch
    graph: CollaborationGraph
    affinity: TypeAffinity
    regions: list[str] = field(default_factory=list)
    size_classes: list[str] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    position: dict[str, int] = field(default_factory=dict)
    # Optional signals (absent: their features are constant and do not change the ranking).
    passages: PassageIndex | None = None  # passage vectors and who took part in each
    passage_lexical: BM25Index | None = None  # BM25 over the same passages
    country_affinity: TypeAffinity | None = None  # log P(partner country | seeker country)
    recent_activity: np.ndarray | None = None  # projects in the last RECENCY_HALF_LIFE years

    def __post_init__(self) -> None:
        if not self.position:
            self.position = {key: i for i, key in enumerate(self.keys)}
        n = len(self.keys)
        self.regions = self.regions or [""] * n
        self.size_classes = self.size_classes or [""] * n
        self.sectors = self.sectors or [""] * n
        if self.recent_activity is None:
            self.recent_activity = np.zeros(n, dtype=np.float32)
        self._by_activity = np.argsort(-self.activity, kind="stable")


@dataclass
class Filters:
    types: set[str] = field(default_factory=set)
    size_classes: set[str] = field(default_factory=set)
    regions: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)

    def accepts(self, corpus: Corpus, i: int) -> bool:
        return (
            (not self.types or corpus.types[i] in self.types)
            and (not self.size_classes or corpus.size_classes[i] in self.size_classes)
            and (not self.regions or corpus.regions[i] in self.regions)
            and (not self.countries or corpus.countries[i] in self.countries)
        )

    def __bool__(self) -> bool:
        return bool(self.types or self.size_classes or self.regions or self.countries)


class Admissible:
    """Which positions one request may return: not excluded (nor the seeker), visible to the
    caller (`allowed`: a set of positions or a boolean mask over them; None = all) and through
    the filters, tested on whole arrays of positions at once."""

    def __init__(
        self,
        corpus: Corpus,
        excluded: set[int],
        allowed: set[int] | np.ndarray | None,
        filters: Filters,
    ) -> None:
        self.corpus = corpus
        self.allowed = allowed
        self.filters = filters
        self._excluded = np.fromiter(excluded, dtype=np.int64, count=len(excluded))

    def keep(self, positions) -> np.ndarray:
        """The admissible ones of `positions`, in their order."""
        found = np.asarray(positions, dtype=np.int64)
        if not len(found):
            return found
        good = np.ones(len(found), dtype=bool)
        if len(self._excluded):
            good &= ~np.isin(found, self._excluded)
        allowed = self.allowed
        if isinstance(allowed, np.ndarray):
            inside = found < len(allowed)
            good &= inside
            good[inside] &= allowed[found[inside]]
        elif allowed is not None:
            good &= np.fromiter((int(i) in allowed for i in found), dtype=bool, count=len(found))
        if self.filters:
            good &= np.fromiter(
                (self.filters.accepts(self.corpus, int(i)) for i in found),
                dtype=bool,
                count=len(found),
            )
        return found[good]

    def first(self, positions, k: int) -> list[int]:
        """The first k admissible of `positions` (in order), as ints."""
        return self.keep(positions)[:k].tolist()


@dataclass
class Evidence:
    position: int
    score: float
    dense: float = 0.0
    lexical: float = 0.0
    past_partner: int = 0
    partner_of_partner: int = 0
    via: str = ""
    competitor: bool = False


@dataclass
class MatchRequest:
    text: str
    seeker: str | None = None
    exclude: set[str] = field(default_factory=set)
    filters: Filters = field(default_factory=Filters)
    # Positions the asking user may see: None = all; a set of positions or a boolean mask over
    # them; a callable is asked once with the candidate positions and returns the visible ones
    # (the database decides, at query time).
    allowed: set[int] | np.ndarray | Callable[[list[int]], set[int]] | None = None
    graph: CollaborationGraph | None = None  # the seeker's neighbourhood, if not the corpus's
    complementary: bool = False
    top: int = 10
    method: str = "hybrid"
    include: list[int] = field(default_factory=list)  # positions always scored (hybrid)


@dataclass
class Signals:
    """Everything one query computes once, shared by the pool, the features and the evidence."""

    query_vec: np.ndarray | None = None
    lexical: np.ndarray | None = None
    past: Counter[str] = field(default_factory=Counter)
    recent: dict[str, float] = field(default_factory=dict)
    reach: Counter[str] = field(default_factory=Counter)
    via: dict[str, str] = field(default_factory=dict)
    passage_query: np.ndarray | None = None  # set when the corpus has passages
    vote: dict[int, float] = field(default_factory=dict)
    lexical_vote: dict[int, float] = field(default_factory=dict)
    neighbourhood: Neighbourhood = field(default_factory=Neighbourhood.empty)


class Matcher:
    def __init__(
        self, corpus: Corpus, encoder: Encoder, fusion: LogisticFusion | None = None
    ) -> None:
        self.corpus = corpus
        self.encoder = encoder
        self.fusion = fusion
        # Per-need memos: one request computes each signal once (candidates and ranking share).
        self._arrays: dict[tuple[str, str], np.ndarray] = {}
        self._votes: dict[str, dict[int, float]] = {}
        self._around: dict[str, Neighbourhood] = {}
        self._feedback: dict[str, dict[str, float]] = {}

    def _query_vec(self, text: str) -> np.ndarray:
        """The need's vector, encoded once per matcher (candidates and ranking share it)."""
        if ("dense", text) not in self._arrays:
            self._arrays["dense", text] = self.encoder.encode_queries([text])[0]
        return self._arrays["dense", text]

    @staticmethod
    def _breadth(request: MatchRequest) -> int:
        """How deep to read each signal: filters remove many candidates, visibility a few."""
        if any(vars(request.filters).values()):
            return POOL * 4
        return CANDIDATES if request.allowed is not None else POOL

    def _dense_top(self, text: str, query_vec: np.ndarray, k: int) -> np.ndarray:
        """Nearest profiles by vector; the candidates and the ranking share one search."""
        k = min(len(self.corpus.dense), k)
        key = ("dense_top", text)
        found = self._arrays.get(key)
        if not isinstance(found, np.ndarray) or len(found) < k:
            found, _sims = self.corpus.dense.search(query_vec, max(k, CANDIDATES))
            self._arrays[key] = found
        return found[:k]

    def _lexical(self, text: str) -> np.ndarray:
        """Plain BM25 of the need (the "bm25" reference)."""
        if ("lexical", text) not in self._arrays:
            self._arrays["lexical", text] = self.corpus.lexical.scores(text)
        return self._arrays["lexical", text]

    def _nearest_passages(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The VOTE_K passages nearest the need (one search for the votes and the feedback)."""
        if ("nearest", text) not in self._arrays:
            assert self.corpus.passages is not None  # noqa: S101 (callers check)
            ids, sims = self.corpus.passages.nearest(self._query_vec(text), VOTE_K)
            self._arrays["nearest", text] = ids
            self._arrays["nearest sims", text] = np.asarray(sims, dtype=np.float32)
        return self._arrays["nearest", text], self._arrays["nearest sims", text]

    def _feedback_terms(self, text: str) -> dict[str, float]:
        """Pseudo-relevance feedback across languages: the weightiest terms of the passages
        nearest the need by meaning. A Dutch need finds English passages through the
        multilingual vectors; their terms then let the lexical signals work in English."""
        passages, lexical = self.corpus.passages, self.corpus.passage_lexical
        if not text or passages is None or lexical is None or not len(passages):
            return {}
        if text not in self._feedback:
            aspects = need_aspects(text)
            if len(aspects) == 1:
                ids, sims = self._nearest_passages(text)
                best = np.argsort(-sims, kind="stable")[:FEEDBACK_PASSAGES]
                self._feedback[text] = lexical.expansion(ids[best], FEEDBACK_TERMS, sims[best])
            else:
                # A need asking for several things: each part's nearest passages give their
                # share of the terms (one vector for the whole need lands near one part only).
                share = max(1, FEEDBACK_TERMS // len(aspects))
                merged: dict[str, float] = {}
                for vector in self.encoder.encode_queries(aspects):  # one call for the parts
                    ids, sims = passages.nearest(vector, FEEDBACK_PASSAGES)
                    sims = np.asarray(sims, dtype=np.float32)
                    for term, weight in lexical.expansion(ids, share, sims).items():
                        merged[term] = max(merged.get(term, 0.0), weight)
                self._feedback[text] = merged
        return self._feedback[text]

    def feedback_used(self, text: str) -> dict[str, float]:
        """The feedback terms the ranking of `text` mixed in (empty when the need's own words
        were all known): explanations highlight them."""
        return dict(self._feedback.get(need_subject(text), {}))

    def _with_feedback(self, index, text: str, plain: np.ndarray) -> np.ndarray:
        """The need's own BM25 in `index` (`plain`) and its feedback terms' BM25, each scaled by
        its best document, mixed by how much of the need the vocabulary knows (its `coverage`
        for the own BM25, the rest for the feedback), the mix scaled to [0, 1]. A need in the
        profiles' language keeps its own BM25; one in another language leans on the feedback
        terms. With every word known the feedback would get no weight: it is not computed."""
        top = float(plain.max()) if len(plain) else 0.0
        plain = plain / top if top > 0 else plain
        coverage = index.coverage(text)
        terms = self._feedback_terms(text) if coverage < 1.0 else {}
        feedback = index.scores_weighted(terms) if terms else None
        if feedback is None or not len(feedback) or float(feedback.max()) <= 0:
            return plain
        out = coverage * plain + (1.0 - coverage) * feedback / float(feedback.max())
        top = float(out.max())
        return out / top if top > 0 else out

    def _lexical_expanded(self, text: str) -> np.ndarray:
        """BM25 of the need with its feedback terms (see `_with_feedback`)."""
        if ("lexical+", text) not in self._arrays:
            self._arrays["lexical+", text] = self._with_feedback(
                self.corpus.lexical, text, self._lexical(text)
            )
        return self._arrays["lexical+", text]

    # -- candidates -------------------------------------------------------------------------
    def _admissible(self, request: MatchRequest, seeker_pos: int | None) -> Admissible:
        corpus = self.corpus
        excluded = {corpus.position[k] for k in request.exclude if k in corpus.position}
        if seeker_pos is not None:
            excluded.add(seeker_pos)
        allowed = request.allowed
        assert not callable(allowed)  # noqa: S101 (resolved in rank)
        return Admissible(corpus, excluded, allowed, request.filters)

    def _top(self, scores: np.ndarray, ok: Admissible, k: int) -> list[int]:
        """Best k admissible positions with a positive score."""
        head = 4 * k  # sort only the best few: most of them are admissible
        best = top_positive(scores, head)
        out = ok.first(best, k)
        if len(out) >= k or len(best) < head:
            return out
        return ok.first(top_positive(scores, len(scores)), k)

    def _popular(self, ok: Admissible, k: int) -> list[int]:
        """The k most active admissible organisations."""
        by_activity = self.corpus._by_activity
        out = ok.first(by_activity[: 4 * k], k)
        return out if len(out) >= k else ok.first(by_activity, k)

    @property
    def _read_features(self) -> Sequence[str]:
        """The feature names the fusion reads (a recorder, fitting a fusion, reads all)."""
        return getattr(self.fusion, "features", FEATURES)

    def _reads_dense_top(self, method: str) -> bool:
        """Whether the profiles nearest the need's vector are searched: the "dense" and "rrf"
        rankings read them, a fitted fusion only if it reads the dense cosine. Without them the
        passages nearest the need still bring candidates by meaning; leaving the search out
        changed nothing on the CORDIS split, the cross-lingual and the composite needs
        (docs/benchmarks.md), and saved an HNSW search per need at 1M."""
        if method in ("dense", "rrf") or self.fusion is None:
            return True
        return "dense" in self._read_features

    def _candidates(self, request: MatchRequest, seeker_pos: int | None) -> list[int]:
        """Every position any signal could propose, before the visibility check."""
        corpus = self.corpus
        ok = self._admissible(replace(request, allowed=None), seeker_pos)
        graph = request.graph or corpus.graph
        seeker = request.seeker if seeker_pos is not None else None
        found: set[int] = set()
        past = graph.past_partners(seeker)
        reach, _via = graph.partners_of_partners(seeker)
        found.update(corpus.position[k] for k in list(past) + list(reach) if k in corpus.position)
        found.update(request.include)
        breadth = self._breadth(request)
        if request.text:
            found.update(self._top(self._lexical_expanded(request.text), ok, breadth))
            query_vec = self._query_vec(request.text)
            if len(corpus.dense) and self._reads_dense_top(request.method):
                positions = self._dense_top(request.text, query_vec, breadth)
                found.update(int(i) for i in positions)
            signals = self.signals(request, seeker, graph, query_vec, None, past)
            for vote in (signals.vote, signals.lexical_vote):
                found.update(sorted(vote, key=lambda i: -vote[i])[:breadth])
            found.update(signals.neighbourhood.walk.top(breadth))
        found.update(self._popular(ok, POOL // 2))
        return ok.keep(sorted(found)).tolist()

    def rank(self, request: MatchRequest) -> list[Evidence]:
        """The request's ranking. Its text is read without request phrasing
        (`phrasing.need_subject`: "We zoeken een partner voor X" is matched as "X")."""
        corpus = self.corpus
        if request.text:
            request = replace(request, text=need_subject(request.text))
        seeker_pos = corpus.position.get(request.seeker or "")
        if callable(request.allowed):
            visible = request.allowed(self._candidates(request, seeker_pos))
            request = replace(request, allowed=set(visible))
        ok = self._admissible(request, seeker_pos)
        graph = request.graph or corpus.graph
        method = request.method
        want = max(request.top, POOL) if request.complementary else request.top

        if method == "popularity":
            out = [Evidence(i, float(corpus.activity[i])) for i in self._popular(ok, want)]
            return self._finish(out, request, seeker_pos)

        seeker = request.seeker if seeker_pos is not None else None
        past = graph.past_partners(seeker)
        past_list = sorted(
            (corpus.position[k] for k in past if k in corpus.position),
            key=lambda i: (-past[corpus.keys[i]], -corpus.activity[i]),
        )
        if method == "past_partners":
            out = [Evidence(i, float(past[corpus.keys[i]])) for i in ok.keep(past_list).tolist()]
            return self._finish(out[:want], request, seeker_pos)

        if method == "bm25":
            if not request.text:
                return []
            plain = self._lexical(request.text)
            out = [
                Evidence(i, float(plain[i]), lexical=float(plain[i]))
                for i in self._top(plain, ok, want)
            ]
            return self._finish(out, request, seeker_pos)

        lexical = self._lexical_expanded(request.text) if request.text else None
        query_vec = self._query_vec(request.text) if request.text else None
        dense_top: list[int] = []
        if query_vec is not None and len(corpus.dense) and self._reads_dense_top(method):
            # Ask the index for more than needed: filters and visibility remove some.
            k = min(len(corpus.dense), self._breadth(request))
            positions = self._dense_top(request.text, query_vec, k)
            dense_top = ok.first(positions, POOL)
        if method == "dense":
            if query_vec is None:
                return []
            sims = corpus.dense.similarity(query_vec, np.asarray(dense_top, dtype=np.int64))
            out = [
                Evidence(i, float(s), dense=float(s)) for i, s in zip(dense_top, sims, strict=False)
            ]
            return self._finish(out[:want], request, seeker_pos)

        signals = self.signals(request, seeker, graph, query_vec, lexical, past)
        reach, via = signals.reach, signals.via
        lexical_top = self._top(lexical, ok, POOL) if lexical is not None else []
        reach_top = sorted(
            (corpus.position[k] for k in reach if k in corpus.position),
            key=lambda i: -reach[corpus.keys[i]],
        )
        reach_top = ok.first(reach_top, POOL)
        past_top = ok.first(past_list, POOL)

        if method == "rrf" or self.fusion is None:
            fused = reciprocal_rank_fusion([dense_top, lexical_top, past_top, reach_top])
            pool = sorted(fused, key=lambda i: -fused[i])
            scores = np.asarray([fused[i] for i in pool])
        else:
            include = ok.first(request.include, len(request.include))
            pool = self.pool(ok, signals, [dense_top, lexical_top, past_top, reach_top, include])
            matrix = self.features(pool, signals, seeker_pos, self._read_features)
            scores = self.fusion.score(matrix)
            order = np.argsort(-scores, kind="stable")
            pool = [pool[i] for i in order]
            scores = scores[order]

        positions = np.asarray(pool[:want], dtype=np.int64)
        sims = (
            corpus.dense.similarity(query_vec, positions)
            if query_vec is not None and len(positions)
            else np.zeros(len(positions))
        )
        out = []
        for j, i in enumerate(pool[:want]):
            key = corpus.keys[i]
            out.append(
                Evidence(
                    i,
                    float(scores[j]),
                    dense=float(sims[j]),
                    lexical=float(lexical[i]) if lexical is not None else 0.0,
                    past_partner=int(past.get(key, 0)),
                    partner_of_partner=int(reach.get(key, 0)),
                    # "worked with X, who worked with you" only says something new about
                    # organisations you have not worked with yourself
                    via="" if past.get(key) else via.get(key, ""),
                )
            )
        return self._finish(out, request, seeker_pos, query_vec)

    def signals(
        self,
        request: MatchRequest,
        seeker: str | None,
        graph: CollaborationGraph,
        query_vec: np.ndarray | None,
        lexical: np.ndarray | None,
        past: Counter[str],
    ) -> Signals:
        corpus = self.corpus
        reach, via = graph.partners_of_partners(seeker)
        signals = Signals(
            query_vec=query_vec,
            lexical=lexical,
            past=past,
            recent=graph.recent_partners(seeker),
            reach=reach,
            via=via,
        )
        passages = corpus.passages
        if passages is not None and query_vec is not None and len(passages):
            signals.passage_query = query_vec
            text = request.text
            if text not in self._votes:
                self._votes[text] = passages.vote_found(*self._nearest_passages(text), VOTE_K)
            signals.vote = self._votes[text]
            lexical_passages: np.ndarray | None = None
            # The passages' BM25 feeds only the features below and their candidates; a fusion
            # that reads neither is as good without them on the CORDIS split (R@10 and MRR
            # unchanged, docs/benchmarks.md), and at 1M they were a fifth of a need's time.
            if (
                corpus.passage_lexical is not None
                and text
                and any(name in self._read_features for name in PASSAGE_LEXICAL_FEATURES)
            ):
                if ("passage_lexical", text) not in self._arrays:
                    self._arrays["passage_lexical", text] = self._with_feedback(
                        corpus.passage_lexical, text, corpus.passage_lexical.scores(text)
                    )
                lexical_passages = self._arrays["passage_lexical", text]
                if len(lexical_passages) and float(lexical_passages.max()) > 0:
                    signals.lexical_vote = passages.vote(lexical_passages, VOTE_K)
            seeker_pos = corpus.position.get(seeker or "")
            if seeker_pos is not None:
                key = f"{seeker_pos}:{text}"
                if key not in self._around:
                    self._around[key] = passages.neighbourhood(
                        seeker_pos, query_vec, lexical_passages
                    )
                signals.neighbourhood = self._around[key]
        return signals

    def pool(self, ok: Admissible, signals: Signals, rankings: list[list[int]]) -> list[int]:
        """Every signal's best candidates, in a stable order."""
        popular_top = self._popular(ok, POOL // 4)
        votes = [
            ok.first(sorted(vote, key=lambda i: -vote[i]), POOL)
            for vote in (signals.vote, signals.lexical_vote)
        ]
        votes.append(ok.first(signals.neighbourhood.walk.top(CANDIDATES), POOL))
        return list(
            dict.fromkeys([i for ranking in [*rankings, popular_top, *votes] for i in ranking])
        )

    def features(
        self,
        pool: list[int],
        signals: Signals,
        seeker_pos: int | None,
        needed: Sequence[str] = FEATURES,
    ) -> np.ndarray:
        """One row per candidate, one column per name in FEATURES; only the `needed` columns
        are computed (the others stay 0: a fusion fitted on a subset never reads them)."""
        corpus = self.corpus
        positions = np.asarray(pool, dtype=np.int64)
        matrix = np.zeros((len(pool), len(FEATURES)))
        if not len(pool):
            return matrix
        column = {name: j for j, name in enumerate(FEATURES) if name in needed}

        def put(name: str, values) -> None:
            if name in column:
                matrix[:, column[name]] = values() if callable(values) else values

        if signals.query_vec is not None:
            put("dense", lambda: corpus.dense.similarity(signals.query_vec, positions))
        if signals.lexical is not None:
            top = float(signals.lexical.max()) or 1.0
            put("lexical", lambda: signals.lexical[positions] / top)
        if signals.passage_query is not None and corpus.passages is not None:
            passages = corpus.passages
            put("passage_max", lambda: passages.org_max(signals.passage_query, positions))
        keys = [corpus.keys[i] for i in pool]

        def counts(values: dict, names: list) -> Callable[[], np.ndarray]:
            return lambda: np.log1p(
                np.fromiter((values.get(n, 0.0) for n in names), float, len(names))
            )

        put("past_partner", counts(signals.past, keys))
        put("partner_of_partner", counts(signals.reach, keys))
        put("recent_partner", counts(signals.recent, keys))
        put("passage_vote", counts(signals.vote, pool))
        put("lexical_vote", counts(signals.lexical_vote, pool))
        around = signals.neighbourhood
        put("walk", lambda: np.log(around.walk.get(positions) + WALK_FLOOR))
        put("partner_vote", lambda: np.log1p(around.partner_vote.get(positions)))
        put("joint_sim", lambda: around.joint_sim.get(positions))
        put("joint_lex", lambda: around.joint_lex.get(positions))
        put("activity", lambda: np.log1p(corpus.activity[positions]))
        put("recent_activity", lambda: np.log1p(corpus.recent_activity[positions]))  # type: ignore[index]
        seeker_type = corpus.types[seeker_pos] if seeker_pos is not None else ""
        seeker_country = corpus.countries[seeker_pos] if seeker_pos is not None else ""
        if seeker_type and "type_affinity" in column:
            types = [corpus.types[i] for i in pool]
            row = {t: corpus.affinity.score(seeker_type, t) for t in set(types)}
            put("type_affinity", [row[t] for t in types])
        if seeker_country:
            countries = [corpus.countries[i] for i in pool]
            put("same_country", lambda: [float(c == seeker_country) for c in countries])
            affinity = corpus.country_affinity
            if affinity is not None and "country_affinity" in column:
                row = {c: affinity.score(seeker_country, c) for c in set(countries)}
                put("country_affinity", [row[c] for c in countries])
        return matrix

    def pool_features(self, request: MatchRequest) -> tuple[list[int], np.ndarray]:
        """The hybrid's candidate pool and its feature matrix, through the very path `rank`
        takes (for fitting and comparing fusions)."""
        recorder = _FeatureRecorder()
        ranked = Matcher(self.corpus, self.encoder, recorder).rank(  # type: ignore[arg-type]
            replace(request, method="hybrid", top=10**9, complementary=False)
        )
        return [e.position for e in ranked], recorder.matrix

    # -- complementarity --------------------------------------------------------------------
    def _finish(
        self,
        out: list[Evidence],
        request: MatchRequest,
        seeker_pos: int | None,
        query_vec: np.ndarray | None = None,
    ) -> list[Evidence]:
        if request.complementary and seeker_pos is not None and out:
            if query_vec is None and request.text:
                query_vec = self._query_vec(request.text)
            self._mark_competitors(out, seeker_pos, query_vec)
            # Stable partition: complementary partners first, competitors after, each in order.
            out = [e for e in out if not e.competitor] + [e for e in out if e.competitor]
        return out[: request.top]

    def _mark_competitors(
        self, out: list[Evidence], seeker_pos: int, query_vec: np.ndarray | None
    ) -> None:
        """Same type, same sector (or sector unknown) and an offer closer to the seeker's own
        profile than to the need: it does what the seeker does."""
        corpus = self.corpus
        seeker_vec = corpus.dense.vector(seeker_pos)
        positions = np.asarray([e.position for e in out], dtype=np.int64)
        to_seeker = corpus.dense.similarity(seeker_vec, positions)
        to_need = (
            corpus.dense.similarity(query_vec, positions)
            if query_vec is not None
            else np.zeros(len(out))
        )
        seeker_type, seeker_sector = corpus.types[seeker_pos], corpus.sectors[seeker_pos][:2]
        for e, s, n in zip(out, to_seeker, to_need, strict=False):
            sector = corpus.sectors[e.position][:2]
            same_sector = not seeker_sector or not sector or sector == seeker_sector
            e.competitor = bool(corpus.types[e.position] == seeker_type and same_sector and s > n)


class _FeatureRecorder:
    """A fusion stand-in that keeps the matrix and leaves the pool in its order."""

    matrix: np.ndarray = np.zeros((0, len(FEATURES)))

    def score(self, matrix: np.ndarray) -> np.ndarray:
        self.matrix = matrix
        return np.zeros(len(matrix))


def consortium_suggest(corpus: Corpus, ranked: list[Evidence]) -> dict[str, Evidence]:
    """A balanced consortium from a ranking: the best research partner, company and user."""
    roles: dict[str, Evidence] = {}
    for e in ranked:
        kind = corpus.types[e.position]
        role = (
            "research" if kind in RESEARCH_TYPES else "company" if kind in COMPANY_TYPES else "user"
        )
        roles.setdefault(role, e)
    return roles
