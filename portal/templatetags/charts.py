"""`{% chart table %}`: the chart drawn above a table, when the page has one for it."""

from django import template

register = template.Library()


@register.inclusion_tag("includes/chart.html", takes_context=True)
def chart(context, table_or_key):
    """The chart of `table_or_key` (a table of budgets.tables, or a chart key) from the
    page's `charts` (portal.charts): a figure that charts.js draws, its caption the one-sentence
    text alternative; nothing when the page has no chart for it."""
    key = getattr(table_or_key, "key", table_or_key)
    return {
        "key": key,
        "data_id": f"chart-{key}-data",
        "chart": (context.get("charts") or {}).get(key),
    }
