"""The eight standard tables and the two optional ones (equipment, SME set-aside), each read from its sheet into a TablePlan with its own
checks (lines, roll-ups, 合计 rows, cross-checks with the expenditure table), and
`read_plan`, which reads a whole workbook."""

import re
from dataclasses import dataclass
from decimal import Decimal

from budgets.money import ZERO, total

from . import workbook as cells
from .tables import (
    FUND,
    GENERAL,
    INVALID,
    LINE_COLUMNS,
    LINE_FIELDS,
    OPTIONAL_SHEETS,
    SHEETS,
    SOURCE_SEPARATOR,
    TEXT_COLUMNS,
    Reader,
    Row,
    TablePlan,
    accepted,
    names_of,
)
from .workbook import exact_text, label, text

# ---------------------------------------------------------------- a line's optional columns


def _optional(t):
    """The optional line columns (上年预算数, 上年执行数, 主要用途, 增减原因) this sheet has."""
    return [c.key for c in LINE_COLUMNS.get(t.key, ()) if c.key in t.columns]


def extra_fields(t):
    """The model fields the sheet's optional line columns set (a missing column: unchanged)."""
    return tuple(LINE_FIELDS[key][0] for key in _optional(t))


def extras(r, t, row):
    """{model field: value} of a row's optional line columns; INVALID among the values when
    an amount cannot be read (its problem is recorded)."""
    return {
        LINE_FIELDS[key][0]: text(row.get(key)) if key in TEXT_COLUMNS else r.cell(t, row, key)
        for key in _optional(t)
    }


def blank_extras(t):
    """The optional fields of a line the file states nothing about (texts empty)."""
    return {LINE_FIELDS[key][0]: "" if key in TEXT_COLUMNS else None for key in _optional(t)}


def states_something(values):
    return any(v not in (None, "") for v in values)


# ---------------------------------------------------------------- the eight tables


def read_income(r, t):
    plan, seen = TablePlan(("amount", "prior_amount", *extra_fields(t))), {}
    for row in t.rows:
        name = label(row.get("source"))
        current, prior = r.cell(t, row, "amount"), r.cell(t, row, "prior")
        more = extras(r, t, row)
        r.check_change(t, row, current, prior)
        if not name:
            r.problem(t.title, row.number, t.columns["source"], "缺少收入来源。")
            continue
        if current is None and prior is None and not states_something(more.values()):
            continue  # a source listed without figures is not a line
        source = r.lookup(t, row, "source", r.refs.source_names, name, "收入来源")
        if source is None or INVALID in (current, prior, *more.values()):
            continue
        if not r.duplicate(t, row, seen, source.code, f"收入来源“{name}”"):
            plan.lines[(source.code,)] = {"amount": current, "prior_amount": prior, **more}
    if t.total:
        lines = plan.lines.values()
        r.check_sum(t, t.total, "amount", total(v["amount"] for v in lines))
        r.check_sum(t, t.total, "prior", total(v["prior_amount"] for v in lines))
    return plan


@dataclass
class Entry:
    """One expenditure row with a figure, before it is known to be a line or a roll-up."""

    row: Row
    code: str
    source: str
    amount: Decimal | None
    basic: Decimal | None
    project: Decimal | None
    extras: dict  # the optional columns' values (上年预算数 …), by model field
    sources: tuple = ()  # a row summing one code's rows of these sources (the download's)

    @property
    def is_filled(self):
        """False for a line that states only last year's figures or texts (a prepared
        year's line whose amounts are still to be filled in)."""
        return self.amount is not None or self.is_split

    @property
    def is_split(self):
        return self.basic is not None or self.project is not None

    @property
    def value(self):
        return self.amount if not self.is_split else (self.basic or ZERO) + (self.project or ZERO)


