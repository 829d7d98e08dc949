"""Settings for the budget-disclosure portal, read from the environment.

Development (`make run`) sets DJANGO_DEBUG=1. Without it the site runs in production mode
and refuses to start unless DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS are given.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name):
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


# Options of DATABASE_URL that configure Django rather than libpq (README “连接复用”).
POOL_SIZE_OPTIONS = {"pool_min_size": "min_size", "pool_max_size": "max_size"}


def _url_int(options, name):
    value = options.pop(name)
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        raise ImproperlyConfigured(f"DATABASE_URL 的选项 {name}={value} 应为不小于 0 的整数。")
    return number


def database_from_url(url, *, default_conn_max_age=0):
    """Turn `postgres://user:pass@host:port/name?opt=v` or `sqlite:///path` into a DATABASES entry.

    Connection reuse comes from the query string: `conn_max_age=N` keeps each connection for
    N seconds (CONN_MAX_AGE), `pool=true` uses psycopg's pool, sized by `pool_min_size` and
    `pool_max_size`; every other option goes to libpq unchanged (e.g. `sslmode=require`).
    Without either, connections are kept `default_conn_max_age` seconds.
    """
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": parts.path[1:] or ":memory:"}
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL 的协议“{parts.scheme}”不受支持（仅 postgres 或 sqlite）。"
        )
    options = dict(parse_qsl(parts.query))
    conn_max_age = _url_int(options, "conn_max_age") if "conn_max_age" in options else None
    pool = {
        key: _url_int(options, name) for name, key in POOL_SIZE_OPTIONS.items() if name in options
    }
    if "pool" in options:
        if options.pop("pool").strip().lower() in {"1", "true", "yes", "on"}:
            pool = pool or True  # Django takes True as "a pool with psycopg's defaults"
        elif pool:
            raise ImproperlyConfigured("DATABASE_URL 设置了连接池大小，但 pool 不是 true。")
    elif pool:
        raise ImproperlyConfigured("DATABASE_URL 设置了连接池大小，请同时写上 pool=true。")
    if pool and conn_max_age:
        # Django refuses both: a pooled connection goes back to the pool after each request.
        raise ImproperlyConfigured("DATABASE_URL 的 pool=true 与 conn_max_age 不能同时使用。")
    if pool:
        options["pool"] = pool
    if conn_max_age is None:  # neither given: the default, unless the pool reuses connections
        conn_max_age = 0 if pool else default_conn_max_age
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": conn_max_age,
        # A kept connection is checked before each request reuses it (a restarted database).
        "CONN_HEALTH_CHECKS": conn_max_age > 0,
        "OPTIONS": options,
    }


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if DEBUG:
    SECRET_KEY = SECRET_KEY or "insecure-development-key-only-for-debug-mode"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]
else:
    if not SECRET_KEY:
        raise ImproperlyConfigured(
            "生产模式（DJANGO_DEBUG 未开启）必须设置环境变量 DJANGO_SECRET_KEY。"
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "生产模式（DJANGO_DEBUG 未开启）必须设置环境变量 DJANGO_ALLOWED_HOSTS。"
        )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "import_export",
    "simple_history",
    "axes",
    "organizations",
    "budgets",
    "glossary",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cache hits of published pages, before sessions and the rest (portal/page_cache.py).
    "portal.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: turns django-axes' lockout of a login into the locked-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
            ],
            "builtins": ["portal.templatetags.money", "portal.templatetags.narrative"],
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"

DATABASES = {
    # Production keeps each thread's connection for a minute (README “数据库连接复用”):
    # a new PostgreSQL connection per request costs more than many a cached page.
    "default": database_from_url(
        os.environ["DATABASE_URL"],
        default_conn_max_age=0 if DEBUG else int(os.environ.get("DJANGO_CONN_MAX_AGE", 60)),
    )
    if os.environ.get("DATABASE_URL")
    else {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}
}

# The public page's statement is prepared on PostgreSQL (portal/prepared.py); 0 behind a
# connection pooler that cannot keep prepared statements.
DB_PREPARED_STATEMENTS = env_bool("DJANGO_DB_PREPARED_STATEMENTS", default=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-axes first: it refuses a locked-out user name or address before any password check.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = os.environ.get("DJANGO_LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "portal" / "static"]
# Uploaded and generated files: each version's PDF, and the open data (portal/opendata.md,
# “文件”) written once per publication to the "opendata" storage: any Django storage backend
# works (object storage too).
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "media/"
# The site's public address (https://…, no trailing slash), printed in the footer of each
# version's PDF; empty = the path only.
PUBLIC_URL = os.environ.get("DJANGO_PUBLIC_URL", "").rstrip("/")
# Render each published version's PDF at publication (portal/pdf.py).
PUBLICATION_PDF = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "opendata": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT / "open-data", "base_url": "/media/open-data/"},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
    }
    if os.environ.get("REDIS_URL")
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Published pages (portal/page_cache.py): seconds a rendered page stays in the cache (0: render
# every request), the max-age browsers and proxies may use it without asking (0: they
# revalidate each time, a 304 when unchanged), and a token to bump when a deployment changes
# the page frame, so cached pages of the old frame are no longer used.
PUBLIC_PAGE_CACHE_SECONDS = int(os.environ.get("DJANGO_PAGE_CACHE_SECONDS", 24 * 3600))
PUBLIC_PAGE_MAX_AGE = int(os.environ.get("DJANGO_PAGE_MAX_AGE", 0))
PAGE_CACHE_VERSION = os.environ.get("DJANGO_PAGE_CACHE_VERSION", "1")
# Bytes of pages each process keeps in its own memory in front of the shared cache.
PUBLIC_PAGE_LOCAL_CACHE_BYTES = int(os.environ.get("DJANGO_PAGE_LOCAL_CACHE_BYTES", 32 * 2**20))

# Security: strict by default outside development; `manage.py check --deploy` stays clean.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): scripts, styles, images and fonts only from our own
# files, never inline, and no framing. Style *attributes* stay allowed: the admin pages of
# django-import-export and django-simple-history print some (and chart tooltips need them);
# they cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# Reverse proxies in front of the portal: X-Forwarded-For is read only as written by them
# (portal/client_address.py). 0 = no proxy: the client address is REMOTE_ADDR.
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", 0))
# Optional: the proxies' own addresses; a request from any other address is taken as direct.
TRUSTED_PROXIES = env_list("DJANGO_TRUSTED_PROXIES")

# Login throttling (django-axes): after this many failed logins a user name, and an address,
# is locked; a platform administrator unlocks it (后台“访问尝试”) or it unlocks after the
# cool-off (minutes; 0 = only an administrator unlocks).
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", 5))
_cooloff = int(os.environ.get("DJANGO_LOGIN_LOCKOUT_MINUTES", 30))
AXES_COOLOFF_TIME = timedelta(minutes=_cooloff) if _cooloff > 0 else None
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A successful login would also clear its address's count (axes resets by user name *and*
# address): one valid account would let an attacker keep guessing others. Counts expire instead.
AXES_RESET_ON_SUCCESS = False
AXES_CLIENT_IP_CALLABLE = "portal.client_address.client_ip"
AXES_LOCKOUT_CALLABLE = "portal.views.locked_out"
AXES_ENABLE_ADMIN = False  # the portal's own admin shows the attempts (portal.LoginLock)

# The history library's revert writes old states back past the workflow: off.
SIMPLE_HISTORY_REVERT_DISABLED = True

IMPORT_EXPORT_IMPORT_IGNORE_BLANK_LINES = True
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"  # importing edits data: not for view-only users
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
# Every spreadsheet or CSV upload (disclosure workbooks, set-up imports): size and data rows.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", 5 * 1024 * 1024))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", 20_000))

# Days after the finance bureau's approval (财政批复) within which a disclosure must be public.
DISCLOSURE_DEADLINE_DAYS = int(os.environ.get("DISCLOSURE_DEADLINE_DAYS", 20))

PORTAL_NAME = os.environ.get("PORTAL_NAME", "部门预算公开平台")
# The site's address as people type it (links in e-mail notices), e.g. https://yusuan.example.gov.cn
PORTAL_URL = os.environ.get("PORTAL_URL", "")

# The licence of the open data (datapackage.json `licenses`, the 开放数据 pages): an SPDX id,
# its title and address.
OPEN_DATA_LICENSE = os.environ.get("OPEN_DATA_LICENSE", "CC-BY-4.0")
OPEN_DATA_LICENSE_TITLE = os.environ.get(
    "OPEN_DATA_LICENSE_TITLE",
    "知识共享署名 4.0 国际许可协议（CC BY 4.0）：可自由使用、转载，请注明来源",
)
OPEN_DATA_LICENSE_URL = os.environ.get(
    "OPEN_DATA_LICENSE_URL", "https://creativecommons.org/licenses/by/4.0/deed.zh-hans"
)

# E-mail notices (README “邮件通知”): printed to the console in development, SMTP otherwise.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", 10))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Days before the deadline on which `send_deadline_reminders` e-mails the contact persons.
DISCLOSURE_REMINDER_DAYS = [
    int(day) for day in os.environ.get("DISCLOSURE_REMINDER_DAYS", "7,3,1").split(",") if day
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "audit_db": {"class": "portal.audit.AuditDatabaseHandler"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "audit": {"handlers": ["audit_db", "console"], "level": "INFO", "propagate": False}
    },
}
