"""Open data (STYLE.md §10; documented in portal/opendata.md).

`disclosure_tables(disclosure)` builds one plain structure per disclosure — its standard
tables, straight from `budgets.figures` — and every download renders that structure: the XLSX
workbook, the per-table CSV files, the JSON document and the data package of everything
published. So the downloads cannot disagree with each other or with the page.

Amounts are `Decimal` 万元 throughout. XLSX cells hold numbers; CSV and JSON write them as
exact decimal text (`amount_text`), never through a float. Every text cell of a CSV or XLSX
file passes through `budgets.sanitize.safe_text`; the JSON carries texts unaltered.
"""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.http import Http404
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from budgets.models import Disclosure, FunctionalItem
from budgets.money import FEN
from budgets.sanitize import safe_text

from .pages import REGION_DEPTH

AMOUNT, COUNT, TEXT = "amount", "count", "text"
WAN, VEHICLES = "万元", "辆"
FORMAT_VERSION = "1.0"
PHASES = {Disclosure.Kind.BUDGET: "approved", Disclosure.Kind.FINAL_ACCOUNTS: "executed"}


# ---------------------------------------------------------------- which disclosures


def published_disclosures():
    """The versions the public may download: every published revision keeps its own
    permanent download URLs (as its page does)."""
    return Disclosure.objects.published()


def current_disclosures():
    """What the data package holds: the latest published revision of each body-year, so a
    corrected disclosure is counted once."""
    return Disclosure.objects.current()


def get_published(pk):
    """One published disclosure with everything its tables read, or 404 (drafts included)."""
    queryset = published_disclosures().for_page().select_related(REGION_DEPTH)
    try:
        return queryset.get(pk=pk)
    except Disclosure.DoesNotExist:
        raise Http404("没有这份公开文件，或它尚未公开。") from None


# ---------------------------------------------------------------- the one structure


@dataclass(frozen=True)
class Column:
    key: str  # stable ASCII name: JSON key, data-package field name
    title: str  # the header people read, e.g. 2025年预算数
    kind: str = TEXT  # TEXT, AMOUNT (万元, Decimal) or COUNT (whole number)


@dataclass(frozen=True)
class Row:
    values: tuple  # one per column; None where a figure is unknown
    level: int = 0  # 0 = top row (top rows add up to the total); 1, 2 = part of the row above


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    unit: str
    columns: tuple
    rows: tuple
    total: Row | None = None
    note: str = ""  # "本表无数据：…" for an empty table, "说明：…" for a partial one

    def values(self, row):
        """A row as {column key: value}."""
        return dict(zip((c.key for c in self.columns), row.values, strict=True))


# Table keys in document order, with their titles: the URLs, sheet order and JSON keys.
TABLES = {
    "income": "收入预算表",
    "expenditure": "支出预算表（按支出功能分类）",
    "basic-project": "基本支出和项目支出表",
    "basic-economic": "基本支出表（按经济分类）",
    "official-expenses": "“三公”经费预算表",
    "procurement": "政府采购预算表",
    "vehicles": "车辆情况表",
    "key-projects": "重点项目表",
}


def _comparison_columns(first, this, prior):
    return (
        first,
        Column("amount", this, AMOUNT),
        Column("prior_amount", prior, AMOUNT),
        Column("change", "增减", AMOUNT),
    )


def _comparison_row(label, comparison, level=0):
    return Row((label, comparison.current, comparison.prior, comparison.change), level)


def _table(key, columns, rows, total=None, *, unit=WAN, empty="", note=""):
    """A table; without rows it keeps its header and says why it is empty (空表并说明)."""
    if not rows and empty:
        return Table(key, TABLES[key], unit, tuple(columns), (), None, f"本表无数据：{empty}")
    return Table(key, TABLES[key], unit, tuple(columns), tuple(rows), total, note)


def _income(d, f):
    columns = _comparison_columns(
        Column("source", "收入来源"), f"{d.year}年预算数", f"{d.prior_year}年预算数"
    )
    rows = [_comparison_row(line.source.name, line.comparison) for line in f.income_lines]
    return _table(
        "income",
        columns,
        rows,
        _comparison_row("合计", f.income),
        empty="本年度没有收入预算数据。",
    )


def _functional_rows(rows, level=0):
    for row in rows:
        yield Row((row.code, row.name, row.amount, row.basic, row.project), level)
        yield from _functional_rows(row.children, level + 1)


