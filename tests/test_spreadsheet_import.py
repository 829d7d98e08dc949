"""Disclosure spreadsheets: the fill-in template, and importing a workbook into a draft —
previewed first, applied all or nothing, refused with a Chinese message (and the database
exactly as it was) for every kind of bad file or target."""

import hashlib
import io
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from budgets import reference_data as shipped
from budgets import spreadsheets
from budgets.figures import FUND_BUDGETS
from budgets.models import (
    BasicExpenditureLine,
    Disclosure,
    ExpenditureLine,
    IncomeLine,
    KeyProject,
    OfficialExpenseLine,
    ProcurementLine,
    VehicleLine,
)
from budgets.spreadsheets.tables import OPTIONAL_SHEETS, UNIT_SUFFIX, TablePlan, fill_in_titles
from budgets.spreadsheets.workbook import megabytes
from budgets.tables import REGISTRY, SHEET_TITLES, catalogue_for
from budgets.workflow import PART_MODELS, disclosure_correct, disclosure_submit
from portal import opendata
from portal.disclosure_file import load_disclosure_file
from portal.models import AuditEvent
from tests import factories
from tests.adminforms import form_values
from tests.conftest import make_user, record_checks
from tests.pagetext import squash, visible_text
from tests.test_second_region import SECOND

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AFFECTED = [Disclosure, *PART_MODELS]
INCOME, EXPENDITURE = "部门收入总表", "部门支出总表"
OFFICIAL, VEHICLES = "一般公共预算“三公”经费支出表", "车辆情况表"


def fill_titles(draft):
    """{table key: sheet title} of a draft's fill-in template (its region's catalogue titles);
    an exported file keeps the sheet titles above."""
    return fill_in_titles(catalogue_for(draft))


def snapshot():
    """Row counts and a checksum of every table an import may touch, history included."""
    state = {}
    for model in AFFECTED:
        rows = list(model.objects.order_by("pk").values_list())
        state[model._meta.label] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
        state[f"{model._meta.label} history"] = model.history.count()
    return state


def exported(client, disclosure):
    response = client.get(reverse("portal:disclosure_xlsx", args=[disclosure.pk]))
    assert response.status_code == 200
    return response.content


