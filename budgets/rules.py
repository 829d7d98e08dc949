"""The consistency rules of a disclosure (DOMAIN.md "Consistency rules"), in one registry.

`check_disclosure` runs every registered rule and returns plain-Chinese problems, each naming
the field or line group it concerns. Apps that own related data (the glossary) register
their own rules here, so there is still one place that answers "is this disclosure sound?".
"""

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from .money import format_wan, total

ERROR, WARNING = "error", "warning"
RESIDUE = re.compile(r"XX|××|【|】")
YEAR = re.compile(r"(20\d{2})年")

_rules = []


@dataclass(frozen=True)
class Problem:
    severity: str  # ERROR blocks submission, WARNING is shown only
    field: str  # a Disclosure field or a line group (income_lines, …)
    message: str
    table: str = ""  # where a cross-table finding sits: the table's title …
    row: str = ""  # … the row's label (code and name) …
    column: str = ""  # … and the column


def at(table, row="", column=""):
    """The place of a finding as people read it: 表“一般公共预算支出表”行“2010301 行政运行”列“基本支出”."""
    parts = [f"表“{table}”", f"行“{row}”" if row else "", f"列“{column}”" if column else ""]
    return "".join(parts)


def table_problem(severity, field, table, row, column, message):
    """A finding that points at its table, row and column; the message starts with them."""
    return Problem(severity, field, f"{at(table, row, column)}：{message}", table, row, column)


def rule(func):
    """Register a rule: `func(disclosure) -> iterable of Problem`."""
    _rules.append(func)
    return func


# The rule sets a region's narrative template can name (`NarrativeTemplate.rule_set`): every
# rule runs in each; a set lists the rules whose errors only warn there, because that region's
# documents do not carry what the rule asks (a glossary term for every 项-level 科目 is
# Chongqing's practice, not a national one).
RULE_SETS = {
    "chongqing": ("重庆市规则（全部规则均须满足）", frozenset()),
    "general": (
        "通用规则（名词解释不要求逐个科目，缺少时只作提示）",
        frozenset({"functional_items_are_explained"}),
    ),
}
DEFAULT_RULE_SET = "chongqing"


def rule_set_choices():
    """(code, label) of every rule set, for the template's field."""
    return [(code, label) for code, (label, _advisory) in RULE_SETS.items()]


def check_disclosure(disclosure):
    """Every problem every registered rule finds, errors first; the rules the region's rule
    set makes advisory report warnings instead of errors (they never block submission)."""
    from .models import NarrativeTemplate

    template = NarrativeTemplate.for_body(
        region=disclosure.department.region, year=disclosure.year, kind=disclosure.kind
    )
    _label, advisory = RULE_SETS[template.rule_set if template else DEFAULT_RULE_SET]
    problems = []
    for func in _rules:
        for problem in func(disclosure):
            if problem.severity == ERROR and func.__name__ in advisory:
                problem = replace(problem, severity=WARNING)
            problems.append(problem)
    return sorted(problems, key=lambda p: p.severity != ERROR)


TEXT_FIELDS = (
    "income_change_reason",
    "basic_change_reason",
    "basic_uses",
    "project_change_reason",
    "official_expense_change_reason",
    "operating_cost_change_reason",
    "operating_cost_uses",
)


@rule
def totals_agree(disclosure):
    f = disclosure.figures
    if disclosure.kind == disclosure.Kind.BUDGET and f.income.current != f.expenditure_total:
        yield Problem(
            ERROR,
            "income_lines",
            f"收入合计{format_wan(f.income.current)}万元与支出合计{format_wan(f.expenditure_total)}万元不相等，预算应收支平衡。",
        )
    split = f.basic_total + f.project_total
    # Fund budget lines given as a total have no basic/project split to agree with.
    by_function = f.expenditure_by_function - total(line.amount for line in f.unsplit_fund_lines)
    if f.classified_lines and by_function != split:
        yield Problem(
            ERROR,
            "expenditure_lines",
            f"按功能分类的支出合计{format_wan(by_function)}万元与基本支出加项目支出"
            f"{format_wan(split)}万元不相等。",
        )


