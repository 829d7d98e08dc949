"""Cross-table rules: each finding names its table, row and column."""

from decimal import Decimal

from budgets.models import (
    BasicExpenditureLine,
    Disclosure,
    EconomicItem,
    ExpenditureLine,
    IncomeLine,
    NarrativeTemplate,
)
from budgets.rules import ERROR, WARNING, check_disclosure
from budgets.tables import Entry, build_table
from tests import factories


def problems(d):
    return check_disclosure(Disclosure.objects.get(pk=d.pk))


def test_appropriation_income_of_a_fund_type_must_equal_what_it_pays_for(draft):
    line = IncomeLine.objects.get(disclosure=draft, source__code="government_fund")
    line.amount = Decimal(5)
    line.save()
    found = [p for p in problems(draft) if p.table == "财政拨款收支总表"]
    assert [(p.severity, p.row, p.column) for p in found] == [
        (ERROR, "政府性基金预算拨款", "收入预算数/支出预算数")
    ]
    assert found[0].message.startswith("表“财政拨款收支总表”行“政府性基金预算拨款”")


def test_a_funds_carry_over_is_its_income_in_the_appropriation_summary(reference_data):
    """上年结转 of 一般公共预算拨款: 100 this year + 20 carried over pay for 120 of lines that
    name the fund; the summary prints both incomes and balances."""
    d = factories.disclosure(lines=[("2010301", "80", "40")], published=False, income="100")
    carried = IncomeLine.objects.create(
        disclosure=d, source=factories.source("carried_over_general_budget"), amount=Decimal(20)
    )
    assert not [p for p in problems(d) if p.table == "财政拨款收支总表"]
    table = build_table(Disclosure.objects.for_page().get(pk=d.pk), Entry("appropriation-summary"))
    rows = [row.values for row in table.rows]
    assert rows[0] == ("一般公共预算拨款", Decimal(100), "一般公共预算拨款支出", Decimal(120))
    assert rows[1][:2] == ("上年结转（一般公共预算拨款）", Decimal(20))
    assert table.total.values == ("收入合计", Decimal(120), "支出合计", Decimal(120))

    carried.amount = Decimal(10)
    carried.save()
    found = [p for p in problems(d) if p.table == "财政拨款收支总表"]
    assert [(p.row, p.column) for p in found] == [("一般公共预算拨款", "收入预算数/支出预算数")]
    assert "一般公共预算拨款收入（含上年结转）110万元" in found[0].message


def test_spending_names_the_fund_a_carry_over_belongs_to(reference_data):
    d = factories.disclosure(lines=[("2010301", "10", "0")], published=False)
    line = ExpenditureLine.objects.get(disclosure=d)
    line.source = factories.source("carried_over_general_budget")
    line.save()
    found = [p for p in problems(d) if p.column == "资金来源"]
    assert [(p.severity, p.table, p.row) for p in found] == [
        (ERROR, "财政拨款收支总表", "上年结转（一般公共预算拨款）")
    ]
    assert "请改为所结转的资金“一般公共预算拨款”" in found[0].message


def test_the_economic_table_total_must_equal_the_general_budget_basic_expenditure(
    reference_data,
):
    d = factories.disclosure(lines=[("2010301", "100", "0")], published=False)
    BasicExpenditureLine.objects.create(
        disclosure=d,
        economic_item=EconomicItem.objects.get(year=2025, code="30101"),
        amount=Decimal(90),
    )
    found = [p for p in problems(d) if p.table == "一般公共预算基本支出表"]
    assert [(p.severity, p.row, p.column) for p in found] == [(ERROR, "合计", "金额")]
    assert "按经济分类合计90万元，与一般公共预算支出表的基本支出100万元不相等" in found[0].message


def test_an_item_row_must_give_basic_and_project_not_only_a_total(reference_data):
    d = factories.disclosure(published=False, income="7")
    ExpenditureLine.objects.create(
        disclosure=d,
        source=factories.source(),
        functional_item=factories.item("2010301"),
        total=Decimal(7),
    )
    found = [p for p in problems(d) if p.table == "部门支出总表"]
    assert [(p.severity, p.row, p.column) for p in found] == [
        (ERROR, "2010301 行政运行", "基本支出/项目支出")
    ]


def grown_line(d, prior):
    line = ExpenditureLine.objects.get(disclosure=d)
    line.prior_amount = Decimal(prior)
    line.save()
    return line


def test_a_line_that_changed_by_ten_percent_needs_a_reason(reference_data):
    d = factories.disclosure(lines=[("2010301", "110", "0")], published=False)
    grown_line(d, "100")
    found = [p for p in problems(d) if p.column == "增减原因"]
    assert [(p.severity, p.table, p.row) for p in found] == [
        (WARNING, "部门支出总表", "2010301 行政运行")
    ]
    assert "增减10.00%" in found[0].message


def test_a_line_that_came_from_zero_needs_a_reason(reference_data):
    d = factories.disclosure(lines=[("2010301", "5", "0")], published=False)
    grown_line(d, "0")
    assert any("上年为0" in p.message for p in problems(d))


def test_a_region_sets_the_threshold_and_makes_the_reason_blocking(reference_data):
    region = factories.region("严格市")
    template = NarrativeTemplate.objects.create(
        name="严格市模板", region=region, first_year=2025, template_name="x.html"
    )
    d = factories.disclosure(
        factories.department(region_=region), lines=[("2010301", "108", "0")], published=False
    )
    grown_line(d, "100")
    assert not [p for p in problems(d) if p.column == "增减原因"]  # 8 % < 10 %
    template.reason_threshold, template.reason_blocking = 5, True
    template.save()
    assert [p.severity for p in problems(d) if p.column == "增减原因"] == [ERROR]
