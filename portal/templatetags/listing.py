"""`{% department_rows %}`: the home page's rows of departments, written in plain Python. The
page lists every department of the city (300 in the benchmark city): as a template loop its
rows took 5 ms, a third of rendering the page anew after a publication (issue 12)."""

from html import escape

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

ROW = (
    '<tr><th scope="row"><a href="{url}">{name}</a></th>'
    '<td><a href="{latest_url}" aria-label="{name}{latest}">{latest}</a></td></tr>'
).format


@register.simple_tag
def department_rows(departments):
    """The `<tr>` rows of `departments` (`portal.pages.home_data`'s rows: name, address,
    the latest version's label and address), every text escaped."""
    return mark_safe(
        "\n".join(
            ROW(
                url=escape(row["url"]),
                name=escape(row["name"]),
                latest_url=escape(row["latest_url"]),
                latest=escape(row["latest"]),
            )
            for row in departments
        )
    )
