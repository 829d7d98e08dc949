"""Benchmark of search (and the index pages) at city scale: 300 departments × 10 years.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bp_bench \\
        .venv/bin/python tests/benchmarks/bench_search.py [--departments 300] [--years 10]
        [--lines 20] [--runs 5] [--existing]

Runs on a throwaway test database (a `test_…` PostgreSQL database when DATABASE_URL names
one, else in-memory SQLite). The data set comes from `manage.py seed_benchmark` when that
command exists (issue 12), else it is built here with bulk writes: every department
publishes a budget a year with `--lines` 项 expenditure lines and three key projects. It
prints each search's best time of `--runs` against the goal of issue 14 (≤ 100 ms), and the
index pages' times and query counts. `--existing` measures the data already in the database
DATABASE_URL names instead (set DJANGO_SETTINGS_MODULE=portal.settings and DJANGO_DEBUG=1).
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
from django.urls import reverse  # noqa: E402

GOAL_MS = 100
FIRST_YEAR = 2016
DISTRICTS = ["渝中区", "江北区", "南岸区", "九龙坡区", "沙坪坝区", "大渡口区", "北碚区", "渝北区"]
BUREAUS = [
    "人民政府办公室", "发展和改革委员会", "教育委员会", "科学技术局", "经济和信息化委员会",
    "民政局", "司法局", "财政局", "人力资源和社会保障局", "规划和自然资源局", "生态环境局",
    "住房和城乡建设委员会", "城市管理局", "交通局", "水利局", "农业农村委员会", "商务委员会",
    "文化和旅游发展委员会", "卫生健康委员会", "退役军人事务局", "应急管理局", "审计局",
    "市场监督管理局", "统计局", "医疗保障局", "机关事务管理局", "信访办公室", "档案馆",
    "融媒体中心", "城市更新中心", "政务服务中心", "人民防空办公室", "体育局", "国有资产中心",
    "投资促进中心", "大数据发展局", "地方志办公室", "红十字会",
]  # fmt: skip
ITEMS = [
    ("2010301", "行政运行"), ("2010302", "一般行政管理事务"), ("2010350", "事业运行"),
    ("2010399", "其他政府办公厅（室）及相关机构事务支出"), ("2080501", "行政单位离退休"),
    ("2080502", "事业单位离退休"), ("2080505", "机关事业单位基本养老保险缴费支出"),
    ("2080506", "机关事业单位职业年金缴费支出"), ("2080801", "死亡抚恤"),
    ("2101101", "行政单位医疗"), ("2101102", "事业单位医疗"), ("2210201", "住房公积金"),
    ("2210203", "购房补贴"), ("2050101", "行政运行"), ("2050201", "学前教育"),
    ("2050202", "小学教育"), ("2050203", "初中教育"), ("2120101", "行政运行"),
    ("2120102", "一般行政管理事务"), ("2130101", "行政运行"), ("2130104", "事业运行"),
    ("2110101", "行政运行"), ("2110301", "大气"), ("2140101", "行政运行"),
    ("2140104", "公路建设"), ("2240101", "行政运行"), ("2240106", "安全监管"),
    ("2070101", "行政运行"), ("2070204", "文物保护"), ("2010801", "行政运行"),
]  # fmt: skip
SEARCHES = [
    ("部门名称", {"q": "卫生健康"}),
    ("部门名称（两个字）", {"q": "审计"}),
    ("年度", {"q": "2024年"}),
    ("科目编码", {"q": "2010301"}),
    ("科目名称", {"q": "行政运行"}),
    ("科目名称+年度", {"q": "机关事业单位基本养老", "year": "2020"}),
    ("重点项目", {"q": "信息化平台"}),
    ("名词", {"q": "三公"}),
    ("无结果", {"q": "不存在的名称"}),
]


def build(departments, years, lines):
    """The city, in bulk writes: regions, departments, published budgets and their lines."""
    from budgets.models import Disclosure, ExpenditureLine, IncomeLine, KeyProject
    from organizations.models import Department
    from tests import factories

    city = factories.region("基准市")
    districts = [factories.region(name, parent=city, level="county") for name in DISTRICTS]
    Department.objects.bulk_create(
        Department(
            region=districts[i % len(districts)],
            name=f"{districts[i % len(districts)].name}{BUREAUS[i % len(BUREAUS)]}{i // len(BUREAUS) or ''}",
            order=i,
        )
        for i in range(departments)
    )
    owners = list(Department.objects.filter(region__parent=city))
    source = factories.source()
    Disclosure.objects.bulk_create(
        (Disclosure(department=d, year=FIRST_YEAR + y) for d in owners for y in range(years)),
        batch_size=2000,
    )
    disclosures = list(Disclosure.objects.filter(department__region__parent=city))
    items = {
        (year, code): factories.item(code, year, name)
        for year in range(FIRST_YEAR, FIRST_YEAR + years)
        for code, name in ITEMS
    }

    def expenditure(d):
        for k in range(lines):
            code, _ = ITEMS[(d.pk + k) % len(ITEMS)]
            yield ExpenditureLine(
                disclosure=d,
                source=source,
                functional_item=items[(d.year, code)],
                basic=Decimal(100 + k),
                project=Decimal(k),
                change_reason="主要原因是人员变动。" if k % 5 == 0 else "",
            )

    ExpenditureLine.objects.bulk_create(
        (line for d in disclosures for line in expenditure(d)), batch_size=5000
    )
    IncomeLine.objects.bulk_create(
        (IncomeLine(disclosure=d, source=source, amount=Decimal(1000)) for d in disclosures),
        batch_size=5000,
    )
    projects = ["信息化平台运维", "办公楼维修改造", "专项业务经费", "课题研究", "宣传经费"]
    KeyProject.objects.bulk_create(
        (
            KeyProject(disclosure=d, order=n, name=f"{projects[(d.pk + n) % 5]}项目{d.pk}-{n}")
            for d in disclosures
            for n in range(3)
        ),
        batch_size=5000,
    )
    Disclosure.objects.filter(pk__in=[d.pk for d in disclosures]).update(
        status=Disclosure.Status.PUBLISHED
    )
    return owners[0]


def seed(departments, years, lines):
    """The issue 12 data set if its command exists here, else this module's own."""
    from django.core.management import call_command, get_commands

    from organizations.models import Department

    if "seed_benchmark" in get_commands():
        call_command("seed_benchmark", departments=departments, years=years)
        return Department.objects.filter(disclosures__isnull=False).first()
    return build(departments, years, lines)


