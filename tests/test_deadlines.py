"""Due dates, overdue rows and 及时率 for a year."""

from datetime import date

from django.urls import reverse

from budgets import deadlines
from budgets.models import Disclosure, Exemption
from organizations.models import Department
from tests import factories


def test_the_due_date_is_twenty_days_after_approval(settings, reference_data):
    d = factories.disclosure(published=False, finance_approved_on=date(2025, 1, 20))
    assert d.due_date == date(2025, 2, 9)
    settings.DISCLOSURE_DEADLINE_DAYS = 10
    assert d.due_date == date(2025, 1, 30)
    assert d.days_left(today=date(2025, 1, 25)) == 5


def make(name, approved, published=None):
    d = factories.disclosure(
        factories.department(name), published=False, finance_approved_on=approved
    )
    if published:
        d.published_on = published
        d.save()
        from budgets.workflow import record_publication

        record_publication(disclosure=d)
    return d


def test_progress_lists_overdue_and_timeliness(reference_data):
    make("按期局", date(2025, 1, 10), published=date(2025, 1, 25))
    make("逾期公开局", date(2025, 1, 10), published=date(2025, 2, 5))
    make("未公开局", date(2025, 1, 10))
    make("未到期局", date(2025, 3, 1))
    exempt = factories.department("涉密局")
    Exemption.objects.create(department=exempt, year=2025, legal_basis="涉及国家秘密")
    progress = deadlines.progress(
        Department.objects.order_by("name"), year=2025, today=date(2025, 3, 5)
    )
    rows = {row.department.name: row for row in progress.rows}
    assert {n for n, r in rows.items() if r.overdue} == {"未公开局", "逾期公开局"}
    assert rows["未到期局"].days_left == 16 and not rows["未到期局"].overdue
    assert rows["涉密局"].state == "涉密不公开" and not rows["涉密局"].overdue
    assert len(progress.required) == 4 and progress.timeliness == 1 / 4
    assert {r.department.name for r in progress.not_published} == {"未公开局", "未到期局"}


def test_the_overview_page_marks_overdue_rows(admin_client, reference_data):
    make("未公开局", date(2020, 1, 10))
    Disclosure.objects.update(year=2025)
    html = admin_client.get(
        reverse("admin:budgets_disclosure_progress") + "?year=2025"
    ).content.decode()
    assert "未公开局" in html and "（逾期）" in html and "及时率" in html


def test_a_body_without_an_approval_date_is_left_out_of_timeliness_and_never_late(
    admin_client, reference_data
):
    make("按期局", date(2025, 1, 10), published=date(2025, 1, 25))
    make("未录批复局", None, published=date(2025, 6, 1))
    progress = deadlines.progress(
        Department.objects.order_by("name"), year=2025, today=date(2025, 12, 1)
    )
    rows = {row.department.name: row for row in progress.rows}
    missing = rows["未录批复局"]
    assert missing.approval_missing and missing.on_time is None and not missing.overdue
    assert [r.body for r in progress.no_approval_date] == ["未录批复局"]
    assert len(progress.required) == 1 and progress.timeliness == 1
    html = admin_client.get(
        reverse("admin:budgets_disclosure_progress") + "?year=2025"
    ).content.decode()
    assert "未录入批复日期 1 个" in html and "及时率 100%" in html


def test_unit_budgets_are_counted_and_exemptions_shown(admin_client, reference_data):
    department_budget = make("有单位局", date(2025, 1, 10), published=date(2025, 1, 20))
    unit = factories.unit_with_year(department_budget.department, 2025, name="有单位局下属中心")
    factories.disclosure(
        department_budget.department,
        unit=unit,
        published=False,
        finance_approved_on=date(2025, 1, 10),
    )
    exempt = factories.department("涉密局")
    Exemption.objects.create(department=exempt, year=2025, legal_basis="涉及国家秘密")
    progress = deadlines.progress(
        Department.objects.order_by("name"), year=2025, today=date(2025, 3, 1)
    )
    assert [r.body for r in progress.required] == ["有单位局", "有单位局 › 有单位局下属中心"]
    assert progress.timeliness == 1 / 2 and len(progress.overdue) == 1
    html = admin_client.get(
        reverse("admin:budgets_disclosure_progress") + "?year=2025"
    ).content.decode()
    assert "有单位局下属中心" in html and "涉密不公开 1 个" in html and "涉及国家秘密" in html
