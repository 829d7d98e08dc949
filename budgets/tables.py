"""The standard tables of a disclosure (公开表格), each declared once (STYLE.md §16).

A `TableDef` says what a table is: its key, its default title, the note printed when it is
empty, and how its columns and rows are computed from `budgets.figures`. Which tables a region
prints, under which titles, in which order and unit, is reference data: the catalogue entries
of its narrative template (`CatalogueTable`), or the common national set when it has none.
The page, the downloads and the data package all render the `Table`s built here, so they
cannot disagree. Building reads only the disclosure's prefetched lines (no query of its own
beyond the names of roll-up codes, fetched once).
"""

from dataclasses import dataclass
from itertools import zip_longest

from .figures import PERSONNEL_CLASSES, PUBLIC_CLASSES, Comparison, change_of, percent_of
from .money import ZERO, format_wan, total

AMOUNT, COUNT, TEXT = "amount", "count", "text"
PERCENT = "percent"  # a change in % of last year's figure
WAN, YUAN, VEHICLES, PIECES = "万元", "元", "辆", "台（套）"


# ---------------------------------------------------------------- the built structure


@dataclass(frozen=True)
class Column:
    key: str  # stable ASCII name: JSON key, data-package field name
    title: str  # the header people read, e.g. 2025年预算数
    kind: str = TEXT  # TEXT, AMOUNT (万元, Decimal), COUNT (whole number) or PERCENT


@dataclass(frozen=True)
class Row:
    values: tuple  # one per column; None where a figure is unknown
    level: int = 0  # 0 = top row (top rows add up to the total); 1, 2 = part of the row above


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    unit: str  # what its amounts print in: 万元 or 元 (辆 for counts)
    columns: tuple
    rows: tuple
    total: Row | None = None
    note: str = ""  # "本表无数据：…" for an empty table, "说明：…" for a partial one
    separators: bool = True  # thousands separators in printed amounts (12,345.67)

    def values(self, row):
        """A row as {column key: value}."""
        return dict(zip((c.key for c in self.columns), row.values, strict=True))

    @property
    def label_index(self):
        """The column that names a row (its `<th scope="row">`): the name beside a code."""
        keys = [c.key for c in self.columns]
        return keys.index("name") if "name" in keys else 0


@dataclass(frozen=True)
class Built:
    """What a table's builder returns; `Table` adds the catalogue's title, unit and note."""

    columns: tuple
    rows: list
    total: Row | None = None
    note: str = ""


@dataclass(frozen=True)
class TableDef:
    key: str
    title: str  # the common national title; a catalogue entry may print another
    empty: str  # why the table is empty, when it is (空表并说明)
    build: object  # (disclosure, figures) -> Built
    counts: bool = False  # measured in a count unit, not money
    count_unit: str = VEHICLES


REGISTRY = {}


def table(key, title, *, empty, counts=False, count_unit=VEHICLES):
    """Register a table builder under `key` (its URL, sheet and JSON name)."""

    def register(build):
        REGISTRY[key] = TableDef(key, title, empty, build, counts, count_unit)
        return build

    return register


# ---------------------------------------------------------------- shared pieces


def _comparison_columns(first, this, prior):
    return (
        first,
        Column("amount", this, AMOUNT),
        Column("prior_amount", prior, AMOUNT),
        Column("change", "增减", AMOUNT),
    )


def _comparison_row(label, comparison, level=0):
    return Row((label, comparison.current, comparison.prior, comparison.change), level)


def _functional_rows(rows, level=0, into=None, compared=False):
    """The rows of a 类 › 款 › 项 tree, each followed by those under it (one list, not a
    generator per level: a 1,000-line tree passes each row up through three); `compared`
    adds last year's budget, the change and its percentage (COMPARED_COLUMNS)."""
    into = [] if into is None else into
    for row in rows:
        values = (row.code, row.name, row.amount, row.basic, row.project)
        if compared:  # what `row.comparison` gives, without an object per row
            change = change_of(row.amount, row.prior)
            values += (row.prior, change, percent_of(change, row.prior))
        into.append(Row(values, level))
        if row.children:
            _functional_rows(row.children, level + 1, into, compared)
    return into


FUNCTIONAL_COLUMNS = (
    Column("code", "科目编码"),
    Column("name", "科目名称"),
    Column("amount", "合计", AMOUNT),
    Column("basic", "基本支出", AMOUNT),
    Column("project", "项目支出", AMOUNT),
)


def _missing(lines, count=None):
    """The note clause on lines whose amounts are not filled in yet (a prepared year's
    draft, seen in the preview): they show “—”, and so do the rows above them. `count`
    when already counted."""
    if count is None:
        count = sum(1 for line in lines if line.amount is None)
    return f"{count}行本年预算数尚未填写（表中显示为“—”）" if count else ""


