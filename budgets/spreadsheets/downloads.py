"""What the download workbook ("下载本文件的数据", `portal.opendata.render_xlsx`) adds to the
page's tables so that it imports whole into a draft: the columns the import reads but the
page does not print (`tables.DOWNLOAD_COLUMNS`: 资金来源, 上年预算数, 上年执行数, 主要用途,
增减原因), the lines of an expenditure code paid from several sources, expenditure not
classified by function where the 合计 row cannot carry it, and the optional sheets
(equipment, SME set-aside) where the region's catalogue leaves them out. The page's own
rows and columns come first and unchanged; CSV, JSON and the data package keep the page's.
"""

from dataclasses import replace

from budgets.tables import AMOUNT, TEXT, Column, Entry, Row, Table, build_table

from .readers import SET_ASIDE_ROWS
from .tables import GENERAL, OPTIONAL_SHEETS, SOURCE_SEPARATOR, TEXT_COLUMNS, columns
from .tables import download_columns as extra_columns

UNCLASSIFIED = "（不分科目）"


def workbook_tables(disclosure, tables):
    """The download's tables (built by `budgets.tables` for a `for_page()` disclosure), each
    importable one with what its import reads, then the optional sheets it lacks."""
    f = disclosure.figures
    result = [_extended(disclosure, f, table) for table in tables]
    keys = {table.key for table in tables}
    if "equipment" not in keys:
        result.append(build_table(disclosure, Entry("equipment", OPTIONAL_SHEETS["equipment"])))
    result.append(_set_aside(disclosure))
    return result


def _extended(d, f, table):
    extend = EXTENSIONS.get(table.key)
    if extend is None:
        return table
    cols = [
        Column(c.key, c.title, TEXT if c.key in TEXT_COLUMNS | {"source"} else AMOUNT)
        for c in extra_columns(table.key, d.year)
    ]
    rows, total = extend(f, table, [c.key for c in cols])
    blank = (None,) * len(cols)
    note = table.note
    if rows and not table.rows:
        note = ""  # "本表无数据" no longer holds once the download lists lines
    return replace(
        table,
        columns=(*table.columns, *cols),
        rows=tuple(rows),
        total=Row((*total.values, *blank), total.level) if total else None,
        note=note,
    )


def _values(line, keys):
    """A line's values of the added columns, in their order."""
    fields = {
        "source": lambda: line.source.name,
        "prior": lambda: line.prior_amount,
        "prior_execution": lambda: line.prior_execution,
        "purpose": lambda: line.purpose,
        "reason": lambda: line.change_reason,
    }
    return tuple(fields[key]() for key in keys)


def _income(f, table, keys):
    # One row per income line, in the same order (budgets.tables `_income`).
    rows = [
        Row((*row.values, *_values(line, keys)), row.level)
        for row, line in zip(table.rows, f.income_lines, strict=True)
    ]
    return rows, table.total


def _leaves(codes):
    """Codes no other code extends (the lines; the others are roll-ups): 类 3, 款 5 digits."""
    return set(codes) - {c[:n] for c in codes for n in (3, 5) if n < len(c)}


def _expenditure(f, table, keys):
    """The page's 类 › 款 › 项 rows with each line's source and texts; a code paid from
    several sources is followed by one row per source (its row names them all), and lines
    without a code are rows of their own unless the 合计 row's split carries them."""
    by_code = {}
    for line in f.classified_lines:
        by_code.setdefault(line.functional_item.code, []).append(line)
    leaves = _leaves(by_code)
    blank = (None,) * len(keys)
    rows = []
    for row in table.rows:
        code = row.values[0]
        lines = by_code.get(code, []) if code in leaves else []
        if len(lines) == 1:
            rows.append(Row((*row.values, *_values(lines[0], keys)), row.level))
            continue
        if not lines:
            rows.append(Row((*row.values, *blank), row.level))
            continue
        sources = SOURCE_SEPARATOR.join(line.source.name for line in lines)
        rows.append(Row((*row.values, sources, *blank[1:]), row.level))
        for line in lines:
            split = line.is_split
            figures = (line.amount, line.basic, line.project) if split else (line.total, None, None)
            rows.append(Row((code, row.values[1], *figures, *_values(line, keys)), row.level + 1))
    total = table.total
    unclassified = f.unclassified_lines
    if unclassified and not _carried_by_total(f, unclassified):
        rows += [
            Row(("", UNCLASSIFIED, line.amount, line.basic, line.project, *_values(line, keys)))
            for line in unclassified
        ]
        if total is None:  # no classified line: the page's table is empty
            total = Row(("合计", "", f.expenditure.current, f.basic.current, f.project.current))
    return rows, total


def _carried_by_total(f, unclassified):
    """Whether the import reads the lines without a code from the 合计 row's split, as the
    page prints it: one such line, paid from the general budget, with nothing else to say,
    restating the split of classified lines that give only a total."""
    if len(unclassified) != 1 or not f.classified_lines:
        return False
    line = unclassified[0]
    unsplit = [x.total for x in f.classified_lines if not x.is_split]
    return (
        line.source.code == GENERAL
        and unsplit
        and None not in unsplit
        and line.basic is not None
        and line.basic + line.project == sum(unsplit)
        and line.prior_amount is None
        and line.prior_execution is None
        and not line.purpose
        and not line.change_reason
    )


def _basic_economic(f, table, keys):
    by_code = {line.economic_item.code: line for line in f.basic_lines}
    leaves = _leaves(by_code)
    rows = []
    for row in table.rows:
        line = by_code.get(row.values[0]) if row.values[0] in leaves else None
        prior = (line.prior_amount,) if line is not None else (None,)
        rows.append(Row((*row.values, *prior), row.level))
    return rows, table.total


def _official_expenses(f, table, keys):
    reasons = {line.item.name: line.change_reason for line in f.official_expense_lines}
    rows = [Row((*row.values, reasons.get(row.values[0])), row.level) for row in table.rows]
    return rows, table.total


EXTENSIONS = {
    "income": _income,
    "expenditure": _expenditure,
    "basic-economic": _basic_economic,
    "official-expenses": _official_expenses,
}


def _set_aside(d):
    """The SME set-aside as the template's sheet: the page says it in a sentence."""
    item, amount = columns("set-aside", d.year)
    rows = [
        Row((name, getattr(d, field)), level)
        for level, (name, field) in enumerate(SET_ASIDE_ROWS.items())
    ]
    return Table(
        "set-aside",
        OPTIONAL_SHEETS["set-aside"],
        "万元",
        (Column(item.key, item.title), Column(amount.key, amount.title, AMOUNT)),
        tuple(rows),
        note="说明：政府采购预算中面向中小企业预留的金额及其中面向小微企业预留的金额；留空即未预留。",
    )