def edited(content, change):
    """The workbook `content` after `change(book)`, as .xlsx bytes (a real file, via openpyxl)."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    change(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def row_of(sheet, first):
    """The row number whose first cell is `first`."""
    return next(r[0].row for r in sheet.iter_rows() if r[0].value == first)


def clear_body(sheet):
    """Delete every row below the header (merged note cells first: openpyxl keeps them)."""
    for merged in list(sheet.merged_cells.ranges):
        if merged.min_row > 3:
            sheet.unmerge_cells(str(merged))
    sheet.delete_rows(4, sheet.max_row)


def clear_lines(disclosure):
    for model in PART_MODELS:
        if model.__name__ != "DisclosureCheck":
            for row in model.objects.filter(disclosure=disclosure):
                row.delete()


def preview(disclosure, content, user, name="表.xlsx"):
    return spreadsheets.preview_import(
        disclosure=disclosure, upload=io.BytesIO(content), user=user, file_name=name
    )


def apply(disclosure, result, user):
    return spreadsheets.apply_import(
        disclosure=disclosure,
        plan=result.plan,
        expected_fingerprint=result.fingerprint,
        user=user,
    )


def messages_of(result):
    return [str(issue) for issue in result.issues]


def figures_of(disclosure):
    """Every figure of a disclosure an import writes, each line with its fund type (资金来源)
    and texts, and what the page computes from them."""
    d = Disclosure.objects.for_page().get(pk=disclosure.pk)
    f = d.figures

    def rows(functional):
        return [(r.code, r.amount, r.basic, r.project, rows(r.children)) for r in functional]

    def fund(budget):
        return budget and (budget.source.name, budget.income, budget.spending)

    return {
        "income": f.income,
        "income lines": [
            (line.source.name, line.comparison, line.prior_execution, line.change_reason)
            for line in f.income_lines
        ],
        "expenditure lines": sorted(
            (
                line.source.name,
                line.functional_item.code if line.functional_item_id else "",
                (line.total, line.basic, line.project, line.prior_amount, line.prior_execution),
                (line.purpose, line.change_reason),
            )
            for line in f.expenditure_lines
        ),
        "by source": [
            (s.name, f.expenditure_from(s.code), f.split_from(s.code))
            for s in f.appropriation_sources
        ],
        "fund budgets": [fund(f.fund_budget(code)) for code in FUND_BUDGETS],
        "economic lines": [
            (line.economic_item.code, line.amount, line.prior_amount) for line in f.basic_lines
        ],
        "official reasons": [(x.item.name, x.change_reason) for x in f.official_expense_lines],
        "equipment": [(x.category, x.threshold, x.count) for x in f.equipment_lines],
        "set-aside": f.procurement_set_aside,
        "expenditure": f.expenditure,
        "by function": f.expenditure_by_function,
        "functional rows": rows(f.functional_rows),
        "basic": f.basic,
        "project": f.project,
        "headline": [(label, c) for label, c, _ in f.headline_rows],
        "official": f.official_expenses,
        "official table": [(label, c) for label, c, _ in f.official_expense_table],
        "procurement": (f.procurement.amount, [(c.name, a) for c, a in f.procurement.by_category]),
        "procurement by source": [
            (r.label, r.amount, [(c.name, a) for c, a in r.by_category])
            for r in f.procurement_by_source
        ],
        "vehicles": (f.vehicles_held, f.vehicles_planned),
        "key projects": [(p.name, p.amount) for p in f.key_projects],
    }


def import_url(disclosure):
    return reverse("admin:budgets_disclosure_spreadsheet_import", args=[disclosure.pk])


def upload(client, disclosure, content, name="公开表格.xlsx"):
    handle = io.BytesIO(content)
    handle.name = name
    return client.post(import_url(disclosure), {"file": handle})


# ---------------------------------------------------------------- round trips


def test_an_exported_workbook_imports_into_a_cleared_draft_with_the_same_figures(
    client, reference, draft, superuser
):
    expected = figures_of(reference)
    clear_lines(draft)
    draft.prior_basic = draft.prior_project = None
    draft.save()
    assert figures_of(draft) != expected

    result = preview(draft, exported(client, reference), superuser)
    assert result.ok, messages_of(result)
    assert {t.title: len(t.new) for t in result.changes}[EXPENDITURE] == 5  # 4 类 + the split
    applied = apply(draft, result, superuser)

    assert figures_of(draft) == expected
    assert applied.created == 6 + 5 + 4 + 3 + 2 + 25 and applied.deleted == 0
    assert Disclosure.objects.get(pk=draft.pk).prior_basic == Decimal("2128.46")


def test_the_second_regions_export_imports_whole_with_its_fund_lines(client, reference, superuser):
    """Its fund budget (政府性基金, 只填合计), a 项 paid from two sources, reasons and uses,
    equipment and the SME set-aside: the export carries every line with its 资金来源."""
    second = load_disclosure_file(SECOND).disclosure
    content = exported(client, second)
    expected = figures_of(second)
    draft = disclosure_correct(disclosure=second, user=superuser, reason="测试用更正")
    clear_lines(draft)
    draft.procurement_sme_amount = draft.procurement_micro_amount = None
    draft.save()

    result = preview(draft, content, superuser)
    assert result.ok, messages_of(result)
    apply(draft, result, superuser)
    assert figures_of(draft) == expected
    fund = ExpenditureLine.objects.get(disclosure=draft, source__code="government_fund")
    assert (fund.functional_item.code, fund.total, fund.basic) == ("2296002", Decimal(25), None)

    # One amount changed, with the cells the export computes from it (its 类 and 款 rows,
    # the 合计 row, the basic/project table), as a spreadsheet's formulas would: exactly
    # that change is previewed, nothing else fails.
    def more_for_the_fund(book):
        for title, first, column in (
            ("部门支出预算表", "229", 3),
            ("部门支出预算表", "22960", 3),
            ("部门支出预算表", "2296002", 3),
            ("部门支出预算表", "合计", 3),
            ("基本支出和项目支出表", "政府性基金预算财政拨款支出", 2),
            ("基本支出和项目支出表", "政府性基金预算财政拨款支出", 4),
        ):
            book[title].cell(row_of(book[title], first), column).value += 5

    draft.refresh_from_db()  # the set-aside is the draft's own
    changed = preview(draft, edited(content, more_for_the_fund), superuser)
    assert changed.ok, messages_of(changed)
    assert [(t.title, [c.label for c in t.changed]) for t in changed.changes if t.count] == [
        ("部门支出预算表", ["2296002 用于社会福利的彩票公益金支出［政府性基金预算拨款］"])
    ]
    assert changed.change_count == 1

    # The row of a code paid from several sources sums them: it is checked, never stored.
    broken = edited(content, set_cell("部门支出预算表", "2010150", 3, 140))
    assert (
        "部门支出预算表 第9行，C列（合计）：科目2010150的140.00与该科目各资金来源之和140.64205不相等。"
        in (messages_of(preview(draft, broken, superuser)))
    )


def test_an_export_without_the_import_columns_still_imports(client, reference, draft, superuser):
    """Files exported before the download carried 资金来源, 上年预算数 … and the optional
    sheets: a missing column or sheet leaves its fields as they are (资金来源: 一般公共预算)."""

    def old_layout(book):
        book.remove(book["单位价值较高的设备情况表"])
        book.remove(book["政府采购预留份额表"])
        for title, first_added in ((EXPENDITURE, 6), (INCOME, 5), (OFFICIAL, 5)):
            book[title].delete_cols(first_added, 5)
            book[title].cell(2, first_added - 1).value = "单位：万元"  # over the last column

    content = edited(exported(client, reference), old_layout)
    header = openpyxl.load_workbook(io.BytesIO(content))[EXPENDITURE][3]
    assert [c.value for c in header if c.value] == [
        "科目编码",
        "科目名称",
        "合计",
        "基本支出",
        "项目支出",
    ]
    result = preview(draft, content, superuser)
    assert result.ok, messages_of(result)
    assert result.change_count == 0


def test_importing_the_same_file_twice_changes_nothing_the_second_time(
    client, reference, draft, superuser
):
    content = exported(client, reference)
    clear_lines(draft)
    apply(draft, preview(draft, content, superuser), superuser)
    before = snapshot()

    again = preview(draft, content, superuser)
    assert again.ok and again.change_count == 0
    # …and the set-aside, one line of the disclosure itself (the export's optional sheet)
    assert sum(len(t.unchanged) for t in again.changes) == 6 + 5 + 1 + 4 + 3 + 2 + 25 + 1
    assert snapshot() == before


def test_a_file_downloaded_under_the_old_sheet_titles_still_imports(
    client, reference, draft, superuser
):
    """Downloads now carry the catalogue's titles; files saved before used the sheet titles."""

    def old_titles(book):
        for key, old in spreadsheets.SHEETS.items():
            new = fill_titles(draft)[key]
            if new in book.sheetnames and old not in book.sheetnames:
                book[new].title = old

    content = edited(exported(client, reference), old_titles)
    assert "收入预算表" in openpyxl.load_workbook(io.BytesIO(content)).sheetnames
    result = preview(draft, content, superuser)
    assert result.ok, messages_of(result)
    assert result.change_count == 0


