"""Directory search through the API on PostgreSQL under 20 concurrent clients.

    python -m bench.search [--firms 100000] [--clients 20] [--requests 150] [--workers 3] [--threads 4]

Creates the database `bench_search` on the local PostgreSQL, migrates it, inserts the firms,
starts gunicorn (the production server) on a loopback port, and measures p50/p95 latency and
requests per second of `/api/enterprises?q=…`, with the anonymous-answer cache on and then off,
beside the same server's `/api/health` in the same run. Searches are the 12 popular QUERIES
repeated, and a mix of 2,000 distinct queries drawn with Zipf weights (zipf_mix). Every client
makes a bounded number of requests; traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.client
import json
import multiprocessing
import os
import random
import socket
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


def populate(database_url: str, firms: int, seed: int = 7) -> tuple[float, list[str]]:
    """Insert `firms` generated enterprises with their search keys; return the seconds taken and
    a pool of distinct queries people would type to find some of them (see zipf_mix)."""
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
    from pypinyin import lazy_pinyin

    started = time.perf_counter()
    batch: list[Enterprise] = []
    pool: list[str] = []
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
        if i % MIX_EVERY == 0:
            pool.append(_query_for(len(pool), words, "".join(lazy_pinyin(words)), english, i))
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
        # As a table in service is: vacuumed (visibility map set), so autovacuum does not start
        # on the fresh rows in the middle of the measurements.
        cursor.execute("VACUUM ANALYZE directory_enterprise")
    return time.perf_counter() - started, list(dict.fromkeys(pool))


# One firm in MIX_EVERY gives a query to the mix: 2,000 distinct ones over 100,000 firms.
MIX_EVERY = 50


def _query_for(k: int, words: str, pinyin: str, english: str, number: int) -> str:
    """What someone looking for this firm types, in turn: its name in pinyin, in Chinese, with
    the city, a pinyin or Chinese prefix, the name with its number."""
    city = english.split()[0].lower()
    kinds = (
        pinyin,
        words,
        f"{city} {pinyin}",
        pinyin[:5],
        words[:2],
        f"{pinyin} {number}",
    )
    return kinds[k % len(kinds)]


def zipf_mix(pool: list[str], requests: int, seed: int = 11, s: float = 1.0) -> list[str]:
    """`requests` queries drawn from QUERIES followed by `pool`, the query of rank r with weight
    1/(r+1)^s: a few popular searches and a long tail, as search logs have."""
    ranked = [*QUERIES, *(q for q in pool if q not in QUERIES)]
    weights = [1 / (r + 1) ** s for r in range(len(ranked))]
    return random.Random(seed).choices(ranked, weights=weights, k=requests)


class _Connection:
    """A keep-alive HTTP/1.1 connection that reads just the status line and Content-Length:
    the load generator shares the machine's cores with the server, so it spends as little of
    them as it can (http.client parses every header with the e-mail parser)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.sock: socket.socket | None = None

    def get(self, path: str) -> int:
        """The status of GET `path`, its body read and dropped."""
        if self.sock is None:
            self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode("ascii"))
        data = b""
        while b"\r\n\r\n" not in data:
            data += self._recv()
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split()[1])
        fields = dict(line.split(b":", 1) for line in lines[1:])
        length = int(fields.get(b"Content-Length", b"0"))
        while len(body) < length:
            body += self._recv()
        if fields.get(b"Connection", b"").strip().lower() == b"close":
            self.close()
        return status

    def _recv(self) -> bytes:
        assert self.sock is not None
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        return chunk

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


def _client(port: int, paths: list[str], start: int, count: int) -> tuple[list[float], list[str]]:
    """Requests paths[start], paths[start + 1], … (wrapping round) one after another."""
    connection = _Connection(port)
    latencies: list[float] = []
    failures: list[str] = []
    for r in range(count):
        path = paths[(start + r) % len(paths)]
        t0 = time.perf_counter()
        try:
            status = connection.get(path)
        except (OSError, ValueError) as exc:
            failures.append(f"{path}: {exc!r}")
            connection.close()
            continue
        latencies.append(time.perf_counter() - t0)
        if status != 200:
            failures.append(f"{path}: HTTP {status}")
    connection.close()
    return latencies, failures


def _process(args: tuple[int, list[str], list[int], int]) -> tuple[list[float], list[str], float]:
    """One load process: a thread per client; returns latencies, failures and its wall time."""
    port, paths, starts, per_client = args
    results: list[tuple[list[float], list[str]]] = [([], [])] * len(starts)

    def run(i: int) -> None:
        results[i] = _client(port, paths, starts[i], per_client)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(starts))]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return (
        [x for latencies, _ in results for x in latencies],
        [f for _, failures in results for f in failures],
        wall,
    )


# The clients run in this many processes, so that they do not queue for one interpreter lock
# (which would add their own waiting to the latencies they measure).
LOAD_PROCESSES = 4


def _load(port: int, paths: list[str], clients: int, per_client: int) -> dict[str, float]:
    """`clients` concurrent keep-alive clients, each making `per_client` requests in turn;
    client k starts at paths[k * per_client], so a list of clients × per_client paths is
    requested exactly once."""
    processes = min(LOAD_PROCESSES, clients)
    starts = [k * per_client for k in range(clients)]
    shares = [(port, paths, starts[p::processes], per_client) for p in range(processes)]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        done = pool.map(_process, shares)
    latencies = [x for part in done for x in part[0]]
    failures = [f for part in done for f in part[1]]
    wall = max(part[2] for part in done)
    if failures:
        print(f"{len(failures)} failed requests, first: {failures[0]}", file=sys.stderr)
    if len(latencies) < 2:
        raise SystemExit("no successful requests: is the server up?")
    quantiles = statistics.quantiles(latencies, n=100)
    return {
        "requests": len(latencies),
        "errors": len(failures),
        "p50_ms": quantiles[49] * 1000,
        "p95_ms": quantiles[94] * 1000,
        "rps": len(latencies) / wall,
    }


