"""Directory search latency at 10k and 100k organisations, on SQLite and PostgreSQL, in one run.

    .venv/bin/python benchmarks/directory_search.py [--sizes 10000,100000] [--rounds 2]

Synthetic organisations are scaled from real profile texts: each gets a description and a project
history mixed from CORDIS project titles, objectives and topics in LOKET_DATA_DIR/cordis (never
copied into the repository), plus random type, size, country, region, sector and funding. The same
rows go into a fresh SQLite file and a fresh PostgreSQL database (BENCH_PG_URL, default
postgres://postgres@127.0.0.1:5432/loket_bench_directory); both are dropped afterwards.

Measured per query: the selector (count, first page and all facet counts, as the page needs them)
and the whole directory page through Django's test client (anonymous, full HTML). The cache is
cleared before every measurement, so browsing figures are cold (first visitor after a profile
change); warm browsing (cached facet counts) is printed separately. Printed as a table.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import pickle
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/loket_bench_directory"

TYPES = [
    ("company", 40),
    ("startup", 8),
    ("knowledge_institution", 15),
    ("research_centre", 15),
    ("public_body", 7),
    ("social_profit", 5),
    ("cluster", 3),
    ("intermediary", 2),
    ("other", 5),
]
COUNTRIES = [("BE", 20), ("DE", 14), ("FR", 11), ("NL", 9), ("ES", 10), ("IT", 10), ("UK", 8)]
COUNTRIES += [("EL", 3), ("PT", 3), ("AT", 3), ("SE", 3), ("FI", 2), ("DK", 2), ("PL", 2)]
REGIONS_BE = ["antwerpen", "limburg", "oost_vlaanderen", "vlaams_brabant", "west_vlaanderen"]
REGIONS_BE += ["brussels", "wallonia"]
SUFFIXES = ["NV", "BV", "GmbH", "SA", "Ltd", "vzw", "Institute", "University", "Lab", "Centre"]
INNOVATION = ["profit_model", "network", "structure", "process", "product_performance"]
INNOVATION += ["product_system", "service", "channel", "brand", "customer_engagement"]


def _weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def load_corpus(data_dir: Path) -> dict[str, list[str]]:
    titles, objectives, topics = [], [], []
    for name in ("h2020_projects.csv.gz", "fp7_projects.csv.gz"):
        path = data_dir / "cordis" / name
        if not path.exists():
            continue
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row.get("title"):
                    titles.append(row["title"].strip())
                if row.get("objective"):
                    objectives.append(row["objective"].strip())
                if row.get("topicDescription"):
                    topics.append(row["topicDescription"].strip())
    if not titles:
        sys.exit(f"No CORDIS project files under {data_dir / 'cordis'}; set LOKET_DATA_DIR.")
    return {"titles": titles, "objectives": objectives, "topics": list(dict.fromkeys(topics))}


def make_rows(corpus: dict[str, list[str]], n: int, seed: int = 7) -> list[dict]:
    """Synthetic organisations with stemmed search documents, computed once for both databases."""
    from loket.lib.text import stemmed_document

    rng = random.Random(seed)
    titles, objectives, topics = corpus["titles"], corpus["objectives"], corpus["topics"]
    rows = []
    for i in range(n):
        org_type = _weighted(rng, TYPES)
        country = _weighted(rng, COUNTRIES)
        project_count = min(int(rng.expovariate(0.35)), 60) if rng.random() < 0.7 else 0
        history = rng.sample(titles, k=max(1, min(project_count, 6)))
        words = " ".join(rng.choice(titles).split()[:3]).title()
        if objectives and rng.random() < 0.5:
            description = " ".join(rng.choice(objectives).split()[:60])
        else:
            description = ". ".join(rng.sample(titles, 2))
        row = {
            "name": f"{words} {rng.choice(SUFFIXES)} {i}",
            "org_type": org_type,
            "size_class": rng.choice(["micro", "small", "medium", "large"])
            if org_type in ("company", "startup")
            else "",
            "country": country,
            "region": rng.choice(REGIONS_BE) if country == "BE" else "abroad",
            "nace_code": f"{rng.choice([10, 20, 26, 28, 35, 62, 71, 72, 85, 86]):02d}",
            "description": description,
            "offers": rng.choice(topics) if topics and rng.random() < 0.4 else "",
            "seeks": rng.choice(titles) if rng.random() < 0.3 else "",
            "profile_text": "\n".join(history),
            "project_count": project_count,
            "eu_contribution_total": round(project_count * rng.uniform(5e4, 9e5), 2),
            "visibility": rng.choices(["public", "members", "hidden"], weights=[90, 8, 2])[0],
            "innovation": rng.sample(INNOVATION, k=2) if rng.random() < 0.3 else [],
        }
        text = "\n".join(
            row[key]
            for key in ("name", "description", "offers", "seeks", "profile_text")
            if row[key]
        )
        row["search_document"] = stemmed_document(text)
        rows.append(row)
    return rows


def make_queries(corpus: dict[str, list[str]], seed: int = 11) -> list[dict]:
    """Common words, rare words, two-word queries, Dutch words, prefixes, facets and browsing."""
    rng = random.Random(seed)
    counts: dict[str, int] = {}
    for title in corpus["titles"]:
        for word in title.lower().split():
            word = word.strip(".,:;()[]'\"-")
            if len(word) >= 5 and word.isalpha():
                counts[word] = counts.get(word, 0) + 1
    ranked = sorted(counts, key=lambda w: -counts[w])
    common, rare = ranked[:60], ranked[500:5000]
    queries: list[dict] = [{"q": w} for w in rng.sample(common, 10)]
    queries += [{"q": w} for w in rng.sample(rare, 10)]
    queries += [
        {"q": f"{a} {b}"} for a, b in zip(rng.sample(common, 6), rng.sample(rare, 6), strict=True)
    ]
    queries += [{"q": w} for w in ["samenwerking", "energie", "waterstof", "duurzame landbouw"]]
    queries += [{"q": w[:5]} for w in rng.sample(common, 4)]  # typed prefixes
    queries += [
        {"q": rng.choice(common), "country": "BE"},
        {"q": rng.choice(common), "type": "company"},
    ]
    queries += [{"sort": "funding"}, {"sort": "name", "page": "7"}, {"country": "BE", "eu": "1"}]
    return queries


def worker(rows_file: str, sizes: list[int], rounds: int, out_file: str) -> None:
    """Runs inside a process whose DATABASE_URL points at a fresh database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from loket.organisations.models import Organisation
    from loket.organisations.search import search_index_rebuild
    from loket.organisations.selectors import OrganisationFilters, organisation_directory

    with open(rows_file, "rb") as handle:
        payload = pickle.load(handle)  # noqa: S301 - our own temporary file
    rows, queries = payload["rows"], payload["queries"]
    call_command("migrate", verbosity=0)
    through = Organisation.innovation_types.through
    vendor = connection.vendor
    results = []
    loaded = 0
    client = Client()
    for size in sizes:
        started = time.perf_counter()
        batch = rows[loaded:size]
        for start in range(0, len(batch), 2000):
            chunk = batch[start : start + 2000]
            created = Organisation.objects.bulk_create(
                Organisation(**{k: v for k, v in row.items() if k != "innovation"}) for row in chunk
            )
            through.objects.bulk_create(
                through(organisation_id=org.pk, innovationtype_id=code)
                for org, row in zip(created, chunk, strict=True)
                for code in row["innovation"]
            )
        search_index_rebuild()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        load_seconds = time.perf_counter() - started
        loaded = size
        timings: dict[str, list[float]] = {"selector": [], "page": []}
        query_counts: list[int] = []
        matches: list[int] = []
        slowest: list[tuple[float, dict]] = []
        for _round in range(rounds):
            for params in queries:
                filters = OrganisationFilters.from_querydict(
                    {k: v for k, v in params.items() if k not in ("q", "sort", "page")}
                )
                reset_queries()
                cache.clear()
                with CaptureQueriesContext(connection) as captured:
                    t0 = time.perf_counter()
                    result = organisation_directory(
                        user=None,
                        query=params.get("q", ""),
                        filters=filters,
                        sort=params.get("sort"),
                        page=params.get("page", 1),
                    )
                    list(result.page.object_list)
                    timings["selector"].append(time.perf_counter() - t0)
                query_counts.append(len(captured.captured_queries))
                matches.append(result.count)
                cache.clear()
                t0 = time.perf_counter()
                response = client.get("/", params)
                timings["page"].append(time.perf_counter() - t0)
                if response.status_code != 200:
                    raise SystemExit(f"{params} gave HTTP {response.status_code}")
                slowest.append((timings["selector"][-1], params))
        browse = [p for p in queries if "q" not in p]
        for params in browse:  # prime the cache once, then measure
            client.get("/", params)
        warm = []
        for _round in range(rounds):
            for params in browse:
                t0 = time.perf_counter()
                client.get("/", params)
                warm.append(time.perf_counter() - t0)
        timings["page, browsing, warm cache"] = warm
        slowest.sort(key=lambda item: -item[0])
        for seconds, params in slowest[:3]:
            print(f"  {vendor} {size:,}: slowest {seconds * 1000:.0f} ms {params}", flush=True)
        for path, values in timings.items():
            values_ms = sorted(v * 1000 for v in values)
            results.append(
                {
                    "backend": vendor,
                    "organisations": size,
                    "path": path,
                    "p50": statistics.median(values_ms),
                    "p95": values_ms[max(0, int(len(values_ms) * 0.95) - 1)],
                    "max": values_ms[-1],
                    "n": len(values_ms),
                    "queries": max(query_counts),
                    "median_matches": statistics.median(matches),
                    "load_s": load_seconds,
                }
            )
    with open(out_file, "w") as handle:
        json.dump(results, handle)