def read_expenditure(r, t):
    """Lines are the rows no other row's code extends (a 类 row above its 款 and 项 rows is
    their roll-up and must add up); a row without a code is expenditure not classified by
    function. As in the export, a 合计 row may give the basic/project split of lines that
    only give a total: that split becomes a line without a code."""
    entries = []
    for row in t.rows:
        code = r.classification(t, row, "functional")
        figures = [r.cell(t, row, k) for k in ("amount", "basic", "project")]
        more = extras(r, t, row)
        if INVALID in (*figures, *more.values()) or code is INVALID:
            continue
        amount, basic, project = figures
        if not states_something((amount, basic, project, *more.values())):
            continue  # a code listed without figures (the template offers last year's)
        source = r.refs.sources[GENERAL]
        named = label(row.get("source"))
        if SOURCE_SEPARATOR in named:
            found = [
                r.lookup(t, row, "source", r.refs.source_names, name, "资金来源")
                for name in named.split(SOURCE_SEPARATOR)
            ]
            if None not in found:
                sources = tuple(s.code for s in found)
                entries.append(Entry(row, code, "", amount, basic, project, more, sources))
            continue
        if named:
            source = r.lookup(t, row, "source", r.refs.source_names, named, "资金来源")
            if source is None:
                continue
        entries.append(Entry(row, code, source.code, amount, basic, project, more))

    codes = {e.code for e in entries if e.code}
    parents = {c[:n] for c in codes for n in (3, 5) if n < len(c)}
    plan, seen = TablePlan(("basic", "project", "total", *extra_fields(t))), {}
    leaves = []
    for e in entries:
        if e.code in parents or e.sources:
            continue
        if not e.is_filled:  # not filled in yet: a line, adding nothing to any sum
            what = f"科目“{e.code}”" if e.code else "不分科目的行"
            source_name = r.refs.sources[e.source].name
            if not r.duplicate(t, e.row, seen, (e.source, e.code), f"{what}（{source_name}）"):
                plan.lines[(e.source, e.code)] = {
                    "basic": None,
                    "project": None,
                    "total": None,
                    **e.extras,
                }
            continue
        if e.is_split:
            basic, project = e.basic or ZERO, e.project or ZERO
            if e.amount is not None and e.amount != basic + project:
                r.problem(
                    t.title,
                    e.row.number,
                    t.columns["amount"],
                    f"合计{exact_text(e.amount)}不等于基本支出加项目支出（{exact_text(basic + project)}）。",
                )
                continue
            values = {"basic": basic, "project": project, "total": None}
        elif not e.code:
            r.problem(
                t.title, e.row.number, "", "不分科目的行须填写基本支出和项目支出，不能只填合计。"
            )
            continue
        else:
            values = {"basic": None, "project": None, "total": e.amount}
        what = f"科目“{e.code}”" if e.code else "不分科目的行"
        source_name = r.refs.sources[e.source].name
        if r.duplicate(t, e.row, seen, (e.source, e.code), f"{what}（{source_name}）"):
            continue
        plan.lines[(e.source, e.code)] = {**values, **e.extras}
        leaves.append(e)

    if r.sound(t):
        check_rollups(r, t, entries, parents, leaves)
        check_sources(r, t, entries)
    if t.total and r.sound(t):
        check_expenditure_total(r, t, plan, leaves)
    if not any(issue.sheet == t.title for issue in r.issues):
        r.expenditure = ExpenditureSums(plan)  # cross-check only a sound expenditure table
    return plan


def check_rollups(r, t, entries, parents, leaves):
    sums = {}
    for e in leaves:
        for n in (3, 5):
            if e.code and len(e.code) > n:
                bucket = sums.setdefault(e.code[:n], [ZERO, ZERO, ZERO, True])
                bucket[0] += e.value
                bucket[1] += e.basic or ZERO
                bucket[2] += e.project or ZERO
                bucket[3] = bucket[3] and e.is_split
    seen = {}
    for e in entries:
        if e.code not in parents or r.duplicate(t, e.row, seen, e.code, f"汇总科目“{e.code}”"):
            continue
        amount, basic, project, split = sums[e.code]
        what = "其下各科目之和"
        if e.amount is not None and e.amount != amount:
            r.problem(
                t.title,
                e.row.number,
                t.columns["amount"],
                f"科目{e.code}的合计{exact_text(e.amount)}与{what}{exact_text(amount)}不相等。",
            )
        for key, value, expected in (("basic", e.basic, basic), ("project", e.project, project)):
            if value is None:
                continue
            if not split:
                r.problem(
                    t.title,
                    e.row.number,
                    t.columns[key],
                    f"科目{e.code}下有只填合计的科目，基本支出、项目支出无法汇总，本格应留空。",
                )
            elif value != expected:
                r.problem(
                    t.title,
                    e.row.number,
                    t.columns[key],
                    f"科目{e.code}的{exact_text(value)}与{what}{exact_text(expected)}不相等。",
                )


