"""The uncached published page (issue 12): its frame is read in written-out statements
(portal/page_rows.py) and must render exactly as the ORM-read version does."""

import gzip

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from budgets.workflow import record_publication
from portal import page_cache, pages
from tests import factories


def frame(disclosure, latest_pk=None):
    request = RequestFactory().get(disclosure.get_absolute_url())
    context = pages.disclosure_data(disclosure, latest_pk=latest_pk)
    return render_to_string("portal/disclosure.html", context, request)


def test_the_rows_render_the_page_the_orm_read_version_does(reference, draft):
    corrected = record_publication(disclosure=draft)
    for version in (reference, corrected):
        read = pages.published_page_disclosure(version.pk)
        assert read.department.region.lineage()[0].name == "重庆市"
        assert frame(read, latest_pk=corrected.pk) == frame(pages.get_disclosure(version.pk))
    assert "已被更正" in frame(pages.published_page_disclosure(reference.pk), corrected.pk)


def test_a_units_page_is_titled_with_the_unit(reference_data):
    department = factories.department()
    unit = factories.unit_with_year(department, 2025, name="测试中心")
    d = factories.disclosure(department, unit=unit, lines=[("2010301", "100", "0")])
    read = pages.published_page_disclosure(d.pk)
    assert read.title.startswith("测试中心2025年")
    assert frame(read, latest_pk=d.pk) == frame(pages.get_disclosure(d.pk))


def test_a_draft_is_no_page(reference, draft):
    from django.http import Http404

    with pytest.raises(Http404):
        pages.published_page_disclosure(draft.pk)


def test_an_uncached_page_runs_one_query_and_is_compressed_when_accepted(
    client, reference, settings, django_assert_num_queries
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    url = reference.get_absolute_url()
    with django_assert_num_queries(1):  # the version with its frame, checks and state
        zipped = client.get(url, headers={"accept-encoding": "gzip"})
    plain = client.get(url)
    assert zipped["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain
    assert gzip.decompress(zipped.content) == plain.content
    assert plain.content == page_cache.render_page(plain.wsgi_request, reference.pk)


@pytest.mark.parametrize("allowed", [True, False])
def test_on_postgresql_the_uncached_pages_statement_is_prepared_unless_turned_off(
    client, reference, settings, allowed
):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("预备语句只用于 PostgreSQL。")
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    settings.DB_PREPARED_STATEMENTS = allowed
    pages = [client.get(reference.get_absolute_url()).content for _ in range(2)]
    assert pages[0] == pages[1] and b"<h1>" in pages[0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("page_checks_json" in statement for statement in prepared) == allowed
    # Django's own statements are never prepared: the block restores the connection.
    assert connection.connection.prepare_threshold is None
