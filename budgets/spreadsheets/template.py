"""The fill-in template (填报模板) of a draft: every table of its region's catalogue, under the
titles the region prints, built from the same definitions as the page (`budgets.tables`).
The tables a person fills hold the draft's current lines in the layout of the open-data
export (an exported workbook and a filled template import the same way), last year's figures
where the draft has them, and the optional columns (资金来源, 增减原因 …) the export has too. Their
增减 and 合计 cells are Excel formulas, so changing one amount changes nothing else that the
import checks; where a file was never saved by Excel or WPS (no formula results), the import
computes them from the lines and says so. The computed tables (收支总表, 财政拨款 tables) are
shown with the draft's figures for checking and never read. Reference sheets list the year's
classification items."""

import io
from decimal import Decimal

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
from budgets.tables import AMOUNT as TABLE_AMOUNT
from budgets.tables import COUNT as TABLE_COUNT
from budgets.tables import PERCENT, build_table, catalogue_for

from .readers import BASIC_PROJECT_ROWS, SET_ASIDE_ROWS
from .tables import GENERAL, columns, fill_in_titles
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


class Formula(str):
    """An Excel formula of a row, `{n}` standing for its row number."""


def _cell(kind, value, number=None):
    if value is None or value == "":
        return None
    if isinstance(value, Formula):
        return value.format(n=number)
    if kind == AMOUNT:
        return value  # a Decimal: written as an exact number cell
    if kind == COUNT:
        return int(value)
    return _text(value)


# 增减 of a row: blank unless both years are filled (as the page shows it).
CHANGE = Formula('=IF(COUNT(B{n}:C{n})<2,"",B{n}-C{n})')
# 合计 of a row split into 基本/项目: blank while both are blank (such a row is not imported).
SPLIT_TOTAL = Formula('=IF(COUNT(D{n}:E{n})=0,"",D{n}+E{n})')


def _sum(letter):
    return f"=SUM({letter}{{first}}:{letter}{{last}})"


# The expenditure 合计 adds up the classified lines only, as `budgets.figures` does (a line
# without a code then holds the basic/project split of lines that give only a total).
EXPENDITURE_TOTAL = (
    '=IF(COUNTIF(A{first}:A{last},"<>")>0,'
    'SUMIF(A{first}:A{last},"<>",C{first}:C{last}),SUM(C{first}:C{last}))'
)


class Sheets:
    def __init__(self, disclosure):
        self.d = disclosure
        self.f = disclosure.figures
        self.book = Workbook()
        self.book.remove(self.book.active)
        self.name = disclosure.title.removesuffix("情况说明")
        self.catalogue = catalogue_for(disclosure)
        self.titles = fill_in_titles(self.catalogue)

    def table(self, key, headings, kinds, rows, *, total=True, unit="万元", note="", sums=None):
        """A sheet laid out as the export: title, unit, header, lines, 合计, note. `sums`
        ({column index: formula with {first} and {last}}) fills the 合计 row; by default
        every amount and count column is summed."""
        title = self.titles.get(key) or key
        sheet = self.book.create_sheet(title)
        width = len(headings)
        sheet.append([_text(f"{self.name}{title}（填报模板）")])
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
            last = 3 + len(rows)
            if sums is None:
                sums = {
                    i: _sum(get_column_letter(i + 1))
                    for i, kind in enumerate(kinds)
                    if kind in (AMOUNT, COUNT) and i
                }
            filled = (
                {i: Formula(f.format(first=4, last=last)) for i, f in sums.items()} if rows else {}
            )
            filled.update({i: CHANGE for i, h in enumerate(headings) if h == "增减"})
            rows = [*rows, ["合计", *(filled.get(i) for i in range(1, width))]]
        # Rows are counted here: openpyxl's `max_row` scans every cell (10,001 lines: minutes).
        for number, values in enumerate(rows, start=4):
            sheet.append([_cell(k, v, number) for k, v in zip(kinds, values, strict=True)])
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
        [
            line.source.name,
            line.amount,
            line.prior_amount,
            CHANGE,
            line.prior_execution,
            line.change_reason,
        ]
        for line in lines
    ] or [[source.name, None, None, CHANGE, None, ""] for source in IncomeSource.objects.all()]
    s.table(
        "income",
        s.headings("income"),
        (TEXT, AMOUNT, AMOUNT, AMOUNT, AMOUNT, TEXT),
        rows,
        sums={1: _sum("B"), 2: _sum("C"), 4: _sum("E")},
        note=(
            "本年、上年都留空的收入来源不导入；增减、合计是公式，随各行自动计算；"
            "上年执行数在本地区要求列示时填写；增减较大（10%及以上）或上年为0的请填写增减原因。"
        ),
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
                SPLIT_TOTAL if line.is_split else line.total,
                line.basic,
                line.project,
                line.source.name,
                line.prior_amount,
                line.prior_execution,
                line.purpose,
                line.change_reason,
            ]
        )
    if not rows:
        general = IncomeSource.objects.get(code=GENERAL).name
        rows = [
            [i.code, i.name, SPLIT_TOTAL, None, None, general, None, None, "", ""]
            for i in _last_years_codes(s.d)
        ]
    s.table(
        "expenditure",
        s.headings("expenditure"),
        (TEXT, TEXT, AMOUNT, AMOUNT, AMOUNT, TEXT, AMOUNT, AMOUNT, TEXT, TEXT),
        rows,
        sums={2: EXPENDITURE_TOTAL, 3: _sum("D"), 4: _sum("E"), 6: _sum("G"), 7: _sum("H")},
        note=(
            "填写到项（7位编码，见“功能分类科目（参考）”）；资金来源留空即一般公共预算拨款；"
            "只知合计、未分基本和项目的科目只填“合计”（替换公式）；科目编码留空的行为不分科目的基本、项目支出；"
            "金额和上年数全部留空的行不导入，只有上年数的行导入为尚未填写的行；"
            "类、款汇总行可不填，填写时须与其下各项之和相等；"
            "主要用途写“主要用于……”，增减较大（10%及以上）或上年为0的请填写增减原因。"
        ),
    )