def check_sources(r, t, entries):
    """A row naming several sources sums its code's rows paid from them (never stored)."""
    seen = {}
    for e in entries:
        if not e.sources or r.duplicate(t, e.row, seen, e.code, f"科目“{e.code}”的各来源汇总行"):
            continue
        parts = [x for x in entries if x.code == e.code and not x.sources]
        names = SOURCE_SEPARATOR.join(r.refs.sources[s].name for s in e.sources)
        if sorted(x.source for x in parts) != sorted(e.sources):
            found = SOURCE_SEPARATOR.join(r.refs.sources[x.source].name for x in parts) or "无"
            r.problem(
                t.title,
                e.row.number,
                t.columns["source"],
                f"科目{e.code}的汇总行列出的资金来源“{names}”与该科目各行的资金来源（{found}）不符。",
            )
            continue
        split = all(x.is_split for x in parts)
        what = "该科目各资金来源之和"
        for key, value, expected in (
            ("amount", e.amount, total(x.value for x in parts)),
            ("basic", e.basic, total(x.basic for x in parts) if split else None),
            ("project", e.project, total(x.project for x in parts) if split else None),
        ):
            if value is not None and value != expected:
                r.problem(
                    t.title,
                    e.row.number,
                    t.columns[key],
                    f"科目{e.code}的{exact_text(value)}与{what}{exact_text(expected)}不相等。",
                )


def check_expenditure_total(r, t, plan, leaves):
    classified = [e for e in leaves if e.code]
    r.check_sum(t, t.total, "amount", total(e.value for e in (classified or leaves)))
    basic_cell, project_cell = r.cell(t, t.total, "basic"), r.cell(t, t.total, "project")
    if INVALID in (basic_cell, project_cell) or (basic_cell is None and project_cell is None):
        return
    basic = total(e.basic for e in leaves)
    project = total(e.project for e in leaves)
    if (basic_cell is None or basic_cell == basic) and (
        project_cell is None or project_cell == project
    ):
        return
    unsplit = total(e.amount for e in leaves if not e.is_split)
    key = (GENERAL, "")
    if (
        basic_cell is not None
        and project_cell is not None
        and key not in plan.lines
        and unsplit
        and basic_cell >= basic
        and project_cell >= project
        and (basic_cell - basic) + (project_cell - project) == unsplit
    ):
        # The split of the lines that give only a total (the export's coarse documents).
        plan.lines[key] = {
            "basic": basic_cell - basic,
            "project": project_cell - project,
            "total": None,
            **blank_extras(t),
        }
        return
    r.problem(
        t.title,
        t.total.number,
        "",
        f"合计行的基本支出{exact_text(basic_cell)}、项目支出{exact_text(project_cell)}"
        f"与各行之和（基本支出{exact_text(basic)}、项目支出{exact_text(project)}）不相等。",
    )


class ExpenditureSums:
    """What the basic/project table must agree with, computed from the planned lines the
    way `budgets.figures` computes it from stored lines."""

    def __init__(self, plan):
        self.lines = [(source, code, v) for (source, code), v in plan.lines.items()]

    @staticmethod
    def _amount(v):
        if v["total"] is not None:
            return v["total"]
        if v["basic"] is None and v["project"] is None:
            return None  # not filled in yet: adds nothing
        return v["basic"] + v["project"]

    def expenditure_from(self, source):
        mine = [(code, v) for s, code, v in self.lines if s == source]
        classified = [v for code, v in mine if code]
        return total(self._amount(v) for v in (classified or [v for _, v in mine]))

    def split_from(self, source, part):
        return total(v[part] for s, _, v in self.lines if s == source)


BASIC_PROJECT_ROWS = {
    "一般公共预算财政拨款支出": "general",
    "基本支出": "basic",
    "项目支出": "project",
    "政府性基金预算财政拨款支出": "fund",
}


