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

A cached hit runs one query (the version and its latest revision). The page carries no CSRF
token and nothing of the visitor, so compressing it gives nothing away (BREACH needs a secret
in a compressed response).
"""

import re

from django.conf import settings
from django.core.cache import cache
from django.db.models import BigIntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.text import compress_string

from budgets.models import Disclosure

from . import pages

ACCEPTS_GZIP = re.compile(r"\bgzip\b")
KEY_PREFIX = "page:disclosure:"


def page_state(pk):
    """(ETag, Last-Modified as a timestamp) of published version `pk`'s page, in one query;
    Http404 when `pk` is not a published version."""

    def _unit_key(ref):
        return Coalesce(ref, Value(0), output_field=BigIntegerField())

    latest = (
        Disclosure.objects.published()
        .filter(
            department_id=OuterRef("department_id"), year=OuterRef("year"), kind=OuterRef("kind")
        )
        .alias(unit_key=_unit_key("unit_id"))
        .filter(unit_key=_unit_key(OuterRef("unit_id")))
        .order_by("-revision")
    )
    row = (
        Disclosure.objects.published()
        .filter(pk=pk)
        .annotate(
            latest_pk=Subquery(latest.values("pk")[:1]),
            latest_at=Subquery(latest.values("published_at")[:1]),
        )
        .values_list("published_at", "latest_pk", "latest_at")
        .first()
    )
    if row is None:
        raise Http404("没有这份公开文件，或它尚未公开。")
    published_at, latest_pk, latest_at = row
    stamps = [moment.timestamp() for moment in (published_at, latest_at) if moment]
    # Microseconds: two loads of the same data (tests, a restored database) never share a tag.
    micro = [round(stamp * 1_000_000) for stamp in stamps]
    tag = f"{pk}-{latest_pk}-{'-'.join(map(str, micro))}-{settings.PAGE_CACHE_VERSION}"
    return tag, int(max(stamps)) if stamps else None


def render_page(request, pk):
    """The disclosure page's HTML, rendered now (the body itself is the stored one)."""
    context = pages.disclosure_data(pages.get_disclosure(pk))
    return render_to_string("portal/disclosure.html", context, request).encode("utf-8")


def disclosure_page(request, pk):
    """The response for published version `pk`: 304 when the client's copy is current,
    else the page from the cache (rendered and stored on a miss), gzip when accepted."""
    tag, last_modified = page_state(pk)
    etag = f'W/"{tag}"'  # weak: the gzip and plain bytes are the same page
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        entry = cache.get(KEY_PREFIX + tag) if seconds else None
        if entry is None:
            html = render_page(request, pk)
            entry = (html, compress_string(html))
            if seconds:
                cache.set(KEY_PREFIX + tag, entry, seconds)
        html, compressed = entry
        gzip = ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        response = HttpResponse(
            compressed if gzip else html, content_type="text/html; charset=utf-8"
        )
        if gzip:
            response["Content-Encoding"] = "gzip"
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    patch_vary_headers(response, ["Accept-Encoding"])
    max_age = settings.PUBLIC_PAGE_MAX_AGE
    # max-age 0: any cache may keep the page but asks us (a 304 at most) before each use.
    patch_cache_control(response, public=True, max_age=max_age, must_revalidate=max_age == 0)
    return response