def _basic_project(s):
    priors = {"basic": s.d.prior_basic, "project": s.d.prior_project}
    rows = [[name, None, priors.get(which), CHANGE] for name, which in BASIC_PROJECT_ROWS.items()]
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
        [line.economic_item.code, line.economic_item.name, line.amount, line.prior_amount]
        for line in s.f.basic_lines
    ]
    headings = s.headings("basic-economic")
    s.table(
        "basic-economic",
        # 人员经费 and 公用经费 are computed on import: not in the template.
        [h for h in headings if h not in ("人员经费", "公用经费")],
        (TEXT, TEXT, AMOUNT, AMOUNT),
        rows,
        note="按部门预算支出经济分类填写（编码见“经济分类科目（参考）”），合计应等于基本支出。",
    )


def _official_expenses(s):
    lines = {line.item_id: line for line in s.f.official_expense_lines}
    rows = []
    for item in OfficialExpenseItem.objects.filter(children__isnull=True).order_by("order", "pk"):
        line = lines.get(item.pk)
        if line is None:
            rows.append([item.name, None, None, CHANGE, ""])
        else:
            rows.append([item.name, line.amount, line.prior_amount, CHANGE, line.change_reason])
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
    last = get_column_letter(len(categories) + 1)
    row_total = Formula(f'=IF(COUNT(B{{n}}:{last}{{n}})=0,"",SUM(B{{n}}:{last}{{n}}))')
    rows = [
        [source.name, *(amounts.get((source.pk, c.pk)) for c in categories), row_total]
        for source in sources
    ]
    s.table(
        "procurement",
        ["资金来源", *(c.name for c in categories), "合计"],
        (TEXT, *([AMOUNT] * len(categories)), AMOUNT),
        rows,
        note="每行一个资金来源，每列一个品目类别；金额为0或留空的格不导入；“合计”是公式。",
    )


def _vehicles(s):
    counted = s.d.vehicles_counted_on
    held = f"实有车辆（截至{counted.year}年{counted.month}月）" if counted else "实有车辆"
    rows = [[line.kind.name, line.held, line.planned] for line in s.f.vehicle_lines] or [
        [kind.name, None, None] for kind in VehicleKind.objects.of_year(s.d.year)
    ]
    s.table(
        "vehicles",
        ["车辆类型", held, f"{s.d.year}年拟购置"],
        (TEXT, COUNT, COUNT),
        rows,
        unit="辆",
        note="车辆数为不小于0的整数；两栏都留空的车辆类型不导入。",
    )


# A draft without equipment lines is offered the two usual categories to fill in.
EQUIPMENT_ROWS = (("通用设备", Decimal(50)), ("专用设备", Decimal(100)))