PRIOR_COLUMNS = {"prior_amount", "prior_execution"}


def _unknown_total(columns, row):
    """A 合计 row whose lines are not all filled in: this year's sums and changes are
    unknown (“—”), not the sum of what is there; last year's stay."""
    if row is None:
        return None
    values = tuple(
        None if c.kind in (AMOUNT, PERCENT) and c.key not in PRIOR_COLUMNS else v
        for c, v in zip(columns, row.values, strict=True)
    )
    return Row(values, row.level)


def _with_missing(built, lines):
    """`built` with the missing-lines clause added to its note and its 合计 unknown."""
    clause = _missing(lines)
    if not clause:
        return built
    note = f"{built.note.rstrip('。')}；{clause}。" if built.note else f"说明：{clause}。"
    return Built(built.columns, built.rows, _unknown_total(built.columns, built.total), note)


def _functional_table(f, source_code=None, tree=None, compared=False):
    """类 › 款 › 项 rows of the expenditure lines (every one, or one source's; their `tree`,
    when already built), their 合计 row and what is not published; `compared`: see
    `_functional_rows` (the 合计 row stays without)."""
    sums = f.spending_sums(source_code)
    finest = {3: "类", 5: "款", 7: "项"}.get(sums.finest)
    notes = []
    if finest and finest != "项":
        notes.append(f"本文件只公布到功能分类“{finest}”级，款、项细目未公布")
    elif sums.count and not sums.classified:
        notes.append("本文件未按支出功能分类公布支出")
    if not sums.split:
        notes.append("各科目的基本支出和项目支出划分未公布（表中留空），合计行为全部支出的划分")
    missing = _missing((), sums.missing)
    if missing:
        notes.append(missing)
    tree = f.functional_tree(sums.classified) if tree is None else tree
    rows = _functional_rows(tree, compared=compared)
    whole = Row(("合计", "", sums.amount, sums.basic, sums.project))
    return Built(
        COMPARED_COLUMNS if compared else FUNCTIONAL_COLUMNS,
        rows,
        _unknown_total(FUNCTIONAL_COLUMNS, whole) if missing else whole,
        f"说明：{'；'.join(notes)}。" if notes else "",
    )


SOURCE_COLUMN = "source:"  # a column of one source's amounts (the data package unpivots it)

TWO_SIDED_COLUMNS = (
    Column("income_item", "收入项目"),
    Column("income", "收入预算数", AMOUNT),
    Column("expenditure_item", "支出项目"),
    Column("expenditure", "支出预算数", AMOUNT),
)


def _two_sided(left, right, left_total, right_total):
    """A 收支总表: income items on the left, expenditure items on the right, side by side."""
    columns = TWO_SIDED_COLUMNS
    rows = [
        Row((*(a or ("", None)), *(b or ("", None)))) for a, b in zip_longest(left, right) if a or b
    ]
    return Built(columns, rows, Row(("收入合计", left_total, "支出合计", right_total)))


# ---------------------------------------------------------------- the tables


@table("summary", "部门收支总表", empty="本年度没有收支预算数据。")
def _summary(d, f):
    income = [(line.source.name, line.amount) for line in f.income_lines]
    expenditure = [(row.name or row.code, row.amount) for row in f.functional_rows]
    if not f.classified_lines and f.expenditure_lines:
        expenditure = [("基本支出", f.basic_total), ("项目支出", f.project_total)]
    if not income and not expenditure:
        return Built(TWO_SIDED_COLUMNS, [])
    return _two_sided(income, expenditure, f.income.current, f.expenditure.current)


@table("income", "部门收入总表", empty="本年度没有收入预算数据。")
def _income(d, f):
    columns = _comparison_columns(
        Column("source", "收入来源"), f"{d.year}年预算数", f"{d.prior_year}年预算数"
    )
    rows = [_comparison_row(line.source.name, line.comparison) for line in f.income_lines]
    return _with_missing(Built(columns, rows, _comparison_row("合计", f.income)), f.income_lines)