@rule
def amounts_are_filled_in(disclosure):
    """A prepared draft starts with empty amounts; each must be entered (0 if none)."""
    f = disclosure.figures
    for line in f.income_lines:
        if line.amount is None:
            yield Problem(
                ERROR, "income_lines", f"收入“{line.source.name}”尚未填写本年预算数（没有请填0）。"
            )
    for line in f.official_expense_lines:
        if line.amount is None:
            yield Problem(
                ERROR,
                "official_expense_lines",
                f"“三公”经费“{line.item.name}”尚未填写本年预算数（没有请填0）。",
            )
    for line in f.expenditure_lines:
        if not line.is_filled:
            yield table_problem(
                ERROR,
                "expenditure_lines",
                SPENDING,
                _item_label(line),
                "基本支出/项目支出",
                f"支出“{_item_label(line)}”尚未填写本年预算数（没有请填0）。",
            )
    for line in f.basic_lines:
        if line.amount is None:
            item = line.economic_item
            yield table_problem(
                ERROR,
                "basic_lines",
                ECONOMIC_TABLE,
                f"{item.code} {item.name}",
                "金额",
                f"基本支出“{item.code} {item.name}”尚未填写本年预算数（没有请填0）。",
            )
    if not f.expenditure_lines:
        yield Problem(ERROR, "expenditure_lines", "尚未填写支出预算。")


@rule
def codes_are_in_the_years_list(disclosure):
    """Every line's code is in the list version in force for the disclosure's year (on its
    财政批复 date). A line outside it is flagged for the contact person to choose again:
    never moved to another item or renamed behind their back."""
    from .models import ClassificationScheme, ClassificationVersion, EconomicItem, FunctionalItem

    f = disclosure.figures
    groups = [
        (
            "expenditure_lines",
            FunctionalItem,
            ClassificationScheme.FUNCTIONAL,
            [line.functional_item for line in f.expenditure_lines if line.functional_item_id],
        ),
        (
            "basic_lines",
            EconomicItem,
            ClassificationScheme.ECONOMIC,
            [line.economic_item for line in f.basic_lines],
        ),
    ]
    for field, model, scheme, items in groups:
        if not items:
            continue
        version = ClassificationVersion.objects.in_force(
            scheme, disclosure.year, disclosure.finance_approved_on
        )
        if version is None:
            yield Problem(
                ERROR,
                field,
                f"平台还没有{disclosure.year}年的{scheme.label}目录，请平台管理员先导入。",
            )
            continue
        official = dict(model.objects.filter(version=version).values_list("code", "name"))
        for item in items:
            if item.version_id == version.pk:
                continue
            if item.year != disclosure.year:
                yield Problem(
                    ERROR,
                    field,
                    f"科目“{item.code} {item.name}”属于{item.year}年分类，应使用{disclosure.year}年科目。",
                )
            elif item.code not in official:
                yield Problem(
                    ERROR,
                    field,
                    f"科目“{item.code} {item.name}”不在{version}中，请改选该目录中的科目。",
                )
            elif official[item.code] != item.name:
                yield Problem(
                    WARNING,
                    field,
                    f"科目“{item.code}”在{version}中的名称为“{official[item.code]}”，"
                    f"本行用的是旧名称“{item.name}”，请重新选择该科目。",
                )


@rule
def changes_have_reasons(disclosure):
    f = disclosure.figures
    pairs = [
        (f.income, disclosure.income_change_reason, "income_change_reason", "收入"),
        (f.basic, disclosure.basic_change_reason, "basic_change_reason", "基本支出"),
        (f.project, disclosure.project_change_reason, "project_change_reason", "项目支出"),
        (
            f.operating_cost,
            disclosure.operating_cost_change_reason,
            "operating_cost_change_reason",
            "机关运行经费",
        ),
    ]
    for comparison, reason, field, label in pairs:
        if comparison.change and not reason.strip():
            yield Problem(WARNING, field, f"{label}与上年相比有增减，请说明原因。")
    for line in f.official_expense_lines:
        if line.comparison.change and not line.change_reason.strip():
            yield Problem(
                WARNING,
                "official_expense_lines",
                f"“{line.item.name}”与上年相比有增减，请说明原因。",
            )