def _equipment(s):
    counted = s.d.vehicles_counted_on
    count = f"数量（截至{counted.year}年{counted.month}月）" if counted else "数量"
    rows = [[line.category, line.threshold, line.count] for line in s.f.equipment_lines] or [
        [category, None, None] for category, _threshold in EQUIPMENT_ROWS
    ]
    s.table(
        "equipment",
        ["设备类别", "价值标准（万元）", count],
        (TEXT, AMOUNT, COUNT),
        rows,
        unit="台（套）",
        sums={2: _sum("C")},
        note=(
            "价值标准填公开文本所写的单位价值标准（万元），如50表示单位价值50万元以上；"
            "数量为台（套）数，没有填0；同一类别、同一标准只填一行；价值标准和数量都留空的行不导入。"
        ),
    )


def _set_aside(s):
    rows = [[name, getattr(s.d, field)] for name, field in SET_ASIDE_ROWS.items()]
    s.table(
        "set-aside",
        s.headings("set-aside"),
        (TEXT, AMOUNT),
        rows,
        total=False,
        note=(
            "政府采购预算中面向中小企业预留的金额，及其中面向小微企业预留的金额；"
            "占比由政府采购预算总额计算；没有预留的留空。"
        ),
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


def _computed(s, entry):
    """A table the portal computes from the others (收支总表, 财政拨款 tables …): the draft's
    figures as the page shows them, for checking; the import never reads it."""
    table = build_table(s.d, entry)
    sheet = s.book.create_sheet(table.title)
    width = len(table.columns)
    sheet.append([_text(f"{s.name}{table.title}（由其他各表计算，仅供核对）")])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([None] * (width - 1) + [_text(f"单位：{table.unit}")])
    sheet.append([_text(c.title) for c in table.columns])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEEEEE")
    amounts = [c.kind in (TABLE_AMOUNT, TABLE_COUNT, PERCENT) for c in table.columns]
    for row in (*table.rows, *((table.total,) if table.total else ())):
        sheet.append(
            [
                v if number or v is None else _text(v)
                for v, number in zip(row.values, amounts, strict=True)
            ]
        )
        for column, number in enumerate(amounts, start=1):
            if number:
                sheet.cell(sheet.max_row, column).number_format = AMOUNT_FORMAT
        if row.level:
            sheet.cell(sheet.max_row, table.label_index + 1).alignment = Alignment(indent=row.level)
    for note in (table.note, "说明：本表由其他各表计算，导入时不读取；请在各填报表中修改。"):
        if note:
            sheet.append([_text(note)])
    for i in range(1, width + 1):
        sheet.column_dimensions[get_column_letter(i)].width = 18


BUILDERS = {
    "income": _income,
    "expenditure": _expenditure,
    "basic-project": _basic_project,
    "basic-economic": _basic_economic,
    "official-expenses": _official_expenses,
    "procurement": _procurement,
    "vehicles": _vehicles,
    "key-projects": _key_projects,
    "equipment": _equipment,
    "set-aside": _set_aside,
}


def _instructions(s):
    sheet = s.book.create_sheet("填表说明", 0)
    lines = [
        f"{s.name}：电子表格填报模板",
        f"适用于后台公开文件“{s.d}”（草稿）的“导入电子表格”。先预览、确认后才写入。",
        "1. 金额单位为万元（各表第2行“单位：万元”），最多六位小数（精确到分）；"
        "如按元填写，请把该表第2行改为“单位：元”，金额最多两位小数。",
        f"2. 不要删除或改名以下填报工作表，不要改动表头：{'、'.join(s.titles.values())}；"
        "可以增删行、调整行序。其余表由这些表计算，仅供核对，导入时不读取。",
        "3. 导入后各表与文件一致：文件中没有的行会被删除；金额全部留空的行不导入。",
        "4. 增减、合计是公式，随各行自动计算；手工填写的合计须与各行之和相等，否则不导入。",
        f"5. 科目编码须为{s.d.year}年的科目，见“{FUNCTIONAL_SHEET}”和“{ECONOMIC_SHEET}”。",
        "6. 本平台“下载本文件的数据”导出的 Excel 文件也可以直接导入，各行带资金来源"
        "（此前下载、没有“资金来源”列的文件全部按一般公共预算拨款计）。",
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
    catalogue = {entry.key: entry for entry in s.catalogue}
    for key in [*catalogue, *(key for key in s.titles if key not in catalogue)]:
        if key in BUILDERS:
            BUILDERS[key](s)
        else:
            _computed(s, catalogue[key])
    _instructions(s)
    _reference_sheets(s)
    s.book.properties.title = f"{s.name}填报模板"
    s.book.properties.creator = settings.PORTAL_NAME
    buffer = io.BytesIO()
    s.book.save(buffer)
    return buffer.getvalue()
