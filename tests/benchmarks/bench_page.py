"""Benchmark of the disclosure page: 10 lines against 1,000 (every table in one pass).

    .venv/bin/python tests/benchmarks/bench_page.py [--small 10] [--large 1000] [--runs 5]
        [--profile]

Runs on a throwaway test database (in-memory SQLite with the test settings, or a `test_…`
PostgreSQL database when DATABASE_URL names one). Two published disclosures of a synthetic
classification year, one 项 expenditure line (and one economic line) per step, are rendered
through the test client; it reports the queries of each page (they must be equal) and the
best render time of `--runs` (the large page may take at most twice the small one's), and
the CPU time of rendering the body from the lines (what a preview and publication do).
The target comes from issue 10 (“Speed”); results are recorded in README.md by hand.
`--profile` adds the costliest functions (cProfile: cumulative, then own time) of
rendering the large page's body from its lines.
"""

import argparse
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402

YEAR = 2031


def disclosure_with(lines, name):
    """A published disclosure of YEAR with `lines` 项 lines (in 20 类 × 50 per 款)."""
    from budgets.models import Disclosure, ExpenditureLine, IncomeLine
    from budgets.workflow import record_publication
    from tests import factories

    d = Disclosure.objects.create(department=factories.department(name), year=YEAR)
    rows = []
    for n in range(lines):
        lei, rest = divmod(n, 1000)
        kuan, xiang = divmod(rest, 50)
        code = f"{201 + lei}{kuan + 1:02d}{xiang + 1:02d}"
        for c in (code[:3], code[:5]):
            factories.item(c, YEAR)
        rows.append(
            ExpenditureLine(
                disclosure=d,
                source=factories.source(),
                functional_item=factories.item(code, YEAR),
                basic=Decimal("1.25"),
                project=Decimal("0.75"),
                prior_amount=Decimal("1.9"),
            )
        )
    ExpenditureLine.objects.bulk_create(rows, batch_size=1000)
    IncomeLine.objects.create(disclosure=d, source=factories.source(), amount=Decimal(2 * lines))
    return record_publication(disclosure=d)


def measure(client, d, runs):
    """(queries, best seconds) of rendering the disclosure's page."""
    url = d.get_absolute_url()
    client.get(url)  # warm up templates and caches of code (not of the page)
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    # A wrapper, not CaptureQueriesContext: the end of each request closes the connection.
    with connection.execute_wrapper(count):
        assert client.get(url).status_code == 200
    best = min(_timed(client, url) for _ in range(runs))
    return len(executed), best


def measure_body(d, runs):
    """Best CPU seconds (process time: less disturbed by other processes than wall time)
    of rendering the page body from the lines, as a staff preview and publication do; the
    public page of a published version serves the body stored at publication instead."""
    from budgets.models import Disclosure
    from portal import pages

    def once():
        started = time.process_time()
        page = Disclosure.objects.for_page().select_related(pages.REGION_DEPTH).get(pk=d.pk)
        pages.render_body(page)
        return time.process_time() - started

    once()
    return min(once() for _ in range(runs))


def _timed(client, url):
    started = time.perf_counter()
    client.get(url)
    return time.perf_counter() - started


def profile(d):
    """Print where rendering the body from the lines spends its time (cProfile): the public
    page serves a stored body, so the build from the lines is what grows with them."""
    import cProfile
    import pstats

    from budgets.models import Disclosure
    from portal import pages

    def once():
        page = Disclosure.objects.for_page().select_related(pages.REGION_DEPTH).get(pk=d.pk)
        pages.render_body(page)

    once()
    profiler = cProfile.Profile()
    profiler.enable()
    once()
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(25)


def run(small, large, runs, profiled=False):
    from django.apps import apps

    from budgets import reference_data

    reference_data.install(apps)
    client = Client()
    disclosures = {n: disclosure_with(n, f"基准局{n}") for n in (small, large)}
    results = {n: measure(client, d, runs) for n, d in disclosures.items()}
    (q_small, t_small), (q_large, t_large) = results[small], results[large]
    print(f"数据库：{connection.vendor}")
    print(f"{small}行：{q_small}次查询，{t_small * 1000:.0f} ms")
    print(f"{large}行：{q_large}次查询，{t_large * 1000:.0f} ms（{t_large / t_small:.2f}倍）")
    print("查询次数相同：" + ("是" if q_small == q_large else "否"))
    b_small, b_large = (measure_body(disclosures[n], runs) for n in (small, large))
    print(
        f"从各行生成页面正文（预览、公开时；CPU 时间）：{small}行 {b_small * 1000:.0f} ms，"
        f"{large}行 {b_large * 1000:.0f} ms（{b_large / b_small:.2f}倍）"
    )
    if profiled:
        profile(disclosures[large])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10)
    parser.add_argument("--large", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    setup_test_environment()
    from django.conf import settings

    # Every request renders the page (the page cache would answer with no query at all).
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.small, args.large, args.runs, args.profile)
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
