"""Every number in a template goes through one of these filters (STYLE.md §12)."""

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from html import escape
from operator import call

from django import template
from django.utils.safestring import mark_safe

from budgets.money import CENT_OF_WAN as CENT
from budgets.money import TEN_THOUSAND, ZERO, format_amount, format_wan, format_yuan
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
    if value is None:
        return "—"
    if value.__class__ is not Decimal:
        return f"{value:+.2f}%" if value else "0.00%"
    # What `f"{value:+.2f}%"` writes (half to even, as format() rounds), at a third of its cost.
    text = str(value.quantize(CENT, ROUND_HALF_EVEN))
    return f"+{text}%" if value > 0 else f"{text}%" if value else "0.00%"


def _text(value):
    return "" if value is None else str(value)


def _amount_format(table, signed):
    """The one formatter of an amount column (what `table_amount` does, decided once): a
    1,000-line page formats some 10,000 cells, so nothing is looked up per cell."""
    scale = TEN_THOUSAND if table.unit == YUAN else None
    separators = table.separators

    def form(value):
        if value is None:
            return "—"
        if value.__class__ is not Decimal:
            value = Decimal(value)
        rounded = (value if scale is None else value * scale).quantize(CENT, ROUND_HALF_UP)
        # str() of a two-decimal Decimal is its `.2f` form (a minus included), at a third of
        # format()'s cost; only from 1,000.00 (seven characters) on are there separators.
        text = str(rounded)
        if separators and len(text) > 6:
            text = format(rounded, ",.2f")
        if text[0] == "-" and not value:  # a negative zero prints as zero
            return text[1:]
        return f"+{text}" if signed and value > 0 else text

    return form


def _formats(table):
    """One formatting function per column, chosen once per table rather than per cell."""
    formats = []
    for column in table.columns:
        if column.kind == AMOUNT:
            formats.append(_amount_format(table, column.key == "change"))
        elif column.kind == COUNT:
            formats.append(count)
        elif column.kind == PERCENT:
            formats.append(_percent)
        else:
            formats.append(_text)
    return formats


def _escape(text):
    """`text` escaped for HTML: letters and digits of any script need none (most names and
    every code are only that), a check at a fifth of escape()'s cost."""
    return text if text.isalnum() else escape(text)


def _escaped(form, header):
    """`form` with its text escaped; a row header is never blank."""
    if header:
        if form is _text:  # a name: one call
            return lambda value: "—" if value is None else _escape(str(value)) or "—"
        return lambda value: _escape(form(value)) or "—"
    if form is _text:  # most cells: one call
        return lambda value: (
            ""
            if value is None
            else value
            if value.__class__ is str and value.isalnum()
            else escape(str(value))
        )
    return lambda value: escape(form(value))


def _row_writer(table, header):
    """A function writing one `<tr>` of `table`, whose row-header cell is column `header`:
    one `str.format` pattern for the whole row and one function per cell, decided once.
    Numbers (digits, separators, signs, “—”) need no escaping; texts are escaped. A row of
    a classification code carries the anchor `{table key}-{code}` (search links to it)."""
    cells, forms = [], []
    for index, (column, form) in enumerate(zip(table.columns, _formats(table), strict=True)):
        if index == header:
            cells.append('<th scope="row">{}</th>')
            forms.append(_escaped(form, True))
        elif column.kind != "text":
            cells.append('<td class="num">{}</td>')
            forms.append(form)
        else:
            cells.append("<td>{}</td>")
            forms.append(_escaped(form, False))
    pattern = ('<tr class="level-{}"{}>' + "".join(cells) + "</tr>").format
    coded = table.columns[0].key == "code"
    anchor = f' id="{table.key}-{{}}"'.format

    def write(row):
        values = row.values
        if len(values) != len(forms):
            raise ValueError(f"表“{table.title}”的一行有{len(values)}格，应有{len(forms)}格。")
        code = values[0] if coded else None
        # A code of digits only needs no escaping.
        return pattern(
            row.level,
            anchor(code) if code and str(code).isdigit() else "",
            *map(call, forms, values),
        )

    return write


@register.simple_tag
def table_rows(table):
    """The `<tbody>` rows of a table as one string: a page of 1,000 lines renders its rows in
    one pass of plain Python (a template loop per cell grows the render time tenfold);
    every text is escaped, every number formatted by the column's one formatter."""
    return mark_safe("\n".join(map(_row_writer(table, table.label_index), table.rows)))


@register.simple_tag
def table_zero(table):
    """How a zero prints in `table` (its legend says so): `0.00`, `0` for counts."""
    return "0" if table.unit == VEHICLES else table_amount(ZERO, table)


@register.simple_tag
def table_total(table):
    """The 合计 row of a table (named by its first cell)."""
    if not table.total:
        return ""
    return mark_safe(_row_writer(table, 0)(table.total))
