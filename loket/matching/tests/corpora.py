"""Small corpora for the matcher's tests."""

import numpy as np

from loket.matching.engine import Corpus
from loket.matching.scoring import BM25Index, CollaborationGraph, TypeAffinity
from loket.matching.vectors import ExactSearch


def flat_corpus(texts: list[str], vectors: np.ndarray) -> Corpus:
    """One Belgian company per text (its profile vector given), keyed "0", "1", ...; no graph."""
    return Corpus(
        keys=[str(i) for i in range(len(texts))],
        types=["company"] * len(texts),
        countries=["BE"] * len(texts),
        activity=np.ones(len(texts), dtype=np.float32),
        lexical=BM25Index.build(texts),
        dense=ExactSearch(vectors),
        graph=CollaborationGraph(),
        affinity=TypeAffinity({}),
    )
