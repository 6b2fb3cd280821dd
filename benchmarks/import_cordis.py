"""Time the CORDIS import on SQLite and PostgreSQL; prints a table.

    .venv/bin/python benchmarks/import_cordis.py [--data DIR] [--postgres URL] [--until YYYY-MM-DD]

Each backend gets a fresh database (a temporary SQLite file; the PostgreSQL database named in the
URL is dropped and re-created, so give it a name of its own) and runs in its own process, so peak
memory is that process's maximum RSS. Two runs per backend: the first import into an empty
database, then a re-run over the same data (everything is an update). "cpu s" is the process's
CPU time, which stays meaningful when other jobs share the machine and stretch the wall clock.
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
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "cordis"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/loket_bench_import"


def worker(data: str, until: str | None) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from datetime import date

    from django.core.management import call_command

    from loket.organisations.importing import cordis_import

    call_command("migrate", verbosity=0, interactive=False)
    results = []
    for run in ("first", "rerun"):
        wall, cpu = time.perf_counter(), time.process_time()
        report = cordis_import(
            directory=Path(data), until=date.fromisoformat(until) if until else None
        )
        results.append(
            {
                "run": run,
                "rows": report.rows_imported,
                "seconds": time.perf_counter() - wall,
                "cpu": time.process_time() - cpu,
                "issues": len(report.issues),
                "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    print(json.dumps(results))


def _recreate_postgres(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def _run_backend(label: str, database_url: str, data: str, until: str | None) -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="loket-bench-") as var_dir:
        env = {**os.environ, "LOKET_VAR_DIR": var_dir, "DATABASE_URL": database_url}
        if not database_url:
            env.pop("DATABASE_URL")
        command = [sys.executable, __file__, "--worker", "--data", data]
        if until:
            command += ["--until", until]
        completed = subprocess.run(  # noqa: S603 (our own script)
            command, env=env, capture_output=True, text=True, check=False
        )
    if completed.returncode != 0:
        print(f"{label}: failed\n{completed.stderr[-2000:]}", file=sys.stderr)
        return []
    return [{"backend": label, **row} for row in json.loads(completed.stdout.splitlines()[-1])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="'' to skip PostgreSQL")
    parser.add_argument("--until")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.data, args.until)
        return
    if not (Path(args.data) / "organisations.csv.gz").exists():
        sys.exit(f"no CORDIS data in {args.data}")

    rows = _run_backend("sqlite", "", args.data, args.until)
    if args.postgres:
        try:
            _recreate_postgres(args.postgres)
        except Exception as exc:
            print(f"postgresql skipped: {exc}", file=sys.stderr)
        else:
            rows += _run_backend("postgresql", args.postgres, args.data, args.until)

    print(f"CORDIS import of {args.data}" + (f" --until {args.until}" if args.until else ""))
    print(
        f"{'backend':<11} {'run':<6} {'rows':>7} {'seconds':>8} {'rows/s':>8} {'cpu s':>6} {'peak MB':>8}"
    )
    for row in rows:
        print(
            f"{row['backend']:<11} {row['run']:<6} {row['rows']:>7} {row['seconds']:>8.1f} "
            f"{row['rows'] / row['seconds']:>8.0f} {row['cpu']:>6.1f} {row['peak_mb']:>8.0f}"
        )


if __name__ == "__main__":
    main()