def _expenditure(d, f):
    columns = (
        Column("code", "科目编码"),
        Column("name", "科目名称"),
        Column("amount", "合计", AMOUNT),
        Column("basic", "基本支出", AMOUNT),
        Column("project", "项目支出", AMOUNT),
    )
    notes = []
    if f.finest_level and f.finest_level != "项":
        notes.append(f"本文件只公布到功能分类“{f.finest_level}”级，款、项细目未公布")
    elif f.expenditure_lines and not f.classified_lines:
        notes.append("本文件未按支出功能分类公布支出")
    if not f.split_is_complete:
        notes.append("各科目的基本支出和项目支出划分未公布（表中留空），合计行为全部支出的划分")
    total = Row(("合计", "", f.expenditure.current, f.basic.current, f.project.current))
    return _table(
        "expenditure",
        columns,
        list(_functional_rows(f.functional_rows)),
        total,
        empty="" if f.expenditure_lines else "本年度没有支出预算数据。",
        note=f"说明：{'；'.join(notes)}。" if notes else "",
    )


def _basic_project(d, f):
    columns = _comparison_columns(Column("item", "项目"), f"{d.year}年", f"{d.prior_year}年")
    rows = [_comparison_row(label, c, int(indented)) for label, c, indented in f.headline_rows]
    return _table(
        "basic-project",
        columns,
        rows if f.expenditure_lines else [],
        empty="本年度没有支出预算数据。",
    )


def _basic_economic(d, f):
    columns = (
        Column("code", "科目编码"),
        Column("name", "科目名称"),
        Column("amount", "金额", AMOUNT),
    )
    rows = [
        Row((line.economic_item.code, line.economic_item.name, line.amount))
        for line in f.basic_lines
    ]
    return _table(
        "basic-economic",
        columns,
        rows,
        Row(("合计", "", f.basic_by_economic_class)),
        empty="本公开文件未公布基本支出的经济分类明细。",
    )


def _official_expenses(d, f):
    columns = _comparison_columns(
        Column("item", "项目"), f"{d.year}年预算数", f"{d.prior_year}年预算数"
    )
    rows = [
        _comparison_row(label, c, int(indented)) for label, c, indented in f.official_expense_table
    ]
    return _table(
        "official-expenses",
        columns,
        rows,
        _comparison_row("合计", f.official_expenses),
        empty="本年度没有“三公”经费预算。",
    )


def _procurement(d, f):
    categories = f.procurement.by_category
    columns = (
        Column("source", "资金来源"),
        *(Column(f"category:{category.name}", category.name, AMOUNT) for category, _ in categories),
        Column("amount", "合计", AMOUNT),
    )

    def row(r):
        return Row((r.label, *(amount for _, amount in r.by_category), r.amount))

    return _table(
        "procurement",
        columns,
        [row(r) for r in f.procurement_by_source],
        row(f.procurement),
        empty="本年度没有政府采购预算。",
    )


def _vehicles(d, f):
    counted = d.vehicles_counted_on
    held = f"实有车辆（截至{counted.year}年{counted.month}月）" if counted else "实有车辆"
    columns = (
        Column("kind", "车辆类型"),
        Column("held", held, COUNT),
        Column("planned", f"{d.year}年拟购置", COUNT),
    )
    rows = [Row((line.kind.name, line.held, line.planned)) for line in f.vehicle_lines]
    return _table(
        "vehicles",
        columns,
        rows,
        Row(("合计", f.vehicles_held, f.vehicles_planned)),
        unit=VEHICLES,
        empty="本公开文件未填报车辆情况。",
    )


def _key_projects(d, f):
    columns = (
        Column("number", "序号", COUNT),
        Column("name", "项目名称"),
        Column("amount", "金额", AMOUNT),
    )
    rows = [Row((i, p.name, p.amount)) for i, p in enumerate(f.key_projects, start=1)]
    note = (
        "说明：公开文本未列金额的项目，金额栏留空。"
        if any(p.amount is None for p in f.key_projects)
        else ""
    )
    return _table("key-projects", columns, rows, empty="本公开文件未列出重点项目。", note=note)


BUILDERS = {
    "income": _income,
    "expenditure": _expenditure,
    "basic-project": _basic_project,
    "basic-economic": _basic_economic,
    "official-expenses": _official_expenses,
    "procurement": _procurement,
    "vehicles": _vehicles,
    "key-projects": _key_projects,
}


