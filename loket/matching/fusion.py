"""Fusing the signals (no Django imports).

Two fusions, both measured by `evaluate_matching`:
- reciprocal rank fusion (Cormack et al. 2009, k=60 as in the paper);
- a logistic regression over a handful of features, fitted by Newton's method on a split made only
  of the visible data (directory before a cut date, queries after it, both before the
  directory's end date). Its weights live in `fusion_weights.json`, written by
  `evaluate_matching --fit`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

RRF_K = 60
FEATURES = (
    "dense",
    "lexical",
    "past_partner",
    "partner_of_partner",
    "activity",
    "type_affinity",
    "same_country",
    "passage_max",
    "passage_vote",
    "lexical_vote",
    "recent_partner",
    "country_affinity",
    "recent_activity",
    "walk",
    "partner_vote",
    "joint_sim",
    "joint_lex",
)
# The features read from the seeker's neighbourhood through the passages (scoring.Neighbourhood).
NEIGHBOURHOOD = ("walk", "partner_vote", "joint_sim", "joint_lex")
WEIGHTS_FILE = Path(__file__).with_name("fusion_weights.json")


def reciprocal_rank_fusion(rankings: Sequence[Sequence[int]], k: int = RRF_K) -> dict[int, float]:
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return scores


@dataclass
class LogisticFusion:
    weights: np.ndarray  # one per feature, then the bias
    mean: np.ndarray
    scale: np.ndarray
    features: tuple[str, ...] = FEATURES

    def score(self, matrix: np.ndarray) -> np.ndarray:
        """Scores for a matrix whose columns are all of FEATURES (a fusion fitted on a subset
        reads only its own columns)."""
        columns = [FEATURES.index(name) for name in self.features]
        z = (matrix[:, columns] - self.mean) / self.scale
        return z @ self.weights[:-1] + self.weights[-1]

    @classmethod
    def fit(
        cls,
        matrix: np.ndarray,
        labels: np.ndarray,
        *,
        features: tuple[str, ...] = FEATURES,
        l2: float = 1e-2,
        iterations: int = 25,
        non_negative: bool = True,
    ) -> LogisticFusion:
        """Fit on the columns named in `features` of a matrix with all of FEATURES.

        With `non_negative` (the default) no feature gets a negative weight: every feature is
        built so that more of it means a likelier partner, and a negative weight (seen: the
        dense cosine at -0.04 once BM25 is in, from their overlap) would rank a closer profile
        below a farther one, all else equal. The most negative feature is dropped and the rest
        refitted until none is negative (an active-set fit)."""
        fusion = cls._fit(matrix, labels, features=features, l2=l2, iterations=iterations)
        while non_negative and len(fusion.features) > 1 and fusion.weights[:-1].min() < 0:
            drop = fusion.features[int(np.argmin(fusion.weights[:-1]))]
            kept = tuple(name for name in fusion.features if name != drop)
            fusion = cls._fit(matrix, labels, features=kept, l2=l2, iterations=iterations)
        return fusion

    @classmethod
    def _fit(
        cls,
        matrix: np.ndarray,
        labels: np.ndarray,
        *,
        features: tuple[str, ...],
        l2: float,
        iterations: int,
    ) -> LogisticFusion:
        matrix = matrix[:, [FEATURES.index(name) for name in features]]
        mean = matrix.mean(axis=0)
        scale = matrix.std(axis=0)
        scale[scale == 0] = 1.0
        x = np.hstack([(matrix - mean) / scale, np.ones((len(matrix), 1))])
        y = labels.astype(np.float64)
        w = np.zeros(x.shape[1])
        penalty = l2 * np.eye(x.shape[1])
        penalty[-1, -1] = 0.0
        for _ in range(iterations):
            p = 1.0 / (1.0 + np.exp(-(x @ w)))
            gradient = x.T @ (p - y) + penalty @ w
            hessian = (x * (p * (1 - p))[:, None]).T @ x + penalty
            step = np.linalg.solve(hessian + 1e-9 * np.eye(len(w)), gradient)
            w -= step
            if np.abs(step).max() < 1e-8:
                break
        return cls(weights=w, mean=mean, scale=scale, features=features)

    def to_dict(self) -> dict:
        return {
            "features": list(self.features),
            "weights": [float(v) for v in self.weights],
            "mean": [float(v) for v in self.mean],
            "scale": [float(v) for v in self.scale],
        }

    @classmethod
    def from_dict(cls, data: dict) -> LogisticFusion:
        return cls(
            weights=np.asarray(data["weights"], dtype=np.float64),
            mean=np.asarray(data["mean"], dtype=np.float64),
            scale=np.asarray(data["scale"], dtype=np.float64),
            features=tuple(data["features"]),
        )

    def save(self, path: Path = WEIGHTS_FILE, *, note: dict | None = None) -> None:
        path.write_text(json.dumps({**self.to_dict(), "note": note or {}}, indent=2) + "\n")

    @classmethod
    def load(cls, path: Path = WEIGHTS_FILE) -> LogisticFusion | None:
        if not path.exists():
            return None
        data = json.loads(path.read_text())
        if not set(data.get("features", ())) <= set(FEATURES):
            return None
        return cls.from_dict(data)
