"""The consistency rules report plain-Chinese problems beside the field at fault."""

from decimal import Decimal

from budgets.models import Disclosure, ExpenditureLine, IncomeLine
from budgets.rules import ERROR, WARNING, check_disclosure
from tests import factories


def problems(d):
    return check_disclosure(Disclosure.objects.get(pk=d.pk))


def test_the_reference_has_no_problems(draft):
    # `draft` is a correction of the reference: the same figures, editable.
    assert problems(draft) == []


def test_income_must_equal_expenditure(draft):
    line = IncomeLine.objects.get(disclosure=draft, source__code="other")
    line.amount = Decimal(1)
    line.save()
    found = [p for p in problems(draft) if p.severity == ERROR]
    assert [(p.severity, p.field) for p in found] == [(ERROR, "income_lines")]
    assert "收入合计11092.84万元与支出合计11091.84万元不相等" in found[0].message


def test_functional_total_must_equal_basic_plus_project(draft):
    line = ExpenditureLine.objects.get(disclosure=draft, functional_item__isnull=True)
    line.project = Decimal("9055.06")
    line.save()
    assert any("基本支出加项目支出11091.83万元" in p.message for p in problems(draft))


def test_a_change_without_a_reason_is_a_warning(draft):
    draft.basic_change_reason = ""
    draft.save()
    assert [(p.severity, p.field) for p in problems(draft)] == [(WARNING, "basic_change_reason")]


def test_template_residue_and_stray_years_are_found(draft):
    draft.operating_cost_uses = "XX费用等，参见2019年"
    draft.save()
    found = {(p.severity, p.field, p.message) for p in problems(draft)}
    assert (
        ERROR,
        "operating_cost_uses",
        "“机关运行经费主要用途”中有模板残留（XX、××或【】），请替换为实际内容。",
    ) in found
    assert (
        WARNING,
        "operating_cost_uses",
        "“机关运行经费主要用途”中出现“2019年”，本文件应只涉及2025年和2024年。",
    ) in found


def test_items_must_have_a_glossary_term_and_belong_to_the_year(reference_data):
    d = factories.disclosure(lines=[("2010301", "5", "0")], published=False)
    ExpenditureLine.objects.create(
        disclosure=d,
        source=factories.source(),
        functional_item=factories.item("2010302", year=2024),
        basic=Decimal(0),
        project=Decimal(0),
    )
    messages = [p.message for p in problems(d)]
    assert "科目“2010301 行政运行”没有名词解释。" in messages
    assert any("属于2024年分类" in m for m in messages)


def test_every_unit_needs_duties(reference_data):
    d = factories.disclosure(published=False)
    factories.unit_with_year(d.department, 2025, duties=0)
    assert any("缺少2025年的职能职责" in p.message for p in problems(d))
