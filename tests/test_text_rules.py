"""Texts checked against figures: a reason that names an amount, a direction or a year agrees
with the data; template residue and empty “主要原因是。” are errors anywhere."""

import pytest

from budgets import workflow
from budgets.models import Disclosure, NarrativeTemplate, OfficialExpenseLine, PublishedSentence
from budgets.rules import ERROR, WARNING, check_disclosure


def found(d):
    return [
        (p.severity, p.field, p.message) for p in check_disclosure(Disclosure.objects.get(pk=d.pk))
    ]


def set_text(d, **fields):
    Disclosure.objects.filter(pk=d.pk).update(**fields)


def test_a_reason_naming_an_amount_other_than_its_change_is_a_warning(draft):
    set_text(draft, income_change_reason="主要是新增应用系统改造和建设费等经费拨款增加700万元")
    assert found(draft) == [
        (
            WARNING,
            "income_change_reason",
            "“收入增减原因”中写的700万元，与数据不符：本年11091.84万元，上年10343.34万元，"
            "增减748.5万元。",
        )
    ]


def test_a_direction_that_disagrees_with_the_change_is_a_warning(draft):
    set_text(draft, basic_change_reason="主要原因是人员增加，比上年增加91.69万元")
    assert found(draft) == [
        (
            WARNING,
            "basic_change_reason",
            "“基本支出增减原因”中写的是“增加”，而数据是减少91.69万元，请核对增减方向。",
        )
    ]


def test_a_lines_reason_is_held_to_the_lines_own_change(draft):
    line = OfficialExpenseLine.objects.get(disclosure=draft, item__name="公务接待费")
    line.change_reason = "主要原因是接待任务增加，增加0.4万元"
    line.save()
    assert [(s, f) for s, f, m in found(draft)] == [(WARNING, "official_expense_lines")]
    assert "“三公”经费“公务接待费”的增减原因中写的是“增加”" in found(draft)[0][2]


def test_a_year_other_than_this_or_last_is_a_warning_in_any_text(draft):
    line = OfficialExpenseLine.objects.get(disclosure=draft, item__name="公务接待费")
    line.change_reason = "主要原因是执行2019年标准"
    line.save()
    assert [(s, f) for s, f, m in found(draft)] == [(WARNING, "official_expense_lines")]


@pytest.mark.parametrize(
    "text", ["主要原因是XX项目调整", "主要原因是××", "主要原因是【填写原因】", "主要原因是。"]
)
def test_residue_or_an_empty_reason_is_an_error(draft, text):
    set_text(draft, project_change_reason=text)
    assert [(s, f) for s, f, m in found(draft)] == [(ERROR, "project_change_reason")]


def test_residue_in_a_published_wording_is_an_error(draft):
    PublishedSentence.objects.filter(disclosure=draft, key="contact").delete()
    PublishedSentence.objects.create(
        disclosure=draft, key="contact", text="单位预算公开联系人：XX 联系方式：023-63259683"
    )
    errors = [(f, m) for s, f, m in found(draft) if s == ERROR]
    assert errors == [
        (
            "published_sentences",
            "原文措辞“contact”中有模板残留（XX、××或【】），请替换为实际内容。",
        )
    ]


def test_a_region_can_make_text_warnings_block_submission(draft, editor):
    template = NarrativeTemplate.objects.get(name="重庆市部门预算情况说明（六部分）")
    template.text_checks_blocking = True
    template.save()
    set_text(draft, income_change_reason="主要是经费拨款增加700万元")
    assert [(s, f) for s, f, m in found(draft)] == [(ERROR, "income_change_reason")]
    with pytest.raises(workflow.WorkflowError, match="700万元，与数据不符"):
        workflow.disclosure_submit(disclosure=draft, user=editor)