@table("income-by-item", "部门收入总表", empty="本年度没有收入预算数据。")
def _income_by_item(d, f):
    """部门收入总表 as many regions print it: each 类 › 款 › 项 row split by the sources that
    pay for it (the expenditure lines' sources), one column per source, and the 合计."""
    sources = sorted(
        {lines[0].source for lines in f.expenditure_by_source.values()},
        key=lambda s: (s.order, s.pk),
    )
    columns = (
        Column("code", "科目编码"),
        Column("name", "科目名称"),
        Column("amount", "合计", AMOUNT),
        *(Column(f"{SOURCE_COLUMN}{s.code}", s.name, AMOUNT) for s in sources),
    )
    if not f.classified_lines:
        return Built(columns, [])
    paid = {}  # {source code: {functional code: amount}}: one roll-up per source
    for s in sources:
        amounts = paid[s.code] = {}
        pending = list(f.functional_tree(f.spending_sums(s.code).classified))
        while pending:
            row = pending.pop()
            amounts[row.code] = row.amount
            pending.extend(row.children)
    rows = []

    def add(tree, level):
        for row in tree:
            shares = (paid[s.code].get(row.code, ZERO) for s in sources)
            rows.append(Row((row.code, row.name, row.amount, *shares), level))
            add(row.children, level + 1)

    add(f.functional_rows, 0)
    sums = [f.spending_sums(s.code) for s in sources]
    whole = Row(("合计", "", f.expenditure_by_function, *(x.by_function for x in sums)))
    note = _functional_table(f, None, f.functional_rows).note
    missing = f.spending_sums().missing
    return Built(columns, rows, _unknown_total(columns, whole) if missing else whole, note)


@table("expenditure", "部门支出总表", empty="本年度没有支出预算数据。")
def _expenditure(d, f):
    built = _functional_table(f, None, f.functional_rows)
    # The whole disclosure's split is known even where its lines give only totals.
    whole = Row(("合计", "", f.expenditure.current, f.basic.current, f.project.current))
    if f.spending_sums().missing:
        whole = _unknown_total(built.columns, whole)
    return Built(built.columns, built.rows, whole, built.note)


@table("appropriation-summary", "财政拨款收支总表", empty="本年度没有财政拨款收支。")
def _appropriation_summary(d, f):
    sources = f.appropriation_sources
    income = [(s.name, f.income_from(s.code).current) for s in sources]
    # Last year's unspent appropriations follow this year's, as the printed tables do.
    income += [(line.source.name, line.amount) for line in f.carry_over_lines]
    spending = [(f"{s.name}支出", f.expenditure_from(s.code)) for s in sources]
    if not any(amount for _, amount in income + spending):
        return Built(TWO_SIDED_COLUMNS, [])
    return _two_sided(
        income,
        spending,
        total(amount for _, amount in income),
        total(amount for _, amount in spending),
    )


COMPARED_COLUMNS = (
    *FUNCTIONAL_COLUMNS,
    Column("prior_amount", "上年预算数", AMOUNT),
    Column("change", "增减", AMOUNT),
    Column("change_percent", "增减%", PERCENT),
)


def _compared(row, comparison):
    return Row((*row.values, comparison.prior, comparison.change, comparison.percent), row.level)


def _fund_table(source_code):
    """A 财政拨款 expenditure table of one fund type: 类 › 款 › 项 with basic/project, last
    year's budget, the change and its percentage."""

    def build(d, f):
        sums = f.spending_sums(source_code)
        if not sums.count:
            return Built(COMPARED_COLUMNS, [])
        if sums.count == len(f.expenditure_lines):  # one source pays all: the table's tree
            tree = f.functional_rows
        else:
            tree = f.functional_tree(sums.classified)
        built = _functional_table(f, source_code, tree, compared=True)
        # Last year's total over the lines the total counts (a line without a code only
        # restates the split of classified ones).
        whole = Comparison(built.total.values[2], sums.prior)
        return Built(COMPARED_COLUMNS, built.rows, _compared(built.total, whole), built.note)

    return build


table("general-budget", "一般公共预算支出表", empty="本年度没有一般公共预算财政拨款支出。")(
    _fund_table("general_budget")
)
table(
    "government-fund",
    "政府性基金预算支出表",
    empty="本单位本年度没有使用政府性基金预算拨款安排的支出。",
)(_fund_table("government_fund"))
table(
    "state-capital",
    "国有资本经营预算支出表",
    empty="本单位本年度没有使用国有资本经营预算拨款安排的支出。",
)(_fund_table("state_capital"))


@table("basic-project", "基本支出和项目支出表", empty="本年度没有支出预算数据。")
def _basic_project(d, f):
    columns = _comparison_columns(Column("item", "项目"), f"{d.year}年", f"{d.prior_year}年")
    rows = [_comparison_row(label, c, int(indented)) for label, c, indented in f.headline_rows]
    return Built(columns, rows if f.expenditure_lines else [])