# An empty reason or use left from the template: “主要原因是。”, “主要用于；”, a trailing “主要是”.
EMPTY_CLAUSE = re.compile(r"主要(?:原因是?|用于|是)\s*(?:[。；;，,]|$)")
# A direction stated with its amount: “增加748.5万元”, “减少 34 万元”.
DIRECTED_AMOUNT = re.compile(r"(增加|减少|增长|下降)\s*(\d+(?:\.\d+)?)\s*万元")
AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*万元")


def _region_template(disclosure):
    """The template row of the disclosure's region and year: its per-region rule settings."""
    from .models import NarrativeTemplate

    return NarrativeTemplate.for_body(
        region=disclosure.department.region, year=disclosure.year, kind=disclosure.kind
    )


def free_texts(disclosure):
    """(field, label, text, comparison or None) of every free text of the disclosure: its
    reasons and uses, each line's reason and purpose, and its published wordings."""
    f = disclosure.figures
    comparisons = {
        "income_change_reason": f.income,
        "basic_change_reason": f.basic,
        "project_change_reason": f.project,
        "official_expense_change_reason": f.official_expenses,
        "operating_cost_change_reason": f.operating_cost,
    }
    for name in TEXT_FIELDS:
        label = disclosure._meta.get_field(name).verbose_name
        yield name, f"“{label}”", getattr(disclosure, name), comparisons.get(name)
    for line in f.income_lines:
        label = f"收入“{line.source.name}”的增减原因"
        yield "income_lines", label, line.change_reason, line.comparison
    for line in f.expenditure_lines:
        row = _item_label(line)
        yield "expenditure_lines", f"支出“{row}”的增减原因", line.change_reason, line.comparison
        yield "expenditure_lines", f"支出“{row}”的用途", line.purpose, None
    for line in f.official_expense_lines:
        label = f"“三公”经费“{line.item.name}”的增减原因"
        yield "official_expense_lines", label, line.change_reason, line.comparison
    if disclosure.pk:
        for wording in disclosure.published_sentences.all():
            yield "published_sentences", f"原文措辞“{wording.key}”", wording.text, None


@rule
def texts_are_clean(disclosure):
    """No template residue or empty “主要原因是。” anywhere (errors); a year other than the
    disclosure's or the one before is a warning, blocking where the region says so."""
    template = _region_template(disclosure)
    severity = ERROR if template and template.text_checks_blocking else WARNING
    allowed_years = {disclosure.year, disclosure.prior_year}
    for field, label, text, _comparison in free_texts(disclosure):
        if not text:
            continue
        if RESIDUE.search(text):
            yield Problem(ERROR, field, f"{label}中有模板残留（XX、××或【】），请替换为实际内容。")
        if EMPTY_CLAUSE.search(text):
            yield Problem(
                ERROR, field, f"{label}中“主要原因是”或“主要用于”后面没有内容，请补全或删去。"
            )
        for year in sorted({int(y) for y in YEAR.findall(text)} - allowed_years):
            yield Problem(
                severity,
                field,
                f"{label}中出现“{year}年”，本文件应只涉及{disclosure.year}年和{disclosure.prior_year}年。",
            )


@rule
def texts_agree_with_figures(disclosure):
    """A reason that names an amount names its figure's change, this year's or last year's
    value; a direction stated with an amount agrees with the change's sign. Warnings,
    blocking where the region's template says so."""
    template = _region_template(disclosure)
    severity = ERROR if template and template.text_checks_blocking else WARNING
    for field, label, text, comparison in free_texts(disclosure):
        if not text or comparison is None or comparison.change is None:
            continue
        change = comparison.change
        known = {abs(change), comparison.current, comparison.prior}
        for value in AMOUNT.findall(text):
            if Decimal(value) not in known:
                yield Problem(
                    severity,
                    field,
                    f"{label}中写的{value}万元，与数据不符：本年{format_wan(comparison.current)}万元，"
                    f"上年{format_wan(comparison.prior)}万元，增减{format_wan(abs(change))}万元。",
                )
        for verb, _value in DIRECTED_AMOUNT.findall(text):
            says_up = verb in ("增加", "增长")
            if change == 0 or says_up != (change > 0):
                actual = (
                    "与上年持平"
                    if change == 0
                    else f"{'增加' if change > 0 else '减少'}{format_wan(abs(change))}万元"
                )
                yield Problem(
                    severity,
                    field,
                    f"{label}中写的是“{verb}”，而数据是{actual}，请核对增减方向。",
                )


