"""Every number in a template goes through one of these filters (STYLE.md §12)."""

from html import escape

from django import template
from django.utils.safestring import mark_safe

from budgets.money import ZERO, format_amount, format_wan, format_yuan
from budgets.tables import AMOUNT, COUNT, PERCENT, VEHICLES, YUAN

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
def percent(value):
    """A share in % as the narrative writes it: `35.5`, `100` (no trailing zeros)."""
    return format_wan(value)


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


def _percent(value):
    return "—" if value is None else f"{value:+.2f}%" if value else "0.00%"


def _text(value):
    return "" if value is None else str(value)


def _formats(table):
    """One formatting function per column, chosen once per table rather than per cell
    (a 1,000-line page formats some 10,000 cells)."""
    formats = []
    for column in table.columns:
        if column.kind == AMOUNT:
            signed = column.key == "change"
            formats.append(lambda value, signed=signed: table_amount(value, table, signed))
        elif column.kind == COUNT:
            formats.append(count)
        elif column.kind == PERCENT:
            formats.append(_percent)
        else:
            formats.append(_text)
    return formats


def _row_parts(table, formats, row, header):
    """One `<tr>` of a table; `header` is the index of its row-header cell. A row of a
    classification code carries the anchor `{table key}-{code}` (search links to it)."""
    code = row.values[0] if table.columns[0].key == "code" else None
    anchor = f' id="{table.key}-{escape(code)}"' if code and str(code).isdigit() else ""
    parts = [f'<tr class="level-{row.level}"{anchor}>']
    for index, (column, form, value) in enumerate(
        zip(table.columns, formats, row.values, strict=True)
    ):
        text = escape(form(value))
        if index == header:
            parts.append(f'<th scope="row">{text or "—"}</th>')
        elif column.kind != "text":
            parts.append(f'<td class="num">{text}</td>')
        else:
            parts.append(f"<td>{text}</td>")
    parts.append("</tr>")
    return "".join(parts)


@register.simple_tag
def table_rows(table):
    """The `<tbody>` rows of a table as one string: a page of 1,000 lines renders its rows in
    one pass of plain Python (a template loop per cell grows the render time tenfold);
    every text is escaped, every number formatted by the column's one formatter."""
    formats, header = _formats(table), table.label_index
    return mark_safe("\n".join(_row_parts(table, formats, row, header) for row in table.rows))


@register.simple_tag
def table_zero(table):
    """How a zero prints in `table` (its legend says so): `0.00`, `0` for counts."""
    return "0" if table.unit == VEHICLES else table_amount(ZERO, table)


@register.simple_tag
def table_total(table):
    """The 合计 row of a table (named by its first cell)."""
    if not table.total:
        return ""
    return mark_safe(_row_parts(table, _formats(table), table.total, 0))
