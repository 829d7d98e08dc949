"""The glossary's rows per disclosure follow it into a correction or the next year."""

from budgets.workflow import register_copier

from .models import DisclosureTerm


@register_copier
def copy_glossary_selection(source, target):
    for entry in DisclosureTerm.objects.filter(disclosure=source):
        DisclosureTerm.objects.create(disclosure=target, term_id=entry.term_id, order=entry.order)
