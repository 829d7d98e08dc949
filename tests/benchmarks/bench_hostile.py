"""Benchmark of refusing a shared-strings bomb: an .xlsx inside the size and ratio limits
whose shared-strings table holds millions of tiny entries (openpyxl alone took 90 s and
1.6 GB to read one of 3.4 MB).

    .venv/bin/python tests/benchmarks/bench_hostile.py [--entries 1500000]

Writes the file in memory, then runs the checks an upload passes before openpyxl sees it
(`budgets.spreadsheets.workbook.check_archive`) and reports what they read — entries, bytes
inflated, the part refused — with the time and the peak Python memory (tracemalloc).
No database is needed. Results are recorded by hand in budgets/spreadsheets.md, “导入性能”.
"""

import argparse
import io
import os
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from budgets.spreadsheets import workbook  # noqa: E402

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def bomb(entries):
    """A minimal workbook whose declared shared-strings table has `entries` distinct texts."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        )
        archive.writestr("xl/workbook.xml", f'<workbook xmlns="{MAIN}"/>')
        body = "".join(f"<si><t>{i:x}</t></si>" for i in range(entries))
        archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">{body}</sst>')
    return buffer.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_500_000)
    entries = parser.parse_args().entries
    content = bomb(entries)
    part = zipfile.ZipFile(io.BytesIO(content)).getinfo("xl/sharedStrings.xml")
    report = workbook.ArchiveCheck()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            workbook.check_whole_parts(archive, archive.infolist(), report)
        outcome = "通过（未拒绝）"
    except workbook.ImportRefused as refusal:
        outcome = f"拒绝：{refusal}"
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    mib = 1024 * 1024
    print(
        f"文件 {len(content) / mib:.1f} MiB，共享字符串 {entries} 条，"
        f"解压后 {part.file_size / mib:.1f} MiB（压缩比 {part.file_size / part.compress_size:.0f}）"
    )
    print(f"{outcome}")
    print(
        f"读取条目 {report.shared_strings}，解压 {report.bytes_inflated / mib:.1f} MiB，"
        f"拒绝的部件 {report.refused_part or '无'}；用时 {elapsed:.2f} s，峰值内存 {peak / mib:.1f} MiB"
    )


if __name__ == "__main__":
    main()
