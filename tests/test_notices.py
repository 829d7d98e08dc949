"""E-mail notices to the department's contact persons: returned, approved, published, and
reminders before the deadline; each one stored and in the audit log."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command

from budgets import workflow
from budgets.models import Disclosure, Notice
from portal.models import AuditEvent
from tests.conftest import publish, record_checks


def with_address(user, address):
    user.email = address
    user.save()
    return user


def test_a_returned_version_mails_the_contact_person_the_reviewers_comment(
    draft, editor, reviewer, django_capture_on_commit_callbacks
):
    with_address(editor, "lianxiren@example.gov.cn")
    record_checks(draft)
    workflow.disclosure_submit(disclosure=draft, user=editor)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.disclosure_return(disclosure=draft, user=reviewer, comment="请补充项目支出原因")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lianxiren@example.gov.cn"] and "退回修改" in message.subject
    assert "请补充项目支出原因" in message.body
    assert Notice.objects.get().kind == Notice.Kind.RETURNED
    assert AuditEvent.objects.filter(kind="notice", detail__contains="退回修改").exists()


def test_approval_and_publication_each_mail_the_contact_person(
    draft, editor, reviewer, django_capture_on_commit_callbacks
):
    with_address(editor, "lianxiren@example.gov.cn")
    with django_capture_on_commit_callbacks(execute=True):
        publish(draft, editor, reviewer)
    assert [m.subject.rsplit("：", 1)[1] for m in mail.outbox] == ["审核通过", "已公开"]
    assert draft.get_absolute_url() in mail.outbox[1].body
    assert list(Notice.objects.order_by("pk").values_list("kind", flat=True)) == [
        "approved",
        "published",
    ]
    assert AuditEvent.objects.filter(kind="notice").count() == 2


def test_a_step_that_fails_sends_nothing(draft, editor, django_capture_on_commit_callbacks):
    with_address(editor, "lianxiren@example.gov.cn")
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(workflow.WorkflowError),
    ):
        workflow.disclosure_approve(disclosure=draft, user=editor)
    assert mail.outbox == [] and not Notice.objects.exists()


def test_the_daily_reminder_goes_out_once_a_day_n_days_before_the_deadline(draft, editor, settings):
    with_address(editor, "lianxiren@example.gov.cn")
    settings.DISCLOSURE_REMINDER_DAYS = [3]
    today = date.today()
    Disclosure.objects.filter(pk=draft.pk).update(
        finance_approved_on=today + timedelta(days=3 - settings.DISCLOSURE_DEADLINE_DAYS)
    )
    call_command("send_deadline_reminders")
    call_command("send_deadline_reminders")  # cron ran it twice: still one reminder
    assert len(mail.outbox) == 1 and "还剩3天" in mail.outbox[0].body
    assert Notice.objects.filter(kind=Notice.Kind.REMINDER).count() == 1
    assert AuditEvent.objects.filter(kind="notice", detail__contains="公开期限提醒").count() == 1


def test_no_reminder_on_other_days_or_for_published_versions(reference, draft, editor, settings):
    with_address(editor, "lianxiren@example.gov.cn")
    settings.DISCLOSURE_REMINDER_DAYS = [3]
    today = date.today()
    Disclosure.objects.filter(pk=draft.pk).update(
        finance_approved_on=today + timedelta(days=5 - settings.DISCLOSURE_DEADLINE_DAYS)
    )
    call_command("send_deadline_reminders")
    assert mail.outbox == []
