"""Test settings: production settings (DEBUG off) with a test secret, plain HTTP and plain
static storage (hashed names would 404 under live_server). SQLite unless DATABASE_URL."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ["DJANGO_DEBUG"] = "0"

from portal.settings import *  # noqa: E402,F403
from portal.settings import DATABASES, STORAGES  # noqa: E402

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Production keeps connections open (CONN_MAX_AGE); tests close them after each request, so
# no live-server or thread connection outlives its test and blocks the test database's removal.
DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
WHITENOISE_AUTOREFRESH = True  # serve from the finders; no collectstatic in tests

from tests import numberformat  # noqa: E402

numberformat.install()

# Login throttling: a small limit keeps the lockout tests short. Axes keeps its counters in
# the database (its default handler), so each test starts from none (rolled back or flushed).
AXES_FAILURE_LIMIT = 3
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_VERBOSE = False