def read_basic_project(r, t):
    """Last year's basic and project expenditure (a blank cell leaves the stored figure);
    this year's figures, where filled, must agree with the expenditure table."""
    values, seen = {}, {}
    sums = r.expenditure
    for row in t.rows:
        name = label(row.get("item"))
        which = BASIC_PROJECT_ROWS.get(name)
        if which is None:
            r.problem(
                t.title,
                row.number,
                t.columns["item"],
                f"项目“{text(row.get('item'))}”无法识别，应为：{names_of(BASIC_PROJECT_ROWS)}。",
            )
            continue
        if r.duplicate(t, row, seen, which, f"项目“{name}”"):
            continue
        current, prior = r.cell(t, row, "amount"), r.cell(t, row, "prior")
        r.check_change(t, row, current, prior)
        if current not in (None, INVALID) and sums is not None:
            expected = {
                "general": lambda: sums.expenditure_from(GENERAL),
                "basic": lambda: sums.split_from(GENERAL, "basic"),
                "project": lambda: sums.split_from(GENERAL, "project"),
                "fund": lambda: sums.expenditure_from(FUND),
            }[which]()
            if current != expected:
                hint = (
                    "（支出预算表没有“资金来源”列，全部按一般公共预算拨款计；支出有多个资金来源的，"
                    "请使用填报模板或重新下载的导出文件）"
                    if "source" not in r.expenditure_columns
                    else ""
                )
                r.problem(
                    t.title,
                    row.number,
                    t.columns["amount"],
                    f"“{name}”{exact_text(current)}与支出预算表计算的{exact_text(expected)}不相等{hint}。",
                )
        if which in ("basic", "project") and prior not in (None, INVALID):
            values[f"prior_{which}"] = prior
    return TablePlan(tuple(values), {("disclosure",): values} if values else {}, removable=False)


def read_basic_economic(r, t):
    """Basic expenditure by economic item. A 类 row above its 款 rows is their computed
    roll-up (as the export prints it): checked to add up, never stored. 人员经费 and
    公用经费 columns are computed too and not read."""
    plan, seen, rollups = TablePlan(("amount", *extra_fields(t))), {}, []
    codes = {text(row.get("code")) for row in t.rows}
    parents = {c[:3] for c in codes if len(c) == 5}
    for row in t.rows:
        code = r.classification(t, row, "economic")
        amount = r.cell(t, row, "amount")
        more = extras(r, t, row)
        if amount is None and not states_something(more.values()):
            continue
        if INVALID in (code, amount, *more.values()):
            continue
        if not code:
            r.problem(t.title, row.number, t.columns["code"], "缺少科目编码。")
            continue
        if code in parents:
            rollups.append((row, code))
            continue
        if not r.duplicate(t, row, seen, code, f"科目“{code}”"):
            plan.lines[(code,)] = {"amount": amount, **more}
    for row, code in rollups:
        parts = total(v["amount"] for (c,), v in plan.lines.items() if c.startswith(code))
        r.check_sum(t, row, "amount", parts, "其下各款之和")
    if t.total:
        r.check_sum(t, t.total, "amount", total(v["amount"] for v in plan.lines.values()))
    return plan


def read_official_expenses(r, t):
    has_reason = "reason" in t.columns
    plan = TablePlan(("amount", "prior_amount", *(("change_reason",) if has_reason else ())))
    seen, groups = {}, []
    for row in t.rows:
        name = label(row.get("item"))
        current, prior = r.cell(t, row, "amount"), r.cell(t, row, "prior")
        reason = text(row.get("reason")) if has_reason else ""
        r.check_change(t, row, current, prior)
        if not name:
            r.problem(t.title, row.number, t.columns["item"], "缺少项目名称。")
            continue
        if current is None and prior is None and not reason:
            continue
        item = r.lookup(t, row, "item", r.refs.official, name, "“三公”经费项目")
        if item is None or INVALID in (current, prior):
            continue
        if item.pk in r.refs.groups:
            groups.append((row, item, current, prior))
            continue
        if r.duplicate(t, row, seen, name, f"项目“{name}”"):
            continue
        values = {"amount": current, "prior_amount": prior}
        if has_reason:
            values["change_reason"] = reason
        plan.lines[(name,)] = values
    for row, group, current, prior in groups if r.sound(t) else ():
        children = [
            v for (name,), v in plan.lines.items() if r.refs.official[name].parent_id == group.pk
        ]
        what = "其明细项目之和"
        for key, value, expected in (
            ("amount", current, total(v["amount"] for v in children)),
            ("prior", prior, total(v["prior_amount"] for v in children)),
        ):
            if value is not None and value != expected:
                r.problem(
                    t.title,
                    row.number,
                    t.columns[key],
                    f"“{group.name}”{exact_text(value)}与{what}{exact_text(expected)}不相等。",
                )
    if t.total:
        lines = plan.lines.values()
        r.check_sum(t, t.total, "amount", total(v["amount"] for v in lines))
        r.check_sum(t, t.total, "prior", total(v["prior_amount"] for v in lines))
    return plan


