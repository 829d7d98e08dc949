"""Totals, roll-ups and year-on-year comparisons of one disclosure, computed from its lines.

Works on prefetched lines (`Disclosure.objects.for_page()`), so a page costs a fixed number
of queries whatever the disclosure's size. Nothing here is stored: totals are never typed.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.db import connections

from .money import FEN, ZERO, total

LEVEL_LENGTHS = (3, 5, 7)  # 类, 款, 项
PERCENT_STEP = Decimal("0.01")
# The fund budgets beside the general public budget (DOMAIN.md part 三): their spending is
# entered as a line's total with its uses, never split into invented basic and project.
FUND_BUDGETS = ("government_fund", "state_capital")
# 人员经费 and 公用经费 of basic expenditure, by economic class (DOMAIN.md, cross-table rules).
PERSONNEL_CLASSES = ("301", "303")
PUBLIC_CLASSES = ("302", "310")


def change_of(current, prior):
    """This year's figure less last year's; None when either is unknown."""
    if current is None or prior is None:
        return None
    return current - prior


def percent_of(change, prior):
    """A change in % of last year's figure (two decimals); None when last year is unknown
    or 0 (a line that comes from 0 has no percentage)."""
    if change is None or not prior:
        return None
    return (change * 100 / prior).quantize(PERCENT_STEP, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Comparison:
    """A headline figure beside last year's; `change` is None when either is unknown."""

    current: Decimal | None
    prior: Decimal | None

    @property
    def change(self):
        return change_of(self.current, self.prior)

    @property
    def percent(self):
        return percent_of(self.change, self.prior)

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
    amount: Decimal | None = ZERO  # None while any line under it is not filled in
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

    missing: int = 0  # lines under this row whose amounts are not filled in yet

    def add(self, line):
        self.add_values(line_values(line))

    def add_values(self, values):
        """Add one line's (amount, prior, split, basic, project) (see `line_values`)."""
        amount, prior, split, basic, project = values
        self.prior = None if self.prior is None or prior is None else self.prior + prior
        if amount is None:
            # A line not filled in yet (a prepared year's draft) adds nothing: the row's own
            # figures are unknown until it is, and the table says how many are missing.
            self.missing += 1
            self.amount = self.basic = self.project = None
            return
        if self.amount is not None:
            self.amount += amount
        if split and self.basic is not None:
            self.basic += basic
            self.project += project
        else:  # the source gave only the total: the split of this row is unknown
            self.basic = self.project = None

    def add_row(self, row):
        """Add a row under this one: what adding each of its lines would (see `roll_up`)."""
        self.missing += row.missing
        self.prior = None if self.prior is None or row.prior is None else self.prior + row.prior
        if self.amount is not None:
            self.amount = None if row.amount is None else self.amount + row.amount
        if self.basic is None or row.basic is None:
            self.basic = self.project = None
        else:
            self.basic += row.basic
            self.project += row.project


def line_values(line):
    """(amount, prior, split, basic, project) of an expenditure or economic line (an economic
    line gives neither a split nor last year's figure)."""
    split = getattr(line, "is_split", False)
    return (
        line.amount,
        getattr(line, "prior_amount", None),
        split,
        line.basic if split else None,
        line.project if split else None,
    )


def spending_amount(basic, project, total):
    """An expenditure line's 合计: basic + project, or the total the source gave; None while
    the line is not filled in (not filled is never read as zero). The one rule, for the
    model and the lines read here."""
    if total is not None:
        return total
    if basic is None and project is None:
        return None
    return (basic or 0) + (project or 0)


class SpendingAmounts:
    """What an expenditure line says of its amounts, for the model and the lines read here
    alike (both have basic, project, total, prior_amount and `amount`)."""

    __slots__ = ()

    @property
    def is_filled(self):
        """False for a prepared year's line whose amounts are still empty."""
        return self.total is not None or self.basic is not None or self.project is not None

    @property
    def is_split(self):
        return self.total is None

    @property
    def comparison(self):
        """This line's 合计 beside last year's budget for it."""
        return Comparison(self.amount, self.prior_amount)


@dataclass(slots=True)
class ItemRef:
    """A classification item as a read line names it (not a model instance)."""

    pk: int
    code: str
    name: str  # a published version's frozen name once its figures are built
    year: int
    version_id: int

    @property
    def level(self):
        return {3: "类", 5: "款", 7: "项"}[len(self.code)]

    def __str__(self):
        return f"{self.code} {self.name}（{self.year}）"


@dataclass(slots=True, eq=False)
class SpendingLine(SpendingAmounts):
    """An expenditure line (`ExpenditureLine`) read as values, to be read only: a 1,000-line
    disclosure would otherwise build 3,000 model instances (line, source, item) for every
    page body. `amount` and the ids are worked out once, when it is read."""

    pk: int
    source: object  # IncomeSource, one shared instance per source
    functional_item: ItemRef | None
    basic: Decimal | None
    project: Decimal | None
    total: Decimal | None
    prior_amount: Decimal | None
    prior_execution: Decimal | None
    purpose: str
    change_reason: str
    source_id: int = field(init=False)
    functional_item_id: int | None = field(init=False)
    amount: Decimal | None = field(init=False)

    def __post_init__(self):
        self.source_id = self.source.pk
        self.functional_item_id = None if self.functional_item is None else self.functional_item.pk
        self.amount = spending_amount(self.basic, self.project, self.total)

    def __str__(self):
        return str(self.functional_item or "未分科目")


