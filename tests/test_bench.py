"""`make bench` runs: on a tiny data set, with a second of load per figure. A check that the
benchmark works (seeding, production servers, static file, load, report), not a measurement."""

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.processes import new_sqlite_file

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tests" / "benchmarks" / "bench_serving.py"


@pytest.mark.bench
def test_make_bench_runs_on_a_tiny_city(migrated_sqlite):
    # Memory-backed files when there are some; the databases start migrated (the bench's own
    # migrate then has nothing to do: migrating an SQLite file is slow).
    shm = Path("/dev/shm")
    with tempfile.TemporaryDirectory(dir=shm if shm.is_dir() else None) as work:
        new_sqlite_file(migrated_sqlite, Path(work) / "bench.sqlite3-1")
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
    assert "| 公开页面（缓存） | 0 | 0 |" in report  # a cached hit: no query at any size


def test_seed_benchmark_builds_a_published_marked_city_with_a_correction(client, reference_data):
    from django.core.management import call_command

    from budgets.models import Disclosure
    from organizations.models import Department

    call_command("seed_benchmark", departments=26, years=1, verbosity=0)
    assert Department.objects.filter(code__startswith="BENCH-").count() == 26
    versions = Disclosure.objects.all()
    assert versions.count() == 28 and not versions.exclude(status="published").exists()
    assert not versions.filter(published_body__isnull=True).exists()
    corrected = Disclosure.objects.filter(revision=1, superseded_by__isnull=False).first()
    page = client.get(corrected.get_absolute_url()).content.decode()
    assert "已被更正" in page and "一般公共预算基本支出表" in page
    assert corrected.superseded_by.changes  # what the correction changed, as publishing records

    call_command("seed_benchmark", departments=26, years=1, if_missing=True, verbosity=0)
    assert Disclosure.objects.count() == 28


def test_seed_benchmark_refuses_a_database_with_real_published_disclosures(reference_data):
    from django.core.management import CommandError, call_command

    from tests import factories

    factories.disclosure()
    with pytest.raises(CommandError, match="1 份真实的已公开文件"):
        call_command("seed_benchmark", departments=2, years=1, verbosity=0)
