"""Totals, roll-ups and changes are computed from lines, exactly."""

from decimal import Decimal

from budgets.figures import Comparison
from budgets.models import Disclosure, OfficialExpenseItem, OfficialExpenseLine
from tests import factories


def test_reference_totals_add_up(reference):
    f = Disclosure.objects.for_page().get(pk=reference.pk).figures
    assert f.income.current == Decimal("11091.84") and f.income.prior == Decimal("10343.34")
    assert f.expenditure_total == Decimal("11091.84") == f.basic_total + f.project_total
    assert [(r.code, r.amount) for r in f.functional_rows] == [
        ("201", Decimal("10537.94")),
        ("208", Decimal("358.15")),
        ("210", Decimal("87.5")),
        ("221", Decimal("108.25")),
    ]
    assert f.expenditure.change == Decimal("748.5")
    assert f.basic.change == Decimal("-91.69") and f.project.change == Decimal("840.19")
    assert f.official_expenses == Comparison(Decimal("326.45"), Decimal("371.25"))
    assert f.operating_cost.change == Decimal("-12.75")
    assert f.procurement.amount == Decimal("2241.48")
    assert [a for _, a in f.procurement.by_category] == [
        Decimal("18.2"),
        Decimal("400"),
        Decimal("1823.28"),
    ]
    assert (f.vehicles_held, f.vehicles_planned) == (9, 12)


def test_vehicle_group_is_the_sum_of_purchase_and_running_costs(reference):
    groups = dict(reference.figures.official_expense_groups)
    group = OfficialExpenseItem.objects.get(name="公务用车购置及运行维护费")
    assert groups[group] == Comparison(Decimal("297.6"), Decimal("342"))


def test_item_lines_roll_up_to_kuan_and_lei(reference_data):
    d = factories.disclosure(
        lines=[("2010301", "100", "0"), ("2010302", "0", "50.25"), ("2080505", "20", "0")]
    )
    rows = d.figures.functional_rows
    assert [(r.code, r.amount, r.basic, r.project) for r in rows] == [
        ("201", Decimal("150.25"), Decimal("100"), Decimal("50.25")),
        ("208", Decimal("20"), Decimal("20"), Decimal("0")),
    ]
    kuan = rows[0].children[0]
    assert (kuan.code, kuan.name, [c.code for c in kuan.children]) == (
        "20103",
        "政府办公厅（室）及相关机构事务",
        ["2010301", "2010302"],
    )
    assert d.figures.finest_level == "项" and d.figures.split_is_complete


def test_a_class_line_without_split_makes_the_split_unknown(reference):
    row = reference.figures.functional_rows[0]
    assert row.basic is None and row.project is None
    assert not reference.figures.split_is_complete


def test_change_directions():
    assert Comparison(Decimal(5), Decimal(3)).direction == "increase"
    assert Comparison(Decimal(3), Decimal(5)).change == Decimal(-2)
    assert Comparison(Decimal(0), Decimal(0)).direction == "flat"
    assert Comparison(Decimal(1), None).change is None


def test_official_expense_total_prior_is_unknown_if_any_item_prior_is(draft):
    line = OfficialExpenseLine.objects.get(disclosure=draft, item__name="公务接待费")
    line.prior_amount = None
    line.save()
    fresh = Disclosure.objects.get(pk=draft.pk)
    assert fresh.figures.official_expenses.prior is None


def test_appropriation_split_is_per_source(reference_data):
    d = factories.disclosure(lines=[("2010301", "100", "10")], published=False)
    from budgets.models import ExpenditureLine

    ExpenditureLine.objects.create(
        disclosure=d,
        source=factories.source("public_institution"),
        functional_item=factories.item("2010350"),
        basic=Decimal(7),
        project=Decimal(0),
    )
    d = Disclosure.objects.get(pk=d.pk)
    basic, project = d.figures.split_from("general_budget")
    assert (basic.current, project.current) == (Decimal(100), Decimal(10))
    assert d.figures.expenditure_from("general_budget") == Decimal(110)
    assert d.figures.expenditure_total == Decimal(117)
