"""Published pages are cheap (issue 12): a published version's page is rendered once and then
served from Django's cache (Redis where `REDIS_URL` is set, so every app server shares it),
with `ETag`, `Last-Modified` and `Cache-Control` so browsers and proxies revalidate with a
304, and compressed once (gzip) when the client accepts it.

The page of a published version changes only when a newer revision of the same body, year
and kind is published (the "已被更正" notice and the corrections list). The cache key therefore
names the version and the latest published revision (and their publication times, which no
other version shares): publishing a correction changes the key of every older version's page,
so the notice appears at once, without invalidating anything. `PAGE_CACHE_VERSION` is part of
the key too: bump it when a deployment changes the page frame (base template, header); entries
also expire after `PUBLIC_PAGE_CACHE_SECONDS`.

Each process also keeps the pages it served last in memory (`PUBLIC_PAGE_LOCAL_CACHE_BYTES`,
for the same time): safe, because an entry's key changes whenever its page would.

The key itself (the version's "state": its latest published revision and their publication
times) is kept in the shared cache too, written when first computed and deleted by the
publication hook `forget_states` for every version of the same document when a correction is
published: a hit runs no query, and "已被更正" still appears at once. `PageCacheMiddleware`
serves hits right after WhiteNoise, before sessions, CSRF, authentication and the rest, for
anonymous GET/HEAD of the page (no session cookie), with the headers the full chain set when
the page was first served (stored with the entry). The page carries no CSRF token and
nothing of the visitor, so compressing it gives nothing away (BREACH needs a secret in a
compressed response).

The home page is served the same way (issue 12: its cost must not grow with the city). What it
lists (regions, their departments, each one's latest published year) changes only with a
publication or a saved or deleted region or department; each moves the page's "generation", a
number kept in the shared cache (`home_changed`, run after the change commits: a request
rendering in between stores the new listing under the old generation, which nobody asks for
once it has moved). The generation names the page's entry and its ETag, so a hit costs two
cache reads whatever the number of departments and years. Bulk writes skip the signals: code
that writes regions or departments in bulk calls `home_changed` itself.
"""

import contextlib
import datetime
import functools
import re
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date
from django.utils.text import compress_string
from isal import igzip

from budgets.models import Disclosure

from . import pages
from .page_rows import latest_revision_sql

ACCEPTS_GZIP = re.compile(r"\bgzip\b")
# An uncached page is compressed for each response, with ISA-L (isal): the benchmark page's
# 54 KB took 0.26 ms at zlib's level 1 (11.6 KB), 0.05 ms at ISA-L's level 2 (11.6 KB).
UNCACHED_GZIP_LEVEL = 2
KEY_PREFIX = "page:disclosure:"
STATE_PREFIX = "page:state:"
HOME_PREFIX = "page:home:"
HOME_GENERATION = "page:home-generation"
# Set per response (the bytes' length and coding), never stored with an entry.
PER_RESPONSE = frozenset({"content-length", "content-encoding"})


@functools.cache
def _state_sql():
    """The version's publication time and its latest published revision's id and time, in
    one statement: written out, because compiling the same query through the ORM (two
    subqueries) took longer than the rest of a cached hit."""
    table = connection.ops.quote_name(Disclosure._meta.db_table)
    published = Disclosure.Status.PUBLISHED.value
    return (
        f"SELECT d.published_at, {latest_revision_sql(table, 'id')}, "
        f"{latest_revision_sql(table, 'published_at')} FROM {table} d "
        f"WHERE d.id = %s AND d.status = '{published}'"
    )


def _timestamp(value):
    """Seconds since the epoch of a datetime column as the driver returns it (SQLite: text)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = parse_datetime(value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value.timestamp()


def page_state(pk):
    """(ETag tag, Last-Modified as a timestamp) of published version `pk`'s page: from the
    cache, else in one query (then cached until a correction is published, `forget_states`);
    Http404 when `pk` is not a published version."""
    seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
    if not seconds:  # nothing is cached: no round trip to the shared cache
        return _query_state(pk)
    state = cache.get(STATE_PREFIX + str(pk))
    if state is None:
        state = _query_state(pk)
        cache.set(STATE_PREFIX + str(pk), state, seconds)
    return state


def forget_states(disclosure):
    """Publication hook: a newly published version changes the state of every version of the
    same document (department, year, kind, unit), so their cached states are deleted."""
    same = Disclosure.objects.filter(
        department_id=disclosure.department_id,
        year=disclosure.year,
        kind=disclosure.kind,
        unit_id=disclosure.unit_id,
    )
    pks = {disclosure.pk, *same.values_list("pk", flat=True)}
    cache.delete_many([STATE_PREFIX + str(pk) for pk in pks])


def _query_state(pk):
    with connection.cursor() as cursor:
        cursor.execute(_state_sql(), [pk])
        row = cursor.fetchone()
    if row is None:
        raise Http404("没有这份公开文件，或它尚未公开。")
    return _state(pk, *row)


def _state(pk, published_at, latest_pk, latest_at):
    """(ETag tag, Last-Modified timestamp) of version `pk` from its publication time and its
    latest published revision's id and time."""
    stamps = [s for s in (_timestamp(published_at), _timestamp(latest_at)) if s is not None]
    # Microseconds: two loads of the same data (tests, a restored database) never share a tag.
    micro = "-".join(str(round(stamp * 1_000_000)) for stamp in stamps)
    tag = f"{pk}-{latest_pk}-{micro}-{settings.PAGE_CACHE_VERSION}"
    return tag, int(max(stamps)) if stamps else None


