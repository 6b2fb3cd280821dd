"""Vector search without Django: exact search and similarities in the caller's order."""

import numpy as np

from loket.matching.vectors import ExactSearch, vectors_open, vectors_save


def test_similarity_keeps_the_callers_order_also_from_a_memory_map(tmp_path):
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(500, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors_save(tmp_path / "v.npy", vectors)
    search = ExactSearch(vectors_open(tmp_path / "v.npy"))
    query = vectors[7]
    positions = np.asarray([400, 3, 7, 250, 3, 0, 499])  # unsorted, with a repeat
    sims = search.similarity(query, positions)
    assert sims.dtype == np.float32
    np.testing.assert_allclose(sims, vectors[positions] @ query, rtol=1e-6)
    assert sims[2] == max(sims)  # the query's own row
    assert len(search.similarity(query, np.zeros(0, dtype=np.int64))) == 0


def test_exact_search_returns_the_nearest_first():
    vectors = np.eye(4, dtype=np.float32)
    positions, sims = ExactSearch(vectors).search(np.asarray([0.1, 0.9, 0.3, 0], np.float32), 2)
    assert positions.tolist() == [1, 2]
    assert sims[0] >= sims[1]