def test_the_template_of_a_draft_imports_back_without_a_change(draft, superuser):
    result = preview(draft, spreadsheets.template_workbook(draft), superuser)
    assert result.ok, messages_of(result)
    assert result.change_count == 0


def test_the_template_has_the_exports_sheets_and_headers_plus_reference_lists(
    client, reference, draft, superuser
):
    assert list(SHEET_TITLES.values()) == list(opendata.TABLES.values())
    assert list(spreadsheets.SHEETS.values()) == [*SHEET_TITLES.values(), *OPTIONAL_SHEETS.values()]
    template = openpyxl.load_workbook(io.BytesIO(spreadsheets.template_workbook(draft)))
    export = openpyxl.load_workbook(io.BytesIO(exported(client, reference)))
    catalogue = [entry.title or REGISTRY[entry.key].title for entry in catalogue_for(draft)]
    assert template.sheetnames == [
        "填表说明",
        *catalogue,
        *(title for title in fill_titles(draft).values() if title not in catalogue),
        "功能分类科目（参考）",
        "经济分类科目（参考）",
    ]
    computed = {"人员经费", "公用经费"}  # printed by the export, computed on import

    def headers(sheet):  # 价值标准（万元） and 价值标准 are one column to the import
        return [UNIT_SUFFIX.sub("", c.value) for c in sheet[3] if c.value not in computed]

    # The export carries every column of the template (资金来源, 上年执行数, 增减原因 …) and
    # every sheet the import reads, so it imports whole.
    for key, title in fill_titles(draft).items():
        if key == "procurement":
            continue  # the export lists only the categories in use
        assert headers(template[title]) == headers(export[title]), title
        sheet = template[fill_titles(draft)[key]]
        assert sheet.cell(2, sheet.max_column).value in ("单位：万元", "单位：辆", "单位：台（套）")
    codes = [r[0].value for r in template["功能分类科目（参考）"].iter_rows(min_row=2)]
    listed = shipped.read_list(shipped.DATA_DIR / "functional-2025.csv")
    assert "2010301" in codes and len(codes) == len(listed.rows)  # the 2025 list, whole
    income = {r[0].value: r for r in template[fill_titles(draft)["income"]].iter_rows(min_row=4)}
    assert income["一般公共预算拨款"][2].value == pytest.approx(10343.34)  # last year's figure
    official = {
        r[0].value: r
        for r in template[fill_titles(draft)["official-expenses"]].iter_rows(min_row=4)
    }
    assert official["公务接待费"][4].value  # its reason