@contextlib.contextmanager
def _server(
    python: str, env: dict[str, str], port: int, workers: int, threads: int, *, cache_seconds: int
) -> Iterator[None]:
    """gunicorn (the production server) on a loopback port, ready when this yields."""
    gunicorn = str(Path(python).parent / "gunicorn")
    server = subprocess.Popen(
        [gunicorn, "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--threads", str(threads), "--worker-class", "gthread", "--log-level", "warning"],
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


def _local_redis() -> str:
    """LOCAL_REDIS when a Redis server answers there, else ""."""
    import redis

    try:
        redis.Redis.from_url(LOCAL_REDIS, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        return ""
    return LOCAL_REDIS


# The benchmark's own database of the local Redis, emptied before each run.
LOCAL_REDIS = "redis://127.0.0.1:6379/15"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=150, help="requests per client")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument(
        "--cache-url",
        help="CLUSTERLINK_CACHE_URL of the server (default: database 15 of the local Redis when "
        "it answers, else empty: the database's cache table)",
    )
    parser.add_argument("--port", type=int, default=0, help="loopback port (default: a free one)")
    parser.add_argument("--populate-only", metavar="DATABASE_URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.populate_only:
        seconds, pool = populate(args.populate_only, args.firms)
        print(json.dumps({"seconds": seconds, "pool": pool}, ensure_ascii=False))
        return 0

    if not args.port:
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
    cache_url = _local_redis() if args.cache_url is None else args.cache_url
    if cache_url:
        import redis

        redis.Redis.from_url(cache_url).flushdb()  # no answer of an earlier run survives
    env = {**os.environ, "DATABASE_URL": url, "CLUSTERLINK_CACHE_URL": cache_url}
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    populated = json.loads(
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
    insert_seconds = populated["seconds"]
    print(f"inserted {args.firms} firms in {insert_seconds:.1f} s")
    load_before = " ".join(Path("/proc/loadavg").read_text().split()[:3])

    def search_path(query: str) -> str:
        return f"/api/enterprises?q={urllib.parse.quote(query)}&limit=20"

    popular = [search_path(q) for q in QUERIES]
    mix = [search_path(q) for q in zipf_mix(populated["pool"], args.clients * args.requests)]
    repeats = len(mix) - len(set(mix))
    run = functools.partial(_load, args.port, clients=args.clients, per_client=args.requests)
    server = functools.partial(_server, python, env, args.port, args.workers, args.threads)
    # The same server twice: as deployed (anonymous answers cached), then with the cache off,
    # which is what a query nobody asked in the last minute costs.
    with server(cache_seconds=60):
        # Warm every worker's connection and caches before measuring.
        _load(args.port, [*popular, "/api/health"], 4, 10)
        health = run(["/api/health"])
        search = run(popular)
        search_mix = run(mix)
    with server(cache_seconds=0):
        _load(args.port, [*popular, "/api/health"], 4, 10)
        uncached = run(popular)
        uncached_mix = run(mix)
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc",
         f"DROP DATABASE IF EXISTS {database}"],
        check=False,
    )  # fmt: skip

    rows = "\n".join(
        f"| {name} | {r['requests']} | {r['errors']} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['rps']:.0f} |"
        for name, r in (
            ("GET /api/health (baseline)", health),
            (f"search, {len(QUERIES)} popular queries, as deployed", search),
            ("search, query mix, as deployed", search_mix),
            (f"search, {len(QUERIES)} popular queries, cache off", uncached),
            ("search, query mix, cache off", uncached_mix),
        )
    )
    markdown = (
        f"Directory search (`GET /api/enterprises?q=…&limit=20`) over {args.firms:,} firms on PostgreSQL, "
        f"gunicorn {args.workers} workers × {args.threads} threads, {args.clients} concurrent clients on "
        f"loopback, {args.requests} requests each; cache: {cache_url or 'the database cache table'}. "
        f"Insert: {insert_seconds:.1f} s. "
        f"Load average before the run: {load_before}.\n\n"
        "| requests of | requests | errors | p50 ms | p95 ms | req/s |\n|---|---|---|---|---|---|\n"
        + rows
        + "\n\nAs deployed, anonymous answers are cached for 60 s and dropped by any write to the "
        "directory (clusterlink/directory/public_cache.py); with the cache off every request "
        f"runs the search. The query mix draws {len(mix):,} requests from {len(set(mix)):,} distinct "
        f"queries (the {len(QUERIES)} popular ones first, then names, Chinese words, prefixes, "
        "city + name and name + number of firms in the directory) with Zipf weights 1/rank: "
        f"{repeats / len(mix):.0%} of its requests repeat an earlier one. "
        "Target: search p95 ≤ 100 ms.\n"
    )
    path = write_results(
        "search",
        {
            "firms": args.firms,
            "clients": args.clients,
            "insert_seconds": insert_seconds,
            "workers": args.workers,
            "threads": args.threads,
            "cache_url": cache_url,
            "load_before": load_before,
            "health": health,
            "search": search,
            "search_mix": search_mix,
            "search_uncached": uncached,
            "search_mix_uncached": uncached_mix,
            "mix_distinct_queries": len(set(mix)),
            "mix_repeat_share": repeats / len(mix),
        },
        markdown,
    )
    print(markdown)
    print(f"written to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
