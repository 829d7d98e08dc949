"""`make bench` runs: on a tiny data set, with a second of load per figure. A check that the
benchmark works (seeding, production servers, static file, load, report), not a measurement."""

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tests" / "benchmarks" / "bench_serving.py"


@pytest.mark.bench
def test_make_bench_runs_on_a_tiny_city():
    # Memory-backed files when there are some: migrating an SQLite file on disk is slow.
    shm = Path("/dev/shm")
    with tempfile.TemporaryDirectory(dir=shm if shm.is_dir() else None) as work:
        result = subprocess.run(
            [
                sys.executable,
                str(SCRIPT),
                "--departments=2",
                "--years=2",
                "--seconds=1",
                "--connections=2",
                "--workers=1",
                "--skip-open-data",
                f"--database-url=sqlite:///{work}/bench.sqlite3",
                "--redis-url=redis://127.0.0.1:6379/4",
                f"--work-dir={work}",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
    assert result.returncode == 0, result.stderr[-3000:]
    report = result.stdout
    for row in (
        "| 公开页面，未缓存 |",
        "| 公开页面，缓存 |",
        "| 首页 |",
        "| 两个实例 / 一个实例 |",
    ):
        assert row in report
    assert "| 公开页面（缓存） | 1 | 1 |" in report  # a cached hit: one query at any size
