"""`make bench`: the portal serving a whole city (issue 12), measured against static files.

    .venv/bin/python tests/benchmarks/bench_serving.py [--departments 300] [--years 10]
        [--seconds 10] [--connections 16] [--workers 3] [--database-url URL] [--redis-url URL]

1. Seeds (once) two benchmark databases with `seed_benchmark`: the city (`--departments` ×
   `--years`) and a single department-year, for the growth figures. On PostgreSQL (the
   server of DATABASE_URL, databases `bp_bench` and `bp_bench_1` unless `--database-url`
   names the first) or, for a quick check, SQLite files (`--database-url sqlite:///…`).
2. Counts the queries of every public page and times the home page on both databases
   (in a subprocess per database, through Django's test client, production settings).
3. Serves the portal in production mode (collectstatic, `check --deploy`, then gunicorn as
   `bin/serve` runs it: sync workers, or gthread with `--threads N`; `REDIS_URL` set) and
   writes the bytes of one disclosure page into the static root, so the same server (whitenoise) serves them as a file: the
   limit. Every request carries `X-Forwarded-Proto: https` (as the proxy in front would) and
   `Accept-Encoding: gzip`.
4. Loads the static file, the cached page and the uncached page (`DJANGO_PAGE_CACHE_SECONDS=0`)
   with wrk (`/usr/bin/wrk`; a Python load generator when wrk is missing), then one instance
   (1 worker) against two instances sharing the database and Redis, and prints the ratios of
   the issue's table. Results are not asserted: they go to README.md (“性能基准”) by hand.
"""

import argparse
import gzip
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
BIN = Path(PYTHON).parent
VAR = ROOT / "var" / "bench"  # static root, last results; `--work-dir` changes it
HEADERS = {"X-Forwarded-Proto": "https", "Accept-Encoding": "gzip"}


def log(text):
    print(text, flush=True)


def database_urls(args):
    """(city, single) database URLs: `--database-url` for the city, the same server with
    the name + `_1` for the single department-year."""
    if args.database_url:
        city = args.database_url
    elif os.environ.get("DATABASE_URL", "").startswith("postgres"):
        parts = urlsplit(os.environ["DATABASE_URL"])
        city = urlunsplit(parts._replace(path="/bp_bench", query=""))
    else:
        city = "postgres://postgres@127.0.0.1:5432/bp_bench"
    parts = urlsplit(city)
    if parts.scheme == "sqlite":
        return city, city + "-1"
    return city, urlunsplit(parts._replace(path=parts.path + "_1"))


def environment(database_url, redis_url, **extra):
    # Production settings, whatever runs the bench (pytest sets the test settings and lets
    # the ORM run beside event loops: neither belongs in production).
    inherited = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "benchmark-only-secret-key-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DJANGO_STATIC_ROOT": str(VAR / "static"),
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    env.update({k: str(v) for k, v in extra.items()})
    return env


def manage(env, *args, capture=False):
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout


def create_database(url, template=None):
    """Create a PostgreSQL database if missing; a missing SQLite file is copied from the
    migrated `template` file when given (migrating SQLite files is slow)."""
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        path = Path(parts.path[1:])
        path.parent.mkdir(parents=True, exist_ok=True)
        if template and not path.exists():
            shutil.copyfile(Path(urlsplit(template).path[1:]), path)
        return
    import psycopg

    admin = urlunsplit(parts._replace(path="/postgres", query=""))
    name = parts.path.lstrip("/")
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not exists.fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def seed(url, redis_url, departments, years):
    create_database(url)
    env = environment(url, redis_url)
    manage(env, "migrate", "--noinput", "-v0")
    started = time.monotonic()
    manage(
        env,
        "seed_benchmark",
        "--if-missing",
        f"--departments={departments}",
        f"--years={years}",
    )
    return time.monotonic() - started


# ---------------------------------------------------------------- queries (subprocess)

COUNT_PAGES = """
import json, time
import django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from budgets.models import Disclosure
from portal.opendata import PACKAGE_RESOURCES

d = Disclosure.objects.current().filter(unit__isnull=True).order_by("-year", "pk").first()
client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="127.0.0.1")
pages = {
    "首页 /": reverse("portal:home"),
    "部门页": reverse("portal:department", args=[d.department_id]),
    "公开页面（未缓存）": reverse("portal:disclosure", args=[d.pk]),
    "公开页面（缓存）": reverse("portal:disclosure", args=[d.pk]),
    "名词解释": reverse("portal:glossary"),
    "JSON 下载": reverse("portal:disclosure_json", args=[d.pk]),
    "Excel 下载": reverse("portal:disclosure_xlsx", args=[d.pk]),
    "数据包 datapackage.json": reverse("portal:datapackage"),
    "数据包 schema": reverse("portal:disclosure_schema"),
}
if OPEN_DATA:
    pages["开放数据 CSV"] = reverse("portal:open_data_csv", args=[sorted(PACKAGE_RESOURCES)[0]])
from django.core.cache import cache
cache.clear()
counts, home = {}, []
for label, url in pages.items():
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    counts[label] = len(queries) if status == 200 else f"HTTP {status}"
for _ in range(5):
    started = time.perf_counter()
    client.get(reverse("portal:home"))
    home.append(time.perf_counter() - started)
size = len(client.get(reverse("portal:home")).content)
print(json.dumps({"counts": counts, "home_ms": min(home) * 1000, "home_bytes": size,
                  "disclosure": d.pk}))
"""


