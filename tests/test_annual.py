"""Preparing next year from this year's published version."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from budgets import annual, workflow
from budgets.models import Disclosure, VehicleKind
from budgets.rules import ERROR, check_disclosure
from organizations.models import UnitYear


@pytest.fixture
def prepared(reference, superuser):
    draft, created = annual.prepare_year(department=reference.department, year=2026, user=superuser)
    assert created
    return Disclosure.objects.for_page().get(pk=draft.pk)


def test_prior_year_figures_are_2025s(prepared):
    f = prepared.figures
    assert prepared.status == Disclosure.Status.DRAFT and prepared.year == 2026
    assert (prepared.prior_basic, prepared.prior_project) == (
        Decimal("2036.77"),
        Decimal("9055.07"),
    )
    assert f.income.prior == Decimal("11091.84") and f.income.current == 0
    assert all(line.amount is None for line in f.income_lines)
    assert {line.item.name: line.prior_amount for line in f.official_expense_lines} == {
        "因公出国（境）费": Decimal(0),
        "公务接待费": Decimal("28.85"),
        "公务用车运行维护费": Decimal("79.6"),
        "公务用车购置费": Decimal(218),
    }
    assert prepared.prior_operating_cost == Decimal("273.23") and prepared.operating_cost is None
    assert f.procurement_lines == []


def test_expenditure_lines_carry_last_years_amounts_as_priors_and_start_empty(prepared):
    lines = prepared.figures.expenditure_lines
    assert {
        (line.functional_item.code if line.functional_item else None): line.prior_amount
        for line in lines
    } == {
        "201": Decimal("10537.94"),
        "208": Decimal("358.15"),
        "210": Decimal("87.5"),
        "221": Decimal("108.25"),
        None: Decimal("11091.84"),  # restates the split of the 类 lines
    }
    assert all(
        (line.basic, line.project, line.total, line.amount) == (None, None, None, None)
        for line in lines
    )
    # The new draft's items are the 2026 list's, not last year's.
    assert {line.functional_item.year for line in lines if line.functional_item} == {2026}


def test_basic_lines_by_economic_class_carry_their_priors(reference, superuser):
    from budgets.models import BasicExpenditureLine, EconomicItem

    item = EconomicItem.objects.filter(year=2025, code="30101").first()
    if item is None:
        pytest.skip("no 30101 in the shipped 2025 economic list")
    draft = _draft_with_basic_line(reference, superuser, item)
    line = BasicExpenditureLine.objects.get(disclosure=draft)
    assert (line.economic_item.code, line.economic_item.year) == ("30101", 2026)
    assert (line.amount, line.prior_amount) == (None, Decimal("120.5"))


def _draft_with_basic_line(reference, superuser, item):
    """Prepare 2026 from a 2025 version that also has a basic line by economic class."""
    from budgets.models import BasicExpenditureLine

    correction = workflow.disclosure_correct(disclosure=reference, user=superuser, reason="补充")
    BasicExpenditureLine.objects.create(
        disclosure=correction, economic_item=item, amount=Decimal("120.5")
    )
    Disclosure.objects.filter(pk=correction.pk).update(status=Disclosure.Status.PUBLISHED)
    draft, _ = annual.prepare_year(department=reference.department, year=2026, user=superuser)
    return draft


def test_structure_is_carried_over(prepared):
    assert prepared.key_projects.count() == 25 and prepared.glossary_entries.count() == 19
    assert UnitYear.objects.filter(unit__department=prepared.department, year=2026).count() == 4
    own = UnitYear.objects.get(unit__relation="own_office", year=2026)
    assert own.duties.count() == 17 and own.sections.count() == 14 and own.staffing.count() == 2
    assert (prepared.contact_name, prepared.publisher) == ("严天洁", "重庆市渝中区人民政府办公室")


def test_preparing_twice_creates_nothing_new(prepared, superuser):
    counts = (Disclosure.objects.count(), UnitYear.objects.count())
    again, created = annual.prepare_year(department=prepared.department, year=2026, user=superuser)
    assert (again.pk, created) == (prepared.pk, False)
    call_command("prepare_year", "2026")
    assert (Disclosure.objects.count(), UnitYear.objects.count()) == counts


def test_the_command_prepares_every_department(reference, superuser, capsys):
    call_command("prepare_year", "2026")
    assert "已准备：重庆市渝中区人民政府办公室 2026年部门预算" in capsys.readouterr().out
    call_command("prepare_year", "2026")
    assert "跳过" in capsys.readouterr().out


def test_a_year_without_a_published_predecessor_is_refused(reference, superuser):
    with pytest.raises(workflow.WorkflowError, match="没有已公开的2026年版本"):
        annual.prepare_year(department=reference.department, year=2027, user=superuser)


def test_the_admin_action_prepares_next_year(admin_client, reference):
    admin_client.post(
        reverse("admin:budgets_disclosure_changelist"),
        {"action": "prepare_next_year", "_selected_action": [reference.pk]},
    )
    assert Disclosure.objects.filter(year=2026, department=reference.department).exists()


def test_a_prepared_draft_opens_in_the_admin_and_lists_what_is_missing(admin_client, prepared):
    from budgets.rules import check_disclosure

    page = admin_client.get(reverse("admin:budgets_disclosure_change", args=[prepared.pk]))
    assert page.status_code == 200
    messages = [p.message for p in check_disclosure(prepared)]
    assert "收入“一般公共预算拨款”尚未填写本年预算数（没有请填0）。" in messages
    assert any(
        m.endswith("支出“201 一般公共服务支出”尚未填写本年预算数（没有请填0）。") for m in messages
    )
    assert "“三公”经费“公务接待费”尚未填写本年预算数（没有请填0）。" in messages


def test_submit_is_blocked_listing_every_empty_line_until_they_are_filled(prepared, superuser):
    with pytest.raises(workflow.WorkflowError) as refused:
        workflow.disclosure_submit(disclosure=prepared, user=superuser)
    message = str(refused.value)
    assert "支出“201 一般公共服务支出”尚未填写本年预算数（没有请填0）。" in message
    assert "支出“未分科目”尚未填写本年预算数（没有请填0）。" in message
    assert "收入“一般公共预算拨款”尚未填写本年预算数（没有请填0）。" in message

    for line in prepared.income_lines.all():
        line.amount = line.prior_amount or 0
        line.save()
    for line in prepared.official_expense_lines.all():
        line.amount = line.prior_amount
        line.save()
    for line in prepared.expenditure_lines.all():
        if line.functional_item_id:
            line.total = line.prior_amount
        else:
            line.basic, line.project = Decimal("2036.77"), Decimal("9055.07")
        line.save()
    draft = Disclosure.objects.for_page().get(pk=prepared.pk)
    from budgets.rules import ERROR, check_disclosure

    errors = [p.message for p in check_disclosure(draft) if p.severity == ERROR]
    assert not [m for m in errors if "尚未填写本年预算数" in m], errors


# ---------------------------------------------------------------- assets and set-aside


@pytest.fixture
def second(reference):
    from pathlib import Path

    from portal.disclosure_file import load_disclosure_file

    data = Path(__file__).resolve().parent.parent / "portal" / "data"
    return load_disclosure_file(data / "qingshan-donghu-npc-office-2025.toml").disclosure


def _prepare(disclosure, user):
    draft, created = annual.prepare_year(department=disclosure.department, year=2026, user=user)
    assert created
    return Disclosure.objects.for_page().get(pk=draft.pk)


def _vehicle_errors(draft):
    return [p.message for p in check_disclosure(draft) if p.field == "vehicle_lines"]


def test_equipment_lines_are_carried_as_last_years_to_be_confirmed(second, superuser):
    draft = _prepare(second, superuser)
    assert [
        (line.order, line.category, line.threshold, line.count)
        for line in draft.figures.equipment_lines
    ] == [(1, "通用设备", Decimal(50), 1), (2, "专用设备", Decimal(100), 0)]
    # last year's rows stay with last year's version
    assert second.equipment_lines.count() == 2


def test_the_sme_set_aside_starts_empty_in_the_new_year(second, superuser):
    assert second.procurement_sme_amount is not None
    draft = _prepare(second, superuser)
    assert (draft.procurement_sme_amount, draft.procurement_micro_amount) == (None, None)
    assert draft.figures.procurement_set_aside is None


def test_vehicle_lines_move_to_the_renamed_kind_of_the_same_code(second, superuser):
    old = VehicleKind.objects.get(code="law_enforcement")
    old.last_year = 2025
    old.save()
    new = VehicleKind.objects.create(
        code="law_enforcement", name="执法执勤用车", order=old.order, first_year=2026
    )
    draft = _prepare(second, superuser)
    kinds = [line.kind for line in draft.figures.vehicle_lines]
    assert new in kinds and old not in kinds and len(kinds) == 8
    assert all(line.held == 0 and line.planned == 0 for line in draft.figures.vehicle_lines)
    assert _vehicle_errors(draft) == []
    # the published 2025 version keeps the name it was published with
    assert old in [line.kind for line in second.vehicle_lines.all()]


def test_a_vehicle_kind_no_longer_in_use_is_kept_and_flagged(second, superuser):
    gone = VehicleKind.objects.get(code="confidential")
    gone.last_year = 2025
    gone.save()
    draft = _prepare(second, superuser)
    assert gone in [line.kind for line in draft.figures.vehicle_lines]
    problems = [p for p in check_disclosure(draft) if p.field == "vehicle_lines"]
    assert [(p.severity, p.message) for p in problems] == [
        (
            ERROR,
            "车辆类型“机要通信用车”不是2026年使用的车辆类型名称："
            "请改选2026年使用的车辆类型，或删除本行。",
        )
    ]
    # the 2025 version, checked for its own year, has no such problem
    assert _vehicle_errors(Disclosure.objects.for_page().get(pk=second.pk)) == []


def test_a_line_left_on_a_renamed_kind_is_told_the_new_name(second, superuser):
    old = VehicleKind.objects.get(code="law_enforcement")
    draft = _prepare(second, superuser)
    old.last_year = 2025
    old.save()
    VehicleKind.objects.create(
        code="law_enforcement", name="执法执勤用车", order=old.order, first_year=2026
    )
    assert _vehicle_errors(Disclosure.objects.for_page().get(pk=draft.pk)) == [
        "车辆类型“执勤执法用车”不是2026年使用的车辆类型名称：2026年该类型名称为“执法执勤用车”，请改选。"
    ]
