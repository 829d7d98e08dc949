"""Each role's start page (the admin index) says what to do next."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from budgets import workflow
from budgets.models import Disclosure, Exemption, StatusChange
from tests.conftest import make_user, record_checks
from tests.pagetext import visible_text


def start_page(client):
    return visible_text(client.get(reverse("admin:index")).content.decode())


def test_the_contact_person_sees_this_years_draft_its_deadline_findings_and_next_step(
    editor_client, draft
):
    approved = date.today() - timedelta(days=15)
    Disclosure.objects.filter(pk=draft.pk).update(finance_approved_on=approved)
    text = start_page(editor_client)
    assert str(draft).replace(" ", "") in text and "草稿" in text
    assert "还剩5天" in text
    assert "0个错误" in text or "没有" in text
    assert "提交审核" in text and "如何填报" in text


def test_the_contact_person_is_asked_to_fill_in_a_prepared_year_and_sees_last_year(
    editor_client, reference, superuser
):
    from budgets import annual

    annual.prepare_year(department=reference.department, year=2026, user=superuser)
    html = editor_client.get(reverse("admin:index")).content.decode()
    text = visible_text(html)
    assert "2026年" in text and "个错误" in text and "填写" in text and "未录入批复日期" in text
    assert reference.get_absolute_url() in html and "2025年已公开版本" in text


def test_a_returned_draft_offers_the_reviewers_comment(editor_client, draft, editor, reviewer):
    record_checks(draft)
    workflow.disclosure_submit(disclosure=draft, user=editor)
    workflow.disclosure_return(disclosure=draft, user=reviewer, comment="请补充原因")
    text = start_page(editor_client)
    assert "查看意见" in text and "请补充原因" in text


def test_the_reviewer_sees_the_queue_overdue_first_then_oldest(
    client, reference_data, roles, django_user_model, reviewer
):
    from tests import factories

    early = factories.disclosure(factories.department("先提交局"), published=False)
    late = factories.disclosure(
        factories.department("逾期局"),
        published=False,
        finance_approved_on=date.today() - timedelta(days=40),
    )
    submitter = make_user(django_user_model, "tianbao", roles.EDITOR)
    for days_ago, d in [(5, early), (1, late)]:
        Disclosure.objects.filter(pk=d.pk).update(status=Disclosure.Status.SUBMITTED)
        StatusChange.objects.create(
            disclosure=d,
            from_status="draft",
            to_status="submitted",
            user=submitter,
            at=timezone.now() - timedelta(days=days_ago),
        )
    client.force_login(reviewer)
    text = start_page(client)
    assert "待审核" in text
    assert text.index("逾期局") < text.index("先提交局") and "已逾期" in text


def test_the_platform_administrator_sees_progress_exemptions_and_users_without_department(
    client, site_admin, reference, roles, django_user_model
):
    make_user(django_user_model, "无部门的人", roles.EDITOR)
    Exemption.objects.create(department=reference.department, year=2025, legal_basis="涉及国家秘密")
    client.force_login(site_admin)
    text = start_page(client)
    assert "2025年公开进度" in text and "查看年度公开进度" in text
    assert "涉及国家秘密" in text and "无部门的人" in text


def test_the_guide_page_explains_the_steps(editor_client):
    text = visible_text(editor_client.get(reverse("portal:guide")).content.decode())
    assert "提交审核" in text and "元" in text
