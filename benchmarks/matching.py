"""Matching benchmark: search latency at scale with synthetic profiles, encoder throughput.

Synthetic profiles: real-looking texts are expensive to embed at 100k+, so vectors are made by
perturbing a few thousand real USE embeddings (of the CORDIS project texts) with Gaussian noise
and the lexical documents by resampling real project texts. Prints one table.

    .venv/bin/python benchmarks/matching.py --sizes 10000 100000 [--hnsw]
"""

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from loket.matching.encoders import USEEncoder
from loket.matching.scoring import BM25Index
from loket.matching.split import cordis_load
from loket.matching.vectors import ExactSearch, HNSWSearch

DATA = Path(
    os.environ.get("LOKET_DATA_DIR", Path(__file__).resolve().parents[2] / "shared" / "data")
)


def percentiles(samples):
    values = np.asarray(samples) * 1000
    return np.percentile(values, 50), np.percentile(values, 95)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--hnsw", action="store_true", help="also build and time usearch HNSW")
    args = parser.parse_args()

    projects, _orgs = cordis_load(DATA / "cordis")
    texts = sorted({p.text for p in projects.values() if len(p.text) > 40})
    rng = np.random.default_rng(0)
    encoder = USEEncoder(threads=2)
    sample = list(rng.choice(texts, size=2000, replace=False))
    started = time.monotonic()
    base = encoder.encode_passages(sample)
    throughput = len(sample) / (time.monotonic() - started)
    queries = list(rng.choice(texts, size=args.queries, replace=False))
    qv = encoder.encode_queries(queries)
    t = []
    for q in queries[:50]:
        s = time.monotonic()
        encoder.encode_queries([q])
        t.append(time.monotonic() - s)
    enc_p50, enc_p95 = percentiles(t)

    print(
        f"USE embedding throughput: {throughput:.0f} passages/s (2 threads); "
        f"one query: p50 {enc_p50:.1f} ms, p95 {enc_p95:.1f} ms"
    )
    print(
        f"{'profiles':>10} {'backend':>8} {'build s':>8} {'dense p50':>10} {'dense p95':>10} "
        f"{'bm25 p50':>9} {'bm25 p95':>9} {'RSS MB':>7}"
    )
    for n in args.sizes:
        picks = rng.integers(0, len(base), size=n)
        vectors = base[picks] + rng.normal(scale=0.02, size=(n, base.shape[1])).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        started = time.monotonic()
        docs = [texts[i] for i in rng.integers(0, len(texts), size=n)]
        lexical = BM25Index.build(docs)
        bm25_build = time.monotonic() - started
        bm = []
        for q in queries:
            s = time.monotonic()
            lexical.scores(q)
            bm.append(time.monotonic() - s)
        bm50, bm95 = percentiles(bm)
        backends = [("exact", ExactSearch(vectors), 0.0)]
        if args.hnsw:
            path = Path(f"/tmp/bench-{n}.usearch")
            s = time.monotonic()
            HNSWSearch.build(vectors, path)
            backends.append(("hnsw", HNSWSearch(vectors, path), time.monotonic() - s))
        for name, search, build in backends:
            lat = []
            for q in qv:
                s = time.monotonic()
                search.search(q, 800)
                lat.append(time.monotonic() - s)
            d50, d95 = percentiles(lat)
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(
                f"{n:>10} {name:>8} {build + bm25_build:>8.1f} {d50:>10.1f} {d95:>10.1f} "
                f"{bm50:>9.1f} {bm95:>9.1f} {rss:>7.0f}"
            )


if __name__ == "__main__":
    main()
