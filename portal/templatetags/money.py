"""Every number in a template goes through one of these filters (STYLE.md §12)."""

from html import escape

from django import template
from django.utils.safestring import mark_safe

from budgets.money import format_amount, format_wan, format_yuan
from budgets.tables import AMOUNT, COUNT, PERCENT, YUAN

register = template.Library()


@register.filter
def wan(value):
    """Narrative form in 万元: `87.5`, `218`, `0`."""
    return format_wan(value)


@register.filter
def amount(value, unit="wan"):
    """Table form with two decimals, in 万元 (default) or 元 (`|amount:"yuan"`)."""
    return format_yuan(value) if unit == "yuan" else format_amount(value)


@register.filter
def count(value):
    """A head or vehicle count."""
    return "" if value is None else str(int(value))


@register.filter
def change_amount(comparison, unit="wan"):
    """A table's 增减 cell: `+748.50`, `-91.69`, `0.00`, or `—` when last year is unknown."""
    change = comparison.change
    if change is None:
        return "—"
    text = amount(abs(change), unit)
    return f"+{text}" if change > 0 else f"-{text}" if change < 0 else text


def table_amount(value, table, signed=False):
    """An amount in the table's unit (万元 or 元), with or without thousands separators;
    `—` where the figure is unknown, `+`/`-` on a change."""
    if value is None:
        return "—"
    render = format_yuan if table.unit == YUAN else format_amount
    text = render(abs(value) if signed else value, table.separators)
    if signed and value:
        return f"+{text}" if value > 0 else f"-{text}"
    return text


@register.filter
def cells(row, table):
    """One row of a `budgets.tables.Table` as (is_label, is_number, text) per cell, every
    number formatted here: the page renders each table in one pass, no include per row."""
    label = table.label_index
    result = []
    for index, (column, value) in enumerate(zip(table.columns, row.values, strict=True)):
        if column.kind == AMOUNT:
            text = table_amount(value, table, signed=column.key == "change")
        elif column.kind == COUNT:
            text = count(value)
        elif column.kind == PERCENT:
            text = "—" if value is None else f"{value:+.2f}%" if value else "0.00%"
        else:
            text = "" if value is None else str(value)
        result.append((index == label, column.kind != "text", text))
    return result


def _row_html(row, table, total=False):
    parts = [f'<tr class="level-{row.level}">']
    for index, (is_label, is_number, text) in enumerate(cells(row, table)):
        if index == 0 if total else is_label:  # a 合计 row is named by its first cell
            parts.append(f'<th scope="row">{escape(text) or "—"}</th>')
        else:
            parts.append(
                f'<td class="num">{escape(text)}</td>' if is_number else f"<td>{escape(text)}</td>"
            )
    parts.append("</tr>")
    return "".join(parts)


@register.simple_tag
def table_rows(table):
    """The `<tbody>` rows of a table as one string: a page of 1,000 lines renders its rows in
    one pass of plain Python (a template loop per cell grows the render time tenfold);
    every text is escaped, every number formatted by `cells`."""
    return mark_safe("\n".join(_row_html(row, table) for row in table.rows))


@register.simple_tag
def table_total(table):
    """The 合计 row of a table (its first cell a row header)."""
    return mark_safe(_row_html(table.total, table, total=True)) if table.total else ""
