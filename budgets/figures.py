"""Totals, roll-ups and year-on-year comparisons of one disclosure, computed from its lines.

Works on prefetched lines (`Disclosure.objects.for_page()`), so a page costs a fixed number
of queries whatever the disclosure's size. Nothing here is stored: totals are never typed.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from .money import ZERO, total

LEVEL_LENGTHS = (3, 5, 7)  # 类, 款, 项
PERCENT_STEP = Decimal("0.01")
# The fund budgets beside the general public budget (DOMAIN.md part 三): their spending is
# entered as a line's total with its uses, never split into invented basic and project.
FUND_BUDGETS = ("government_fund", "state_capital")
# 人员经费 and 公用经费 of basic expenditure, by economic class (DOMAIN.md, cross-table rules).
PERSONNEL_CLASSES = ("301", "303")
PUBLIC_CLASSES = ("302", "310")


@dataclass(frozen=True)
class Comparison:
    """A headline figure beside last year's; `change` is None when either is unknown."""

    current: Decimal | None
    prior: Decimal | None

    @property
    def change(self):
        if self.current is None or self.prior is None:
            return None
        return self.current - self.prior

    @property
    def percent(self):
        """The change in % of last year's figure (two decimals); None when last year is
        unknown or 0 (a line that comes from 0 has no percentage)."""
        change = self.change
        if change is None or not self.prior:
            return None
        return (change * 100 / self.prior).quantize(PERCENT_STEP, rounding=ROUND_HALF_UP)

    @property
    def direction(self):
        change = self.change
        if change is None:
            return None
        return "increase" if change > 0 else "decrease" if change < 0 else "flat"


@dataclass
class FunctionalRow:
    """One row of the expenditure table: a 类, 款 or 项 and what falls under it."""

    code: str
    name: str
    amount: Decimal = ZERO
    basic: Decimal | None = ZERO
    project: Decimal | None = ZERO
    prior: Decimal | None = ZERO  # None once any line under it lacks last year's figure
    children: list = field(default_factory=list)

    @property
    def level(self):
        return {3: "类", 5: "款", 7: "项"}[len(self.code)]

    @property
    def comparison(self):
        return Comparison(self.amount, self.prior)

    def add(self, line):
        # A line not filled in yet (a prepared year's draft) adds nothing; the page says so.
        self.amount += line.amount or ZERO
        prior = getattr(line, "prior_amount", None)
        self.prior = None if self.prior is None or prior is None else self.prior + prior
        if getattr(line, "is_split", False) and self.basic is not None:
            self.basic += line.basic
            self.project += line.project
        else:  # the source gave only the total: the split of this row is unknown
            self.basic = self.project = None


@dataclass(frozen=True)
class ProcurementRow:
    label: str
    amount: Decimal
    by_category: list  # [(category, amount)], in category order


def roll_up(lines, item_of, lengths, names):
    """Lines classified by a code (类 3, 款 5, 项 7 digits) as a tree of rows, one per code
    level, each the computed sum of the lines under it; `names` names the roll-up codes."""
    rows = {}
    for line in lines:
        item = item_of(line)
        for n in lengths:
            if n > len(item.code):
                break
            code = item.code[:n]
            if code not in rows:
                name = item.name if n == len(item.code) else names.get(code, "")
                rows[code] = FunctionalRow(code, name)
                if n > lengths[0]:
                    rows[code[: n - 2]].children.append(rows[code])
            rows[code].add(line)
    for row in rows.values():
        row.children.sort(key=lambda r: r.code)
    top = lengths[0]
    return sorted((row for code, row in rows.items() if len(code) == top), key=lambda r: r.code)


