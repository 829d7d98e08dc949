"""The fill-in template (填报模板) of a draft: its current lines in the layout of the open-data
export (so an exported workbook and a filled template import the same way), last year's
figures where the draft has them, optional columns the export lacks (资金来源, 增减原因), and
reference sheets listing the year's classification items. Totals are left blank (a filled
total must agree with its lines, so a stale one would only stop the import)."""

import io

from django.conf import settings
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from budgets.models import (
    Disclosure,
    EconomicItem,
    FunctionalItem,
    IncomeSource,
    OfficialExpenseItem,
    ProcurementCategory,
    VehicleKind,
)
from budgets.sanitize import safe_text

from .readers import BASIC_PROJECT_ROWS
from .tables import GENERAL, SHEETS, columns
from .workbook import limits, megabytes

AMOUNT_FORMAT = "#,##0.00####"  # two decimals, up to six when the fen needs them
TEXT, AMOUNT, COUNT = "text", "amount", "count"
_thin = Side(style="thin", color="999999")
_border = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
FUNCTIONAL_SHEET = "功能分类科目（参考）"
ECONOMIC_SHEET = "经济分类科目（参考）"


def _text(value):
    # openpyxl refuses control characters other than tab, LF and CR; then no formulas.
    return safe_text(ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value)))


def _cell(kind, value):
    if value is None or value == "":
        return None
    if kind == AMOUNT:
        return value  # a Decimal: written as an exact number cell
    if kind == COUNT:
        return int(value)
    return _text(value)


def _change(current, prior):
    return None if current is None or prior is None else current - prior