@table(
    "basic-economic",
    "一般公共预算基本支出表",
    empty="本年度没有填报基本支出的经济分类明细。",
)
def _basic_economic(d, f):
    columns = (
        Column("code", "科目编码"),
        Column("name", "科目名称"),
        Column("amount", "金额", AMOUNT),
        Column("personnel", "人员经费", AMOUNT),
        Column("public", "公用经费", AMOUNT),
    )

    def rows(tree, level=0):
        for row in tree:
            cls = row.code[:3]
            personnel = row.amount if cls in PERSONNEL_CLASSES else None
            public = row.amount if cls in PUBLIC_CLASSES else None
            yield Row((row.code, row.name, row.amount, personnel, public), level)
            yield from rows(row.children, level + 1)

    whole = Row(("合计", "", f.basic_by_economic_class, f.personnel_cost, f.public_cost))
    return _with_missing(Built(columns, list(rows(f.economic_rows)), whole), f.basic_lines)


@table("official-expenses", "一般公共预算“三公”经费支出表", empty="本年度没有“三公”经费预算。")
def _official_expenses(d, f):
    columns = _comparison_columns(
        Column("item", "项目"), f"{d.year}年预算数", f"{d.prior_year}年预算数"
    )
    rows = [
        _comparison_row(label, c, int(indented)) for label, c, indented in f.official_expense_table
    ]
    built = Built(columns, rows, _comparison_row("合计", f.official_expenses))
    return _with_missing(built, f.official_expense_lines)


@table(
    "official-expenses-operating",
    "一般公共预算“三公”经费及机关运行经费支出表",
    empty="本年度没有“三公”经费和机关运行经费预算。",
)
def _official_expenses_operating(d, f):
    """The “三公” table as regions that print 机关运行经费 beside it do: 一、the “三公” total
    over its items, 二、机关运行经费 (left out where the template says it does not apply)."""
    built = _official_expenses(d, f)
    operating = f.operating_cost
    if not built.rows and operating.current is None:
        return Built(built.columns, [])
    total = built.total
    rows = []
    if built.rows:
        values = total.values if total is not None else (None,) * len(built.columns)
        rows.append(Row(("一、“三公”经费合计", *values[1:]), 0))
        rows += [Row(row.values, row.level + 1) for row in built.rows]
    if operating.current is not None:
        rows.append(_comparison_row("二、机关运行经费", operating))
    return Built(built.columns, rows, None, built.note)


@table("procurement", "政府采购预算表", empty="本年度没有政府采购预算。")
def _procurement(d, f):
    categories = f.procurement.by_category
    columns = (
        Column("source", "资金来源"),
        *(Column(f"category:{category.name}", category.name, AMOUNT) for category, _ in categories),
        Column("amount", "合计", AMOUNT),
    )

    def row(r):
        return Row((r.label, *(amount for _, amount in r.by_category), r.amount))

    return Built(columns, [row(r) for r in f.procurement_by_source], row(f.procurement))


@table("vehicles", "车辆情况表", empty="本公开文件未填报车辆情况。", counts=True)
def _vehicles(d, f):
    counted = d.vehicles_counted_on
    held = f"实有车辆（截至{counted.year}年{counted.month}月）" if counted else "实有车辆"
    columns = (
        Column("kind", "车辆类型"),
        Column("held", held, COUNT),
        Column("planned", f"{d.year}年拟购置", COUNT),
    )
    rows = [Row((line.kind.name, line.held, line.planned)) for line in f.vehicle_lines]
    return Built(columns, rows, Row(("合计", f.vehicles_held, f.vehicles_planned)))


@table(
    "equipment",
    "单位价值较高的设备情况表",
    empty="本公开文件未填报单位价值较高的设备。",
    counts=True,
    count_unit=PIECES,
)
def _equipment(d, f):
    counted = d.vehicles_counted_on
    held = f"数量（截至{counted.year}年{counted.month}月）" if counted else "数量"
    columns = (
        Column("category", "设备类别"),
        # The threshold is the document's wording ("单位价值50万元以上"), whatever the table unit.
        Column("threshold", "价值标准"),
        Column("count", held, COUNT),
    )
    rows = [
        Row((line.category, f"单位价值{format_wan(line.threshold)}万元以上", line.count))
        for line in f.equipment_lines
    ]
    return Built(columns, rows, Row(("合计", "", f.equipment_count)))


@table("key-projects", "项目支出表", empty="本公开文件未列出重点项目。")
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
    return Built(columns, rows, None, note)


