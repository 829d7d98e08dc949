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


def header_column(sheet, title):
    return next(cell.column for cell in sheet[3] if cell.value == title)


def test_the_template_carries_each_lines_prior_execution_purpose_and_reason(second_draft):
    book = openpyxl.load_workbook(io.BytesIO(spreadsheets.template_workbook(second_draft)))
    sheet = book[titles(second_draft)["expenditure"]]
    row = row_of(sheet, "2010102")
    assert sheet.cell(row, header_column(sheet, "上年预算数")).value == pytest.approx(160)
    assert sheet.cell(row, header_column(sheet, "主要用途")).value == "人大代表履职培训、视察调研"
    reason = sheet.cell(row, header_column(sheet, "增减原因")).value
    assert reason == "主要原因是新增人大代表履职培训项目"
    assert header_column(sheet, "上年执行数")
    income = book[titles(second_draft)["income"]]
    assert header_column(income, "上年执行数") and header_column(income, "增减原因")


def test_a_lines_prior_execution_purpose_and_reason_come_back_from_the_template(
    second_draft, superuser
):
    def describe(book):
        sheet = book[titles(second_draft)["expenditure"]]
        row = row_of(sheet, "2010104")
        sheet.cell(row, header_column(sheet, "上年执行数")).value = 65.5
        sheet.cell(row, header_column(sheet, "主要用途")).value = "人代会会务"

    content = edited(spreadsheets.template_workbook(second_draft), describe)
    result = preview(second_draft, content, superuser)
    assert result.ok, messages_of(result)
    [changed] = [table for table in result.changes if table.count]
    assert changed.key == "expenditure" and len(changed.changed) == 1
    assert {label for label, _, _ in changed.changed[0].values} == {"上年执行数", "主要用途"}
    apply(second_draft, result, superuser)
    line = second_draft.expenditure_lines.get(functional_item__code="2010104")
    assert (line.prior_execution, line.purpose) == (Decimal("65.5"), "人代会会务")
    assert line.change_reason == "主要原因是压减会议规模和会期"  # untouched


def test_a_prepared_years_template_round_trips_its_empty_lines_and_their_priors(
    reference, superuser
):
    from budgets import annual

    draft, _ = annual.prepare_year(department=reference.department, year=2026, user=superuser)
    content = spreadsheets.template_workbook(draft)
    result = preview(draft, content, superuser)
    assert result.ok, messages_of(result)
    assert result.change_count == 0

    def fill_one(book):
        sheet = book[titles(draft)["expenditure"]]
        sheet.cell(row_of(sheet, "201"), 3).value = 10000

    result = preview(draft, edited(content, fill_one), superuser)
    assert result.ok, messages_of(result)
    [changed] = [table for table in result.changes if table.count]
    assert [c.values for c in changed.changed] == [
        [("合计（未分基本/项目）", "（空）", "10000.00")]
    ]


# ---------------------------------------------------------------- equipment and set-aside

EQUIPMENT, SET_ASIDE = "单位价值较高的设备情况表", "政府采购预留份额表"


def test_the_template_holds_the_equipment_and_the_set_aside(second_draft):
    book = openpyxl.load_workbook(io.BytesIO(spreadsheets.template_workbook(second_draft)))
    equipment = book[EQUIPMENT]
    assert [c.value for c in equipment[3]] == [
        "设备类别",
        "价值标准（万元）",
        "数量（截至2024年12月）",
    ]
    assert [[c.value for c in equipment[n]] for n in (4, 5)] == [
        ["通用设备", 50, 1],
        ["专用设备", 100, 0],
    ]
    assert equipment.cell(row_of(equipment, "合计"), 3).value.startswith("=SUM(C4:C5)")
    set_aside = book[SET_ASIDE]
    assert [[c.value for c in set_aside[n]] for n in (4, 5)] == [
        ["面向中小企业预留", 50],
        ["其中：面向小微企业预留", 30],
    ]


def test_one_equipment_count_changed_is_exactly_that_change(second_draft, superuser):
    def more_equipment(book):
        sheet = book[EQUIPMENT]
        sheet.cell(row_of(sheet, "通用设备"), 3).value = 3

    content = edited(spreadsheets.template_workbook(second_draft), more_equipment)
    result = preview(second_draft, content, superuser)
    assert result.ok, messages_of(result)
    assert result.change_count == 1
    [changed] = [table for table in result.changes if table.count]
    assert (changed.key, changed.title) == ("equipment", EQUIPMENT)
    assert [(c.label, c.values) for c in changed.changed] == [
        ("通用设备（单位价值50.00万元以上）", [("数量（台/套）", "1", "3")])
    ]
    apply(second_draft, result, superuser)
    lines = second_draft.equipment_lines.order_by("order")
    assert [(line.category, line.threshold, line.count) for line in lines] == [
        ("通用设备", Decimal(50), 3),
        ("专用设备", Decimal(100), 0),
    ]
    table = page_tables(second_draft)[EQUIPMENT]
    assert table.total.values[2] == 3