def row_state(disclosure):
    """The state of a version read by `pages.published_page_disclosure` (its row carries
    the latest revision's columns): no query of its own."""
    return _state(
        disclosure.pk, disclosure.published_at, disclosure.page_latest_id, disclosure.page_latest_at
    )


def latest_of(tag):
    """The latest published revision's id named by a state's tag (None: none published)."""
    latest = tag.split("-")[1]
    return int(latest) if latest.isdigit() else None


def render_page(request, pk, tag=None, disclosure=None):
    """The disclosure page's HTML, rendered now (the body itself is the stored one) from
    `disclosure` when already read (`pages.published_page_disclosure`); `tag`, the page's
    state, tells which revision is the latest (one query fewer)."""
    latest = latest_of(tag) if tag else None
    disclosure = disclosure or pages.published_page_disclosure(pk)
    context = pages.disclosure_data(disclosure, latest_pk=latest)
    return render_to_string("portal/disclosure.html", context, request).encode("utf-8")


class LocalPages:
    """The pages this process served last, up to `limit` bytes: an entry's key names its
    version and latest revision, so an entry never goes stale and needs no invalidation;
    it saves the round trip to the shared cache on the busiest pages."""

    def __init__(self):
        self.entries, self.size, self.lock = OrderedDict(), 0, threading.Lock()

    def get(self, key):
        with self.lock:
            held = self.entries.get(key)
            if held is None:
                return None
            expires, entry = held
            if expires < time.monotonic():  # as long as the shared cache keeps it
                self._drop(key)
                return None
            self.entries.move_to_end(key)
            return entry

    def put(self, key, entry, *, limit, seconds, replace=False):
        with self.lock:
            if key in self.entries:
                if not replace:
                    return
                self._drop(key)
            self.entries[key] = (time.monotonic() + seconds, entry)
            self.size += len(entry[0]) + len(entry[1])
            while self.size > limit and self.entries:
                self._drop(next(iter(self.entries)))

    def clear(self):
        with self.lock:
            self.entries.clear()
            self.size = 0

    def _drop(self, key):
        _, entry = self.entries.pop(key)
        self.size -= len(entry[0]) + len(entry[1])


local_pages = LocalPages()


def _cached_entry(key, render):
    """(html, gzip, headers) of the page stored under `key`: from this process, else the
    shared cache, else rendered by `render()` (headers None until `keep_headers` stores
    those of the full chain)."""
    seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
    entry = local_pages.get(key) or cache.get(key)
    if entry is None:
        html = render()
        entry = (html, compress_string(html), None)
        cache.set(key, entry, seconds)
    local_pages.put(key, entry, limit=settings.PUBLIC_PAGE_LOCAL_CACHE_BYTES, seconds=seconds)
    return entry


def _page_response(request, key, render, etag=None, last_modified=None):
    """The response of a cached page: 304 when the client's copy is current, else the page
    stored under `key` (rendered by `render()` and stored on a miss), gzip when accepted."""
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        gzip = ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        if settings.PUBLIC_PAGE_CACHE_SECONDS:
            html, compressed, headers = _cached_entry(key, render)
            content = compressed if gzip else html
        else:  # rendered for this response alone: compressed only when accepted, and fast
            content, headers = render(), {}
            if gzip:
                content = igzip.compress(content, compresslevel=UNCACHED_GZIP_LEVEL, mtime=0)
        response = HttpResponse(content, content_type="text/html; charset=utf-8")
        if gzip:
            response["Content-Encoding"] = "gzip"
        if headers is None:
            response.page_cache_key = key  # for keep_headers, on the way out
    if etag is not None:
        response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    patch_vary_headers(response, ["Accept-Encoding"])
    max_age = settings.PUBLIC_PAGE_MAX_AGE
    # max-age 0: any cache may keep the page but asks us (a 304 at most) before each use.
    patch_cache_control(response, public=True, max_age=max_age, must_revalidate=max_age == 0)
    return response


def disclosure_page(request, pk):
    """The response for published version `pk`: 304 when the client's copy is current,
    else the page from the cache (rendered and stored on a miss), gzip when accepted."""
    if settings.PUBLIC_PAGE_CACHE_SECONDS:
        disclosure = None
        tag, last_modified = page_state(pk)
    else:  # nothing is cached: the version, its frame and its state in one query
        disclosure = pages.published_page_disclosure(pk)
        tag, last_modified = row_state(disclosure)
    return _page_response(
        request,
        KEY_PREFIX + tag,
        lambda: render_page(request, pk, tag, disclosure),
        etag=f'W/"{tag}"',  # weak: the gzip and plain bytes are the same page
        last_modified=last_modified,
    )


