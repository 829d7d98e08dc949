"""Published pages are cheap (issue 12): served from the cache, revalidated with a 304,
compressed once, and never stale after a correction is published."""

import gzip

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


def test_a_cached_hit_runs_at_most_two_queries(
    client, reference_data, django_assert_max_num_queries
):
    d = factories.disclosure(lines=[("2010301", "100", "0")])
    client.get(d.get_absolute_url())
    with django_assert_max_num_queries(2):
        assert "测试局2025年" in client.get(d.get_absolute_url()).content.decode()


def test_a_published_correction_shows_on_the_old_versions_cached_page_at_once(
    client, reference, editor, reviewer, superuser
):
    url = reference.get_absolute_url()
    before = client.get(url)
    assert "已被更正" not in before.content.decode()
    assert client.get(url).content == before.content  # now from the cache

    correction = disclosure_correct(disclosure=reference, user=superuser, reason="改正错字")
    assert "已被更正" not in client.get(url).content.decode()  # a draft changes nothing yet
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