def test_a_prepared_draft_offers_last_years_codes_and_keeps_its_prior_figures(
    client, reference_data, superuser
):
    from budgets.annual import prepare_year

    department = factories.department("上年局")
    factories.item("2010301", 2026, "行政运行")
    factories.disclosure(department, lines=[("2010301", "100", "20")])
    draft, _ = prepare_year(department=department, year=2026, user=superuser)
    template = openpyxl.load_workbook(io.BytesIO(spreadsheets.template_workbook(draft)))
    rows = [
        [c.value for c in r]
        for r in template[fill_titles(draft)["expenditure"]].iter_rows(min_row=4)
    ]
    assert rows[0][:2] + rows[0][3:5] == ["2010301", "行政运行", None, None]
    assert rows[0][2].startswith("=")  # 合计 = 基本 + 项目, blank while both are blank
    header = [c.value for c in template[fill_titles(draft)["income"]][3]]
    assert header[1:3] == ["2026年预算数", "2025年预算数"]

    result = preview(draft, spreadsheets.template_workbook(draft), superuser)
    assert result.ok and result.change_count == 0  # listed codes without figures are no lines


def test_project_level_lines_are_read_with_their_rollups_checked(draft, superuser):
    def fill(book):
        sheet = book[fill_titles(draft)["expenditure"]]
        clear_body(sheet)
        for values in [
            ["201", "一般公共服务支出", 150, 100, 50, ""],
            ["20103", "政府办公厅（室）及相关机构事务", 150, None, None, ""],
            ["2010301", "行政运行", None, 100, 0, ""],
            ["2010302", "一般行政管理事务", 50, 0, 50, "一般公共预算拨款"],
            ["合计", None, 150, 100, 50, None],
        ]:
            sheet.append(values)

    result = preview(draft, edited(spreadsheets.template_workbook(draft), fill), superuser)
    assert result.ok, messages_of(result)
    plan = result.plan["expenditure"].lines
    assert set(plan) == {("general_budget", "2010301"), ("general_budget", "2010302")}
    assert plan[("general_budget", "2010302")] == {
        "basic": Decimal(0),
        "project": Decimal(50),
        "total": None,
        # The template's optional columns, left blank here.
        "prior_amount": None,
        "prior_execution": None,
        "purpose": "",
        "change_reason": "",
    }


def test_a_rollup_that_does_not_add_up_is_an_error(draft, superuser):
    def fill(book):
        sheet = book[fill_titles(draft)["expenditure"]]
        clear_body(sheet)
        sheet.append(["201", "一般公共服务支出", 160, None, None, ""])
        sheet.append(["2010301", "行政运行", None, 100, 50, ""])

    result = preview(draft, edited(spreadsheets.template_workbook(draft), fill), superuser)
    assert (
        f"{fill_titles(draft)['expenditure']} 第4行，C列（合计）：科目201的合计160.00与其下各科目之和150.00不相等。"
        in (messages_of(result))
    )


def test_a_sheet_in_yuan_is_read_in_yuan(client, reference, draft, superuser):
    def in_yuan(book):
        sheet = book[INCOME]
        sheet["D2"] = "单位：元"
        for row in sheet.iter_rows(min_row=4, min_col=2, max_col=4):
            for cell in row:
                if isinstance(cell.value, int | float):
                    cell.value = round(cell.value * 10000, 2)

    result = preview(draft, edited(exported(client, reference), in_yuan), superuser)
    assert result.ok and result.change_count == 0

    def three_decimals(book):
        in_yuan(book)
        book[INCOME]["B4"] = 110918400.001

    result = preview(draft, edited(exported(client, reference), three_decimals), superuser)
    assert messages_of(result) == [
        f"{INCOME} 第4行，B列（2025年预算数）：金额110918400.001的小数超过两位："
        "以元为单位时最多精确到分（两位小数）。"
    ]


# ---------------------------------------------------------------- through the admin


