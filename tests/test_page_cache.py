"""Published pages are cheap (issue 12): served from the cache, revalidated with a 304,
compressed once, and never stale after a correction is published."""

import gzip

from django.urls import reverse

from budgets.workflow import disclosure_correct
from tests import factories
from tests.conftest import publish


def test_a_client_revalidates_a_published_page_with_a_304(client, reference_data):
    d = factories.disclosure(lines=[("2010301", "100", "0")])
    first = client.get(d.get_absolute_url())
    assert first.status_code == 200
    assert first["ETag"] and first["Last-Modified"]
    assert "public" in first["Cache-Control"] and "max-age=0" in first["Cache-Control"]

    again = client.get(d.get_absolute_url(), headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
    since = client.get(d.get_absolute_url(), headers={"if-modified-since": first["Last-Modified"]})
    assert since.status_code == 304
    stale = client.get(d.get_absolute_url(), headers={"if-none-match": 'W/"old"'})
    assert stale.status_code == 200 and stale.content == first.content


def test_a_hit_runs_no_query_with_the_full_chains_bytes_and_headers(
    client, reference_data, django_assert_num_queries
):
    d = factories.disclosure(lines=[("2010301", "100", "0")])
    url = d.get_absolute_url()
    first = client.get(url, headers={"accept-encoding": "gzip"})  # the full chain
    with django_assert_num_queries(0):
        hit = client.get(url, headers={"accept-encoding": "gzip"})
        plain = client.get(url)
        head = client.head(url)
        revalidated = client.get(url, headers={"if-none-match": first["ETag"]})
    assert not hasattr(hit.wsgi_request, "user")  # served before sessions and auth
    assert hit.content == first.content and dict(hit.headers) == dict(first.headers)
    assert "Content-Security-Policy" in hit and "X-Frame-Options" in hit
    assert "X-Content-Type-Options" in hit and "Accept-Encoding" in hit["Vary"]
    assert "Set-Cookie" not in hit and hit["Content-Encoding"] == "gzip"
    assert gzip.decompress(hit.content) == plain.content and "Content-Encoding" not in plain
    assert "测试局2025年" in plain.content.decode()
    assert head.status_code == 200 and head["ETag"] == first["ETag"]
    assert revalidated.status_code == 304 and revalidated.content == b""
    assert revalidated["ETag"] == first["ETag"] and "Content-Security-Policy" in revalidated


def test_a_logged_in_user_gets_the_full_chain(client, reference_data, superuser):
    d = factories.disclosure(lines=[("2010301", "100", "0")])
    client.get(d.get_absolute_url())
    hit = client.get(d.get_absolute_url())
    assert not hasattr(hit.wsgi_request, "user")  # served before authentication
    client.force_login(superuser)
    staff = client.get(d.get_absolute_url())
    assert staff.status_code == 200 and staff.content == hit.content
    assert staff.wsgi_request.user == superuser  # the whole chain ran
    assert client.get(d.get_absolute_url() + "preview/").status_code == 200


def test_a_published_correction_shows_on_the_old_versions_cached_page_at_once(
    client, reference, editor, reviewer, superuser, django_capture_on_commit_callbacks
):
    url = reference.get_absolute_url()
    before = client.get(url)
    assert "已被更正" not in before.content.decode()
    assert client.get(url).content == before.content  # now from the cache

    correction = disclosure_correct(disclosure=reference, user=superuser, reason="改正错字")
    assert "已被更正" not in client.get(url).content.decode()  # a draft changes nothing yet
    with django_capture_on_commit_callbacks(execute=True):  # the hooks run after the commit
        publish(correction, editor, reviewer)

    after = client.get(url, headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert "已被更正" in after.content.decode() and "更正原因：改正错字" in after.content.decode()


def test_the_page_is_compressed_for_clients_that_accept_gzip(client, reference_data):
    d = factories.disclosure(lines=[("2010301", "100", "0")])
    plain = client.get(d.get_absolute_url())
    packed = client.get(d.get_absolute_url(), headers={"accept-encoding": "gzip, br"})
    assert "Content-Encoding" not in plain and packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 3


def test_a_page_not_published_is_not_served_or_cached(client, reference_data):
    draft = factories.disclosure(published=False)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_each_process_keeps_its_latest_pages_within_its_byte_limit():
    from portal.page_cache import LocalPages

    pages = LocalPages()
    for n in range(3):
        pages.put(f"page{n}", (b"x" * 60, b"y" * 40), limit=250, seconds=60)
    assert pages.get("page0") is None and pages.get("page2") == (b"x" * 60, b"y" * 40)
    assert pages.size == 200
    pages.put("gone", (b"x", b"y"), limit=250, seconds=-1)
    assert pages.get("gone") is None and pages.size == 200


def test_a_home_page_hit_runs_no_query_with_the_full_chains_bytes_and_headers(
    client, reference, django_assert_num_queries
):
    url = reverse("portal:home")
    first = client.get(url, headers={"accept-encoding": "gzip"})  # the full chain
    with django_assert_num_queries(0):
        hit = client.get(url, headers={"accept-encoding": "gzip"})
        plain = client.get(url)
        revalidated = client.get(url, headers={"if-none-match": first["ETag"]})
    assert not hasattr(hit.wsgi_request, "user")  # served before sessions and auth
    assert hit.content == first.content and dict(hit.headers) == dict(first.headers)
    assert "Content-Security-Policy" in hit and "Set-Cookie" not in hit
    assert gzip.decompress(hit.content) == plain.content
    assert reference.department.name in plain.content.decode()
    assert revalidated.status_code == 304 and revalidated.content == b""


def test_a_publication_gives_the_home_page_a_new_etag(
    client, reference_data, django_capture_on_commit_callbacks
):
    url = reverse("portal:home")
    before = client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        d = factories.disclosure(lines=[("2010301", "100", "0")])
    after = client.get(url, headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert d.get_absolute_url() in after.content.decode()


def test_the_home_page_outlives_its_generation_leaving_the_cache(client, reference):
    from django.core.cache import cache

    from portal.page_cache import HOME_GENERATION

    url = reverse("portal:home")
    first = client.get(url)
    cache.delete(HOME_GENERATION)  # evicted: a new generation, the page rendered anew
    again = client.get(url, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 200 and again["ETag"] != first["ETag"]
    assert again.content == first.content
