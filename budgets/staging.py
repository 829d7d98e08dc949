"""Where an upload waits between its preview and the user's "确认导入": one mechanism for
both kinds of import (the disclosure workbook and the django-import-export set-up imports).

What waits is kept in Django's cache (Redis when `REDIS_URL` is set, so the preview and the
confirm may land in different processes), never in a file: nothing is left in the temp
directory after a refused, abandoned or confirmed upload, and no server path ever reaches
the browser. The browser gets only a random token; a token is honoured only for the user it
was issued to and for the kind of import that issued it, and only until it expires
(`STAGE_SECONDS`) or is used. A name the server did not issue finds nothing, so a crafted
confirm can neither read nor delete anything.
"""

import re
import secrets

from django.core.cache import cache

STAGE_SECONDS = 60 * 60  # a preview stays confirmable for an hour
PREFIX = "budgets:staged-import:"
TOKEN = re.compile(r"^[0-9a-f]{64}$")


def stage(payload, *, kind, user, seconds=STAGE_SECONDS):
    """Keep `payload` for `user` until confirmed or expired; returns its token."""
    token = secrets.token_hex(32)
    cache.set(PREFIX + token, {"kind": kind, "user": user.pk, "payload": payload}, seconds)
    return token


def staged(token, *, kind, user):
    """The payload staged under `token` for this user and kind of import, or None (unknown,
    expired, used, another user's or another kind's token: all the same to the caller)."""
    if not isinstance(token, str) or not TOKEN.match(token):
        return None
    entry = cache.get(PREFIX + token)
    if not entry or entry["kind"] != kind or entry["user"] != user.pk:
        return None
    return entry["payload"]


def unstage(token):
    """Forget a staged payload (after it was imported); unknown tokens are ignored."""
    if isinstance(token, str) and TOKEN.match(token):
        cache.delete(PREFIX + token)
