"""Preparing next year from this year's published version."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from budgets import annual, workflow
from budgets.models import Disclosure
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
    assert f.expenditure_lines == [] and f.procurement_lines == []


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
    assert "尚未填写支出预算。" in messages
    assert "“三公”经费“公务接待费”尚未填写本年预算数（没有请填0）。" in messages
