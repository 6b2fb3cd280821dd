"""Vector search: numpy exact search for small sets, usearch HNSW for large (no Django imports).

Both keep the organisation vectors in a memory-mapped .npy file, so workers share the pages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np

# Below this many vectors an exact matrix product is fast enough and has perfect recall; above
# it, usearch HNSW. A query searches two such sets (profiles and passages) within a 30 ms budget,
# and an exact search over 100k x 512 took 11-23 ms on one core (benchmarks/matching.py).
EXACT_LIMIT = 50_000
# HNSW build: 16 links per node, insertion search depth 64 (usearch's default is 128). On 100k
# benchmark vectors on 2 busy cores the build took 78 s instead of 241 s, recall against exact
# search fell from 0.878 to 0.834 at k=10 and from 0.943 to 0.917 at k=300 (the engine asks for
# 300); int8 vectors with depth 40 built in 54 s but recalled 0.664 / 0.870 (benchmarks/matching.py
# notes, docs/benchmarks.md).
CONNECTIVITY = 16
EXPANSION_ADD = 64


class VectorSearch(Protocol):
    dim: int

    def __len__(self) -> int: ...

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]: ...

    def similarity(self, query: np.ndarray, positions: np.ndarray) -> np.ndarray: ...

    def vector(self, position: int) -> np.ndarray: ...


class ExactSearch:
    def __init__(self, vectors: np.ndarray) -> None:
        self.vectors = vectors
        self.dim = vectors.shape[1] if vectors.ndim == 2 else 0

    def __len__(self) -> int:
        return len(self.vectors)

    def all_similarities(self, query: np.ndarray) -> np.ndarray:
        return np.asarray(self.vectors @ query.astype(self.vectors.dtype), dtype=np.float32)

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        if not len(self.vectors):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        sims = self.all_similarities(query)
        k = min(k, len(sims))
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.argsort(-sims[top], kind="stable")]
        return top.astype(np.int64), sims[top]

    def similarity(self, query: np.ndarray, positions: np.ndarray) -> np.ndarray:
        if not len(positions):
            return np.zeros(0, dtype=np.float32)
        positions = np.asarray(positions, dtype=np.int64)
        # Rows read in file order: from the memory map, 700 rows took 0.6 ms instead of 1.8 ms
        # in random order (100k x 512).
        order = np.argsort(positions, kind="stable")
        sims = np.empty(len(positions), dtype=np.float32)
        sims[order] = self.vectors[positions[order]] @ query.astype(self.vectors.dtype)
        return sims

    def vector(self, position: int) -> np.ndarray:
        return np.asarray(self.vectors[position], dtype=np.float32)


class HNSWSearch(ExactSearch):
    """usearch HNSW graph (cosine), opened as a memory-mapped view; keys are row positions."""

    def __init__(self, vectors: np.ndarray, index_path: Path) -> None:
        from usearch.index import Index

        super().__init__(vectors)
        self.index = Index.restore(str(index_path), view=True)

    @staticmethod
    def build(vectors: np.ndarray, index_path: Path, *, threads: int = 2) -> None:
        from usearch.index import Index

        index = Index(
            ndim=vectors.shape[1],
            metric="cos",
            dtype="f16",
            connectivity=CONNECTIVITY,
            expansion_add=EXPANSION_ADD,
        )
        index.add(np.arange(len(vectors), dtype=np.uint64), vectors, threads=threads)
        tmp = index_path.with_suffix(".tmp")
        index.save(str(tmp))
        tmp.replace(index_path)

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        if not len(self.vectors):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        assert self.index is not None  # noqa: S101 (there is a graph whenever there are vectors)
        matches = self.index.search(query.astype(np.float32), min(k, len(self.vectors)))
        positions = np.asarray(matches.keys, dtype=np.int64)
        return positions, (1.0 - np.asarray(matches.distances, dtype=np.float32))


def vectors_save(path: Path, vectors: np.ndarray) -> None:
    tmp = path.with_name(path.name + ".tmp.npy")
    np.save(tmp, vectors.astype(np.float32))
    tmp.replace(path)


def vectors_open(path: Path) -> np.ndarray:
    return np.load(path, mmap_mode="r")