def _pg_admin(url: str, sql: str) -> None:
    from urllib.parse import urlparse

    import psycopg

    parsed = urlparse(url)
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--worker", nargs=2, metavar=("ROWS", "OUT"))
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.worker:
        worker(args.worker[0], sizes, args.rounds, args.worker[1])
        return

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings

    started = time.perf_counter()
    corpus = load_corpus(Path(settings.LOKET_DATA_DIR))
    rows = make_rows(corpus, max(sizes))
    queries = make_queries(corpus)
    print(
        f"generated {len(rows):,} organisations and {len(queries)} queries "
        f"in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    pg_url = os.environ.get("BENCH_PG_URL", DEFAULT_PG)
    pg_name = pg_url.rsplit("/", 1)[-1]
    results = []
    with tempfile.TemporaryDirectory(prefix="loket-bench-") as tmp:
        rows_file = os.path.join(tmp, "rows.pickle")
        with open(rows_file, "wb") as handle:
            pickle.dump({"rows": rows, "queries": queries}, handle)
        for backend in args.backends.split(","):
            env = dict(os.environ, LOKET_VAR_DIR=os.path.join(tmp, "var"))
            if backend == "sqlite":
                env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
            else:
                _pg_admin(pg_url, f'DROP DATABASE IF EXISTS "{pg_name}"')
                _pg_admin(pg_url, f'CREATE DATABASE "{pg_name}"')
                env["DATABASE_URL"] = pg_url
            out_file = os.path.join(tmp, f"{backend}.json")
            t0 = time.perf_counter()
            subprocess.run(  # noqa: S603 - our own script
                [sys.executable, __file__, "--worker", rows_file, out_file, "--sizes", args.sizes,
                 "--rounds", str(args.rounds)],
                env=env,
                check=True,
            )  # fmt: skip
            print(f"{backend}: done in {time.perf_counter() - t0:.0f} s", flush=True)
            with open(out_file) as handle:
                results.extend(json.load(handle))
            if backend != "sqlite":
                _pg_admin(pg_url, f'DROP DATABASE IF EXISTS "{pg_name}"')

    header = "| backend | organisations | path | p50 ms | p95 ms | max ms | requests | SQL queries | median matches | load s |"
    print()
    print(header)
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['backend']} | {r['organisations']:,} | {r['path']} | {r['p50']:.1f} | "
            f"{r['p95']:.1f} | {r['max']:.1f} | {r['n']} | {r['queries']} | "
            f"{r['median_matches']:,.0f} | {r['load_s']:.1f} |"
        )
    print(f"\ntotal {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
