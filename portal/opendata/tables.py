"""The one structure every download renders: a disclosure's standard tables, built from
`budgets.figures`, and which disclosures the public may download."""

from dataclasses import dataclass
from decimal import Decimal

from django.http import Http404

from budgets.models import Disclosure
from budgets.money import FEN

from ..pages import REGION_DEPTH

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


def csv_header(table, column):
    """A CSV header carries the unit of a measured column: 2025年预算数（万元）,
    实有车辆（截至2024年12月，辆）; labels and 序号 stay as they are."""
    measured = AMOUNT if table.unit == WAN else COUNT
    if column.kind != measured:
        return column.title
    title, unit = column.title, table.unit
    return f"{title[:-1]}，{unit}）" if title.endswith("）") else f"{title}（{unit}）"