def test_a_filled_template_is_previewed_then_confirmed_in_the_admin(editor_client, draft, editor):
    response = editor_client.get(
        reverse("admin:budgets_disclosure_spreadsheet_template", args=[draft.pk])
    )
    assert response["Content-Type"] == XLSX
    assert "attachment;" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(
        kind="export", user=editor, detail__contains="填报模板"
    ).exists()

    def fill(book):
        sheet = book[fill_titles(draft)["official-expenses"]]
        row = row_of(sheet, "公务接待费")
        sheet.cell(row, 2).value = 30
        sheet.cell(row, 4).value = None
        sheet.cell(row, 5).value = "接待任务增加"

    before = snapshot()
    response = upload(editor_client, draft, edited(response.content, fill))
    text = visible_text(response.content.decode())
    assert "修改1行" in text and "28.85→30.00" in text and "增减原因" in text
    assert "现在尚未写入任何内容" in text
    assert snapshot() == before  # a preview writes nothing

    confirm = reverse("admin:budgets_disclosure_spreadsheet_confirm", args=[draft.pk])
    data = form_values(response.content.decode(), action=confirm)
    response = editor_client.post(confirm, data, follow=True)
    text = visible_text(response.content.decode())
    assert "已从“公开表格.xlsx”导入：新增0行，修改1行，删除0行。" in text
    assert "导入后的一致性检查" in text
    line = OfficialExpenseLine.objects.get(disclosure=draft, item__name="公务接待费")
    assert (line.amount, line.change_reason) == (Decimal(30), "接待任务增加")
    assert line.history.first().history_user == editor  # saved through the model: history
    assert Disclosure.objects.get(pk=draft.pk).edit_version == draft.edit_version + 1
    event = AuditEvent.objects.get(kind="import", user=editor)
    assert "公开表格.xlsx" in event.detail and "修改1行" in event.detail

    # the token is spent: confirming again imports nothing and says so
    response = editor_client.post(confirm, data, follow=True)
    assert "预览已失效" in visible_text(response.content.decode())


def test_the_limits_are_settings_with_their_documented_defaults(settings):
    assert (settings.IMPORT_MAX_BYTES, settings.IMPORT_MAX_ROWS) == (5 * 1024 * 1024, 20_000)


def test_a_reviewer_who_may_not_change_the_draft_can_neither_download_nor_import(
    client, draft, reviewer
):
    client.force_login(reviewer)
    template = reverse("admin:budgets_disclosure_spreadsheet_template", args=[draft.pk])
    assert client.get(template).status_code == 403
    assert client.get(import_url(draft)).status_code == 403
    assert not AuditEvent.objects.filter(kind="export", user=reviewer).exists()


def test_the_change_form_links_import_and_template_only_for_an_editable_draft(
    editor_client, reference, draft
):
    def links(d):
        html = editor_client.get(reverse("admin:budgets_disclosure_change", args=[d.pk]))
        return import_url(d) in html.content.decode()

    assert links(draft) and not links(reference)


def test_a_file_identical_to_the_draft_offers_nothing_to_confirm(editor_client, draft):
    response = upload(editor_client, draft, spreadsheets.template_workbook(draft))
    html = response.content.decode()
    assert "文件与当前草稿完全一致，无需导入。" in visible_text(html)
    assert "spreadsheet/confirm" not in html


# ---------------------------------------------------------------- bad files


def remove_sheet(title):
    return lambda book: book.remove(book[title])


def set_cell(title, first, column, value):
    def change(book):
        sheet = book[title]
        sheet.cell(row_of(sheet, first), column).value = value

    return change


def set_header(title, column, value):
    def change(book):
        book[title].cell(3, column).value = value

    return change


def duplicate_row(title, first):
    def change(book):
        sheet = book[title]
        values = [c.value for c in sheet[row_of(sheet, first)]]
        sheet.insert_rows(4)
        for i, value in enumerate(values, start=1):
            sheet.cell(4, i).value = value

    return change


