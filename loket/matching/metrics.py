"""Ranking metrics over one query (no Django imports)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence


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


def evaluate(runs: Iterable[tuple[Sequence[str], set[str]]]) -> dict[str, float]:
    """Mean Recall@10, Recall@50, MRR and nDCG@10 over (ranking, relevant) pairs."""
    totals = dict.fromkeys(METRICS, 0.0)
    count = 0
    for ranked, relevant in runs:
        count += 1
        totals["R@10"] += recall_at(ranked, relevant, 10)
        totals["R@50"] += recall_at(ranked, relevant, 50)
        totals["MRR"] += reciprocal_rank(ranked, relevant)
        totals["nDCG@10"] += ndcg_at(ranked, relevant, 10)
    return {name: (value / count if count else 0.0) for name, value in totals.items()}
