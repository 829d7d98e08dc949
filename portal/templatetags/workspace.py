"""The start page's blocks on the admin index (templates/admin/index.html)."""

from django import template

from portal import workspace

register = template.Library()


@register.inclusion_tag("admin/includes/start_page.html", takes_context=True)
def start_page(context):
    """Render the blocks of the signed-in user's start page."""
    return workspace.start_page(context["request"].user)
