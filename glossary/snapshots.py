"""The glossary part of a disclosure's snapshot (see budgets.snapshots)."""

from budgets.snapshots import provider

from .models import DisclosureTerm


@provider("glossary")
def glossary_data(disclosure):
    entries = DisclosureTerm.objects.filter(disclosure=disclosure).select_related(
        "term__functional_item"
    )
    return [
        {
            "name": entry.term.name,
            "definition": entry.term.definition,
            "code": entry.term.functional_item.code if entry.term.functional_item else "",
        }
        for entry in entries
    ]
