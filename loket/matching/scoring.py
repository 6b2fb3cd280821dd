"""The single ranking signals, as plain functions and small classes (no Django imports).

Each signal scores organisations by position (0..N-1) in one corpus:
- lexical: Okapi BM25 over Dutch+English stems (k1=1.2, b=0.75, Robertson's usual defaults);
- dense: cosine between a need and an organisation's mean passage vector;
- collaboration graph: past partners (co-participation counts) and partners of partners;
- neighbourhood (through the passages, i.e. projects): a two-step walk from the seeker, partners'
  projects like the need, and how close the need is to the projects shared with the seeker;
- activity: number of past projects (the "popularity" reference);
- type mix: how often organisations of the seeker's type worked with each type, learned from
  the visible collaborations.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from loket.lib.text import analysed_terms


def stem_terms(text: str) -> list[str]:
    """Every token's Dutch and English stems, stopwords left out, Dutch compounds also as their
    parts (loket.lib.text.analysed_terms: the same analysis as the directory's search)."""
    return analysed_terms(text)


# Postings read per BM25 query (see BM25Index.query_terms): a latency budget at scale.
MAX_POSTINGS = 500_000


# `top_positive` narrows a large array to its best scores through a threshold read off every
# SAMPLE_STEP-th score (above SAMPLE_FROM scores): one comparison pass instead of partitioning
# every positive score (at 1M profiles ~500,000 of them: 3 ms of a need's ~30).
SAMPLE_STEP = 16
SAMPLE_FROM = 50_000


def top_positive(scores: np.ndarray, k: int) -> np.ndarray:
    """The positions of the k highest positive scores, best first, ties by position (all of
    them when fewer than k are positive). Exact: a sampled threshold only narrows the search,
    and it is used only when at least k scores reach it."""
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    found: np.ndarray | None = None
    if len(scores) >= SAMPLE_FROM and k * SAMPLE_STEP * 4 < len(scores):
        sample = scores[::SAMPLE_STEP]
        sample = sample[sample > 0]
        rank = 2 * k // SAMPLE_STEP + 1  # ~2k scores of the whole array reach this one
        if len(sample) > rank:
            threshold = np.partition(sample, len(sample) - rank)[len(sample) - rank]
            reached = np.flatnonzero(scores >= threshold)
            if len(reached) >= k:
                found = reached
    if found is None:
        found = np.flatnonzero(scores > 0)
    if len(found) > 4 * k:
        values = scores[found]
        kth = np.partition(values, len(values) - k)[len(values) - k]  # the k-th highest
        above = found[values > kth]
        found = np.sort(np.concatenate([above, found[values == kth][: k - len(above)]]))
    # `found` is in position order, so the stable sort breaks ties by position
    return found[np.argsort(-scores[found], kind="stable")][:k]


class BM25Index:
    """An inverted index (CSR arrays, memory-mapped once saved and loaded), scoring all documents
    at once with numpy."""

    def __init__(
        self,
        vocabulary: dict[str, int],
        indptr: np.ndarray,
        doc_ids: np.ndarray,
        weights: np.ndarray,
        idf: np.ndarray,
        n_docs: int,
        average: float = 0.0,
    ) -> None:
        self.average = average  # mean document length (0: unknown, lengths are not normalised)
        self.max_postings: int | None = None
        self.vocabulary = vocabulary
        self.indptr = indptr
        self.doc_ids = doc_ids
        self.weights = weights
        self.idf = idf
        self.n_docs = n_docs
        self._forward_index: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._terms: list[str] | None = None

    @classmethod
    def build(cls, documents: Sequence[str], *, k1: float = 1.2, b: float = 0.75) -> BM25Index:
        term_docs: dict[str, list[tuple[int, int]]] = defaultdict(list)
        lengths = np.zeros(len(documents), dtype=np.float32)
        for doc_id, text in enumerate(documents):
            counts = Counter(stem_terms(text))
            lengths[doc_id] = sum(counts.values())
            for term, count in counts.items():
                term_docs[term].append((doc_id, count))
        average = float(lengths.mean()) if len(documents) and lengths.mean() > 0 else 1.0
        vocabulary: dict[str, int] = {}
        indptr = [0]
        doc_ids: list[int] = []
        tfs: list[int] = []
        for term, postings in term_docs.items():
            vocabulary[term] = len(vocabulary)
            doc_ids.extend(p[0] for p in postings)
            tfs.extend(p[1] for p in postings)
            indptr.append(len(doc_ids))
        ids = np.asarray(doc_ids, dtype=np.int32)
        tf = np.asarray(tfs, dtype=np.float32)
        norm = k1 * (1 - b + b * lengths[ids] / average) if len(ids) else tf
        weights = (tf * (k1 + 1) / (tf + norm)).astype(np.float32)
        df = np.diff(np.asarray(indptr, dtype=np.int64)).astype(np.float64)
        n = len(documents)
        idf = np.log(1 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)
        return cls(vocabulary, np.asarray(indptr, dtype=np.int64), ids, weights, idf, n, average)

    def document_weights(self, text: str, *, k1: float = 1.2, b: float = 0.75) -> dict[int, float]:
        """BM25 term weights of one more document scored against this index's statistics (a
        profile created after the build: known terms only)."""
        counts = Counter(stem_terms(text))
        length = sum(counts.values())
        norm = k1 * (1 - b + b * length / self.average) if self.average else k1
        return {
            self.vocabulary[term]: float(
                self.idf[self.vocabulary[term]] * tf * (k1 + 1) / (tf + norm)
            )
            for term, tf in counts.items()
            if term in self.vocabulary
        }

    def query_terms(self, text: str) -> list[int]:
        """The query's known terms, rarest first, until their postings exceed `max_postings`
        (the live index sets MAX_POSTINGS; the evaluation reads every term): each term costs a
        pass over its postings, and at scale the commonest terms, which add least, would
        dominate the latency."""
        terms = sorted(
            {self.vocabulary[t] for t in stem_terms(text) if t in self.vocabulary},
            key=lambda t: (-self.idf[t], t),
        )
        kept: list[int] = []
        total = 0
        for term in terms:
            total += int(self.indptr[term + 1] - self.indptr[term])
            if kept and self.max_postings is not None and total > self.max_postings:
                break
            kept.append(term)
        return sorted(kept)

    def scores(self, text: str) -> np.ndarray:
        scores = np.zeros(self.n_docs, dtype=np.float32)
        for term in self.query_terms(text):
            start, end = self.indptr[term], self.indptr[term + 1]
            # np.add.at adds in one pass; `scores[ids] += ...` gathers, adds and scatters, each
            # with the int32 ids converted again: at 1M profiles 2.5x slower (docs/benchmarks.md)
            np.add.at(scores, self.doc_ids[start:end], self.idf[term] * self.weights[start:end])
        return scores

    @property
    def vocabulary_terms(self) -> list[str]:
        """Term id -> term (built once)."""
        if self._terms is None:
            self._terms = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        return self._terms

    def coverage(
        self, text: str, *, extra_idf: dict[str, float] | None = None, n_docs: int | None = None
    ) -> float:
        """How much of the need this index's vocabulary knows: the idf mass of its known terms
        over that of all its terms, an unknown term counting as the rarest possible (1.0 for an
        empty need). Low for a need written in a language the documents are not in.
        `extra_idf`: more known terms (documents added since the build) among `n_docs`."""
        terms = set(stem_terms(text))
        if not terms:
            return 1.0
        extra_idf = extra_idf or {}
        rarest = float(np.log(1 + ((n_docs or self.n_docs) + 0.5) / 0.5))
        known = unknown = 0.0
        for term in terms:
            if term in self.vocabulary:
                known += float(self.idf[self.vocabulary[term]])
            elif term in extra_idf:
                known += extra_idf[term]
            else:
                unknown += 1
        return known / (known + unknown * rarest) if known else 0.0

    def scores_weighted(self, terms: dict[str, float]) -> np.ndarray:
        """BM25 of a weighted query (term -> weight), e.g. feedback terms; the same postings
        budget as `scores`, rarest terms first."""
        known = sorted(
            ((self.vocabulary[t], w) for t, w in terms.items() if t in self.vocabulary),
            key=lambda tw: (-self.idf[tw[0]], tw[0]),
        )
        scores = np.zeros(self.n_docs, dtype=np.float32)
        total = 0
        for term, weight in known:
            start, end = self.indptr[term], self.indptr[term + 1]
            total += int(end - start)
            if self.max_postings is not None and total > self.max_postings and total > end - start:
                break
            np.add.at(
                scores, self.doc_ids[start:end], weight * self.idf[term] * self.weights[start:end]
            )
        return scores

    def _forward(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Document -> (term ids, BM25 weights) in CSR form: the inverted index transposed once
        per process, on first use."""
        if self._forward_index is None:
            counts = np.diff(self.indptr)
            term_of = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
            order = np.argsort(self.doc_ids, kind="stable")
            indptr = np.zeros(self.n_docs + 1, dtype=np.int64)
            np.add.at(indptr, np.asarray(self.doc_ids, dtype=np.int64) + 1, 1)
            self._forward_index = (
                np.cumsum(indptr),
                term_of[order].astype(np.int32),
                (self.weights * self.idf[term_of])[order].astype(np.float32),
            )
        return self._forward_index

    def expansion(
        self, documents: np.ndarray, k: int, relevance: np.ndarray | None = None
    ) -> dict[str, float]:
        """The k terms that weigh most in the given documents (BM25 weights summed, each
        document's times its `relevance` if given; documents of relevance <= 0 are left out;
        the best term scaled to 1): pseudo-relevance feedback terms."""
        documents = np.asarray(documents, dtype=np.int64)
        factor = np.ones(len(documents)) if relevance is None else np.asarray(relevance, float)
        keep = (documents >= 0) & (documents < self.n_docs) & (factor > 0)
        documents, factor = documents[keep], factor[keep]
        if not len(documents):
            return {}
        indptr, term_ids, weights = self._forward()
        parts = [
            (term_ids[indptr[d] : indptr[d + 1]], weights[indptr[d] : indptr[d + 1]] * f)
            for d, f in zip(documents, factor, strict=True)
        ]
        ids = np.concatenate([t for t, _w in parts])
        if not len(ids):
            return {}
        unique, inverse = np.unique(ids, return_inverse=True)
        summed = np.bincount(inverse, weights=np.concatenate([w for _t, w in parts]))
        best = np.argsort(-summed, kind="stable")[:k]
        names = self.vocabulary_terms
        top = float(summed[best[0]]) or 1.0
        return {names[int(unique[j])]: float(summed[j]) / top for j in best}

    def save(self, path: str, *, forward: bool = False) -> None:
        """The vocabulary and statistics in one .npz file, the postings (term -> documents) as
        .npy files beside it, memory-mapped by `load`: every worker shares them (at 1M profiles
        they took 344 MB per worker when loaded from the .npz). With `forward`, also the
        document -> terms arrays, likewise (nothing to transpose at the first feedback query)."""
        terms = np.array(sorted(self.vocabulary, key=self.vocabulary.__getitem__), dtype=object)
        np.savez(
            path,
            terms=terms.astype(str),
            idf=self.idf,
            n_docs=np.array([self.n_docs]),
            average=np.array([self.average]),
        )
        for name, array in zip(
            INVERTED_FILES, (self.indptr, self.doc_ids, self.weights), strict=True
        ):
            np.save(_beside(path, "inverted", name), array)
        if forward:
            for name, array in zip(FORWARD_FILES, self._forward(), strict=True):
                np.save(_beside(path, "forward", name), array)

    @classmethod
    def load(cls, path: str) -> BM25Index:
        index = cls._load(path)
        paths = [_beside(path, "forward", name) for name in FORWARD_FILES]
        if all(Path(p).exists() for p in paths):
            indptr, terms, weights = (np.load(p, mmap_mode="r") for p in paths)
            index._forward_index = (indptr, terms, weights)
        return index

    @classmethod
    def _load(cls, path: str) -> BM25Index:
        data = np.load(path, allow_pickle=False)
        vocabulary = {str(term): i for i, term in enumerate(data["terms"])}
        if "doc_ids" in data:  # an index saved before the postings moved beside it
            indptr, doc_ids, weights = data["indptr"], data["doc_ids"], data["weights"]
        else:
            indptr, doc_ids, weights = (
                np.load(_beside(path, "inverted", name), mmap_mode="r") for name in INVERTED_FILES
            )
        return cls(
            vocabulary,
            indptr,
            doc_ids,
            weights,
            data["idf"],
            int(data["n_docs"][0]),
            float(data["average"][0]) if "average" in data else 0.0,
        )


INVERTED_FILES = ("indptr", "doc-ids", "weights")
FORWARD_FILES = ("indptr", "terms", "weights")


def _beside(path: str, kind: str, name: str) -> str:
    """passage_lexical.npz -> passage_lexical.forward-terms.npy"""
    return str(Path(path).with_suffix("")) + f".{kind}-{name}.npy"


class ExtendedBM25:
    """A built BM25 index plus a few documents added since and a few replaced since (profiles
    edited after the build), scored with the index's statistics. Their words the build never
    saw get an idf from these few documents (as rare as they are among all documents), so an
    edited profile is found by its new words before the next build."""

    def __init__(
        self,
        base: BM25Index,
        documents: Sequence[str],
        replaced: dict[int, str] | None = None,
        *,
        k1: float = 1.2,
        b: float = 0.75,
    ) -> None:
        self.base = base
        replaced = replaced or {}
        self.n_docs = base.n_docs + len(documents)
        counts = [Counter(stem_terms(text)) for text in [*documents, *replaced.values()]]
        unseen: Counter[str] = Counter()
        for doc in counts:
            unseen.update(t for t in doc if t not in base.vocabulary)
        idf = {t: math.log(1 + (self.n_docs - df + 0.5) / (df + 0.5)) for t, df in unseen.items()}
        weighted = []
        for doc in counts:
            length = sum(doc.values())
            norm = k1 * (1 - b + b * length / base.average) if base.average else k1
            weights: dict[str, float] = {}
            for term, tf in doc.items():
                known = base.vocabulary.get(term)
                term_idf = float(base.idf[known]) if known is not None else idf[term]
                weights[term] = term_idf * tf * (k1 + 1) / (tf + norm)
            weighted.append(weights)
        self.unseen_idf = idf
        self.extra = weighted[: len(documents)]
        self.replaced = dict(zip(replaced, weighted[len(documents) :], strict=True))

    def _finish(self, scores: np.ndarray, terms: dict[str, float]) -> np.ndarray:
        """The base scores with the added documents' appended and the replaced ones' redone."""

        def score(doc: dict[str, float]) -> float:
            return sum(doc.get(t, 0.0) * w for t, w in terms.items())

        extra = np.asarray([score(doc) for doc in self.extra], dtype=np.float32)
        scores = np.concatenate([scores, extra])
        for position, doc in self.replaced.items():
            if position < len(scores):
                scores[position] = score(doc)
        return scores

    def scores(self, text: str) -> np.ndarray:
        known = {self.base.vocabulary_terms[t] for t in self.base.query_terms(text)}
        terms = {t: 1.0 for t in stem_terms(text) if t in known or t in self.unseen_idf}
        return self._finish(self.base.scores(text), terms)

    def coverage(self, text: str) -> float:
        """As `BM25Index.coverage`, the words of the added and replaced documents known too."""
        return self.base.coverage(text, extra_idf=self.unseen_idf, n_docs=self.n_docs)

    def scores_weighted(self, terms: dict[str, float]) -> np.ndarray:
        return self._finish(self.base.scores_weighted(terms), terms)


def mean_vectors(passage_vectors: np.ndarray, owners: Sequence[int], n: int) -> np.ndarray:
    """One unit vector per organisation: the normalised mean of its passage vectors."""
    dim = passage_vectors.shape[1]
    sums = np.zeros((n, dim), dtype=np.float32)
    np.add.at(sums, np.asarray(owners, dtype=np.int64), passage_vectors)
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return sums / norms


def dense_scores(vectors: np.ndarray, query: np.ndarray) -> np.ndarray:
    return vectors @ query.astype(np.float32)


class CollaborationGraph:
    """Who worked with whom, weighted by the number of shared projects; `recent` holds the same
    edges with each project weighted by its recency (see `recency_weight`)."""

    def __init__(self) -> None:
        self.neighbours: dict[str, Counter[str]] = defaultdict(Counter)
        self.recent: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        self._rows: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._ids: dict[str, int] = {}
        self._names: list[str] = []

    @classmethod
    def from_projects(
        cls, consortia: Iterable[Sequence[str]], weights: Iterable[float] | None = None
    ) -> CollaborationGraph:
        graph = cls()
        weight_list = list(weights) if weights is not None else None
        for n, members in enumerate(consortia):
            weight = weight_list[n] if weight_list is not None else 1.0
            unique = sorted(set(members))
            for a in unique:
                for b in unique:
                    if a != b:
                        graph.neighbours[a][b] += 1
                        graph.recent[a][b] += weight
        return graph

    def past_partners(self, seeker: str | None) -> Counter[str]:
        if not seeker:
            return Counter()
        return Counter(self.neighbours.get(seeker, {}))

    def recent_partners(self, seeker: str | None) -> dict[str, float]:
        if not seeker:
            return {}
        return dict(self.recent.get(seeker, {}))

    def _row(self, node: str) -> tuple[np.ndarray, np.ndarray]:
        """A node's neighbours as (ids, edge weights) arrays, built once per node."""
        row = self._rows.get(node)
        if row is None:
            neighbours: Counter[str] = self.neighbours.get(node, Counter())
            ids = np.fromiter(
                (self._id(k) for k in neighbours), dtype=np.int64, count=len(neighbours)
            )
            weights = np.fromiter(neighbours.values(), dtype=np.float64, count=len(neighbours))
            row = self._rows[node] = (ids, weights)
        return row

    def _id(self, node: str) -> int:
        found = self._ids.get(node)
        if found is None:
            found = self._ids[node] = len(self._names)
            self._names.append(node)
        return found

    def partners_of_partners(self, seeker: str | None) -> tuple[Counter[str], dict[str, str]]:
        """Two-step reach (sum over shared partners of the weaker edge) and, for each reached
        organisation, the strongest intermediary (the first such partner; for the explanation).
        Vectorised per partner: large research organisations reach tens of thousands."""
        if not seeker or not self.neighbours.get(seeker):
            return Counter(), {}
        direct = self.neighbours[seeker]
        middles = list(direct)
        rows = [self._row(middle) for middle in middles]
        targets = np.concatenate([ids for ids, _w in rows])
        strength = np.concatenate(
            [np.minimum(w, direct[middle]) for middle, (_ids, w) in zip(middles, rows, strict=True)]
        )
        middle_of = np.repeat(np.arange(len(middles)), [len(ids) for ids, _w in rows])
        keep = targets != self._id(seeker)
        targets, strength, middle_of = targets[keep], strength[keep], middle_of[keep]
        if not len(targets):
            return Counter(), {}
        unique, inverse = np.unique(targets, return_inverse=True)
        totals = np.bincount(inverse, weights=strength)
        # Per target: the strongest edge, the earliest partner among equals.
        order = np.lexsort((np.arange(len(targets)), -strength, inverse))
        firsts = order[np.concatenate([[0], np.flatnonzero(np.diff(inverse[order])) + 1])]
        # In the order first reached (as a loop over the partners would): ties keep it.
        first_seen = np.full(len(unique), len(targets), dtype=np.int64)
        np.minimum.at(first_seen, inverse, np.arange(len(targets)))
        order = np.argsort(first_seen, kind="stable")
        names = [self._names[int(unique[j])] for j in order]
        values = [int(v) if v.is_integer() else float(v) for v in totals[order]]
        reach = Counter(dict(zip(names, values, strict=True)))
        via = {
            name: middles[int(m)] for name, m in zip(names, middle_of[firsts][order], strict=True)
        }
        return reach, via


class TypeAffinity:
    """log P(partner type | seeker type) from visible consortia, with add-one smoothing."""

    def __init__(self, table: dict[str, dict[str, float]]) -> None:
        self.table = table

    @classmethod
    def from_projects(
        cls, consortia: Iterable[Sequence[str]], type_of: dict[str, str]
    ) -> TypeAffinity:
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        types: set[str] = set()
        for members in consortia:
            member_types = [type_of.get(m, "") for m in set(members)]
            types.update(member_types)
            for i, a in enumerate(member_types):
                for j, b in enumerate(member_types):
                    if i != j:
                        counts[a][b] += 1
        table = {}
        for a in types:
            total = sum(counts[a].values()) + len(types)
            table[a] = {b: math.log((counts[a][b] + 1) / total) for b in types}
        return cls(table)

    def score(self, seeker_type: str, partner_type: str) -> float:
        row = self.table.get(seeker_type)
        if not row:
            return 0.0
        return row.get(partner_type, min(row.values()))


# Half-life of a past project's weight in the recency-weighted graph and the recent activity
# window, in years (compared in docs/benchmarks.md, Matching ablations).
RECENCY_HALF_LIFE = 5.0


def recency_weight(start: str, until: str) -> float:
    """0.5 ** (age in years / RECENCY_HALF_LIFE) for a project that started on `start` (ISO
    date), seen from `until`; an unknown start date counts as old (weight of 15 years)."""
    try:
        age = int(until[:4]) - int(start[:4])
    except (TypeError, ValueError):
        age = 15
    return float(0.5 ** (max(age, 0) / RECENCY_HALF_LIFE))


# How many passages the second step of the neighbourhood walk reads at most (hubs such as large
# research organisations reach tens of thousands; 4-8 ms for the largest CORDIS seeker at 20,000,
# 2-6 ms at 5,000). The strongest partners come first.
WALK_PASSAGES = 5_000


@dataclass
class SparseScores:
    """Scores for a few organisation positions: sorted unique keys and their values."""

    keys: np.ndarray
    values: np.ndarray

    @classmethod
    def summed(cls, keys: np.ndarray, values: np.ndarray, *, exclude: int = -1) -> SparseScores:
        keep = keys != exclude
        unique, inverse = np.unique(keys[keep], return_inverse=True)
        return cls(unique, np.bincount(inverse, weights=values[keep], minlength=len(unique)))

    def __len__(self) -> int:
        return len(self.keys)

    def get(self, positions: np.ndarray) -> np.ndarray:
        """The score of each position (0 where it has none)."""
        positions = np.asarray(positions, dtype=np.int64)
        if not len(self.keys):
            return np.zeros(len(positions))
        at = np.minimum(np.searchsorted(self.keys, positions), len(self.keys) - 1)
        return np.where(self.keys[at] == positions, self.values[at], 0.0)

    def top(self, k: int) -> list[int]:
        """Positions with a positive score, best first, at most k of them."""
        positive = np.flatnonzero(self.values > 0)
        order = positive[np.argsort(-self.values[positive], kind="stable")][:k]
        return [int(i) for i in self.keys[order]]


@dataclass
class Neighbourhood:
    walk: SparseScores
    partner_vote: SparseScores
    joint_sim: SparseScores
    joint_lex: SparseScores

    @classmethod
    def empty(cls) -> Neighbourhood:
        def none() -> SparseScores:
            return SparseScores(np.zeros(0, dtype=np.int64), np.zeros(0))

        return cls(none(), none(), none(), none())


class PassageIndex:
    """Passage-level signals: each passage (a project text or a profile's own text) belongs to
    one or more organisations. For a query it gives every organisation its best passage's cosine
    (`max`) and a vote: the summed similarity of the top-k passages each organisation took part
    in ("organisations in projects like this one")."""

    def __init__(
        self,
        vectors: np.ndarray,
        indptr: np.ndarray,
        orgs: np.ndarray,
        n_orgs: int,
        search=None,  # a VectorSearch over `vectors` (exact numpy search without one)
    ):
        self.vectors = vectors  # P x d, unit rows (may be memory-mapped)
        self.search = search
        self.indptr = np.asarray(indptr, dtype=np.int64)  # passage -> orgs (CSR)
        self.orgs = np.asarray(orgs, dtype=np.int64)
        self.n_orgs = n_orgs
        counts = np.diff(self.indptr)
        passage_of = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
        order = np.argsort(self.orgs, kind="stable")  # org -> passages (CSR)
        self._org_passages = passage_of[order]
        self._org_indptr = np.zeros(n_orgs + 1, dtype=np.int64)
        np.add.at(self._org_indptr, self.orgs + 1, 1)
        self._org_indptr = np.cumsum(self._org_indptr)
        self._passage_degree = np.maximum(counts, 1).astype(np.float64)
        self._org_degree = np.maximum(np.diff(self._org_indptr), 1).astype(np.float64)

    def __len__(self) -> int:
        return len(self.indptr) - 1

    @classmethod
    def from_lists(
        cls, vectors: np.ndarray, members: Sequence[Sequence[int]], n_orgs: int
    ) -> PassageIndex:
        indptr = np.zeros(len(members) + 1, dtype=np.int64)
        indptr[1:] = np.cumsum([len(m) for m in members])
        orgs = np.fromiter((o for m in members for o in m), dtype=np.int64, count=int(indptr[-1]))
        return cls(vectors, indptr, orgs, n_orgs)

    def nearest(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The k passages most similar to the query (through `search`, an ANN index at scale)."""
        if not len(self):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if self.search is not None:
            return self.search.search(query, min(k, len(self)))
        sims = np.asarray(self.vectors @ query.astype(np.float32), dtype=np.float32)
        k = min(k, len(sims))
        top = np.argpartition(-sims, k - 1)[:k]
        return top.astype(np.int64), sims[top]

    def org_max(self, query: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """The best passage cosine of each given organisation (0 for none): only the given
        organisations' passages are compared."""
        positions = np.asarray(positions, dtype=np.int64)
        out = np.zeros(len(positions), dtype=np.float32)
        known = positions < self.n_orgs  # organisations added after the build have none here
        starts = np.zeros(len(positions), dtype=np.int64)
        ends = np.zeros(len(positions), dtype=np.int64)
        starts[known] = self._org_indptr[positions[known]]
        ends[known] = self._org_indptr[positions[known] + 1]
        counts = ends - starts
        if not counts.sum():
            return out
        nonempty = counts > 0
        gather = np.concatenate(
            [self._org_passages[a:b] for a, b in zip(starts[nonempty], ends[nonempty], strict=True)]
        )
        sims = np.asarray(self.vectors[gather] @ query.astype(np.float32), dtype=np.float32)
        offsets = np.concatenate([[0], np.cumsum(counts[nonempty])[:-1]])
        out[nonempty] = np.maximum.reduceat(sims, offsets)
        return out

    def _passages_of(self, org: int) -> np.ndarray:
        return self._org_passages[self._org_indptr[org] : self._org_indptr[org + 1]]

    def _members(self, passages: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every (index into `passages`, member organisation) pair of the given passages."""
        starts, ends = self.indptr[passages], self.indptr[passages + 1]
        counts = ends - starts
        local = np.repeat(np.arange(len(passages), dtype=np.int64), counts)
        offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
        return local, self.orgs[np.arange(int(counts.sum()), dtype=np.int64) + offsets]

    def neighbourhood(
        self,
        seeker: int,
        query: np.ndarray | None,
        lexical: np.ndarray | None = None,
        *,
        budget: int = WALK_PASSAGES,
    ) -> Neighbourhood:
        """The seeker's collaboration neighbourhood read through the passages it shares
        (projects), each measured against the need:
        - `walk`: a two-step random walk from the seeker over the organisation-passage graph
          (seeker -> passage -> partner -> passage -> organisation, 1/degree at each step, the
          second step at half weight): a local personalised PageRank;
        - `partner_vote`: passages the seeker's partners took part in, each weighted by the
          cube of its positive cosine to the need times how many of the partners took part:
          "worked with your partners on something like this";
        - `joint_sim`: 1 + the best cosine to the need of a passage shared with the seeker
          (0 for none); `joint_lex`: the best normalised BM25 of such a passage.
        The second step reads at most `budget` passages, strongest partners first."""
        empty = Neighbourhood.empty()
        if seeker < 0 or seeker >= self.n_orgs:
            return empty
        own = self._passages_of(seeker)
        if not len(own):
            return empty
        local, first_orgs = self._members(own)
        weights = 1.0 / (self._org_degree[seeker] * self._passage_degree[own[local]])
        keep = first_orgs != seeker
        partners, inverse = np.unique(first_orgs[keep], return_inverse=True)
        if not len(partners):
            return empty
        mass = np.bincount(inverse, weights=weights[keep], minlength=len(partners))
        joint_sim = np.zeros(len(partners))
        joint_lex = np.zeros(len(partners))
        if query is not None:
            own_sims = np.asarray(self.vectors[own] @ query.astype(np.float32), dtype=np.float64)
            np.maximum.at(joint_sim, inverse, 1.0 + own_sims[local[keep]])
        if lexical is not None and len(lexical):
            np.maximum.at(joint_lex, inverse, lexical[own[local[keep]]])

        # Second step: the strongest partners' passages, within the budget.
        order = np.argsort(-mass, kind="stable")
        degrees = self._org_indptr[partners[order] + 1] - self._org_indptr[partners[order]]
        taken = order[: max(1, int(np.searchsorted(np.cumsum(degrees), budget, side="right")))]
        lists = [self._passages_of(int(partners[j])) for j in taken]
        second = np.concatenate(lists)
        share = np.repeat(mass[taken] / self._org_degree[partners[taken]], [len(x) for x in lists])
        share /= self._passage_degree[second]
        passages, inverse2 = np.unique(second, return_inverse=True)
        per_passage = np.bincount(inverse2, weights=share, minlength=len(passages))
        partner_count = np.bincount(inverse2, minlength=len(passages)).astype(np.float64)
        local2, reached = self._members(passages)
        walk_keys = np.concatenate([partners, reached])
        walk_values = np.concatenate([mass, 0.5 * per_passage[local2]])
        vote = np.zeros(len(passages))
        if query is not None:
            sims = np.asarray(self.vectors[passages] @ query.astype(np.float32), dtype=np.float64)
            vote = np.clip(sims, 0.0, None) ** 3 * partner_count
        return Neighbourhood(
            walk=SparseScores.summed(walk_keys, walk_values, exclude=seeker),
            partner_vote=SparseScores.summed(reached, vote[local2], exclude=seeker),
            joint_sim=SparseScores(partners, joint_sim),
            joint_lex=SparseScores(partners, joint_lex),
        )

    def vote_nearest(self, query: np.ndarray, k: int) -> dict[int, float]:
        return self.vote_found(*self.nearest(query, k), k)

    def vote_found(self, ids: np.ndarray, sims: np.ndarray, k: int) -> dict[int, float]:
        """`vote` over passages already found by `nearest` (their k best)."""
        ids = np.asarray(ids, dtype=np.int64)
        sims = np.asarray(sims, dtype=np.float32)
        if len(ids) > k:
            best = np.argpartition(-sims, k - 1)[:k]
            ids, sims = ids[best], sims[best]
        return self._votes_of(ids, sims)

    def vote(self, sims: np.ndarray, k: int) -> dict[int, float]:
        """Organisations of the top-k passages, each with the summed score of its passages
        (passages scoring <= 0 give no vote)."""
        sims = np.asarray(sims, dtype=np.float32)
        positive = top_positive(sims, k)
        return self._votes_of(positive, sims[positive])

    def _votes_of(self, passages: np.ndarray, scores: np.ndarray) -> dict[int, float]:
        keep = scores > 0
        passages, scores = passages[keep], scores[keep]
        if not len(passages):
            return {}
        local, orgs = self._members(passages)
        summed = SparseScores.summed(orgs, scores[local].astype(np.float64))
        return dict(zip(summed.keys.tolist(), summed.values.tolist(), strict=True))