def disclosure_tables(disclosure):
    """The standard tables of a `for_page()` disclosure, in document order: the one structure
    every download renders. Reads only `disclosure.figures` (no query of its own)."""
    figures = disclosure.figures
    return [BUILDERS[key](disclosure, figures) for key in TABLES]


# ---------------------------------------------------------------- values and names


def amount_text(value):
    """Exact decimal text of an amount in 万元: at least two decimals, at most six (the fen),
    no thousands separator (`11091.84`, `87.50`, `-0.40`, `0.000001`); None stays None."""
    if value is None:
        return None
    exact = Decimal(value).quantize(FEN)
    if not exact:
        exact = abs(exact)  # never "-0.00"
    whole, _, fraction = f"{exact:f}".partition(".")
    return f"{whole}.{fraction.rstrip('0').ljust(2, '0')}"


def document_name(disclosure):
    """Base of download file names: the title without 情况说明, e.g.
    重庆市渝中区人民政府办公室2025年部门预算."""
    return disclosure.title.removesuffix("情况说明")


def _csv_header(table, column):
    """A CSV header carries the unit of a measured column: 2025年预算数（万元）,
    实有车辆（截至2024年12月，辆）; labels and 序号 stay as they are."""
    measured = AMOUNT if table.unit == WAN else COUNT
    if column.kind != measured:
        return column.title
    title, unit = column.title, table.unit
    return f"{title[:-1]}，{unit}）" if title.endswith("）") else f"{title}（{unit}）"


# ---------------------------------------------------------------- XLSX

XLSX_AMOUNT_FORMAT = "#,##0.00"
_thin = Side(style="thin", color="999999")
_border = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)


def _xlsx_text(value):
    # openpyxl refuses control characters other than tab, LF and CR: drop them, sanitise.
    return safe_text(ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value)))


def _xlsx_value(column, value):
    if value is None:
        return None
    if column.kind == AMOUNT:
        return Decimal(amount_text(value))  # a number cell, exact to the fen
    if column.kind == COUNT:
        return int(value)
    return _xlsx_text(value)


def _xlsx_row(sheet, table, row, *, bold=False):
    sheet.append([_xlsx_value(c, v) for c, v in zip(table.columns, row.values, strict=True)])
    for column, cell in zip(table.columns, sheet[sheet.max_row], strict=True):
        cell.border = _border
        cell.font = Font(bold=bold)
        if column.kind == AMOUNT:
            cell.number_format = XLSX_AMOUNT_FORMAT
        elif column.kind == COUNT:
            cell.number_format = "0"
    first_text = next(i for i, c in enumerate(table.columns) if c.kind == TEXT)
    if row.level:  # indent the label of a row that is part of the row above
        sheet.cell(sheet.max_row, first_text + 1).alignment = Alignment(indent=2 * row.level)


def _xlsx_sheet(workbook, disclosure, table):
    sheet = workbook.create_sheet(table.title[:31])
    width = len(table.columns)
    last = get_column_letter(width)

    sheet.append([_xlsx_text(f"{document_name(disclosure)}{table.title}")])
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")

    sheet.append([None] * (width - 1) + [_xlsx_text(f"单位：{table.unit}")])
    sheet.cell(2, width).alignment = Alignment(horizontal="right")

    sheet.append([_xlsx_text(c.title) for c in table.columns])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.border = _border
        cell.fill = PatternFill("solid", fgColor="EEEEEE")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.freeze_panes = "A4"

    for row in table.rows:
        _xlsx_row(sheet, table, row)
    if table.total:
        _xlsx_row(sheet, table, table.total, bold=True)
    if table.note:
        sheet.append([_xlsx_text(table.note)])
        sheet.merge_cells(f"A{sheet.max_row}:{last}{sheet.max_row}")
        sheet.cell(sheet.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[sheet.max_row].height = 32

    for i, column in enumerate(table.columns, start=1):
        longest = max(
            [len(column.title)] + [len(str(r.values[i - 1] or "")) for r in table.rows], default=4
        )
        sheet.column_dimensions[get_column_letter(i)].width = (
            16 if column.kind != TEXT else min(max(10, 2 * longest + 2), 60)
        )


def render_xlsx(disclosure, tables):
    """The workbook: one sheet per table, laid out as printed tables are — title row, unit
    row (单位：万元), header row, lines, 合计 row, then a note row where there is one."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = document_name(disclosure)
    workbook.properties.creator = settings.PORTAL_NAME
    for table in tables:
        _xlsx_sheet(workbook, disclosure, table)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- CSV


def _csv_value(column, value):
    if value is None:
        return ""
    if column.kind == AMOUNT:
        return amount_text(value)
    if column.kind == COUNT:
        return str(int(value))
    return safe_text(value)


def render_table_csv(table):
    """One table as CSV for spreadsheet users: UTF-8 with a byte-order mark (so Excel in
    China opens it as UTF-8), CRLF lines; header row with units, lines, 合计 row, note row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_text(_csv_header(table, c)) for c in table.columns])
    for row in (*table.rows, *([table.total] if table.total else [])):
        writer.writerow([_csv_value(c, v) for c, v in zip(table.columns, row.values, strict=True)])
    if table.note:
        writer.writerow([safe_text(table.note)] + [""] * (len(table.columns) - 1))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# ---------------------------------------------------------------- JSON