def test_the_set_aside_comes_back_from_the_template(second_draft, superuser):
    def new_set_aside(book):
        sheet = book[SET_ASIDE]
        sheet.cell(row_of(sheet, "面向中小企业预留"), 2).value = 60
        sheet.cell(row_of(sheet, "其中：面向小微企业预留"), 2).value = None

    content = edited(spreadsheets.template_workbook(second_draft), new_set_aside)
    result = preview(second_draft, content, superuser)
    assert result.ok, messages_of(result)
    [changed] = [table for table in result.changes if table.count]
    assert changed.key == "set-aside"
    assert changed.changed[0].values == [
        ("面向中小企业预留", "50.00", "60.00"),
        ("其中：面向小微企业预留", "30.00", "（空）"),
    ]
    apply(second_draft, result, superuser)
    second_draft.refresh_from_db()
    assert second_draft.procurement_sme_amount == Decimal(60)
    assert second_draft.procurement_micro_amount is None


def test_a_file_without_the_new_sheets_leaves_equipment_and_set_aside_as_they_are(
    second_draft, superuser
):
    def older_file(book):
        sheet = book[EQUIPMENT]
        book.remove(sheet)
        book.remove(book[SET_ASIDE])

    content = edited(spreadsheets.template_workbook(second_draft), older_file)
    result = preview(second_draft, content, superuser)
    assert result.ok, messages_of(result)
    assert result.change_count == 0
    assert {table.key for table in result.changes}.isdisjoint({"equipment", "set-aside"})


def set_cells(sheet_title, cells):
    def change(book):
        sheet = book[sheet_title]
        for first, column, value in cells:
            sheet.cell(row_of(sheet, first), column).value = value

    return change


def copy_row(sheet_title, first):
    def change(book):
        sheet = book[sheet_title]
        values = [c.value for c in sheet[row_of(sheet, first)]]
        sheet.insert_rows(4)
        for i, value in enumerate(values, start=1):
            sheet.cell(4, i).value = value

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param(
            set_cells(EQUIPMENT, [("通用设备", 3, -1)]),
            f"{EQUIPMENT} 第4行，C列（数量（截至2024年12月））：“-1”应为不小于0的整数。",
            id="negative-count",
        ),
        pytest.param(
            set_cells(EQUIPMENT, [("专用设备", 2, "一百")]),
            f"{EQUIPMENT} 第5行，B列（价值标准）：“一百”不是有效数字。",
            id="threshold-not-a-number",
        ),
        pytest.param(
            set_cells(EQUIPMENT, [("专用设备", 2, None)]),
            f"{EQUIPMENT} 第5行，B列（价值标准）：缺少价值标准：填单位价值标准（万元），"
            "如50表示单位价值50万元以上。",
            id="no-threshold",
        ),
        pytest.param(
            copy_row(EQUIPMENT, "专用设备"),
            f"{EQUIPMENT} 第6行：设备类别“专用设备”（单位价值100.00万元以上）重复，已在第4行填写。",
            id="duplicate",
        ),
        pytest.param(
            set_cells(EQUIPMENT, [("合计", 3, 5)]),
            f"{EQUIPMENT} 第6行，C列（数量（截至2024年12月））：5与各行之和1不相等。",
            id="total",
        ),
        pytest.param(
            set_cells(SET_ASIDE, [("其中：面向小微企业预留", 2, 80)]),
            f"{SET_ASIDE} 第5行，B列（金额）：面向小微企业预留80.00超过面向中小企业预留50.00："
            "小微企业预留是中小企业预留的一部分。",
            id="micro-above-sme",
        ),
        pytest.param(
            set_cells(SET_ASIDE, [("面向中小企业预留", 1, "预留合计")]),
            f"{SET_ASIDE} 第4行，A列（项目）：项目“预留合计”无法识别，"
            "应为：面向中小企业预留、其中：面向小微企业预留。",
            id="unknown-row",
        ),
    ],
)
def test_a_bad_equipment_or_set_aside_cell_is_an_error_at_its_place(
    second_draft, superuser, change, message
):
    content = edited(spreadsheets.template_workbook(second_draft), change)
    result = preview(second_draft, content, superuser)
    assert message in messages_of(result), messages_of(result)
    assert not result.changes  # nothing to confirm: a file with problems is never applied


def test_the_published_export_reads_its_equipment_as_the_draft_holds_it(
    client, second_draft, superuser
):
    """The download words the threshold (单位价值50万元以上): the import reads it."""
    from tests.test_spreadsheet_import import exported

    source = Disclosure.objects.get(
        department=second_draft.department, year=2025, status=Disclosure.Status.PUBLISHED
    )
    content = exported(client, source)
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book[EQUIPMENT].cell(4, 2).value == "单位价值50万元以上"
    result = preview(second_draft, content, superuser)
    assert not [issue for issue in result.issues if issue.sheet == EQUIPMENT]
    assert result.plan["equipment"].lines == {
        ("通用设备", Decimal(50)): {"order": 1, "count": 1},
        ("专用设备", Decimal(100)): {"order": 2, "count": 0},
    }
