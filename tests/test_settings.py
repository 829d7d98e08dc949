"""Settings come from the environment; production mode is safe by default."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    base["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
    )


def test_production_mode_refuses_to_start_without_a_secret_key():
    result = manage("check", DJANGO_ALLOWED_HOSTS="example.org")
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


def test_production_mode_refuses_to_start_without_allowed_hosts():
    result = manage("check", DJANGO_SECRET_KEY="x" * 60)
    assert result.returncode != 0 and "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_deploy_check_is_clean_in_production_mode():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY="k" * 10 + "X9%v" * 15,
        DJANGO_ALLOWED_HOSTS="example.org",
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_static_files_collect_with_hashed_names(tmp_path):
    result = manage(
        "collectstatic",
        "--noinput",
        DJANGO_SECRET_KEY="x" * 60,
        DJANGO_ALLOWED_HOSTS="example.org",
        DJANGO_STATIC_ROOT=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "staticfiles.json").exists()


def test_defaults_are_chinese_and_shanghai(settings):
    assert settings.LANGUAGE_CODE == "zh-hans" and settings.TIME_ZONE == "Asia/Shanghai"


def test_database_url_is_parsed():
    from portal.settings import database_from_url

    db = database_from_url("postgres://u:p%40ss@db.local:6543/portal?sslmode=require")
    assert db["NAME"] == "portal" and db["PASSWORD"] == "p@ss" and db["PORT"] == "6543"
    assert db["OPTIONS"] == {"sslmode": "require"}


def test_database_url_options_unknown_to_django_still_go_to_libpq():
    from portal.settings import database_from_url

    db = database_from_url("postgres://u@h/portal?sslmode=require&application_name=portal")
    assert db["OPTIONS"] == {"sslmode": "require", "application_name": "portal"}
    assert db["CONN_MAX_AGE"] == 0


def test_production_keeps_database_connections_unless_the_url_says_otherwise():
    from portal.settings import database_from_url

    kept = database_from_url("postgres://u@h/portal", default_conn_max_age=60)
    assert kept["CONN_MAX_AGE"] == 60 and kept["CONN_HEALTH_CHECKS"]
    assert (
        database_from_url("postgres://u@h/p?conn_max_age=0", default_conn_max_age=60)[
            "CONN_MAX_AGE"
        ]
        == 0
    )
    pooled = database_from_url("postgres://u@h/p?pool=true", default_conn_max_age=60)
    assert pooled["CONN_MAX_AGE"] == 0 and pooled["OPTIONS"]["pool"] is True


def test_database_url_conn_max_age_keeps_connections_open():
    from portal.settings import database_from_url

    db = database_from_url("postgres://u@h/portal?conn_max_age=60&sslmode=require")
    assert db["CONN_MAX_AGE"] == 60 and db["OPTIONS"] == {"sslmode": "require"}


def test_database_url_pool_true_turns_on_the_psycopg_pool():
    from portal.settings import database_from_url

    assert database_from_url("postgres://u@h/portal?pool=true")["OPTIONS"] == {"pool": True}


def test_database_url_pool_sizes_are_passed_to_the_pool():
    from portal.settings import database_from_url

    db = database_from_url("postgres://u@h/portal?pool=true&pool_min_size=2&pool_max_size=8")
    assert db["OPTIONS"] == {"pool": {"min_size": 2, "max_size": 8}}


def test_database_url_refuses_contradictory_connection_options_in_chinese():
    from django.core.exceptions import ImproperlyConfigured

    from portal.settings import database_from_url

    for url, words in [
        ("postgres://u@h/p?pool=true&conn_max_age=60", "不能同时使用"),
        ("postgres://u@h/p?pool_max_size=8", "pool=true"),
        ("postgres://u@h/p?conn_max_age=soon", "整数"),
    ]:
        with pytest.raises(ImproperlyConfigured, match=words):
            database_from_url(url)


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="连接池只用于 PostgreSQL；设置 DATABASE_URL=postgres://… 时运行。",
)
@pytest.mark.django_db
def test_a_pooled_connection_from_the_url_reaches_the_database():
    from django.db import connection
    from django.db.backends.postgresql.base import DatabaseWrapper

    from portal.settings import database_from_url

    url = os.environ["DATABASE_URL"].split("?")[0].rsplit("/", 1)[0]
    settings_dict = {
        **connection.settings_dict,
        **database_from_url(f"{url}/{connection.settings_dict['NAME']}?pool=true&pool_max_size=4"),
    }
    pooled = DatabaseWrapper(settings_dict, alias="pooled")
    try:
        with pooled.cursor() as cursor:
            cursor.execute("SELECT 1")
            assert cursor.fetchone() == (1,)
        assert pooled.pool is not None and pooled.pool.get_stats()["pool_size"] >= 1
    finally:
        pooled.close()
        pooled.close_pool()
