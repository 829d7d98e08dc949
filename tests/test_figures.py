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


def test_lines_read_as_values_keep_every_fen(reference_data):
    """The body reads expenditure lines from the driver's rows (no Django conversion): each
    amount is the model's own, to the fen, and the shared source is a complete instance."""
    from budgets.figures import read_spending_lines
    from budgets.models import ExpenditureLine

    d = factories.disclosure(published=False)
    amounts = [
        ("0.000001", "0.000009", None, "0.3"),
        ("12345678.987654", "0", None, None),
        (None, None, "87654321.000001", "0.100001"),
        (None, None, None, None),  # a prepared year's line, not filled in yet
        ("2", "0.999999", None, "1.000000"),
        ("1.005", "8.2", None, "8.2"),  # a float a hair under its fen: rounded, not cut
    ]
    for n, (basic, project, line_total, prior) in enumerate(amounts):
        ExpenditureLine.objects.create(
            disclosure=d,
            source=factories.source(),
            functional_item=factories.item(f"20103{n + 1:02d}"),
            **{
                name: None if value is None else Decimal(value)
                for name, value in zip(
                    ("basic", "project", "total", "prior_amount"),
                    (basic, project, line_total, prior),
                    strict=True,
                )
            },
        )
    models = list(ExpenditureLine.objects.filter(disclosure=d).select_related("source"))
    lines = read_spending_lines([d])[d.pk]
    fields = ("basic", "project", "total", "prior_amount", "prior_execution", "amount")
    assert [tuple(str(getattr(x, f)) for f in fields) for x in lines] == [
        tuple(str(getattr(x, f)) for f in fields) for x in models
    ]
    assert lines[1].basic == Decimal("12345678.987654")
    source = lines[0].source
    assert source.is_appropriation is True and source.name == models[0].source.name
    assert all(line.source is source for line in lines)


def test_rows_add_up_as_their_lines_do(reference_data):
    """Each 类/款 row is what adding every line under it gives: a line not filled in makes
    its rows' amounts unknown, a total-only line their split, a missing prior their prior."""
    from budgets.figures import FunctionalRow
    from budgets.models import ExpenditureLine

    d = factories.disclosure(published=False)
    lines = [  # code, basic, project, total, prior
        ("201", "1.5", "0", None, "1"),
        ("20103", "2", "1", None, "2"),
        ("2010301", "3", "0.25", None, "3"),
        ("2010302", None, None, "4", None),
        ("2080505", None, None, None, "5"),
        ("2080506", "6", "0", None, "6"),
        ("2100101", "7", "0.5", None, "7"),
    ]
    for code, basic, project, line_total, prior in lines:
        ExpenditureLine.objects.create(
            disclosure=d,
            source=factories.source(),
            functional_item=factories.item(code),
            basic=None if basic is None else Decimal(basic),
            project=None if project is None else Decimal(project),
            total=None if line_total is None else Decimal(line_total),
            prior_amount=None if prior is None else Decimal(prior),
        )
    f = Disclosure.objects.for_page().get(pk=d.pk).figures

    def rows(tree):
        for row in tree:
            yield row
            yield from rows(row.children)

    found = list(rows(f.functional_rows))
    for row in found:
        expected = FunctionalRow(row.code, row.name)
        for line in f.expenditure_lines:
            if line.functional_item.code.startswith(row.code):
                expected.add(line)
        figures = ("amount", "basic", "project", "prior", "missing")
        assert [getattr(row, n) for n in figures] == [getattr(expected, n) for n in figures]
    assert [row.code for row in found] == [
        *("201", "20103", "2010301", "2010302", "208", "20805", "2080505", "2080506"),
        *("210", "21001", "2100101"),
    ]
    assert (found[0].amount, found[0].basic, found[0].prior) == (
        Decimal("11.75"),
        None,
        None,
    )
    assert found[4].amount is None and found[4].missing == 1
