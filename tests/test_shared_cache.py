"""With REDIS_URL the portal's cache is shared by every process: a spreadsheet import
previewed by one process is confirmed by another, as behind gunicorn's several workers."""

import json
import os

import pytest
import redis

from tests.processes import new_sqlite_file, run_module

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/2")


def run(step, state, database, *, shared_cache):
    env = {"REDIS_URL": REDIS_URL} if shared_cache else {}
    out = run_module(
        "tests.import_process", step, state, database_url=f"sqlite:///{database}", **env
    )
    return json.loads(out.splitlines()[-1]) if step == "confirm" else None


def test_a_preview_staged_in_one_process_is_confirmed_in_another_only_through_redis(
    tmp_path, migrated_sqlite
):
    """One preview (its process migrates a new database: the slow part), two confirmations:
    a process without the shared cache cannot see it, one with Redis confirms it."""
    server = redis.Redis.from_url(REDIS_URL)  # Redis database 2 is this test's alone
    try:
        server.flushdb()
    except redis.ConnectionError:
        pytest.fail(f"Redis 未运行（{REDIS_URL}）：本项目的每台机器上都应有 Redis。")
    state = tmp_path / "state.json"
    database = new_sqlite_file(migrated_sqlite, tmp_path / "db.sqlite3")
    run("preview", state, database, shared_cache=True)
    assert server.dbsize() > 0, "预览应暂存在 Redis 中"

    alone = run("confirm", state, database, shared_cache=False)
    assert "预览已失效" in alone["text"] and alone["key_projects"] == 0

    shared = run("confirm", state, database, shared_cache=True)
    assert shared["status"] == 200
    assert "已从“公开表格.xlsx”导入：" in shared["text"], shared["text"][:500]
    assert shared["key_projects"] > 0
