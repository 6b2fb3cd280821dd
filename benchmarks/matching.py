"""Matching benchmark: end-to-end match latency at scale, index build, embedding, memory per worker.

    .venv/bin/python benchmarks/matching.py [--sqlite 100000] [--postgres 300000] [--queries 100]

Each back-end runs in a fresh process on a fresh database: SQLite in a temporary folder,
PostgreSQL in a database of its own (BENCH_PG_URL, default
postgres://postgres@127.0.0.1:5432/loket_bench_matching), dropped afterwards. Memory per worker:
a separate fresh process loads Django, the encoder and the index and serves 20 matches; its RSS
is printed whole ("worker MB", with the pages of the memory-mapped index it touched, which the
workers share through the page cache) and private ("private MB", what each more worker adds). Synthetic profiles are scaled from the real CORDIS data in LOKET_DATA_DIR/cordis
(never copied into the repository): type/country/region mixes like the directory benchmark,
descriptions resampled from real project texts, and vectors made by perturbing real USE embeddings
of one project text per 50 profiles (at least 2,000; embedding 1M texts would take hours on 2
cores; the embedding throughput is measured and printed so a real build can be estimated). One
passage per profile.

Measured per query, 100 real project texts (the batch lines each with a random seeker, the API as
an anonymous caller), on a worker that has first served 100 other needs
(a fresh worker's first needs fault in the pages of the memory-mapped index they touch: their
latency is printed apart):
- `match_batch`: the command's per-line function (`match_batch_line`: encode, all signals, the
  database visibility check, fusion) and the whole command's wall time per line;
- the API: GET /api/v1/match?q=... through Django's test client (full request/response cycle).
Prints one table.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/loket_bench_matching"
TYPES = [("company", 40), ("startup", 8), ("knowledge_institution", 15), ("research_centre", 15)]
TYPES += [("public_body", 7), ("social_profit", 5), ("cluster", 3), ("other", 7)]
COUNTRIES = [("BE", 20), ("DE", 14), ("FR", 11), ("NL", 9), ("ES", 10), ("IT", 10), ("UK", 8)]
VARYING = {"name", "org_type", "country", "region", "description", "visibility", "cordis_pic"}
VARYING |= {"project_count"}
PROFILES_PER_TEXT = 50
WARM_UP = 100  # needs a fresh worker serves before the measured ones
REGIONS_BE = ["antwerpen", "limburg", "oost_vlaanderen", "vlaams_brabant", "west_vlaanderen"]


def _rss_mb(field: str = "VmRSS") -> float:
    """Resident memory in MB: VmRSS (all, with the mapped index pages it touched, which workers
    share through the page cache) or RssAnon (private to this process)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _pcts(samples: list[float]) -> tuple[float, float]:
    import numpy as np

    values = np.asarray(samples) * 1000
    return float(np.percentile(values, 50)), float(np.percentile(values, 95))