def _json_value(column, value):
    if column.kind == AMOUNT:
        return amount_text(value)
    if column.kind == COUNT:
        return None if value is None else int(value)
    return "" if value is None else str(value)


def _json_row(table, row):
    values = {c.key: _json_value(c, v) for c, v in zip(table.columns, row.values, strict=True)}
    return {"level": row.level, "values": values}


def _json_table(table):
    return {
        "title": table.title,
        "unit": table.unit,
        "columns": [{"key": c.key, "title": c.title, "type": c.kind} for c in table.columns],
        "rows": [_json_row(table, row) for row in table.rows],
        "total": _json_row(table, table.total) if table.total else None,
        "note": table.note,
    }


def _date(value):
    return value.isoformat() if value else None


def _comparison(c):
    return {
        "amount": amount_text(c.current),
        "prior_amount": amount_text(c.prior),
        "change": amount_text(c.change),
    }


def disclosure_document(disclosure, tables, links=None):
    """The whole disclosure as a JSON-ready dict, valid against
    portal/static/portal/schema/disclosure.schema.json. `links` maps names to URLs."""
    d, f = disclosure, disclosure.figures
    return {
        "format_version": FORMAT_VERSION,
        "id": d.pk,
        "revision": d.revision,
        "supersedes": d.supersedes_id,
        "correction_reason": d.correction_reason,
        "title": d.title,
        "fiscal_year": d.year,
        "kind": d.kind,
        "kind_label": d.get_kind_display(),
        "phase": PHASES[d.kind],
        "region": [region.name for region in d.department.region.lineage()],
        "department": {"id": d.department_id, "name": d.department.name, "code": d.department.code},
        "unit": {"id": d.unit_id, "name": d.unit.name} if d.unit_id else None,
        "body_name": d.body_name,
        "publisher": d.publisher or d.body_name,
        "index_number": d.index_number,
        "published_on": _date(d.published_on),
        "finance_approved_on": _date(d.finance_approved_on),
        "npc_approved_on": _date(d.npc_approved_on),
        "contact": {"name": d.contact_name, "phone": d.contact_phone},
        "currency": "CNY",
        "amount_unit": WAN,
        "tables": {table.key: _json_table(table) for table in tables},
        "other_figures": {
            "operating_cost": _comparison(f.operating_cost),
            "performance_amount": amount_text(d.performance_amount),
            "vehicles_counted_on": _date(d.vehicles_counted_on),
        },
        "texts": {
            "income_change_reason": d.income_change_reason,
            "basic_change_reason": d.basic_change_reason,
            "basic_uses": d.basic_uses,
            "project_change_reason": d.project_change_reason,
            "official_expense_change_reason": d.official_expense_change_reason,
            "official_expense_item_reasons": [
                {"item": line.item.name, "change_reason": line.change_reason}
                for line in f.official_expense_lines
            ],
            "operating_cost_change_reason": d.operating_cost_change_reason,
            "operating_cost_uses": d.operating_cost_uses,
        },
        "links": dict(links or {}),
    }


# ---------------------------------------------------------------- the data package


def _field(name, type_, title, description="", column_type=None, **extra):
    field = {"name": name, "type": type_, "title": title, **extra}
    if description:
        field["description"] = description
    if column_type:  # Open Fiscal Data Package column type
        field["columnType"] = column_type
    return field