class DisclosureFigures:
    """Every computed figure of a disclosure. Build it through `Disclosure.figures`."""

    def __init__(self, disclosure):
        self.disclosure = disclosure
        self.income_lines = list(disclosure.income_lines.all())
        self.expenditure_lines = list(disclosure.expenditure_lines.all())
        self.basic_lines = list(disclosure.basic_lines.all())
        self.official_expense_lines = list(disclosure.official_expense_lines.all())
        self.procurement_lines = list(disclosure.procurement_lines.all())
        self.vehicle_lines = list(disclosure.vehicle_lines.all())
        self.equipment_lines = list(disclosure.equipment_lines.all())
        self.key_projects = list(disclosure.key_projects.all())
        self.project_write_ups = list(disclosure.project_write_ups.all())
        self.performance_targets = list(disclosure.performance_targets.all())
        names = (disclosure.frozen or {}).get("classification_names")
        self.names_frozen = names is not None
        if names is not None:
            self._show_published_names(names)

    def _show_published_names(self, names):
        """A published version shows each code under the name it had at publication (see
        budgets/snapshots.py): the lines' items carry the frozen names from here on."""
        for line in self.expenditure_lines:
            if line.functional_item_id:
                item = line.functional_item
                item.name = names["functional"].get(item.code, item.name)
        for line in self.basic_lines:
            item = line.economic_item
            item.name = names["economic"].get(item.code, item.name)
        self.item_names = names["functional"]

    # -- income ----------------------------------------------------------------------

    @cached_property
    def income(self):
        priors = [line.prior_amount for line in self.income_lines]
        prior = total(priors) if any(p is not None for p in priors) else None
        return Comparison(total(line.amount for line in self.income_lines), prior)

    def income_from(self, source_code):
        """Income of one source (by its code), with last year's figure."""
        lines = [line for line in self.income_lines if line.source.code == source_code]
        priors = [line.prior_amount for line in lines if line.prior_amount is not None]
        return Comparison(total(line.amount for line in lines), total(priors) if priors else None)

    # -- expenditure ------------------------------------------------------------------

    @cached_property
    def classified_lines(self):
        return [line for line in self.expenditure_lines if line.functional_item_id]

    @cached_property
    def expenditure_by_function(self):
        """Total of the lines that carry a functional item (the sum over 类)."""
        return total(line.amount for line in self.classified_lines)

    @cached_property
    def basic_total(self):
        return total(line.basic for line in self.expenditure_lines)

    @cached_property
    def project_total(self):
        return total(line.project for line in self.expenditure_lines)

    @cached_property
    def split_is_complete(self):
        """True when basic + project covers every line (no line gives only a total)."""
        return all(line.is_split for line in self.expenditure_lines)

    @staticmethod
    def expenditure_of(lines):
        """Total of some lines: over functional items when they carry them, else basic +
        project (a line without an item only restates the split of the classified ones)."""
        classified = [line for line in lines if line.functional_item_id]
        if classified:
            return total(line.amount for line in classified)
        return total(line.amount for line in lines)

    @cached_property
    def expenditure_total(self):
        return self.expenditure_of(self.expenditure_lines)

    @cached_property
    def expenditure(self):
        d = self.disclosure
        prior = (
            None
            if d.prior_basic is None and d.prior_project is None
            else total([d.prior_basic, d.prior_project])
        )
        return Comparison(self.expenditure_total, prior)

    @cached_property
    def basic(self):
        return Comparison(self.basic_total, self.disclosure.prior_basic)

    @cached_property
    def project(self):
        return Comparison(self.project_total, self.disclosure.prior_project)

    @cached_property
    def headline_rows(self):
        """The appropriation headline figures with last year's, for the part 三 table."""
        basic, project = self.split_from("general_budget")
        return [
            ("一般公共预算财政拨款支出", self.appropriation_from("general_budget"), False),
            ("基本支出", basic, True),
            ("项目支出", project, True),
            ("政府性基金预算财政拨款支出", self.appropriation_from("government_fund"), False),
        ]

    def split_from(self, source_code):
        """(basic, project) Comparisons of the expenditure paid from one source. Last year's
        split is known per disclosure, not per source, so it is used only when every line
        is paid from that source."""
        lines = [line for line in self.expenditure_lines if line.source.code == source_code]
        if len(lines) == len(self.expenditure_lines):
            return self.basic, self.project
        return Comparison(total(line.basic for line in lines), None), Comparison(
            total(line.project for line in lines), None
        )

    def expenditure_from(self, source_code):
        """Expenditure paid from one source (e.g. general_budget for 一般公共预算财政拨款)."""
        return self.expenditure_of(
            [line for line in self.expenditure_lines if line.source.code == source_code]
        )

    def appropriation_from(self, source_code):
        """Expenditure from one appropriation source compared with last year's income from it
        (a budget's appropriations are spent in full, so last year's income is its spending)."""
        return Comparison(self.expenditure_from(source_code), self.income_from(source_code).prior)

    @cached_property
    def functional_parent_codes(self):
        """类/款 codes that the table shows as roll-ups of finer lines."""
        codes = set()
        for line in self.classified_lines:
            code = line.functional_item.code
            codes.update(code[:n] for n in LEVEL_LENGTHS if n < len(code))
        return codes

    @cached_property
    def item_names(self):
        """Official names of the roll-up codes in the list in force for the year (one query,
        only if needed; a published version's come from its frozen copy instead)."""
        from .models import FunctionalItem

        codes = self.functional_parent_codes
        if not codes:
            return {}
        d = self.disclosure
        items = FunctionalItem.objects.of_year(d.year, on=d.finance_approved_on)
        return dict(items.filter(code__in=codes).values_list("code", "name"))

    @cached_property
    def appropriation_sources(self):
        """The appropriation sources (财政拨款: 一般公共预算, 政府性基金, 国有资本经营) that
        any line names, in their reference order."""
        sources = {
            line.source
            for line in self.income_lines + self.expenditure_lines
            if line.source.is_appropriation
        }
        return sorted(sources, key=lambda s: (s.order, s.pk))

    @cached_property
    def functional_rows(self):
        """The expenditure table as a tree of 类 → 款 → 项 rows, each a computed roll-up."""
        return self.functional_tree(self.classified_lines)

    def functional_tree(self, lines):
        """Some classified lines as a tree of 类 → 款 → 项 rows, each a computed roll-up."""
        return roll_up(lines, lambda line: line.functional_item, LEVEL_LENGTHS, self.item_names)

    @cached_property
    def finest_level(self):
        """The finest level any line gives (类, 款 or 项), or None without lines."""
        return self.finest_level_of(self.classified_lines)

    @staticmethod
    def finest_level_of(lines):
        """The finest level some classified lines give (类, 款 or 项), or None."""
        lengths = [len(line.functional_item.code) for line in lines]
        return {3: "类", 5: "款", 7: "项"}[max(lengths)] if lengths else None

    @cached_property
    def unclassified_lines(self):
        """Lines that give only the basic/project split, not the functional items."""
        return [line for line in self.expenditure_lines if not line.functional_item_id]

    # -- basic expenditure by economic class ---------------------------------------------

    @cached_property
    def basic_by_economic_class(self):
        return total(line.amount for line in self.basic_lines)

    def basic_of_classes(self, classes):
        """Basic expenditure of the lines under some economic classes (e.g. 301 and 303)."""
        return total(
            line.amount for line in self.basic_lines if line.economic_item.code[:3] in classes
        )

    @cached_property
    def personnel_cost(self):
        """人员经费 = 301 工资福利支出 + 303 对个人和家庭的补助."""
        return self.basic_of_classes(PERSONNEL_CLASSES)

    @cached_property
    def public_cost(self):
        """公用经费 = 302 商品和服务支出 + 310 资本性支出."""
        return self.basic_of_classes(PUBLIC_CLASSES)

    @cached_property
    def economic_names(self):
        """Official names of the 类 codes the economic table rolls 款 lines up to."""
        from .models import EconomicItem

        codes = {line.economic_item.code[:3] for line in self.basic_lines}
        codes -= {line.economic_item.code for line in self.basic_lines}
        if not codes:
            return {}
        items = EconomicItem.objects.filter(year=self.disclosure.year, code__in=codes)
        return {item.code: item.name for item in items}

    @cached_property
    def economic_rows(self):
        """Basic expenditure as 类 → 款 rows (FunctionalRow shape: amount and prior)."""
        return roll_up(
            self.basic_lines, lambda line: line.economic_item, (3, 5), self.economic_names
        )

    # -- "三公" ----------------------------------------------------------------------------

    @cached_property
    def official_expenses(self):
        lines = self.official_expense_lines
        priors = [line.prior_amount for line in lines]
        prior = total(priors) if lines and all(p is not None for p in priors) else None
        return Comparison(total(line.amount for line in lines), prior)

    @cached_property
    def official_expense_groups(self):
        """Group items (公务用车购置及运行维护费) with the sum of their lines."""
        groups = {}
        for line in self.official_expense_lines:
            parent = line.item.parent
            if parent is not None:
                amount, prior = groups.get(parent, (ZERO, ZERO))
                groups[parent] = (
                    amount + (line.amount or ZERO),
                    prior + (line.prior_amount or ZERO),
                )
        return [
            (item, Comparison(*values))
            for item, values in sorted(groups.items(), key=lambda kv: kv[0].order)
        ]

    @cached_property
    def official_expense_table(self):
        """Rows (label, comparison, indented) in table order: a group's subtotal stands
        where its first item would, followed by its items."""
        groups = dict(self.official_expense_groups)
        rows, shown = [], set()
        for line in self.official_expense_lines:
            parent = line.item.parent
            if parent is not None and parent not in shown:
                shown.add(parent)
                rows.append((parent.name, groups[parent], False))
            rows.append((line.item.name, line.comparison, parent is not None))
        return rows

    # -- 机关运行经费 ---------------------------------------------------------------------

    @cached_property
    def operating_cost(self):
        return Comparison(self.disclosure.operating_cost, self.disclosure.prior_operating_cost)

    # -- procurement -----------------------------------------------------------------------

    @cached_property
    def procurement_categories(self):
        categories = {line.category for line in self.procurement_lines}
        return sorted(categories, key=lambda c: (c.order, c.pk))

    def _procurement_row(self, label, lines):
        by_category = [
            (category, total(line.amount for line in lines if line.category_id == category.pk))
            for category in self.procurement_categories
        ]
        return ProcurementRow(label, total(line.amount for line in lines), by_category)

    @cached_property
    def procurement(self):
        """All procurement, split by category."""
        return self._procurement_row("合计", self.procurement_lines)

    @cached_property
    def procurement_by_source(self):
        """One row per funding source, each split by category."""
        sources = sorted(
            {line.source for line in self.procurement_lines}, key=lambda s: (s.order, s.pk)
        )
        return [
            self._procurement_row(
                source.name,
                [line for line in self.procurement_lines if line.source_id == source.pk],
            )
            for source in sources
        ]

    @cached_property
    def procurement_set_aside(self):
        """The set-aside for small and medium enterprises (面向中小企业预留), with its share
        of all procurement (computed) and the part for micro enterprises where given; None
        when the document gives none."""
        d = self.disclosure
        if d.procurement_sme_amount is None:
            return None
        whole = self.procurement.amount
        share = (
            (d.procurement_sme_amount * 100 / whole).quantize(PERCENT_STEP, rounding=ROUND_HALF_UP)
            if whole
            else None
        )
        return SetAside(d.procurement_sme_amount, share, d.procurement_micro_amount, whole)

    # -- fund budgets (政府性基金, 国有资本经营) ---------------------------------------------

    def fund_budget(self, source_code):
        """One fund budget's income and spending (with last year's), and its spending lines
        with their uses and reasons; None when nothing of it is entered."""
        lines = [line for line in self.expenditure_lines if line.source.code == source_code]
        incomes = [line for line in self.income_lines if line.source.code == source_code]
        if not lines and not incomes:
            return None
        source = (incomes or lines)[0].source
        priors = [line.prior_amount for line in lines if line.prior_amount is not None]
        spending = Comparison(
            self.expenditure_of(lines), total(priors) if len(priors) == len(lines) else None
        )
        return FundBudget(source, self.income_from(source_code), spending, lines)

    @cached_property
    def government_fund(self):
        return self.fund_budget("government_fund")

    @cached_property
    def state_capital(self):
        return self.fund_budget("state_capital")

    @cached_property
    def unsplit_fund_lines(self):
        """Fund budget lines given as a total (their spending has no basic/project split)."""
        return [
            line
            for line in self.classified_lines
            if not line.is_split and line.source.code in FUND_BUDGETS
        ]

    # -- vehicles and equipment -------------------------------------------------------------

    @cached_property
    def vehicles_held(self):
        return sum(line.held for line in self.vehicle_lines)

    @cached_property
    def vehicles_planned(self):
        return sum(line.planned for line in self.vehicle_lines)

    @cached_property
    def equipment_count(self):
        """台（套） above the thresholds, over every equipment line."""
        return sum(line.count for line in self.equipment_lines)

    # -- key projects and their performance targets ------------------------------------------

    @cached_property
    def projects(self):
        """Each key project with its write-up subsections and its targets, in order."""
        write_ups, targets = {}, {}
        for w in sorted(self.project_write_ups, key=lambda w: w.subsection.order):
            write_ups.setdefault(w.project_id, []).append(w)
        for t in sorted(self.performance_targets, key=lambda t: t.order):
            targets.setdefault(t.project_id, []).append(t)
        return [
            ProjectView(p, write_ups.get(p.pk, []), targets.get(p.pk, []))
            for p in self.key_projects
        ]

    @cached_property
    def performance(self):
        """What the 绩效 paragraph covers: computed from the projects' targets when any are
        entered (projects with targets, their amount), else the amount typed in; None when
        neither is there (not filled is not zero)."""
        covered = [view.project for view in self.projects if view.targets]
        if covered:
            units = {p.unit_id for p in covered}
            return PerformanceCoverage(
                len(covered),
                total(p.amount for p in covered),
                True,
                None if None in units else len(units),
            )
        amount = self.disclosure.performance_amount
        return None if amount is None else PerformanceCoverage(None, amount, False)


@dataclass(frozen=True)
class ProjectView:
    project: object  # KeyProject
    write_ups: list  # ProjectWriteUp, in the template's subsection order
    targets: list  # PerformanceTarget, in order


@dataclass(frozen=True)
class PerformanceCoverage:
    projects: int | None  # projects with targets (None: only the amount was typed)
    amount: object  # Decimal, 万元
    computed: bool  # from the targets themselves
    units: int | None = None  # units carrying those projects (None: not every one says)


@dataclass(frozen=True)
class SetAside:
    amount: Decimal  # reserved for small and medium enterprises, 万元
    share: Decimal | None  # % of all procurement; None when there is no procurement
    micro: Decimal | None  # of which for micro enterprises, where given
    procurement: Decimal  # all procurement, 万元


@dataclass(frozen=True)
class FundBudget:
    source: object  # IncomeSource
    income: Comparison
    spending: Comparison
    lines: list  # ExpenditureLine of this source, with their purpose and change_reason
