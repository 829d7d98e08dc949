"""Benchmark of the open data built once (issue 12 item 5): full rebuild and incremental update.

    .venv/bin/python tests/benchmarks/bench_open_data.py [--departments 300] [--years 10]
        [--lines 40] [--versions 30]

Runs on a throwaway test database (in-memory SQLite with the test settings, or a `test_…`
PostgreSQL database when DATABASE_URL names one) and the test settings' temporary open-data
storage. It builds its own city with bulk writes (departments × years published disclosures,
`--lines` 项 expenditure lines each; the issue's `seed_benchmark` command may replace this),
then reports:

- the full rebuild of the data package from nothing (every version's rows rendered, every
  resource assembled), its time and the process's peak memory (goal: ≤ 60 s, ≤ 300 MB);
- the time per version of writing a version's own files (JSON, XLSX, CSVs), measured on
  `--versions` of them (they are written once, at publication);
- one publication's incremental update: its version's files and the package (goal: ≤ 2 s).
"""

import argparse
import os
import resource
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
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402

FIRST_YEAR = 2016


def seed(departments, years, lines):
    """A city of published disclosures, written in bulk (no workflow: a benchmark only)."""
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast, Concat

    from budgets.models import Disclosure, ExpenditureLine, IncomeLine
    from organizations.models import Department
    from tests import factories

    region = factories.region("基准市")
    bodies = Department.objects.bulk_create(
        Department(region=region, name=f"基准局{n:03d}", code=f"{n:03d}", order=n)
        for n in range(departments)
    )
    source = factories.source()
    for year in range(FIRST_YEAR, FIRST_YEAR + years):
        codes = [f"{201 + n // 10}{n % 10 // 5 + 1:02d}{n % 5 + 1:02d}" for n in range(lines)]
        items = [factories.item(code, year) for code in codes]
        for code in codes:
            factories.item(code[:3], year)
            factories.item(code[:5], year)
        created = Disclosure.objects.bulk_create(
            Disclosure(department=body, year=year) for body in bodies
        )
        ExpenditureLine.objects.bulk_create(
            (
                ExpenditureLine(
                    disclosure=d,
                    source=source,
                    functional_item=item,
                    basic=Decimal("12.34"),
                    project=Decimal("5.67"),
                    prior_amount=Decimal("17"),
                )
                for d in created
                for item in items
            ),
            batch_size=2000,
        )
        IncomeLine.objects.bulk_create(
            IncomeLine(disclosure=d, source=source, amount=Decimal("18.01") * lines)
            for d in created
        )
    Disclosure.objects.update(
        status=Disclosure.Status.PUBLISHED,
        published_on="2025-02-12",
        content_checksum=Concat(Value("bench"), Cast("pk", CharField())),
    )
    return Disclosure.objects.count()


def timed(func, *args, **kwargs):
    """(result, seconds): CPU seconds of this process (the database is in it with SQLite;
    wall time on a shared machine measures the neighbours)."""
    started = time.process_time()
    result = func(*args, **kwargs)
    return result, time.process_time() - started


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(departments, years, lines, versions, profiled=False):
    from django.apps import apps

    from budgets import reference_data
    from budgets.models import Disclosure, IncomeLine
    from organizations.models import Department, Region
    from portal.opendata import get_published, store
    from tests import factories

    reference_data.install(apps)
    count, seconds = timed(seed, departments, years, lines)
    print(
        f"数据库：{connection.vendor}；{count} 份已公开文件（{departments} 个部门 × {years} 年，"
        f"每份 {lines} 行），生成用时 {seconds:.1f} 秒"
    )
    before = peak_mb()
    manifest, seconds = timed(store.update_package, force=True)
    size = sum(r["bytes"] for r in manifest["resources"].values()) / 1e6
    print(
        f"数据包全量重建：{seconds:.1f} 秒（目标 ≤ 60 秒），{size:.1f} MB，"
        f"峰值内存 {peak_mb():.0f} MB（重建前 {before:.0f} MB；目标 ≤ 300 MB）"
    )
    sample = list(Disclosure.objects.order_by("pk").values_list("pk", flat=True)[:versions])
    _, seconds = timed(lambda: [store.write_version(get_published(pk)) for pk in sample])
    per = seconds / max(len(sample), 1)
    print(
        f"单个版本的文件（JSON、XLSX、各表 CSV）：每个 {per * 1000:.0f} ms；"
        f"全部 {count} 个版本约 {per * count:.0f} 秒（只在公开时写一次）"
    )
    # One more publication: a new department's disclosure of the latest year.
    body = Department.objects.create(region=Region.objects.get(name="基准市"), name="新设局")
    last = Disclosure.objects.create(department=body, year=FIRST_YEAR + years - 1)
    IncomeLine.objects.create(disclosure=last, source=factories.source(), amount=Decimal("1"))
    Disclosure.objects.filter(pk=last.pk).update(
        status=Disclosure.Status.PUBLISHED, content_checksum="bench-new"
    )
    _, seconds = timed(store.on_publication, last)
    print(f"一次公开后的增量更新（该版本的文件和数据包）：{seconds:.2f} 秒（目标 ≤ 2 秒）")
    if profiled:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        store.update_package(force=True)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--departments", type=int, default=300)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--lines", type=int, default=40)
    parser.add_argument("--versions", type=int, default=30)
    parser.add_argument("--profile", action="store_true", help="profile a full rebuild")
    args = parser.parse_args()
    setup_test_environment()
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.departments, args.years, args.lines, args.versions, args.profile)
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
