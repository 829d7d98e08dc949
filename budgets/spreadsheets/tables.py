"""The layout of a disclosure workbook and the Reader that finds its tables (nothing written).

The layout is the one `portal.opendata` exports: one sheet per table, a title row, a unit row
(`单位：万元`), a header row, the lines, a 合计 row, then note rows. Sheets are found by their
titles and columns by their headers (in any order; optional columns may be missing). A plan
holds, per table, the lines the draft should have afterwards, keyed by natural keys (source
code, classification code, item name …), so it can be kept, compared and applied later.
Every problem is collected with its sheet, row and column; a plan with problems is never
applied.
"""

import re
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from budgets.models import (
    EconomicItem,
    FunctionalItem,
    IncomeSource,
    OfficialExpenseItem,
    ProcurementCategory,
    VehicleKind,
)
from budgets.tables import SHEET_TITLES, accepted_titles, workbook_titles

from . import workbook as cells
from .workbook import CellError, ImportRefused, exact_text, label, limits, sheet_rows, text

# Sheets the fill-in workbook has beyond those of every download (budgets.tables): optional,
# so files exported or filled in before they existed still import (a missing one leaves its
# lines or fields as they are).
OPTIONAL_SHEETS = {
    "equipment": "单位价值较高的设备情况表",
    "set-aside": "政府采购预留份额表",
}
# Sheet titles in document order: those of every download, then the optional ones.
SHEETS = {**SHEET_TITLES, **OPTIONAL_SHEETS}
NOT_MONEY = ("vehicles", "equipment")  # counts: no 单位：万元 row needed
GENERAL = "general_budget"
FUND = "government_fund"
HEADER_SEARCH_ROWS = 10
TOTAL_LABELS = {"合计", "总计"}
NOTE_PREFIXES = ("说明", "本表无数据", "注：", "注:", "填表说明")
UNIT_ROW = re.compile(r"^单位[:：](万元|元|辆)$")
UNIT_SUFFIX = re.compile(r"[（(](万元|元|辆)[)）]$")
CODE_SHAPE = {
    "functional": re.compile(r"^\d{3}(\d{2}){0,2}$"),
    "economic": re.compile(r"^\d{3}(\d{2})?$"),
}
INVALID = object()  # a cell that could not be read (its problem is already recorded)


@dataclass(frozen=True)
class Issue:
    """One problem, located by sheet, row and column, in plain Chinese."""

    sheet: str
    row: int | None
    column: str  # e.g. "C列（2025年预算数）", or "" for the whole row or sheet
    message: str

    @property
    def place(self):
        return "，".join(p for p in (f"第{self.row}行" if self.row else "", self.column) if p)

    def __str__(self):
        return f"{self.sheet}{' ' + self.place if self.place else ''}：{self.message}"


@dataclass
class TablePlan:
    """The lines one table should have: natural key → {field: value}. Only `fields` are
    compared and written (a column the file lacks leaves its field as it is)."""

    fields: tuple
    lines: dict = field(default_factory=dict)
    removable: bool = True  # False: the table sets fields of the disclosure itself


@dataclass(frozen=True)
class Col:
    key: str
    title: str
    required: bool = True
    prefix: bool = False  # matched by prefix: 实有车辆（截至2024年12月）


# A line's optional columns (files exported before DOWNLOAD_COLUMNS lack them; a missing
# one leaves its field as it is): column key → (model field, header). Each table holds
# those its lines store.
LINE_FIELDS = {
    "prior": ("prior_amount", "上年预算数"),
    "prior_execution": ("prior_execution", "上年执行数"),
    "purpose": ("purpose", "主要用途"),
    "reason": ("change_reason", "增减原因"),
}
LINE_COLUMNS = {
    table: [Col(key, LINE_FIELDS[key][1], False) for key in keys]
    for table, keys in {
        "income": ("prior_execution", "reason"),
        "expenditure": ("prior", "prior_execution", "purpose", "reason"),
        "basic-economic": ("prior",),
    }.items()
}
TEXT_COLUMNS = {"purpose", "reason"}

