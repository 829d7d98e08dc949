"""Assets, procurement and the fund budgets (issue 11, items 3 and 4): vehicle kinds of the
national list with names per year, equipment above a value threshold, the set-aside for small
and medium enterprises, government fund and state-capital budgets without an invented
basic/project split, and the units the 绩效 sentence counts. The second region's data file
carries them all; each rule has a case that breaks it."""

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from budgets.models import Disclosure, EquipmentLine, ExpenditureLine, IncomeLine, VehicleKind
from budgets.rules import ERROR, check_disclosure
from portal import opendata
from portal.disclosure_file import load_disclosure_file
from tests.pagetext import visible_text

DATA = Path(__file__).resolve().parent.parent / "portal" / "data"
SECOND = DATA / "qingshan-donghu-npc-office-2025.toml"
SCHEMA = Path(opendata.__file__).parent.parent / "static/portal/schema/disclosure.schema.json"
EIGHT_KINDS = [
    "一般公务用车",
    "主要负责人用车",
    "机要通信用车",
    "应急保障用车",
    "执勤执法用车",
    "特种专业技术用车",
    "离退休干部服务用车",
    "其他用车",
]


@pytest.fixture
def second(reference):
    return Disclosure.objects.for_page().get(pk=load_disclosure_file(SECOND).disclosure.pk)


@pytest.fixture
def second_draft(reference, tmp_path):
    """The second region's file loaded as a draft (editable, checked by the rules)."""
    draft = tmp_path / "second-draft.toml"
    text = SECOND.read_text(encoding="utf-8").replace('status = "已公开"', 'status = "草稿"')
    draft.write_text(text, encoding="utf-8")
    return load_disclosure_file(draft).disclosure


def fresh(disclosure):
    return Disclosure.objects.for_page().get(pk=disclosure.pk)


def errors(disclosure):
    return [p.message for p in check_disclosure(fresh(disclosure)) if p.severity == ERROR]


def page_text(client, disclosure, superuser=None):
    if superuser is not None:
        client.force_login(superuser)
        response = client.get(reverse("portal:preview", args=[disclosure.pk]))
    else:
        response = client.get(disclosure.get_absolute_url())
    assert response.status_code == 200
    return visible_text(response.content.decode())


# ---------------------------------------------------------------- vehicle kinds


def test_the_national_list_has_eight_vehicle_kinds_whose_order_survives_a_refresh(
    reference_data,
):
    assert list(VehicleKind.objects.values_list("name", flat=True)) == EIGHT_KINDS
    orders = dict(VehicleKind.objects.values_list("code", "order"))
    call_command("load_reference_data", verbosity=0)
    assert dict(VehicleKind.objects.values_list("code", "order")) == orders
    assert len(orders) == 8


def test_a_renamed_vehicle_kind_is_offered_under_the_name_of_each_year(reference_data):
    old = VehicleKind.objects.get(code="law_enforcement")
    old.last_year = 2025
    old.save()
    VehicleKind.objects.create(
        code="law_enforcement", name="执法执勤用车", order=old.order, first_year=2026
    )
    assert "执勤执法用车" in VehicleKind.objects.of_year(2025).values_list("name", flat=True)
    names_2026 = list(VehicleKind.objects.of_year(2026).values_list("name", flat=True))
    assert "执法执勤用车" in names_2026 and "执勤执法用车" not in names_2026
    with pytest.raises(ValidationError):
        VehicleKind(code="x", name="倒置", first_year=2026, last_year=2025).full_clean()


def test_renaming_a_vehicle_kind_leaves_the_published_page_unchanged(second, client):
    before = client.get(second.get_absolute_url()).content
    assert "机要通信用车".encode() in before
    kind = VehicleKind.objects.get(code="confidential")
    kind.name = "机要通信车辆（改名）"
    kind.save()
    assert client.get(second.get_absolute_url()).content == before


def test_the_second_region_prints_all_eight_kinds(second, client):
    text = page_text(client, second)
    assert (
        "本部门共有公务用车2辆，其中"
        + "、".join(
            f"{name}{1 if name in ('机要通信用车', '其他用车') else 0}辆" for name in EIGHT_KINDS
        )
        in text
    )


# ---------------------------------------------------------------- equipment


def test_equipment_above_its_threshold_is_printed_with_the_as_of_date(second, client):
    text = page_text(client, second)
    assert "截至2024年12月31日" in text
    assert "单位价值50万元以上的通用设备1台（套）、单位价值100万元以上的专用设备0台（套）" in text
    assert "单位价值较高的设备情况表（单位：台（套））" in text


def test_an_equipment_count_cannot_be_negative(second_draft):
    line = EquipmentLine(
        disclosure=second_draft, order=9, category="专用设备", threshold=Decimal(200), count=-1
    )
    with pytest.raises(ValidationError, match="不能为负数"):
        line.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        line.save()


# ---------------------------------------------------------------- procurement set-aside


