"""A department's published budgets side by side, year after year (issue 14, “comparing”).

Every figure comes from the stored lines through `DisclosureFigures`, so the comparison and
each year's page can never disagree. Across a reorganisation (机构改革) the predecessors'
years join the comparison, each column labelled with the department that published it.

All of it runs in a fixed number of queries, however many years and departments it spans.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from organizations.models import DepartmentSuccession

from .models import Disclosure, EconomicItem, FunctionalItem
from .money import ZERO, total

# The headline figures (key, label, the disclosure's field holding the stated reason).
HEADLINES = (
    ("income", "收入合计", "income_change_reason"),
    ("expenditure", "支出合计", ""),
    ("appropriation", "财政拨款收入", ""),
    ("basic", "基本支出", "basic_change_reason"),
    ("project", "项目支出", "project_change_reason"),
    ("official", "“三公”经费", "official_expense_change_reason"),
)


def with_lines(queryset):
    """`queryset` of disclosures with every line `DisclosureFigures` reads (the page's own
    prefetches, so a line table added there is read here too): one query per line table
    whatever the number of disclosures, and never the stored page body."""
    return queryset.for_page().defer("published_body", "changes")


def _fill_names(disclosures):
    """Give every disclosure's figures the names of its roll-up codes, read in one query per
    classification for all of them (each figures object would otherwise ask for its own)."""
    wanted_functional, wanted_economic = set(), set()
    for d in disclosures:
        f = d.figures
        if not f.names_frozen:
            wanted_functional |= {(d.year, code) for code in f.functional_parent_codes}
        codes = {line.economic_item.code for line in f.basic_lines}
        wanted_economic |= {(d.year, c[:3]) for c in codes if len(c) > 3} - {
            (d.year, c) for c in codes
        }
    functional = _names(FunctionalItem, wanted_functional)
    economic = _names(EconomicItem, wanted_economic)
    for d in disclosures:
        f = d.figures
        if not f.names_frozen:
            f.item_names = {c: functional.get((d.year, c), "") for c in f.functional_parent_codes}
        f.economic_names = {c: n for (year, c), n in economic.items() if year == d.year}


def _names(model, wanted):
    if not wanted:
        return {}
    years = {year for year, _ in wanted}
    codes = {code for _, code in wanted}
    rows = model.objects.filter(year__in=years, code__in=codes).values_list("year", "code", "name")
    # Several versions of a year's list may name a code: any of them does for a roll-up row.
    return {(year, code): name for year, code, name in rows}


def headline_values(disclosure):
    """The headline figures of one disclosure: {key: (amount, stated reason)}."""
    f = disclosure.figures
    amounts = {
        "income": f.income.current,
        "expenditure": f.expenditure_total,
        "appropriation": total(
            line.amount for line in f.income_lines if line.source.is_appropriation
        ),
        "basic": f.basic_total if f.split_is_complete else None,
        "project": f.project_total if f.split_is_complete else None,
        "official": f.official_expenses.current if f.official_expense_lines else None,
    }
    if disclosure.no_official_expenses:
        amounts["official"] = ZERO
    return {
        key: (amounts[key], getattr(disclosure, reason) if reason else "")
        for key, _, reason in HEADLINES
    }


@dataclass
class Column:
    """One published budget in the comparison (a year of the department or a predecessor)."""

    disclosure: Disclosure
    own: bool  # published by the department itself, not a predecessor

    @property
    def year(self):
        return self.disclosure.year

    @property
    def department(self):
        return self.disclosure.department


@dataclass
class Cell:
    amount: Decimal | None
    change: Decimal | None = None
    reason: str = ""


@dataclass
class Row:
    key: str
    label: str
    level: int = 0
    cells: list = field(default_factory=list)

    @property
    def has_reason(self):
        return any(cell.reason for cell in self.cells)


@dataclass
class Section:
    key: str
    title: str
    rows: list


def _functional_rows(tree, level=0):
    for row in tree:
        yield row, level
        yield from _functional_rows(row.children, level + 1)


def _reasons(pairs):
    """{key: "reason; reason"} from (key, reason) pairs, each reason once, in order."""
    found = {}
    for key, reason in pairs:
        if reason and reason not in found.setdefault(key, []):
            found[key].append(reason)
    return {key: "；".join(reasons) for key, reasons in found.items()}


def _section_values(disclosure):
    """{section key: {row key: (label, level, amount, reason)}} for one disclosure."""
    f = disclosure.figures
    headline = headline_values(disclosure)
    sections = {
        "headline": {key: (label, 0, *headline[key]) for key, label, _ in HEADLINES},
        "income": {},
        "functional": {},
        "economic": {},
        "official": {},
    }
    for line in f.income_lines:
        sections["income"][line.source.code] = (
            line.source.name,
            0,
            line.amount,
            line.change_reason,
        )
    reasons = _reasons(
        (line.functional_item.code, line.change_reason) for line in f.classified_lines
    )
    for row, level in _functional_rows(f.functional_rows):
        sections["functional"][row.code] = (
            f"{row.code} {row.name}".strip(),
            level,
            row.amount,
            reasons.get(row.code, ""),
        )
    for row, level in _functional_rows(f.economic_rows):
        sections["economic"][row.code] = (f"{row.code} {row.name}".strip(), level, row.amount, "")
    reasons = _reasons((line.item.name, line.change_reason) for line in f.official_expense_lines)
    for label, comparison, indented in f.official_expense_table:
        sections["official"][label] = (
            label,
            int(indented),
            comparison.current,
            reasons.get(label, ""),
        )
    return sections


SECTIONS = (
    ("headline", "主要数字"),
    ("income", "收入（按来源）"),
    ("functional", "支出（按功能分类：类、款、项）"),
    ("economic", "基本支出（按经济分类）"),
    ("official", "“三公”经费"),
)
SORTED_BY_CODE = {"functional", "economic"}


def predecessors_of(department):
    """The departments `department` succeeds, directly or through earlier reorganisations
    (one query: the reorganisations are a short list of reference data)."""
    successions = list(DepartmentSuccession.objects.select_related("predecessor"))
    found, todo = [], [department.pk]
    while todo:
        current = todo.pop()
        for s in successions:
            new = s.predecessor not in found and s.predecessor_id != department.pk
            if s.successor_id == current and new:
                found.append(s.predecessor)
                todo.append(s.predecessor_id)
    return found


def comparison(department, *, kind=Disclosure.Kind.BUDGET):
    """The department's published budgets (current revisions) and its predecessors', oldest
    first, with every section's rows across them: each cell holds the amount, the change
    against the year before (the sum of that year's columns, so a merger compares with the
    merged departments together) and the reason the document states."""
    predecessors = predecessors_of(department)
    ids = [department.pk, *(p.pk for p in predecessors)]
    disclosures = list(
        with_lines(
            Disclosure.objects.current()
            .filter(department_id__in=ids, unit__isnull=True, kind=kind)
            .select_related("department")
        ).order_by("year", "department__name")
    )
    _fill_names(disclosures)
    columns = [Column(d, d.department_id == department.pk) for d in disclosures]
    values = [_section_values(d) for d in disclosures]
    sections = []
    for key, title in SECTIONS:
        labels = {}
        for column_values in reversed(values):  # newest label first
            for row_key, (label, level, _, _) in column_values[key].items():
                labels.setdefault(row_key, (label, level))
        # Codes in code order (a 类 before its 款 and 项); other rows in the newest
        # document's order, rows only older years have after them.
        order = sorted(labels) if key in SORTED_BY_CODE else list(labels)
        rows = []
        for row_key in order:
            label, level = labels[row_key]
            row = Row(row_key, label, level)
            for i in range(len(columns)):
                _, _, amount, reason = values[i][key].get(row_key, (None, None, None, ""))
                row.cells.append(Cell(amount, _change(columns, values, key, row_key, i), reason))
            rows.append(row)
        if rows:
            sections.append(Section(key, title, rows))
    return {"columns": columns, "sections": sections, "predecessors": predecessors}


def _change(columns, values, section, row_key, i):
    """The change of a cell against the previous year's columns: None without them, or
    when a figure there is unknown (a headline whose split was not given)."""
    amount = values[i][section].get(row_key, (None, None, None))[2]
    if amount is None:
        return None
    prior_year = columns[i].year - 1
    prior = [values[j][section] for j, column in enumerate(columns) if column.year == prior_year]
    if not prior:
        return None
    # A row missing from last year's document was not budgeted then: it starts from 0.
    amounts = [column[row_key][2] for column in prior if row_key in column]
    if any(a is None for a in amounts):
        return None
    return amount - total(amounts)


def figures_over_years(disclosures):
    """Headline figures of some disclosures (fetched through `with_lines`), oldest first:
    [(label, [amount per disclosure])]."""
    values = [headline_values(d) for d in disclosures]
    return [(label, [v[key][0] for v in values]) for key, label, _ in HEADLINES]
