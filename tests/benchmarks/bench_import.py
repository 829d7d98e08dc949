"""Benchmark of the disclosure spreadsheet import: a 10,000-line workbook.

    .venv/bin/python tests/benchmarks/bench_import.py [--lines 10000]

Runs on a throwaway test database made by Django's test utilities (in-memory SQLite with
the test settings, or a `test_…` PostgreSQL database when DATABASE_URL names one). It makes
a synthetic classification year with one 项 per line, writes a workbook in the template's
layout, and reports the time and the peak Python memory (tracemalloc) of the preview (read +
check + compare) and of the commit (apply). Times come from one run without tracemalloc,
memory from a second run on another draft with tracemalloc on (it slows Python down).
Results are recorded by hand in budgets/spreadsheets.md, “导入性能”.
"""

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402
from openpyxl import Workbook  # noqa: E402

YEAR = 2031


def synthetic_items(lines):
    """`lines` 项 items of YEAR (with their 类 and 款), bulk-created: reference data."""
    from budgets.models import ClassificationScheme, ClassificationVersion, FunctionalItem

    version = ClassificationVersion.objects.annual(ClassificationScheme.FUNCTIONAL, YEAR)
    items, per_kuan, per_lei = [], 50, 20
    for n in range(lines):
        lei, rest = divmod(n, per_kuan * per_lei)
        kuan, xiang = divmod(rest, per_kuan)
        lei_code = f"{201 + lei}"
        kuan_code = f"{lei_code}{kuan + 1:02d}"
        if rest == 0:
            items.append(
                FunctionalItem(version=version, year=YEAR, code=lei_code, name=f"合成类{lei_code}")
            )
        if xiang == 0:
            items.append(
                FunctionalItem(
                    version=version, year=YEAR, code=kuan_code, name=f"合成款{kuan_code}"
                )
            )
        code = f"{kuan_code}{xiang + 1:02d}"
        items.append(FunctionalItem(version=version, year=YEAR, code=code, name=f"合成项{code}"))
    FunctionalItem.objects.bulk_create(items, batch_size=2000)
    return [i for i in items if len(i.code) == 7]


def write_workbook(path, items):
    """A workbook in the template's layout (write-only, streamed to disk)."""
    from budgets.spreadsheets import SHEETS, columns

    book = Workbook(write_only=True)
    total = Decimal(0)
    lines = []
    for i, item in enumerate(items):
        basic, project = Decimal(i % 97) + Decimal("0.25"), Decimal(i % 13)
        total += basic + project
        lines.append([item.code, item.name, None, basic, project, "一般公共预算拨款"])
    bodies = {
        "income": [["一般公共预算拨款", total, None, None]],
        "expenditure": lines,
    }
    for key, title in SHEETS.items():
        sheet = book.create_sheet(title)
        headings = [c.title for c in columns(key, YEAR)]
        if key == "procurement":
            headings = ["资金来源", "货物", "合计"]
        if key == "vehicles":
            headings = ["车辆类型", "实有车辆", f"{YEAR}年拟购置"]
        sheet.append([f"基准测试{title}"])
        sheet.append(
            [None] * (len(headings) - 1) + ["单位：万元" if key != "vehicles" else "单位：辆"]
        )
        sheet.append(headings)
        for row in bodies.get(key, []):
            sheet.append(row)
    book.save(path)
    return total


def run(lines):
    from django.contrib.auth import get_user_model

    from budgets import spreadsheets
    from budgets.models import Disclosure, ExpenditureLine, IncomeLine
    from tests import factories

    user = get_user_model().objects.create_superuser("bench", "", "bench-pw-1")
    items = synthetic_items(lines)
    drafts = [
        Disclosure.objects.create(department=factories.department(f"基准局{i}"), year=YEAR)
        for i in range(2)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.xlsx"
        started = time.perf_counter()
        total = write_workbook(path, items)
        written = time.perf_counter() - started
        size = path.stat().st_size

        results = {}
        for traced, draft in zip((False, True), drafts, strict=True):
            if traced:
                tracemalloc.start()
            with path.open("rb") as handle:
                started = time.perf_counter()
                preview = spreadsheets.preview_import(disclosure=draft, upload=handle, user=user)
                previewed = time.perf_counter() - started
            assert preview.ok, [str(i) for i in preview.issues[:5]]
            assert preview.change_count == lines + 1, preview.change_count
            preview_peak = tracemalloc.get_traced_memory()[1] if traced else None
            if traced:
                tracemalloc.reset_peak()
            started = time.perf_counter()
            applied = spreadsheets.apply_import(
                disclosure=draft,
                plan=preview.plan,
                expected_fingerprint=preview.fingerprint,
                user=user,
            )
            committed = time.perf_counter() - started
            apply_peak = tracemalloc.get_traced_memory()[1] if traced else None
            if traced:
                tracemalloc.stop()
            assert applied.created == lines + 1
            with path.open("rb") as handle:
                started = time.perf_counter()
                again = spreadsheets.preview_import(disclosure=draft, upload=handle, user=user)
                repeated = time.perf_counter() - started
            assert again.change_count == 0
            results[traced] = (previewed, committed, repeated, preview_peak, apply_peak)

    assert ExpenditureLine.objects.filter(disclosure=drafts[0]).count() == lines
    assert IncomeLine.objects.get(disclosure=drafts[0]).amount == total
    (previewed, committed, repeated, _, _) = results[False]
    (_, _, _, preview_peak, apply_peak) = results[True]
    mib = 1024 * 1024
    print(
        f"数据库：{connection.vendor}；支出行：{lines}；文件 {size / 1024:.0f} KB（写出 {written:.1f} s）"
    )
    print(f"预览（读取+检查+比较）：{previewed:.2f} s，峰值内存 {preview_peak / mib:.1f} MiB")
    print(
        f"确认导入（写入{lines + 1}行及其历史）：{committed:.2f} s，峰值内存 {apply_peak / mib:.1f} MiB"
    )
    print(f"再次预览同一文件（无变化）：{repeated:.2f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000)
    lines = parser.parse_args().lines
    setup_test_environment()
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(lines)
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
