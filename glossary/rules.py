"""The glossary's consistency rules, registered with `budgets.rules`."""

from budgets.rules import ERROR, WARNING, Problem, rule

from .models import Term


@rule
def functional_items_are_explained(disclosure):
    """Every functional item a disclosure uses has a term in its glossary."""
    explained = {
        entry.term.functional_item.code
        for entry in disclosure.glossary_entries.select_related("term__functional_item")
        if entry.term.functional_item
    }
    for line in disclosure.figures.classified_lines:
        code = line.functional_item.code
        if len(code) == 7 and code not in explained:
            yield Problem(
                ERROR, "glossary_entries", f"科目“{code} {line.functional_item.name}”没有名词解释。"
            )


@rule
def terms_are_the_regions_in_force(disclosure):
    """Each term of the glossary is a definition of the disclosure's region (its own, an
    ancestor's or a general one) in force that year: another region's or a later year's is
    an error; an older one its region has since reworded, a warning."""
    region, year = disclosure.department.region, disclosure.year
    lineage = {r.pk for r in region.lineage()}
    in_force = {t.name: t.pk for t in Term.objects.in_force(region=region, year=year)}
    for entry in disclosure.glossary_entries.select_related("term__region"):
        term = entry.term
        where = f"{term.region.name if term.region_id else '通用'}自{term.from_year}年起的解释"
        if (term.region_id and term.region_id not in lineage) or term.from_year > year:
            message = f"名词“{term.name}”选用的是{where}，不适用于{region.name}{year}年的公开文件。"
            yield Problem(ERROR, "glossary_entries", message)
        elif in_force.get(term.name) != term.pk:
            message = f"名词“{term.name}”选用的是{where}，{region.name}{year}年适用的解释已更新。"
            yield Problem(WARNING, "glossary_entries", message)
