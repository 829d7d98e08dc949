"""A backup made with pg_dump and restored with pg_restore into an empty database gives back
every published version exactly: the same page and JSON, byte for byte, and the same
checksum (README “备份与恢复”)."""

import json
import os
import subprocess

import pytest
from django.db import connection

from budgets.models import Disclosure
from budgets.workflow import disclosure_correct, record_publication
from tests.processes import run_module
from tests.test_opendata import recomputed_checksum

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="pg_dump / pg_restore 只适用于 PostgreSQL；设置 DATABASE_URL=postgres://… 时运行。",
)


def pg(command, *args, database, check=True):
    """Run a PostgreSQL client program against `database` on the test server."""
    s = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": s["PASSWORD"] or ""}
    target = ["-h", s["HOST"] or "127.0.0.1", "-p", str(s["PORT"] or 5432), "-U", s["USER"]]
    result = subprocess.run(
        [command, *target, *args, *([database] if database else [])],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0 or not check, f"{command}: {result.stderr}"
    return result


def url_of(name):
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def render(database, urls, out):
    """Every URL rendered by a fresh process reading `database`; the bytes of each."""
    run_module("tests.render_pages", out, *urls, database_url=url_of(database))
    return [(out / f"{i}.bin").read_bytes() for i in range(len(urls))]


@pytest.fixture
def restored_database():
    name = connection.settings_dict["NAME"] + "_restored"
    pg("dropdb", "--if-exists", database=name)
    yield name
    pg("dropdb", "--if-exists", database=name)


@pytest.mark.django_db(transaction=True)  # pg_dump reads only committed data
def test_every_published_version_renders_the_same_from_a_restored_backup(
    reference, superuser, restored_database, tmp_path
):
    correction = disclosure_correct(disclosure=reference, user=superuser, reason="更正联系电话")
    correction.contact_phone = "023-63250000"
    correction.save()
    record_publication(disclosure=correction)
    published = list(Disclosure.objects.published())
    assert len(published) == 2
    urls = [u for d in published for u in (d.get_absolute_url(), f"/disclosures/{d.pk}.json")]
    original = connection.settings_dict["NAME"]
    before = render(original, urls, tmp_path / "before")

    dump = tmp_path / "portal.dump"
    pg("pg_dump", "--format=custom", "--no-owner", f"--file={dump}", database=original)
    pg("createdb", database=restored_database)
    pg(
        "pg_restore",
        "--no-owner",
        "--exit-on-error",
        f"--dbname={restored_database}",
        str(dump),
        database=None,
    )

    after = render(restored_database, urls, tmp_path / "after")
    assert after == before
    for d, page, document in zip(published, after[0::2], after[1::2], strict=True):
        assert recomputed_checksum(json.loads(document)) == d.content_checksum != ""
        assert d.content_checksum in page.decode()


@pytest.mark.django_db(transaction=True)
def test_the_restored_database_still_refuses_writes_to_published_versions(
    reference, restored_database, tmp_path
):
    dump = tmp_path / "portal.dump"
    pg("pg_dump", "--format=custom", f"--file={dump}", database=connection.settings_dict["NAME"])
    pg("createdb", database=restored_database)
    pg("pg_restore", "--no-owner", f"--dbname={restored_database}", str(dump), database=None)
    sql = f"UPDATE budgets_disclosure SET contact_phone = '1' WHERE id = {reference.pk}"
    result = pg("psql", "-c", sql, database=restored_database, check=False)
    assert result.returncode != 0 and "已公开" in result.stderr