def count_pages(url, redis_url, open_data):
    env = environment(url, redis_url)
    code = COUNT_PAGES.replace("OPEN_DATA", "True" if open_data else "False")
    out = subprocess.run(
        [PYTHON, "-c", code], cwd=ROOT, env=env, check=True, text=True, stdout=subprocess.PIPE
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


# ---------------------------------------------------------------- servers


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn as `bin/serve` runs it (after its migrate/collectstatic/check steps): sync
    workers unless `threads` > 1 (then gthread, as gunicorn itself would switch)."""

    def __init__(self, env, workers, threads=1):
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "portal.wsgi:application",
                f"--worker-class={'gthread' if threads > 1 else 'sync'}",
                f"--workers={workers}",
                f"--threads={threads}",
                f"--bind=127.0.0.1:{self.port}",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        for _ in range(200):
            try:
                self.get("/static/portal/site.css", raw=True)
                return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("gunicorn 未能启动。") from None
                time.sleep(0.1)
        raise RuntimeError("gunicorn 启动超时。")

    def get(self, path, raw=False):
        request = urllib.request.Request(self.url + path, headers=HEADERS)
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 -- local
            body = response.read()
            if not raw and response.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            return body

    def stop(self):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


# ---------------------------------------------------------------- load


def parse_wrk(output):
    def seconds(text):
        number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
        return float(number) * {"us": 1e-6, "ms": 1e-3, "s": 1, "m": 60}[unit]

    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = re.search(r"\s99%\s+([\d.]+\w+)", output)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rate": rate,
        "p99": seconds(p99.group(1)) if p99 else None,
        "errors": int(errors.group(1)) if errors else 0,
    }


def python_load(url, seconds, connections):
    """A small closed-loop load generator (threads, keep-alive) for machines without wrk."""
    import http.client

    latencies, errors, stop = [], [], time.monotonic() + seconds
    parts = urlsplit(url)

    def worker():
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        while time.monotonic() < stop:
            started = time.perf_counter()
            connection.request("GET", parts.path, headers=HEADERS)
            response = connection.getresponse()
            response.read()
            latencies.append(time.perf_counter() - started)
            if response.status != 200:
                errors.append(response.status)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    return {
        "rate": len(latencies) / seconds,
        "p99": latencies[int(len(latencies) * 0.99) - 1] if latencies else None,
        "errors": len(errors),
    }


def load(url, seconds, connections):
    """{rate, p99, errors} of `url` under `connections` concurrent clients."""
    wrk = shutil.which("wrk")
    if not wrk:
        return python_load(url, seconds, connections)
    headers = [arg for name, value in HEADERS.items() for arg in ("-H", f"{name}: {value}")]
    threads = min(2, connections)
    out = subprocess.run(
        [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", *headers, url],
        check=True,
        text=True,
        stdout=subprocess.PIPE,
    ).stdout
    return parse_wrk(out)


def load_together(urls, seconds, connections):
    """Load every url at once (one load generator each); the summed rate."""
    results = [None] * len(urls)

    def run(i, url):
        results[i] = load(url, seconds, connections)

    threads = [threading.Thread(target=run, args=(i, u)) for i, u in enumerate(urls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "rate": sum(r["rate"] for r in results),
        "p99": max(r["p99"] or 0 for r in results),
        "errors": sum(r["errors"] for r in results),
    }


# ---------------------------------------------------------------- report


def ms(value):
    return "—" if value is None else f"{value * 1000:.0f} ms"


def main():
    global VAR  # noqa: PLW0603 -- `--work-dir` holds for the whole run
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--departments", type=int, default=300)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=10, help="duration of each load run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (one instance)")
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per worker (> 1: gthread, as bin/serve)"
    )
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/3")
    parser.add_argument(
        "--skip-open-data", action="store_true", help="leave out the open-data CSV query count"
    )
    parser.add_argument("--work-dir", type=Path, default=None, help="static root, last results")
    args = parser.parse_args()
    VAR = args.work_dir or VAR
    city_url, single_url = database_urls(args)
    VAR.mkdir(parents=True, exist_ok=True)

    log(
        f"== 基准数据：{args.departments} 个部门 × {args.years} 年，和 1 × 1（{urlsplit(city_url).scheme}）"
    )
    create_database(single_url)
    manage(environment(single_url, args.redis_url), "migrate", "--noinput", "-v0")
    create_database(city_url, template=single_url)  # SQLite: a copy of the migrated file
    seed(single_url, args.redis_url, 1, 1)
    seeded = seed(city_url, args.redis_url, args.departments, args.years)
    log(f"   生成/检查用时 {seeded:.0f} 秒")

    env = environment(city_url, args.redis_url)
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "check", "--deploy", "--fail-level", "WARNING")

    log("== 各公开页面的查询次数（Django 测试客户端，生产配置）")
    small = count_pages(single_url, args.redis_url, not args.skip_open_data)
    large = count_pages(city_url, args.redis_url, not args.skip_open_data)
    import redis

    redis.Redis.from_url(args.redis_url).flushdb()
    page = f"/disclosures/{large['disclosure']}/"

    shape = f"{args.workers} 进程" + (f" × {args.threads} 线程" if args.threads > 1 else "（sync）")
    log(f"== 生产模式：gunicorn {shape}，Redis 缓存；静态文件为同一页面的字节")
    server = Server(env, args.workers, args.threads)
    try:
        html = server.get(page)
        static = VAR / "static" / "bench"
        static.mkdir(parents=True, exist_ok=True)
        (static / "disclosure.html").write_bytes(html)
        (static / "disclosure.html.gz").write_bytes(gzip.compress(html))
    finally:
        server.stop()
    run = {}
    server = Server(env, args.workers, args.threads)  # whitenoise scans the static root at start
    try:
        server.get(page)
        run["static"] = load(
            server.url + "/static/bench/disclosure.html", args.seconds, args.connections
        )
        run["cached"] = load(server.url + page, args.seconds, args.connections)
    finally:
        server.stop()
    server = Server({**env, "DJANGO_PAGE_CACHE_SECONDS": "0"}, args.workers, args.threads)
    try:
        run["uncached"] = load(server.url + page, args.seconds, args.connections)
    finally:
        server.stop()

    log("== 一个实例与两个实例（各 1 个进程，共用数据库和 Redis；未缓存的公开页面）")
    uncached = {**env, "DJANGO_PAGE_CACHE_SECONDS": "0"}
    servers = [Server(uncached, 1, args.threads), Server(uncached, 1, args.threads)]
    try:
        run["one"] = load(servers[0].url + page, args.seconds, args.connections)
        half = max(1, args.connections // 2)
        run["two"] = load_together([s.url + page for s in servers], args.seconds, half)
    finally:
        for s in servers:
            s.stop()

    static_rate = run["static"]["rate"] or 1
    load_average = os.getloadavg()[0]
    lines = [
        "",
        f"结果（{args.departments} 个部门 × {args.years} 年，{urlsplit(city_url).scheme}，"
        f"{os.cpu_count()} 核，负载 {load_average:.1f}，{'wrk' if shutil.which('wrk') else 'Python'}"
        f" -c{args.connections} {args.seconds} 秒）：",
        "",
        "| 项目 | 结果 | 目标 |",
        "|---|---|---|",
        f"| 静态文件（同一页面的字节，whitenoise） | {run['static']['rate']:.0f} 次/秒，"
        f"p99 {ms(run['static']['p99'])} | — |",
        f"| 公开页面，未缓存 | {run['uncached']['rate']:.0f} 次/秒 = "
        f"{run['uncached']['rate'] / static_rate:.2f}× 静态，p99 {ms(run['uncached']['p99'])}"
        " | ≥ 0.1×，p99 < 100 ms |",
        f"| 公开页面，缓存 | {run['cached']['rate']:.0f} 次/秒 = "
        f"{run['cached']['rate'] / static_rate:.2f}× 静态，p99 {ms(run['cached']['p99'])}"
        " | ≥ 0.5× |",
        f"| 首页 | 1 × 1：{small['home_ms']:.1f} ms（{small['home_bytes'] // 1024} KB），"
        f"{args.departments} × {args.years}：{large['home_ms']:.1f} ms"
        f"（{large['home_bytes'] // 1024} KB），{large['home_ms'] / small['home_ms']:.1f}×"
        " | ≤ 2× |",
        f"| 两个实例 / 一个实例 | {run['two']['rate']:.0f} / {run['one']['rate']:.0f} 次/秒 = "
        f"{run['two']['rate'] / (run['one']['rate'] or 1):.2f}× | ≥ 1.7× |",
        "",
        f"| 页面 | 查询次数（1 × 1） | 查询次数（{args.departments} × {args.years}） |",
        "|---|---|---|",
        *(
            f"| {label} | {small['counts'][label]} | {large['counts'][label]} |"
            for label in small["counts"]
        ),
    ]
    errors = sum(r["errors"] for r in run.values())
    if errors:
        lines.append(f"\n注意：有 {errors} 个响应不是 2xx/3xx。")
    log("\n".join(lines))
    (VAR / "last.json").write_text(
        json.dumps({"run": run, "small": small, "large": large}, ensure_ascii=False, indent=1)
    )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