def read_procurement(r, t):
    """Rows are funding sources, columns categories; an empty cell is no line, a zero is a
    line of 0 (kept: "政府采购预算0万元" is a sentence, no line at all is another)."""
    plan, seen = TablePlan(("amount",)), {}
    categories = [k for k in t.columns if k.startswith("category:")]
    column_sums = dict.fromkeys(categories, ZERO)
    for row in t.rows:
        name = label(row.get("source"))
        figures = {k: r.cell(t, row, k) for k in categories}
        row_total = r.cell(t, row, "amount")
        if not name:
            r.problem(t.title, row.number, t.columns["source"], "缺少资金来源。")
            continue
        source = r.lookup(t, row, "source", r.refs.source_names, name, "资金来源")
        if source is None or INVALID in figures.values() or row_total is INVALID:
            continue
        if r.duplicate(t, row, seen, source.code, f"资金来源“{name}”"):
            continue
        r.check_sum(t, row, "amount", total(figures.values()), "本行各品目之和")
        for key, value in figures.items():
            if value is not None:
                plan.lines[(source.code, key.removeprefix("category:"))] = {"amount": value}
                column_sums[key] += value
    if t.total:
        for key in categories:
            r.check_sum(t, t.total, key, column_sums[key])
        r.check_sum(t, t.total, "amount", total(column_sums.values()))
    return plan


def read_vehicles(r, t):
    plan, seen = TablePlan(("held", "planned")), {}
    for row in t.rows:
        name = label(row.get("kind"))
        held = r.cell(t, row, "held", read=cells.count)
        planned = r.cell(t, row, "planned", read=cells.count)
        if not name:
            r.problem(t.title, row.number, t.columns["kind"], "缺少车辆类型。")
            continue
        if held is None and planned is None:
            continue
        kind = r.lookup(t, row, "kind", r.refs.kinds, name, "车辆类型")
        if kind is None or INVALID in (held, planned):
            continue
        if not r.duplicate(t, row, seen, name, f"车辆类型“{name}”"):
            plan.lines[(name,)] = {"held": held or 0, "planned": planned or 0}
    if t.total and r.sound(t):
        for key in ("held", "planned"):
            value = r.cell(t, t.total, key, read=cells.count)
            expected = sum(v[key] for v in plan.lines.values())
            if value not in (None, INVALID) and value != expected:
                r.problem(
                    t.title,
                    t.total.number,
                    t.columns[key],
                    f"{value}与各行之和{expected}不相等。",
                )
    return plan


def read_key_projects(r, t):
    plan, seen = TablePlan(("name", "amount")), {}
    for row in t.rows:
        number = r.cell(t, row, "number", read=cells.count)
        name = text(row.get("name"))
        amount = r.cell(t, row, "amount")
        if not name and amount is None:
            continue  # a number without a project
        if not name:
            r.problem(t.title, row.number, t.columns["name"], "缺少项目名称。")
            continue
        if len(name) > 200:
            r.problem(t.title, row.number, t.columns["name"], "项目名称超过200个字。")
            continue
        if number is None or number == 0:
            r.problem(t.title, row.number, t.columns["number"], "序号应为正整数。")
            continue
        if INVALID in (number, amount):
            continue
        if not r.duplicate(t, row, seen, number, f"序号{number}"):
            plan.lines[(number,)] = {"name": name, "amount": amount}
    if t.total:
        r.check_sum(t, t.total, "amount", total(v["amount"] for v in plan.lines.values()))
    return plan


# The export writes the threshold as the document words it.
THRESHOLD_TEXT = re.compile(r"^单位价值([0-9.]+)万元以上$")
CATEGORY_LENGTH = 50


def _threshold(r, t, row):
    """A threshold in 万元 from a number (50) or the export's wording (单位价值50万元以上)."""
    found = THRESHOLD_TEXT.match(label(row.get("threshold")))
    if found:
        row = Row(row.number, {**row.cells, "threshold": found.group(1)})
    return r.cell(t, row, "threshold", unit="万元")


