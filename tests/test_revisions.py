"""What a correction changed, as the public revision notes list it: every part of a version
is compared, with readable labels and values in 万元."""

from decimal import Decimal

from django.apps import apps

from budgets import revisions, snapshots
from budgets.models import (
    DisclosurePart,
    EquipmentLine,
    IndicatorLevel,
    KeyProject,
    NarrativeTemplate,
    PerformanceTarget,
    ProjectSubsection,
    ProjectWriteUp,
    PublishedSentence,
)


def listed(disclosure):
    disclosure.refresh_from_db()
    return revisions.flatten(disclosure, snapshots.snapshot_of(disclosure))


def test_a_correction_lists_exactly_the_five_parts_it_changed(draft):
    project = KeyProject.objects.filter(disclosure=draft).order_by("order").first()
    subsection = ProjectSubsection.objects.create(
        template=NarrativeTemplate.objects.first(), order=99, name="测试小节"
    )
    write_up = ProjectWriteUp.objects.create(
        disclosure=draft, project=project, subsection=subsection, text="保障代表履职。"
    )
    outcome = IndicatorLevel.objects.create(name="产出指标", order=1)
    quantity = IndicatorLevel.objects.create(name="数量指标", parent=outcome, order=1)
    target = PerformanceTarget.objects.create(
        disclosure=draft, project=project, order=1, indicator=quantity, name="培训人次",
        value="300", unit="人次",
    )  # fmt: skip
    equipment = EquipmentLine.objects.create(
        disclosure=draft, category="通用设备", threshold=Decimal("50"), count=2
    )
    sentence = PublishedSentence.objects.filter(disclosure=draft).first()
    before = listed(draft)

    write_up.text = "保障人大代表依法履职。"
    write_up.save()
    target.value = "350"
    target.save()
    sentence.text = f"{sentence.text}（更正）"
    sentence.save()
    draft.no_state_capital = not draft.no_state_capital
    draft.save()
    equipment.count = 3
    equipment.save()
    changes = revisions.diff(before, listed(draft))

    assert [(c["label"], c["before"], c["after"]) for c in changes] == [
        ("大型设备：通用设备（单位价值50万元以上） 数量（台/套）", "2", "3"),
        (
            f"项目说明：{project.name} · {subsection.name} 内容",
            "保障代表履职。",
            "保障人大代表依法履职。",
        ),
        (f"绩效目标：{project.name} · 培训人次 指标值", "300", "350"),
        (f"原文措辞：{sentence.key}", before[f"原文措辞：{sentence.key}"],
         sentence.text),
        ("声明：本部门无国有资本经营预算", "否" if draft.no_state_capital else "是",
         "是" if draft.no_state_capital else "否"),
    ]  # fmt: skip


def test_amounts_are_listed_in_wan_yuan_with_readable_labels(draft):
    before = listed(draft)
    line = draft.official_expense_lines.get(item__name="公务接待费")
    line.amount = Decimal("27.85")
    line.save()
    [change] = revisions.diff(before, listed(draft))
    assert change == {
        "label": "“三公”经费：公务接待费 本年预算数",
        "before": "28.85万元",
        "after": "27.85万元",
    }


def test_every_disclosure_part_is_compared():
    """A part model added later (in any app) is listed unless excluded here with a reason."""
    parts = {
        model._meta.label_lower for model in apps.get_models() if issubclass(model, DisclosurePart)
    }
    compared = {model._meta.label_lower for model in revisions.part_models()}
    assert parts - compared == set(revisions.NOT_COMPARED)
    assert {"budgets.equipmentline", "budgets.projectwriteup", "budgets.performancetarget",
            "budgets.publishedsentence", "glossary.disclosureterm"} <= compared  # fmt: skip


def test_a_count_is_listed_even_where_the_name_holds_its_digits(draft):
    before = listed(draft)
    EquipmentLine.objects.create(
        disclosure=draft, category="专用设备", threshold=Decimal("50"), count=5
    )
    assert revisions.diff(before, listed(draft)) == [
        {
            "label": "大型设备：专用设备（单位价值50万元以上） 数量（台/套）",
            "before": "—",
            "after": "5",
        }
    ]