@dataclass(frozen=True)
class SpendingSums:
    """Some expenditure lines summed in one pass: a 1,000-line page's tables ask for each of
    these figures several times."""

    count: int
    classified: list  # the lines that carry a functional item
    finest: int  # the length of the finest code among them (0 without any)
    split: bool  # every line gives basic and project (none only a total)
    missing: int  # lines whose amounts are not filled in yet
    basic: Decimal
    project: Decimal
    by_function: Decimal  # over the classified lines
    every: Decimal  # over every line
    prior: Decimal | None  # last year's, over the lines `amount` counts; None if one lacks it

    @property
    def amount(self):
        """Over the functional items when lines carry them, else over every line (a line
        without an item only restates the split of the classified ones)."""
        return self.by_function if self.classified else self.every


def spending_sums(lines):
    """`SpendingSums` of some expenditure lines (`SpendingLine`s), in one pass."""
    classified, finest, split, missing = [], 0, True, 0
    basic = project = by_function = every = ZERO
    prior_classified = prior_every = ZERO
    for line in lines:
        if line.total is not None:
            split = False
        if line.basic is not None:
            basic += line.basic
        if line.project is not None:
            project += line.project
        amount, prior = line.amount, line.prior_amount
        if amount is None:
            missing += 1
        else:
            every += amount
        if prior is None or prior_every is None:
            prior_every = None
        else:
            prior_every += prior
        if line.functional_item_id:
            classified.append(line)
            finest = max(finest, len(line.functional_item.code))
            if amount is not None:
                by_function += amount
            if prior is None or prior_classified is None:
                prior_classified = None
            else:
                prior_classified += prior
    return SpendingSums(
        len(lines),
        classified,
        finest,
        split,
        missing,
        basic,
        project,
        by_function,
        every,
        prior_classified if classified else prior_every,
    )


_LINE_FIELDS = (
    "disclosure_id",
    "pk",
    "basic",
    "project",
    "total",
    "prior_amount",
    "prior_execution",
    "purpose",
    "change_reason",
    "functional_item_id",
    "functional_item__code",
    "functional_item__name",
    "functional_item__year",
    "functional_item__version_id",
)


def _driver_rows(queryset):
    """The rows of a `values_list()` queryset as the database driver returns them: Django's
    converters, run on every value, cost more than the query on a 1,000-line disclosure
    (an SQLite amount becomes a Decimal through a float); the caller converts its columns."""
    compiler = queryset.query.get_compiler(queryset.db)
    sql, params = compiler.as_sql()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _wan(value):
    """A driver's amount as the Decimal 万元 (six decimals) the model field gives: SQLite
    keeps a float (an int when whole), whose nearest whole number of 分 is the amount, as
    Django's own conversion finds it (PostgreSQL's numeric is a Decimal already)."""
    if value is None:
        return None
    return Decimal(round(value * 1_000_000)) * FEN


def read_spending_lines(disclosures):
    """{disclosure pk: its expenditure lines as `SpendingLine`s, in the model's order}: one
    query for all of them, whatever their number."""
    from .models import ExpenditureLine, IncomeSource

    found = {d.pk: [] for d in disclosures}
    if not found:
        return found
    # Every concrete field of the source, so each is a complete (shared) instance.
    source_fields = IncomeSource._meta.concrete_fields
    lines = ExpenditureLine.objects.filter(disclosure__in=found).values_list(
        *_LINE_FIELDS, "source_id", *(f"source__{f.attname}" for f in source_fields)
    )
    # PostgreSQL's driver gives each amount as the Decimal already: nothing to convert.
    converted = connections[lines.db].vendor != "postgresql"
    sources = {}
    width = len(_LINE_FIELDS)
    for row in _driver_rows(lines):
        source = sources.get(row[width])
        if source is None:  # once per source: its values as its fields' (SQLite's 0/1 a bool)
            values = [f.to_python(v) for f, v in zip(source_fields, row[width + 1 :], strict=True)]
            source = IncomeSource.from_db(lines.db, [f.attname for f in source_fields], values)
            sources[row[width]] = source
        item = None if row[9] is None else ItemRef(*row[9:14])
        amounts = map(_wan, row[2:7]) if converted else row[2:7]
        found[row[0]].append(SpendingLine(row[1], source, item, *amounts, row[7], row[8]))
    return found


@dataclass(frozen=True)
class ProcurementRow:
    label: str
    amount: Decimal
    by_category: list  # [(category, amount)], in category order