class Sheets:
    def __init__(self, disclosure):
        self.d = disclosure
        self.f = disclosure.figures
        self.book = Workbook()
        self.book.remove(self.book.active)
        self.name = disclosure.title.removesuffix("情况说明")

    def table(self, key, headings, kinds, rows, *, total=True, unit="万元", note=""):
        """A sheet laid out as the export: title, unit, header, lines, 合计, note."""
        sheet = self.book.create_sheet(SHEETS[key])
        width = len(headings)
        sheet.append([_text(f"{self.name}{SHEETS[key]}（填报模板）")])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append([None] * (width - 1) + [_text(f"单位：{unit}")])
        sheet.cell(2, width).alignment = Alignment(horizontal="right")
        sheet.append([_text(h) for h in headings])
        for cell in sheet[3]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="EEEEEE")
            cell.border = _border
            cell.alignment = Alignment(horizontal="center", wrap_text=True)
        sheet.freeze_panes = "A4"
        if total:
            rows = [*rows, ["合计"] + [None] * (width - 1)]
        # Rows are counted here: openpyxl's `max_row` scans every cell (10,001 lines: minutes).
        for number, values in enumerate(rows, start=4):
            sheet.append([_cell(k, v) for k, v in zip(kinds, values, strict=True)])
            for column, kind in enumerate(kinds, start=1):
                cell = sheet.cell(number, column)
                cell.border = _border
                if kind == AMOUNT:
                    cell.number_format = AMOUNT_FORMAT
        if note:
            sheet.append([_text(f"说明：{note}")])
            sheet.merge_cells(
                start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=width
            )
            sheet.cell(sheet.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
            sheet.row_dimensions[sheet.max_row].height = 48
        for i, kind in enumerate(kinds, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = 16 if kind != TEXT else 30
        return sheet

    def headings(self, key):
        return [c.title for c in columns(key, self.d.year)]


def _income(s):
    lines = s.f.income_lines
    rows = [
        [line.source.name, line.amount, line.prior_amount, _change(line.amount, line.prior_amount)]
        for line in lines
    ] or [[source.name, None, None, None] for source in IncomeSource.objects.all()]
    s.table(
        "income",
        s.headings("income"),
        (TEXT, AMOUNT, AMOUNT, AMOUNT),
        rows,
        note="本年、上年都留空的收入来源不导入；增减可留空，填写时须等于本年数减上年数。",
    )


def _last_years_codes(d):
    """Codes of the body's latest published year − 1 version that exist this year: the
    lines a department typically uses, offered with blank figures to a draft without any."""
    previous = (
        Disclosure.objects.current()
        .filter(department_id=d.department_id, unit_id=d.unit_id, year=d.year - 1, kind=d.kind)
        .first()
    )
    if previous is None:
        return []
    codes = set(
        previous.expenditure_lines.exclude(functional_item=None).values_list(
            "functional_item__code", flat=True
        )
    )
    items = FunctionalItem.objects.of_year(d.year, on=d.finance_approved_on)
    return list(items.filter(code__in=codes).order_by("code"))


def _expenditure(s):
    rows = []
    for line in s.f.expenditure_lines:
        item = line.functional_item
        rows.append(
            [
                item.code if item else "",
                item.name if item else "（不分科目）",
                line.total,
                line.basic,
                line.project,
                line.source.name,
            ]
        )
    if not rows:
        general = IncomeSource.objects.get(code=GENERAL).name
        rows = [[i.code, i.name, None, None, None, general] for i in _last_years_codes(s.d)]
    s.table(
        "expenditure",
        s.headings("expenditure"),
        (TEXT, TEXT, AMOUNT, AMOUNT, AMOUNT, TEXT),
        rows,
        note=(
            "填写到项（7位编码，见“功能分类科目（参考）”）；资金来源留空即一般公共预算拨款；"
            "只知合计、未分基本和项目的科目只填“合计”；科目编码留空的行为不分科目的基本、项目支出；"
            "金额全部留空的行不导入；类、款汇总行可不填，填写时须与其下各项之和相等。"
        ),
    )


def _basic_project(s):
    priors = {"basic": s.d.prior_basic, "project": s.d.prior_project}
    rows = [[name, None, priors.get(which), None] for name, which in BASIC_PROJECT_ROWS.items()]
    s.table(
        "basic-project",
        s.headings("basic-project"),
        (TEXT, AMOUNT, AMOUNT, AMOUNT),
        rows,
        total=False,
        note="导入只读取基本支出、项目支出的上年数（留空则不改变）；本年数由支出预算表计算，填写时须一致。",
    )


def _basic_economic(s):
    rows = [
        [line.economic_item.code, line.economic_item.name, line.amount] for line in s.f.basic_lines
    ]
    s.table(
        "basic-economic",
        s.headings("basic-economic")[:3],  # 人员经费 and 公用经费 are computed on import
        (TEXT, TEXT, AMOUNT),
        rows,
        note="按部门预算支出经济分类填写（编码见“经济分类科目（参考）”），合计应等于基本支出。",
    )


def _official_expenses(s):
    lines = {line.item_id: line for line in s.f.official_expense_lines}
    rows = []
    for item in OfficialExpenseItem.objects.filter(children__isnull=True).order_by("order", "pk"):
        line = lines.get(item.pk)
        if line is None:
            rows.append([item.name, None, None, None, ""])
        else:
            change = _change(line.amount, line.prior_amount)
            rows.append([item.name, line.amount, line.prior_amount, change, line.change_reason])
    s.table(
        "official-expenses",
        s.headings("official-expenses"),
        (TEXT, AMOUNT, AMOUNT, AMOUNT, TEXT),
        rows,
        note="按明细项目填写（公务用车购置及运行维护费由其两项相加）；没有的填0；增减原因可填写。",
    )


def _procurement(s):
    categories = list(ProcurementCategory.objects.all())
    amounts, sources = {}, []
    for line in s.f.procurement_lines:
        amounts[(line.source_id, line.category_id)] = line.amount
        if line.source not in sources:
            sources.append(line.source)
    sources = sources or [IncomeSource.objects.get(code=GENERAL)]
    rows = [
        [source.name, *(amounts.get((source.pk, c.pk)) for c in categories), None]
        for source in sources
    ]
    s.table(
        "procurement",
        ["资金来源", *(c.name for c in categories), "合计"],
        (TEXT, *([AMOUNT] * len(categories)), AMOUNT),
        rows,
        note="每行一个资金来源，每列一个品目类别；金额为0或留空的格不导入；“合计”列可留空。",
    )


def _vehicles(s):
    counted = s.d.vehicles_counted_on
    held = f"实有车辆（截至{counted.year}年{counted.month}月）" if counted else "实有车辆"
    rows = [[line.kind.name, line.held, line.planned] for line in s.f.vehicle_lines] or [
        [kind.name, None, None] for kind in VehicleKind.objects.all()
    ]
    s.table(
        "vehicles",
        ["车辆类型", held, f"{s.d.year}年拟购置"],
        (TEXT, COUNT, COUNT),
        rows,
        unit="辆",
        note="车辆数为不小于0的整数；两栏都留空的车辆类型不导入。",
    )


def _key_projects(s):
    rows = [[p.order, p.name, p.amount] for p in s.f.key_projects]
    s.table(
        "key-projects",
        s.headings("key-projects"),
        (COUNT, TEXT, AMOUNT),
        rows,
        total=False,
        note="按情况说明中的顺序填写，序号不重复；未列金额的项目金额留空。",
    )


def _instructions(s):
    sheet = s.book.create_sheet("填表说明", 0)
    lines = [
        f"{s.name}：电子表格填报模板",
        f"适用于后台公开文件“{s.d}”（草稿）的“导入电子表格”。先预览、确认后才写入。",
        "1. 金额单位为万元（各表第2行“单位：万元”），最多六位小数（精确到分）；"
        "如按元填写，请把该表第2行改为“单位：元”，金额最多两位小数。",
        "2. 不要删除或改名八张数据工作表（收入预算表……重点项目表），不要改动表头；可以增删行、调整行序。",
        "3. 导入后各表与文件一致：文件中没有的行会被删除；金额全部留空的行不导入。",
        "4. 合计行可留空；填写时须与各行之和相等，否则不导入。",
        f"5. 科目编码须为{s.d.year}年的科目，见“{FUNCTIONAL_SHEET}”和“{ECONOMIC_SHEET}”。",
        "6. 本平台“下载本文件的数据”导出的 Excel 文件也可以直接导入（全部按一般公共预算拨款计）。",
        f"7. 文件不超过{megabytes(limits().max_bytes)}，数据不超过{limits().max_rows}行。",
    ]
    for text in lines:
        sheet.append([_text(text)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 120


def _reference_sheets(s):
    levels = {3: "类", 5: "款", 7: "项"}
    sheet = s.book.create_sheet(FUNCTIONAL_SHEET)
    sheet.append(["科目编码", "科目名称", "级次"])
    for item in FunctionalItem.objects.of_year(s.d.year, on=s.d.finance_approved_on).order_by(
        "code"
    ):
        sheet.append([item.code, _text(item.name), levels.get(len(item.code), "")])
    sheet = s.book.create_sheet(ECONOMIC_SHEET)
    sheet.append(["科目编码", "科目名称"])
    for item in EconomicItem.objects.of_year(s.d.year, on=s.d.finance_approved_on).order_by("code"):
        sheet.append([item.code, _text(item.name)])
    for name in (FUNCTIONAL_SHEET, ECONOMIC_SHEET):
        s.book[name].column_dimensions["B"].width = 40
        for cell in s.book[name][1]:
            cell.font = Font(bold=True)


def template_workbook(disclosure):
    """The template of a draft as .xlsx bytes (see the module docstring)."""
    disclosure = Disclosure.objects.for_page().select_related("department").get(pk=disclosure.pk)
    s = Sheets(disclosure)
    for build in (
        _income,
        _expenditure,
        _basic_project,
        _basic_economic,
        _official_expenses,
        _procurement,
        _vehicles,
        _key_projects,
    ):
        build(s)
    _instructions(s)
    _reference_sheets(s)
    s.book.properties.title = f"{s.name}填报模板"
    s.book.properties.creator = settings.PORTAL_NAME
    buffer = io.BytesIO()
    s.book.save(buffer)
    return buffer.getvalue()
