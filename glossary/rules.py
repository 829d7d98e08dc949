"""The glossary's consistency rule, registered with `budgets.rules`."""

from budgets.rules import ERROR, Problem, rule


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
