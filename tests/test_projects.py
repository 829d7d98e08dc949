"""Key projects as real disclosures carry them: fund type and functional item, a write-up in
the subsections the region's template names, and performance targets (一级 › 二级 › 三级,
operator, value, unit) from which the 绩效 coverage is computed."""

import json
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from django.db import transaction
from django.urls import reverse

from budgets.models import (
    Disclosure,
    IndicatorLevel,
    KeyProject,
    PerformanceTarget,
    ProjectWriteUp,
    PublishedDisclosureError,
)
from budgets.workflow import disclosure_correct
from portal.disclosure_file import (
    DisclosureFileError,
    Loader,
    load_disclosure_file,
    read_disclosure_file,
)
from tests.pagetext import visible_text
from tests.test_opendata import SCHEMA

SECOND = Path(__file__).resolve().parent.parent / "portal" / "data"
SECOND = SECOND / "qingshan-donghu-npc-office-2025.toml"


@pytest.fixture
def second(reference):
    return Disclosure.objects.for_page().get(pk=load_disclosure_file(SECOND).disclosure.pk)


def second_file(change):
    data = read_disclosure_file(SECOND)
    change(data)
    return data


def test_a_project_carries_its_fund_type_functional_item_write_up_and_targets(second):
    training = second.figures.projects[0]
    assert training.project.source.name == "一般公共预算拨款"
    assert training.project.functional_item.code == "2010102"
    assert [w.subsection.name for w in training.write_ups] == [
        "项目概述",
        "立项依据",
        "实施主体",
        "实施周期",
        "年度预算安排及资金来源",
    ]
    assert [t.target for t in training.targets] == ["≥300人次", "≤12月", "明显提升", "≥95%"]
    assert str(training.targets[0].indicator) == "产出指标 › 数量指标"


def test_the_page_prints_the_write_up_and_the_performance_target_table(client, second):
    page = visible_text(client.get(second.get_absolute_url()).content.decode())
    assert "（一）人大代表履职培训" in page and "2.立项依据" in page
    assert "资金性质为一般公共预算拨款，列“2010102一般行政管理事务”科目" in page
    assert "项目支出绩效目标表（单位：元）" in page
    assert "培训人大代表人次≥300人次" in page and "代表履职能力明显提升" in page


def test_the_performance_coverage_is_computed_from_the_targets(client, second):
    coverage = second.figures.performance
    assert (coverage.units, coverage.projects, coverage.amount, coverage.computed) == (
        2,
        2,
        Decimal("247"),
        True,
    )
    page = visible_text(client.get(second.get_absolute_url()).content.decode())
    assert "2025年2个单位的2个项目设置了绩效目标，涉及项目支出247万元" in page


def test_without_targets_the_coverage_is_the_amount_entered_and_never_an_invented_zero(
    reference,
):
    d = Disclosure.objects.for_page().get(pk=reference.pk)
    assert d.performance_targets.count() == 0
    assert d.figures.performance.amount == Decimal("9055.07")
    assert d.figures.performance.computed is False
    unfilled = Disclosure.objects.for_page().get(pk=reference.pk)
    unfilled.performance_amount = None
    assert unfilled.figures.performance is None


def test_a_write_up_in_a_subsection_the_template_does_not_list_is_refused(second):
    def change(data):
        data["disclosure"]["project"]["key_projects"][1]["write_up"]["项目背景"] = "……"

    with pytest.raises(DisclosureFileError, match="project_subsections"):
        Loader().load(second_file(change))


def test_a_target_with_an_unknown_operator_or_indicator_is_refused_with_its_place(second):
    def operator(data):
        data["disclosure"]["project"]["key_projects"][0]["targets"][0]["operator"] = "约"

    def indicator(data):
        data["disclosure"]["project"]["key_projects"][0]["targets"][0]["indicator"] = "产出 › 数"

    with pytest.raises(DisclosureFileError, match="第1个重点项目第1条绩效目标：operator"):
        Loader().load(second_file(operator))
    with pytest.raises(DisclosureFileError, match="第1个重点项目第1条绩效目标 indicator"):
        Loader().load(second_file(indicator))


def test_the_indicator_levels_are_reference_data_one_level_under_another(reference_data):
    firsts = IndicatorLevel.objects.filter(parent=None).values_list("name", flat=True)
    assert list(firsts) == ["产出指标", "效益指标", "满意度指标"]
    assert IndicatorLevel.objects.get(name="社会效益指标").parent.name == "效益指标"


def test_write_ups_and_targets_of_a_published_version_cannot_be_written(second):
    target = second.performance_targets.first()
    target.value = "999"
    with pytest.raises(PublishedDisclosureError):
        target.save()
    with pytest.raises(PublishedDisclosureError), transaction.atomic():
        ProjectWriteUp.objects.bulk_create(
            [
                ProjectWriteUp(
                    disclosure=second,
                    project=target.project,
                    subsection_id=second.project_write_ups.first().subsection_id,
                    text="绕过模型写入",
                )
            ]
        )
    assert PerformanceTarget.objects.get(pk=target.pk).value == "300"


def test_a_correction_copies_write_ups_and_targets_onto_its_own_projects(second, superuser):
    correction = disclosure_correct(disclosure=second, user=superuser, reason="更正项目说明")
    copied = KeyProject.objects.filter(disclosure=correction)
    assert correction.project_write_ups.count() == second.project_write_ups.count() == 6
    assert correction.performance_targets.count() == 6
    assert {t.project_id for t in correction.performance_targets.all()} <= {p.pk for p in copied}


def test_the_json_carries_projects_and_coverage_and_follows_the_schema(client, second):
    document = json.loads(client.get(reverse("portal:disclosure_json", args=[second.pk])).content)
    jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8"))).validate(
        document
    )
    training = document["projects"][0]
    assert training["fund_type"] == "一般公共预算拨款" and training["functional_code"] == "2010102"
    assert training["targets"][0] == {
        "first": "产出指标",
        "second": "数量指标",
        "name": "培训人大代表人次",
        "operator": "≥",
        "value": "300",
        "unit": "人次",
    }
    assert document["other_figures"]["performance"] == {
        "units": 2,
        "projects": 2,
        "amount": "247.00",
        "computed": True,
    }
    assert "performance-targets" in document["tables"]


def test_the_project_dropdowns_offer_only_this_versions_projects_and_its_templates_subsections(
    admin_client, second, reference, superuser
):
    correction = disclosure_correct(disclosure=second, user=superuser, reason="核对下拉选项")
    response = admin_client.get(reverse("admin:budgets_disclosure_change", args=[correction.pk]))
    formsets = {f.formset.prefix: f.formset for f in response.context["inline_admin_formsets"]}
    targets = formsets["performance_targets"].form.base_fields["project"].queryset
    assert set(targets) == set(KeyProject.objects.filter(disclosure=correction))
    write_ups = formsets["project_write_ups"].form.base_fields["subsection"].queryset
    assert [s.name for s in write_ups][0] == "项目概述" and len(write_ups) == 6