# The columns a table's page (and CSV, JSON) does not print but its import reads: the
# download workbook adds them after the page's columns (`downloads`), so that it imports
# whole. Titles come from `columns` below: one definition for template, export and import.
DOWNLOAD_COLUMNS = {
    "income": ("prior_execution", "reason"),
    "expenditure": ("source", "prior", "prior_execution", "purpose", "reason"),
    "basic-economic": ("prior",),
    "official-expenses": ("reason",),
}
# A row whose 资金来源 names several sources (一般公共预算拨款、事业收入) sums the rows of the
# same code paid from each: the page prints one row per code, the download its lines too.
SOURCE_SEPARATOR = "、"


def download_columns(key, year):
    """The columns the download workbook adds to table `key` (see DOWNLOAD_COLUMNS)."""
    wanted = DOWNLOAD_COLUMNS.get(key, ())
    return [c for c in columns(key, year) if c.key in wanted]


def columns(key, year):
    """The columns of a table for a disclosure year, first the one that starts the header."""
    this, prior = f"{year}年预算数", f"{year - 1}年预算数"
    return {
        "income": [
            Col("source", "收入来源"),
            Col("amount", this),
            Col("prior", prior),
            Col("change", "增减", False),
            *LINE_COLUMNS["income"],
        ],
        "expenditure": [
            Col("code", "科目编码"),
            Col("name", "科目名称", False),
            Col("amount", "合计"),
            Col("basic", "基本支出"),
            Col("project", "项目支出"),
            Col("source", "资金来源", False),
            *LINE_COLUMNS["expenditure"],
        ],
        "basic-project": [
            Col("item", "项目"),
            Col("amount", f"{year}年"),
            Col("prior", f"{year - 1}年"),
            Col("change", "增减", False),
        ],
        "basic-economic": [
            Col("code", "科目编码"),
            Col("name", "科目名称", False),
            Col("amount", "金额"),
            Col("personnel", "人员经费", False),  # computed (301 + 303): not read
            Col("public", "公用经费", False),  # computed (302 + 310): not read
            *LINE_COLUMNS["basic-economic"],
        ],
        "official-expenses": [
            Col("item", "项目"),
            Col("amount", this),
            Col("prior", prior),
            Col("change", "增减", False),
            Col("reason", "增减原因", False),
        ],
        # …plus one column per procurement category (货物, 工程, 服务), found by name
        "procurement": [Col("source", "资金来源"), Col("amount", "合计")],
        "vehicles": [
            Col("kind", "车辆类型"),
            Col("held", "实有车辆", prefix=True),
            Col("planned", f"{year}年拟购置"),
        ],
        "equipment": [
            Col("category", "设备类别"),
            Col("threshold", "价值标准"),  # 50 (万元) or the export's 单位价值50万元以上
            Col("count", "数量", prefix=True),  # 数量（截至2024年12月）
        ],
        "set-aside": [
            Col("item", "项目"),
            Col("amount", "金额"),
        ],
        "key-projects": [
            Col("number", "序号"),
            Col("name", "项目名称"),
            Col("amount", "金额", False),
        ],
    }[key]


@dataclass
class Refs:
    """The reference data a workbook names, looked up once: sources, the year's
    classification items, "三公" items, procurement categories, vehicle kinds."""

    year: int
    sources: dict  # code → IncomeSource
    source_names: dict  # name → IncomeSource
    functional: dict  # code → FunctionalItem of the year
    economic: dict  # code → EconomicItem of the year
    official: dict  # name → OfficialExpenseItem
    groups: set  # ids of "三公" items that sum others (公务用车购置及运行维护费)
    categories: dict  # name → ProcurementCategory
    kinds: dict  # name → VehicleKind

    @classmethod
    def load(cls, year):
        sources = list(IncomeSource.objects.all())
        official = list(OfficialExpenseItem.objects.all())
        return cls(
            year=year,
            sources={s.code: s for s in sources},
            source_names={s.name: s for s in sources},
            functional={i.code: i for i in FunctionalItem.objects.of_year(year)},
            economic={i.code: i for i in EconomicItem.objects.of_year(year)},
            official={i.name: i for i in official},
            groups={i.parent_id for i in official if i.parent_id},
            categories={c.name: c for c in ProcurementCategory.objects.all()},
            kinds={k.name: k for k in VehicleKind.objects.all()},
        )


