"""The fill-in workbook (填报模板) holds every table of the region's catalogue under the
titles the region prints; its 增减 and 合计 cells are formulas, so changing one amount is
exactly one change, and a filled template comes back to the page."""

import io
from decimal import Decimal

import openpyxl
import pytest

from budgets import spreadsheets
from budgets.models import Disclosure
from budgets.tables import catalogue_for, workbook_titles
from budgets.workflow import disclosure_correct
from portal.disclosure_file import load_disclosure_file
from tests.test_second_region import COUNTED, SECOND, TABLES
from tests.test_spreadsheet_import import apply, edited, messages_of, preview, row_of


@pytest.fixture
def second_draft(reference, superuser):
    """A correction of the second region's disclosure: nine tables in 元, lines at 项."""
    second = load_disclosure_file(SECOND).disclosure
    return disclosure_correct(disclosure=second, user=superuser, reason="测试用更正")


def page_tables(disclosure):
    """{title: table} as the disclosure page builds them."""
    from portal.pages import body_data

    fresh = Disclosure.objects.for_page().get(pk=disclosure.pk)
    return {table.title: table for table in body_data(fresh)["tables"]}


def row_values(table, label):
    return next(table.values(row) for row in table.rows if label in map(str, row.values[:2]))


def titles(draft):
    return workbook_titles(catalogue_for(draft))


def test_the_template_holds_every_table_of_the_catalogue_under_its_printed_title(second_draft):
    book = openpyxl.load_workbook(io.BytesIO(spreadsheets.template_workbook(second_draft)))
    assert book.sheetnames[1 : 1 + len(TABLES)] == TABLES
    assert titles(second_draft)["income"] == "部门收入预算表"
    computed = book["财政拨款收支预算总表"]
    assert "导入时不读取" in " ".join(str(c.value) for c in computed["A"] if c.value)


def test_changes_and_totals_of_the_template_are_formulas(second_draft):
    book = openpyxl.load_workbook(io.BytesIO(spreadsheets.template_workbook(second_draft)))
    income = book[titles(second_draft)["income"]]
    row = row_of(income, "一般公共预算拨款")
    assert income.cell(row, 4).value == f'=IF(COUNT(B{row}:C{row})<2,"",B{row}-C{row})'
    total = row_of(income, "合计")
    assert income.cell(total, 2).value == f"=SUM(B4:B{total - 1})"


def test_one_amount_changed_in_the_template_is_exactly_one_change(second_draft, superuser):
    def one_amount(book):
        sheet = book[titles(second_draft)["income"]]
        sheet.cell(row_of(sheet, "一般公共预算拨款"), 2).value = 12345.67

    result = preview(
        second_draft, edited(spreadsheets.template_workbook(second_draft), one_amount), superuser
    )
    assert result.ok, messages_of(result)
    assert result.change_count == 1
    [changed] = [table for table in result.changes if table.count]
    assert changed.key == "income" and len(changed.changed) == 1
    assert changed.changed[0].values[0][2] == "12345.67"
    assert any("已按各行重新计算" in notice for notice in result.notices)


def test_a_template_saved_unchanged_is_no_change(second_draft, superuser):
    result = preview(second_draft, spreadsheets.template_workbook(second_draft), superuser)
    assert result.ok, messages_of(result)
    assert result.change_count == 0


def test_a_filled_template_comes_back_to_every_table_of_the_page(second_draft, superuser):
    names = titles(second_draft)
    before = page_tables(second_draft)
    expenditure_before = before["部门支出预算表"]
    code = next(
        v["code"]
        for v in map(expenditure_before.values, expenditure_before.rows)
        if len(v["code"]) == 7
    )
    old = row_values(expenditure_before, code)

    def fill(book):
        sheet = book[names["expenditure"]]
        row = row_of(sheet, code)
        sheet.cell(row, 4).value = float(old["basic"] + 10)  # 基本支出 +10万元
        sheet = book[names["income"]]
        row = row_of(sheet, "一般公共预算拨款")
        sheet.cell(row, 2).value = float(
            row_values(before["部门收入预算表"], "一般公共预算拨款")["amount"] + 10
        )

    result = preview(
        second_draft, edited(spreadsheets.template_workbook(second_draft), fill), superuser
    )
    assert result.ok, messages_of(result)
    assert result.change_count == 2
    apply(second_draft, result, superuser)

    after = page_tables(second_draft)
    line = row_values(after["部门支出预算表"], code)
    assert line["basic"] == old["basic"] + 10 and line["amount"] == old["amount"] + 10
    for title, index in (
        ("部门收入预算表", 1),
        ("部门支出预算表", 2),
        ("部门财务收支预算总表", 1),
        ("部门财务收支预算总表", 3),
    ):
        grown = before[title].total.values[index] + Decimal(10)
        assert after[title].total.values[index] == grown, title
    assert list(after) == [*TABLES, *COUNTED]