def home_generation():
    """The home page's generation from the shared cache (None when nothing is cached). When
    the cache has none (never set, expired, evicted), a new one is drawn: the clock in
    microseconds, beyond every generation drawn earlier plus the changes counted since."""
    seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
    if not seconds:
        return None
    generation = cache.get(HOME_GENERATION)
    if generation is None:
        fresh = time.time_ns() // 1000
        # add(): of two processes drawing at once, the first one's number is kept.
        cache.add(HOME_GENERATION, fresh, seconds)
        generation = cache.get(HOME_GENERATION, fresh)
    return generation


def home_changed(*_args):
    """Something the home page shows has changed (a publication, a region or department
    saved or deleted) and is committed: move the generation, so the next request renders
    the page anew. A publication hook (it is given the version) and called after bulk
    writes of regions or departments."""
    with contextlib.suppress(ValueError):  # none cached: the next request draws a new one
        cache.incr(HOME_GENERATION)


def home_edited(sender, **kwargs):
    """Receiver of the saves and deletions of regions and departments: the home page changes
    once the change commits."""
    transaction.on_commit(home_changed, robust=True)


def _home_tag(generation):
    return f"home-{generation}-{settings.PAGE_CACHE_VERSION}"


def render_home(request):
    """The home page's HTML, rendered now."""
    return render_to_string("portal/home.html", pages.home_data(), request).encode("utf-8")


def home_page(request):
    """The home page's response: like a published version's page, from the cache once
    rendered, until the generation moves (no Last-Modified: the ETag names the generation)."""
    generation = home_generation()
    tag = _home_tag(generation)
    return _page_response(
        request,
        HOME_PREFIX + tag,
        lambda: render_home(request),
        etag=None if generation is None else f'W/"{tag}"',
    )


def cacheable(request):
    """What the middleware may serve from the caches: `("disclosure", pk)` or `("home",
    None)` for an anonymous (no session or messages cookie) GET or HEAD of a published
    version's page or of the home page; else None."""
    if request.method not in ("GET", "HEAD") or not settings.PUBLIC_PAGE_CACHE_SECONDS:
        return None
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if match.view_name == "portal:disclosure":
        return "disclosure", match.kwargs["pk"]
    if match.view_name == "portal:home":
        return "home", None
    return None


def _cached_state(page, pk):
    """(entry key, ETag, Last-Modified) of a cacheable page from the cache alone, or None."""
    if page == "home":
        generation = home_generation()
        if generation is None:
            return None
        tag = _home_tag(generation)
        return HOME_PREFIX + tag, f'W/"{tag}"', None
    state = cache.get(STATE_PREFIX + str(pk))
    if state is None:
        return None
    tag, last_modified = state
    return KEY_PREFIX + tag, f'W/"{tag}"', last_modified


def cached_response(request, page, pk=None):
    """The page from the caches alone (no query), with the headers the full chain set when it
    was first served; None when the state, the page or its headers are not cached yet."""
    state = _cached_state(page, pk)
    if state is None:
        return None
    key, etag, last_modified = state
    entry = local_pages.get(key) or cache.get(key)
    if entry is None or entry[2] is None:
        return None
    html, compressed, headers = entry
    local_pages.put(
        key,
        entry,
        limit=settings.PUBLIC_PAGE_LOCAL_CACHE_BYTES,
        seconds=settings.PUBLIC_PAGE_CACHE_SECONDS,
    )
    conditional = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if conditional is not None:
        response = HttpResponseNotModified() if conditional.status_code == 304 else conditional
        for name, value in headers.items():
            if name.lower() != "content-type":
                response[name] = value
        return response
    gzip = ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", ""))
    response = HttpResponse(compressed if gzip else html, headers=headers)
    if gzip:
        response["Content-Encoding"] = "gzip"
    response["Content-Length"] = str(len(response.content))
    return response


def keep_headers(response):
    """Store the headers the full chain set on a page just served with the page's entry, so
    the middleware's hits carry the same ones (not when the chain set a cookie)."""
    key = getattr(response, "page_cache_key", None)
    if key is None or response.status_code != 200 or response.cookies:
        return
    entry = local_pages.get(key) or cache.get(key)
    if entry is None or entry[2] is not None:
        return
    headers = {k: v for k, v in response.items() if k.lower() not in PER_RESPONSE}
    entry = (entry[0], entry[1], headers)
    seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
    cache.set(key, entry, seconds)
    local_pages.put(
        key, entry, limit=settings.PUBLIC_PAGE_LOCAL_CACHE_BYTES, seconds=seconds, replace=True
    )


class PageCacheMiddleware:
    """Serves the cache hits of a published version's page and of the home page before
    sessions, CSRF, authentication and the rest of the chain (placed right after
    WhiteNoise); everything else, and a miss, goes on to the full chain, whose page's
    headers are stored for the next hits."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        page = cacheable(request)
        if page is not None:
            response = cached_response(request, *page)
            if response is not None:
                return response
        response = self.get_response(request)
        if page is not None:
            keep_headers(response)
        return response
