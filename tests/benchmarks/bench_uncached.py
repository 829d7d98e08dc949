"""Where an uncached request of a published page spends its time (issue 12), in process.

    .venv/bin/python tests/benchmarks/bench_uncached.py [--requests 200] [--profile]
        [--cache-seconds 0] [--plain]

Runs on a throwaway test database (in-memory SQLite with the test settings, or a `test_…`
PostgreSQL database when DATABASE_URL names one), loads the reference disclosure file
(published) and sends `--requests` anonymous GETs of its page (`Accept-Encoding: gzip`
unless `--plain`, `X-Forwarded-Proto: https`) straight through Django's WSGI handler: the
whole middleware chain, URL resolution, the queries, the page and its compression, as
gunicorn would call it, with `DJANGO_PAGE_CACHE_SECONDS=0` (every request renders the page)
unless `--cache-seconds`. It prints the CPU time (process time: less disturbed by other
processes than wall time) per request, the queries per request and the page's size;
`--profile` adds the costliest functions (cProfile: own time, then cumulative).
Results are recorded in README.md (“性能基准”) by hand.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")


def parse():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--cache-seconds", type=int, default=0)
    parser.add_argument("--plain", action="store_true", help="no Accept-Encoding: gzip")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--queries", action="store_true", help="print the SQL of a request")
    parser.add_argument("--save", help="write the page's (plain) bytes to this file")
    return parser.parse_args()


ARGS = parse()
os.environ["DJANGO_PAGE_CACHE_SECONDS"] = str(ARGS.cache_seconds)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import connection  # noqa: E402


def environ(path, gzip):
    """A WSGI environ as gunicorn builds it for a GET from behind the proxy."""
    from io import BytesIO

    env = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_USER_AGENT": "wrk",
        "wsgi.url_scheme": "http",
        "wsgi.input": BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    if gzip:
        env["HTTP_ACCEPT_ENCODING"] = "gzip, deflate"
    return env


def request(handler, path, gzip):
    """One request through the handler; (status, body bytes)."""
    status = []
    response = handler(environ(path, gzip), lambda s, headers, exc_info=None: status.append(s))
    try:
        body = b"".join(response)
    finally:
        response.close()  # request_finished, as a WSGI server does
    return status[0], body


def run(args):
    from portal.disclosure_file import load_disclosure_file

    disclosure = load_disclosure_file().disclosure
    path = disclosure.get_absolute_url()
    # Production keeps the connection between requests (tests.settings closes it).
    connection.settings_dict["CONN_MAX_AGE"] = None
    handler = WSGIHandler()
    gzip = not args.plain
    status, body = request(handler, path, gzip)
    assert status.startswith("200"), status
    for _ in range(5):  # warm up: templates, URL resolver, code caches
        request(handler, path, gzip)

    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        request(handler, path, gzip)
    # Batches of 10: the best batch is the least disturbed by the other processes.
    batches = []
    for _ in range(max(1, args.requests // 10)):
        started = time.process_time()
        for _ in range(10):
            request(handler, path, gzip)
        batches.append((time.process_time() - started) / 10)
    batches.sort()
    plain = request(handler, path, False)[1]
    if args.save:
        Path(args.save).write_bytes(plain)
    print(f"数据库：{connection.vendor}；页面缓存秒数：{settings.PUBLIC_PAGE_CACHE_SECONDS}")
    if args.queries:
        print("\n".join(executed))
    print(f"页面：{len(plain):,} 字节（gzip {len(body):,} 字节）；每个请求 {len(executed)} 次查询")
    print(
        f"{len(batches) * 10} 个请求，每个的 CPU 时间：最好 {batches[0] * 1000:.2f} ms，"
        f"中位 {batches[len(batches) // 2] * 1000:.2f} ms；负载 {os.getloadavg()[0]:.1f}"
    )
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.requests):
            request(handler, path, gzip)
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(
            r"portal/|middleware|compress|handlers|wsgi|http/|dispatch|cache", 50
        )


def main():
    # No setup_test_environment(): its instrumented template rendering is not production's.
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(ARGS)
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


if __name__ == "__main__":
    main()
