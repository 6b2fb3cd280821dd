"""Ranking metrics over one query (no Django imports)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np


def recall_at(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    if not relevant:
        return 0.0
    return len(set(ranked[:k]) & relevant) / len(relevant)


def reciprocal_rank(ranked: Sequence[str], relevant: set[str]) -> float:
    for position, key in enumerate(ranked, start=1):
        if key in relevant:
            return 1.0 / position
    return 0.0


def ndcg_at(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    dcg = sum(1.0 / math.log2(i + 2) for i, key in enumerate(ranked[:k]) if key in relevant)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return dcg / ideal if ideal else 0.0


METRICS = ("R@10", "R@50", "MRR", "nDCG@10")


def query_metrics(ranked: Sequence[str], relevant: set[str]) -> dict[str, float]:
    """Recall@10, Recall@50, reciprocal rank and nDCG@10 of one query."""
    return {
        "R@10": recall_at(ranked, relevant, 10),
        "R@50": recall_at(ranked, relevant, 50),
        "MRR": reciprocal_rank(ranked, relevant),
        "nDCG@10": ndcg_at(ranked, relevant, 10),
    }


def evaluate(runs: Iterable[tuple[Sequence[str], set[str]]]) -> dict[str, float]:
    """Mean Recall@10, Recall@50, MRR and nDCG@10 over (ranking, relevant) pairs."""
    return mean_metrics([query_metrics(ranked, relevant) for ranked, relevant in runs])


def mean_metrics(rows: Sequence[dict[str, float]]) -> dict[str, float]:
    """Each metric averaged over per-query rows (`query_metrics`)."""
    return {name: (sum(r[name] for r in rows) / len(rows) if rows else 0.0) for name in METRICS}


def ratio_interval(
    numerator: Sequence[float],
    denominator: Sequence[float],
    *,
    resamples: int = 2000,
    level: float = 0.95,
    seed: int = 0,
) -> tuple[float, float]:
    """Paired bootstrap interval of mean(numerator) / mean(denominator): the queries are
    resampled with replacement, both methods keep their score on each drawn query."""
    top = np.asarray(numerator, dtype=float)
    bottom = np.asarray(denominator, dtype=float)
    if not len(top) or len(top) != len(bottom):
        return float("nan"), float("nan")
    draws = np.random.default_rng(seed).integers(0, len(top), size=(resamples, len(top)))
    sums = bottom[draws].sum(axis=1)
    ratios = np.divide(top[draws].sum(axis=1), sums, out=np.full(resamples, np.inf), where=sums > 0)
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(ratios, [tail, 100 - tail])
    return float(low), float(high)
