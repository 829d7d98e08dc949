"""Test settings: production settings (DEBUG off) with a test secret, plain HTTP and plain
static storage (hashed names would 404 under live_server). SQLite unless DATABASE_URL."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ["DJANGO_DEBUG"] = "0"

from portal.settings import *  # noqa: E402,F403
from portal.settings import STORAGES  # noqa: E402

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
OPENDATA_ROOT = tempfile.mkdtemp(prefix="opendata-")
atexit.register(shutil.rmtree, OPENDATA_ROOT, ignore_errors=True)
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Generated open data goes to a directory of this test run, never the project's var/.
    "opendata": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": OPENDATA_ROOT},
    },
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
WHITENOISE_AUTOREFRESH = True  # serve from the finders; no collectstatic in tests
# A PDF takes a second or more: tests that need one turn it on (tests/test_pdf.py).
PUBLICATION_PDF = False
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="bp-test-media-"))
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)

from tests import numberformat  # noqa: E402

numberformat.install()

# Login throttling: a small limit keeps the lockout tests short. Axes keeps its counters in
# the database (its default handler), so each test starts from none (rolled back or flushed).
AXES_FAILURE_LIMIT = 3
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_VERBOSE = False
