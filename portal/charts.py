"""The charts of a disclosure page, each drawn from the same figures as the table it sits on.

A chart is a plain structure (`kind`, `title`, `sentence`, `items`) that the page passes to
`portal/static/portal/charts.js` with `json_script`; the table under it stays the reference
(and is all a reader without JavaScript sees). `sentence` is the chart's one-sentence text
alternative. Amounts are strings in 万元 to the fen: JSON has no decimal type.
"""

from budgets.money import ZERO, format_wan, to_wan_2


def _item(name, amount, children=()):
    item = {"name": name, "value": str(to_wan_2(amount or ZERO))}
    if children:
        item["children"] = children
    return item


def _share(part, whole):
    return f"{part * 100 / whole:.1f}%" if whole else "0%"


def _largest_sentence(what, items, whole):
    """“…合计X万元，其中最多的是Y，Z万元，占W%。” for the chart's text alternative."""
    largest = max(items, key=lambda pair: pair[1])
    return (
        f"{what}合计{format_wan(whole)}万元，共{len(items)}项，其中最多的是{largest[0]}，"
        f"{format_wan(largest[1])}万元，占{_share(largest[1], whole)}。"
    )


def income_chart(f):
    """收入预算按来源（资金来源）分列。"""
    items = [(line.source.name, line.amount) for line in f.income_lines if line.amount]
    if not items:
        return None
    whole = f.income.current
    return {
        "kind": "pie",
        "title": "收入预算按来源",
        "sentence": _largest_sentence("收入预算", items, whole),
        "items": [_item(name, amount) for name, amount in items],
    }


def _functional_items(rows):
    return [
        _item(f"{row.code} {row.name}", row.amount, _functional_items(row.children)) for row in rows
    ]


def expenditure_chart(f):
    """支出预算按功能分类“类”，有款、项明细时可逐级展开。"""
    rows = [row for row in f.functional_rows if row.amount]
    if not rows:
        return None
    items = [(row.name, row.amount) for row in rows]
    drill = any(row.children for row in rows)
    sentence = _largest_sentence("按功能分类的支出预算", items, f.expenditure_by_function)
    if drill:
        sentence = sentence[:-1] + "；点击图中的“类”可展开到款、项。"
    return {
        "kind": "bar",
        "title": "支出预算按功能分类（类）",
        "sentence": sentence,
        "items": _functional_items(rows),
    }


def basic_project_chart(f):
    """基本支出与项目支出。"""
    basic, project = f.basic.current, f.project.current
    if not (basic or project):
        return None
    whole = basic + project
    return {
        "kind": "pie",
        "title": "基本支出和项目支出",
        "sentence": (
            f"支出预算中基本支出{format_wan(basic)}万元，占{_share(basic, whole)}；"
            f"项目支出{format_wan(project)}万元，占{_share(project, whole)}。"
        ),
        "items": [_item("基本支出", basic), _item("项目支出", project)],
    }


def official_expenses_over_years_chart(years):
    """“三公”经费历年预算：`years` is [(year, amount or None)], oldest first; a year whose
    figure is not published is left out of the line (never drawn as 0)."""
    known = [(year, amount) for year, amount in years if amount is not None]
    if len(known) < 2:
        return None
    first, last = known[0], known[-1]
    return {
        "kind": "line",
        "title": "“三公”经费历年预算",
        "sentence": (
            f"“三公”经费预算从{first[0]}年的{format_wan(first[1])}万元"
            f"变为{last[0]}年的{format_wan(last[1])}万元。"
        ),
        "items": [_item(f"{year}年", amount) for year, amount in known],
    }


# Table key → the chart drawn above it (the table is the chart's long description).
CHARTS = {
    "income": income_chart,
    "expenditure": expenditure_chart,
    "basic-project": basic_project_chart,
}


def charts_of(figures):
    """The charts of one disclosure, keyed by the table each one sits on."""
    charts = {key: build(figures) for key, build in CHARTS.items()}
    return {key: chart for key, chart in charts.items() if chart}
