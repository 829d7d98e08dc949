"""A draft with thousands of lines (what a large import leaves) keeps its admin screens small:
the change page (where the import's confirm lands) pages each line list, the consistency
check lists its first problems, and the import preview cuts its lists — sizes measured in
bytes of HTML, never in seconds. 2,001 lines show it (unpaged, that page would be 7 MB); the
10,000-line case is measured by tests/benchmarks/bench_import.py, outside the suite."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from budgets import spreadsheets
from budgets.models import (
    ClassificationScheme,
    ClassificationVersion,
    ExpenditureLine,
    FunctionalItem,
    IncomeSource,
)
from tests.adminforms import form_values
from tests.pagetext import visible_text
from tests.test_spreadsheet_import import edited, fill_titles, row_of, upload

LINES = 2_001
PAGES = 11
LINES_PER_PAGE = 200  # as documented in budgets/spreadsheets.md, “很长的表”
MAX_PAGE_BYTES = 1_500_000  # unpaged, 10,001 lines made 35 MB


@pytest.fixture
def long_draft(draft):
    """The draft with LINES 项-level expenditure lines, each of its own synthetic item."""
    version = ClassificationVersion.objects.annual(ClassificationScheme.FUNCTIONAL, draft.year)
    items = [
        FunctionalItem(
            version=version,
            year=draft.year,
            code=f"2{n // 100:04d}{n % 100:02d}",
            name=f"合成项{n}",
        )
        for n in range(LINES)
    ]
    FunctionalItem.objects.bulk_create(items, batch_size=2000)
    items = FunctionalItem.objects.filter(year=draft.year, name__startswith="合成项")
    source = IncomeSource.objects.get(code="general_budget")
    ExpenditureLine.objects.filter(disclosure=draft).delete()
    ExpenditureLine.objects.bulk_create(
        [
            ExpenditureLine(
                disclosure=draft, source=source, functional_item=item, basic=1, project=0
            )
            for item in items
        ],
        batch_size=2000,
    )
    return draft


def change_url(disclosure):
    return reverse("admin:budgets_disclosure_change", args=[disclosure.pk])


def test_the_change_page_of_a_draft_with_thousands_of_lines_stays_small(editor_client, long_draft):
    response = editor_client.get(change_url(long_draft))
    html = response.content.decode()
    assert response.status_code == 200
    assert len(response.content) < MAX_PAGE_BYTES, len(response.content)
    text = visible_text(html)
    assert f"共{LINES}行，分{PAGES}页显示，本页为第1至{LINES_PER_PAGE}行" in text
    prefix = re.search(r'id="(expenditure_lines|[\w-]*expenditureline[\w-]*)-group"', html)
    assert prefix, "the expenditure inline is on the page"
    # About 15 inputs a line (amounts, priors, purpose, reason …): one page of lines, not all.
    assert html.count(f'name="{prefix.group(1)}-') < LINES_PER_PAGE * 20


def test_a_later_page_shows_its_lines_and_saving_it_changes_only_those(editor_client, long_draft):
    first = editor_client.get(change_url(long_draft)).content.decode()
    prefix = re.search(rf'<a href="\?([\w-]+)-page={PAGES}', first).group(1)
    url = f"{change_url(long_draft)}?{prefix}-page={PAGES}"
    page = editor_client.get(url)
    assert f"本页为第{LINES}至{LINES}行" in visible_text(page.content.decode())
    data = form_values(page.content.decode(), form_id="disclosure_form")
    assert data[f"{prefix}-INITIAL_FORMS"] == "1"
    data[f"{prefix}-0-basic"] = "2"
    response = editor_client.post(url, data)
    assert response.status_code == 302, visible_text(response.content.decode())[:2000]
    lines = ExpenditureLine.objects.filter(disclosure=long_draft)
    assert lines.count() == LINES
    assert lines.filter(basic=Decimal(2)).count() == 1


def test_the_preview_of_an_import_of_thousands_of_lines_stays_small(editor_client, long_draft):
    def raise_all(book):
        sheet = book[fill_titles(long_draft)["expenditure"]]
        first = row_of(sheet, "科目编码") + 1
        for row in range(first, first + LINES):
            sheet.cell(row, 4).value = 3  # 基本支出

    content = edited(spreadsheets.template_workbook(long_draft), raise_all)
    preview = upload(editor_client, long_draft, content)
    assert preview.status_code == 200
    assert len(preview.content) < MAX_PAGE_BYTES, len(preview.content)
    text = visible_text(preview.content.decode())
    assert f"修改{LINES}行" in text
    assert f"另有{LINES - LINES_PER_PAGE}行未列出" in text  # the list is cut, the count exact