def roll_up(lines, item_of, lengths, names):
    """Lines classified by a code (类 3, 款 5, 项 7 digits) as a tree of rows, one per code
    level, each the computed sum of the lines under it; `names` names the roll-up codes.
    A line is added to its own row only, then each row to the one above it: a 款 adds its
    项 rows once, not each of their lines again (sums of exact Decimals, so the same)."""
    rows = {}
    for line in lines:
        item = item_of(line)
        row = rows.get(item.code)
        if row is None:
            row = _own_row(rows, item, lengths, names)
            if row is None:  # a code shorter than a 类: under no row
                continue
        row.add_values(line_values(line))
    top = sorted((row for code, row in rows.items() if len(code) == lengths[0]), key=_code)
    for row in top:
        _add_up(row)
    return top


def _own_row(rows, item, lengths, names):
    """The row a line of `item` adds to (its code's, or the finest level above it), made with
    any missing row above it, each under its parent; None for a code shorter than a 类."""
    full = item.code
    row = None
    for n in lengths:
        if n > len(full):
            break
        code = full[:n]
        found = rows.get(code)
        if found is None:
            found = rows[code] = FunctionalRow(
                code, item.name if n == len(full) else names.get(code, "")
            )
            if row is not None:
                row.children.append(found)
        row = found
    return row


def _add_up(row):
    """Add the rows under `row` into it, each once its own are (finest first), in code order."""
    children = row.children
    if len(children) > 1:
        children.sort(key=_code)
    for child in children:
        if child.children:
            _add_up(child)
        row.add_row(child)


def _code(row):
    return row.code


class DisclosureFigures:
    """Every computed figure of a disclosure. Build it through `Disclosure.figures`."""

    def __init__(self, disclosure):
        self.disclosure = disclosure
        self.income_lines = list(disclosure.income_lines.all())
        # SpendingLine values, not model instances; read with the others by `for_page()`.
        lines = getattr(disclosure, "spending_lines", None)
        if lines is None:
            lines = read_spending_lines([disclosure])[disclosure.pk]
        self.expenditure_lines = lines
        self._spending_sums = {}
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

    @staticmethod
    def _by_source(lines):
        """{source code: its lines}, in one pass (a table asks per source, several times)."""
        groups = {}
        for line in lines:
            groups.setdefault(line.source.code, []).append(line)
        return groups

    @cached_property
    def income_by_source(self):
        return self._by_source(self.income_lines)

    @cached_property
    def expenditure_by_source(self):
        return self._by_source(self.expenditure_lines)

    def income_from(self, source_code):
        """Income of one source (by its code), with last year's figure."""
        lines = self.income_by_source.get(source_code, [])
        priors = [line.prior_amount for line in lines if line.prior_amount is not None]
        return Comparison(total(line.amount for line in lines), total(priors) if priors else None)

    # -- expenditure ------------------------------------------------------------------

    def spending_sums(self, source_code=None):
        """`SpendingSums` of every expenditure line, or of one source's, summed once."""
        sums = self._spending_sums
        if source_code not in sums:
            if source_code is None:
                sums[None] = spending_sums(self.expenditure_lines)
            else:
                lines = self.expenditure_by_source.get(source_code, [])
                # One source paying every line (the usual case) sums the same lines again.
                whole = len(lines) == len(self.expenditure_lines)
                sums[source_code] = self.spending_sums() if whole else spending_sums(lines)
        return sums[source_code]

    @property
    def classified_lines(self):
        return self.spending_sums().classified

    @property
    def expenditure_by_function(self):
        """Total of the lines that carry a functional item (the sum over 类)."""
        return self.spending_sums().by_function

    @property
    def basic_total(self):
        return self.spending_sums().basic

    @property
    def project_total(self):
        return self.spending_sums().project

    @property
    def split_is_complete(self):
        """True when basic + project covers every line (no line gives only a total)."""
        return self.spending_sums().split

    @staticmethod
    def expenditure_of(lines):
        """Total of some lines: over functional items when they carry them, else basic +
        project (a line without an item only restates the split of the classified ones)."""
        return spending_sums(lines).amount

    @property
    def expenditure_total(self):
        return self.spending_sums().amount

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
        sums = self.spending_sums(source_code)
        if sums.count == len(self.expenditure_lines):
            return self.basic, self.project
        return Comparison(sums.basic, None), Comparison(sums.project, None)

    def expenditure_from(self, source_code):
        """Expenditure paid from one source (e.g. general_budget for 一般公共预算财政拨款)."""
        return self.spending_sums(source_code).amount

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
        any line names, or whose 上年结转 one does, in their reference order."""
        groups = (self.income_by_source, self.expenditure_by_source)
        sources = {
            lines[0].source
            for group in groups
            for lines in group.values()
            if lines[0].source.is_appropriation
        }
        sources |= {line.source.carries_over for line in self.carry_over_lines}
        return sorted(sources, key=lambda s: (s.order, s.pk))

    @cached_property
    def carry_over_lines(self):
        """Income lines of last year's unspent appropriations (上年结转 of one fund)."""
        return [line for line in self.income_lines if line.source.carries_over_id]

    def appropriation_income(self, source):
        """What one fund brings in: this year's appropriation and its 上年结转; a budget
        spends both on the lines that name the fund."""
        carried = [
            line.amount
            for line in self.carry_over_lines
            if line.source.carries_over_id == source.pk
        ]
        return total([self.income_from(source.code).current, *carried])

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