@rule
def parts_are_filled(disclosure):
    """Every part the region's template prints is filled or stated as none (not filled is
    not zero): the problem names the part and links to where it is filled."""
    from .narrative_parts import printed_by

    for part in printed_by(_region_template(disclosure)):
        filled = part.filled(disclosure)
        stated_none = part.none_field and getattr(disclosure, part.none_field)
        if stated_none and filled:
            flag = disclosure._meta.get_field(part.none_field).verbose_name
            yield Problem(
                ERROR,
                part.none_field,
                f"{part.label}已填写数据，又勾选了“{flag}”：请二选一。",
            )
        elif not filled and not stated_none:
            how = (
                f"如确实没有，请勾选“{disclosure._meta.get_field(part.none_field).verbose_name}”"
                if part.none_field
                else "本地区模板要求写明"
            )
            yield Problem(ERROR, part.anchor, f"{part.label}尚未填写：请填写，{how}。")


@rule
def units_have_duties(disclosure):
    for unit in disclosure.department.units.all():
        unit_year = next((uy for uy in unit.years.all() if uy.year == disclosure.year), None)
        if unit_year is None or not unit_year.duties.exists():
            yield Problem(
                ERROR, "department", f"单位“{unit.name}”缺少{disclosure.year}年的职能职责。"
            )


# ---------------------------------------------------------------- across tables
# The titles are the common national ones (budgets.tables); a finding names the table,
# the row and the column, so the contact person knows which figure to look at.

SUMMARY, GRANTS, GENERAL_TABLE, ECONOMIC_TABLE, SPENDING = (
    "部门收支总表",
    "财政拨款收支总表",
    "一般公共预算支出表",
    "一般公共预算基本支出表",
    "部门支出总表",
)


def _item_label(line):
    item = line.functional_item
    return f"{item.code} {item.name}" if item else "未分科目"


@rule
def appropriations_balance(disclosure):
    """财政拨款收支总表: each fund type's appropriation income (with its 上年结转) equals what
    it pays for; spending of a 上年结转 names the fund it carries over."""
    if disclosure.kind != disclosure.Kind.BUDGET:
        return
    f = disclosure.figures
    for source in f.appropriation_sources:
        income, spent = f.appropriation_income(source), f.expenditure_from(source.code)
        if income != spent:
            carried = income != f.income_from(source.code).current
            yield table_problem(
                ERROR,
                "expenditure_lines",
                GRANTS,
                source.name,
                "收入预算数/支出预算数",
                f"{source.name}收入{'（含上年结转）' if carried else ''}{format_wan(income)}万元，"
                f"按该资金来源填列的支出{format_wan(spent)}万元，两者应相等。",
            )
    for lines in f.expenditure_by_source.values():
        source = lines[0].source
        if source.carries_over_id:
            yield table_problem(
                ERROR,
                "expenditure_lines",
                GRANTS,
                source.name,
                "资金来源",
                f"有支出的资金来源填为“{source.name}”，请改为所结转的资金"
                f"“{source.carries_over.name}”。",
            )


@rule
def economic_total_equals_basic(disclosure):
    """一般公共预算基本支出表 合计 = the basic column of 一般公共预算支出表."""
    f = disclosure.figures
    if not f.basic_lines:
        return
    basic = total(x.basic for x in f.expenditure_lines if x.source.code == "general_budget")
    if f.basic_by_economic_class != basic:
        yield table_problem(
            ERROR,
            "basic_lines",
            ECONOMIC_TABLE,
            "合计",
            "金额",
            f"按经济分类合计{format_wan(f.basic_by_economic_class)}万元，与{GENERAL_TABLE}的"
            f"基本支出{format_wan(basic)}万元不相等。",
        )


