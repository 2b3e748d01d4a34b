"""Benchmark of the enterprise import: 100,000 rows from one .xlsx, on SQLite and PostgreSQL.

1. Generates a deterministic workbook (seeded): Chinese firm names with English names on a
   third of the rows, credit codes (valid check characters) on half, roles, products,
   processes, addresses, coordinates; 1% of the rows are suffix/spelling variants of other
   rows, so duplicate screening has real work.
2. Imports it through `import_enterprises` (the path the pages and the command use: the
   workbook read by calamine, every row validated, duplicate screening against the directory
   and within the file, search keys, batched inserts with history, COPY on PostgreSQL) into an empty database, once on SQLite
   and once on PostgreSQL, each in a fresh process so peak memory is that import's own.

Usage: ``.venv/bin/python -m bench.imports [--rows 100000] [--postgres URL] [--no-write]``.
PostgreSQL: a scratch database (default bench_import on 127.0.0.1) is created and dropped.
Results go to bench/results/imports-<date>.md with the machine description.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/bench_import"

_CORE = (
    "恒威鑫兴华盛达源泰丰宏利豪顺发鸿隆嘉安信成福祥瑞永新金银宝龙凤鹏飞天海阳光明东南中星晨佳美雅丽欣联合众和康健力强正大高远航辉腾创杰俊峰"
    "林森博锦荣昌伟炜志毅诚德万千百亿富贵吉庆乐宁静雪云霞鼎立品冠优卓越骏驰捷锐迅奇特凯旋普惠诺亚朗晟昊睿哲思彬炫耀灿烁曜煌铭铂钧锋钰琪瑶"
)
_REGIONS = (
    ("莆田", "Putian", 25.43, 119.01),
    ("晋江", "Jinjiang", 24.78, 118.55),
    ("泉州", "Quanzhou", 24.87, 118.68),
    ("辽阳", "Liaoyang", 41.27, 123.17),
    ("石狮", "Shishi", 24.73, 118.65),
)
_TOWNS = (
    "黄石镇",
    "陈埭镇",
    "池店镇",
    "小北河镇",
    "灵秀镇",
    "西天尾镇",
    "安海镇",
    "磁灶镇",
    "内坑镇",
    "东石镇",
)
_INDUSTRIES = (
    ("鞋业", "Shoes", "sports-shoes", "injection"),
    ("袜业", "Socks", "cotton-socks", "needle-200"),
    ("鞋服", "Footwear", "casual-shoes", "stitching"),
    ("针织", "Knitting", "sports-socks", "double-cylinder"),
)
_SUFFIXES = ("有限公司", "有限责任公司", "股份有限公司")
_ROLES = (
    "oem_factory",
    "oem_factory",
    "brand",
    "component_maker",
    "material_supplier",
    "oem_factory, component_maker",
)
_CERTS = ("", "", "iso9001", "bsci", "oeko-tex", "iso9001, bsci")
HEADER = [
    "企业名称",
    "英文名称",
    "统一社会信用代码",
    "角色",
    "地址",
    "纬度",
    "经度",
    "员工人数",
    "产品类别",
    "工艺",
    "认证",
]


def credit_code(n: int) -> str:
    from stdnum.cn import uscc

    body = (
        "91" + "3505" + "00" + f"{n:09d}"
    )  # registration authority, region, serial: 17 characters
    return body + uscc.calc_check_digit(body)


def _common_chars() -> str:
    """The 3,755 level-1 (most common) characters of GB 2312, in code order."""
    chars = []
    for high in range(0xB0, 0xD8):
        for low in range(0xA1, 0xFF):
            try:
                chars.append(bytes((high, low)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return "".join(chars)


def generate(path: Path, rows: int, seed: int = 20261123) -> None:
    """Write the deterministic workbook (1% of rows are variants of earlier ones). A normal (not write-only) workbook, like Excel's own
    files: shared strings and a <dimension> element, which a streaming reader relies on."""
    from openpyxl import Workbook
    from pypinyin import lazy_pinyin

    rng = random.Random(seed)
    common = _common_chars()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "企业"
    sheet.append(HEADER)
    used: set[str] = set()
    made: list[list[object]] = []
    for i in range(rows):
        if made and rng.random() < 0.01:
            # A variant of an earlier firm: another suffix, a shorter address; same core name.
            base = rng.choice(made)
            name = (
                str(base[0]).replace("有限公司", "有限责任公司")
                if "有限公司" in str(base[0])
                else str(base[0]) + "有限公司"
            )
            if name in used:
                name = name.replace("市", "", 1) + "分厂"
            row = [
                name,
                "",
                "",
                base[3],
                str(base[4])[:-3],
                base[5],
                base[6],
                base[7],
                base[8],
                base[9],
                base[10],
            ]
        else:
            while True:
                region, region_en, lat, lng = rng.choice(_REGIONS)
                # Favoured name characters and everyday ones, as real firm names mix them.
                core = "".join(
                    rng.choice(_CORE if rng.random() < 0.3 else common)
                    for _ in range(rng.choice((2, 3, 3, 4)))
                )
                industry, industry_en, category, process = rng.choice(_INDUSTRIES)
                name = f"{region}市{core}{industry}{rng.choice(_SUFFIXES)}"
                if name not in used:
                    break
            english = (
                f"{region_en} {''.join(lazy_pinyin(core)).capitalize()} {industry_en} Co., Ltd."
                if rng.random() < 0.33
                else ""
            )
            address = f"福建省{region}市{rng.choice(_TOWNS)}{rng.randint(1, 999)}号"
            row = [
                name, english, credit_code(i) if rng.random() < 0.5 else "", rng.choice(_ROLES), address,
                round(lat + rng.uniform(-0.2, 0.2), 6), round(lng + rng.uniform(-0.2, 0.2), 6), rng.randint(5, 3000),
                category, process, rng.choice(_CERTS),
            ]  # fmt: skip
            made.append(row)
        used.add(str(row[0]))
        sheet.append(row)
    workbook.save(path)


def run_one(path: Path) -> dict[str, Any]:
    """Child process: migrate an empty database, import the file, report time and peak memory."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from clusterlink.directory.imports.service import import_enterprises
    from clusterlink.directory.models import Cluster, DuplicateCandidate, Enterprise

    cluster = Cluster.objects.create(
        slug="putian",
        name_zh="莆田鞋业集群",
        region_code="350300",
        region_zh="福建省莆田市",
        trade="footwear",
    )
    started = time.perf_counter()
    cpu_started = _cpu_seconds()
    job = import_enterprises(source=path, file_name=path.name, cluster=cluster)
    seconds = time.perf_counter() - started
    cpu_seconds = _cpu_seconds() - cpu_started
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "vendor": connection.vendor,
        "status": job.status,
        "rows": job.rows_total,
        "written": job.rows_written,
        "errors": len(job.report["errors"]),
        "first_errors": job.report["errors"][:3],
        "enterprises": Enterprise.objects.count(),
        "candidates": DuplicateCandidate.objects.count(),
        "seconds": round(seconds, 1),
        # On a shared machine wall time includes waiting for a core; CPU time (this process and
        # its search-key workers, user + system) is what the import itself costs.
        "cpu_seconds": round(cpu_seconds, 1),
        "timings": job.report.get("timings", {}),
        "peak_rss_mib": round(own / 1024, 0),
        "peak_rss_children_mib": round(children / 1024, 0),
    }


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def child(path: Path, database_url: str) -> dict[str, Any]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CLUSTERLINK_DATABASE_URL": database_url,
        "PYTHONPATH": str(ROOT),
    }
    out = subprocess.run(
        [sys.executable, "-m", "bench.imports", "--child", str(path)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"import on {database_url} failed:\n{out.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def psql(command: str, url: str) -> None:
    from urllib.parse import urlparse

    parts = urlparse(url)
    subprocess.run(
        ["psql", "-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432), "-U", parts.username or "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", command],
        check=True, capture_output=True,
    )  # fmt: skip


def machine() -> str:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kib = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        mem_kib = 0
    return f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} logical CPUs, {mem_kib / 1024 / 1024:.1f} GiB RAM, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--postgres",
        default=DEFAULT_POSTGRES,
        help="URL of the scratch database (created and dropped); '' to skip.",
    )
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument(
        "--workbook", type=Path, help="Reuse (or create) the generated workbook at this path."
    )
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(args.child), ensure_ascii=False))
        return

    with tempfile.TemporaryDirectory(prefix="bench-imports-") as scratch:
        workbook = Path(scratch) / f"enterprises-{args.rows}.xlsx"
        started = time.perf_counter()
        generate(workbook, args.rows)
        print(
            f"generated {workbook.name}: {workbook.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        results = [child(workbook, f"sqlite:///{scratch}/bench.sqlite3")]
        print(json.dumps(results[-1], ensure_ascii=False), flush=True)
        if args.postgres:
            name = args.postgres.rsplit("/", 1)[1]
            psql(f"DROP DATABASE IF EXISTS {name}", args.postgres)
            psql(f"CREATE DATABASE {name}", args.postgres)
            try:
                results.append(child(workbook, args.postgres))
                print(json.dumps(results[-1], ensure_ascii=False), flush=True)
            finally:
                psql(f"DROP DATABASE IF EXISTS {name}", args.postgres)
        size_mb = workbook.stat().st_size / 1e6
    if not args.no_write:
        write_results(results, rows=args.rows, size_mb=size_mb)


def write_results(results: list[dict[str, Any]], *, rows: int, size_mb: float) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    today = dt.date.today().isoformat()
    path = RESULTS / f"imports-{today}.md"
    lines = [
        f"# Enterprise import benchmark — {today}",
        "",
        f"Machine: {machine()}. Load average (1, 5, 15 min) when the results were written: {', '.join(f'{x:.1f}' for x in os.getloadavg())} (the import itself keeps up to 2 cores busy); on a machine shared with other jobs times are pessimistic.",
        "",
        f"Input: {rows:,} enterprise rows in one .xlsx ({size_mb:.1f} MB), generated deterministically by `bench/imports.py`; imported into an empty database through `import_enterprises` (validation, duplicate screening in the file and against the directory, search keys, batched inserts with history).",
        "",
        "Targets: ≤ 60 s and ≤ 2 GiB per database.",
        "",
        "| database | rows | written | duplicate pairs queued | wall seconds | CPU seconds | peak memory (MiB, main / pool) | result |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        ok = (
            float(r["seconds"]) <= 60
            and float(r["peak_rss_mib"]) + float(r["peak_rss_children_mib"]) <= 2048
        )
        lines.append(
            f"| {r['vendor']} | {r['rows']:,} | {r['written']:,} | {r['candidates']:,} | {r['seconds']} | {r.get('cpu_seconds', '—')} | {r['peak_rss_mib']:.0f} / {r['peak_rss_children_mib']:.0f} | {'within target' if ok else 'over target'} |"
        )
    lines += ["", "Seconds by phase:", ""]
    for r in results:
        phases = ", ".join(f"{k} {v}" for k, v in dict(r["timings"]).items())
        lines.append(f"- {r['vendor']}: {phases}")
    lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
