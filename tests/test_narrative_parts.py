"""Not filled is not zero: every part the region's template prints is filled, stated as none
(with its sentence), or the draft cannot be submitted; an unfilled part states nothing false."""

import pytest
from django.urls import reverse

from budgets import workflow
from budgets.models import Disclosure, NarrativeTemplate
from budgets.narrative_parts import all_parts
from budgets.rules import ERROR, check_disclosure
from tests.pagetext import visible_text


def empty_official_expenses(d):
    d.official_expense_lines.all().delete()
    d.published_sentences.filter(key="official-expenses").delete()  # the printed wording


def empty_operating_cost(d):
    Disclosure.objects.filter(pk=d.pk).update(
        operating_cost=None,
        prior_operating_cost=None,
        operating_cost_change_reason="",
        operating_cost_uses="",
    )


def empty_procurement(d):
    d.procurement_lines.all().delete()
    Disclosure.objects.filter(pk=d.pk).update(
        procurement_sme_amount=None, procurement_micro_amount=None
    )


def empty_performance(d):
    Disclosure.objects.filter(pk=d.pk).update(performance_amount=None)


def empty_vehicles(d):
    d.vehicle_lines.all().delete()
    Disclosure.objects.filter(pk=d.pk).update(vehicles_counted_on=None)


def empty_contact(d):
    Disclosure.objects.filter(pk=d.pk).update(contact_name="", contact_phone="")


# part, how to empty it, the anchor the problem links to, what the page said of it before
EMPTIED = [
    ("official_expenses", empty_official_expenses, "official_expense_lines", "“三公”经费预算0万元"),
    ("operating_cost", empty_operating_cost, "operating_cost", "不适用"),
    ("procurement", empty_procurement, "procurement_lines", "未安排政府采购预算"),
    ("performance", empty_performance, "performance_amount", "未填报绩效目标"),
    ("vehicles", empty_vehicles, "vehicle_lines", "国有资产占有使用情况。未填报车辆情况"),
    ("contact", empty_contact, "contact_name", "单位预算公开联系人：联系方式："),
]
NONE_SENTENCES = {
    "official_expenses": (
        "no_official_expenses",
        "重庆市渝中区人民政府办公室2025年无“三公”经费预算。",
    ),
    "operating_cost": ("no_operating_cost", "不适用：机关运行经费仅适用于行政单位"),
    "procurement": ("no_procurement", "（二）政府采购情况。2025年未安排政府采购预算。"),
    "performance": ("no_performance", "2025年无实行绩效目标管理的项目支出。"),
    "vehicles": ("no_vehicles", "重庆市渝中区人民政府办公室无公务车辆，2025年未安排购置车辆。"),
}


def errors(d):
    return [p for p in check_disclosure(Disclosure.objects.get(pk=d.pk)) if p.severity == ERROR]


@pytest.mark.parametrize(("part", "empty", "anchor", "_false"), EMPTIED)
def test_an_unfilled_part_blocks_submission_and_names_where_to_fill_it(
    draft, editor, part, empty, anchor, _false
):
    empty(draft)
    missing = [p for p in errors(draft) if "尚未填写" in p.message and p.field == anchor]
    assert len(missing) == 1
    with pytest.raises(workflow.WorkflowError, match="尚未填写"):
        workflow.disclosure_submit(disclosure=draft, user=editor)


@pytest.mark.parametrize(("part", "empty", "anchor", "false_sentence"), EMPTIED)
def test_an_unfilled_part_states_nothing_on_the_page_and_is_marked_in_the_preview(
    client, admin_client, draft, part, empty, anchor, false_sentence
):
    empty(draft)
    preview = visible_text(
        admin_client.get(reverse("portal:preview", args=[draft.pk])).content.decode()
    )
    assert "（未填写）" in preview and false_sentence not in preview
    published = workflow.record_publication(disclosure=Disclosure.objects.get(pk=draft.pk))
    page = visible_text(client.get(published.get_absolute_url()).content.decode())
    assert "（未填写）" not in page and false_sentence not in page


@pytest.mark.parametrize(("part", "empty", "anchor", "_false"), EMPTIED[:-1])
def test_a_part_stated_as_none_prints_its_sentence_and_may_be_submitted(
    admin_client, draft, part, empty, anchor, _false
):
    empty(draft)
    flag, sentence = NONE_SENTENCES[part]
    Disclosure.objects.filter(pk=draft.pk).update(**{flag: True})
    assert [p for p in errors(draft) if "尚未填写" in p.message] == []
    preview = admin_client.get(reverse("portal:preview", args=[draft.pk])).content.decode()
    assert sentence in visible_text(preview)


def test_a_part_both_filled_and_stated_as_none_is_an_error(draft):
    Disclosure.objects.filter(pk=draft.pk).update(no_procurement=True)
    assert [(p.field, p.message) for p in errors(draft)] == [
        ("no_procurement", "政府采购已填写数据，又勾选了“本部门无政府采购预算”：请二选一。")
    ]


def test_a_part_the_regions_template_does_not_print_is_not_required(draft):
    empty_procurement(draft)
    template = NarrativeTemplate.objects.get(name="重庆市部门预算情况说明（六部分）")
    template.parts = [key for key in all_parts() if key != "procurement"]
    template.save()
    assert errors(draft) == []


def test_the_admin_links_a_missing_part_to_its_lines(admin_client, draft):
    empty_vehicles(draft)
    html = admin_client.get(
        reverse("admin:budgets_disclosure_change", args=[draft.pk])
    ).content.decode()
    assert '<a href="#vehicle_lines-group">车辆尚未填写' in html
    assert 'id="vehicle_lines-group"' in html


def test_the_parts_a_template_prints_are_ticked_on_its_admin_screen(admin_client, reference):
    from tests.adminforms import form_values

    template = NarrativeTemplate.objects.get(name="重庆市部门预算情况说明（六部分）")
    url = reverse("admin:budgets_narrativetemplate_change", args=[template.pk])
    html = admin_client.get(url).content.decode()
    assert 'type="checkbox" name="parts" value="procurement"' in html
    data = form_values(html, form_id="narrativetemplate_form")
    data["parts"] = ["official_expenses", "contact"]
    response = admin_client.post(url, data)
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.parts == ["official_expenses", "contact"]


def test_each_region_requires_only_the_parts_its_template_prints(reference, superuser):
    from pathlib import Path

    from portal.disclosure_file import load_disclosure_file

    second_file = (
        Path(__file__).resolve().parent.parent / "portal/data/qingshan-donghu-npc-office-2025.toml"
    )
    second = load_disclosure_file(second_file).disclosure
    template = NarrativeTemplate.objects.get(template_name="narratives/shifan-budget-2025.html")
    template.parts = [key for key in template.parts if key != "procurement"]
    template.save()
    draft = workflow.disclosure_correct(disclosure=second, user=superuser, reason="测试")
    empty_procurement(draft)  # the region's template (as changed above) prints no procurement part
    empty_operating_cost(draft)
    assert [(p.field, p.message) for p in errors(draft)] == [
        (
            "operating_cost",
            "机关运行经费尚未填写：请填写，如确实没有，请勾选“不适用机关运行经费”。",
        )
    ]