BAD_CELLS = [
    pytest.param(
        set_cell(INCOME, "一般公共预算拨款", 2, "abc"),
        f"{INCOME} 第4行，B列（2025年预算数）：“abc”不是有效数字。",
        id="not-a-number",
    ),
    pytest.param(
        set_cell(INCOME, "事业收入", 2, -5),
        f"{INCOME} 第7行，B列（2025年预算数）：金额不能为负数。",
        id="negative",
    ),
    pytest.param(
        set_cell(INCOME, "事业收入", 2, "1.1234567"),
        f"{INCOME} 第7行，B列（2025年预算数）：金额1.1234567的小数超过六位："
        "以万元为单位时最多精确到分（六位小数）。",
        id="seven-decimals",
    ),
    pytest.param(
        set_cell(INCOME, "合计", 2, 11091.85),
        f"{INCOME} 第10行，B列（2025年预算数）：11091.85与各行之和11091.84不相等。",
        id="total-disagrees",
    ),
    pytest.param(
        set_cell(INCOME, "一般公共预算拨款", 4, 700),
        f"{INCOME} 第4行，D列（增减）：增减700.00与本年数减上年数（748.50）不符。",
        id="change-disagrees",
    ),
    pytest.param(
        duplicate_row(INCOME, "其他收入"),
        f"{INCOME} 第10行：收入来源“其他收入”重复，已在第4行填写。",
        id="duplicate-line",
    ),
    pytest.param(
        set_cell(INCOME, "事业收入", 1, "捐赠收入"),
        f"{INCOME} 第7行，A列（收入来源）：收入来源“捐赠收入”不存在，应为：一般公共预算拨款、"
        "政府性基金预算拨款、国有资本经营预算收入、事业收入、事业单位经营收入、其他收入、上年结转、"
        "上年结转（一般公共预算拨款）、上年结转（政府性基金预算拨款）、上年结转（国有资本经营预算收入）。",
        id="unknown-source",
    ),
    pytest.param(
        # No 款 20898 in any year's list (2089999 is a real 项, in the list since it grew).
        set_cell(EXPENDITURE, "208", 1, "2089898"),
        f"{EXPENDITURE} 第5行，A列（科目编码）：科目编码“2089898”不是2025年的支出功能分类科目"
        "（科目表见模板的参考工作表）。",
        id="unknown-code",
    ),
    pytest.param(
        set_cell(EXPENDITURE, "208", 1, "20X"),
        f"{EXPENDITURE} 第5行，A列（科目编码）：科目编码“20X”应为3位（类）、5位（款）或7位（项）数字。",
        id="code-shape",
    ),
    pytest.param(
        set_cell(EXPENDITURE, "208", 2, "卫生健康支出"),
        f"{EXPENDITURE} 第5行，B列（科目名称）：科目名称“卫生健康支出”与2025年科目“208 社会保障和就业支出”不符。",
        id="name-of-another-code",
    ),
    pytest.param(
        set_cell(VEHICLES, "一般公务用车", 2, 2.5),
        f"{VEHICLES} 第4行，B列（实有车辆（截至2024年12月））：“2.5”应为不小于0的整数。",
        id="half-a-car",
    ),
    pytest.param(
        set_header(INCOME, 2, "本年数"),
        f"{INCOME} B列：无法识别的列“本年数”；本表的列为：收入来源、2025年预算数、2024年预算数、增减、上年执行数、增减原因。",
        id="unknown-header",
    ),
    pytest.param(
        set_header(INCOME, 2, "2024年预算数"),
        f"{INCOME}：缺少列“2025年预算数”。本表的年度应与公开文件一致（2025年，上年为2024年）。",
        id="last-years-file",
    ),
    pytest.param(
        set_header(INCOME, 1, "来源"),
        f"{INCOME}：找不到表头行：表头第一列应为“收入来源”，位于标题行和单位行之下。",
        id="no-header",
    ),
    pytest.param(
        set_cell(INCOME, None, 6, "单位：美元"),  # the unit stands over the last column
        f"{INCOME}：未注明金额单位：请在表头上方保留“单位：万元”（或“单位：元”）。",
        id="unit",
    ),
    pytest.param(
        remove_sheet(VEHICLES),
        f"{VEHICLES}：缺少工作表“{VEHICLES}”：请使用填报模板或本平台导出的文件，不要删除或改名工作表。",
        id="missing-sheet",
    ),
]


@pytest.mark.parametrize(("change", "message"), BAD_CELLS)
def test_a_bad_cell_header_or_sheet_is_reported_and_nothing_is_written(
    editor_client, client, reference, draft, editor, change, message
):
    content = edited(exported(client, reference), change)
    before = snapshot()
    assert message in messages_of(preview(draft, content, editor))
    response = upload(editor_client, draft, content)
    html = response.content.decode()
    assert response.status_code == 200
    place, said = message.split("：", 1)
    place = place if " " in place else place + "整张表"
    assert squash(place + said) in visible_text(html)  # sheet, place and message cells
    assert "整个文件都不会导入" in visible_text(html) and "spreadsheet/confirm" not in html
    assert snapshot() == before


def zip_of(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def xml_bomb(content):
    """The workbook with a "billion laughs" entity declared in its first worksheet."""
    source = zipfile.ZipFile(io.BytesIO(content))
    members = {name: source.read(name) for name in source.namelist()}
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 6))
    name = "xl/worksheets/sheet1.xml"
    members[name] = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY l0 "ha">{laughs}]>'.encode()
        + members[name].replace(b"<t>", b"<t>&l5;", 1)
    )
    return zip_of(members)


