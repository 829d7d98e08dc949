"""WSGI entry point, e.g. `gunicorn portal.wsgi` (`make serve` runs it so)."""

import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()


def _require_collected_static():
    # Without the manifest every page, 404 and 500 included, fails while rendering: say so
    # at start-up instead.
    from django.contrib.staticfiles.storage import staticfiles_storage

    name = getattr(staticfiles_storage, "manifest_name", None)
    if name and not staticfiles_storage.manifest_storage.exists(name):
        raise ImproperlyConfigured(
            "静态文件尚未收集（缺少 staticfiles.json）：请先运行 "
            "`python manage.py collectstatic --noinput`（`make serve` 会自动运行）。"
        )


_require_collected_static()