def _amount(name, title, description, column_type=None):
    return _field(
        name,
        "number",
        title,
        f"{description}单位：万元，精确到分（最多六位小数）。",
        column_type,
    )


_VALUE = "value"
_COMPARISON = [
    _amount("amount", "本年数", "本年度预算数。", _VALUE),
    _amount("prior_amount", "上年数", "上年度预算数，未知时为空。"),
    _amount("change", "增减", "本年数减上年数，减少为负数；上年未知时为空。"),
]
_FUNCTIONAL = "functional-classification:generic"
_ECONOMIC = "economic-classification:generic"

# Per resource: its title, its money direction (None: not money) and its own fields, whose
# names are the table's column keys (procurement is unpivoted into one row per category).
RESOURCES = {
    "income": (
        "revenue",
        [
            _field("source", "string", "收入来源", column_type="fin-source:generic:label"),
            *_COMPARISON,
        ],
    ),
    "expenditure": (
        "expenditure",
        [
            _field(
                "code",
                "string",
                "科目编码",
                "支出功能分类科目编码：类3位、款5位、项7位。",
                f"{_FUNCTIONAL}:code",
            ),
            _field("name", "string", "科目名称", column_type=f"{_FUNCTIONAL}:label"),
            _amount("amount", "合计", "基本支出与项目支出之和。", _VALUE),
            _amount("basic", "基本支出", "来源文件未区分时为空。"),
            _amount("project", "项目支出", "来源文件未区分时为空。"),
        ],
    ),
    "basic-project": (
        "expenditure",
        [
            _field(
                "item",
                "string",
                "项目",
                "一般公共预算财政拨款支出及其基本支出、项目支出，政府性基金预算财政拨款支出。",
            ),
            *_COMPARISON,
        ],
    ),
    "basic-economic": (
        "expenditure",
        [
            _field(
                "code",
                "string",
                "科目编码",
                "部门预算支出经济分类科目编码：类3位、款5位。",
                f"{_ECONOMIC}:code",
            ),
            _field("name", "string", "科目名称", column_type=f"{_ECONOMIC}:label"),
            _amount("amount", "金额", "基本支出。", _VALUE),
        ],
    ),
    "official-expenses": (
        "expenditure",
        [_field("item", "string", "项目", "“三公”经费项目。"), *_COMPARISON],
    ),
    "procurement": (
        "expenditure",
        [
            _field("source", "string", "资金来源", column_type="fin-source:generic:label"),
            _field(
                "category", "string", "品目类别", "货物、工程、服务等。", "expenditure-type:label"
            ),
            _amount("amount", "金额", "政府采购预算。", _VALUE),
        ],
    ),
    "vehicles": (
        None,
        [
            _field("kind", "string", "车辆类型"),
            _field(
                "held",
                "integer",
                "实有车辆（辆）",
                "统计截止日见 disclosures 的 vehicles_counted_on。",
            ),
            _field("planned", "integer", "本年拟购置（辆）"),
        ],
    ),
    "key-projects": (
        "expenditure",
        [
            _field("number", "integer", "序号"),
            _field("name", "string", "项目名称", column_type="activity:generic:project:label"),
            _amount("amount", "金额", "公开文本未列金额时为空。", _VALUE),
        ],
    ),
}

_DISCLOSURE_FIELDS = [
    _field(
        "disclosure_id", "integer", "公开文件编号", "门户中公开文件（版本）的编号，各表以此关联。"
    ),
    _field("url", "string", "公开页面地址"),
    _field("fiscal_year", "integer", "年度", column_type="date:fiscal-year"),
    _field(
        "kind",
        "string",
        "公开类型",
        "budget 部门预算；final 部门决算。",
        constraints={"enum": ["budget", "final"]},
    ),
    _field("phase", "string", "预算阶段", "approved 批复预算；executed 决算。", "phase:id"),
    _field(
        "region", "string", "地区", "由外到内，以 / 分隔，如 重庆市/渝中区。", "geo:generic:title"
    ),
    _field("department_id", "integer", "部门编号", "门户中的部门编号。"),
    _field(
        "department_code",
        "string",
        "部门编码",
        "财政部门使用的部门编码，可为空。",
        "administrative-classification:generic:level1:code",
    ),
    _field(
        "department",
        "string",
        "部门",
        column_type="administrative-classification:generic:level1:label",
    ),
    _field(
        "unit",
        "string",
        "单位",
        "单位预算的单位名称；部门预算为空。",
        "administrative-classification:generic:level2:label",
    ),
    _field("title", "string", "标题"),
    _field("publisher", "string", "发布机构"),
    _field("index_number", "string", "索引号"),
    _field("published_on", "date", "发布日期"),
    _field("finance_approved_on", "date", "财政批复日期"),
    _field("npc_approved_on", "date", "人大批准日期"),
    _field("vehicles_counted_on", "date", "车辆统计截止日期"),
    _field("contact_name", "string", "公开联系人"),
    _field("contact_phone", "string", "联系电话"),
]