@table("performance-targets", "项目支出绩效目标表", empty="本公开文件未填报项目绩效目标。")
def _performance_targets(d, f):
    columns = (
        Column("project", "项目名称"),
        Column("amount", "项目金额", AMOUNT),
        Column("first", "一级指标"),
        Column("second", "二级指标"),
        Column("name", "三级指标"),
        Column("target", "指标值"),
    )
    rows = []
    for view in f.projects:
        for i, t in enumerate(view.targets):
            # The amount stands on a project's first target only, so amounts never add up twice.
            amount = view.project.amount if i == 0 else None
            second = t.indicator
            values = (view.project.name, amount, second.parent.name, second.name, t.name, t.target)
            rows.append(Row(values))
    return Built(columns, rows)


# ---------------------------------------------------------------- catalogues


@dataclass(frozen=True)
class Entry:
    """One table of a catalogue: its key, and the title and empty note the region prints
    ("" keeps the definition's)."""

    key: str
    title: str = ""
    empty_note: str = ""


# The common national set (财预〔2016〕143号 and the usual templates): what a region prints
# when its template names no tables of its own.
COMMON_SET = (
    Entry("summary"),
    Entry("income"),
    Entry("expenditure"),
    Entry("appropriation-summary"),
    Entry("general-budget"),
    Entry("government-fund"),
    Entry("state-capital"),
    Entry("basic-economic"),
    Entry("official-expenses"),
)


# The eight tables the fill-in workbook reads back, under the sheet titles it finds them by:
# every download holds them (a published disclosure's workbook imports into a new draft).
SHEET_TITLES = {
    "income": "收入预算表",
    "expenditure": "支出预算表（按支出功能分类）",
    "basic-project": "基本支出和项目支出表",
    "basic-economic": "基本支出表（按经济分类）",
    "official-expenses": "“三公”经费预算表",
    "procurement": "政府采购预算表",
    "vehicles": "车辆情况表",
    "key-projects": "重点项目表",
}


def download_entries(catalogue):
    """The tables a disclosure's downloads hold: its region's catalogue in its order, under
    the titles the region prints (as the page and the fill-in workbook do), then those of
    the eight importable tables it leaves out, under their sheet titles. The import finds a
    table under either title (`accepted_titles`), so files downloaded before still import."""
    keys = {entry.key for entry in catalogue}
    entries = [Entry(e.key, e.title or REGISTRY[e.key].title, e.empty_note) for e in catalogue]
    entries += [Entry(key, title) for key, title in SHEET_TITLES.items() if key not in keys]
    return tuple(entries)


def workbook_titles(catalogue):
    """{importable key: sheet title} of the fill-in workbook, in the catalogue's order: the
    title the region prints where its catalogue holds the table, else its sheet title."""
    printed = {e.key: e.title or REGISTRY[e.key].title for e in catalogue if e.key in SHEET_TITLES}
    keys = [*printed, *(key for key in SHEET_TITLES if key not in printed)]
    return {key: printed.get(key) or SHEET_TITLES[key] for key in keys}


def accepted_titles(key, titles):
    """The sheet titles a workbook's table `key` is found by: its title in this region's
    workbook first, then those of files exported before the catalogue (sheet titles) and
    the common national title."""
    found = [titles[key], SHEET_TITLES[key], REGISTRY[key].title]
    return list(dict.fromkeys(found))


def catalogue_of(template):
    """The catalogue a narrative template prints (its own entries, else the common set)."""
    if template is None:
        return COMMON_SET
    entries = [
        Entry(t.key, t.title, t.empty_note) for t in template.catalogue.all() if t.key in REGISTRY
    ]
    return tuple(entries) or COMMON_SET


def build_table(disclosure, entry, *, unit=WAN, separators=True):
    """One table of the catalogue for a `for_page()` disclosure; without rows it keeps its
    header (when it has one) and says why it is empty."""
    definition = REGISTRY[entry.key]
    built = definition.build(disclosure, disclosure.figures)
    title = entry.title or definition.title
    unit = definition.count_unit if definition.counts else unit
    if not built.rows:
        note = f"本表无数据：{entry.empty_note or definition.empty}"
        return Table(entry.key, title, unit, built.columns, (), None, note, separators)
    return Table(
        entry.key,
        title,
        unit,
        built.columns,
        tuple(built.rows),
        built.total,
        built.note,
        separators,
    )


def build_tables(disclosure, entries, *, unit=WAN, separators=True):
    """Every table of a catalogue, in its order."""
    return [build_table(disclosure, entry, unit=unit, separators=separators) for entry in entries]


def catalogue_for(disclosure):
    """The catalogue of a disclosure's region, year and kind (one query for its template)."""
    from .models import NarrativeTemplate  # the models import this module's neighbours

    template = NarrativeTemplate.for_body(
        region=disclosure.department.region, year=disclosure.year, kind=disclosure.kind
    )
    return catalogue_of(template)