@dataclass(slots=True)
class Row:
    number: int
    cells: dict  # column key → raw cell value

    def get(self, key):
        return self.cells.get(key)


@dataclass
class Table:
    key: str
    title: str
    unit: str
    columns: dict  # column key → "C列（标题）"
    rows: list
    total: Row | None
    notes: set = field(default_factory=set)  # row numbers of note rows


def fill_in_titles(catalogue):
    """{key: sheet title} of the fill-in workbook: the region's titles of the downloads'
    tables (`budgets.tables.workbook_titles`), the equipment table under the title the
    region prints where its catalogue holds it, then the set-aside."""
    titles = workbook_titles(catalogue)
    printed = {e.key: e.title for e in catalogue if e.key in OPTIONAL_SHEETS and e.title}
    return {**titles, **{key: printed.get(key) or t for key, t in OPTIONAL_SHEETS.items()}}


def accepted(key, titles):
    """The sheet titles table `key` is found by: the region's, then earlier files' titles."""
    if key in OPTIONAL_SHEETS:
        return list(dict.fromkeys([titles.get(key) or OPTIONAL_SHEETS[key], OPTIONAL_SHEETS[key]]))
    return accepted_titles(key, titles)


def names_of(mapping):
    return "、".join(mapping)


class Reader:
    """Reads one workbook for one disclosure, collecting issues."""

    def __init__(self, disclosure, refs):
        self.year = disclosure.year
        self.refs = refs
        self.issues = []
        self.recomputed = {}  # sheet title → formula cells without results, computed instead
        self.data_rows = 0
        self.max_rows = limits().max_rows
        self.expenditure = None  # what the expenditure sheet adds up to, for cross-checks
        self.expenditure_columns = ()

    def problem(self, sheet, row, column, message):
        self.issues.append(Issue(sheet, row, column, message))

    def cell(self, table, row, key, read=cells.amount, **kwargs):
        """A cell read by `read`; INVALID (and an issue) when it cannot be read."""
        if key not in table.columns:
            return None
        if read is cells.amount:
            kwargs.setdefault("unit", table.unit)
        try:
            return read(row.get(key), **kwargs)
        except CellError as error:
            self.problem(table.title, row.number, table.columns[key], str(error))
            return INVALID

    def sound(self, table):
        """No problem found in this table yet (totals are checked only then: a line that
        could not be read would make every total disagree)."""
        return not any(issue.sheet == table.title for issue in self.issues)

    def check_sum(self, table, row, key, expected, what="各行之和"):
        """A filled total cell must equal `expected` (a blank one is not checked)."""
        if not self.sound(table):
            return
        value = self.cell(table, row, key)
        if value not in (None, INVALID) and value != expected:
            self.problem(
                table.title,
                row.number,
                table.columns[key],
                f"{exact_text(value)}与{what}{exact_text(expected)}不相等。",
            )

    def duplicate(self, table, row, seen, key, what):
        """Record `key` as seen at `row`; an issue if an earlier row had it."""
        if key in seen:
            self.problem(table.title, row.number, "", f"{what}重复，已在第{seen[key]}行填写。")
            return True
        seen[key] = row.number
        return False

    # -- a sheet's layout -------------------------------------------------------------------

    def table(self, sheet, key, title):
        """The header, unit, lines and 合计 row of a sheet, or None after recording why not."""
        spec = columns(key, self.year)
        facts = cells.sheet_facts(sheet)
        rows = sheet_rows(sheet)
        above, header = [], None
        for number, values in rows:
            if values and label(values[0]) == spec[0].title:
                header = (number, values)
                break
            above.append(values)
            if number >= HEADER_SEARCH_ROWS:
                break
        if header is None:
            self.problem(
                title,
                None,
                "",
                f"找不到表头行：表头第一列应为“{spec[0].title}”，位于标题行和单位行之下。",
            )
            return None
        unit = next(
            (
                m.group(1)
                for values in above
                for value in values
                if (m := UNIT_ROW.match(label(value)))
            ),
            None,
        )
        money = key not in NOT_MONEY
        if money and unit not in ("万元", "元"):
            self.problem(
                title,
                None,
                "",
                "未注明金额单位：请在表头上方保留“单位：万元”（或“单位：元”）。",
            )
            return None
        layout = self.header(title, key, spec, header[1], unit if money else None)
        if layout is None:
            return None
        table = self.body(title, key, unit or "万元", layout, rows)
        self.check_facts(table, facts, header[0], layout[0])
        return table

    def header(self, title, key, spec, values, unit):
        """{column key: index} from the header row; None after recording problems."""
        positions, letters, ok = {}, {}, True
        for index, value in enumerate(values):
            heading = label(value)
            if not heading:
                continue
            suffix = UNIT_SUFFIX.search(heading)
            if suffix:
                heading = heading[: suffix.start()]
                if unit and suffix.group(1) in ("万元", "元") and suffix.group(1) != unit:
                    self.problem(
                        title,
                        None,
                        f"{get_column_letter(index + 1)}列",
                        f"列“{label(value)}”的单位与表头上方的“单位：{unit}”不一致。",
                    )
                    ok = False
            col = next(
                (
                    c
                    for c in spec
                    if heading == c.title or (c.prefix and heading.startswith(c.title))
                ),
                None,
            )
            if col is None and key == "procurement" and heading in self.refs.categories:
                col = Col(f"category:{heading}", heading)
            if col is None:
                expected = "、".join(c.title for c in spec)
                extra = "以及各品目类别（如货物、工程、服务）" if key == "procurement" else ""
                self.problem(
                    title,
                    None,
                    f"{get_column_letter(index + 1)}列",
                    f"无法识别的列“{label(value)}”；本表的列为：{expected}{extra}。",
                )
                ok = False
                continue
            if col.key in positions:
                self.problem(
                    title, None, f"{get_column_letter(index + 1)}列", f"列“{heading}”重复。"
                )
                ok = False
                continue
            positions[col.key] = index
            letters[col.key] = f"{get_column_letter(index + 1)}列（{heading}）"
        for col in spec:
            if col.required and col.key not in positions:
                hint = (
                    f"本表的年度应与公开文件一致（{self.year}年，上年为{self.year - 1}年）。"
                    if "年" in col.title
                    else ""
                )
                self.problem(title, None, "", f"缺少列“{col.title}”。{hint}")
                ok = False
        if key == "procurement" and not any(k.startswith("category:") for k in positions):
            self.problem(
                title, None, "", f"没有品目类别列，应为 {names_of(self.refs.categories)} 等。"
            )
            ok = False
        return (positions, letters) if ok else None

    def body(self, title, key, unit, layout, rows):
        positions, letters = layout
        first = next(iter(positions))
        known = set(positions.values())
        lines, total, notes = [], None, set()
        for number, values in rows:
            if all(cells.is_blank(v) for v in values):
                continue
            head = text(values[0]) if values else ""
            if head.startswith(NOTE_PREFIXES) and all(cells.is_blank(v) for v in values[1:]):
                notes.add(number)
                continue  # a note row (本表无数据：…, 说明：…)
            stray = [i for i, v in enumerate(values) if i not in known and not cells.is_blank(v)]
            if stray:
                self.problem(
                    title,
                    number,
                    f"{get_column_letter(stray[0] + 1)}列",
                    "此列不在表头中，不应填写内容。",
                )
            if total is not None:
                self.problem(title, number, "", "合计行之后不应再有数据行。")
                continue
            self.data_rows += 1
            if self.data_rows > self.max_rows:
                raise ImportRefused(f"文件的数据行超过上限{self.max_rows}行，未导入。")
            row = Row(number, {k: values[i] for k, i in positions.items() if i < len(values)})
            if label(row.get(first)) in TOTAL_LABELS:
                total = row
            else:
                lines.append(row)
        return Table(key, title, unit, letters, lines, total, notes)

    def check_facts(self, table, facts, header_row, positions):
        """Merged cells below the header, and formulas the file holds no result of, would
        read as blank: each is an error at its place (a merged note row is fine)."""
        for min_row, min_col, max_row, max_col in facts.merged:
            if max_row <= header_row or (min_row == max_row and min_row in table.notes):
                continue
            last = f"至{get_column_letter(max_col)}列" if max_col > min_col else ""
            rows = f"至第{max_row}行" if max_row > min_row else ""
            self.problem(
                table.title,
                min_row,
                f"{get_column_letter(min_col)}列{last}{rows}",
                cells.MERGED,
            )
        columns = {index + 1: key for key, index in positions.items()}
        recomputed = 0
        for row, column in sorted(facts.uncomputed):
            if row > header_row and column in columns:
                if self.computed(table, row, columns[column]):
                    recomputed += 1  # 增减 and 合计 are computed from the lines: not read
                    continue
                self.problem(
                    table.title,
                    row,
                    table.columns[columns[column]],
                    cells.UNCOMPUTED,
                )
        if recomputed:
            self.recomputed[table.title] = recomputed

    @property
    def notices(self):
        """What was done for the person, not a problem: one line for every sheet whose
        computed cells were recomputed."""
        if not self.recomputed:
            return []
        sheets = "、".join(f"{title}（{n}格）" for title, n in self.recomputed.items())
        return [
            "文件中的增减、合计公式没有计算结果（文件未在 Excel 或 WPS 中保存过），"
            f"已按各行重新计算：{sheets}。"
        ]

    @staticmethod
    def computed(table, number, key):
        """Whether a cell is one the portal computes from the lines: 增减, a 合计 row, the
        合计 of an expenditure row (基本 + 项目; the template's formula leaves it blank while
        both are blank) or of a procurement row. Its formula is not read."""
        if key == "change" or (table.total is not None and number == table.total.number):
            return True
        return key == "amount" and table.key in ("expenditure", "procurement")

    # -- lookups -----------------------------------------------------------------------------

    def lookup(self, table, row, column, mapping, name, what):
        found = mapping.get(name)
        if found is None:
            self.problem(
                table.title,
                row.number,
                table.columns[column],
                f"{what}“{name}”不存在，应为：{names_of(mapping)}。",
            )
        return found

    def classification(self, table, row, kind):
        """The code of a row (checked against the year's items), '' when blank, or INVALID."""
        code = text(row.get("code"))
        if not code:
            return ""
        items = self.refs.functional if kind == "functional" else self.refs.economic
        where = table.columns["code"]
        if not CODE_SHAPE[kind].match(code):
            shape = (
                "3位（类）、5位（款）或7位（项）"
                if kind == "functional"
                else "3位（类）或5位（款）"
            )
            self.problem(table.title, row.number, where, f"科目编码“{code}”应为{shape}数字。")
            return INVALID
        item = items.get(code)
        what = "支出功能分类" if kind == "functional" else "支出经济分类"
        if item is None:
            self.problem(
                table.title,
                row.number,
                where,
                f"科目编码“{code}”不是{self.year}年的{what}科目（科目表见模板的参考工作表）。",
            )
            return INVALID
        name = label(row.get("name"))
        if name and name != label(item.name):
            self.problem(
                table.title,
                row.number,
                table.columns["name"],
                f"科目名称“{text(row.get('name'))}”与{self.year}年科目“{code} {item.name}”不符。",
            )
            return INVALID
        return code

    def check_change(self, table, row, current, prior):
        change = self.cell(table, row, "change", signed=True)
        if change in (None, INVALID) or current in (None, INVALID) or prior in (None, INVALID):
            return
        if change != current - prior:
            self.problem(
                table.title,
                row.number,
                table.columns["change"],
                f"增减{exact_text(change)}与本年数减上年数（{exact_text(current - prior)}）不符。",
            )