_KEY_FIELDS = [
    _field("disclosure_id", "integer", "公开文件编号", "见 disclosures。"),
    _field("fiscal_year", "integer", "年度", column_type="date:fiscal-year"),
    _field(
        "department_code",
        "string",
        "部门编码",
        column_type="administrative-classification:generic:level1:code",
    ),
    _field(
        "department",
        "string",
        "部门",
        column_type="administrative-classification:generic:level1:label",
    ),
    _field(
        "unit",
        "string",
        "单位",
        "单位预算的单位名称；部门预算为空。",
        "administrative-classification:generic:level2:label",
    ),
]
_MONEY_FIELDS = [
    _field(
        "direction",
        "string",
        "收支方向",
        "revenue 收入；expenditure 支出。",
        "direction",
        constraints={"enum": ["revenue", "expenditure"]},
    ),
    _field("phase", "string", "预算阶段", "approved 批复预算；executed 决算。", "phase:id"),
    _field(
        "currency",
        "string",
        "币种",
        column_type="value-currency:code",
        constraints={"enum": ["CNY"]},
    ),
    _field("amount_unit", "string", "金额单位", constraints={"enum": [WAN]}),
]
_LEVEL_FIELD = _field(
    "row_level",
    "integer",
    "行层级",
    "0 为顶层行（各顶层行相加等于表的合计）；1、2 为上一层行的组成部分"
    "（支出功能分类中 0、1、2 即类、款、项）。合计行不在数据包中。",
    constraints={"minimum": 0, "maximum": 2},
)
_NOTE_FIELDS = [
    _field("disclosure_id", "integer", "公开文件编号", "见 disclosures。"),
    _field("table", "string", "表", "表的代码，即数据包中资源的名称。"),
    _field("title", "string", "表名"),
    _field(
        "note", "string", "说明", "“本表无数据：…”为空表的原因；“说明：…”为表中数据不完整之处。"
    ),
]


def _fields_of(name):
    direction, own = RESOURCES[name]
    return [*_KEY_FIELDS, *(_MONEY_FIELDS if direction else []), _LEVEL_FIELD, *own]


def _resource(name, title, fields, description, primary_key=None):
    schema = {"fields": fields, "missingValues": [""]}
    if primary_key:
        schema["primaryKey"] = [primary_key]
    else:
        schema["foreignKeys"] = [
            {
                "fields": ["disclosure_id"],
                "reference": {"resource": "disclosures", "fields": ["disclosure_id"]},
            }
        ]
    return {
        "name": name,
        "path": f"{name}.csv",
        "title": title,
        "description": description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "profile": "tabular-data-resource",
        "schema": schema,
    }


PACKAGE_RESOURCES = ["disclosures", *RESOURCES, "table-notes"]


def datapackage_descriptor():
    """datapackage.json: every published disclosure, all departments and years, as CSV
    resources (Frictionless Data Package, Open Fiscal Data Package column types)."""
    resources = [
        _resource(
            "disclosures",
            "公开文件",
            _DISCLOSURE_FIELDS,
            "每份已公开的公开文件一行。",
            "disclosure_id",
        )
    ]
    for name in RESOURCES:
        resources.append(
            _resource(
                name,
                TABLES[name],
                _fields_of(name),
                f"各公开文件的{TABLES[name]}的各行（不含合计行）。",
            )
        )
    resources.append(
        _resource("table-notes", "表格说明", _NOTE_FIELDS, "空表的原因和表中数据不完整之处的说明。")
    )
    return {
        "name": "department-budget-disclosures",
        "title": f"{settings.PORTAL_NAME}：部门预算公开数据",
        "description": (
            "各部门、各年度已公开的部门预算公开表格。金额单位万元，精确到分；币种人民币（CNY）。"
            "字段的 columnType 按 Open Fiscal Data Package 的预算分类法标注。"
            "以 = + - @、制表符或回车开头的文字前加了一个英文单引号，以免电子表格把它当作公式。"
        ),
        "profile": "tabular-data-package",
        "countryCode": "CN",
        "resources": resources,
    }


