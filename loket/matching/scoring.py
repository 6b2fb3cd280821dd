"""The single ranking signals, as plain functions and small classes (no Django imports).

Each signal scores organisations by position (0..N-1) in one corpus:
- lexical: Okapi BM25 over Dutch+English stems (k1=1.2, b=0.75, Robertson's usual defaults);
- dense: cosine between a need and an organisation's mean passage vector;
- collaboration graph: past partners (co-participation counts) and partners of partners;
- activity: number of past projects (the "popularity" reference);
- type mix: how often organisations of the seeker's type worked with each type, learned from
  the visible collaborations.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

import numpy as np

from loket.lib.text import stems, tokens


def stem_terms(text: str) -> list[str]:
    """Every token's Dutch and English stems (the same analysis as the directory's search)."""
    return [stem for token in tokens(text) for stem in stems(token)]


class BM25Index:
    """An in-memory inverted index (CSR arrays), scoring all documents at once with numpy."""

    def __init__(
        self,
        vocabulary: dict[str, int],
        indptr: np.ndarray,
        doc_ids: np.ndarray,
        weights: np.ndarray,
        idf: np.ndarray,
        n_docs: int,
    ) -> None:
        self.vocabulary = vocabulary
        self.indptr = indptr
        self.doc_ids = doc_ids
        self.weights = weights
        self.idf = idf
        self.n_docs = n_docs

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
        return cls(vocabulary, np.asarray(indptr, dtype=np.int64), ids, weights, idf, n)

    def query_terms(self, text: str) -> list[int]:
        return sorted({self.vocabulary[t] for t in stem_terms(text) if t in self.vocabulary})

    def scores(self, text: str) -> np.ndarray:
        scores = np.zeros(self.n_docs, dtype=np.float32)
        for term in self.query_terms(text):
            start, end = self.indptr[term], self.indptr[term + 1]
            # Doc ids are unique within one posting list, so fancy-index addition is exact.
            scores[self.doc_ids[start:end]] += self.idf[term] * self.weights[start:end]
        return scores

    def save(self, path: str) -> None:
        terms = np.array(sorted(self.vocabulary, key=self.vocabulary.__getitem__), dtype=object)
        np.savez(
            path,
            terms=terms.astype(str),
            indptr=self.indptr,
            doc_ids=self.doc_ids,
            weights=self.weights,
            idf=self.idf,
            n_docs=np.array([self.n_docs]),
        )

    @classmethod
    def load(cls, path: str) -> BM25Index:
        data = np.load(path, allow_pickle=False)
        vocabulary = {str(term): i for i, term in enumerate(data["terms"])}
        return cls(
            vocabulary,
            data["indptr"],
            data["doc_ids"],
            data["weights"],
            data["idf"],
            int(data["n_docs"][0]),
        )


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
    """Who worked with whom, weighted by the number of shared projects."""

    def __init__(self) -> None:
        self.neighbours: dict[str, Counter[str]] = defaultdict(Counter)

    @classmethod
    def from_projects(cls, consortia: Iterable[Sequence[str]]) -> CollaborationGraph:
        graph = cls()
        for members in consortia:
            unique = sorted(set(members))
            for a in unique:
                for b in unique:
                    if a != b:
                        graph.neighbours[a][b] += 1
        return graph

    def past_partners(self, seeker: str | None) -> Counter[str]:
        if not seeker:
            return Counter()
        return Counter(self.neighbours.get(seeker, {}))

    def partners_of_partners(self, seeker: str | None) -> tuple[Counter[str], dict[str, str]]:
        """Two-step reach (sum over shared partners of the weaker edge) and, for each reached
        organisation, the strongest intermediary (for the explanation)."""
        reach: Counter[str] = Counter()
        via: dict[str, tuple[int, str]] = {}
        if not seeker:
            return reach, {}
        direct = self.neighbours.get(seeker, {})
        for middle, first in direct.items():
            for target, second in self.neighbours.get(middle, {}).items():
                if target == seeker:
                    continue
                strength = min(first, second)
                reach[target] += strength
                if target not in via or strength > via[target][0]:
                    via[target] = (strength, middle)
        return reach, {target: middle for target, (_s, middle) in via.items()}


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
