import os
from pathlib import Path

import pytest
from django.apps import apps

# Playwright runs an event loop in this thread; the ORM must still be usable beside it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

FILES = Path(__file__).parent / "files"
REFERENCE_TEXT = FILES / "yuzhong-government-office-2025-budget.txt"


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test starts with empty caches: cache keys name rows by id, and ids repeat from one
    test to the next (the reference is replayed with the same ids and publication times)."""
    from django.core.cache import caches

    from portal.page_cache import local_pages

    for cache in caches.all():
        cache.clear()
    local_pages.clear()


@pytest.fixture
def reference_data(db):
    """The shipped reference data (migrations install it; transactional tests flush it)."""
    from budgets import reference_data as shipped

    shipped.install(apps)


def _load_reference():
    from portal.disclosure_file import load_disclosure_file

    return load_disclosure_file().disclosure


@pytest.fixture(scope="session")
def reference_snapshot(django_db_setup, django_db_blocker):
    """The reference's rows, loaded once per session (tests/dbsnapshot.py)."""
    from tests import dbsnapshot

    with django_db_blocker.unblock():
        return dbsnapshot.capture(_load_reference)


@pytest.fixture
def reference(request, reference_snapshot, db):
    """The 2025 reference disclosure, loaded from the project's own data file.

    Loaded once per session and replayed into each test's transaction; a transactional test
    (its database is flushed between tests) loads the file itself. The snapshot is asked for
    here so that pytest captures it (session scope) before this test's transaction begins:
    captured inside a test, it would start from that test's rows."""
    from tests import dbsnapshot

    transactional = (
        "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    )
    marker = request.node.get_closest_marker("django_db")
    if not (transactional or (marker and marker.kwargs.get("transaction"))):
        snapshot = reference_snapshot
        if snapshot.fits():  # the migrated database, shipped reference data included
            return dbsnapshot.replay(snapshot)
    request.getfixturevalue("reference_data")
    return _load_reference()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):
    """A newly migrated SQLite database file, made once per session by `manage.py migrate` in
    its own process: tests that start servers or processes on an SQLite file copy it
    (`tests.processes.new_sqlite_file`) instead of migrating one each (about 15 s a time)."""
    from tests.processes import run_module

    path = tmp_path_factory.mktemp("migrated") / "db.sqlite3"
    run_module("django", "migrate", "--noinput", "-v0", database_url=f"sqlite:///{path}")
    return path


@pytest.fixture
def reference_text():
    return REFERENCE_TEXT.read_text(encoding="utf-8")


CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).parent / "screenshots"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, headless; Playwright never downloads a browser here."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("CI 需要 Debian 的 chromium 软件包（/usr/bin/chromium），但未安装。")
        pytest.skip(
            "未安装 /usr/bin/chromium（apt-get install chromium fonts-noto-cjk），跳过浏览器测试。"
        )
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def screenshot_dir():
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def roles(db):
    """The role groups (a migration installs them; transactional tests flush them)."""
    from portal import roles as shipped

    shipped.install(apps)
    return shipped


def make_user(django_user_model, username, role, departments=()):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(
        username, password=f"pw-{username}-1", is_staff=True
    )
    user.groups.add(Group.objects.get(name=role))
    for department in departments:
        department.members.add(user)
    return user


@pytest.fixture
def editor(roles, reference, django_user_model):
    """The reference department's contact person."""
    return make_user(django_user_model, "editor", roles.EDITOR, [reference.department])


@pytest.fixture
def editor_client(client, editor):
    """The test client, logged in as the reference department's contact person."""
    client.force_login(editor)
    return client


@pytest.fixture
def reviewer(roles, django_user_model):
    return make_user(django_user_model, "reviewer", roles.REVIEWER)


@pytest.fixture
def site_admin(roles, reference, django_user_model):
    """A platform administrator (平台管理员) of the reference's region."""
    return make_user(django_user_model, "平台管理员", roles.SITE_ADMIN)


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "", "pw-root-1")


@pytest.fixture
def draft(reference, superuser):
    """A correction of the reference: an editable draft (revision 2) with all its figures."""
    from budgets.workflow import disclosure_correct

    return disclosure_correct(disclosure=reference, user=superuser, reason="测试用更正")


def record_checks(disclosure):
    from datetime import date

    from budgets.models import DisclosureCheck

    DisclosureCheck.objects.create(
        disclosure=disclosure,
        kind="confidentiality",
        conclusion="已审查",
        checked_by="保密员",
        checked_on=date(2025, 2, 10),
    )
    DisclosureCheck.objects.create(
        disclosure=disclosure,
        kind="head_signoff",
        conclusion="已审签",
        checked_by="主任",
        checked_on=date(2025, 2, 11),
    )


def publish(disclosure, editor, reviewer):
    """Take a draft through every step: checks recorded, submitted, approved, published."""
    from budgets import workflow

    record_checks(disclosure)
    workflow.disclosure_submit(disclosure=disclosure, user=editor)
    workflow.disclosure_approve(disclosure=disclosure, user=reviewer)
    return workflow.disclosure_publish(disclosure=disclosure, user=reviewer)
