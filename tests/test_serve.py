"""`make serve` runs the portal in production mode: gunicorn, migrations applied, hashed and
compressed static files with long cache headers, Chinese error pages."""

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.processes import new_sqlite_file

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 180  # seconds: migrations on a new database, collectstatic, gunicorn


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(tmp, **extra):
    """The environment of a fresh production run: no development flag, own files in `tmp`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_"))}
    env.update(
        BIN=str(Path(sys.executable).parent),
        DATABASE_URL=f"sqlite:///{tmp}/db.sqlite3",
        DJANGO_STATIC_ROOT=str(tmp / "static"),
        DJANGO_SECRET_KEY_FILE=str(tmp / "secret_key"),
        WEB_WORKERS="1",
        WEB_THREADS="2",
        **extra,
    )
    return env


def get(port, path, **headers):
    """GET as the TLS proxy in front of the portal forwards it (README “生产部署”)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"X-Forwarded-Proto": "https", **headers})
    response = connection.getresponse()
    return response, response.read()


@pytest.fixture(scope="module")
def server(tmp_path_factory, migrated_sqlite):
    tmp = tmp_path_factory.mktemp("serve")
    new_sqlite_file(migrated_sqlite, tmp / "db.sqlite3")  # bin/serve's migrate: nothing to do
    port = free_port()
    log = (tmp / "serve.log").open("w+")
    process = subprocess.Popen(
        ["./bin/serve"],
        cwd=ROOT,
        env=production_env(tmp, PORT=str(port)),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: gunicorn's workers stop with it
    )
    deadline = time.monotonic() + START_TIMEOUT
    try:
        while True:
            if process.poll() is not None:
                log.seek(0)
                pytest.fail(f"make serve 退出（{process.returncode}）：\n{log.read()}")
            try:
                get(port, "/")
                break
            except OSError:
                if time.monotonic() > deadline:
                    log.seek(0)
                    pytest.fail(f"make serve 在 {START_TIMEOUT} 秒内未就绪：\n{log.read()}")
                time.sleep(0.5)
        yield {"port": port, "tmp": tmp}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


def test_the_production_server_answers_a_public_page(server):
    response, body = get(server["port"], "/")
    assert response.status == 200
    assert "部门预算公开平台" in body.decode()


def test_a_local_run_keeps_its_generated_secret_key_out_of_the_repository(server):
    secret = server["tmp"] / "secret_key"
    assert len(secret.read_text().strip()) >= 50
    assert secret.stat().st_mode & 0o077 == 0


def test_plain_http_is_sent_to_https(server):
    connection = http.client.HTTPConnection("127.0.0.1", server["port"], timeout=10)
    connection.request("GET", "/")
    response = connection.getresponse()
    assert response.status == 301 and response.getheader("Location").startswith("https://")


def test_an_unknown_page_is_a_404_in_chinese(server):
    response, body = get(server["port"], "/no-such-page/")
    assert response.status == 404
    assert "页面不存在" in body.decode()


def test_static_files_are_hashed_compressed_and_cached_for_a_year(server):
    _, body = get(server["port"], "/")
    css = re.search(r'href="(/static/portal/site\.[0-9a-f]{12}\.css)"', body.decode())
    assert css, "页面应引用带哈希的样式表"
    response, _ = get(server["port"], css.group(1), **{"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    max_age = int(re.search(r"max-age=(\d+)", response.getheader("Cache-Control")).group(1))
    assert max_age >= 365 * 24 * 3600 and "immutable" in response.getheader("Cache-Control")


def test_gunicorn_refuses_to_start_before_static_files_are_collected(tmp_path):
    env = production_env(tmp_path, DJANGO_SECRET_KEY="s" * 60, DJANGO_ALLOWED_HOSTS="x.org")
    result = subprocess.run(
        [sys.executable, "-c", "import portal.wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0 and "collectstatic" in result.stderr


def test_the_500_page_renders_with_the_production_static_storage(settings, tmp_path, rf):
    from django.core.management import call_command
    from django.views.defaults import server_error

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    response = server_error(rf.get("/"))
    assert response.status_code == 500 and "服务器暂时出错" in response.content.decode()