def read_equipment(r, t):
    """Equipment above a value threshold: one line per category and threshold, in row order;
    a row with neither threshold nor count is not imported."""
    plan, seen = TablePlan(("order", "count")), {}
    for row in t.rows:
        category = text(row.get("category"))
        threshold = _threshold(r, t, row)
        count = r.cell(t, row, "count", read=cells.count)
        if threshold is None and count is None:
            continue
        if not category:
            r.problem(t.title, row.number, t.columns["category"], "缺少设备类别。")
            continue
        if len(category) > CATEGORY_LENGTH:
            r.problem(
                t.title,
                row.number,
                t.columns["category"],
                f"设备类别超过{CATEGORY_LENGTH}个字。",
            )
            continue
        if threshold is None:
            r.problem(
                t.title,
                row.number,
                t.columns["threshold"],
                "缺少价值标准：填单位价值标准（万元），如50表示单位价值50万元以上。",
            )
            continue
        if count is None:
            r.problem(t.title, row.number, t.columns["count"], "缺少数量（台/套），没有填0。")
            continue
        if INVALID in (threshold, count):
            continue
        what = f"设备类别“{category}”（单位价值{exact_text(threshold)}万元以上）"
        if not r.duplicate(t, row, seen, (category, threshold), what):
            plan.lines[(category, threshold)] = {"order": len(plan.lines) + 1, "count": count}
    if t.total and r.sound(t):
        value = r.cell(t, t.total, "count", read=cells.count)
        expected = sum(v["count"] for v in plan.lines.values())
        if value not in (None, INVALID) and value != expected:
            r.problem(
                t.title, t.total.number, t.columns["count"], f"{value}与各行之和{expected}不相等。"
            )
    return plan


# Rows of the set-aside sheet → the disclosure's fields.
SET_ASIDE_ROWS = {
    "面向中小企业预留": "procurement_sme_amount",
    "其中：面向小微企业预留": "procurement_micro_amount",
}


def read_set_aside(r, t):
    """The SME set-aside of the procurement budget: two amounts of the disclosure itself (a
    blank cell states no set-aside); the micro part is part of the SME one."""
    values, seen, rows = {}, {}, {}
    for row in t.rows:
        name = label(row.get("item"))
        field = SET_ASIDE_ROWS.get(name) or SET_ASIDE_ROWS.get(f"其中：{name}")
        if field is None:
            r.problem(
                t.title,
                row.number,
                t.columns["item"],
                f"项目“{text(row.get('item'))}”无法识别，应为：{names_of(SET_ASIDE_ROWS)}。",
            )
            continue
        if r.duplicate(t, row, seen, field, f"项目“{name}”"):
            continue
        amount = r.cell(t, row, "amount")
        if amount is not INVALID:
            values[field], rows[field] = amount, row
    sme, micro = (values.get(f) for f in SET_ASIDE_ROWS.values())
    if micro is not None and r.sound(t) and (sme is None or micro > sme):
        r.problem(
            t.title,
            rows["procurement_micro_amount"].number,
            t.columns["amount"],
            f"面向小微企业预留{exact_text(micro)}超过面向中小企业预留{exact_text(sme or 0)}："
            "小微企业预留是中小企业预留的一部分。",
        )
    plan = TablePlan(tuple(values), removable=False)
    if values:
        plan.lines[("disclosure",)] = values
    return plan


READERS = {
    "income": read_income,
    "expenditure": read_expenditure,
    "basic-project": read_basic_project,
    "basic-economic": read_basic_economic,
    "official-expenses": read_official_expenses,
    "procurement": read_procurement,
    "vehicles": read_vehicles,
    "key-projects": read_key_projects,
    "equipment": read_equipment,
    "set-aside": read_set_aside,
}


def read_plan(book, disclosure, refs, titles=SHEETS):
    """(plan, issues, notices, found) of an open workbook: {table key: TablePlan}, every
    problem found, what was recomputed, and {table key: the sheet title it was found under}.
    `titles` ({key: sheet title}, `budgets.tables.workbook_titles`) are the region's; a
    table is also found under the titles of files exported before. Other sheets (computed
    tables, instructions, reference lists) are ignored."""
    reader = Reader(disclosure, refs)
    sheets = {label(sheet.title): sheet for sheet in book.worksheets}
    plan, found = {}, {}
    for key in SHEETS:
        titles_of = accepted(key, {**SHEETS, **titles})
        title = next((t for t in titles_of if label(t) in sheets), titles_of[0])
        found[key] = title
        sheet = sheets.get(label(title))
        if sheet is None and key in OPTIONAL_SHEETS:
            continue  # a file from before the sheet existed: its lines stay as they are
        if sheet is None:
            reader.problem(
                title,
                None,
                "",
                f"缺少工作表“{title}”：请使用填报模板或本平台导出的文件，不要删除或改名工作表。",
            )
            continue
        table = reader.table(sheet, key, title)
        if table is None:
            continue
        if key == "expenditure":
            reader.expenditure_columns = tuple(table.columns)
        plan[key] = READERS[key](reader, table)
    order = list(found.values())
    issues = sorted(
        reader.issues,
        key=lambda i: (order.index(i.sheet) if i.sheet in order else -1, i.row or 0),
    )
    return plan, issues, reader.notices, found
