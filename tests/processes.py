"""Run a step of a test in a fresh Python process, as a second server process would: its own
environment (no DJANGO_* or REDIS_* leaking from ours), the test settings, a given database."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_module(module, *args, database_url, **env):
    """`python -m module args…` with DATABASE_URL and `env`; its stdout. Fails on exit ≠ 0."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_"))}
    clean.update(DJANGO_SETTINGS_MODULE="tests.settings", DATABASE_URL=database_url, **env)
    result = subprocess.run(
        [sys.executable, "-m", module, *map(str, args)],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def new_sqlite_file(template, path):
    """A copy of the migrated database file `template` (conftest `migrated_sqlite`) at `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, path)
    return path