def test_the_sme_share_is_computed_from_the_procurement_total(second, client):
    set_aside = second.figures.procurement_set_aside
    assert (set_aside.amount, set_aside.share, set_aside.micro) == (
        Decimal(50),
        Decimal("69.93"),
        Decimal(30),
    )
    text = page_text(client, second)
    assert "其中货物类9.5万元、工程类0万元、服务类62万元" in text  # the zero line is kept
    assert "面向中小企业预留50万元，占政府采购预算的69.93%，其中面向小微企业预留30万元" in text


def test_an_sme_set_aside_above_all_procurement_is_an_error(second_draft):
    assert errors(second_draft) == []
    second_draft.procurement_sme_amount = Decimal("71.6")
    second_draft.save()
    assert any("超过政府采购预算总额" in m for m in errors(second_draft))


def test_the_micro_set_aside_cannot_exceed_the_sme_set_aside(second_draft):
    second_draft.procurement_micro_amount = Decimal("50.01")
    second_draft.save()
    assert any("面向小微企业预留50.01万元" in m for m in errors(second_draft))


# ---------------------------------------------------------------- fund budgets


def fund_line(disclosure):
    return ExpenditureLine.objects.get(disclosure=disclosure, source__code="government_fund")


def test_a_fund_line_is_entered_as_a_total_with_its_uses_and_passes_every_rule(
    second_draft, client
):
    assert not fund_line(second_draft).is_split
    assert errors(second_draft) == []
    f = fresh(second_draft).figures
    assert f.government_fund.income.current == f.government_fund.spending.current == 25
    text = page_text(client, second_draft, second_draft.department and _superuser())
    assert (
        "2025年政府性基金预算收入25万元，支出25万元，其中“2296002 用于社会福利的彩票公益金支出”"
        "25万元，主要用于资助人大代表联络站开展扶老助残活动"
        in text.replace("2296002用", "2296002 用")
    )
    assert "本部门无国有资本经营预算收支。" in text


def _superuser():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("assets-root", "", "pw-assets-1")


def test_fund_spending_must_equal_fund_income(second_draft):
    line = fund_line(second_draft)
    line.total = Decimal("20")
    line.save()
    found = errors(second_draft)
    assert any("政府性基金预算拨款收入25万元" in m and "20万元" in m for m in found)


def test_a_department_without_fund_budgets_states_it_or_cannot_submit(second_draft, client):
    fund_line(second_draft).delete()
    IncomeLine.objects.filter(disclosure=second_draft, source__code="government_fund").delete()
    assert any("政府性基金预算尚未填写" in m for m in errors(second_draft))
    second_draft.no_government_fund = True
    second_draft.save()
    assert errors(second_draft) == []
    assert "本部门无政府性基金预算收支。" in page_text(client, second_draft, _superuser())


# ---------------------------------------------------------------- 绩效 coverage


def test_the_performance_sentence_counts_the_units_carrying_the_targets(second, client):
    assert second.figures.performance.units == 2
    assert "2025年2个单位的2个项目设置了绩效目标" in page_text(client, second)


# ---------------------------------------------------------------- downloads


def test_the_downloads_carry_the_set_aside_the_fund_budgets_and_the_equipment(second, client):
    pk = second.pk
    document = json.loads(client.get(reverse("portal:disclosure_json", args=[pk])).content)
    jsonschema.validate(document, json.loads(SCHEMA.read_text(encoding="utf-8")))
    other = document["other_figures"]
    assert other["procurement_set_aside"] == {
        "amount": "50.00",
        "share_percent": "69.93",
        "micro_amount": "30.00",
    }
    fund = other["fund_budgets"]["government_fund"]
    assert fund["lines"][0]["purpose"] == "资助人大代表联络站开展扶老助残活动"
    assert other["performance"]["units"] == 2
    assert [row["values"]["kind"] for row in document["tables"]["vehicles"]["rows"]] == EIGHT_KINDS
    response = client.get(reverse("portal:disclosure_table_csv", args=[pk, "equipment"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert ["通用设备", "单位价值50万元以上", "1"] in rows


def test_the_chongqing_template_words_the_set_aside_equipment_and_fund_from_data(
    draft, superuser, client
):
    from budgets.models import FunctionalItem, IncomeSource

    draft.procurement_sme_amount = Decimal("1000")
    draft.procurement_micro_amount = Decimal("600")
    draft.save()
    EquipmentLine.objects.create(
        disclosure=draft, order=1, category="通用设备", threshold=Decimal(50), count=3
    )
    fund = IncomeSource.objects.get(code="government_fund")
    IncomeLine.objects.filter(disclosure=draft, source=fund).update(amount=Decimal(12))
    ExpenditureLine.objects.create(
        disclosure=draft,
        source=fund,
        functional_item=FunctionalItem.objects.of_year(2025).get(code="2296002"),
        total=Decimal(12),
        purpose="资助社区养老服务",
    )
    text = page_text(client, draft, superuser)
    assert (
        "面向中小企业预留政府采购项目预算1000万元，占政府采购预算总额的44.61%，其中面向小微企业预留600万元。"
        in text
    )
    assert "所属各预算单位共有单位价值50万元以上的通用设备3台（套）。" in text
    assert "2025年政府性基金预算拨款支出12万元" in text and "主要用于资助社区养老服务" in text