def worker(size: int, queries: int, out_file: str) -> None:
    """Runs in a process whose DATABASE_URL points at a fresh database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import numpy as np
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from loket.matching import scoring
    from loket.matching.encoders import USEEncoder, encoder_register
    from loket.matching.index import index_get, index_reset, index_write
    from loket.matching.scoring import TypeAffinity
    from loket.matching.services import match_batch_line
    from loket.matching.split import cordis_load
    from loket.organisations.models import Organisation

    result: dict = {"backend": connection.vendor, "profiles": size}
    call_command("migrate", verbosity=0)
    # BENCH_REUSE (development only): keep the database and the index of an earlier run of the
    # same size and back-end, so a change to the serving path is measured in minutes.
    reuse = bool(os.environ.get("BENCH_REUSE")) and Organisation.objects.count() == size
    rng = np.random.default_rng(0)
    projects, _orgs = cordis_load(Path(settings.LOKET_DATA_DIR) / "cordis")
    texts = sorted({p.text for p in projects.values() if len(p.text) > 80})

    started = time.perf_counter()
    encoder = USEEncoder(threads=settings.LOKET_ENCODER_THREADS)
    result["encoder_load_s"] = time.perf_counter() - started
    encoder_register("bench-use", encoder)
    settings.LOKET_MATCH_ENCODER = "bench-use"
    # Base texts: at most PROFILES_PER_TEXT profiles perturb one real vector (with a fixed 2,000
    # at 1M, 500 near-copies per text made a graph of tight clusters no real directory has).
    n_base = min(len(texts), max(2000, size // PROFILES_PER_TEXT))
    sample = list(rng.choice(texts, size=n_base, replace=False))
    started = time.perf_counter()
    base = encoder.encode_passages(sample)
    result["embed_per_s"] = len(sample) / (time.perf_counter() - started)
    chosen = rng.choice(texts, size=queries + WARM_UP, replace=False)
    query_texts, warm_texts = list(chosen[:queries]), list(chosen[queries:])
    one = []
    for text in query_texts[:50]:
        t = time.perf_counter()
        encoder.encode_queries([text])
        one.append(time.perf_counter() - t)
    result["encode_one_p50"], result["encode_one_p95"] = _pcts(one)

    # Profiles in the database (what visibility checks and explanations read).
    started = time.perf_counter()
    types = rng.choice([t for t, _w in TYPES], size=size, p=_weights(TYPES))
    countries = rng.choice([c for c, _w in COUNTRIES], size=size, p=_weights(COUNTRIES))
    picks = rng.integers(0, len(sample), size=size)
    visibility = rng.choice(["public", "members", "hidden"], size=size, p=[0.9, 0.08, 0.02])
    batch = []
    chunk = 50_000 if connection.vendor == "postgresql" else 10_000
    for i in range(size):
        batch.append(
            Organisation(
                name=f"Synthetic organisation {i}",
                org_type=str(types[i]),
                country=str(countries[i]),
                region=str(rng.choice(REGIONS_BE)) if countries[i] == "BE" else "",
                description=sample[picks[i]][:400],
                visibility=str(visibility[i]),
                cordis_pic=f"9{i:08d}",
                project_count=int(rng.integers(0, 20)),
            )
        )
        if len(batch) == chunk or i == size - 1:
            if not reuse:
                _fill(batch)
            batch = []
    result["db_fill_s"] = time.perf_counter() - started
    rows = list(
        Organisation.objects.order_by("pk").values_list("pk", "org_type", "country", "region")
    )
    pks = np.asarray([r[0] for r in rows], dtype=np.int64)

    # The index: perturbed real vectors, BM25 over the resampled texts. Stemming is memoised
    # over the 2,000 distinct texts (a real build stems each profile: see embed_per_s for the
    # part that dominates a real build).
    stem_memo: dict[str, list[str]] = {}
    plain = scoring.stem_terms

    def stem_terms(text: str) -> list[str]:
        if text not in stem_memo:
            stem_memo[text] = plain(text)
        return stem_memo[text]

    scoring.stem_terms = stem_terms
    vectors = np.empty((size, base.shape[1]), dtype=np.float32)
    for start in range(0, size, 100_000):  # in slices: 1M x 512 float64 noise would be 4 GB
        end = min(size, start + 100_000)
        noise = rng.normal(scale=0.02, size=(end - start, base.shape[1])).astype(np.float32)
        vectors[start:end] = base[picks[start:end]] + noise
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    documents = [sample[p][:400] for p in picks]
    consortia = [[str(x) for x in rng.choice(pks, size=8, replace=False)] for _ in range(2000)]
    started = time.perf_counter()
    current = Path(settings.LOKET_MATCH_INDEX_DIR) / "CURRENT"
    write = index_write
    if reuse and current.exists():

        def write(**_kwargs):
            return current.parent / current.read_text().strip()

    folder = write(
        pks=pks,
        pics=[f"9{i:08d}" for i in range(size)],
        attrs={
            "types": [r[1] for r in rows],
            "countries": [r[2] for r in rows],
            "regions": [r[3] for r in rows],
            "size_classes": [""] * size,
            "sectors": [""] * size,
        },
        activity=rng.integers(0, 20, size=size).astype(np.float32),
        vectors=vectors,
        documents=documents,
        affinity=TypeAffinity.from_projects(consortia, {str(r[0]): r[1] for r in rows}),
        encoder="bench-use",
        passage_vectors=vectors,
        passage_members=[[i] for i in range(size)],
        passage_texts=documents,
        country_affinity=TypeAffinity.from_projects(consortia, {str(r[0]): r[2] for r in rows}),
        recent_activity=rng.integers(0, 5, size=size).astype(np.float32),
    )
    result["index_build_s"] = time.perf_counter() - started
    result["hnsw"] = (folder / "hnsw.usearch").exists()
    result["index_mb"] = sum(f.stat().st_size for f in folder.iterdir()) / 2**20
    scoring.stem_terms = plain
    index_reset()
    started = time.perf_counter()
    loaded = index_get()
    result["index_load_s"] = time.perf_counter() - started
    # The ANN's recall against exact search, for the depths the engine asks (10 shown, 300
    # candidates), on 30 of the needs.
    dense = loaded.corpus.dense
    recall: dict[int, list[float]] = {10: [], 300: []}
    for vector in encoder.encode_queries(query_texts[:30]):
        sims = np.asarray(dense.vectors @ vector, dtype=np.float32)
        for k in recall:
            exact = set(np.argpartition(-sims, k)[:k].tolist())
            found = set(dense.search(vector, k)[0].tolist())
            recall[k].append(len(exact & found) / k)
    result["recall10"], result["recall300"] = (float(np.mean(recall[k])) for k in (10, 300))

    seekers = [f"9{int(i):08d}" for i in rng.integers(0, size, size=queries)]
    result["load_before_batch"] = os.getloadavg()[0]
    # A fresh worker first: its first needs fault in the pages of the memory-mapped index they
    # touch (reported as "first"); then the measured needs, on a worker that has served some.
    first = []
    for n, text in enumerate(warm_texts):
        t = time.perf_counter()
        match_batch_line(text=text, seeker=seekers[n % len(seekers)], exclude=[], top=10)
        first.append(time.perf_counter() - t)
    result["first_p50"], result["first_p95"] = _pcts(first)
    samples, cpu = [], []
    profile = None
    if os.environ.get("BENCH_PROFILE"):  # where the time goes: a cProfile of the batch lines
        import cProfile

        profile = cProfile.Profile()
        profile.enable()
    for text, seeker in zip(query_texts, seekers, strict=True):
        t, c = time.perf_counter(), time.process_time()
        match_batch_line(text=text, seeker=seeker, exclude=[], top=10)
        samples.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    if profile is not None:
        profile.disable()
        profile.dump_stats(os.environ["BENCH_PROFILE"])
    result["batch_p50"], result["batch_p95"] = _pcts(samples)
    result["batch_cpu_p50"], result["batch_cpu_p95"] = _pcts(cpu)

    with tempfile.TemporaryDirectory() as tmp:
        infile, outfile = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        infile.write_text(
            "".join(
                json.dumps({"id": str(n), "text": text, "seeker": seeker}) + "\n"
                for n, (text, seeker) in enumerate(zip(query_texts, seekers, strict=True))
            )
        )
        t = time.perf_counter()
        call_command("match_batch", "--in", str(infile), "--out", str(outfile), "--top", "10")
        result["command_per_line_ms"] = (time.perf_counter() - t) * 1000 / len(query_texts)

    client = Client()
    for text in query_texts[:5]:
        client.get("/api/v1/match", {"q": text[:500]})
    samples, cpu = [], []
    result["load_before_api"] = os.getloadavg()[0]
    if profile is not None:
        profile = cProfile.Profile()
        profile.enable()
    for text in query_texts:
        t, c = time.perf_counter(), time.process_time()
        response = client.get("/api/v1/match", {"q": text[:500]})
        samples.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        assert response.status_code == 200, response.content[:200]  # noqa: S101
    if profile is not None:
        profile.disable()
        profile.dump_stats(os.environ["BENCH_PROFILE"] + ".api")
    result["api_p50"], result["api_p95"] = _pcts(samples)
    result["api_cpu_p50"], result["api_cpu_p95"] = _pcts(cpu)
    result["load_after_api"] = os.getloadavg()[0]
    result["rss_mb"] = _rss_mb()
    result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # Memory per worker: a fresh process that only loads the encoder and the index and serves.
    probe = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, __file__, "--serve-probe", json.dumps(query_texts[:20])],
        capture_output=True,
        text=True,
        check=True,
    )
    rss, private = probe.stdout.strip().splitlines()[-1].split()
    result["worker_rss_mb"], result["worker_private_mb"] = float(rss), float(private)
    Path(out_file).write_text(json.dumps(result))


def _fill(organisations: list) -> None:
    """Write synthetic profiles: COPY on PostgreSQL (1M rows in minutes, not tens of minutes),
    bulk_create on SQLite. Every column gets what Django would have saved."""
    from django.db import connection

    from loket.organisations.models import Organisation

    if connection.vendor != "postgresql":
        Organisation.objects.bulk_create(organisations, batch_size=2000)
        return
    fields = [f for f in Organisation._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(Organisation._meta.db_table)
    # The columns the benchmark varies are read per row; the others are the same for every
    # row (defaults, timestamps), prepared once as Django would save them.
    constant = [f.get_db_prep_save(f.pre_save(organisations[0], True), connection) for f in fields]
    varying = [(j, f.attname) for j, f in enumerate(fields) if f.attname in VARYING]
    sql = f"COPY {table} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:  # type: ignore[attr-defined]
        for organisation in organisations:
            row = list(constant)
            for j, name in varying:
                row[j] = getattr(organisation, name)
            copy.write_row(row)


def serve_probe(texts: list[str]) -> None:
    """A fresh worker: Django, the encoder, the index; 20 matches; prints its RSS in MB."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings

    from loket.matching.encoders import USEEncoder, encoder_register
    from loket.matching.services import match_batch_line

    encoder_register("bench-use", USEEncoder(threads=settings.LOKET_ENCODER_THREADS))
    settings.LOKET_MATCH_ENCODER = "bench-use"
    for text in texts:
        match_batch_line(text=text, seeker=None, exclude=[], top=10)
    print(f"{_rss_mb():.0f} {_rss_mb('RssAnon'):.0f}")


