"""The glossary's rows per disclosure follow it into a correction or the next year."""

from budgets.workflow import register_copier

from .models import DisclosureTerm, Term


@register_copier
def copy_glossary_selection(source, target):
    """A correction keeps the very definitions it corrects; the next year's draft takes, for
    each term, the definition in force in its region that year (a region may have reworded
    it from then on), else keeps the old one."""
    in_force = {}
    if target.year != source.year:
        region = target.department.region
        in_force = {
            term.name: term for term in Term.objects.in_force(region=region, year=target.year)
        }
    for entry in DisclosureTerm.objects.filter(disclosure=source).select_related("term"):
        term = in_force.get(entry.term.name, entry.term)
        DisclosureTerm.objects.create(disclosure=target, term=term, order=entry.order)
