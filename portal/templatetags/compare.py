"""Filters of the comparison pages: a change with its sign, in the tables' 万元."""

from django import template

from budgets.money import format_amount

register = template.Library()


@register.filter
def signed_amount(value):
    """`+748.50`, `-91.69`, `0.00`; `—` when the change is unknown."""
    if value is None:
        return "—"
    text = format_amount(abs(value))
    return f"+{text}" if value > 0 else f"-{text}" if value < 0 else text


@register.filter
def amount_or_dash(value):
    """An amount in 万元 with two decimals, `—` where the document gives none."""
    return "—" if value is None else format_amount(value)