def _weights(pairs):
    total = sum(w for _k, w in pairs)
    return [w / total for _k, w in pairs]


def _pg_admin(url: str, sql: str) -> None:
    from urllib.parse import urlparse

    import psycopg

    admin = urlparse(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def _pg_exists(url: str, name: str) -> bool:
    from urllib.parse import urlparse

    import psycopg

    admin = urlparse(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return row is not None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", type=int, nargs="*", default=[100_000])
    parser.add_argument("--postgres", type=int, nargs="*", default=[300_000])
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--serve-probe", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_probe:
        serve_probe(json.loads(args.serve_probe))
        return
    if args.worker:
        worker(int(args.worker[0]), int(args.worker[1]), args.worker[2])
        return
    pg_url = os.environ.get("BENCH_PG_URL", DEFAULT_PG)
    pg_name = pg_url.rsplit("/", 1)[1]
    results = []
    runs = [("sqlite", n) for n in args.sqlite] + [("postgresql", n) for n in args.postgres]
    reuse = os.environ.get("BENCH_REUSE")
    for backend, size in runs:
        with tempfile.TemporaryDirectory() as tmp:
            if reuse:
                tmp = f"{reuse}/{backend}-{size}"
                Path(tmp).mkdir(parents=True, exist_ok=True)
            env = dict(os.environ)
            env["LOKET_MATCH_INDEX_DIR"] = f"{tmp}/index"
            if backend == "sqlite":
                env["DATABASE_URL"] = ""
                env["LOKET_VAR_DIR"] = tmp
            else:
                if not reuse:
                    _pg_admin(pg_url, f'DROP DATABASE IF EXISTS "{pg_name}"')
                if not reuse or not _pg_exists(pg_url, pg_name):
                    _pg_admin(pg_url, f'CREATE DATABASE "{pg_name}"')
                env["DATABASE_URL"] = pg_url
            out = f"{tmp}/result.json"
            try:
                subprocess.run(  # noqa: S603 - our own script
                    [sys.executable, __file__, "--worker", str(size), str(args.queries), out],
                    env=env,
                    check=True,
                )
                results.append(json.loads(Path(out).read_text()))
            finally:
                if backend == "postgresql" and not reuse:
                    _pg_admin(pg_url, f'DROP DATABASE IF EXISTS "{pg_name}"')
        print(json.dumps(results[-1]), flush=True)

    print(
        f"{'back-end':<11}{'profiles':>9}{'ANN':>6}{'build s':>9}{'load s':>8}"
        f"{'batch p50/p95 ms':>18}{'cmd/line ms':>12}{'API p50/p95 ms':>16}{'worker MB':>10}"
        f"{'private MB':>11}"
    )
    for r in results:
        print(
            f"{r['backend']:<11}{r['profiles']:>9}{'HNSW' if r['hnsw'] else 'exact':>6}"
            f"{r['index_build_s']:>9.1f}{r['index_load_s']:>8.2f}"
            f"{r['batch_p50']:>9.1f}/{r['batch_p95']:<8.1f}{r['command_per_line_ms']:>12.1f}"
            f"{r['api_p50']:>8.1f}/{r['api_p95']:<7.1f}{r['worker_rss_mb']:>8.0f}"
            f"{r.get('worker_private_mb', float('nan')):>11.0f}"
        )
    for r in results:
        print(
            f"{r['backend']} {r['profiles']}: USE {r['embed_per_s']:.0f} passages/s, one query "
            f"encoded p50 {r['encode_one_p50']:.1f} ms / p95 {r['encode_one_p95']:.1f} ms, "
            f"encoder load {r['encoder_load_s']:.1f} s, index {r['index_mb']:.0f} MB on disk, "
            f"database fill {r['db_fill_s']:.0f} s, benchmark process RSS {r['max_rss_mb']:.0f} MB, "
            f"dense recall vs exact @10 {r.get('recall10', float('nan')):.3f} "
            f"@300 {r.get('recall300', float('nan')):.3f}"
        )
        print(
            f"  a fresh worker's first {WARM_UP} needs (faulting in the mapped index): "
            f"p50/p95 {r.get('first_p50', float('nan')):.1f}/"
            f"{r.get('first_p95', float('nan')):.1f} ms; the measured needs come after them"
        )
        print(
            f"  CPU time per query (this process; the wall times above include waiting for a "
            f"core): batch p50/p95 {r['batch_cpu_p50']:.1f}/{r['batch_cpu_p95']:.1f} ms, API "
            f"{r['api_cpu_p50']:.1f}/{r['api_cpu_p95']:.1f} ms; load average 1 min before the "
            f"batch {r['load_before_batch']:.1f}, before the API {r['load_before_api']:.1f}, "
            f"after {r['load_after_api']:.1f}"
        )


if __name__ == "__main__":
    main()