def best_ms(client, url, params, runs):
    client.get(url, params)  # warm up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url, params)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return min(times), len(response.content)


def queries(client, url, params=None):
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url, params or {})
    return len(executed)


def run(departments, years, lines, runs, existing=False):
    from django.apps import apps

    from budgets import reference_data
    from budgets.models import Disclosure, ExpenditureLine
    from organizations.models import Department

    started = time.perf_counter()
    if existing:
        department = Department.objects.filter(disclosures__status="published").first()
    else:
        reference_data.install(apps)
        department = seed(departments, years, lines)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"数据库：{connection.vendor}；数据：{Department.objects.count()}个部门，")
    print(
        f"  {Disclosure.objects.count()}份公开文件，{ExpenditureLine.objects.count()}行支出，"
        f"准备用时 {time.perf_counter() - started:.0f} s"
    )
    client = Client()
    search = reverse("portal:search")
    worst = 0
    for label, params in SEARCHES:
        ms, size = best_ms(client, search, params, runs)
        worst = max(worst, ms)
        print(f"搜索 {label:<12} {ms:7.1f} ms  {queries(client, search, params)}次查询")
    print(
        f"最慢的搜索 {worst:.1f} ms，目标 ≤ {GOAL_MS} ms：{'达到' if worst <= GOAL_MS else '未达到'}"
    )
    pages = {
        "首页": reverse("portal:home"),
        "地区页": department.region.get_absolute_url(),
        "部门页": department.get_absolute_url(),
        "历年对比": reverse("portal:compare", args=[department.pk]),
    }
    for label, url in pages.items():
        ms, size = best_ms(client, url, {}, runs)
        print(f"{label:<6} {ms:7.1f} ms  {size / 1024:6.1f} KB  {queries(client, url)}次查询")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--departments", type=int, default=300)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--lines", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--existing",
        action="store_true",
        help="测量 DATABASE_URL 所指数据库中已有的数据（如 seed_benchmark 生成的），不新建测试库",
    )
    args = parser.parse_args()
    setup_test_environment()
    if args.existing:
        run(args.departments, args.years, args.lines, args.runs, existing=True)
        return
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.departments, args.years, args.lines, args.runs)
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