@rule
def item_lines_are_split(disclosure):
    """Every 项 row has 合计 = 基本 + 项目: a 项 line must give both, never only a total
    (only a coarser line copied from a source that gives no more may)."""
    f = disclosure.figures
    for line in f.classified_lines:
        if len(line.functional_item.code) == 7 and line.is_filled and not line.is_split:
            if line in f.unsplit_fund_lines:
                continue  # a fund budget's spending is entered as a total with its uses
            yield table_problem(
                ERROR,
                "expenditure_lines",
                SPENDING,
                _item_label(line),
                "基本支出/项目支出",
                "项级科目须分别填写基本支出和项目支出，合计由两者相加得出。",
            )


@rule
def procurement_set_aside_fits(disclosure):
    """面向中小企业预留 is part of the procurement budget (share ≤ 100 %), and the part for
    micro enterprises is part of it (micro ≤ SME)."""
    d, f = disclosure, disclosure.figures
    sme, micro = d.procurement_sme_amount, d.procurement_micro_amount
    if sme is not None and sme > f.procurement.amount:
        yield Problem(
            ERROR,
            "procurement_sme_amount",
            f"面向中小企业预留{format_wan(sme)}万元，超过政府采购预算总额"
            f"{format_wan(f.procurement.amount)}万元（占比不能超过100%）。",
        )
    if micro is not None and (sme is None or micro > sme):
        yield Problem(
            ERROR,
            "procurement_micro_amount",
            f"面向小微企业预留{format_wan(micro)}万元，超过面向中小企业预留金额"
            f"{format_wan(sme or 0)}万元：小微企业预留是中小企业预留的一部分。",
        )


@rule
def equipment_counts_are_whole(disclosure):
    """Equipment counts are whole numbers ≥ 0 (the database refuses negative ones; this
    reports a row that came in around it, e.g. from an old backup)."""
    for line in disclosure.figures.equipment_lines:
        if line.count < 0:
            yield Problem(
                ERROR,
                "equipment_lines",
                f"设备“{line.category}”的数量{line.count}台（套）为负数，应为0或正整数。",
            )


@rule
def vehicle_kinds_are_in_use(disclosure):
    """Every vehicle line's kind is named as in the disclosure's year: a kind renamed or no
    longer in use (a line carried from last year) is flagged for the contact person to
    choose again, never moved or dropped behind their back."""
    from .models import VehicleKind

    lines = disclosure.figures.vehicle_lines
    if not lines:
        return
    year = disclosure.year
    in_use = {kind.pk: kind for kind in VehicleKind.objects.of_year(year)}
    by_code = {kind.code: kind for kind in in_use.values() if kind.code}
    for line in lines:
        if line.kind_id in in_use:
            continue
        renamed = by_code.get(line.kind.code) if line.kind.code else None
        hint = (
            f"{year}年该类型名称为“{renamed.name}”，请改选。"
            if renamed
            else f"请改选{year}年使用的车辆类型，或删除本行。"
        )
        yield Problem(
            ERROR,
            "vehicle_lines",
            f"车辆类型“{line.kind.name}”不是{year}年使用的车辆类型名称：{hint}",
        )


def _line_comparisons(f):
    """(table, row label, comparison, reason, field) of every line that has a prior year."""
    for line in f.income_lines:
        yield "部门收入总表", line.source.name, line.comparison, line.change_reason, "income_lines"
    for line in f.expenditure_lines:
        yield SPENDING, _item_label(line), line.comparison, line.change_reason, "expenditure_lines"


@rule
def line_changes_have_reasons(disclosure):
    """A line that changed by the region's threshold (10 % by default) or more, or came from
    0, has its reason; a warning unless the region makes it blocking."""
    template = _region_template(disclosure)
    threshold = template.reason_threshold if template else 10
    severity = ERROR if template and template.reason_blocking else WARNING
    for table, row, comparison, reason, field in _line_comparisons(disclosure.figures):
        change = comparison.change
        if not change or reason.strip():
            continue
        percent = comparison.percent
        if percent is None or abs(percent) >= threshold:
            size = "上年为0" if percent is None else f"增减{abs(percent)}%"
            yield table_problem(
                severity,
                field,
                table,
                row,
                "增减原因",
                f"与上年相比{size}（达到{threshold}%须说明），请填写增减原因。",
            )
