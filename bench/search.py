"""Directory search through the API on PostgreSQL under 20 concurrent clients.

    python -m bench.search [--firms 100000] [--clients 20] [--requests 150]

Creates the database `bench_search` on the local PostgreSQL, migrates it, inserts the firms,
starts gunicorn (the production server) on a loopback port, and measures p50/p95 latency and
requests per second of `/api/enterprises?q=…`, with the anonymous-answer cache on and then off,
beside the same server's `/api/health` in the same run. Every client makes a bounded number of
requests; traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

from bench.common import write_results

ROOT = Path(__file__).resolve().parent.parent
PG = "postgres://postgres@127.0.0.1:5432"
QUERIES = [
    "putian",
    "莆田",
    "jinjiang shoes",
    "晋江",
    "socks",
    "xiaobeihe",
    "hengxin",
    "鞋业",
    "quanzhou footwear",
    "针织",
    "huamao",
    "jjhx",
]


def _django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def populate(database_url: str, firms: int, seed: int = 7) -> float:
    """Insert `firms` generated enterprises with their search keys; return seconds."""
    _django(database_url)
    from clusterlink.directory.demo import (
        CLUSTERS,
        SHOE_SUFFIXES,
        SHOE_WORDS,
        SOCK_SUFFIXES,
        english_name,
    )
    from clusterlink.directory.models import Cluster, Enterprise
    from clusterlink.directory.search import search_fields

    rng = random.Random(seed)
    clusters = []
    for c in CLUSTERS:
        cluster, _ = Cluster.objects.get_or_create(
            slug=c.slug,
            defaults=dict(
                name_zh=c.names[0],
                name_en=c.names[1],
                region_code=c.region_code,
                region_zh=c.region[0],
                trade=c.trade,
            ),
        )
        clusters.append((cluster, c))
    started = time.perf_counter()
    batch: list[Enterprise] = []
    for i in range(firms):
        cluster, seed_cluster = clusters[i % len(clusters)]
        place = rng.choice(seed_cluster.town_names)
        words = "".join(rng.sample(SHOE_WORDS, 3))
        suffix_zh, suffix_en = rng.choice(
            SOCK_SUFFIXES if seed_cluster.trade == "hosiery" else SHOE_SUFFIXES
        )
        legal, english = (
            f"{place}{words}{suffix_zh}{i}",
            english_name(words, place, suffix_en) + f" {i}",
        )
        address = f"{seed_cluster.region[0]}{place}工业区{rng.randint(1, 500)}号"
        search_keys, sort_name = search_fields(legal_name=legal, name_en=english, address=address)
        batch.append(
            Enterprise(
                legal_name=legal,
                name_en=english,
                cluster=cluster,
                address=address,
                search_keys=search_keys,
                sort_name=sort_name,
            )
        )
        if len(batch) == 5000:
            Enterprise.objects.bulk_create(batch)
            batch = []
    Enterprise.objects.bulk_create(batch)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE directory_enterprise")
    return time.perf_counter() - started


def _load(port: int, paths: list[str], clients: int, per_client: int) -> dict[str, float]:
    latencies: list[float] = []
    failures: list[str] = []
    errors = 0
    lock = threading.Lock()

    def client(k: int) -> None:
        nonlocal errors
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        bad = 0
        for r in range(per_client):
            path = paths[(k * per_client + r) % len(paths)]
            t0 = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as exc:
                failures.append(f"{path}: {exc!r}")
                bad += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.append(time.perf_counter() - t0)
            if response.status != 200:
                failures.append(f"{path}: HTTP {response.status}")
                bad += 1
        connection.close()
        with lock:
            latencies.extend(mine)
            errors += bad

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    if failures:
        print(f"{len(failures)} failed requests, first: {failures[0]}", file=sys.stderr)
    if len(latencies) < 2:
        raise SystemExit("no successful requests: is the server up?")
    quantiles = statistics.quantiles(latencies, n=100)
    return {
        "requests": len(latencies),
        "errors": errors,
        "p50_ms": quantiles[49] * 1000,
        "p95_ms": quantiles[94] * 1000,
        "rps": len(latencies) / wall,
    }


@contextlib.contextmanager
def _server(
    python: str, env: dict[str, str], port: int, workers: int, *, cache_seconds: int
) -> Iterator[None]:
    """gunicorn (the production server) on a loopback port, ready when this yields."""
    gunicorn = str(Path(python).parent / "gunicorn")
    server = subprocess.Popen(
        [gunicorn, "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--threads", "4", "--worker-class", "gthread", "--log-level", "warning"],
        cwd=ROOT,
        env={**env, "CLUSTERLINK_DIRECTORY_CACHE_SECONDS": str(cache_seconds)},
    )  # fmt: skip
    try:
        for _ in range(150):
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                probe.request("GET", "/api/health")
                if probe.getresponse().status == 200:
                    break
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.2)
        yield
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=150, help="requests per client")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--port", type=int, default=0, help="loopback port (default: a free one)")
    parser.add_argument("--populate-only", metavar="DATABASE_URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.populate_only:
        print(f"{populate(args.populate_only, args.firms):.1f}")
        return 0

    if not args.port:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            args.port = probe.getsockname()[1]
    database = "bench_search"
    url = f"{PG}/{database}"
    subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-qc",
            f"DROP DATABASE IF EXISTS {database}",
        ],
        check=True,
    )
    subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-qc",
            f"CREATE DATABASE {database}",
        ],
        check=True,
    )
    env = {**os.environ, "DATABASE_URL": url}
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    insert_seconds = float(
        subprocess.run(
            [python, "-m", "bench.search", "--firms", str(args.firms), "--populate-only", url],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    print(f"inserted {args.firms} firms in {insert_seconds:.1f} s")

    search_paths = [f"/api/enterprises?q={urllib.parse.quote(q)}&limit=20" for q in QUERIES]
    # The same server twice: as deployed (anonymous answers cached), then with the cache off,
    # which is what a query nobody asked in the last minute costs.
    with _server(python, env, args.port, args.workers, cache_seconds=60):
        # Warm every worker's connection and caches before measuring.
        _load(args.port, [*search_paths, "/api/health"], 4, 10)
        health = _load(args.port, ["/api/health"], args.clients, args.requests)
        search = _load(args.port, search_paths, args.clients, args.requests)
    with _server(python, env, args.port, args.workers, cache_seconds=0):
        _load(args.port, [*search_paths, "/api/health"], 4, 10)
        uncached = _load(args.port, search_paths, args.clients, args.requests)
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc",
         f"DROP DATABASE IF EXISTS {database}"],
        check=False,
    )  # fmt: skip

    rows = "\n".join(
        f"| {name} | {r['requests']} | {r['errors']} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['rps']:.0f} |"
        for name, r in (
            ("GET /api/health (baseline)", health),
            ("GET /api/enterprises?q=… (search, as deployed)", search),
            ("GET /api/enterprises?q=… (search, cache off)", uncached),
        )
    )
    markdown = (
        f"Directory search over {args.firms:,} firms on PostgreSQL, gunicorn {args.workers} workers × 4 threads, "
        f"{args.clients} concurrent clients on loopback, {args.requests} requests each. Insert: {insert_seconds:.1f} s.\n\n"
        "| endpoint | requests | errors | p50 ms | p95 ms | req/s |\n|---|---|---|---|---|---|\n"
        + rows
        + "\n\nAs deployed, anonymous answers are cached for 60 s and dropped by any write to the "
        "directory (clusterlink/directory/public_cache.py); with the cache off every request "
        "runs the search. Target: search p95 ≤ 100 ms.\n"
    )
    path = write_results(
        "search",
        {
            "firms": args.firms,
            "clients": args.clients,
            "insert_seconds": insert_seconds,
            "health": health,
            "search": search,
            "search_uncached": uncached,
        },
        markdown,
    )
    print(markdown)
    print(f"written to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
