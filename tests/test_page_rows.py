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