def package_disclosures():
    """All published disclosures with everything their tables read, in a fixed number of
    queries however many there are."""
    disclosures = list(
        current_disclosures()
        .for_page()
        .select_related(REGION_DEPTH)
        .order_by(
            "-year",
            "department__region__order",
            "department__order",
            "department__name",
            "unit__order",
            "pk",
        )
    )
    # Each disclosure's figures would fetch the names of its 类/款 roll-up codes with a query
    # of its own: fetch them for all at once and hand each its share.
    wanted = {(d.year, code) for d in disclosures for code in d.figures.functional_parent_codes}
    names = {}
    if wanted:
        items = FunctionalItem.objects.filter(
            year__in={year for year, _ in wanted}, code__in={code for _, code in wanted}
        )
        names = {(item.year, item.code): item.name for item in items}
    for d in disclosures:
        codes = d.figures.functional_parent_codes
        d.figures.item_names = {c: names[(d.year, c)] for c in codes if (d.year, c) in names}
    return disclosures


def _disclosure_record(d, page_url):
    return {
        "disclosure_id": d.pk,
        "url": page_url,
        "fiscal_year": d.year,
        "kind": d.kind,
        "phase": PHASES[d.kind],
        "region": "/".join(region.name for region in d.department.region.lineage()),
        "department_id": d.department_id,
        "department_code": d.department.code,
        "department": d.department.name,
        "unit": d.unit.name if d.unit_id else "",
        "title": d.title,
        "publisher": d.publisher or d.body_name,
        "index_number": d.index_number,
        "published_on": d.published_on,
        "finance_approved_on": d.finance_approved_on,
        "npc_approved_on": d.npc_approved_on,
        "vehicles_counted_on": d.vehicles_counted_on,
        "contact_name": d.contact_name,
        "contact_phone": d.contact_phone,
    }


def _table_records(d, table):
    """The rows of one table as data-package records (procurement: one per category)."""
    direction, _ = RESOURCES[table.key]
    key = {
        "disclosure_id": d.pk,
        "fiscal_year": d.year,
        "department_code": d.department.code,
        "department": d.department.name,
        "unit": d.unit.name if d.unit_id else "",
    }
    if direction:
        key |= {
            "direction": direction,
            "phase": PHASES[d.kind],
            "currency": "CNY",
            "amount_unit": WAN,
        }
    for row in table.rows:
        values = table.values(row)
        if table.key == "procurement":
            for column in table.columns:
                if column.key.startswith("category:"):
                    yield key | {
                        "row_level": row.level,
                        "source": values["source"],
                        "category": column.title,
                        "amount": values[column.key],
                    }
        else:
            yield key | {"row_level": row.level} | values


def package_records(disclosures, page_url):
    """{resource name: [record, …]} for all `disclosures`; `page_url(d)` gives a page URL."""
    records = {name: [] for name in PACKAGE_RESOURCES}
    for d in disclosures:
        records["disclosures"].append(_disclosure_record(d, page_url(d)))
        for table in disclosure_tables(d):
            records[table.key].extend(_table_records(d, table))
            if table.note:
                records["table-notes"].append(
                    {
                        "disclosure_id": d.pk,
                        "table": table.key,
                        "title": table.title,
                        "note": table.note,
                    }
                )
    return records


def render_package_csv(name, records):
    """One data-package resource as CSV for machines: plain UTF-8 (no byte-order mark),
    CRLF lines, the descriptor's field names as header; text cells sanitised."""
    fields = next(
        r["schema"]["fields"] for r in datapackage_descriptor()["resources"] if r["name"] == name
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([field["name"] for field in fields])
    for record in records:
        writer.writerow([_package_value(field, record.get(field["name"])) for field in fields])
    return buffer.getvalue().encode("utf-8")


def _package_value(field, value):
    if value is None:
        return ""
    if field["type"] == "number":
        return amount_text(value)
    if field["type"] == "integer":
        return str(int(value))
    if field["type"] == "date":
        return value.isoformat()
    return safe_text(value)