BAD_FILES = [
    pytest.param(
        lambda xlsx: "收入来源,金额\n一般公共预算拨款,1\n".encode(),
        "文件不是 Excel 工作簿（.xlsx），或者文件已损坏。",
        id="csv",
    ),
    pytest.param(
        lambda xlsx: xlsx[: len(xlsx) // 2],
        "文件不是 Excel 工作簿（.xlsx），或者文件已损坏。",
        id="truncated",
    ),
    pytest.param(
        lambda xlsx: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
        "这是旧版 Excel（.xls）文件或加密的工作簿",
        id="xls",
    ),
    pytest.param(
        lambda xlsx: zip_of({"word/document.xml": b"<w/>"}),
        "这是 Word 文档，不是 Excel 工作簿（.xlsx）",
        id="docx",
    ),
    pytest.param(
        lambda xlsx: zip_of({"xl/workbook.xml": b"<not-a-workbook", "[Content_Types].xml": b""}),
        "文件已损坏，无法作为 Excel 工作簿（.xlsx）打开。",
        id="broken-workbook",
    ),
    pytest.param(xml_bomb, "文件含有不允许的 XML 内容（实体声明或 DTD）", id="xml-bomb"),
    pytest.param(
        lambda xlsx: zip_of({"xl/workbook.xml": b"<w/>", "xl/zeros.xml": b"0" * 3_000_000}),
        "可能是“压缩炸弹”，已拒绝。",
        id="zip-bomb",
    ),
]


@pytest.mark.parametrize(("make", "message"), BAD_FILES)
def test_a_file_that_is_not_a_sound_workbook_is_refused_and_nothing_is_written(
    editor_client, client, reference, draft, make, message
):
    content = make(exported(client, reference))
    before = snapshot()
    response = upload(editor_client, draft, content)
    assert response.status_code == 200
    assert message.replace(" ", "") in visible_text(response.content.decode())
    assert snapshot() == before


def test_a_file_over_the_size_limit_is_refused(editor_client, client, reference, draft, settings):
    content = exported(client, reference)
    settings.IMPORT_MAX_BYTES = len(content) - 1
    before = snapshot()
    response = upload(editor_client, draft, content)
    limit = megabytes(len(content) - 1)
    assert f"文件超过上限{limit}，未导入。" in visible_text(response.content.decode())
    assert snapshot() == before
    with pytest.raises(spreadsheets.ImportRefused, match="超过上限"):
        preview(draft, content, draft.department.members.first())


def test_a_file_over_the_row_limit_is_refused(editor_client, client, reference, draft, settings):
    settings.IMPORT_MAX_ROWS = 20
    before = snapshot()
    response = upload(editor_client, draft, exported(client, reference))
    assert "文件的数据行超过上限20行，未导入。" in visible_text(response.content.decode())
    assert snapshot() == before


def test_a_sheet_claiming_a_huge_size_is_read_by_its_real_rows(client, reference, draft, superuser):
    source = zipfile.ZipFile(io.BytesIO(exported(client, reference)))
    members = {name: source.read(name) for name in source.namelist()}
    for name in members:
        if name.startswith("xl/worksheets/sheet"):
            members[name] = re.sub(
                rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', members[name]
            )
    result = preview(draft, zip_of(members), superuser)
    assert result.ok and result.change_count == 0


# ---------------------------------------------------------------- wrong targets


def test_another_departments_draft_behaves_as_missing(
    editor_client, client, reference, reference_data, roles, django_user_model
):
    other = factories.disclosure(
        factories.department("乙部门"), lines=[("2010301", "5", "0")], published=False
    )
    before = snapshot()
    for url in (
        import_url(other),
        reverse("admin:budgets_disclosure_spreadsheet_template", args=[other.pk]),
    ):
        response = editor_client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    response = upload(editor_client, other, exported(client, reference))
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    with pytest.raises(spreadsheets.ImportRefused, match="您只能导入本部门的公开文件。"):
        preview(
            other, exported(client, reference), make_user(django_user_model, "甲", roles.EDITOR)
        )
    assert snapshot() == before


@pytest.mark.parametrize("status", ["published", "submitted"])
def test_a_published_or_submitted_version_cannot_be_imported_into(
    editor_client, client, reference, draft, editor, status
):
    target = reference
    if status == "submitted":
        record_checks(draft)
        target = disclosure_submit(disclosure=draft, user=editor)
    before = snapshot()
    response = upload(editor_client, target, exported(client, reference))
    assert response.status_code == 302
    response = editor_client.get(response["Location"])
    label = "已公开" if status == "published" else "已提交"
    assert f"当前状态为“{label}”，只有草稿可以下载填报模板和导入。" in visible_text(
        response.content.decode()
    )
    assert snapshot() == before
    with pytest.raises(spreadsheets.ImportRefused, match="只有草稿可以导入"):
        preview(target, exported(client, reference), editor)


def test_a_draft_changed_after_the_preview_is_not_overwritten(
    editor_client, client, reference, draft, editor
):
    def fill(book):
        sheet = book[fill_titles(draft)["official-expenses"]]
        sheet.cell(row_of(sheet, "公务接待费"), 2).value = 30
        sheet.cell(row_of(sheet, "公务接待费"), 4).value = None

    response = upload(editor_client, draft, edited(spreadsheets.template_workbook(draft), fill))
    confirm = reverse("admin:budgets_disclosure_spreadsheet_confirm", args=[draft.pk])
    data = form_values(response.content.decode(), action=confirm)
    assert data["token"]
    line = IncomeLine.objects.get(disclosure=draft, source__code="other")
    line.amount = Decimal("1")  # someone else's change, made after the preview
    line.save()
    before = snapshot()
    response = editor_client.post(confirm, data, follow=True)
    assert "预览之后该草稿已被修改" in visible_text(response.content.decode())
    assert snapshot() == before


def test_a_preview_is_only_for_the_user_who_uploaded_it(
    editor_client, client, reference, draft, roles, django_user_model
):
    def fill(book):
        sheet = book[VEHICLES]
        sheet.cell(row_of(sheet, "一般公务用车"), 2).value = 3

    response = upload(editor_client, draft, edited(spreadsheets.template_workbook(draft), fill))
    confirm = reverse("admin:budgets_disclosure_spreadsheet_confirm", args=[draft.pk])
    data = form_values(response.content.decode(), action=confirm)
    assert data["token"]
    colleague = make_user(django_user_model, "同事", roles.EDITOR, [draft.department])
    client.force_login(colleague)
    before = snapshot()
    response = client.post(confirm, data, follow=True)
    assert "预览已失效" in visible_text(response.content.decode())
    assert snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_a_plan_failing_midway_leaves_no_row_behind(reference, superuser):
    """Rollback proven on a real transaction: the income change is written first, then a line
    the database refuses (a total without a functional item) aborts everything."""
    from budgets.workflow import disclosure_correct

    draft = disclosure_correct(disclosure=reference, user=superuser, reason="回滚测试")
    result = spreadsheets.preview_import(
        disclosure=draft,
        upload=io.BytesIO(spreadsheets.template_workbook(draft)),
        user=superuser,
    )
    plan = dict(result.plan)
    plan["income"] = TablePlan(
        ("amount", "prior_amount"),
        {**plan["income"].lines, ("other",): {"amount": Decimal(9), "prior_amount": None}},
    )
    plan["expenditure"] = TablePlan(
        ("basic", "project", "total"),
        {("general_budget", ""): {"basic": None, "project": None, "total": Decimal(5)}},
    )
    before = snapshot()
    with pytest.raises(spreadsheets.ImportRefused, match="数据不符合数据库约束"):
        spreadsheets.apply_import(
            disclosure=draft, plan=plan, expected_fingerprint=result.fingerprint, user=superuser
        )
    assert snapshot() == before
    assert ExpenditureLine.objects.filter(disclosure=draft).count() == 5
    assert IncomeLine.objects.get(disclosure=draft, source__code="other").amount == 0
    assert not BasicExpenditureLine.objects.filter(disclosure=draft).exists()
    assert KeyProject.objects.filter(disclosure=draft).count() == 25
    assert ProcurementLine.objects.filter(disclosure=draft).count() == 3
    assert VehicleLine.objects.filter(disclosure=draft).count() == 2


def test_zero_procurement_lines_survive_the_workbook_round_trip(draft, superuser):
    for line in ProcurementLine.objects.filter(disclosure=draft):
        line.amount = Decimal(0)
        line.save()
    content = spreadsheets.template_workbook(draft)
    clear_lines(draft)

    apply(draft, preview(draft, content, superuser), superuser)

    kept = ProcurementLine.objects.filter(disclosure=draft)
    assert kept.count() == 3 and {line.amount for line in kept} == {Decimal(0)}
    assert figures_of(draft)["procurement"][0] == Decimal(0)
