"""Every number in a template goes through one of these filters (STYLE.md §12)."""

from django import template

from budgets.money import format_amount, format_wan, format_yuan

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
