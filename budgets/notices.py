"""E-mail notices to a department's contact persons: when a version is returned, approved
or published (sent after the workflow step commits), and a reminder N days before the
deadline (`manage.py send_deadline_reminders`, run daily from cron). Each notice is stored
as a Notice row and written to the audit log."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from .models import Disclosure, Exemption, Notice

audit = logging.getLogger("audit")

STEP_NOTICES = {
    Disclosure.Status.DRAFT: Notice.Kind.RETURNED,
    Disclosure.Status.APPROVED: Notice.Kind.APPROVED,
    Disclosure.Status.PUBLISHED: Notice.Kind.PUBLISHED,
}


def contact_addresses(disclosure):
    """The e-mail addresses of the department's active contact persons (its members who may
    submit), sorted; users without an address are skipped."""
    members = disclosure.department.members.filter(is_active=True).exclude(email="")
    return sorted({u.email for u in members if u.has_perm("budgets.submit_disclosure")})


def _link(disclosure):
    path = reverse("admin:budgets_disclosure_change", args=[disclosure.pk])
    return f"{settings.PORTAL_URL.rstrip('/')}{path}"


def _message(disclosure, kind, comment, today):
    if kind == Notice.Kind.RETURNED:
        return (
            f"“{disclosure}”已被退回修改。\n审核意见：{comment or '（无）'}\n"
            "请登录后台按意见修改，然后再次提交审核。"
        )
    if kind == Notice.Kind.APPROVED:
        return f"“{disclosure}”已审核通过，等待公开。"
    if kind == Notice.Kind.PUBLISHED:
        public = f"{settings.PORTAL_URL.rstrip('/')}{disclosure.get_absolute_url()}"
        return f"“{disclosure}”已公开，公众可在此查看：{public}"
    return (
        f"“{disclosure}”的公开期限是{disclosure.due_date:%Y年%m月%d日}，"
        f"还剩{disclosure.days_left(today=today)}天，目前状态为“{disclosure.get_status_display()}”。"
        "请尽快完成填报并提交审核。"
    )


def send_notice(disclosure, kind, *, comment="", today=None):
    """E-mail one notice to the contact persons, store it and log it; returns the Notice, or
    None when the reminder was already sent today (so a second run sends nothing)."""
    today = today or timezone.localdate()
    recipients = contact_addresses(disclosure)
    subject = f"【{settings.PORTAL_NAME}】{disclosure}：{Notice.Kind(kind).label}"
    try:
        with transaction.atomic():
            notice = Notice.objects.create(
                disclosure=disclosure,
                kind=kind,
                sent_on=today,
                recipients=", ".join(recipients),
                subject=subject,
            )
    except IntegrityError:  # today's reminder exists already
        return None
    body = f"{_message(disclosure, kind, comment, today)}\n\n后台地址：{_link(disclosure)}\n"
    if recipients:
        send_mail(subject, body, None, recipients)
    audit.info(
        f"邮件通知：{subject}；收件人：{notice.recipients or '无（本部门联系人未填写邮箱）'}",
        extra={"kind": "notice", "user": None},
    )
    return notice


def notify_step(disclosure, comment=""):
    """After a workflow step has committed: tell the contact persons when their version was
    returned, approved or published (a submit needs no notice: they did it themselves)."""
    kind = STEP_NOTICES.get(disclosure.status)
    if kind is not None:
        send_notice(disclosure, kind, comment=comment)


def send_deadline_reminders(*, today=None, days=None):
    """Remind the contact persons of every unpublished, non-exempt version whose deadline is
    exactly one of `days` days away (settings.DISCLOSURE_REMINDER_DAYS); at most one reminder
    per version per day. Returns the notices sent."""
    today = today or timezone.localdate()
    days = set(days if days is not None else settings.DISCLOSURE_REMINDER_DAYS)
    exempt = set(Exemption.objects.values_list("department_id", "year", "kind"))
    candidates = (
        Disclosure.objects.exclude(status=Disclosure.Status.PUBLISHED)
        .filter(finance_approved_on__isnull=False)
        .select_related("department", "unit")
    )
    sent = []
    for disclosure in candidates:
        if (disclosure.department_id, disclosure.year, disclosure.kind) in exempt:
            continue
        if disclosure.days_left(today=today) in days:
            notice = send_notice(disclosure, Notice.Kind.REMINDER, today=today)
            if notice is not None:
                sent.append(notice)
    return sent
